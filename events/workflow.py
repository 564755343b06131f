"""The editorial workflow: the one door through which reviewed content changes.

Every change to a reviewed entry (events, claims, citations, and the actors, places and
sources they name) is a function here: a review step, an edit, a restore, a recovery or a
deletion. Each one locks the row, checks the entry's state, the user's permission and, when
the caller says what the person saw, that the content has not changed since; then it changes
the row, appends a Transition to the log (with the content after the step) and records a
django-reversion revision, in one transaction. Email goes out only after the commit.

Nothing here trusts an instance the caller loaded earlier: every function works on the row
it locked, so a stale copy can never write review fields back.
"""

import logging
from dataclasses import dataclass

import reversion
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import drafts, export_files, publication
from .models import Status, Transition
from .versioning import REFERENCE_MODELS

logger = logging.getLogger(__name__)


class TransitionError(Exception):
    """A step the entry's state, the user's permissions or the four-eyes rule do not allow."""


class StaleContent(TransitionError):
    """The content changed since the person looked at it: nothing was done.

    ``seen`` is the content token the person saw; ``step`` is the logged step whose content
    it was, when the log has it, so callers can show what changed since.
    """

    def __init__(self, message, *, entry, seen):
        super().__init__(message)
        self.entry = entry
        self.seen = seen
        self.step = seen_step(entry, seen)


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


# Who may do what


def has_permission(user, obj, permission):
    opts = obj._meta
    return user.is_active and user.has_perm(f"{opts.app_label}.{permission}_{opts.model_name}")


def approvable_by(queryset, user):
    """The entries of ``queryset`` the four-eyes rule lets ``user`` approve.

    The rule: nobody who shaped the content under review since its last approval (see
    ``ReviewableQuerySet.shaped_by``) approves it, unless KIDAL_ALLOW_SELF_APPROVAL is set.
    The review queue, the buttons, previews and bulk actions all ask this function.
    """
    if settings.KIDAL_ALLOW_SELF_APPROVAL:
        return queryset
    return queryset.exclude(pk__in=queryset.shaped_by(user).values("pk"))


def is_own_change(user, obj):
    return not approvable_by(type(obj)._default_manager.filter(pk=obj.pk), user).exists()


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
        return _(
            "You shaped the content of “%(entry)s” under review: another reviewer must approve it."
        ) % {"entry": obj}
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


# What the person saw


def seen_step(entry, token):
    """The latest logged step after which the entry's content had ``token``, if any."""
    if not token:
        return None
    return steps_of(entry).filter(content_token=token).order_by("-pk").first()


def steps_of(entry):
    return Transition.objects.filter(
        content_type=ContentType.objects.get_for_model(entry), object_id=str(entry.pk)
    )


def _check_seen(entry, seen, message):
    if seen is not None and seen != drafts.content_token(entry):
        raise StaleContent(message, entry=entry, seen=seen)


def _changed_since_you_looked(entry):
    return _(
        "“%(entry)s” changed after you opened it (latest change by %(editor)s): nothing was "
        "done. Compare the two versions, then decide again."
    ) % {"entry": entry, "editor": entry.last_edited_by or _("someone else")}


def _edit_conflict(entry):
    return _(
        "%(editor)s changed this entry after you opened it. Your changes were not saved: "
        "compare the two versions, then redo your edit on the current one."
    ) % {"editor": entry.last_edited_by or _("someone else")}


# The log


def _log(entry, action, from_status, by, comment, snapshot=None, correction_note=""):
    live = drafts.snapshot_of(entry)
    return Transition.objects.create(
        correction_note=correction_note,
        content_type=ContentType.objects.get_for_model(entry),
        object_id=str(entry.pk),
        object_repr=str(entry)[:250],
        action=action,
        from_status=from_status,
        to_status=entry.status,
        user=by,
        comment=comment,
        snapshot=snapshot if snapshot is not None else (entry.pending_change or live),
        content_token=drafts.content_token(entry, live),
    )


