"""The editor's desk (my work across every kind of entry) and the event-centred change
forms: an event lists its claims with "Add claim", a claim lists its citations."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from events import workflow
from events.models import Status
from tests.factories import CitationFactory, EventFactory, PlaceFactory, published_claim

from .helpers import claim_in, draft_claim
from .test_admin import change_url

pytestmark = pytest.mark.django_db

DESK = "/admin/desk/"


def section(response, state):
    return next(s for s in response.context["sections"] if s["state"] == state)


def entries(response, state):
    return [row["entry"] for row in section(response, state)["rows"]]


def test_the_desk_lists_the_editors_own_work_in_every_state_and_kind(
    client, editor, other_editor, reviewer
):
    returned = claim_in(Status.CHANGES_REQUESTED, author=editor, approver=reviewer)
    draft = draft_claim(author=editor)
    waiting = EventFactory(last_edited_by=editor)
    workflow.submit(waiting, by=editor)
    place = PlaceFactory(status=Status.DRAFT, is_live=False, first_published_at=None)
    type(place).objects.filter(pk=place.pk).update(last_edited_by=editor)
    published = published_claim(author=editor, approver=reviewer)
    someone_elses = draft_claim(author=other_editor)

    client.force_login(editor)
    response = client.get(DESK)
    assert response.status_code == 200
    assert entries(response, Status.CHANGES_REQUESTED) == [returned]
    assert set(entries(response, Status.DRAFT)) == {draft, place}
    assert entries(response, Status.IN_REVIEW) == [waiting]
    assert published in entries(response, Status.APPROVED)
    assert someone_elses not in entries(response, Status.DRAFT)

    html = response.content.decode()
    # The reviewer's comment that returned the claim, with who wrote it.
    assert "Name the source." in html and "reviewer" in html
    assert f'href="{change_url(place)}"' in html


def test_the_dashboard_links_to_the_desk(client, editor):
    client.force_login(editor)
    html = client.get("/admin/").content.decode()
    assert f'<a href="{DESK}">My work</a>' in html
    assert "?review=draft" not in html


def test_the_desk_makes_the_same_number_of_queries_however_much_work_there_is(
    client, editor, reviewer
):
    def count():
        client.force_login(editor)
        client.get(DESK)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(DESK).status_code == 200
        return len(queries)

    claim_in(Status.CHANGES_REQUESTED, author=editor, approver=reviewer)
    draft_claim(author=editor)
    small = count()
    for _ in range(4):
        claim_in(Status.CHANGES_REQUESTED, author=editor, approver=reviewer)
        draft_claim(author=editor)
        published_claim(author=editor, approver=reviewer)
    assert count() == small


def test_the_event_form_lists_its_claims_and_adds_one_for_this_event(client, editor, reviewer):
    claim = published_claim(
        author=editor,
        approver=reviewer,
        claimant_label="medical sources",
        figure_kind="at_least",
        figure_low=10,
        figure_unit="civilians killed",
    )
    event = claim.event
    draft = draft_claim(author=editor, event=event)
    client.force_login(editor)
    html = client.get(change_url(event)).content.decode()
    block = html[html.index('id="related-entries"') :]
    assert "Claims about this event (2)" in block
    assert "medical sources" in block and "at least 10 civilians killed" in block
    assert f'href="{change_url(claim)}"' in block and f'href="{change_url(draft)}"' in block
    assert '<span class="status-badge status-draft">Draft</span>' in block
    add_url = f"/admin/events/claim/add/?event={event.pk}"
    assert f'href="{add_url}">Add claim</a>' in block
    form = client.get(add_url).context["adminform"].form
    assert str(form["event"].value()) == str(event.pk)


def test_the_claim_form_lists_its_citations_with_their_state(client, editor):
    claim = draft_claim(author=editor)
    first = claim.citation_links.get().citation
    second = CitationFactory(title="A later report")
    workflow.submit(second, by=editor)
    claim.citation_links.create(citation=second)
    client.force_login(editor)
    html = client.get(change_url(claim)).content.decode()
    block = html[html.index('id="related-entries"') :]
    assert "Citations of this claim (2)" in block
    assert f'href="{change_url(first)}"' in block
    assert '<span class="status-badge status-in_review">In review</span>' in block
