"""What reviewers type and send is checked: bad input is refused with a message, never a 500,
and nothing changes. Restores and recoveries need an explicit confirmation of what was seen.
The four-eyes rule counts everyone who shaped a change, and a reviewer approves exactly the
content they read."""

import re

import pytest
from django.contrib import messages
from django.contrib.messages import get_messages
from django.test import Client
from reversion.models import Revision, Version

from events import drafts, workflow
from events.forms import COMMENT_MAX_LENGTH, CORRECTION_NOTE_MAX_LENGTH
from events.models import Claim, Status, Transition
from tests.admin_forms import admin_form_data
from tests.factories import (
    CitationFactory,
    ClaimCitationFactory,
    ClaimFactory,
    EventFactory,
    publish,
    published_claim,
)
from tests.history.helpers import draft_claim_with_versions, versions_of

from .helpers import transitions_of

pytestmark = pytest.mark.django_db

OLD_TEXT = "Medical sources told RFI at least ten civilians were killed."
NEW_TEXT = "Medical sources told RFI at least ten civilians, including children, were killed."
NEWER_TEXT = "Medical sources told RFI at least twelve civilians were killed."


def change_url(obj):
    return f"/admin/{obj._meta.app_label}/{obj._meta.model_name}/{obj.pk}/change/"


def transition_url(obj):
    return f"/admin/{obj._meta.app_label}/{obj._meta.model_name}/{obj.pk}/transition/"


def logged_in(user):
    client = Client()
    client.force_login(user)
    return client


def shown_messages(response, level=None):
    return [
        str(message)
        for message in get_messages(response.wsgi_request)
        if level is None or message.level == level
    ]


def seen_token(html):
    """The ``seen`` hidden input of a rendered form, as the browser would send it back."""
    tag = re.search(r'<input[^>]*\bname="seen"[^>]*>', html)
    assert tag, "the page has no seen input"
    return re.search(r'\bvalue="([^"]*)"', tag[0])[1]


def state(obj):
    """What must not change when a decision is refused."""
    row = type(obj)._default_manager.get(pk=obj.pk)
    return (
        row.status,
        row.is_live,
        row.correction_note,
        drafts.content_token(row),
        transitions_of(obj).count(),
        Revision.objects.count(),
    )


def edit_pending(claim, text, *, by):
    snapshot = drafts.snapshot_of(type(claim)._default_manager.get(pk=claim.pk))
    snapshot["fields"]["text"] = text
    workflow.edit(claim, snapshot, by=by)


@pytest.fixture
def claim_in_review(editor, other_reviewer):
    """A published claim with an editor's pending change in review: approvable as it stands."""
    claim = published_claim(author=editor, approver=other_reviewer, text=OLD_TEXT)
    edit_pending(claim, NEW_TEXT, by=editor)
    workflow.submit(claim, by=editor)
    claim.refresh_from_db()
    assert claim.status == Status.IN_REVIEW and claim.pending_change is not None
    return claim


# Review decisions


def decision(claim, **changes):
    data = {
        "action": "approve",
        "seen": drafts.content_token(Claim.objects.get(pk=claim.pk)),
        "comment": "Checked against the sources.",
        "correction_note": "Children were among the dead.",
    }
    data.update(changes)
    return {name: value for name, value in data.items() if value is not None}


BAD_DECISIONS = {
    "correction note over 300 characters": {
        "correction_note": "x" * (CORRECTION_NOTE_MAX_LENGTH + 1)
    },
    "correction note on two lines": {"correction_note": "Children\nwere among the dead."},
    "comment with a NUL byte": {"comment": "Checked\x00 against the sources."},
    "comment with ESC": {"comment": "Checked \x1b[31magainst the sources."},
    "comment with VT": {"comment": "Checked\x0bagainst the sources."},
    "comment with a C1 control": {"comment": "Checked\x85against the sources."},
    "correction note with ESC": {"correction_note": "Children \x1bwere among the dead."},
    "comment over 2000 characters": {"comment": "x" * (COMMENT_MAX_LENGTH + 1)},
    "missing seen token": {"seen": None},
    "empty seen token": {"seen": ""},
    "seen token over 64 characters": {"seen": "f" * 65},
    "unknown action": {"action": "publish"},
    "missing action": {"action": None},
    "request changes without a comment": {"action": "request_changes", "comment": "   "},
}


