"""The editorial workflow: who may move an entry where, what each step records, draft over
live, atomicity, notifications and the publication rule."""

import pytest
from django.db import transaction
from reversion.models import Revision, Version

from events import drafts, workflow
from events.models import Actor, Claim, ClaimCitation, Event, Place, Status
from events.workflow import TransitionError
from sources.models import Citation, Source
from tests.factories import (
    ActorFactory,
    CitationFactory,
    ClaimCitationFactory,
    ClaimFactory,
    EventActorFactory,
    EventFactory,
    PlaceFactory,
    UserFactory,
    publish,
    published_claim,
)

from .helpers import claim_in, counts, draft_claim, pending_edit, transitions_of

pytestmark = pytest.mark.django_db

OLD_TEXT = "The CSP-PSD said 14 civilians were killed."
NEW_TEXT = "The CSP-PSD said 14 civilians, including children, were killed."


def state(obj):
    """What a failed or refused step must leave alone."""
    row = type(obj)._default_manager.get(pk=obj.pk)
    return row.status, row.is_live, row.pending_change, getattr(row, "text", None)


def public_text(claim):
    return Claim.objects.public().get(pk=claim.pk).text


@pytest.fixture
def live_claim(editor, other_reviewer):
    return published_claim(author=editor, approver=other_reviewer, text=OLD_TEXT)


# Who may do what


def test_editor_can_submit_a_draft(editor):
    claim = draft_claim(author=editor)
    workflow.submit(claim, by=editor)
    assert claim.status == Status.IN_REVIEW


def test_editor_cannot_approve(editor, other_editor):
    claim = claim_in(Status.IN_REVIEW, author=other_editor, approver=None)
    before = counts()
    with pytest.raises(TransitionError, match="permission"):
        workflow.approve(claim, by=editor)
    assert state(claim)[0] == Status.IN_REVIEW
    assert counts() == before


def test_editor_cannot_request_changes(editor, other_editor):
    claim = claim_in(Status.IN_REVIEW, author=other_editor, approver=None)
    with pytest.raises(TransitionError, match="permission"):
        workflow.request_changes(claim, by=editor, comment="Name the source.")
    assert state(claim)[0] == Status.IN_REVIEW


def test_editor_cannot_withdraw(editor, live_claim):
    with pytest.raises(TransitionError, match="permission"):
        workflow.withdraw(live_claim, by=editor, comment="Wrong date.")
    assert state(live_claim)[:2] == (Status.APPROVED, True)


def test_user_without_editorial_group_cannot_submit(db):
    outsider = UserFactory(username="outsider")
    claim = draft_claim(author=outsider)
    with pytest.raises(TransitionError, match="permission"):
        workflow.submit(claim, by=outsider)
    assert state(claim)[0] == Status.DRAFT


def test_reviewer_can_submit_like_an_editor(reviewer):
    claim = draft_claim(author=reviewer)
    workflow.submit(claim, by=reviewer)
    assert claim.status == Status.IN_REVIEW


def test_reviewer_can_approve_another_editors_change(editor, reviewer):
    claim = claim_in(Status.IN_REVIEW, author=editor, approver=None)
    workflow.approve(claim, by=reviewer)
    assert (claim.status, claim.is_live, claim.last_reviewed_by) == (
        Status.APPROVED,
        True,
        reviewer,
    )
    assert claim.first_published_at is not None


def test_reviewer_can_request_changes_with_a_comment(editor, reviewer):
    claim = claim_in(Status.IN_REVIEW, author=editor, approver=None)
    workflow.request_changes(claim, by=reviewer, comment="Which medical sources?")
    assert (claim.status, claim.is_live) == (Status.CHANGES_REQUESTED, False)


@pytest.mark.parametrize("comment", ["", "   "])
def test_reviewer_cannot_request_changes_without_a_comment(editor, reviewer, comment):
    claim = claim_in(Status.IN_REVIEW, author=editor, approver=None)
    before = counts()
    with pytest.raises(TransitionError, match="needs a comment"):
        workflow.request_changes(claim, by=reviewer, comment=comment)
    assert state(claim)[0] == Status.IN_REVIEW
    assert counts() == before


def test_reviewer_can_withdraw_with_a_reason(reviewer, live_claim):
    workflow.withdraw(live_claim, by=reviewer, comment="The outlet retracted the report.")
    assert (live_claim.status, live_claim.is_live) == (Status.WITHDRAWN, False)


