"""A document the record knows only through another: the link names the reporting document,
holds no quote of its own, and every public page and export says whose account it is."""

import csv
import io
import json

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from events import drafts
from events.models import ClaimCitation
from tests.factories import (
    CitationFactory,
    ClaimCitationFactory,
    ClaimFactory,
    EventFactory,
    SourceFactory,
    editor,
    publish,
    reviewer,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def record():
    author, approver = editor(), reviewer()
    encyclopedia = CitationFactory(
        source=SourceFactory(name="Wikipedia", slug="wikipedia"),
        title="Kidal offensive",
        published_on=None,
        language="en",
    )
    original = CitationFactory(
        source=SourceFactory(name="RFI", slug="rfi"),
        title="L'armée malienne précise ses objectifs",
        language="fr",
    )
    event = publish(EventFactory(title="Ambush at Tabankort"), author=author, approver=approver)
    for citation in (encyclopedia, original):
        publish(citation, author=author, approver=approver)
    claim = ClaimFactory(event=event, text="The army said it broke through.")
    ClaimCitationFactory(
        claim=claim,
        citation=encyclopedia,
        quote="broken the defensive curtain",
        quote_language="en",
    )
    link = ClaimCitationFactory(claim=claim, citation=original, reported_by=encyclopedia)
    publish(claim, author=author, approver=approver)
    return claim, link, encyclopedia, original


def test_a_link_known_through_another_document_holds_no_quote(record):
    _claim, link, _encyclopedia, _original = record
    link.quote = "broken the defensive curtain"
    with pytest.raises(ValidationError) as error:
        link.full_clean()
    assert "quote" in error.value.message_dict


def test_a_document_is_not_reported_by_itself(record):
    _claim, link, _encyclopedia, original = record
    link.reported_by = original
    with pytest.raises(ValidationError) as error:
        link.full_clean()
    assert "reported_by" in error.value.message_dict


def test_a_link_without_quote_may_name_its_reporter(record):
    _claim, link, _encyclopedia, _original = record
    link.full_clean()


def test_the_claim_and_citation_pages_say_as_reported_by_whom(client, record):
    claim, _link, encyclopedia, original = record
    for url in (
        claim.get_absolute_url(),
        original.get_absolute_url(),
        claim.event.get_absolute_url(),
    ):
        page = client.get(url).content.decode()
        assert "As reported by" in page, url
        assert f'href="{encyclopedia.get_absolute_url()}"' in page, url


def test_french_readers_read_it_in_french(client, record):
    claim, _link, _encyclopedia, _original = record
    client.cookies["django_language"] = "fr"
    page = client.get(claim.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Rapporté par" in page


def test_an_unpublished_reporter_is_not_named(client, record):
    claim, link, _encyclopedia, _original = record
    hidden = CitationFactory(source=link.citation.source, title="Zqxhiddenreporter")
    ClaimCitation.objects.filter(pk=link.pk).update(reported_by=hidden)
    page = client.get(claim.get_absolute_url()).content.decode()
    assert "Zqxhiddenreporter" not in page and "As reported by" not in page


def test_the_exports_carry_the_reporting_document(client, record):
    claim, _link, encyclopedia, _original = record
    response = client.get(reverse("events:export_claims_json"))
    data = json.loads(b"".join(response.streaming_content))
    record = next(row for row in data if row["claim_id"] == claim.pk)
    citations = {citation["title"]: citation for citation in record["citations"]}
    reported = citations["L'armée malienne précise ses objectifs"]
    assert reported["quote"] == ""
    assert reported["reported_by"]["title"] == "Kidal offensive"
    assert reported["reported_by"]["page"].endswith(encyclopedia.get_absolute_url())
    assert citations["Kidal offensive"]["reported_by"] is None

    response = client.get(reverse("events:export_claims_csv"))
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert "(as reported by Wikipedia, “Kidal offensive”)" in rows[0]["citations"]


def test_a_pending_change_keeps_the_reporter(record):
    claim, _link, encyclopedia, _original = record
    rows = drafts.snapshot_of(claim)["inlines"]["citation_links"]
    assert [row["reported_by"] for row in rows] == [None, encyclopedia.pk]
