"""The API's filters: the public lists' own FilterSets (events/filters.py), without the
choice lists their forms build for the page, plus text search where the site has it."""

import django_filters
from django import forms
from django.contrib.contenttypes.models import ContentType
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from events import filters as public_filters
from events import search
from events.models import Actor, Place, Transition
from events.versions import VERSIONED
from sources.models import Citation, Source


def text_filter(name):
    """The site's search (events/search.py) over the ``name`` table's weighted fields."""
    return django_filters.CharFilter(
        label=_("Text"),
        method=lambda queryset, _field, value: search.matching(queryset, name, value),
        max_length=search.MAX_QUERY_LENGTH,
    )


class EventFilter(public_filters.EventFilter):
    # The API sorts with its own ``sort`` parameter, which its cursor pagination follows.
    sort = None

    class Meta(public_filters.EventFilter.Meta):
        form = public_filters.DateRangeForm

    # The public filter's own method, described to the schema by what the query string holds.
    @extend_schema_field(OpenApiTypes.INT)
    def filter_actor(self, queryset, name, value):
        return super().filter_actor(queryset, name, value)


class ClaimFilter(public_filters.ClaimFilter):
    q = text_filter("claim")
    event = django_filters.NumberFilter(label=_("Event"), field_name="event")

    class Meta(public_filters.ClaimFilter.Meta):
        form = forms.Form
        fields = ["q", "event", *public_filters.ClaimFilter.Meta.fields]


class CitationFilter(django_filters.FilterSet):
    q = text_filter("citation")
    source = django_filters.NumberFilter(label=_("Source"), field_name="source")

    class Meta:
        model = Citation
        fields = ["q", "source", "kind"]


class ActorFilter(django_filters.FilterSet):
    class Meta:
        model = Actor
        fields = ["kind"]


class PlaceFilter(django_filters.FilterSet):
    class Meta:
        model = Place
        fields = ["region"]


class SourceFilter(django_filters.FilterSet):
    class Meta:
        model = Source
        fields = ["kind", "is_party"]


class CorrectionFilter(django_filters.FilterSet):
    """Corrections by the day they were approved (in the site's time zone) and by the kind
    of entry they corrected."""

    start = django_filters.DateFilter(
        label=_("From"), field_name="created_at", lookup_expr="date__gte"
    )
    end = django_filters.DateFilter(label=_("To"), field_name="created_at", lookup_expr="date__lte")
    kind = django_filters.ChoiceFilter(
        label=_("Kind of entry"),
        choices=[(model._meta.model_name, model._meta.verbose_name) for model in VERSIONED],
        method="filter_kind",
    )

    class Meta:
        model = Transition
        form = public_filters.DateRangeForm
        fields = ["start", "end", "kind"]

    def filter_kind(self, queryset, name, value):
        return queryset.filter(content_type=ContentType.objects.get_by_natural_key("events", value))