@pytest.mark.parametrize("comment", ["", "  \n "])
def test_reviewer_cannot_withdraw_without_a_reason(reviewer, live_claim, comment):
    before = counts()
    with pytest.raises(TransitionError, match="needs a comment"):
        workflow.withdraw(live_claim, by=reviewer, comment=comment)
    assert state(live_claim)[:2] == (Status.APPROVED, True)
    assert counts() == before


@pytest.mark.parametrize(
    ("status", "action", "kwargs"),
    [
        (Status.DRAFT, "submit", {}),
        (Status.IN_REVIEW, "approve", {}),
        (Status.IN_REVIEW, "request_changes", {"comment": "Why?"}),
        (Status.APPROVED, "withdraw", {"comment": "Why not?"}),
    ],
)
def test_inactive_user_can_do_nothing(editor, other_reviewer, status, action, kwargs):
    ghost = UserFactory(username="ghost", group="Reviewers", is_active=False)
    claim = claim_in(status, author=editor, approver=other_reviewer)
    before = counts()
    with pytest.raises(TransitionError, match="permission"):
        getattr(workflow, action)(claim, by=ghost, **kwargs)
    assert state(claim)[0] == status
    assert counts() == before


def test_superuser_can_submit_approve_request_changes_and_withdraw(editor, boss):
    first = draft_claim(author=editor)
    workflow.submit(first, by=boss)
    workflow.request_changes(first, by=boss, comment="Add the date.")
    workflow.submit(first, by=boss)
    workflow.approve(first, by=boss)
    assert first.status == Status.APPROVED
    workflow.withdraw(first, by=boss, comment="Duplicate entry.")
    assert (first.status, first.is_live) == (Status.WITHDRAWN, False)


def test_superuser_cannot_approve_own_change(boss, reviewer):
    claim = claim_in(Status.IN_REVIEW, author=boss, approver=None)
    with pytest.raises(TransitionError, match="another reviewer"):
        workflow.approve(claim, by=boss)
    assert state(claim)[0] == Status.IN_REVIEW
    workflow.approve(claim, by=reviewer)
    assert claim.status == Status.APPROVED


def test_available_actions_follow_role_and_state(editor, reviewer, other_reviewer, live_claim):
    draft = draft_claim(author=editor)
    assert workflow.available_actions(draft, editor) == [workflow.SUBMIT]
    in_review = claim_in(Status.IN_REVIEW, author=editor, approver=None)
    assert workflow.available_actions(in_review, editor) == []
    assert workflow.available_actions(in_review, reviewer) == [
        workflow.APPROVE,
        workflow.REQUEST_CHANGES,
    ]
    assert workflow.available_actions(live_claim, reviewer) == [workflow.WITHDRAW]


# States: what cannot happen changes nothing


@pytest.mark.parametrize(
    ("status", "action"),
    [
        (Status.DRAFT, "approve"),
        (Status.DRAFT, "request_changes"),
        (Status.DRAFT, "withdraw"),
        (Status.IN_REVIEW, "submit"),
        (Status.IN_REVIEW, "withdraw"),
        (Status.CHANGES_REQUESTED, "approve"),
        (Status.CHANGES_REQUESTED, "request_changes"),
        (Status.CHANGES_REQUESTED, "withdraw"),
        (Status.APPROVED, "submit"),
        (Status.APPROVED, "approve"),
        (Status.APPROVED, "request_changes"),
        (Status.WITHDRAWN, "approve"),
        (Status.WITHDRAWN, "request_changes"),
        (Status.WITHDRAWN, "withdraw"),
    ],
)
def test_illegal_transition_is_refused_and_changes_nothing(
    editor, reviewer, other_reviewer, status, action
):
    claim = claim_in(status, author=editor, approver=other_reviewer)
    before_state, before_counts = state(claim), counts()
    kwargs = {"comment": "A reason."} if action in ("request_changes", "withdraw") else {}
    by = editor if action == "submit" else reviewer
    with pytest.raises(TransitionError, match="cannot be sent"):
        getattr(workflow, action)(claim, by=by, **kwargs)
    assert state(claim) == before_state
    assert counts() == before_counts