def _locked(obj):
    try:
        return type(obj)._default_manager.select_for_update().get(pk=obj.pk)
    except type(obj).DoesNotExist:
        raise TransitionError(_("This entry no longer exists.")) from None


def _refresh(obj):
    if obj.pk is not None and type(obj)._default_manager.filter(pk=obj.pk).exists():
        obj.refresh_from_db()


def _revision(by, comment, when=None):
    reversion.set_user(by)
    reversion.set_comment(comment)
    if when is not None:
        reversion.set_date_created(when)


# Review steps


def _perform(action, obj, by, comment, change_state, seen=None):
    with transaction.atomic():
        entry = _locked(obj)
        reason = refusal(action, entry, by, comment)
        if reason:
            raise TransitionError(reason)
        _check_seen(entry, seen, _changed_since_you_looked(entry))
        from_status = entry.status
        publishing = action in (APPROVE, WITHDRAW)
        before = publication.neighbourhood(entry) if publishing else None
        with reversion.create_revision(atomic=False):
            try:
                # A step may return more to log with it (an approval's correction note).
                logged = change_state(entry) or {}
            except ValidationError as error:
                raise TransitionError(" ".join(error.messages)) from error
            entry.status = action.target
            entry.save()
            if publishing:
                publication.refresh(publication.merge(before, publication.neighbourhood(entry)))
                export_files.refresh_after_commit()
            transition = _log(entry, action.name, from_status, by, comment, **logged)
            # The version and its review step share one moment, so history shows the new state.
            _revision(
                by,
                f"{action.label}: {comment}" if comment else str(action.label),
                transition.created_at,
            )
        transaction.on_commit(lambda: _notify(transition, entry))
    _refresh(obj)
    return transition


def submit(obj, *, by, comment="", seen=None):
    """Send the entry to review, with the new reference records its content names that are
    still drafts: an actor, a place or a source created while writing it."""
    with transaction.atomic():
        transition = _perform(SUBMIT, obj, by, comment, lambda entry: None, seen)
        for record in new_references(obj):
            if refusal(SUBMIT, record, by) is None:
                _perform(
                    SUBMIT,
                    record,
                    by,
                    _("Submitted with “%(entry)s”") % {"entry": obj},
                    lambda entry: None,
                )
    return transition


def new_references(entry, seen=None):
    """Never-published draft actors, places and sources that the entry's latest content
    names (a claim's claimant, an event's place and actors, a citation's source), and
    those they name in turn (an actor's coalition, a source's actor)."""
    seen = {(type(entry), entry.pk)} if seen is None else seen
    snapshot = entry.pending_change or drafts.snapshot_of(entry)
    found = []
    for model, pks in drafts.referenced_pks(type(entry), snapshot).items():
        if model not in REFERENCE_MODELS:
            continue
        for record in model._default_manager.filter(pk__in=pks, status=Status.DRAFT):
            key = (model, record.pk)
            if key in seen or not record.is_new:
                continue
            seen.add(key)
            found.append(record)
            found.extend(new_references(record, seen))
    return found


def approve(obj, *, by, comment="", correction_note="", seen=None):
    """Publish the entry; for live content, publish its pending change.

    ``correction_note`` is the one line the public sees about what a change to
    already published content corrected. ``seen`` is the content token of what the
    reviewer read: approval is refused if the content changed since.
    """

    def publish(entry):
        now = timezone.now()
        logged = {}
        if entry.pending_change is not None:
            drafts.apply_snapshot(entry, entry.pending_change)
            entry.pending_change = None
            if correction_note.strip():
                entry.correction_note = correction_note.strip()
                entry.corrected_at = now
                # The log keeps every correction; the row shows the latest.
                logged["correction_note"] = entry.correction_note
        entry.is_live = True
        entry.first_published_at = entry.first_published_at or now
        entry.last_reviewed_at = now
        entry.last_reviewed_by = by
        return logged

    return _perform(APPROVE, obj, by, comment, publish, seen)


