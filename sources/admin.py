from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from events.models import Status
from events.review_admin import PublicFilter, ReviewableAdmin, StatusFilter

from .forms import ReferenceListForm
from .importing import ImportResult, apply_import, plan_import
from .models import Citation, Source
from .references import EXAMPLE_DATES, EXAMPLE_LINES


@admin.register(Source)
class SourceAdmin(ReviewableAdmin):
    list_display = [
        "name",
        "kind",
        "country",
        "language",
        "is_party",
        "status_badge",
        "publication",
    ]
    list_filter = [StatusFilter, PublicFilter, "kind", "is_party", "language", "country"]
    search_fields = ["name", "aliases", "website"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["actor"]
    fieldsets = [
        (None, {"fields": ["name", "slug", "kind", "country", "language", "website", "aliases"]}),
        (_("Party to the conflict"), {"fields": ["is_party", "actor", "side"]}),
        (None, {"fields": ["description"]}),
    ]


@admin.register(Citation)
class CitationAdmin(ReviewableAdmin):
    list_display = ["title", "source", "published_on", "language", "status_badge", "publication"]
    # No filter by source: its list would name every source; the search finds them by name.
    list_filter = [StatusFilter, PublicFilter, "kind", "language", "source__is_party"]
    search_fields = ["title", "author", "url", "source__name"]
    autocomplete_fields = ["source", "republishes"]
    date_hierarchy = "published_on"
    list_select_related = ["source"]
    fieldsets = [
        (None, {"fields": ["source", "kind", "title", "author", "language"]}),
        (_("Dates"), {"fields": [("published_on", "published_precision"), "accessed_on"]}),
        (_("Where to find it"), {"fields": ["url", ("archive_url", "archived_on")]}),
        (_("Republication"), {"fields": ["republishes"]}),
    ]

    # Keeps django-reversion's "Recover deleted citations" link and adds "Import references".
    change_list_template = "admin/sources/citation/change_list.html"

    def get_urls(self):
        return [
            path(
                "import/",
                self.admin_site.admin_view(self.import_references_view),
                name="sources_citation_import",
            ),
            *super().get_urls(),
        ]

    def import_references_view(self, request):
        """Paste a reference list, preview it line by line, then confirm the import."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = ReferenceListForm(request.POST or None)
        plan = None
        if form.is_valid():
            text = form.cleaned_data["references"]
            if "import" in request.POST:
                try:
                    result = apply_import(text, by=request.user)
                except IntegrityError:
                    self.message_user(
                        request,
                        _(
                            "Sources or citations changed during the import. Nothing was saved: "
                            "preview the list again."
                        ),
                        messages.ERROR,
                    )
                else:
                    self.message_user(request, result.summary(), messages.SUCCESS)
                    if result.unparsed:
                        lines = ", ".join(str(line.line_number) for line in result.unparsed)
                        self.message_user(
                            request,
                            _("Not imported (listed in the preview): lines %(lines)s.")
                            % {"lines": lines},
                            messages.WARNING,
                        )
                    changelist = reverse("admin:sources_citation_changelist")
                    return HttpResponseRedirect(f"{changelist}?review={Status.DRAFT}")
            plan = plan_import(text)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Import references"),
            "form": form,
            "plan": plan,
            "preview": ImportResult.of(plan) if plan else None,
            "example_lines": EXAMPLE_LINES,
            "example_dates": EXAMPLE_DATES,
        }
        return TemplateResponse(request, "admin/sources/citation/import_references.html", context)