@pytest.mark.parametrize(
    ("status", "action", "by", "comment", "target"),
    [
        (Status.DRAFT, "submit", "editor", "", Status.IN_REVIEW),
        (Status.DRAFT, "submit", "editor", "Ready.", Status.IN_REVIEW),
        (Status.CHANGES_REQUESTED, "submit", "editor", "Fixed.", Status.IN_REVIEW),
        (Status.WITHDRAWN, "submit", "editor", "Corrected.", Status.IN_REVIEW),
        (Status.IN_REVIEW, "approve", "reviewer", "Well sourced.", Status.APPROVED),
        (Status.IN_REVIEW, "request_changes", "reviewer", "Quote RFI.", Status.CHANGES_REQUESTED),
        (Status.APPROVED, "withdraw", "reviewer", "Retracted.", Status.WITHDRAWN),
    ],
)
def test_transition_appends_one_log_entry_and_one_revision(
    request, editor, other_reviewer, status, action, by, comment, target
):
    user = request.getfixturevalue(by)
    claim = claim_in(status, author=editor, approver=other_reviewer)
    transitions_before = transitions_of(claim).count()
    revisions_before = Revision.objects.count()

    getattr(workflow, action)(claim, by=user, comment=comment)

    assert claim.status == target
    assert transitions_of(claim).count() == transitions_before + 1
    logged = transitions_of(claim).first()
    assert (logged.action, logged.from_status, logged.to_status, logged.user, logged.comment) == (
        action,
        status,
        target,
        user,
        comment,
    )
    assert Revision.objects.count() == revisions_before + 1
    revision = Revision.objects.latest("pk")
    assert revision.user == user
    assert comment in revision.comment
    assert str(getattr(workflow, action.upper()).label) in revision.comment
    assert revision.version_set.filter(
        content_type__model="claim", object_id=str(claim.pk)
    ).exists()


def test_revision_of_a_transition_carries_the_claims_citation_links(editor, reviewer):
    claim = claim_in(Status.IN_REVIEW, author=editor, approver=None)
    workflow.approve(claim, by=reviewer)
    revision = Revision.objects.latest("pk")
    link_ids = {
        version.object_id
        for version in revision.version_set.filter(content_type__model="claimcitation")
    }
    assert link_ids == {str(pk) for pk in claim.citation_links.values_list("pk", flat=True)}


def test_withdrawn_entry_can_be_resubmitted_and_approved_again(editor, reviewer, live_claim):
    first_published = live_claim.first_published_at
    workflow.withdraw(live_claim, by=reviewer, comment="Checking the figure.")
    workflow.submit(live_claim, by=editor)
    workflow.approve(live_claim, by=reviewer)
    assert (live_claim.status, live_claim.is_live) == (Status.APPROVED, True)
    assert live_claim.first_published_at == first_published
    assert Claim.objects.public().filter(pk=live_claim.pk).exists()


# Four eyes


def test_reviewer_who_last_edited_cannot_approve(reviewer, other_reviewer):
    claim = claim_in(Status.IN_REVIEW, author=reviewer, approver=None)
    before = counts()
    with pytest.raises(TransitionError, match="another reviewer must approve"):
        workflow.approve(claim, by=reviewer)
    assert state(claim)[0] == Status.IN_REVIEW
    assert counts() == before
    workflow.approve(claim, by=other_reviewer)
    assert claim.status == Status.APPROVED


def test_reviewer_who_edited_a_live_entry_cannot_approve_the_pending_change(
    reviewer, other_reviewer, live_claim
):
    pending_edit(live_claim, by=reviewer, text=NEW_TEXT)
    workflow.submit(live_claim, by=reviewer)
    with pytest.raises(TransitionError, match="another reviewer must approve"):
        workflow.approve(live_claim, by=reviewer)
    assert public_text(live_claim) == OLD_TEXT


def test_self_approval_setting_lets_the_last_editor_approve(settings, reviewer, boss):
    settings.KIDAL_ALLOW_SELF_APPROVAL = True
    claim = claim_in(Status.IN_REVIEW, author=reviewer, approver=None)
    workflow.approve(claim, by=reviewer)
    assert claim.status == Status.APPROVED
    own = claim_in(Status.IN_REVIEW, author=boss, approver=None)
    workflow.approve(own, by=boss)
    assert own.status == Status.APPROVED


