from django.conf import settings
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from reversion.models import Revision

from events import workflow
from events.models import Status, Transition
from events.versioning import REVIEWED_MODELS
from security import views as security_views
from security.forms import AdminLoginForm

from .forms import AuditFilterForm

QUEUE_SIZE = 50


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
            path("audit/", self.admin_view(self.audit_view), name="audit"),
            *super().get_urls(),
        ]

    def review_queue_view(self, request):
        """Entries awaiting review that this person may approve (the four-eyes rule), oldest
        first: the first QUEUE_SIZE of each kind, with a link to all of them."""
        sections = []
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
        context = {
            **self.each_context(request),
            "title": _("Review queue"),
            "sections": sections,
            "self_approval": settings.KIDAL_ALLOW_SELF_APPROVAL,
        }
        return TemplateResponse(request, "admin/review_queue.html", context)

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