def request_changes(obj, *, by, comment, seen=None):
    def note_review(entry):
        entry.last_reviewed_at = timezone.now()
        entry.last_reviewed_by = by

    return _perform(REQUEST_CHANGES, obj, by, comment, note_review, seen)


def withdraw(obj, *, by, comment, seen=None):
    """Take the entry off the public site; a pending edit becomes its working copy."""

    def unpublish(entry):
        if entry.pending_change is not None:
            drafts.apply_snapshot(entry, entry.pending_change)
            entry.pending_change = None
        entry.is_live = False
        entry.last_reviewed_at = timezone.now()
        entry.last_reviewed_by = by

    return _perform(WITHDRAW, obj, by, comment, unpublish, seen)


# Content changes


def create(obj, *, by, save=None, comment=""):
    """Record a new entry as a draft written by ``by``.

    ``save`` writes the row and its related rows (the admin saves its inline rows too);
    by default the row alone is saved. ``by`` is None only for an operator's command
    (an import run on the server without ``--user``).
    """
    if by is not None and not has_permission(by, obj, "add"):
        raise TransitionError(_("You do not have permission to add this entry."))
    with transaction.atomic():
        obj.status, obj.is_live, obj.pending_change = Status.DRAFT, False, None
        obj.first_published_at = None
        obj.last_edited_by, obj.last_edited_at = by, timezone.now()
        (save or obj.save)()
        return _log(obj, Transition.Action.CREATE, Status.DRAFT, by, comment or _("Created"))


def edit(obj, snapshot, *, by, seen=None, comment="", action=Transition.Action.EDIT):
    """Change the entry's content to ``snapshot`` (see events/drafts.py).

    Content that is not live is written to the row; live content keeps its row and gets
    the snapshot as its pending change. Either way an entry in review (or approved) goes
    back to draft, so nothing is approved unseen. ``seen`` is the content token the editor
    started from: if the content changed since, nothing is saved.
    """
    with transaction.atomic():
        entry = _locked(obj)
        if not has_permission(by, entry, "change"):
            raise TransitionError(_("You do not have permission to change this entry."))
        _check_seen(entry, seen, _edit_conflict(entry))
        from_status = entry.status
        if entry.status in (Status.APPROVED, Status.IN_REVIEW, Status.WITHDRAWN):
            entry.status = Status.DRAFT
        entry.last_edited_by, entry.last_edited_at = by, timezone.now()
        default_comment = {
            Transition.Action.EDIT: _("Edited the published version")
            if entry.is_live
            else _("Edited"),
            Transition.Action.RESTORE: _("Restored an earlier version"),
        }[action]
        comment = comment or default_comment
        if entry.is_live:
            entry.pending_change = snapshot
            # A queryset update keeps django-reversion from recording the unchanged live row.
            type(entry)._default_manager.filter(pk=entry.pk).update(
                pending_change=snapshot,
                status=entry.status,
                last_edited_by=by,
                last_edited_at=entry.last_edited_at,
                updated_at=entry.last_edited_at,
            )
        else:
            with reversion.create_revision(atomic=False):
                try:
                    drafts.apply_snapshot(entry, snapshot)
                except ValidationError as error:
                    raise TransitionError(" ".join(error.messages)) from error
                _revision(by, comment)
        transition = _log(entry, action, from_status, by, comment)
    _refresh(obj)
    return transition


def restore(obj, snapshot, *, by, seen=None, comment=""):
    """Bring back earlier content: as a pending change if the entry is live, at once if not."""
    return edit(obj, snapshot, by=by, seen=seen, comment=comment, action=Transition.Action.RESTORE)