@pytest.mark.parametrize("changes", BAD_DECISIONS.values(), ids=BAD_DECISIONS.keys())
def test_bad_review_input_is_refused_with_a_message_and_changes_nothing(
    reviewer, claim_in_review, changes
):
    client = logged_in(reviewer)
    before = state(claim_in_review)

    response = client.post(transition_url(claim_in_review), decision(claim_in_review, **changes))

    assert response.status_code == 302
    assert response["Location"].startswith(change_url(claim_in_review))
    assert shown_messages(response, messages.ERROR)
    assert not shown_messages(response, messages.SUCCESS)
    assert state(claim_in_review) == before
    assert not Transition.objects.filter(action=Transition.Action.APPROVE, user=reviewer).exists()
    page = client.get(response["Location"])
    assert page.status_code == 200


def test_the_same_decision_with_good_input_is_accepted(reviewer, claim_in_review):
    # The refusals above are the input's doing: the decision itself is allowed.
    response = logged_in(reviewer).post(transition_url(claim_in_review), decision(claim_in_review))

    assert response.status_code == 302
    assert shown_messages(response, messages.SUCCESS)
    claim_in_review.refresh_from_db()
    assert claim_in_review.status == Status.APPROVED
    assert claim_in_review.text == NEW_TEXT
    assert claim_in_review.correction_note == "Children were among the dead."


def test_an_empty_post_to_the_transition_url_is_refused_with_a_message(reviewer, claim_in_review):
    before = state(claim_in_review)

    response = logged_in(reviewer).post(transition_url(claim_in_review), {})

    assert response.status_code == 302
    assert shown_messages(response, messages.ERROR)
    assert state(claim_in_review) == before


def test_a_seen_token_of_content_never_shown_is_refused_as_changed(reviewer, claim_in_review):
    before = state(claim_in_review)

    response = logged_in(reviewer).post(
        transition_url(claim_in_review), decision(claim_in_review, seen="0" * 32)
    )

    assert response.status_code == 302
    assert "changed" in " ".join(shown_messages(response, messages.ERROR))
    assert state(claim_in_review) == before
    page = logged_in(reviewer).get(response["Location"])
    assert page.status_code == 200
    assert 'id="changed-since"' in page.content.decode()


# Restoring a version from the history page


@pytest.fixture
def claim_with_versions(editor):
    claim = draft_claim_with_versions(by=editor, texts=[OLD_TEXT, NEW_TEXT])
    claim.refresh_from_db()
    assert claim.text == NEW_TEXT
    return claim


def revision_url(claim, version):
    return f"/admin/events/claim/{claim.pk}/history/{version.pk}/"


def test_an_empty_post_to_a_history_version_does_not_restore_it(editor, claim_with_versions):
    claim = claim_with_versions
    oldest = versions_of(claim)[-1]
    before = state(claim)

    response = logged_in(editor).post(revision_url(claim, oldest), {})

    assert response.status_code == 400
    assert "reload" in response.content.decode()
    claim.refresh_from_db()
    assert claim.text == NEW_TEXT
    assert state(claim) == before
    assert not transitions_of(claim).filter(action=Transition.Action.RESTORE).exists()


@pytest.mark.parametrize(
    "data",
    [
        {"comment": "Back to the first wording."},
        {"seen": "0" * 32},
        {"seen": "f" * 65},
        {"seen": "{seen}", "comment": "bad\x00comment"},
        {"seen": "{seen}", "comment": "x" * (COMMENT_MAX_LENGTH + 1)},
    ],
    ids=["no seen token", "stale token", "overlong token", "NUL in comment", "long comment"],
)
def test_a_restore_without_the_token_of_the_current_content_or_with_bad_input_is_refused(
    editor, claim_with_versions, data
):
    claim = claim_with_versions
    oldest = versions_of(claim)[-1]
    token = drafts.content_token(claim)
    data = {name: value.replace("{seen}", token) for name, value in data.items()}
    before = state(claim)

    response = logged_in(editor).post(revision_url(claim, oldest), data)

    assert response.status_code == 400
    assert 'class="errornote"' in response.content.decode()
    assert state(claim) == before