def test_self_approval_setting_does_not_let_an_editor_approve(settings, editor):
    settings.KIDAL_ALLOW_SELF_APPROVAL = True
    claim = claim_in(Status.IN_REVIEW, author=editor, approver=None)
    with pytest.raises(TransitionError, match="permission"):
        workflow.approve(claim, by=editor)


# Draft over live


def test_pending_change_leaves_the_public_text_alone(editor, live_claim):
    snapshot = pending_edit(live_claim, by=editor, text=NEW_TEXT)
    assert public_text(live_claim) == OLD_TEXT
    assert Claim.objects.get(pk=live_claim.pk).text == OLD_TEXT
    assert live_claim.pending_change == snapshot
    assert (live_claim.status, live_claim.is_live) == (Status.DRAFT, True)
    assert live_claim.last_edited_by == editor
    logged = transitions_of(live_claim).first()
    assert (logged.action, logged.from_status, logged.to_status, logged.user) == (
        "edit",
        Status.APPROVED,
        Status.DRAFT,
        editor,
    )


def test_edit_of_an_entry_that_is_not_live_is_written_to_its_row_not_kept_pending(editor):
    claim = draft_claim(author=editor)
    snapshot = drafts.snapshot_of(claim)
    snapshot["fields"]["text"] = NEW_TEXT
    workflow.edit(claim, snapshot, by=editor)
    assert state(claim)[2] is None
    assert Claim.objects.get(pk=claim.pk).text == NEW_TEXT


def test_approved_pending_change_goes_live_with_its_correction_note(editor, reviewer, live_claim):
    pending_edit(live_claim, by=editor, text=NEW_TEXT)
    workflow.submit(live_claim, by=editor)
    assert public_text(live_claim) == OLD_TEXT
    workflow.approve(live_claim, by=reviewer, correction_note="Added that children were killed.")
    assert public_text(live_claim) == NEW_TEXT
    assert live_claim.pending_change is None
    assert live_claim.status == Status.APPROVED
    assert live_claim.correction_note == "Added that children were killed."
    assert live_claim.corrected_at is not None


def test_approved_pending_change_without_note_is_not_a_correction(editor, reviewer, live_claim):
    pending_edit(live_claim, by=editor, text=NEW_TEXT)
    workflow.submit(live_claim, by=editor)
    workflow.approve(live_claim, by=reviewer)
    assert public_text(live_claim) == NEW_TEXT
    assert (live_claim.correction_note, live_claim.corrected_at) == ("", None)


def test_pending_change_of_citation_links_goes_live_on_approval(editor, reviewer, live_claim):
    second = CitationFactory()
    publish(second, author=editor, approver=reviewer)
    snapshot = drafts.snapshot_of(live_claim)
    snapshot["inlines"]["citation_links"].append(
        {
            "id": None,
            "citation": second.pk,
            "quote": "au moins dix",
            "quote_language": "fr",
            "translation": "",
            "locator": "para. 2",
            "stance": "supports",
        }
    )
    workflow.edit(live_claim, snapshot, by=editor)
    assert live_claim.citation_links.count() == 1
    workflow.submit(live_claim, by=editor)
    workflow.approve(live_claim, by=reviewer)
    added = live_claim.citation_links.get(citation=second)
    assert (added.quote, added.locator) == ("au moins dix", "para. 2")


def test_request_changes_on_a_pending_change_keeps_the_public_text(editor, reviewer, live_claim):
    pending_edit(live_claim, by=editor, text=NEW_TEXT)
    workflow.submit(live_claim, by=editor)
    workflow.request_changes(live_claim, by=reviewer, comment="Source for the children?")
    assert public_text(live_claim) == OLD_TEXT
    assert live_claim.pending_change["fields"]["text"] == NEW_TEXT
    assert (live_claim.status, live_claim.is_live) == (Status.CHANGES_REQUESTED, True)


def test_withdraw_removes_the_claim_from_the_public(reviewer, live_claim):
    workflow.withdraw(live_claim, by=reviewer, comment="Retracted.")
    assert not Claim.objects.public().filter(pk=live_claim.pk).exists()


