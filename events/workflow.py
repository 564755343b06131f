"""The editorial workflow: the one place where review states change.

Each transition locks the entry, checks the current state and the user's
permission, changes the state, appends a Transition to the log and records a
django-reversion revision carrying the comment, in one transaction. Email goes
out only after the transaction commits.
"""

from dataclasses import dataclass

import reversion
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import drafts
from .models import Status, Transition


class TransitionError(Exception):
    """A transition the entry's state or the user's permissions do not allow."""


@dataclass(frozen=True)
class Action:
    name: str
    label: str
    sources: frozenset
    target: str
    permission: str  # "change" (editors) or "approve" (reviewers)
    needs_comment: bool = False
    needs_live: bool = False


SUBMIT = Action(
    "submit",
    gettext_lazy("Submit for review"),
    frozenset({Status.DRAFT, Status.CHANGES_REQUESTED, Status.WITHDRAWN}),
    Status.IN_REVIEW,
    "change",
)
APPROVE = Action(
    "approve", gettext_lazy("Approve"), frozenset({Status.IN_REVIEW}), Status.APPROVED, "approve"
)
REQUEST_CHANGES = Action(
    "request_changes",
    gettext_lazy("Request changes"),
    frozenset({Status.IN_REVIEW}),
    Status.CHANGES_REQUESTED,
    "approve",
    needs_comment=True,
)
WITHDRAW = Action(
    "withdraw",
    gettext_lazy("Withdraw"),
    frozenset({Status.APPROVED, Status.DRAFT, Status.IN_REVIEW, Status.CHANGES_REQUESTED}),
    Status.WITHDRAWN,
    "approve",
    needs_comment=True,
    needs_live=True,
)
ACTIONS = {action.name: action for action in (SUBMIT, APPROVE, REQUEST_CHANGES, WITHDRAW)}


def has_permission(user, obj, permission):
    opts = obj._meta
    return user.is_active and user.has_perm(f"{opts.app_label}.{permission}_{opts.model_name}")


def is_own_change(user, obj):
    return obj.last_edited_by_id == user.pk and not settings.KIDAL_ALLOW_SELF_APPROVAL


def refusal(action, obj, user, comment=""):
    """Why ``user`` may not perform ``action`` on ``obj`` now, or None if they may."""
    if obj.status not in action.sources or (action.needs_live and not obj.is_live):
        return _("“%(entry)s” is %(status)s: it cannot be sent to “%(action)s”.") % {
            "entry": obj,
            "status": obj.get_status_display().lower(),
            "action": action.label,
        }
    if not has_permission(user, obj, action.permission):
        return _("You do not have permission to %(action)s this %(model)s.") % {
            "action": str(action.label).lower(),
            "model": obj._meta.verbose_name,
        }
    if action is APPROVE and is_own_change(user, obj):
        return _("You made the latest change to “%(entry)s”: another reviewer must approve it.") % {
            "entry": obj
        }
    if action.needs_comment and not comment.strip():
        return _("“%(action)s” needs a comment saying why.") % {"action": action.label}
    return None


def available_actions(obj, user):
    """The actions ``user`` could perform on ``obj`` now, given a comment where one is needed."""
    return [
        action
        for action in ACTIONS.values()
        if refusal(action, obj, user, comment="-" if action.needs_comment else "") is None
    ]


def _log(obj, action_name, from_status, by, comment):
    return Transition.objects.create(
        content_type=ContentType.objects.get_for_model(obj),
        object_id=str(obj.pk),
        object_repr=str(obj)[:250],
        action=action_name,
        from_status=from_status,
        to_status=obj.status,
        user=by,
        comment=comment,
    )


def _perform(action, obj, by, comment, change_state):
    with transaction.atomic():
        entry = type(obj)._default_manager.select_for_update().get(pk=obj.pk)
        reason = refusal(action, entry, by, comment)
        if reason:
            raise TransitionError(reason)
        from_status = entry.status
        with reversion.create_revision(atomic=False):
            try:
                change_state(entry)
            except ValidationError as error:
                raise TransitionError(" ".join(error.messages)) from error
            entry.status = action.target
            entry.save()
            transition = _log(entry, action.name, from_status, by, comment)
            reversion.set_user(by)
            reversion.set_comment(f"{action.label}: {comment}" if comment else str(action.label))
            # The version and its review step share one moment, so history shows the new state.
            reversion.set_date_created(transition.created_at)
        transaction.on_commit(lambda: _notify(transition, entry))
    obj.refresh_from_db()
    return transition


def submit(obj, *, by, comment=""):
    return _perform(SUBMIT, obj, by, comment, lambda entry: None)


def approve(obj, *, by, comment="", correction_note=""):
    """Publish the entry; for live content, publish its pending change.

    ``correction_note`` is the one line the public sees about what a change to
    already published content corrected.
    """

    def publish(entry):
        now = timezone.now()
        if entry.pending_change is not None:
            drafts.apply_snapshot(entry, entry.pending_change)
            entry.pending_change = None
            if correction_note.strip():
                entry.correction_note = correction_note.strip()
                entry.corrected_at = now
        entry.is_live = True
        entry.first_published_at = entry.first_published_at or now
        entry.last_reviewed_at = now
        entry.last_reviewed_by = by

    return _perform(APPROVE, obj, by, comment, publish)