def test_a_post_with_the_token_of_the_current_content_restores_the_version(
    editor, claim_with_versions
):
    claim = claim_with_versions
    oldest = versions_of(claim)[-1]
    client = logged_in(editor)
    page = client.get(revision_url(claim, oldest))
    assert page.status_code == 200

    response = client.post(
        revision_url(claim, oldest),
        {"seen": seen_token(page.content.decode()), "comment": "Back to the first wording."},
    )

    assert response.status_code == 302
    assert response["Location"] == change_url(claim)
    claim.refresh_from_db()
    assert claim.text == OLD_TEXT
    step = transitions_of(claim).get(action=Transition.Action.RESTORE)
    assert step.user == editor and step.comment == "Back to the first wording."


def test_restoring_a_version_of_published_content_makes_a_pending_change(
    editor, other_editor, reviewer
):
    claim = published_claim(author=editor, approver=reviewer, text=OLD_TEXT)
    edit_pending(claim, NEW_TEXT, by=editor)
    workflow.submit(claim, by=editor)
    workflow.approve(claim, by=reviewer)
    version = next(
        v
        for v in versions_of(claim)
        if drafts.snapshot_from_version(v)["fields"]["text"] == OLD_TEXT
    )
    client = logged_in(other_editor)
    page = client.get(revision_url(claim, version))

    assert client.post(revision_url(claim, version), {}).status_code == 400
    response = client.post(
        revision_url(claim, version), {"seen": seen_token(page.content.decode())}
    )

    assert response.status_code == 302
    claim.refresh_from_db()
    assert claim.text == NEW_TEXT and claim.is_live
    assert claim.pending_change["fields"]["text"] == OLD_TEXT


# Recovering


def recover_url(version):
    return f"/admin/events/claim/recover/{version.pk}/"


def test_recovering_an_entry_that_still_exists_is_refused_on_confirmation(
    editor, claim_with_versions
):
    claim = claim_with_versions
    version = versions_of(claim)[0]
    before = (Claim.objects.count(), Transition.objects.count(), Version.objects.count())

    response = logged_in(editor).post(recover_url(version), {"confirm": "on"})

    assert response.status_code == 400
    assert "still exists" in response.content.decode()
    assert (Claim.objects.count(), Transition.objects.count(), Version.objects.count()) == before
    claim.refresh_from_db()
    assert claim.text == NEW_TEXT


def test_the_recover_page_of_an_entry_that_still_exists_says_so_and_offers_no_recovery(
    editor, claim_with_versions
):
    # The page a link to an old recovery would open, once the entry was recovered already.
    version = versions_of(claim_with_versions)[0]

    response = logged_in(editor).get(recover_url(version))

    assert response.status_code == 400
    html = response.content.decode()
    assert "still exists" in html
    assert 'name="confirm"' not in html


def test_recovering_without_the_confirmation_is_refused(editor, claim_with_versions):
    claim = claim_with_versions
    version = versions_of(claim)[0]
    workflow.delete(claim, by=editor)
    before = Transition.objects.count()

    response = logged_in(editor).post(recover_url(version), {"comment": "Bring it back."})

    assert response.status_code == 400
    assert "Confirm the recovery" in response.content.decode()
    assert not Claim.objects.filter(pk=claim.pk).exists()
    assert Transition.objects.count() == before

    response = logged_in(editor).post(recover_url(version), {"confirm": "on"})
    assert response.status_code == 302
    assert Claim.objects.get(pk=claim.pk).status == Status.DRAFT


# The four-eyes rule over everyone who shaped the change


def written_by(author):
    """A claim ``author`` wrote (created through the workflow), with one citation."""
    claim = ClaimFactory.build(event=EventFactory(), text=OLD_TEXT)
    workflow.create(claim, by=author)
    ClaimCitationFactory(claim=claim, citation=CitationFactory())
    return claim


def resave_unchanged_with_workflow(claim, editor):
    workflow.edit(claim, drafts.snapshot_of(Claim.objects.get(pk=claim.pk)), by=editor)


def resave_unchanged_in_the_admin(claim, editor):
    client = logged_in(editor)
    form = client.get(change_url(claim))
    response = client.post(change_url(claim), admin_form_data(form))
    assert response.status_code == 302


RESAVES = {
    "workflow.edit": resave_unchanged_with_workflow,
    "admin form": resave_unchanged_in_the_admin,
}


