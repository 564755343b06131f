"""History pages for reviewed entries: versions and logged steps with their review states,
comparison of any two (or of the published version and its pending change), restore through
review with an explicit confirmation, and recovery of deleted entries as drafts."""

from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseBadRequest, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from reversion.models import Version

from . import drafts, workflow
from .dates import format_moment
from .forms import RecoverForm, RestoreForm
from .history import snapshot_diff
from .models import Transition

LIVE, PENDING, CURRENT, STEP = "live", "pending", "current", "step-"


def transitions_for(obj):
    return Transition.objects.filter(
        content_type__app_label=obj._meta.app_label,
        content_type__model=obj._meta.model_name,
        object_id=str(obj.pk),
    ).select_related("user")


def versions_for(obj):
    return Version.objects.get_for_object(obj).select_related("revision__user")


def state_at(transitions, moment):
    """The review state an entry had at ``moment``, from its transitions (newest first)."""
    for transition in transitions:
        if transition.created_at <= moment:
            return transition.get_to_status_display()
    return _("Draft")


class ReviewableHistoryMixin:
    object_history_template = "admin/review_history.html"

    def _url(self, name, *args):
        return reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_{name}", args=args)

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "<path:object_id>/history/compare/",
                self.admin_site.admin_view(self.compare_view),
                name="{}_{}_compare".format(*info),
            ),
            path(
                "<path:object_id>/history/step/<int:step_id>/",
                self.admin_site.admin_view(self.step_restore_view),
                name="{}_{}_step_restore".format(*info),
            ),
            *super().get_urls(),
        ]

    def _entry(self, request, object_id):
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404
        if not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        return obj

    def history_view(self, request, object_id, extra_context=None):
        obj = self._entry(request, object_id)
        transitions = list(transitions_for(obj))
        rows = [
            {
                "version": version,
                "revision": version.revision,
                "state": state_at(transitions, version.revision.date_created),
                "restore_url": self._url("revision", obj.pk, version.pk),
            }
            for version in versions_for(obj)
        ]
        for transition in transitions:
            if transition.snapshot is not None:
                transition.compare_url = (
                    self._url("compare", obj.pk)
                    + "?"
                    + urlencode({"from": f"{STEP}{transition.pk}", "to": CURRENT})
                )
                transition.restore_url = self._url("step_restore", obj.pk, transition.pk)
        context = {
            **self.admin_site.each_context(request),
            "title": _("History: %(entry)s") % {"entry": obj},
            "subtitle": None,
            "opts": self.opts,
            "object": obj,
            "rows": rows,
            "transitions": transitions,
            "compare_url": self._url("compare", obj.pk),
            "has_pending_change": obj.pending_change is not None,
            **(extra_context or {}),
        }
        return TemplateResponse(request, self.object_history_template, context)

    def _snapshot(self, obj, token):
        """The content named by ``token``: a version id, a logged step ("step-12"), "live",
        "pending" or "current" (the pending change if there is one, else the live row)."""
        if token == CURRENT:
            token = PENDING if obj.pending_change is not None else LIVE
        if token == LIVE:
            return drafts.snapshot_of(obj), _("current version")
        if token == PENDING:
            if obj.pending_change is None:
                raise Http404
            return obj.pending_change, _("pending change")
        if token.startswith(STEP) and token[len(STEP) :].isdigit():
            step = self._step(obj, int(token[len(STEP) :]))
            return step.snapshot, self._step_label(step)
        if not token.isdigit():
            raise ValueError(token)
        version = get_object_or_404(versions_for(obj), pk=int(token))
        label = _("version of %(date)s by %(user)s") % {
            "date": format_moment(version.revision.date_created),
            "user": version.revision.user or "—",
        }
        return drafts.snapshot_from_version(version), label

    def compare_view(self, request, object_id):
        obj = self._entry(request, object_id)
        try:
            old, old_label = self._snapshot(obj, request.GET.get("from", ""))
            new, new_label = self._snapshot(obj, request.GET.get("to", LIVE))
        except ValueError:
            return HttpResponseBadRequest(_("Choose two versions to compare."))
        context = {
            **self.admin_site.each_context(request),
            "title": _("Compare versions: %(entry)s") % {"entry": obj},
            "opts": self.opts,
            "object": obj,
            "old_label": old_label,
            "new_label": new_label,
            "changes": snapshot_diff(self.model, old, new),
            "history_url": self._url("history", obj.pk),
        }
        return TemplateResponse(request, "admin/review_compare.html", context)

    def _step(self, obj, step_id):
        return get_object_or_404(transitions_for(obj).filter(snapshot__isnull=False), pk=step_id)

    def _step_label(self, step):
        return _("content after “%(step)s” of %(date)s by %(user)s") % {
            "step": step.get_action_display(),
            "date": format_moment(step.created_at),
            "user": step.user or "—",
        }

    def revision_view(self, request, object_id, version_id, extra_context=None):
        """Restore a version: at once for an unpublished entry, through review for a live one."""
        obj = self._entry(request, object_id)
        version = get_object_or_404(versions_for(obj), pk=version_id)
        date = format_moment(version.revision.date_created)
        return self._restore(
            request,
            obj,
            drafts.snapshot_from_version(version),
            label=_("the version of %(date)s") % {"date": date},
            default_comment=_("Restored the version of %(date)s") % {"date": date},
        )

    def step_restore_view(self, request, object_id, step_id):
        """Restore the content a logged step left, such as a replaced or discarded pending
        change."""
        obj = self._entry(request, object_id)
        step = self._step(obj, step_id)
        label = self._step_label(step)
        return self._restore(
            request,
            obj,
            step.snapshot,
            label=label,
            default_comment=_("Restored the %(label)s") % {"label": label},
        )

    def _restore(self, request, obj, snapshot, *, label, default_comment):
        current = type(obj)._default_manager.get(pk=obj.pk)
        form = RestoreForm(request.POST if request.method == "POST" else None)
        status = 200
        if request.method == "POST":
            if not self.has_change_permission(request, obj):
                raise PermissionDenied
            if form.is_valid():
                comment = form.cleaned_data["comment"].strip() or default_comment
                try:
                    workflow.restore(
                        obj,
                        snapshot,
                        by=request.user,
                        seen=form.cleaned_data["seen"],
                        comment=comment,
                    )
                except workflow.TransitionError as error:
                    form.add_error(None, str(error))
                else:
                    if obj.is_live:
                        messages.info(
                            request,
                            _(
                                "The earlier version is now a pending change: it goes live "
                                "once a reviewer approves it."
                            ),
                        )
                    else:
                        messages.success(request, _("The earlier version was restored."))
                    return HttpResponseRedirect(self._url("change", obj.pk))
            status = 400
        context = {
            **self.admin_site.each_context(request),
            "title": _("Restore an earlier version: %(entry)s") % {"entry": obj},
            "opts": self.opts,
            "object": obj,
            "label": label,
            "form": form,
            "seen": drafts.content_token(current),
            "changes": snapshot_diff(
                self.model, current.pending_change or drafts.snapshot_of(current), snapshot
            ),
            "history_url": self._url("history", obj.pk),
            "goes_to_review": obj.is_live,
        }
        return TemplateResponse(request, "admin/review_restore.html", context, status=status)

    def recover_view(self, request, version_id, extra_context=None):
        """Recover a deleted entry as a draft, after an explicit confirmation."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        version = get_object_or_404(Version.objects.get_for_model(self.model), pk=version_id)
        form = RecoverForm(request.POST if request.method == "POST" else None)
        exists = self.model._default_manager.filter(pk=version.object_id).exists()
        status, refusal = 200, None
        if request.method == "POST":
            if form.is_valid():
                try:
                    entry = workflow.recover(
                        self.model,
                        version,
                        by=request.user,
                        comment=form.cleaned_data["comment"].strip(),
                    )
                except workflow.TransitionError as error:
                    form.add_error(None, str(error))
                else:
                    messages.success(
                        request,
                        _("“%(entry)s” was recovered as a draft.") % {"entry": entry},
                    )
                    return HttpResponseRedirect(self._url("change", entry.pk))
            status = 400
        elif exists:
            refusal = _("This entry still exists: restore one of its versions from its history.")
            status = 400
        snapshot = drafts.snapshot_from_version(version)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Recover %(entry)s") % {"entry": version.object_repr},
            "opts": self.opts,
            "version": version,
            "form": form,
            "exists": exists,
            "refusal": refusal,
            "changes": snapshot_diff(self.model, drafts.empty_snapshot(self.model()), snapshot),
            "recoverlist_url": self._url("recoverlist"),
        }
        return TemplateResponse(request, "admin/review_recover.html", context, status=status)
