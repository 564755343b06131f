from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from reversion.admin import VersionAdmin

from events.review_admin import ReviewableAdmin, StatusFilter

from .models import Citation, Source


@admin.register(Source)
class SourceAdmin(VersionAdmin):
    list_display = ["name", "kind", "country", "language", "is_party"]
    list_filter = ["kind", "is_party", "language", "country"]
    search_fields = ["name", "aliases", "website"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["actor"]


@admin.register(Citation)
class CitationAdmin(ReviewableAdmin):
    list_display = ["title", "source", "published_on", "language", "status_badge"]
    list_filter = [StatusFilter, "kind", "language", "source__is_party", "source"]
    search_fields = ["title", "author", "url", "source__name"]
    autocomplete_fields = ["source"]
    date_hierarchy = "published_on"
    list_select_related = ["source"]
    fieldsets = [
        (None, {"fields": ["source", "kind", "title", "author", "language"]}),
        (_("Dates"), {"fields": [("published_on", "published_precision"), "accessed_on"]}),
        (_("Where to find it"), {"fields": ["url", ("archive_url", "archived_on")]}),
    ]
