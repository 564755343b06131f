"""Helpers for the events tests: entries in each review state, counters and admin form data."""

from django.contrib.auth import get_user_model
from reversion.models import Revision

from events import drafts, workflow
from events.models import Status, Transition
from tests.factories import (
    CitationFactory,
    ClaimCitationFactory,
    ClaimFactory,
    published_claim,
)

PASSWORD = "pass-word-1234"


def superuser(username="boss"):
    return get_user_model().objects.create_superuser(username, f"{username}@example.org", PASSWORD)


def counts():
    """How many transitions and revisions exist: a failed step must change neither."""
    return Transition.objects.count(), Revision.objects.count()


def transitions_of(obj):
    return Transition.objects.filter(
        object_id=str(obj.pk), content_type__model=obj._meta.model_name
    )


def draft_claim(*, author, **fields):
    """A draft claim last edited by ``author``, linked to one draft citation."""
    claim = ClaimFactory(last_edited_by=author, **fields)
    ClaimCitationFactory(claim=claim, citation=CitationFactory())
    return claim


def claim_in(status, *, author, approver):
    """A claim in ``status``, taken there through the workflow (authored by ``author``)."""
    if status == Status.DRAFT:
        return draft_claim(author=author)
    if status in (Status.IN_REVIEW, Status.CHANGES_REQUESTED):
        claim = draft_claim(author=author)
        workflow.submit(claim, by=author)
        if status == Status.CHANGES_REQUESTED:
            workflow.request_changes(claim, by=approver, comment="Name the source.")
        return claim
    claim = published_claim(author=author, approver=approver)
    if status == Status.WITHDRAWN:
        workflow.withdraw(claim, by=approver, comment="Retracted by the outlet.")
    return claim


def pending_edit(entry, *, by, **fields):
    """Store an edit of the live ``entry`` as a pending change, as the admin does on save."""
    snapshot = drafts.snapshot_of(entry)
    snapshot["fields"].update(fields)
    workflow.edit(entry, snapshot, by=by)
    entry.refresh_from_db()
    return snapshot


def correct(entry, record, note, **fields):
    """Edit published content and approve the change with a correction note (``record``
    gives the author and the approver); the approval, reloaded."""
    snapshot = drafts.snapshot_of(entry)
    snapshot["fields"].update(fields)
    workflow.edit(entry, snapshot, by=record.author)
    workflow.submit(entry, by=record.author)
    workflow.approve(entry, by=record.approver, correction_note=note)
    entry.refresh_from_db()
    return Transition.objects.filter(
        action="approve", object_id=str(entry.pk), content_type__model=entry._meta.model_name
    ).latest("pk")
