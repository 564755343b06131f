from django.urls import path

from events.caching import cache_public_page

from . import views

app_name = "sources"

urlpatterns = [
    path("sources/", cache_public_page(views.SourceListView.as_view()), name="source_list"),
    path(
        "sources/<slug:slug>/",
        cache_public_page(views.SourceDetailView.as_view()),
        name="source_detail",
    ),
    path(
        "citations/<int:pk>/",
        cache_public_page(views.CitationDetailView.as_view()),
        name="citation_detail",
    ),
]
