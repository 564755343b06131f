"""The read API: the public record as JSON, from the models' ``public()`` querysets.

Responses are cached like the public pages (events/caching.py): under the publication
stamp, so the request after an approval or a withdrawal reads fresh data, with ETag and
Last-Modified for conditional requests. The cache is consulted inside the view, after the
rate limit has counted the request, so cached answers count against it too.
"""

from csp.constants import SELF
from csp.decorators import csp_update
from django.http import HttpResponse
from django.utils.decorators import method_decorator
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.views import SpectacularSwaggerSplitView
from rest_framework import viewsets

from events import versions
from events.caching import cached_public_response
from events.models import Actor, Claim, ClaimCitation, Event, EventActor, Place, Transition
from events.prefetches import public_related
from sources.models import Citation, Source

from . import filters, serializers
from .pagination import Sorting


class PublicViewSet(viewsets.ReadOnlyModelViewSet):
    filter_backends = [DjangoFilterBackend, Sorting]
    ordering = ("pk",)
    ordering_fields = ("id",)

    def list(self, request, *args, **kwargs):
        return self.cached(super().list, request, *args, **kwargs)

    def retrieve(self, request, *args, **kwargs):
        return self.cached(super().retrieve, request, *args, **kwargs)

    def cached(self, handler, request, *args, **kwargs):
        def build():
            response = self.finalize_response(
                request, handler(request, *args, **kwargs), *args, **kwargs
            )
            response.render()
            # What the cache keeps is the answer's bytes and headers: the serialized data a
            # DRF Response also carries would double what every cached answer unpickles.
            answer = HttpResponse(
                response.content, status=response.status_code, headers=response.headers
            )
            answer.public_page = True
            return answer

        return cached_public_response(request, build)


class EventViewSet(PublicViewSet):
    """Public events, earliest first unless sorted otherwise."""

    queryset = (
        Event.objects.public()
        .select_related("parent")
        .prefetch_related(
            public_related("actor_roles", EventActor.objects.select_related("actor")),
            public_related("claims", Claim.objects.only("pk", "event")),
        )
    )
    serializer_class = serializers.EventSerializer
    filterset_class = filters.EventFilter
    ordering = ("start_date",)
    ordering_fields = ("start_date", "title", "id")


class ClaimViewSet(PublicViewSet):
    """Public claims, each with its claimant, its figure, the editors' assessment, the claims
    it contradicts and the citations that back (or dispute) it."""

    queryset = (
        Claim.objects.public()
        .select_related("claimant_actor")
        .prefetch_related(
            public_related("citation_links", ClaimCitation.objects.select_related("reported_by")),
            public_related("contradicts", Claim.objects.only("pk")),
        )
    )
    serializer_class = serializers.ClaimSerializer
    filterset_class = filters.ClaimFilter
    ordering_fields = ("id", "first_published_at")


class CitationViewSet(PublicViewSet):
    """Public citations: the documents the claims cite."""

    queryset = (
        Citation.objects.public()
        .select_related("republishes")
        .prefetch_related(public_related("claims", Claim.objects.only("pk")))
    )
    serializer_class = serializers.CitationSerializer
    filterset_class = filters.CitationFilter
    ordering_fields = ("id", "title")


class SourceViewSet(PublicViewSet):
    """Public sources: the outlets and issuers of the cited documents."""

    queryset = Source.objects.public().select_related("actor")
    serializer_class = serializers.SourceSerializer
    filterset_class = filters.SourceFilter
    ordering = ("name",)
    ordering_fields = ("id", "name")


class ActorViewSet(PublicViewSet):
    """Public actors: the parties named by public events and claims."""

    queryset = Actor.objects.public().select_related("parent")
    serializer_class = serializers.ActorSerializer
    filterset_class = filters.ActorFilter
    ordering = ("name",)
    ordering_fields = ("id", "name")


class PlaceViewSet(PublicViewSet):
    """Public places: where public events happened."""

    queryset = Place.objects.public()
    serializer_class = serializers.PlaceSerializer
    filterset_class = filters.PlaceFilter
    ordering = ("name",)
    ordering_fields = ("id", "name")


class CorrectionViewSet(PublicViewSet):
    """Approved corrections of public events and claims, newest first: what /corrections/
    lists. A correction of an entry taken off the site is not listed."""

    serializer_class = serializers.CorrectionSerializer
    filterset_class = filters.CorrectionFilter
    ordering = ("-created_at", "-pk")

    def get_queryset(self):
        # Built per request: it looks up content types, which import time cannot; nor can
        # the schema's generation (a system check, run before any database exists).
        if getattr(self, "swagger_fake_view", False):
            return Transition.objects.none()
        return versions.public_corrections()

    def paginate_queryset(self, queryset):
        return versions.attach_entries(super().paginate_queryset(queryset))

    def get_object(self):
        (correction,) = versions.attach_entries([super().get_object()])
        return correction


@method_decorator(csp_update({"img-src": [SELF, "data:"]}), name="dispatch")
class DocumentationView(SpectacularSwaggerSplitView):
    """Swagger UI from the vendored files (drf-spectacular-sidecar), its settings script
    served by this view: nothing inline, nothing from another host. Its own stylesheet and
    script draw their icons as data: images, which this page alone allows."""

    template_name = "api/documentation.html"
