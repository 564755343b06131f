"""History pages for reviewed entries: versions with their review states, comparison of any
two versions (or of the published version and its pending change), and restore through review."""

from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseBadRequest, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from reversion.models import Version

from . import drafts, workflow
from .history import snapshot_diff
from .models import Transition

LIVE, PENDING = "live", "pending"


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
        """The content named by ``token``: a version id, "live" or "pending"."""
        if token == LIVE:
            return drafts.snapshot_of(obj), _("current version")
        if token == PENDING:
            if obj.pending_change is None:
                raise Http404
            return obj.pending_change, _("pending change")
        if not token.isdigit():
            raise ValueError(token)
        version = get_object_or_404(versions_for(obj), pk=int(token))
        label = _("version of %(date)s by %(user)s") % {
            "date": version.revision.date_created.strftime("%Y-%m-%d %H:%M"),
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

    def revision_view(self, request, object_id, version_id, extra_context=None):
        """Restore a version: at once for an unpublished entry, through review for a live one."""
        obj = self._entry(request, object_id)
        version = get_object_or_404(versions_for(obj), pk=version_id)
        snapshot = drafts.snapshot_from_version(version)
        if request.method == "POST":
            if not self.has_change_permission(request, obj):
                raise PermissionDenied
            comment = request.POST.get("comment", "").strip() or _(
                "Restored the version of %(date)s"
            ) % {"date": version.revision.date_created.strftime("%Y-%m-%d %H:%M")}
            workflow.restore(obj, snapshot, by=request.user, comment=comment)
            if obj.is_live:
                messages.info(
                    request,
                    _(
                        "The earlier version is now a pending change: it goes live once a "
                        "reviewer approves it."
                    ),
                )
            else:
                messages.success(request, _("The earlier version was restored."))
            return HttpResponseRedirect(self._url("change", obj.pk))
        context = {
            **self.admin_site.each_context(request),
            "title": _("Restore an earlier version: %(entry)s") % {"entry": obj},
            "opts": self.opts,
            "object": obj,
            "version": version,
            "changes": snapshot_diff(self.model, drafts.snapshot_of(obj), snapshot),
            "history_url": self._url("history", obj.pk),
            "goes_to_review": obj.is_live,
        }
        return TemplateResponse(request, "admin/review_restore.html", context)
