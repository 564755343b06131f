"""Public pages at a narrow phone's width (360 px: what fits there fits any wider phone) and
at a desktop width, in English and French: nothing wider than the window, no console error
or policy violation (the visitors fixture), the list filters folded on phones and usable,
and a screenshot of each page."""

import re

import pytest

from tests.pages import PUBLIC_PAGES

# One detail page of each kind, reached from its list.
DETAIL_LISTS = ["/events/", "/claims/", "/sources/"]
WIDTHS = [360, 1280]
PHONE = 640


def _open(visitor, path):
    visitor.goto(path)
    visitor.page.wait_for_load_state("networkidle")


def _first_detail(visitor, list_path):
    _open(visitor, list_path)
    for link in visitor.page.locator(f"main a[href^='{list_path}']").all():
        href = link.get_attribute("href")
        if len(href) > len(list_path) and "?" not in href:
            return href
    raise AssertionError(f"no detail link on {list_path}")


def _reader(visitors, language, width):
    reader = visitors(f"reader-{language}-{width}")
    reader.page.set_viewport_size({"width": width, "height": 800})
    _open(reader, f"/language/{language}/?next=/")
    assert reader.page.locator("html").get_attribute("lang") == language
    return reader


@pytest.mark.browser
@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize("width", WIDTHS)
def test_no_page_is_wider_than_the_window(visitors, language, width):
    reader = _reader(visitors, language, width)
    details = [_first_detail(reader, path) for path in DETAIL_LISTS]
    for path in PUBLIC_PAGES + details:
        _open(reader, path)
        scroll_width, window_width = reader.page.evaluate(
            "[document.documentElement.scrollWidth, window.innerWidth]"
        )
        assert scroll_width <= window_width, f"{path} is {scroll_width} px wide at {width} px"
        name = re.sub(r"[^a-z0-9]+", "-", path).strip("-") or "home"
        reader.screenshot(f"phone-layout-{width}-{language}-{name}")


@pytest.mark.browser
@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize("width", WIDTHS)
def test_list_filters_are_folded_on_phones_and_work(visitors, language, width):
    reader = _reader(visitors, language, width)
    page = reader.page
    for path, field, value in [
        ("/events/", "#id_event_type", "battle"),
        ("/claims/", "#id_assessment", "disputed"),
    ]:
        _open(reader, path)
        details = page.locator("details.filters")
        assert details.get_attribute("open") is None
        if width < PHONE:
            assert not page.locator(field).is_visible()
            page.locator("details.filters > summary").click()
        assert page.locator(field).is_visible()
        page.select_option(field, value)
        page.locator("details.filters button[type=submit]").click()
        page.wait_for_url(f"**{path}?*")
        # The narrowed list keeps its form open and says how many filters are in use.
        assert details.get_attribute("open") == ""
        assert page.locator(field).input_value() == value
        assert page.locator("details.filters > summary .meta").inner_text() in (
            "(1 active)",
            "(1 actif)",
        )
        assert page.locator("#results-heading").is_visible()
        reader.screenshot(f"phone-layout-{width}-{language}-filtered-{path.strip('/')}")
