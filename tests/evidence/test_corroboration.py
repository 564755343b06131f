"""Each claim's corroboration: independent outlets, parties' backing and disputes, stored by
the publication steps and shown, filtered and exported."""

import csv
import io

import pytest
from django.urls import reverse

from events import drafts, exports, publication, workflow
from events.models import Claim, ClaimCitation
from tests.factories import (
    ActorFactory,
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
def people():
    return editor("corr-editor"), reviewer("corr-reviewer")


def published_citation(people, **fields):
    author, approver = people
    return publish(CitationFactory(**fields), author=author, approver=approver)


def claim_backed_by(people, *citations, disputing=(), event=None):
    author, approver = people
    event = event or publish(EventFactory(), author=author, approver=approver)
    claim = ClaimFactory(event=event)
    for citation in citations:
        ClaimCitationFactory(claim=claim, citation=citation)
    for citation in disputing:
        ClaimCitationFactory(claim=claim, citation=citation, stance=ClaimCitation.Stance.DISPUTES)
    publish(claim, author=author, approver=approver)
    claim.refresh_from_db()
    return claim


def test_two_documents_of_one_outlet_count_once_and_two_outlets_twice(people):
    rfi = SourceFactory(name="RFI")
    first = published_citation(people, source=rfi)
    second = published_citation(people, source=rfi)
    claim = claim_backed_by(people, first, second)
    assert (claim.independent_outlets, claim.party_outlets) == (1, 0)
    assert claim.corroboration_display == "1 independent outlet"

    other = claim_backed_by(people, first, published_citation(people))
    assert other.independent_outlets == 2
    assert other.corroboration_display == "2 independent outlets"


def test_a_wire_story_republished_by_several_outlets_counts_once(people):
    afp = SourceFactory(name="AFP", kind="news_agency")
    dispatch = published_citation(people, source=afp)
    in_le_monde = published_citation(people, republishes=dispatch)
    in_le_figaro = published_citation(people, republishes=dispatch)
    claim = claim_backed_by(people, in_le_monde, in_le_figaro)
    assert claim.independent_outlets == 1
    claim = claim_backed_by(people, in_le_monde, dispatch, published_citation(people))
    assert claim.independent_outlets == 2


def test_a_partys_statement_is_not_independent(people):
    army = ActorFactory(name="Malian Armed Forces", kind="state_force", side="malian_state")
    communique = published_citation(
        people, source=SourceFactory(name="FAMa communiqués", is_party=True, actor=army)
    )
    claim = claim_backed_by(people, communique)
    assert (claim.independent_outlets, claim.party_outlets) == (0, 1)
    assert claim.corroboration_display == "1 outlet, a party to the conflict"

    # A newspaper reprinting the communiqué does not make it independent either.
    reprint = published_citation(people, republishes=communique)
    claim = claim_backed_by(people, communique, reprint, published_citation(people))
    assert (claim.independent_outlets, claim.party_outlets) == (1, 1)
    assert claim.corroboration_display == ("1 independent outlet, 1 from parties to the conflict")


def test_a_disputing_citation_is_shown_and_not_counted(people):
    claim = claim_backed_by(
        people, published_citation(people), disputing=[published_citation(people)]
    )
    assert (claim.independent_outlets, claim.disputed_by_citation) == (1, True)
    assert claim.corroboration_display == "1 independent outlet; disputed by a cited document"


def test_review_steps_keep_the_stored_corroboration_up_to_date(people):
    author, approver = people
    outlet = SourceFactory(name="Outlet that turns out to be a party")
    first, second = published_citation(people, source=outlet), published_citation(people)
    claim = claim_backed_by(people, first, second)
    assert claim.independent_outlets == 2

    # The source is found to speak for a party: approving that change re-counts the claim.
    snapshot = drafts.snapshot_of(outlet)
    snapshot["fields"].update(is_party=True, side="csp_psd")
    workflow.edit(outlet, snapshot, by=author)
    workflow.submit(outlet, by=author)
    workflow.approve(outlet, by=approver)
    claim.refresh_from_db()
    assert (claim.independent_outlets, claim.party_outlets) == (1, 1)

    # Withdrawing a citation takes its outlet out of the count.
    workflow.withdraw(second, by=approver, comment="Misattributed")
    claim.refresh_from_db()
    assert (claim.independent_outlets, claim.party_outlets) == (0, 1)
    assert publication.inconsistencies() == {}


def test_check_publication_finds_a_stale_corroboration(people):
    claim = claim_backed_by(people, published_citation(people))
    Claim.objects.filter(pk=claim.pk).update(independent_outlets=5)
    assert publication.inconsistencies() == {"corroboration of events.Claim": [claim.pk]}
    publication.refresh_all()
    assert publication.inconsistencies() == {}


def test_claim_pages_show_and_filter_by_corroboration(client, people):
    event = publish(EventFactory(title="Clash at Anéfis"), author=people[0], approver=people[1])
    single = claim_backed_by(people, published_citation(people), event=event)
    Claim.objects.filter(pk=single.pk).update(text="Zsingle outlet claim")
    backed = claim_backed_by(
        people, published_citation(people), published_citation(people), event=event
    )
    Claim.objects.filter(pk=backed.pk).update(text="Zwell backed claim")

    page = client.get(reverse("events:claim_list")).content.decode()
    assert "2 independent outlets" in page and "1 independent outlet" in page
    page = client.get(reverse("events:claim_list"), {"corroboration": "independent"})
    assert "Zwell backed claim" in page.content.decode()
    assert "Zsingle outlet claim" not in page.content.decode()
    page = client.get(reverse("events:claim_list"), {"corroboration": "single"}).content.decode()
    assert "Zsingle outlet claim" in page and "Zwell backed claim" not in page
    assert "2 independent outlets" in client.get(event.get_absolute_url()).content.decode()

    events = client.get(reverse("events:event_list"), {"corroboration": "independent"})
    assert "Clash at Anéfis" in events.content.decode()
    events = client.get(reverse("events:event_list"), {"corroboration": "parties"})
    assert "Clash at Anéfis" not in events.content.decode()


def test_an_unknown_corroboration_level_is_a_form_error_not_a_server_error(client):
    response = client.get(reverse("events:claim_list"), {"corroboration": "lots"})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    export = client.get(
        reverse("events:claims_selection_export", args=["csv"]), {"corroboration": "lots"}
    )
    assert export.status_code == 400


def test_the_claim_exports_carry_the_corroboration(people):
    army = ActorFactory(name="FAMa", kind="state_force", side="malian_state")
    communique = published_citation(
        people, source=SourceFactory(name="FAMa communiqués", is_party=True, actor=army)
    )
    claim = claim_backed_by(people, communique, published_citation(people))
    rows = list(
        csv.DictReader(io.StringIO("".join(exports.claims_csv("https://x")).lstrip("\ufeff")))
    )
    row = next(row for row in rows if row["claim_id"] == str(claim.pk))
    assert (row["independent_outlets"], row["party_outlets"]) == ("1", "1")
    assert row["disputed_by_citation"] == "False"
    assert row["party_sources"] == "FAMa communiqués"
    records = list(exports.claims_json("https://x"))
    text = "".join(records)
    assert '"source_side": "malian_state"' in text
    assert '"independent_outlets": 1' in text
