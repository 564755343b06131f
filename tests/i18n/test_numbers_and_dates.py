"""Numbers drawn into SVG are never localised, and every date a page shows goes through
events/dates.py: French pages write "1er octobre" everywhere, English ones "1 October"."""

import re
from datetime import UTC, date, datetime

import pytest

from events import workflow
from events.models import Event, Transition
from tests.events.helpers import pending_edit
from tests.factories import EventFactory, PlaceFactory, editor, published_claim, reviewer

# Every coordinate-like attribute of an SVG drawing.
SVG_NUMBER_ATTRIBUTE = re.compile(r'\s(cx|cy|x|y|x1|x2|y1|y2|width|height|r)="([^"]*)"')
PLAIN_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")


def svg_numbers(html):
    svgs = re.findall(r"<svg.*?</svg>", html, flags=re.S)
    assert svgs, "the page draws no SVG"
    return [match for svg in svgs for match in SVG_NUMBER_ATTRIBUTE.findall(svg)]


def page(client, path, language):
    response = client.get(path, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def offensive(db):
    """A public event of several days starting on the first of a month, at a place whose
    coordinates land on fractional pixels, first published, reviewed and corrected on the
    first of later months."""
    place = PlaceFactory(name="Anéfis", slug="anefis", latitude=18.0517, longitude=0.6053)
    event = EventFactory(
        title="Advance on Kidal",
        slug="advance-on-kidal",
        start_date=date(2023, 10, 1),
        end_date=date(2023, 10, 20),
        place=place,
    )
    author, approver = editor(), reviewer()
    published_claim(author=author, approver=approver, event=event)
    event.refresh_from_db()
    pending_edit(event, by=author, summary="The column reached Anéfis on 1 October.")
    workflow.submit(event, by=author)
    correction = workflow.approve(event, by=approver, correction_note="The end date was corrected.")
    corrected = datetime(2023, 12, 1, 8, 0, tzinfo=UTC)
    Transition.objects.filter(pk=correction.pk).update(created_at=corrected)
    Event.objects.filter(pk=event.pk).update(
        first_published_at=datetime(2023, 11, 1, 9, 30, tzinfo=UTC),
        last_reviewed_at=datetime(2023, 11, 1, 9, 30, tzinfo=UTC),
        corrected_at=corrected,
    )
    return event


@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize("path", ["/map/", "/", "/places/", "/places/anefis/"])
def test_svg_coordinates_are_never_localised(client, offensive, path, language):
    numbers = svg_numbers(page(client, path, language))
    assert numbers
    bad = [(name, value) for name, value in numbers if not PLAIN_NUMBER.match(value)]
    assert bad == []
    # The check reads real decimals: some coordinates have a fractional part.
    assert any("." in value for _name, value in numbers)


def test_french_map_places_the_marker_where_english_does(client, offensive):
    def marker(html):
        return re.search(r'<circle cx="([^"]+)" cy="([^"]+)" r="6"/>', html).groups()

    assert marker(page(client, "/map/", "fr")) == marker(page(client, "/map/", "en"))


def test_french_pages_write_the_first_of_the_month_as_an_ordinal(client, offensive):
    event_page = page(client, "/events/advance-on-kidal/", "fr")
    assert "1er–20 octobre 2023" in event_page
    assert "Dernière relecture le 1er novembre 2023" in event_page
    assert "Première publication le 1er novembre 2023" in event_page
    assert "1er décembre 2023</time> : The end date was corrected." in event_page
    home = page(client, "/", "fr")
    assert "en ligne depuis le 1er novembre 2023" in home
    assert "(1er décembre 2023)" in home
    for html in (event_page, home):
        assert not re.search(r"\b1 (octobre|novembre|décembre)", html)


def test_english_pages_write_the_same_dates_as_days(client, offensive):
    event_page = page(client, "/events/advance-on-kidal/", "en")
    assert "1–20 October 2023" in event_page
    assert "Last reviewed on 1 November 2023" in event_page
    assert "1 December 2023</time>: The end date was corrected." in event_page
    assert '<time datetime="2023-10-01">' in event_page