def test_withdraw_applies_the_pending_change_to_the_withdrawn_row(editor, reviewer, live_claim):
    pending_edit(live_claim, by=editor, text=NEW_TEXT)
    workflow.withdraw(live_claim, by=reviewer, comment="Retracted.")
    row = Claim.objects.get(pk=live_claim.pk)
    assert (row.text, row.pending_change, row.status, row.is_live) == (
        NEW_TEXT,
        None,
        Status.WITHDRAWN,
        False,
    )
    assert not Claim.objects.public().filter(pk=live_claim.pk).exists()


def test_discard_pending_change_keeps_the_published_version(editor, live_claim):
    pending_edit(live_claim, by=editor, text=NEW_TEXT)
    workflow.discard_pending_change(live_claim, by=editor)
    assert (live_claim.pending_change, live_claim.status) == (None, Status.APPROVED)
    assert public_text(live_claim) == OLD_TEXT
    assert transitions_of(live_claim).first().action == "discard"


def test_discard_without_pending_change_is_refused(editor, live_claim):
    before = counts()
    with pytest.raises(TransitionError):
        workflow.discard_pending_change(live_claim, by=editor)
    assert counts() == before


def test_discard_by_a_user_without_change_permission_is_refused(editor, live_claim):
    pending_edit(live_claim, by=editor, text=NEW_TEXT)
    outsider = UserFactory(username="outsider")
    with pytest.raises(TransitionError, match="permission"):
        workflow.discard_pending_change(live_claim, by=outsider)
    assert state(live_claim)[2]["fields"]["text"] == NEW_TEXT


def test_restore_of_a_live_entry_becomes_a_pending_change(editor, live_claim):
    earlier = drafts.snapshot_of(live_claim)
    earlier["fields"]["text"] = "An earlier wording."
    workflow.restore(live_claim, earlier, by=editor)
    live_claim.refresh_from_db()
    assert public_text(live_claim) == OLD_TEXT
    assert live_claim.pending_change["fields"]["text"] == "An earlier wording."
    assert live_claim.status == Status.DRAFT


def test_restore_of_an_entry_that_is_not_live_applies_at_once_as_a_revision(editor):
    claim = draft_claim(author=editor, text=OLD_TEXT)
    earlier = drafts.snapshot_of(claim)
    earlier["fields"]["text"] = "An earlier wording."
    revisions_before = Revision.objects.count()
    workflow.restore(claim, earlier, by=editor, comment="Back to the first wording.")
    assert Claim.objects.get(pk=claim.pk).text == "An earlier wording."
    assert Revision.objects.count() == revisions_before + 1
    revision = Revision.objects.latest("pk")
    assert (revision.user, revision.comment) == (editor, "Back to the first wording.")


# Atomicity: a step that fails midway leaves no trace


def test_failure_after_the_state_change_rolls_the_transition_back(monkeypatch, editor, reviewer):
    claim = claim_in(Status.IN_REVIEW, author=editor, approver=None)
    before_state, before_counts = state(claim), counts()

    def broken_log(*args, **kwargs):
        raise RuntimeError("log is down")

    monkeypatch.setattr(workflow, "_log", broken_log)
    with pytest.raises(RuntimeError):
        workflow.approve(claim, by=reviewer)
    assert state(claim) == before_state
    assert counts() == before_counts
    assert (claim.status, claim.is_live) == (Status.IN_REVIEW, False)


@pytest.mark.parametrize("action", ["approve", "withdraw"])
def test_failure_while_applying_a_pending_change_rolls_everything_back(
    monkeypatch, editor, reviewer, live_claim, action
):
    pending_edit(live_claim, by=editor, text=NEW_TEXT)
    workflow.submit(live_claim, by=editor)
    before_state, before_counts = state(live_claim), counts()
    real_apply = drafts.apply_snapshot

    def apply_then_fail(obj, snapshot):
        real_apply(obj, snapshot)
        raise RuntimeError("disk full")

    monkeypatch.setattr(drafts, "apply_snapshot", apply_then_fail)
    with pytest.raises(RuntimeError):
        getattr(workflow, action)(live_claim, by=reviewer, comment="Checked.")
    assert state(live_claim) == before_state
    assert counts() == before_counts
    assert public_text(live_claim) == OLD_TEXT


# Notifications


def test_submission_emails_the_reviewers_but_not_the_submitter(
    django_capture_on_commit_callbacks, mailoutbox, editor, reviewer, other_reviewer, boss
):
    claim = draft_claim(author=editor)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.submit(claim, by=editor)
    assert len(mailoutbox) == 1
    assert set(mailoutbox[0].to) == {reviewer.email, other_reviewer.email, boss.email}
    assert str(claim) in mailoutbox[0].subject


