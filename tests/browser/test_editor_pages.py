"""The editors' and reviewers' pages in Chromium, at a desktop width and at 390 pixels, in
English and French: the desk, the event and claim forms with their lists, the review queue
grouped by event, a set to approve, a withdrawal's confirmation, and the French map. Each
fails on horizontal overflow, and (through the visitors fixture) on any console error,
failed request or Content-Security-Policy violation. Screenshots of each page."""

import re

import pytest

EDITOR = ("editor", "kidal-editor-2023")
REVIEWER = ("reviewer", "kidal-reviewer-2023")
WIDTHS = {"desktop": 1280, "phone": 390}
LANGUAGES = ["en", "fr"]


def _check(visitor, shot):
    visitor.page.wait_for_load_state("networkidle")
    overflow = visitor.page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"{visitor.page.url} overflows by {overflow} pixels ({shot})"
    visitor.screenshot(shot)


def _open(visitor, path, shot):
    visitor.goto(path)
    _check(visitor, shot)


def _person(visitors, who, account, language, width):
    visitor = visitors(f"{who}-{language}-{width}")
    visitor.page.set_viewport_size({"width": WIDTHS[width], "height": 900})
    visitor.log_in(*account)
    visitor.goto(f"/language/{language}/?next=/admin/")
    return visitor


def _first_link(page, selector):
    return page.locator(selector).first.get_attribute("href")


@pytest.mark.browser
@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("width", WIDTHS)
def test_editor_pages(visitors, language, width):
    editor = _person(visitors, "editor", EDITOR, language, width)
    page = editor.page
    _open(editor, "/admin/", f"editor-dashboard-{language}-{width}")
    assert page.locator("#editorial-desk a[href='/admin/desk/']").count() == 1
    _open(editor, "/admin/desk/", f"editor-desk-{language}-{width}")
    assert page.locator("#desk-draft, #desk-changes_requested, #desk-in_review").count() == 3

    _open(editor, "/admin/events/event/", f"editor-events-{language}-{width}")
    event = _first_link(page, "#result_list tbody th a")
    _open(editor, event, f"editor-event-form-{language}-{width}")
    assert page.locator("#related-entries a.addlink").count() == 1
    assert page.locator("#publication").count() == 1
    assert page.locator("input[name=_submit]").count() == 2

    claim = _first_link(page, "#related-entries tbody a")
    _open(editor, claim, f"editor-claim-form-{language}-{width}")
    assert page.locator("#related-entries .status-badge").count() >= 1


@pytest.mark.browser
@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("width", WIDTHS)
def test_reviewer_pages(visitors, language, width):
    reviewer = _person(visitors, "reviewer", REVIEWER, language, width)
    page = reviewer.page
    _open(reviewer, "/admin/review-queue/", f"reviewer-queue-{language}-{width}")
    groups = page.locator(".review-group a.button")
    assert groups.count() >= 1
    _open(reviewer, groups.first.get_attribute("href"), f"reviewer-set-{language}-{width}")
    assert page.locator(".review-set-entry").count() >= 1

    # A withdrawal is confirmed on a page of its own; it is not confirmed here.
    _open(reviewer, "/admin/events/claim/?public=yes", f"reviewer-claims-{language}-{width}")
    claim = _first_link(page, "#result_list tbody th a")
    reviewer.goto(claim)
    page.fill("#review-comment", "Checking the confirmation page.")
    page.click("button.risky-button[value=withdraw]")
    _check(reviewer, f"reviewer-withdraw-confirmation-{language}-{width}")
    assert page.locator("input[name=confirmed]").count() == 1
    assert page.locator("#confirm-comment").input_value() == "Checking the confirmation page."


@pytest.mark.browser
@pytest.mark.parametrize("width", WIDTHS)
def test_french_map_and_timeline_draw_with_plain_numbers(visitors, width):
    reader = visitors(f"reader-fr-{width}")
    reader.page.set_viewport_size({"width": WIDTHS[width], "height": 900})
    reader.goto("/language/fr/?next=/map/")
    for path, shot in (("/map/", "map"), ("/", "home")):
        _open(reader, path, f"french-{shot}-{width}")
        html = reader.page.content()
        values = re.findall(r'\s(?:cx|cy|x|y|width)="([^"]*)"', html)
        assert values and all(re.fullmatch(r"-?\d+(\.\d+)?", value) for value in values)
