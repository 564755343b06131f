"""What keeps an entry off the public site, in words: ``publication_obstacles()`` is empty
exactly when the entry meets its model's publication rule, and names what stands in the way."""

import pytest

from events import workflow
from events.models import Actor, Claim, Event, Place, Status
from sources.models import Citation, Source
from tests.factories import (
    CitationFactory,
    ClaimCitationFactory,
    ClaimFactory,
    EventFactory,
    PlaceFactory,
    SourceFactory,
    editor,
    publish,
    published_claim,
    reviewer,
)

from .test_publication_state import draft

pytestmark = pytest.mark.django_db

MODELS = (Claim, Event, Citation, Actor, Place, Source)


def texts(entry):
    entry = type(entry).objects.get(pk=entry.pk)
    return [obstacle.text for obstacle in entry.publication_obstacles()]


def test_a_claim_whose_only_citation_is_in_review_names_the_citation():
    author, approver = editor(), reviewer()
    event = publish(EventFactory(), author=author, approver=approver)
    citation = CitationFactory()
    claim = ClaimFactory(event=event)
    ClaimCitationFactory(claim=claim, citation=citation)
    workflow.submit(citation, by=author)
    publish(claim, author=author, approver=approver)

    claim.refresh_from_db()
    assert claim.is_live and not claim.is_public
    [obstacle] = claim.publication_obstacles()
    assert obstacle.text == f"its citation “{citation}” is in review"
    assert obstacle.entry == citation


def test_a_claim_names_its_draft_event_claimant_and_citation_source():
    author = editor()
    place = draft(PlaceFactory, name="Anéfis")
    event = EventFactory(title="Fighting at Anéfis", place=place)
    source = draft(SourceFactory, name="Rebel statements")
    citation = CitationFactory(source=source, status=Status.APPROVED, is_live=True)
    claim = ClaimFactory(event=event, last_edited_by=author)
    ClaimCitationFactory(claim=claim, citation=citation)

    assert texts(claim) == [
        "this entry is a draft",
        "its event “Fighting at Anéfis” is a draft",
        "the place of its event, “Anéfis”, is a draft",
        f"the source “Rebel statements” of its citation “{citation}” is a draft",
    ]


def test_a_claim_without_citation_says_so():
    claim = ClaimFactory()
    assert texts(claim)[-1] == "no citation backs it"


def test_an_event_names_what_keeps_each_of_its_claims_back():
    author, approver = editor(), reviewer()
    event = publish(EventFactory(), author=author, approver=approver)
    claim = ClaimFactory(event=event, text="Twelve fighters were killed.")
    ClaimCitationFactory(claim=claim)
    workflow.submit(claim, by=author)

    citation = claim.citation_links.get().citation
    assert texts(event) == [
        f"claim “{claim}”: the claim itself is in review",
        f"claim “{claim}”: its citation “{citation}” is a draft",
    ]
    assert texts(EventFactory(title="Quiet day")) == [
        "this entry is a draft",
        "no claim is recorded about it",
    ]


def test_public_entries_have_no_obstacles_and_a_withdrawn_one_says_it_is():
    author, approver = editor(), reviewer()
    claim = published_claim(author=author, approver=approver)
    citation = claim.citation_links.get().citation
    for entry in (claim, claim.event, citation, citation.source):
        assert texts(entry) == []
    workflow.withdraw(claim, by=approver, comment="Retracted.")
    assert texts(claim) == ["this entry is withdrawn"]
    assert texts(citation) == [f"claim “{claim}”: the claim itself is withdrawn"]
    assert texts(citation.source) == ["no public citation comes from it"]