def test_reviewer_who_submits_is_not_emailed(
    django_capture_on_commit_callbacks, mailoutbox, reviewer, other_reviewer
):
    claim = draft_claim(author=reviewer)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.submit(claim, by=reviewer)
    assert [message.to for message in mailoutbox] == [[other_reviewer.email]]


@pytest.mark.parametrize(
    ("action", "comment", "subject"),
    [
        ("approve", "", "Approved"),
        ("request_changes", "Which medical sources?", "Changes requested"),
    ],
)
def test_decision_emails_the_last_editor(
    django_capture_on_commit_callbacks, mailoutbox, editor, reviewer, action, comment, subject
):
    claim = claim_in(Status.IN_REVIEW, author=editor, approver=None)
    with django_capture_on_commit_callbacks(execute=True):
        getattr(workflow, action)(claim, by=reviewer, comment=comment)
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [editor.email]
    assert mailoutbox[0].subject.startswith(subject)
    assert comment in mailoutbox[0].body


def test_withdrawal_emails_the_last_editor(
    django_capture_on_commit_callbacks, mailoutbox, editor, reviewer, live_claim
):
    with django_capture_on_commit_callbacks(execute=True):
        workflow.withdraw(live_claim, by=reviewer, comment="Retracted.")
    assert [message.to for message in mailoutbox] == [[editor.email]]


def test_no_email_is_sent_before_the_transaction_commits(mailoutbox, editor, reviewer):
    claim = draft_claim(author=editor)
    workflow.submit(claim, by=editor)
    assert mailoutbox == []


def test_no_email_is_sent_when_the_transaction_rolls_back(
    django_capture_on_commit_callbacks, mailoutbox, editor, reviewer
):
    claim = draft_claim(author=editor)
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), transaction.atomic():
            workflow.submit(claim, by=editor)
            raise RuntimeError("the request failed later")
    assert mailoutbox == []
    assert state(claim)[0] == Status.DRAFT


# The publication rule


def test_approved_claim_whose_only_citation_is_a_draft_is_not_public(editor, reviewer):
    event = EventFactory()
    publish(event, author=editor, approver=reviewer)
    claim = ClaimFactory(event=event)
    link = ClaimCitationFactory(claim=claim)
    publish(claim, author=editor, approver=reviewer)
    assert claim.status == Status.APPROVED
    assert not Claim.objects.public().filter(pk=claim.pk).exists()
    assert not Event.objects.public().filter(pk=event.pk).exists()
    publish(link.citation, author=editor, approver=reviewer)
    assert Claim.objects.public().filter(pk=claim.pk).exists()
    assert Event.objects.public().filter(pk=event.pk).exists()


def test_citation_is_public_only_while_it_backs_a_public_claim(editor, reviewer):
    citation = CitationFactory()
    publish(citation, author=editor, approver=reviewer)
    assert not Citation.objects.public().filter(pk=citation.pk).exists()
    draft = ClaimFactory()
    ClaimCitationFactory(claim=draft, citation=citation)
    assert not Citation.objects.public().filter(pk=citation.pk).exists()
    claim = published_claim(author=editor, approver=reviewer, citation=citation)
    assert Citation.objects.public().filter(pk=citation.pk).exists()
    workflow.withdraw(claim, by=reviewer, comment="Retracted.")
    assert not Citation.objects.public().filter(pk=citation.pk).exists()


def test_public_citation_links_join_public_claims_to_live_citations(editor, reviewer):
    claim = published_claim(author=editor, approver=reviewer)
    public_link = claim.citation_links.get()
    draft_citation_link = ClaimCitationFactory(claim=claim)
    draft_claim_link = ClaimCitationFactory(citation=public_link.citation)
    public_links = ClaimCitation.objects.public()
    assert public_link in public_links
    assert draft_citation_link not in public_links
    assert draft_claim_link not in public_links


def test_withdrawn_citation_is_not_public_and_unpublishes_its_only_claim(
    editor, reviewer, live_claim
):
    citation = live_claim.citations.get()
    workflow.withdraw(citation, by=reviewer, comment="Dead link, no archive.")
    assert not Citation.objects.public().filter(pk=citation.pk).exists()
    assert not Claim.objects.public().filter(pk=live_claim.pk).exists()
    assert not Event.objects.public().filter(pk=live_claim.event_id).exists()


