"""Admin support shared by the reviewed models: workflow buttons, draft over live,
edit conflicts, status badges and bulk actions. Every change goes through events/workflow.py."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import prefetch_related_objects
from django.http import HttpResponseBadRequest, HttpResponseNotAllowed, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from reversion.admin import VersionAdmin

from security.models import SecurityEvent

from . import drafts, workflow
from .forms import ReviewDecisionForm
from .history import snapshot_diff
from .history_admin import ReviewableHistoryMixin, transitions_for
from .models import Status


def log_refused_step(request, action_name, reason, entry=None):
    """Write a review step the workflow refused to the security log."""
    about = f" {entry._meta.label_lower} {entry.pk}" if entry is not None else ""
    SecurityEvent.objects.record(
        SecurityEvent.Kind.STEP_REFUSED,
        request,
        user=request.user,
        detail=f"{action_name}{about}: {reason}",
    )


def read_for_review(obj):
    """Note on ``obj`` (as just read) its published content and content token, before a pending
    change is laid over it: the page then shows and carries one consistent reading."""
    obj.live_snapshot = drafts.snapshot_of(obj)
    obj.content_token = drafts.content_token(obj, obj.live_snapshot)
    return obj


class ReviewableForm(forms.ModelForm):
    edit_token = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.conflict_step = None
        if self.instance.pk:
            if not hasattr(self.instance, "content_token"):
                read_for_review(self.instance)
            self.fields["edit_token"].initial = self.instance.content_token

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk:
            # The admin saves inside one transaction: the lock taken here holds until the
            # save is done, so nobody's save can land between this check and ours.
            current = (
                type(self.instance)._default_manager.select_for_update().get(pk=self.instance.pk)
            )
            seen = self.data.get(self.add_prefix("edit_token"), "")
            if seen != drafts.content_token(current):
                self.conflict_step = workflow.seen_step(current, seen)
                editor = current.last_edited_by or _("someone else")
                raise ValidationError(
                    _(
                        "%(editor)s changed this entry after you opened it. Your changes were "
                        "not saved: compare the two versions, then redo your edit on the "
                        "current one."
                    ),
                    params={"editor": editor},
                    code="edit_conflict",
                )
        return cleaned


def admin_url(entry):
    """The admin page of any reviewed entry or reference record."""
    opts = entry._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[entry.pk])


class PublicationChangeList(ChangeList):
    """The publication column names what keeps each non-public row off the site: the related
    rows it reads are fetched for those rows of the page only, in a constant number of
    queries (public rows answer from their stored state)."""

    def get_results(self, request):
        super().get_results(request)
        prefetch_related_objects(
            [entry for entry in self.result_list if not entry.is_public],
            *getattr(self.model, "OBSTACLE_PREFETCH", ()),
        )


def linked_obstacles(entry):
    """``entry.publication_obstacles()`` with the admin page of the entry each one names."""
    return [
        {"text": obstacle.text, "url": admin_url(obstacle.entry)}
        for obstacle in entry.publication_obstacles()
    ]


class PublicFilter(admin.SimpleListFilter):
    """Whether readers see the entry now (its stored ``is_public``)."""

    title = _("publication")
    parameter_name = "public"

    def lookups(self, request, model_admin):
        return [("yes", _("Public")), ("no", _("Not public"))]

    def queryset(self, request, queryset):
        if self.value() in ("yes", "no"):
            return queryset.filter(is_public=self.value() == "yes")
        return queryset


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
    list_per_page = 50
    save_on_top = True
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    change_form_template = "admin/review_change_form.html"
    # The form's own link (review_change_form.html) says whether it shows the live entry or a
    # preview; Django's "View on site" beside it would repeat it.
    view_on_site = False
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

    @admin.display(description=_("publication"), ordering="is_public")
    def publication(self, obj):
        """Public now, or the first thing that stands in the way (the change form lists all)."""
        if obj.is_public:
            return format_html('<span class="public-yes">{}</span>', _("Public"))
        obstacles = linked_obstacles(obj)
        if not obstacles:
            return _("Not public")
        first, more = obstacles[0], len(obstacles) - 1
        return format_html(
            '<span class="public-no">{}</span> <a href="{}">{}</a>{}',
            _("Not public:"),
            first["url"],
            first["text"],
            ngettext(" (and %(count)d more)", " (and %(count)d more)", more) % {"count": more}
            if more
            else "",
        )

    def get_changelist(self, request, **kwargs):
        return PublicationChangeList

    @admin.display(description=_("status"), ordering="status")
    def status_badge(self, obj):
        label = obj.get_status_display()
        if obj.is_live and obj.status != Status.APPROVED:
            label = _("Published · %(status)s") % {"status": label}
        # Colours per state are in static/kidal/admin.css: no inline style under the CSP.
        return format_html('<span class="status-badge status-{}">{}</span>', obj.status, label)

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

    # Deleting: only what is not published; content that was ever published is withdrawn.

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_live:
            return False
        # A superuser may delete withdrawn content; it stays recoverable.
        if obj is not None and obj.first_published_at and not request.user.is_superuser:
            return False
        return super().has_delete_permission(request, obj)

    def delete_model(self, request, obj):
        workflow.delete(obj, by=request.user)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            workflow.delete(obj, by=request.user)

    # Saving: every save goes through the workflow, under the row lock the form took.

    def save_model(self, request, obj, form, change):
        """Nothing is written here: ``save_related`` writes the entry with its inline rows."""

    def save_related(self, request, form, formsets, change):
        obj = form.instance
        if not change:

            def save_all():
                admin.ModelAdmin.save_model(self, request, obj, form, change)
                super(ReviewableAdmin, self).save_related(request, form, formsets, change)

            workflow.create(obj, by=request.user, save=save_all)
            return
        current = type(obj)._default_manager.select_for_update().get(pk=obj.pk)
        previous = current.pending_change if current.is_live else None
        workflow.edit(
            obj,
            drafts.snapshot_from_admin_form(form, formsets, previous),
            by=request.user,
            seen=form.cleaned_data.get("edit_token", ""),
        )
        for formset in formsets:
            # The workflow wrote the rows; the admin's change message reads these lists.
            formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        if obj.is_live:
            messages.info(
                request,
                _(
                    "Your edit is saved as a pending change: the public keeps seeing the approved "
                    "version until a reviewer approves it."
                ),
            )

    # The change form: pending change, transition buttons and log.

    def get_object(self, request, object_id, from_field=None):
        # A change page asks twice (its review panel, then Django's form view): one reading
        # serves both, so the panel and the form show and carry the same content.
        read = getattr(request, "_entries_read", {})
        key = (self.model, object_id, from_field)
        if request.method == "GET" and key in read:
            return read[key]
        obj = super().get_object(request, object_id, from_field)
        # Editors continue from the pending change, not from the published version.
        editing = request.resolver_match and request.resolver_match.url_name.endswith("_change")
        if obj is not None and editing:
            read_for_review(obj)
            if obj.pending_change is not None:
                drafts.apply_fields(obj, obj.pending_change)
        if request.method == "GET":
            request._entries_read = {**read, key: obj}
        return obj

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        if obj is not None:
            extra_context = {**(extra_context or {}), **self.review_context(request, obj)}
        try:
            return super().change_view(request, object_id, form_url, extra_context)
        except workflow.TransitionError as error:
            # Raised inside the admin's transaction, which is rolled back: nothing was saved.
            self.message_user(request, str(error), messages.ERROR)
            return HttpResponseRedirect(self._url("change", object_id))

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        # "Save and submit for review" beside Save, in the rows at the top and the bottom.
        context["show_save_and_submit"] = (
            self.has_add_permission(request) if add else self.has_change_permission(request, obj)
        )
        form = context["adminform"].form
        if any(error.code == "edit_conflict" for error in form.non_field_errors().as_data()):
            context["conflict_compare_url"] = self._compare_since_url(
                obj, form.conflict_step, "current"
            )
        return super().render_change_form(request, context, add, change, form_url, obj)

    def response_add(self, request, obj, post_url_continue=None):
        if "_submit" in request.POST:
            return self._submit_after_save(request, obj)
        return super().response_add(request, obj, post_url_continue)

    def response_change(self, request, obj):
        if "_submit" in request.POST:
            return self._submit_after_save(request, obj)
        return super().response_change(request, obj)

    def _submit_after_save(self, request, obj):
        """Submit what was just saved; a claim citing draft citations first asks whether to
        submit them with it. A refused submission leaves the save in place."""
        entry = type(obj)._default_manager.get(pk=obj.pk)
        if self.submitted_with(entry):
            query = urlencode({"action": workflow.SUBMIT.name})
            return HttpResponseRedirect(f"{self._url('confirm', entry.pk)}?{query}")
        try:
            with transaction.atomic():
                workflow.submit(entry, by=request.user)
        except workflow.TransitionError as error:
            self.message_user(request, str(error), messages.WARNING)
        else:
            self.message_user(
                request,
                _("“%(entry)s” is saved and submitted for review.") % {"entry": entry},
                messages.SUCCESS,
            )
        return HttpResponseRedirect(self._url("change", entry.pk))

    def _compare_since_url(self, obj, step, to):
        """Where to compare the content of ``step`` with the current one; without a logged
        step (content older than the log), the history page lists every version."""
        if obj is None:
            return None
        if step is None:
            return self._url("history", obj.pk)
        return self._url("compare", obj.pk) + "?" + urlencode({"from": f"step-{step.pk}", "to": to})

    def review_context(self, request, obj):
        pending_diff = None
        if obj.pending_change is not None:
            pending_diff = snapshot_diff(type(obj), obj.live_snapshot, obj.pending_change)
        changed_since = None
        since = request.GET.get("since", "")
        if since and since != obj.content_token:
            step = workflow.seen_step(obj, since)
            current = obj.pending_change or obj.live_snapshot
            changed_since = {
                "changes": snapshot_diff(type(obj), step.snapshot, current) if step else None,
                "compare_url": self._compare_since_url(obj, step, "current"),
            }
        actions = workflow.available_actions(obj, request.user)
        return {
            "related_list": self.related_list(obj),
            "publication_obstacles": [] if obj.is_public else linked_obstacles(obj),
            "review_actions": actions,
            "decisions": [action for action in actions if action.name not in self.CONFIRMED_STEPS],
            "risky_decisions": [
                action for action in actions if action.name in self.CONFIRMED_STEPS
            ],
            # Why this reviewer cannot approve an entry in review: information, not an error.
            "review_refusal": workflow.refusal(workflow.APPROVE, obj, request.user)
            if obj.status == Status.IN_REVIEW
            and workflow.has_permission(request.user, obj, "approve")
            else None,
            "review_token": obj.content_token,
            "transitions": transitions_for(obj),
            "pending_diff": pending_diff,
            "changed_since": changed_since,
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
            path(
                "<path:object_id>/transition/confirm/",
                self.admin_site.admin_view(self.confirm_view),
                name="{}_{}_confirm".format(*info),
            ),
            *super().get_urls(),
        ]

    def transition_view(self, request, object_id):
        """Take a review step from the change form. Withdrawing and discarding, and submitting
        a claim that cites draft citations, first show a confirmation page: nothing changes
        until it is confirmed."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        obj = self._entry(request, object_id)
        change_url = self._url("change", obj.pk)
        form = ReviewDecisionForm(request.POST)
        if not form.is_valid():
            for field, errors in form.errors.items():
                label = form.fields[field].label if field in form.fields else ""
                for error in errors:
                    message = f"{label}: {error}" if label else error
                    self.message_user(request, message, messages.ERROR)
            return HttpResponseRedirect(change_url)
        decision = form.cleaned_data
        name, comment, seen = decision["action"], decision["comment"].strip(), decision["seen"]
        if not decision["confirmed"] and self._needs_confirmation(obj, name):
            return self._confirmation(request, obj, name, comment, seen)
        try:
            if name == "discard":
                transition = workflow.discard_pending_change(
                    obj, by=request.user, comment=comment, seen=seen
                )
            elif name == workflow.APPROVE.name:
                transition = workflow.approve(
                    obj,
                    by=request.user,
                    comment=comment,
                    correction_note=decision["correction_note"],
                    seen=seen,
                )
            else:
                transition = getattr(workflow, name)(
                    obj, by=request.user, comment=comment, seen=seen
                )
        except workflow.TransitionError as error:
            log_refused_step(request, name, error, obj)
            self.message_user(request, str(error), messages.ERROR)
            if isinstance(error, workflow.StaleContent):
                return HttpResponseRedirect(f"{change_url}?{urlencode({'since': seen})}")
        else:
            obj.refresh_from_db()
            self.message_user(
                request,
                _("“%(entry)s” is now %(status)s.")
                % {"entry": obj, "status": obj.get_status_display().lower()},
                messages.SUCCESS,
            )
            done = [transition]
            if name == workflow.SUBMIT.name:
                done += self._submit_with(request, obj, request.POST.getlist("with"))
            self._report_notifications(request, done)
        return HttpResponseRedirect(change_url)

    # Steps that take content off the site or drop an edit are confirmed on a page of their own.
    CONFIRMED_STEPS = {workflow.WITHDRAW.name, "discard"}

    def _needs_confirmation(self, obj, name):
        return name in self.CONFIRMED_STEPS or (
            name == workflow.SUBMIT.name and bool(self.submitted_with(obj))
        )

    def confirm_view(self, request, object_id):
        """The confirmation page of a step, opened by a link (after "Save and submit")."""
        obj = self._entry(request, object_id)
        name = request.GET.get("action", "")
        if name not in workflow.ACTIONS and name != "discard":
            return HttpResponseBadRequest(_("Choose a review step."))
        if not self._needs_confirmation(obj, name):
            return HttpResponseRedirect(self._url("change", obj.pk))
        return self._confirmation(request, obj, name, "", read_for_review(obj).content_token)

    def _refusal(self, request, obj, name):
        """Why the person may not take step ``name`` (any comment aside), or None."""
        if name == "discard":
            if obj.pending_change is None:
                return _("There is no pending change to discard.")
            if not self.has_change_permission(request, obj):
                return _("You do not have permission to change this entry.")
            return None
        action = workflow.ACTIONS[name]
        return workflow.refusal(action, obj, request.user, comment="-")

    def related_list(self, obj):
        """Entries that belong to ``obj``, listed with their state on its change form (an
        event's claims, a claim's citations): {"title", "rows", "add_url"}, or None."""
        return None

    def submitted_with(self, obj):
        """Entries that can go to review in the same step as ``obj``: a claim's citations
        that are drafts (or were returned or withdrawn). Only claims have such entries."""
        return []

    def _submit_with(self, request, obj, chosen):
        """Submit the entries ``submitted_with(obj)`` that the person ticked."""
        done = []
        for entry in self.submitted_with(obj):
            if str(entry.pk) not in chosen:
                continue
            try:
                done.append(workflow.submit(entry, by=request.user))
            except workflow.TransitionError as error:
                log_refused_step(request, workflow.SUBMIT.name, error, entry)
                self.message_user(request, str(error), messages.WARNING)
            else:
                self.message_user(
                    request,
                    _("“%(entry)s” is now %(status)s.")
                    % {"entry": entry, "status": Status.IN_REVIEW.label.lower()},
                    messages.SUCCESS,
                )
        return done

    def _confirmation(self, request, obj, name, comment, seen):
        refused = self._refusal(request, obj, name)
        if refused:
            log_refused_step(request, name, refused, obj)
            self.message_user(request, refused, messages.ERROR)
            return HttpResponseRedirect(self._url("change", obj.pk))
        read_for_review(obj)
        pending_diff = None
        if name == "discard":
            pending_diff = snapshot_diff(type(obj), obj.live_snapshot, obj.pending_change)
        label = _("Discard pending change") if name == "discard" else workflow.ACTIONS[name].label
        context = {
            **self.admin_site.each_context(request),
            "title": _("%(step)s: %(entry)s") % {"step": label, "entry": obj},
            "opts": self.opts,
            "original": obj,
            "step": name,
            "step_label": label,
            "risky": name in self.CONFIRMED_STEPS,
            "needs_comment": name == workflow.WITHDRAW.name,
            "comment": comment,
            "seen": seen,
            "pending_diff": pending_diff,
            "submitted_with": self.submitted_with(obj) if name == workflow.SUBMIT.name else [],
            "change_url": self._url("change", obj.pk),
            "transition_url": self._url("transition", obj.pk),
        }
        return TemplateResponse(request, "admin/review_confirm.html", context)

    def _report_notifications(self, request, transitions):
        failed = sum(transition.notification_failed for transition in transitions)
        if failed:
            self.message_user(
                request,
                ngettext(
                    "The notification e-mail could not be sent (the step itself is recorded). "
                    "The server log has the details.",
                    "%(count)d notification e-mails could not be sent (the steps themselves "
                    "are recorded). The server log has the details.",
                    failed,
                )
                % {"count": failed},
                messages.WARNING,
            )

    # Bulk actions run each entry through the same checks as the buttons.

    def _report(self, request, action, done, refused):
        """``done`` holds the transitions of the steps taken, ``refused`` the reasons."""
        if done:
            self.message_user(
                request,
                _("%(action)s: %(count)d entries.") % {"action": action.label, "count": len(done)},
                messages.SUCCESS,
            )
            self._report_notifications(request, done)
        for reason in refused:
            log_refused_step(request, action.name, reason)
            self.message_user(request, reason, messages.WARNING)

    @admin.action(description=_("Submit selected entries for review"), permissions=["change"])
    def submit_selected(self, request, queryset):
        done, refused = [], []
        for obj in queryset:
            try:
                done.append(workflow.submit(obj, by=request.user))
            except workflow.TransitionError as error:
                refused.append(str(error))
        self._report(request, workflow.SUBMIT, done, refused)

    @admin.action(description=_("Approve selected entries"), permissions=["approve"])
    def approve_selected(self, request, queryset):
        """Show what each selected entry would publish; approve on confirmation, each one only
        if its content is still what the page showed."""
        entries = list(queryset)
        if request.POST.get("confirm") != "yes":
            rows = []
            for obj in entries:
                read_for_review(obj)
                reason = workflow.refusal(workflow.APPROVE, obj, request.user)
                old = obj.live_snapshot if obj.is_live else drafts.empty_snapshot(obj)
                rows.append(
                    {
                        "entry": obj,
                        "refusal": reason,
                        "changes": snapshot_diff(
                            type(obj), old, obj.pending_change or obj.live_snapshot
                        ),
                    }
                )
            context = {
                **self.admin_site.each_context(request),
                "title": _("Approve selected entries"),
                "opts": self.opts,
                "rows": rows,
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
                "approvable": [row for row in rows if row["refusal"] is None],
            }
            return TemplateResponse(request, "admin/review_bulk_approve.html", context)
        done, refused = [], []
        for obj in entries:
            seen = request.POST.get(f"seen-{obj.pk}")
            if not seen:
                refused.append(
                    workflow.refusal(workflow.APPROVE, obj, request.user)
                    or _("“%(entry)s” was not shown for approval: nothing was done.")
                    % {"entry": obj}
                )
                continue
            try:
                done.append(workflow.approve(obj, by=request.user, seen=seen))
            except workflow.TransitionError as error:
                refused.append(str(error))
        self._report(request, workflow.APPROVE, done, refused)
        return None

    def has_approve_permission(self, request):
        return request.user.has_perm(f"{self.opts.app_label}.approve_{self.opts.model_name}")
