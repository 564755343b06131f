from django.contrib import admin
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from sources.models import Citation

from . import drafts, workflow
from .models import Actor, Claim, ClaimCitation, Event, EventActor, Place, Transition
from .review_admin import PublicFilter, ReviewableAdmin, StatusFilter, admin_url


@admin.register(Actor)
class ActorAdmin(ReviewableAdmin):
    list_display = ["name", "kind", "side", "parent", "status_badge", "publication"]
    list_filter = [StatusFilter, PublicFilter, "kind", "side"]
    search_fields = ["name", "aliases", "description"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["parent"]
    fieldsets = [
        (None, {"fields": ["name", "slug", "kind", "side", "aliases", "parent", "description"]})
    ]


@admin.register(Place)
class PlaceAdmin(ReviewableAdmin):
    list_display = [
        "name",
        "region",
        "latitude",
        "longitude",
        "coordinate_precision",
        "status_badge",
        "publication",
    ]
    list_filter = [StatusFilter, PublicFilter, "region", "coordinate_precision"]
    search_fields = ["name", "alternative_names", "region"]
    prepopulated_fields = {"slug": ["name"]}
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "name",
                    "slug",
                    "alternative_names",
                    ("region", "admin2", "admin3"),
                    "country",
                ]
            },
        ),
        (
            _("Coordinates"),
            {"fields": [("latitude", "longitude"), "coordinate_precision"]},
        ),
    ]


class EventActorInline(admin.TabularInline):
    model = EventActor
    extra = 1
    autocomplete_fields = ["actor"]


@admin.register(Event)
class EventAdmin(ReviewableAdmin):
    list_display = [
        "title",
        "start_date",
        "date_precision",
        "event_type",
        "place",
        "status_badge",
        "publication",
    ]
    list_filter = [StatusFilter, PublicFilter, "event_type", "date_precision", "place__region"]
    search_fields = ["title", "summary", "slug"]
    date_hierarchy = "start_date"
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["place", "parent"]
    inlines = [EventActorInline]
    fieldsets = [
        (None, {"fields": ["title", "slug", "summary", "event_type", "parent", "language"]}),
        (_("When and where"), {"fields": ["start_date", "end_date", "date_precision", "place"]}),
    ]
    list_select_related = ["place"]

    def related_list(self, obj):
        claims = obj.claims.select_related("claimant_actor").order_by("pk")
        return {
            "title": _("Claims about this event"),
            "add_url": reverse("admin:events_claim_add") + "?" + urlencode({"event": obj.pk}),
            "add_label": _("Add claim"),
            "rows": [
                {
                    "entry": claim,
                    "url": admin_url(claim),
                    "details": [claim.claimant, claim.figure_display],
                }
                for claim in claims
            ],
        }


class ClaimCitationInline(admin.StackedInline):
    model = ClaimCitation
    extra = 1
    autocomplete_fields = ["citation", "reported_by"]
    fields = [
        ("citation", "stance"),
        "reported_by",
        "quote",
        ("quote_language", "locator"),
        "translation",
    ]

    def get_queryset(self, request):
        # Each link's heading names its document (ClaimCitation.__str__).
        return super().get_queryset(request).select_related("citation")


@admin.register(Claim)
class ClaimAdmin(ReviewableAdmin):
    list_display = [
        "__str__",
        "event",
        "kind",
        "figure_display",
        "assessment",
        "status_badge",
        "publication",
    ]
    # No filter by claimant: its list would name every actor; the search finds them by name.
    list_filter = [StatusFilter, PublicFilter, "kind", "assessment"]
    search_fields = ["text", "claimant_label", "claimant_actor__name", "event__title"]
    autocomplete_fields = ["event", "claimant_actor", "contradicts"]
    inlines = [ClaimCitationInline]
    fieldsets = [
        (None, {"fields": ["event", "text", "kind", "language"]}),
        (_("Who claims it"), {"fields": ["claimant_actor", "claimant_label"]}),
        (
            _("Figure"),
            {
                "fields": ["figure_kind", ("figure_low", "figure_high", "figure_unit")],
                "description": _(
                    "Exact: the figure as low. At least: the minimum as low. At most: the "
                    "maximum as high. Range: both ends. None: no figure."
                ),
            },
        ),
        (_("Assessment"), {"fields": ["assessment", "assessment_note", "contradicts"]}),
    ]
    list_select_related = ["event__place", "claimant_actor"]
    # The form beside the numbers, every choice in sight ("None" when there is no figure).
    radio_fields = {"figure_kind": admin.HORIZONTAL}

    @admin.display(description=_("figure"))
    def figure_display(self, obj):
        return obj.figure_display

    def related_list(self, obj):
        snapshot = obj.pending_change or drafts.snapshot_of(obj)
        pks = drafts.referenced_pks(Claim, snapshot).get(Citation, set())
        citations = Citation.objects.filter(pk__in=pks).select_related("source")
        return {
            "title": _("Citations of this claim"),
            "rows": [
                {
                    "entry": citation,
                    "url": admin_url(citation),
                    "details": [citation.source.name],
                }
                for citation in citations
            ],
        }

    def submitted_with(self, obj):
        """The citations of the claim's latest content that wait to be submitted: without
        them the claim, once approved, would still not be public."""
        snapshot = obj.pending_change or drafts.snapshot_of(obj)
        pks = drafts.referenced_pks(Claim, snapshot).get(Citation, set())
        return list(
            Citation.objects.filter(pk__in=pks, status__in=workflow.SUBMIT.sources).order_by(
                "title", "pk"
            )
        )


@admin.register(Transition)
class TransitionAdmin(admin.ModelAdmin):
    list_display = ["created_at", "object_repr", "action", "from_status", "to_status", "user"]
    list_filter = ["action", "to_status", "content_type", "user"]
    search_fields = ["object_repr", "comment"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
