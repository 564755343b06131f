"""Admin support shared by the reviewed models: workflow buttons, draft over live,
edit conflicts, status badges and bulk actions."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import ValidationError
from django.db import models
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.urls import path
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from reversion.admin import VersionAdmin

from . import drafts, workflow
from .history import snapshot_diff
from .history_admin import ReviewableHistoryMixin, transitions_for
from .models import Status

STATUS_COLOURS = {
    Status.DRAFT: "#595959",
    Status.IN_REVIEW: "#8a5300",
    Status.CHANGES_REQUESTED: "#a4262c",
    Status.APPROVED: "#146c2e",
    Status.WITHDRAWN: "#333",
}


def edit_token(obj):
    """What an editor saw when opening the form; a different value on save means a conflict."""
    return obj.updated_at.isoformat() if obj.pk and obj.updated_at else ""


class ReviewableForm(forms.ModelForm):
    edit_token = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["edit_token"].initial = edit_token(self.instance)

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk:
            current = type(self.instance)._default_manager.get(pk=self.instance.pk)
            if self.data.get(self.add_prefix("edit_token"), "") != edit_token(current):
                editor = current.last_edited_by or _("someone else")
                raise ValidationError(
                    _(
                        "%(editor)s changed this entry after you opened it. Your changes were "
                        "not saved: open the entry again to see the current version, then "
                        "redo your edit."
                    ),
                    params={"editor": editor},
                    code="edit_conflict",
                )
        return cleaned


class StatusFilter(admin.SimpleListFilter):
    title = _("review status")
    parameter_name = "review"

    def lookups(self, request, model_admin):
        return [
            *Status.choices,
            ("pending", _("Published, with a pending change")),
            ("live", _("Published")),
        ]

    def queryset(self, request, queryset):
        value = self.value()
        if value == "pending":
            return queryset.filter(is_live=True, pending_change__isnull=False)
        if value == "live":
            return queryset.filter(is_live=True)
        if value in Status.values:
            return queryset.filter(status=value)
        return queryset


class ReviewableAdmin(ReviewableHistoryMixin, VersionAdmin):
    form = ReviewableForm
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    change_form_template = "admin/review_change_form.html"
    review_fields = (
        "status_badge",
        "is_live",
        "last_edited_by",
        "last_edited_at",
        "first_published_at",
        "last_reviewed_by",
        "last_reviewed_at",
        "correction_note",
    )
    actions = ["submit_selected", "approve_selected"]

    # Change lists

    @admin.display(description=_("status"), ordering="status")
    def status_badge(self, obj):
        label = obj.get_status_display()
        if obj.is_live and obj.status != Status.APPROVED:
            label = _("Published · %(status)s") % {"status": label}
        return format_html(
            '<span class="status-badge" style="background:{};color:#fff;padding:2px 6px;'
            'border-radius:3px;white-space:nowrap">{}</span>',
            STATUS_COLOURS[obj.status],
            label,
        )

    def get_readonly_fields(self, request, obj=None):
        return (*super().get_readonly_fields(request, obj), *self.review_fields)

    def get_fieldsets(self, request, obj=None):
        # The edit token must be in a fieldset, or the admin would not render it.
        return [
            *super().get_fieldsets(request, obj),
            (_("Review"), {"fields": self.review_fields}),
            (None, {"fields": ["edit_token"], "classes": ["hidden"]}),
        ]

    def changelist_view(self, request, extra_context=None):
        # Skip VersionAdmin's request-wide revision: each bulk transition records its own.
        context = {"has_change_permission": self.has_change_permission(request)}
        return admin.ModelAdmin.changelist_view(self, request, {**context, **(extra_context or {})})

    def has_delete_permission(self, request, obj=None):
        # Content that was ever published is withdrawn, not deleted; a superuser's delete
        # stays recoverable.
        if obj is not None and obj.first_published_at and not request.user.is_superuser:
            return False
        return super().has_delete_permission(request, obj)

    # Saving: content that is not live is saved; live content gets a pending change.

    def save_model(self, request, obj, form, change):
        if change and obj.is_live:
            return
        workflow.save_edit(
            obj,
            by=request.user,
            save=lambda: super(ReviewableAdmin, self).save_model(request, obj, form, change),
        )

    def save_related(self, request, form, formsets, change):
        obj = form.instance
        if change and obj.is_live:
            previous = type(obj)._default_manager.get(pk=obj.pk).pending_change
            workflow.save_pending_change(
                obj, drafts.snapshot_from_admin_form(form, formsets, previous), by=request.user
            )
            for formset in formsets:
                # Nothing was saved; the admin's change message reads these lists.
                formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
            messages.info(
                request,
                _(
                    "Your edit is saved as a pending change: the public keeps seeing the approved "
                    "version until a reviewer approves it."
                ),
            )
            return
        super().save_related(request, form, formsets, change)

    # The change form: pending change, transition buttons and log.

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        # Editors continue from the pending change, not from the published version.
        editing = request.resolver_match and request.resolver_match.url_name.endswith("_change")
        if obj is not None and obj.pending_change is not None and editing:
            drafts.apply_fields(obj, obj.pending_change)
        return obj

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        if obj is not None:
            extra_context = {**(extra_context or {}), **self.review_context(request, obj)}
        return super().change_view(request, object_id, form_url, extra_context)

    def review_context(self, request, obj):
        pending_diff = None
        if obj.pending_change is not None:
            published = type(obj)._default_manager.get(pk=obj.pk)
            pending_diff = snapshot_diff(
                type(obj), drafts.snapshot_of(published), obj.pending_change
            )
        return {
            "review_actions": workflow.available_actions(obj, request.user),
            "review_refusal": workflow.refusal(workflow.APPROVE, obj, request.user)
            if obj.status == Status.IN_REVIEW
            else None,
            "transitions": transitions_for(obj),
            "pending_diff": pending_diff,
            "transition_url": self._url("transition", obj.pk),
        }

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "<path:object_id>/transition/",
                self.admin_site.admin_view(self.transition_view),
                name="{}_{}_transition".format(*info),
            ),
            *super().get_urls(),
        ]

    def transition_view(self, request, object_id):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        obj = self._entry(request, object_id)
        name = request.POST.get("action", "")
        comment = request.POST.get("comment", "").strip()
        try:
            if name == "discard":
                workflow.discard_pending_change(obj, by=request.user, comment=comment)
            elif name == workflow.APPROVE.name:
                workflow.approve(
                    obj,
                    by=request.user,
                    comment=comment,
                    correction_note=request.POST.get("correction_note", ""),
                )
            elif name in workflow.ACTIONS:
                getattr(workflow, name)(obj, by=request.user, comment=comment)
            else:
                raise workflow.TransitionError(_("Unknown action."))
        except workflow.TransitionError as error:
            self.message_user(request, str(error), messages.ERROR)
        else:
            obj.refresh_from_db()
            self.message_user(
                request,
                _("“%(entry)s” is now %(status)s.")
                % {"entry": obj, "status": obj.get_status_display().lower()},
                messages.SUCCESS,
            )
        return HttpResponseRedirect(self._url("change", obj.pk))

    # Bulk actions run each entry through the same checks as the buttons.

    def _bulk(self, request, queryset, action):
        done, refused = 0, []
        for obj in queryset:
            try:
                getattr(workflow, action.name)(obj, by=request.user)
                done += 1
            except workflow.TransitionError as error:
                refused.append(str(error))
        if done:
            self.message_user(
                request,
                _("%(action)s: %(count)d entries.") % {"action": action.label, "count": done},
                messages.SUCCESS,
            )
        for reason in refused:
            self.message_user(request, reason, messages.WARNING)

    @admin.action(description=_("Submit selected entries for review"), permissions=["change"])
    def submit_selected(self, request, queryset):
        self._bulk(request, queryset, workflow.SUBMIT)

    @admin.action(description=_("Approve selected entries"), permissions=["approve"])
    def approve_selected(self, request, queryset):
        self._bulk(request, queryset, workflow.APPROVE)

    def has_approve_permission(self, request):
        return request.user.has_perm(f"{self.opts.app_label}.approve_{self.opts.model_name}")
