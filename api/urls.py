from django.urls import path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import DefaultRouter

from . import views

app_name = "api"

router = DefaultRouter()
router.register("events", views.EventViewSet)
router.register("claims", views.ClaimViewSet)
router.register("citations", views.CitationViewSet)
router.register("sources", views.SourceViewSet)
router.register("actors", views.ActorViewSet)
router.register("places", views.PlaceViewSet)
router.register("corrections", views.CorrectionViewSet, basename="correction")

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", views.DocumentationView.as_view(url_name="api:schema"), name="docs"),
    *router.urls,
]