def discard_pending_change(obj, *, by, comment="", seen=None):
    """Drop an edit of live content; the published version stays as it is.

    The discarded content stays in the log, so it can be compared and restored later.
    """
    with transaction.atomic():
        entry = _locked(obj)
        if entry.pending_change is None:
            raise TransitionError(_("There is no pending change to discard."))
        if not has_permission(by, entry, "change"):
            raise TransitionError(_("You do not have permission to change this entry."))
        _check_seen(entry, seen, _changed_since_you_looked(entry))
        from_status, discarded = entry.status, entry.pending_change
        entry.pending_change = None
        entry.status = Status.APPROVED
        type(entry)._default_manager.filter(pk=entry.pk).update(
            pending_change=None, status=Status.APPROVED, updated_at=timezone.now()
        )
        transition = _log(
            entry,
            Transition.Action.DISCARD,
            from_status,
            by,
            comment or _("Discarded the pending change"),
            snapshot=discarded,
        )
    _refresh(obj)
    return transition


def recover(model, version, *, by, comment=""):
    """Bring back a deleted entry from a version of it, as a draft.

    Only entries that no longer exist are recovered: an existing entry's earlier content
    comes back through ``restore``. Citation links and actor roles come back with it where
    what they point to still exists; contradiction links to deleted claims are dropped.
    """
    if version.content_type.model_class() is not model:
        raise TransitionError(_("This version belongs to another kind of entry."))
    if not has_permission(by, model(), "add"):
        raise TransitionError(_("You do not have permission to recover this entry."))
    snapshot = drafts.snapshot_from_version(version)
    with transaction.atomic():
        if model._default_manager.filter(pk=version.object_id).exists():
            raise TransitionError(
                _("“%(entry)s” still exists: restore one of its versions from its history instead.")
                % {"entry": version.object_repr}
            )
        snapshot = drafts.existing_references(model, snapshot)
        entry = model(pk=int(version.object_id))
        entry.status, entry.is_live = Status.DRAFT, False
        entry.last_edited_by, entry.last_edited_at = by, timezone.now()
        comment = comment or _("Recovered the deleted entry")
        with reversion.create_revision(atomic=False):
            try:
                # A savepoint: a recovery of the same entry committed meanwhile makes this
                # insert fail, and the refusal below must leave the transaction usable.
                with transaction.atomic():
                    drafts.apply_snapshot(entry, snapshot)
            except ValidationError as error:
                raise TransitionError(" ".join(error.messages)) from error
            except IntegrityError:
                raise TransitionError(
                    _("“%(entry)s” was recovered by someone else meanwhile.")
                    % {"entry": version.object_repr}
                ) from None
            _revision(by, comment)
        _log(entry, Transition.Action.RECOVER, Status.DRAFT, by, comment)
    return entry


def delete(obj, *, by, comment=""):
    """Delete an entry that is not published; its versions keep it recoverable."""
    with transaction.atomic():
        entry = _locked(obj)
        if entry.is_live:
            raise TransitionError(
                _("“%(entry)s” is published: withdraw it before deleting it.") % {"entry": entry}
            )
        if not has_permission(by, entry, "delete"):
            raise TransitionError(_("You do not have permission to delete this entry."))
        _log(entry, Transition.Action.DELETE, entry.status, by, comment or _("Deleted"))
        with reversion.create_revision(atomic=False):
            # The last version before deletion, with its related rows, is what recovery reads.
            reversion.add_to_revision(entry)
            _revision(by, comment or _("Deleted"))
        entry.delete()


# Notifications


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
    """Tell reviewers of a submission, and the entry's editor of a decision.

    Runs after the step's commit, within ``EMAIL_TIMEOUT``. A failure is logged and marked on
    the transition for the reviewer to see; it never undoes the step."""
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
    try:
        send_mail(subject, body, None, recipients)
    except Exception:  # any backend's failure: the step is committed and must stay so
        transition.notification_failed = True
        logger.exception(
            "Review notification not sent: %s of %s %s (“%s”) to %s",
            transition.action,
            transition.content_type.model,
            transition.object_id,
            transition.object_repr,
            ", ".join(recipients),
        )