def queue_html(user):
    response = logged_in(user).get("/admin/review-queue/")
    assert response.status_code == 200
    return response.content.decode()


def in_queue(user, claim):
    return f'href="{change_url(claim)}"' in queue_html(user)


@pytest.fixture(params=RESAVES.values(), ids=RESAVES.keys())
def written_by_a_resaved_by_b(request, reviewer, editor):
    """Reviewer A (``reviewer``) writes a claim; editor B re-saves it unchanged and submits."""
    claim = written_by(reviewer)
    request.param(claim, editor)
    workflow.submit(claim, by=editor)
    claim.refresh_from_db()
    assert claim.last_edited_by == editor and claim.status == Status.IN_REVIEW
    return claim


def test_a_reviewer_who_wrote_a_claim_cannot_approve_it_after_an_editor_resaved_it(
    reviewer, written_by_a_resaved_by_b
):
    claim = written_by_a_resaved_by_b
    before = state(claim)

    with pytest.raises(workflow.TransitionError):
        workflow.approve(claim, by=reviewer)
    response = logged_in(reviewer).post(transition_url(claim), decision(claim, correction_note=""))

    assert "another reviewer" in " ".join(shown_messages(response, messages.ERROR))
    assert state(claim) == before
    assert not in_queue(reviewer, claim)
    page = logged_in(reviewer).get(change_url(claim))
    assert "approve" not in [action.name for action in page.context["review_actions"]]
    assert page.context["review_refusal"]


def test_another_reviewer_may_approve_the_claim(other_reviewer, written_by_a_resaved_by_b):
    claim = written_by_a_resaved_by_b
    assert in_queue(other_reviewer, claim)

    response = logged_in(other_reviewer).post(
        transition_url(claim), decision(claim, correction_note="")
    )

    assert shown_messages(response, messages.SUCCESS)
    claim.refresh_from_db()
    assert claim.status == Status.APPROVED and claim.is_live


def test_with_self_approval_allowed_the_writer_sees_the_claim_in_the_queue_and_approves_it(
    settings, reviewer, written_by_a_resaved_by_b
):
    settings.KIDAL_ALLOW_SELF_APPROVAL = True
    claim = written_by_a_resaved_by_b
    assert in_queue(reviewer, claim)

    response = logged_in(reviewer).post(transition_url(claim), decision(claim, correction_note=""))

    assert shown_messages(response, messages.SUCCESS)
    claim.refresh_from_db()
    assert claim.status == Status.APPROVED and claim.is_live


def test_a_reviewer_who_edited_a_pending_change_cannot_approve_it_after_an_editor_resaved_it(
    editor, reviewer, other_reviewer
):
    claim = published_claim(author=editor, approver=other_reviewer, text=OLD_TEXT)
    edit_pending(claim, NEW_TEXT, by=reviewer)
    resave_unchanged_in_the_admin(claim, editor)
    workflow.submit(claim, by=editor)

    with pytest.raises(workflow.TransitionError):
        workflow.approve(claim, by=reviewer)
    assert not in_queue(reviewer, claim)
    workflow.approve(claim, by=other_reviewer)
    claim.refresh_from_db()
    assert claim.text == NEW_TEXT


def test_the_rule_counts_only_changes_since_the_last_approval(editor, reviewer, other_reviewer):
    claim = written_by(reviewer)
    publish(claim, author=editor, approver=other_reviewer)
    # The reviewer's writing was approved by another; the next change is the editor's alone.
    edit_pending(claim, NEW_TEXT, by=editor)
    workflow.submit(claim, by=editor)

    assert in_queue(reviewer, claim)
    workflow.approve(claim, by=reviewer)
    claim.refresh_from_db()
    assert claim.text == NEW_TEXT and claim.status == Status.APPROVED


# Approve exactly what was reviewed


