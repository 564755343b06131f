"""The sitemaps of the public pages, built from the models' public() querysets.

``/sitemap.xml`` is an index of one sitemap per kind of page, each split into files of
``PAGE_SIZE`` addresses, so every public address is listed however large the record grows.
"""

from django.contrib.sitemaps import Sitemap
from django.db.models import Max
from django.db.models.functions import Coalesce
from django.urls import reverse

from sources.models import Citation, Source

from .models import Actor, Claim, Event, Place

PAGE_SIZE = 1000


class StaticSitemap(Sitemap):
    priority = 0.8
    limit = PAGE_SIZE

    def items(self):
        return [
            "events:home",
            "events:event_list",
            "events:claim_list",
            "events:map",
            "events:actor_list",
            "events:place_list",
            "sources:source_list",
            "events:exports",
        ]

    def location(self, item):
        return reverse(item)


# What a sitemap entry of a reviewed entry reads (its address and its lastmod): a file
# lists a thousand entries, and their whole rows (snapshots of pending changes included)
# cost more to read than the file does to write.
LISTED = ("corrected_at", "first_published_at")


class ReviewedSitemap(Sitemap):
    limit = PAGE_SIZE

    def lastmod(self, item):
        return item.corrected_at or item.first_published_at

    def get_latest_lastmod(self):
        # One aggregate query, not a pass over every item (Django's default).
        return self.items().aggregate(latest=Max(Coalesce("corrected_at", "first_published_at")))[
            "latest"
        ]


class EventSitemap(ReviewedSitemap):
    priority = 0.7

    def items(self):
        return (
            Event.objects.public().only(*LISTED, "slug", "start_date").order_by("start_date", "pk")
        )


class ClaimSitemap(ReviewedSitemap):
    priority = 0.5

    def items(self):
        return Claim.objects.public().only(*LISTED).order_by("pk")


class CitationSitemap(ReviewedSitemap):
    priority = 0.4

    def items(self):
        return Citation.objects.public().only(*LISTED).order_by("pk")


class ActorSitemap(Sitemap):
    priority = 0.5
    limit = PAGE_SIZE

    def items(self):
        return Actor.objects.public().only("slug", "name").order_by("name", "pk")


class PlaceSitemap(Sitemap):
    priority = 0.5
    limit = PAGE_SIZE

    def items(self):
        return Place.objects.public().only("slug", "name").order_by("name", "pk")


class SourceSitemap(Sitemap):
    priority = 0.5
    limit = PAGE_SIZE

    def items(self):
        return Source.objects.public().only("slug", "name").order_by("name", "pk")


SITEMAPS = {
    "pages": StaticSitemap,
    "events": EventSitemap,
    "claims": ClaimSitemap,
    "citations": CitationSitemap,
    "actors": ActorSitemap,
    "places": PlaceSitemap,
    "sources": SourceSitemap,
}
