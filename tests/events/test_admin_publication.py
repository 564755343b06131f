"""The admin tells the truth about publication: whether an entry is public now and, if not,
what stands in the way, on the change form, as a change-list column and as a filter."""

import pytest

from events import workflow
from tests.factories import (
    CitationFactory,
    ClaimCitationFactory,
    ClaimFactory,
    EventActorFactory,
    EventFactory,
    publish,
    published_claim,
)

from .test_admin import change_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def claim_waiting_for_its_citation(editor, reviewer):
    """An approved claim whose only citation is still in review: live, not public."""
    event = publish(EventFactory(), author=editor, approver=reviewer)
    citation = CitationFactory(title="The army enters Kidal")
    claim = ClaimFactory(event=event, text="The army took the town without a fight.")
    ClaimCitationFactory(claim=claim, citation=citation)
    workflow.submit(citation, by=editor)
    publish(claim, author=editor, approver=reviewer)
    claim.refresh_from_db()
    return claim, citation


def test_an_approved_claim_held_back_by_its_citation_says_so_with_a_link(
    client, reviewer, claim_waiting_for_its_citation
):
    claim, citation = claim_waiting_for_its_citation
    client.force_login(reviewer)
    html = client.get(change_url(claim)).content.decode()

    assert "Approved · published" not in html
    assert "Approved</strong> · not public" in html
    assert "<strong>Not public</strong>" in html
    assert f'<a href="{change_url(citation)}">its citation “{citation}” is in review</a>' in html


def test_a_public_entry_says_readers_see_it(client, editor, reviewer):
    claim = published_claim(author=editor, approver=reviewer)
    client.force_login(reviewer)
    html = client.get(change_url(claim)).content.decode()
    assert "<strong>Public</strong>: readers see the approved version of this entry." in html


def test_change_lists_show_publication_as_a_column_and_a_filter(
    client, editor, reviewer, claim_waiting_for_its_citation
):
    held, citation = claim_waiting_for_its_citation
    public = published_claim(author=editor, approver=reviewer, text="Rebels left the camp.")
    client.force_login(reviewer)

    listing = client.get("/admin/events/claim/")
    html = listing.content.decode()
    assert "Not public:</span>" in html
    assert f"its citation “{citation}” is in review" in html
    assert '<span class="public-yes">Public</span>' in html

    shown = client.get("/admin/events/claim/", {"public": "no"}).context["cl"].result_list
    assert list(shown) == [held]
    shown = client.get("/admin/events/claim/", {"public": "yes"}).context["cl"].result_list
    assert list(shown) == [public]


@pytest.mark.parametrize(
    "path",
    [
        "/admin/events/event/",
        "/admin/events/actor/",
        "/admin/events/place/",
        "/admin/sources/source/",
        "/admin/sources/citation/",
    ],
)
def test_every_change_list_has_the_column_and_the_filter(client, reviewer, path):
    link = ClaimCitationFactory()
    EventActorFactory(event=link.claim.event)
    client.force_login(reviewer)
    response = client.get(path, {"public": "no"})
    assert response.status_code == 200
    assert "column-publication" in response.content.decode()
    assert client.get(path, {"public": "bogus"}).status_code == 200
