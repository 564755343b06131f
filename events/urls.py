from django.contrib.sitemaps import views as sitemap_views
from django.urls import path

from . import export_files, views
from .caching import cache_public_page
from .exports import EXPORTS
from .feeds import LatestEntriesFeed
from .sitemaps import SITEMAPS

app_name = "events"

urlpatterns = [
    path("", cache_public_page(views.HomeView.as_view()), name="home"),
    path("events/", cache_public_page(views.EventListView.as_view()), name="event_list"),
    path(
        "events/<slug:slug>/",
        cache_public_page(views.EventDetailView.as_view()),
        name="event_detail",
    ),
    path(
        "events/<slug:slug>/v/<int:version>/",
        cache_public_page(views.EventVersionView.as_view()),
        name="event_version",
    ),
    path(
        "events/<slug:slug>/v/<int:version>/cite.<str:extension>",
        cache_public_page(views.version_citation),
        {"kind": "events"},
        name="event_citation",
    ),
    path(
        "events/selection.<str:extension>",
        views.filtered_export,
        {"kind": "events"},
        name="events_selection_export",
    ),
    path("claims/", cache_public_page(views.ClaimListView.as_view()), name="claim_list"),
    path(
        "claims/selection.<str:extension>",
        views.filtered_export,
        {"kind": "claims"},
        name="claims_selection_export",
    ),
    path(
        "claims/<int:pk>/", cache_public_page(views.ClaimDetailView.as_view()), name="claim_detail"
    ),
    path(
        "claims/<int:pk>/v/<int:version>/",
        cache_public_page(views.ClaimVersionView.as_view()),
        name="claim_version",
    ),
    path(
        "claims/<int:pk>/v/<int:version>/cite.<str:extension>",
        cache_public_page(views.version_citation),
        {"kind": "claims"},
        name="claim_citation",
    ),
    path(
        "corrections/",
        cache_public_page(views.CorrectionsView.as_view()),
        name="corrections",
    ),
    path("actors/", cache_public_page(views.ActorListView.as_view()), name="actor_list"),
    path(
        "actors/<slug:slug>/",
        cache_public_page(views.ActorDetailView.as_view()),
        name="actor_detail",
    ),
    path("places/", cache_public_page(views.PlaceListView.as_view()), name="place_list"),
    path(
        "places/<slug:slug>/",
        cache_public_page(views.PlaceDetailView.as_view()),
        name="place_detail",
    ),
    path("map/", cache_public_page(views.MapView.as_view()), name="map"),
    path("search/", cache_public_page(views.SearchView.as_view()), name="search"),
    path("feed/", cache_public_page(LatestEntriesFeed()), name="feed"),
    path(
        "exports/",
        cache_public_page(views.ExportsView.as_view(), variant=export_files.manifest_version),
        name="exports",
    ),
    path(
        "sitemap.xml",
        cache_public_page(sitemap_views.index),
        {"sitemaps": SITEMAPS, "sitemap_url_name": "events:sitemap_section"},
        name="sitemap",
    ),
    path(
        "sitemap-<section>.xml",
        cache_public_page(sitemap_views.sitemap),
        {"sitemaps": SITEMAPS, "template_name": "sitemaps/section.xml"},
        name="sitemap_section",
    ),
    path("language/<str:code>/", views.switch_language, name="switch_language"),
    *(
        path(
            f"exports/{name}",
            views.export_download,
            {"name": name},
            name=f"export_{name.replace('.', '_')}",
        )
        for name in EXPORTS
    ),
    path("robots.txt", cache_public_page(views.RobotsView.as_view()), name="robots"),
]
