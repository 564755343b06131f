"""Public pages of sources and citations, built from their public() querysets."""

from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef
from django.views.generic import DetailView, ListView

from events.models import Actor, Claim, ClaimCitation, count_of
from events.views import PreviewMixin

from .models import Citation, Source

PAGE_SIZE = 50


def public_sources():
    """Public sources with their citation count, and whether the actor they speak for is public."""
    return (
        Source.objects.public()
        .select_related("actor")
        .annotate(
            citation_count=count_of(Citation.objects.public(), "source"),
            actor_is_public=Exists(Actor.objects.public().filter(pk=OuterRef("actor_id"))),
        )
    )


class SourceListView(ListView):
    template_name = "sources/source_list.html"
    context_object_name = "sources"
    paginate_by = PAGE_SIZE

    def get_queryset(self):
        return (
            public_sources()
            .annotate(claim_count=count_of(ClaimCitation.objects.public(), "citation__source"))
            .order_by("name", "pk")
        )


class SourceDetailView(DetailView):
    template_name = "sources/source_detail.html"
    context_object_name = "source"

    def get_queryset(self):
        return public_sources()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        citations = (
            Citation.objects.public()
            .filter(source=self.object)
            .annotate(claim_count=count_of(ClaimCitation.objects.public(), "citation"))
            .order_by("-published_on", "title", "pk")
        )
        page = Paginator(citations, PAGE_SIZE).get_page(self.request.GET.get("page"))
        context.update(
            page_obj=page, citations=page.object_list, is_paginated=page.has_other_pages()
        )
        return context


class CitationDetailView(PreviewMixin, DetailView):
    model = Citation
    template_name = "sources/citation_detail.html"
    context_object_name = "citation"

    def get_queryset(self):
        return Citation.objects.public().select_related("source__actor")

    def preview_queryset(self):
        return Citation.objects.select_related("source__actor")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["links"] = (
            ClaimCitation.objects.filter(citation=self.object, claim__in=Claim.objects.public())
            .select_related("claim__event", "claim__claimant_actor", "reported_by__source")
            .order_by("claim__event__start_date", "claim_id")
        )
        return context
