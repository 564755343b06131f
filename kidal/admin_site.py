from django.contrib import admin
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from events.models import Claim, Event, Status
from sources.models import Citation

REVIEWED_MODELS = (Event, Claim, Citation)


class KidalAdminSite(admin.AdminSite):
    site_header = _("kidal editorial desk")
    site_title = _("kidal")
    index_title = _("Editorial record of the Kidal offensive")

    def get_urls(self):
        return [
            path("review-queue/", self.admin_view(self.review_queue_view), name="review_queue"),
            *super().get_urls(),
        ]

    def review_queue_view(self, request):
        """Entries awaiting review, without the ones this reviewer changed last."""
        sections = []
        for model in REVIEWED_MODELS:
            opts = model._meta
            if not request.user.has_perm(f"{opts.app_label}.view_{opts.model_name}"):
                continue
            entries = (
                model._default_manager.filter(status=Status.IN_REVIEW)
                .exclude(last_edited_by=request.user)
                .select_related("last_edited_by")
                .order_by("last_edited_at")
            )
            sections.append(
                {
                    "name": opts.verbose_name_plural,
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
        }
        return TemplateResponse(request, "admin/review_queue.html", context)
