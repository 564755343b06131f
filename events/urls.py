from django.contrib.sitemaps import views as sitemap_views
from django.urls import path

from . import exports, views
from .feeds import LatestEntriesFeed
from .sitemaps import SITEMAPS

app_name = "events"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("events/", views.EventListView.as_view(), name="event_list"),
    path("events/<slug:slug>/", views.EventDetailView.as_view(), name="event_detail"),
    path("claims/", views.ClaimListView.as_view(), name="claim_list"),
    path("claims/<int:pk>/", views.ClaimDetailView.as_view(), name="claim_detail"),
    path("actors/", views.ActorListView.as_view(), name="actor_list"),
    path("actors/<slug:slug>/", views.ActorDetailView.as_view(), name="actor_detail"),
    path("places/", views.PlaceListView.as_view(), name="place_list"),
    path("places/<slug:slug>/", views.PlaceDetailView.as_view(), name="place_detail"),
    path("map/", views.MapView.as_view(), name="map"),
    path("search/", views.SearchView.as_view(), name="search"),
    path("feed/", LatestEntriesFeed(), name="feed"),
    path("exports/", views.ExportsView.as_view(), name="exports"),
    path("exports/events.csv", exports.events_csv, name="export_events_csv"),
    path("exports/events.json", exports.events_json, name="export_events_json"),
    path("exports/claims.csv", exports.claims_csv, name="export_claims_csv"),
    path("exports/claims.json", exports.claims_json, name="export_claims_json"),
    path(
        "sitemap.xml",
        sitemap_views.index,
        {"sitemaps": SITEMAPS, "sitemap_url_name": "events:sitemap_section"},
        name="sitemap",
    ),
    path(
        "sitemap-<section>.xml",
        sitemap_views.sitemap,
        {"sitemaps": SITEMAPS},
        name="sitemap_section",
    ),
    path("robots.txt", views.RobotsView.as_view(), name="robots"),
]
