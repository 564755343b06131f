"""Control characters in any text the feed, the sitemaps, the exports and the public pages
read never make them fail: every XML document stays well-formed."""

import csv
import json
import xml.etree.ElementTree as ET

import pytest
from django.db import connection

from events import export_files
from events.models import Claim, Event
from events.text import xml_safe
from tests.factories import (
    ActorFactory,
    CitationFactory,
    ClaimCitationFactory,
    ClaimFactory,
    EventActorFactory,
    EventFactory,
    PlaceFactory,
    SourceFactory,
    editor,
    publish,
    reviewer,
)
from tests.pages import PUBLIC_PAGES

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def controls():
    """Every C0 and C1 control character, and DEL. PostgreSQL cannot store NUL (and Django's
    form fields refuse it), so it is left out there."""
    codes = [*range(0x20), *range(0x7F, 0xA0)]
    if connection.vendor == "postgresql":
        codes.remove(0)
    return "".join(chr(code) for code in codes)


def spiked(text):
    return f"{text} {controls()} end"


@pytest.fixture
def record(db):
    author, approver = editor("ctl-editor"), reviewer("ctl-reviewer")
    place = PlaceFactory(
        name=spiked("Kidal"), alternative_names=spiked("Kidal"), region=spiked("Kidal")
    )
    actor = ActorFactory(name=spiked("Actor"), aliases=spiked("alias"))
    source = SourceFactory(name=spiked("Outlet"), aliases=spiked("alias"))
    event = EventFactory(title=spiked("Event"), summary=spiked("Summary"), place=place)
    EventActorFactory(event=event, actor=actor)
    publish(event, author=author, approver=approver)
    citation = CitationFactory(source=source, title=spiked("Title"), author=spiked("Author"))
    publish(citation, author=author, approver=approver)
    for claimant in {"claimant_actor": actor}, {"claimant_label": spiked("medical sources")}:
        claim = ClaimFactory(
            event=event,
            text=spiked("Claim"),
            figure_kind=Claim.FigureKind.AT_LEAST,
            figure_low=3,
            figure_unit=spiked("killed"),
            kind=Claim.Kind.CASUALTIES,
            assessment_note=spiked("Note"),
            **claimant,
        )
        ClaimCitationFactory(
            claim=claim,
            citation=citation,
            quote=spiked("Quote"),
            translation=spiked("Translation"),
            locator=spiked("p."),
        )
        publish(claim, author=author, approver=approver)
    # Correction notes are written by reviewers when approving a change; the feed shows them.
    Event.objects.update(correction_note=spiked("Corrected"))
    Claim.objects.update(correction_note=spiked("Corrected"))
    return event


def test_xml_safe_removes_exactly_the_control_characters():
    assert xml_safe(spiked("a")) == "a \t\n\r end"
    assert xml_safe("Anéfis – “Kidal” 🙂") == "Anéfis – “Kidal” 🙂"


def test_feed_stays_well_formed(client, record):
    response = client.get("/feed/")
    assert response.status_code == 200
    root = ET.fromstring(response.content)
    titles = [node.text for node in root.iter("{http://www.w3.org/2005/Atom}title")]
    # An XML parser reads a carriage return as a line feed.
    assert xml_safe(spiked("Event")).replace("\r", "\n") in titles


def test_sitemaps_stay_well_formed(client, record):
    index = client.get("/sitemap.xml")
    assert index.status_code == 200
    sections = [node.text for node in ET.fromstring(index.content).iter(f"{SITEMAP}loc")]
    assert sections
    for section in sections:
        response = client.get(section.removeprefix("http://testserver"))
        assert response.status_code == 200, section
        ET.fromstring(response.content)


def test_exports_carry_the_text(record):
    export_files.build(force=True)
    folder = export_files.root()
    for name in ("events.csv", "claims.csv"):
        with open(folder / name, encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
        assert rows, name
    claims = json.loads((folder / "claims.json").read_text(encoding="utf-8"))
    assert {claim["claim"] for claim in claims} == {spiked("Claim")}
    json.loads((folder / "events.json").read_text(encoding="utf-8"))


def test_public_pages_answer(client, record):
    claim = Claim.objects.public().first()
    citation = claim.citation_links.first().citation
    paths = [
        *PUBLIC_PAGES,
        record.get_absolute_url(),
        claim.get_absolute_url(),
        citation.get_absolute_url(),
        citation.source.get_absolute_url(),
        record.place.get_absolute_url(),
        claim.claimant_actor.get_absolute_url() if claim.claimant_actor else "/actors/",
    ]
    for path in paths:
        assert client.get(path).status_code == 200, path