def test_approval_of_content_that_changed_after_the_reviewer_opened_it_is_refused(
    editor, reviewer, claim_in_review
):
    claim = claim_in_review
    desk = logged_in(reviewer)
    page = desk.get(change_url(claim))
    assert page.status_code == 200
    token = seen_token(page.content.decode())
    assert token == drafts.content_token(claim)

    # The editor edits the change under review and submits it again.
    edit_pending(claim, NEWER_TEXT, by=editor)
    workflow.submit(claim, by=editor)
    before = state(claim)

    response = desk.post(
        transition_url(claim), {"action": "approve", "seen": token, "comment": "Fine."}
    )

    assert response.status_code == 302
    assert response["Location"] == f"{change_url(claim)}?since={token}"
    refusal = " ".join(shown_messages(response, messages.ERROR))
    assert "changed" in refusal
    assert editor.username in refusal
    assert state(claim) == before
    claim.refresh_from_db()
    assert claim.status == Status.IN_REVIEW and claim.text == OLD_TEXT
    assert claim.pending_change["fields"]["text"] == NEWER_TEXT
    assert not transitions_of(claim).filter(action=Transition.Action.APPROVE, user=reviewer)

    # The change page shows what changed since the version the reviewer read.
    page = desk.get(response["Location"])
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="changed-since"' in html
    changed_since = html[html.index('id="changed-since"') :]
    changed_since = changed_since[: changed_since.index("</div>")]
    assert "twelve" in changed_since
    assert page.context["changed_since"]["changes"]

    # Deciding again, on the content now shown, is accepted.
    response = desk.post(
        transition_url(claim),
        {"action": "approve", "seen": seen_token(html), "comment": "Fine."},
    )
    assert shown_messages(response, messages.SUCCESS)
    claim.refresh_from_db()
    assert claim.text == NEWER_TEXT and claim.status == Status.APPROVED


@pytest.mark.parametrize("action", ["request_changes", "withdraw"])
def test_other_decisions_on_content_that_changed_since_are_refused_too(
    editor, reviewer, claim_in_review, action
):
    claim = claim_in_review
    token = seen_token(logged_in(reviewer).get(change_url(claim)).content.decode())
    edit_pending(claim, NEWER_TEXT, by=editor)
    workflow.submit(claim, by=editor)
    before = state(claim)

    response = logged_in(reviewer).post(
        transition_url(claim),
        {"action": action, "seen": token, "comment": "Not sourced.", "confirmed": "on"},
    )

    assert response["Location"] == f"{change_url(claim)}?since={token}"
    assert state(claim) == before


def test_the_change_page_without_since_or_with_the_current_token_shows_no_changed_since(
    reviewer, claim_in_review
):
    desk = logged_in(reviewer)
    token = drafts.content_token(claim_in_review)
    for url in (change_url(claim_in_review), f"{change_url(claim_in_review)}?since={token}"):
        page = desk.get(url)
        assert page.status_code == 200
        assert 'id="changed-since"' not in page.content.decode()


def test_bulk_approval_of_content_that_changed_after_the_confirmation_page_is_refused(
    editor, reviewer, claim_in_review
):
    claim = claim_in_review
    desk = logged_in(reviewer)
    selected = {"action": "approve_selected", "_selected_action": [claim.pk], "index": "0"}
    confirmation = desk.post("/admin/events/claim/", selected)
    assert confirmation.status_code == 200
    html = confirmation.content.decode()
    token = re.search(rf'name="seen-{claim.pk}" value="([^"]+)"', html)[1]
    edit_pending(claim, NEWER_TEXT, by=editor)
    workflow.submit(claim, by=editor)
    before = state(claim)

    response = desk.post(
        "/admin/events/claim/", {**selected, "confirm": "yes", f"seen-{claim.pk}": token}
    )

    assert response.status_code == 302
    assert "changed" in " ".join(shown_messages(response, messages.WARNING))
    assert not shown_messages(response, messages.SUCCESS)
    assert state(claim) == before


def test_bulk_approval_page_refuses_a_claim_the_reviewer_shaped_and_offers_no_token(
    reviewer, written_by_a_resaved_by_b
):
    claim = written_by_a_resaved_by_b
    desk = logged_in(reviewer)
    selected = {"action": "approve_selected", "_selected_action": [claim.pk], "index": "0"}

    confirmation = desk.post("/admin/events/claim/", selected)

    html = confirmation.content.decode()
    assert "another reviewer" in html
    assert f'name="seen-{claim.pk}"' not in html
    token = drafts.content_token(claim)
    before = state(claim)
    response = desk.post(
        "/admin/events/claim/", {**selected, "confirm": "yes", f"seen-{claim.pk}": token}
    )
    assert "another reviewer" in " ".join(shown_messages(response, messages.WARNING))
    assert state(claim) == before