def test_event_with_only_a_claim_that_is_not_public_is_not_public(editor, reviewer):
    event = EventFactory()
    publish(event, author=editor, approver=reviewer)
    draft_claim(author=editor, event=event)
    assert event.is_live
    assert not Event.objects.public().filter(pk=event.pk).exists()


def test_withdrawing_the_last_public_claim_hides_its_event(editor, reviewer):
    first = published_claim(author=editor, approver=reviewer)
    event = first.event
    second = published_claim(author=editor, approver=reviewer, event=event)
    workflow.withdraw(first, by=reviewer, comment="Duplicate.")
    assert Event.objects.public().filter(pk=event.pk).exists()
    workflow.withdraw(second, by=reviewer, comment="Unsourced.")
    assert not Event.objects.public().filter(pk=event.pk).exists()


def test_approved_claim_on_an_event_that_is_not_live_is_not_public(editor, reviewer):
    event = EventFactory()
    citation = CitationFactory()
    publish(citation, author=editor, approver=reviewer)
    claim = ClaimFactory(event=event)
    ClaimCitationFactory(claim=claim, citation=citation)
    publish(claim, author=editor, approver=reviewer)
    assert not Claim.objects.public().filter(pk=claim.pk).exists()
    assert not Citation.objects.public().filter(pk=citation.pk).exists()


def test_withdrawing_an_event_hides_its_approved_claims(editor, reviewer, live_claim):
    workflow.withdraw(live_claim.event, by=reviewer, comment="Merged into another event.")
    assert not Claim.objects.public().filter(pk=live_claim.pk).exists()
    assert not Event.objects.public().exists()


def test_public_lists_only_public_entries(editor, reviewer, live_claim):
    hidden = draft_claim(author=editor)
    assert list(Claim.objects.public()) == [live_claim]
    assert list(Event.objects.public()) == [live_claim.event]
    assert list(Citation.objects.public()) == list(live_claim.citations.all())
    assert hidden.event not in Event.objects.public()


def test_actor_is_public_when_it_takes_part_in_a_public_event(editor, reviewer):
    event = EventFactory()
    role = EventActorFactory(event=event)
    published_claim(author=editor, approver=reviewer, event=event)
    hidden_role = EventActorFactory(event=draft_claim(author=editor).event)
    assert role.actor in Actor.objects.public()
    assert hidden_role.actor not in Actor.objects.public()
    assert ActorFactory() not in Actor.objects.public()


def test_actor_is_public_when_it_makes_a_public_claim(editor, reviewer):
    csp = ActorFactory(name="CSP-PSD")
    fama = ActorFactory(name="FAMa")
    published_claim(author=editor, approver=reviewer, claimant_actor=csp)
    draft_claim(author=editor, claimant_actor=fama)
    assert list(Actor.objects.public()) == [csp]


def test_actor_of_a_withdrawn_event_is_not_public(editor, reviewer, live_claim):
    role = EventActorFactory(event=live_claim.event)
    workflow.withdraw(live_claim.event, by=reviewer, comment="Duplicate.")
    assert role.actor not in Actor.objects.public()


def test_place_is_public_only_with_a_public_event(editor, reviewer, live_claim):
    hidden = draft_claim(author=editor).event.place
    assert list(Place.objects.public()) == [live_claim.event.place]
    assert hidden not in Place.objects.public()
    assert PlaceFactory() not in Place.objects.public()


def test_source_is_public_only_with_a_public_citation(editor, reviewer, live_claim):
    approved_but_unused = CitationFactory()
    publish(approved_but_unused, author=editor, approver=reviewer)
    assert list(Source.objects.public()) == [live_claim.citations.get().source]
    assert approved_but_unused.source not in Source.objects.public()


def test_versions_record_content_not_review_state(editor, reviewer):
    claim = claim_in(Status.IN_REVIEW, author=editor, approver=None)
    workflow.approve(claim, by=reviewer)
    version = Version.objects.get_for_object(claim).first()
    assert version.field_dict["text"] == claim.text
    assert "status" not in version.field_dict
    assert "pending_change" not in version.field_dict
