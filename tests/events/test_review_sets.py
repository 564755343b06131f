"""Review by event: the queue groups an event with its claims and the citations they need,
and a reviewer approves the set in one decision, each entry checked, logged and versioned
on its own."""

import re

import pytest
from reversion.models import Version

from events import workflow
from events.models import Claim, Event, Status
from sources.models import Citation, Source
from tests.factories import (
    CitationFactory,
    ClaimCitationFactory,
    ClaimFactory,
    EventFactory,
    SourceFactory,
    publish,
)

from .helpers import pending_edit, transitions_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def submitted_event(editor):
    """A new event, its claim, the claim's citation and the citation's new source, all
    submitted by the editor."""
    source = SourceFactory(status=Status.DRAFT, is_live=False, first_published_at=None)
    citation = CitationFactory(source=source, last_edited_by=editor)
    event = EventFactory(title="Fall of Anéfis", last_edited_by=editor)
    claim = ClaimFactory(event=event, last_edited_by=editor)
    ClaimCitationFactory(claim=claim, citation=citation)
    for entry in (citation, claim, event):
        workflow.submit(entry, by=editor)
    return event, claim, citation, source


def set_url(event):
    return f"/admin/review-queue/event/{event.pk}/"


def tokens(html):
    return dict(re.findall(r'name="(seen-[^"]+)" value="([^"]+)"', html))


def test_the_queue_groups_an_event_with_its_claims_and_the_citations_they_need(
    client, reviewer, submitted_event
):
    event, claim, citation, _source = submitted_event
    client.force_login(reviewer)
    html = client.get("/admin/review-queue/").content.decode()
    group = html[html.index(f'id="group-{event.pk}"') :]
    group = group[: group.index("</div>")]
    assert f'href="/admin/events/claim/{claim.pk}/change/"' in group
    assert f'needs <a href="/admin/sources/citation/{citation.pk}/change/"' in group
    assert f'href="{set_url(event)}"' in group


def test_a_reviewer_approves_the_set_in_one_decision_in_dependency_order(
    client, reviewer, submitted_event
):
    event, claim, citation, source = submitted_event
    client.force_login(reviewer)
    page = client.get(set_url(event))
    keys = [row["key"] for row in page.context["rows"]]
    assert keys == [
        f"sources.source-{source.pk}",
        f"sources.citation-{citation.pk}",
        f"events.claim-{claim.pk}",
        f"events.event-{event.pk}",
    ]
    response = client.post(set_url(event), tokens(page.content.decode()))
    assert response.status_code == 302

    for model, entry in ((Source, source), (Citation, citation), (Claim, claim), (Event, event)):
        row = model.objects.get(pk=entry.pk)
        assert (row.status, row.is_public) == (Status.APPROVED, True), model
        # Each entry has its own approval in the log and its own version.
        assert transitions_of(row).filter(action="approve", user=reviewer).count() == 1
        assert Version.objects.get_for_object(row).count() >= 1


def test_entries_the_reviewer_shaped_or_that_changed_since_are_left_out(
    client, editor, reviewer, submitted_event
):
    event, claim, citation, source = submitted_event
    Claim.objects.filter(pk=claim.pk).update(last_edited_by=reviewer)
    client.force_login(reviewer)
    page = client.get(set_url(event))
    html = page.content.decode()
    assert "another reviewer must approve it" in html
    assert f"seen-events.claim-{claim.pk}" not in tokens(html)

    # The event's content changes after the page was opened: its approval is refused.
    Event.objects.filter(pk=event.pk).update(summary="Rewritten.")
    response = client.post(set_url(event), tokens(html), follow=True)
    messages = [str(message) for message in response.context["messages"]]
    assert any("changed after you opened it" in message for message in messages)
    assert Event.objects.get(pk=event.pk).status == Status.IN_REVIEW
    assert Claim.objects.get(pk=claim.pk).status == Status.IN_REVIEW
    assert Citation.objects.get(pk=citation.pk).status == Status.APPROVED
    assert Source.objects.get(pk=source.pk).status == Status.APPROVED


def test_editors_cannot_open_a_set(client, editor, submitted_event):
    client.force_login(editor)
    assert client.get(set_url(submitted_event[0])).status_code == 403


def test_a_published_claim_waiting_for_its_citation_brings_the_citation_into_the_set(
    client, editor, reviewer, other_reviewer
):
    event = publish(EventFactory(), author=editor, approver=other_reviewer)
    citation = CitationFactory(last_edited_by=editor)
    claim = ClaimFactory(event=event)
    ClaimCitationFactory(claim=claim, citation=citation)
    workflow.submit(citation, by=editor)
    publish(claim, author=editor, approver=other_reviewer)

    client.force_login(reviewer)
    page = client.get(set_url(event))
    assert [row["entry"] for row in page.context["rows"]] == [citation]
    client.post(set_url(event), tokens(page.content.decode()))
    assert Claim.objects.get(pk=claim.pk).is_public


def test_a_claim_whose_change_moves_it_to_another_event_is_reviewed_with_that_event(
    client, editor, reviewer, other_reviewer
):
    """The set of an event holds the claims its latest content is about: a pending change
    moving a published claim to another event is read and approved with that event."""
    old_event = publish(
        EventFactory(title="Clashes at Ber"), author=editor, approver=other_reviewer
    )
    new_event = publish(
        EventFactory(title="Fall of Anéfis"), author=editor, approver=other_reviewer
    )
    claim = publish(ClaimFactory(event=old_event), author=editor, approver=other_reviewer)
    pending_edit(claim, by=editor, event=new_event.pk)
    workflow.submit(claim, by=editor)

    client.force_login(reviewer)
    html = client.get("/admin/review-queue/").content.decode()
    assert f'id="group-{old_event.pk}"' not in html
    group = html[html.index(f'id="group-{new_event.pk}"') :]
    assert f'href="/admin/events/claim/{claim.pk}/change/"' in group[: group.index("</div>")]

    assert client.get(set_url(old_event)).context["rows"] == []
    page = client.get(set_url(new_event))
    assert [row["entry"] for row in page.context["rows"]] == [claim]
    client.post(set_url(new_event), tokens(page.content.decode()))
    claim.refresh_from_db()
    assert (claim.event_id, claim.status, claim.pending_change) == (
        new_event.pk,
        Status.APPROVED,
        None,
    )
