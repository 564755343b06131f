from django.conf import settings
from django.contrib import admin, messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from reversion.models import Revision

from events import drafts, review_sets, workflow
from events.history import snapshot_diff
from events.models import Claim, Event, Status, Transition
from events.review_admin import admin_url, log_refused_step, read_for_review
from events.versioning import REVIEWED_MODELS
from security import views as security_views
from security.forms import AdminLoginForm
from sources.models import Citation

from .forms import AuditFilterForm

QUEUE_SIZE = 50
# Entries of each kind the editor's desk lists per state: the latest edited first.
DESK_SIZE = 25
# What the desk lists, in this order: (state, title, recently published only).
DESK_SECTIONS = [
    (Status.CHANGES_REQUESTED, _("Changes requested"), False),
    (Status.DRAFT, _("Drafts"), False),
    (Status.IN_REVIEW, _("In review"), False),
    (Status.APPROVED, _("Recently published"), True),
]


class KidalAdminSite(admin.AdminSite):
    site_header = _("kidal editorial desk")
    site_title = _("kidal")
    index_title = _("Editorial record of the Kidal offensive")
    # Password, then the code of the person's second factor (security/forms.py).
    login_form = AdminLoginForm

    def get_urls(self):
        return [
            path(
                "second-factor/",
                self.admin_view(security_views.second_factor),
                name="second_factor",
            ),
            path(
                "second-factor/qr.svg",
                self.admin_view(security_views.second_factor_qr),
                name="second_factor_qr",
            ),
            path("review-queue/", self.admin_view(self.review_queue_view), name="review_queue"),
            path(
                "review-queue/event/<int:event_id>/",
                self.admin_view(self.approve_set_view),
                name="review_set",
            ),
            path("desk/", self.admin_view(self.desk_view), name="desk"),
            path("audit/", self.admin_view(self.audit_view), name="audit"),
            *super().get_urls(),
        ]

    def review_queue_view(self, request):
        """Entries awaiting review that this person may approve (the four-eyes rule), oldest
        first: the first QUEUE_SIZE of each kind, with a link to all of them."""
        sections, shown = [], {}
        for model in REVIEWED_MODELS:
            opts = model._meta
            if not request.user.has_perm(f"{opts.app_label}.approve_{opts.model_name}"):
                continue
            model_admin = self._registry[model]
            related = model_admin.list_select_related
            waiting = workflow.approvable_by(
                model._default_manager.filter(status=Status.IN_REVIEW), request.user
            )
            entries = (
                waiting.select_related("last_edited_by", *(related or ()))
                .defer("pending_change")
                .order_by("last_edited_at", "pk")[:QUEUE_SIZE]
            )
            shown[model] = entries = list(entries)
            changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
            sections.append(
                {
                    "name": opts.verbose_name_plural,
                    "total": waiting.count(),
                    "all_url": f"{changelist}?review={Status.IN_REVIEW}",
                    "rows": [
                        {
                            "entry": entry,
                            "url": reverse(
                                f"admin:{opts.app_label}_{opts.model_name}_change",
                                args=[entry.pk],
                            ),
                        }
                        for entry in entries
                    ],
                }
            )
        groups = review_sets.queue_groups(
            shown.get(Event, []), shown.get(Claim, []), shown.get(Citation, []), QUEUE_SIZE
        )
        context = {
            **self.each_context(request),
            "title": _("Review queue"),
            "groups": groups,
            "sections": sections,
            "self_approval": settings.KIDAL_ALLOW_SELF_APPROVAL,
        }
        return TemplateResponse(request, "admin/review_queue.html", context)

    def approve_set_view(self, request, event_id):
        """An event with its claims, their citations and the reference records they name, in
        review: read them on one page, then approve them in one decision. Each entry is
        approved on its own through the workflow, only if its content is still what the page
        showed and the four-eyes rule lets this reviewer approve it."""
        if not any(
            request.user.has_perm(f"{model._meta.app_label}.approve_{model._meta.model_name}")
            for model in REVIEWED_MODELS
        ):
            raise PermissionDenied
        event = get_object_or_404(Event, pk=event_id)
        entries = review_sets.review_set(event)
        if request.method == "POST":
            done, refused = [], []
            for entry in entries:
                seen = request.POST.get(f"seen-{entry._meta.label_lower}-{entry.pk}")
                if not seen:
                    continue
                try:
                    done.append(workflow.approve(entry, by=request.user, seen=seen))
                except workflow.TransitionError as error:
                    log_refused_step(request, workflow.APPROVE.name, error, entry)
                    refused.append(str(error))
            if done:
                messages.success(
                    request,
                    ngettext(
                        "Approved %(count)d entry of “%(event)s”.",
                        "Approved %(count)d entries of “%(event)s”.",
                        len(done),
                    )
                    % {"count": len(done), "event": event},
                )
            for reason in refused:
                messages.warning(request, reason)
            return HttpResponseRedirect(reverse("admin:review_queue"))
        rows = []
        for entry in entries:
            read_for_review(entry)
            old = entry.live_snapshot if entry.is_live else drafts.empty_snapshot(entry)
            rows.append(
                {
                    "entry": entry,
                    "kind": entry._meta.verbose_name,
                    "key": f"{entry._meta.label_lower}-{entry.pk}",
                    "url": admin_url(entry),
                    "refusal": workflow.refusal(workflow.APPROVE, entry, request.user),
                    "changes": snapshot_diff(
                        type(entry), old, entry.pending_change or entry.live_snapshot
                    ),
                }
            )
        context = {
            **self.each_context(request),
            "title": _("Approve “%(event)s” with its claims and citations") % {"event": event},
            "event": event,
            "rows": rows,
            "approvable": [row for row in rows if row["refusal"] is None],
        }
        return TemplateResponse(request, "admin/review_set.html", context)

    def desk_view(self, request):
        """The person's own work across every kind of entry: what reviewers sent back (with
        their comment), drafts, what waits for review and what was recently published. Each
        kind lists the DESK_SIZE entries edited last in each state."""
        by_state = {state: [] for state, _title, _recent in DESK_SECTIONS}
        for model in REVIEWED_MODELS:
            opts = model._meta
            if not request.user.has_perm(f"{opts.app_label}.view_{opts.model_name}"):
                continue
            # What each entry's name reads (a claim's claimant, a citation's source).
            related = self._registry[model].list_select_related or ()
            mine = (
                model._default_manager.filter(last_edited_by=request.user)
                .select_related(*related)
                .defer("pending_change")
            )
            for state, _title, recent in DESK_SECTIONS:
                entries = mine.filter(status=state).order_by(
                    "-last_reviewed_at" if recent else "-last_edited_at", "-pk"
                )
                by_state[state] += [
                    {"entry": entry, "kind": opts.verbose_name, "url": self._change_url(entry)}
                    for entry in entries[:DESK_SIZE]
                ]
        self._note_review_comments(by_state[Status.CHANGES_REQUESTED])
        sections = [
            {"state": state, "title": title, "rows": self._latest_first(by_state[state], recent)}
            for state, title, recent in DESK_SECTIONS
        ]
        context = {
            **self.each_context(request),
            "title": _("My work"),
            "sections": sections,
        }
        return TemplateResponse(request, "admin/desk.html", context)

    @staticmethod
    def _change_url(entry):
        opts = entry._meta
        return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[entry.pk])

    @staticmethod
    def _latest_first(rows, recent):
        field = "last_reviewed_at" if recent else "last_edited_at"
        return sorted(
            rows, key=lambda row: getattr(row["entry"], field) or row["entry"].created_at
        )[::-1]

    @staticmethod
    def _note_review_comments(rows):
        """Give each returned entry the reviewer's comment that returned it (one query)."""
        if not rows:
            return
        keys = Q()
        for row in rows:
            keys |= Q(
                content_type=ContentType.objects.get_for_model(row["entry"]),
                object_id=str(row["entry"].pk),
            )
        latest = {}
        for step in (
            Transition.objects.filter(keys, action=Transition.Action.REQUEST_CHANGES)
            .select_related("user")
            .order_by("pk")
        ):
            latest[(step.content_type_id, step.object_id)] = step
        for row in rows:
            content_type = ContentType.objects.get_for_model(row["entry"])
            row["request"] = latest.get((content_type.pk, str(row["entry"].pk)))

    def link_entries(self, items):
        """Give each log item (a step or a version: ``content_type`` and ``object_id``) the
        admin address of the entry it concerns, when that entry still exists; one query per
        kind of entry."""
        wanted = {}
        for item in items:
            wanted.setdefault(item.content_type, set()).add(item.object_id)
        existing = {}
        for content_type, ids in wanted.items():
            model = content_type.model_class()
            if model is None or model not in self._registry:
                continue
            found = model._default_manager.filter(pk__in=ids).values_list("pk", flat=True)
            existing[content_type] = {str(pk) for pk in found}
        for item in items:
            item.admin_url = None
            if str(item.object_id) in existing.get(item.content_type, ()):
                opts = item.content_type.model_class()._meta
                item.admin_url = reverse(
                    f"admin:{opts.app_label}_{opts.model_name}_change", args=[item.object_id]
                )

    def audit_view(self, request):
        """Recent versions and review steps across the site, for staff who can read the log."""
        if not request.user.has_perm("events.view_transition"):
            raise PermissionDenied
        form = AuditFilterForm(request.GET or None)
        filters = form.cleaned_data if form.is_valid() else {}
        kind = filters.get("kind") or "revisions"
        if kind == "transitions":
            entries = Transition.objects.select_related("user", "content_type")
            date_field, user_field = "created_at", "user"
            if filters.get("model"):
                entries = entries.filter(content_type=filters["model"])
        else:
            entries = Revision.objects.select_related("user").prefetch_related(
                "version_set__content_type"
            )
            date_field, user_field = "date_created", "user"
            if filters.get("model"):
                entries = entries.filter(version__content_type=filters["model"]).distinct()
        if filters.get("user"):
            entries = entries.filter(**{user_field: filters["user"]})
        if filters.get("date_from"):
            entries = entries.filter(**{f"{date_field}__date__gte": filters["date_from"]})
        if filters.get("date_to"):
            entries = entries.filter(**{f"{date_field}__date__lte": filters["date_to"]})
        page = Paginator(entries.order_by(f"-{date_field}", "-pk"), 50).get_page(
            request.GET.get("page")
        )
        if kind == "transitions":
            self.link_entries(page.object_list)
        else:
            self.link_entries([v for revision in page for v in revision.version_set.all()])
        query = request.GET.copy()
        query.pop("page", None)
        context = {
            **self.each_context(request),
            "title": _("Audit log"),
            "form": form,
            "kind": kind,
            "page": page,
            "query": query.urlencode(),
        }
        return TemplateResponse(request, "admin/audit.html", context)