def request_changes(obj, *, by, comment):
    def note_review(entry):
        entry.last_reviewed_at = timezone.now()
        entry.last_reviewed_by = by

    return _perform(REQUEST_CHANGES, obj, by, comment, note_review)


def withdraw(obj, *, by, comment):
    """Take the entry off the public site; a pending edit becomes its working copy."""

    def unpublish(entry):
        if entry.pending_change is not None:
            drafts.apply_snapshot(entry, entry.pending_change)
            entry.pending_change = None
        entry.is_live = False
        entry.last_reviewed_at = timezone.now()
        entry.last_reviewed_by = by

    return _perform(WITHDRAW, obj, by, comment, unpublish)


def prepare_edit(obj, *, by):
    """Mark an entry that is not live as edited by ``by``; the caller saves it."""
    obj.last_edited_by = by
    obj.last_edited_at = timezone.now()
    if obj.status == Status.WITHDRAWN:
        obj.status = Status.DRAFT


def save_edit(obj, *, by, save=None, comment=""):
    """Save an edit of an entry that is not live; editing a withdrawn entry makes it a draft."""
    if obj.pk and not has_permission(by, obj, "change"):
        raise TransitionError(_("You do not have permission to change this entry."))
    from_status = obj.status
    with transaction.atomic():
        prepare_edit(obj, by=by)
        (save or obj.save)()
        if obj.status != from_status:
            _log(obj, "edit", from_status, by, comment or _("Edited the withdrawn entry"))


def save_pending_change(obj, snapshot, *, by, comment=""):
    """Store an edit of live content for review, leaving the public version untouched."""
    if not obj.is_live:
        raise TransitionError(_("Only published entries keep edits as pending changes."))
    if not has_permission(by, obj, "change"):
        raise TransitionError(_("You do not have permission to change this entry."))
    with transaction.atomic():
        entry = type(obj)._default_manager.select_for_update().get(pk=obj.pk)
        from_status = entry.status
        entry.pending_change = snapshot
        entry.last_edited_by = by
        entry.last_edited_at = timezone.now()
        if entry.status == Status.APPROVED:
            entry.status = Status.DRAFT
        # A queryset update keeps django-reversion from recording the unchanged live row.
        type(obj)._default_manager.filter(pk=obj.pk).update(
            pending_change=entry.pending_change,
            last_edited_by=by,
            last_edited_at=entry.last_edited_at,
            status=entry.status,
            updated_at=entry.last_edited_at,
        )
        _log(entry, "edit", from_status, by, comment or _("Edited the published version"))
    obj.refresh_from_db()


def discard_pending_change(obj, *, by, comment=""):
    """Drop an edit of live content; the published version stays as it is."""
    with transaction.atomic():
        entry = type(obj)._default_manager.select_for_update().get(pk=obj.pk)
        if entry.pending_change is None:
            raise TransitionError(_("There is no pending change to discard."))
        if not has_permission(by, entry, "change"):
            raise TransitionError(_("You do not have permission to change this entry."))
        from_status = entry.status
        entry.pending_change = None
        entry.status = Status.APPROVED
        type(obj)._default_manager.filter(pk=obj.pk).update(
            pending_change=None, status=Status.APPROVED, updated_at=timezone.now()
        )
        _log(entry, "discard", from_status, by, comment or _("Discarded the pending change"))
    obj.refresh_from_db()


def restore(obj, snapshot, *, by, comment=""):
    """Bring back earlier content: as a pending change if the entry is live, at once if not."""
    if obj.is_live:
        save_pending_change(
            obj, snapshot, by=by, comment=comment or _("Restored an earlier version")
        )
        return
    comment = comment or _("Restored an earlier version")
    with transaction.atomic(), reversion.create_revision(atomic=False):
        save_edit(obj, by=by, save=lambda: drafts.apply_snapshot(obj, snapshot), comment=comment)
        reversion.set_user(by)
        reversion.set_comment(comment)


def reviewers():
    perms = Q(groups__permissions__codename__startswith="approve_") | Q(
        user_permissions__codename__startswith="approve_"
    )
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(perms | Q(is_superuser=True))
        .distinct()
    )


def _notify(transition, entry):
    """Tell reviewers of a submission, and the entry's editor of a decision."""
    if transition.action == SUBMIT.name:
        recipients = [
            user.email for user in reviewers().exclude(pk=transition.user_id) if user.email
        ]
        subject = _("For review: %(entry)s") % {"entry": transition.object_repr}
    else:
        editor = entry.last_edited_by
        if editor is None or not editor.email or editor.pk == transition.user_id:
            return
        recipients = [editor.email]
        subject = _("%(status)s: %(entry)s") % {
            "status": transition.get_to_status_display(),
            "entry": transition.object_repr,
        }
    if not recipients:
        return
    body = _("%(user)s moved “%(entry)s” from %(from)s to %(to)s.") % {
        "user": transition.user,
        "entry": transition.object_repr,
        "from": transition.get_from_status_display(),
        "to": transition.get_to_status_display(),
    }
    if transition.comment:
        body += "\n\n" + _("Comment: %(comment)s") % {"comment": transition.comment}
    send_mail(subject, body, None, recipients, fail_silently=True)
