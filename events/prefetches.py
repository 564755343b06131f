"""The related rows read with each public entry: public ones only, in id order, the order in
which the pages, the exports and the API all list them."""

from django.db.models import Prefetch

from .models import ClaimCitation


def public_related(lookup, queryset):
    """Prefetch the public rows of ``lookup`` from ``queryset``, in id order."""
    return Prefetch(lookup, queryset=queryset.public().order_by("id"))


def public_citation_links():
    """Public claims' links to their public citations, with what a reader sees of each."""
    return (
        ClaimCitation.objects.public()
        .select_related("citation__source__actor", "reported_by__source")
        .order_by("id")
    )
