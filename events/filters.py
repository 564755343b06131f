"""Filters for the public lists: every choice list offers only public entries."""

import django_filters
from django import forms
from django.db.models import Count, Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from . import search
from .models import CORROBORATION_LEVELS, Actor, Claim, Event, EventActor, Place

CHOICES_SHOWN = 40
CORROBORATION_CHOICES = [(key, label) for key, (label, _condition) in CORROBORATION_LEVELS.items()]


def public_places(request):
    return Place.objects.public()


def public_actors(request):
    return Actor.objects.public()


def bound_choices(field, most_named, empty_label):
    """Offer the ``CHOICES_SHOWN`` most named entries (and the one chosen), so the form stays
    the same size however large the record grows; any public entry is still accepted, as the
    links from actor and place pages use."""
    chosen = field.queryset.filter(pk__in=[field.initial] if str(field.initial).isdigit() else [])
    shown = {obj.pk: obj for obj in most_named[:CHOICES_SHOWN]}
    shown.update({obj.pk: obj for obj in chosen})
    field.widget.choices = [("", empty_label)] + sorted(
        ((pk, str(obj)) for pk, obj in shown.items()), key=lambda choice: choice[1].casefold()
    )


def most_named_actors():
    """The actors named as claimant by the most public claims, in one grouped read of the
    public-claims index (a public claim's claimant is always public)."""
    top = (
        Claim.objects.public()
        .exclude(claimant_actor=None)
        .values("claimant_actor")
        .annotate(mentions=Count("*"))
        .order_by("-mentions", "claimant_actor")
        .values("claimant_actor")[:CHOICES_SHOWN]
    )
    return Actor.objects.public().filter(pk__in=top)


def most_named_places():
    """The places of the most public events (a public event's place is always public)."""
    top = (
        Event.objects.public()
        .exclude(place=None)
        .values("place")
        .annotate(mentions=Count("*"))
        .order_by("-mentions", "place")
        .values("place")[:CHOICES_SHOWN]
    )
    return Place.objects.public().filter(pk__in=top)


class DateRangeForm(forms.Form):
    """The event filter's validation; the API uses it alone, without the choice lists."""

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and start > end:
            raise forms.ValidationError(_("The start of the date range is after its end."))
        return cleaned


class EventFilterForm(DateRangeForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["place"].initial = self.data.get("place")
        self.fields["actor"].initial = self.data.get("actor")
        bound_choices(self.fields["place"], most_named_places(), _("Any place"))
        bound_choices(self.fields["actor"], most_named_actors(), _("Any actor"))


class DateInput(forms.DateInput):
    input_type = "date"


class EventFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Text"), method="filter_text", max_length=search.MAX_QUERY_LENGTH
    )
    start = django_filters.DateFilter(
        label=_("From"), method="filter_start", widget=DateInput(format="%Y-%m-%d")
    )
    end = django_filters.DateFilter(
        label=_("To"), method="filter_end", widget=DateInput(format="%Y-%m-%d")
    )
    place = django_filters.ModelChoiceFilter(
        label=_("Place"), queryset=public_places, empty_label=_("Any place")
    )
    actor = django_filters.ModelChoiceFilter(
        label=_("Actor"), queryset=public_actors, method="filter_actor", empty_label=_("Any actor")
    )
    event_type = django_filters.ChoiceFilter(
        label=_("Event type"), choices=Event.Type.choices, empty_label=_("Any type")
    )
    claim_kind = django_filters.ChoiceFilter(
        label=_("Claim kind"),
        choices=Claim.Kind.choices,
        method="filter_claims",
        empty_label=_("Any kind"),
    )
    assessment = django_filters.ChoiceFilter(
        label=_("Assessment"),
        choices=Claim.Assessment.choices,
        method="filter_claims",
        empty_label=_("Any assessment"),
    )
    corroboration = django_filters.ChoiceFilter(
        label=_("Claim backing"),
        choices=CORROBORATION_CHOICES,
        method="filter_claims",
        empty_label=_("Any backing"),
    )
    sort = django_filters.OrderingFilter(
        label=_("Sort by"),
        fields=(("start_date", "date"), ("title", "title")),
        field_labels={
            "start_date": _("Date"),
            "-start_date": _("Date, latest first"),
            "title": _("Title"),
            "-title": _("Title, Z to A"),
        },
        empty_label=_("Date, earliest first"),
    )

    class Meta:
        model = Event
        form = EventFilterForm
        fields = [
            "q",
            "start",
            "end",
            "place",
            "actor",
            "event_type",
            "claim_kind",
            "assessment",
            "corroboration",
        ]

    def filter_text(self, queryset, name, value):
        return search.matching(queryset, "event", value)

    def filter_start(self, queryset, name, value):
        return queryset.filter(
            Q(end_date__gte=value) | Q(end_date__isnull=True, start_date__gte=value)
        )

    def filter_end(self, queryset, name, value):
        return queryset.filter(start_date__lte=value)

    def filter_actor(self, queryset, name, value):
        # Two IN lists rather than OR-ed EXISTS: the database reads each list once.
        return queryset.filter(
            Q(pk__in=EventActor.objects.filter(actor=value).values("event"))
            | Q(pk__in=Claim.objects.public().filter(claimant_actor=value).values("event"))
        )

    def filter_claims(self, queryset, name, value):
        # Claim kind, assessment and backing apply to the same claim: see filter_queryset.
        return queryset

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        wanted = {
            field: self.form.cleaned_data.get(key)
            for key, field in (("claim_kind", "kind"), ("assessment", "assessment"))
            if self.form.cleaned_data.get(key)
        }
        level = self.form.cleaned_data.get("corroboration")
        if wanted or level:
            claims = Claim.objects.public().filter(event=OuterRef("pk"), **wanted)
            if level:
                claims = claims.with_corroboration(level)
            queryset = queryset.filter(Exists(claims))
        return queryset


class ClaimFilterForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["claimant"].initial = self.data.get("claimant")
        bound_choices(self.fields["claimant"], most_named_actors(), _("Any claimant"))


class ClaimFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(
        label=_("Kind"), choices=Claim.Kind.choices, empty_label=_("Any kind")
    )
    assessment = django_filters.ChoiceFilter(
        label=_("Assessment"), choices=Claim.Assessment.choices, empty_label=_("Any assessment")
    )
    claimant = django_filters.ModelChoiceFilter(
        label=_("Claimant"),
        field_name="claimant_actor",
        queryset=public_actors,
        empty_label=_("Any claimant"),
    )
    corroboration = django_filters.ChoiceFilter(
        label=_("Backing"),
        choices=CORROBORATION_CHOICES,
        method="filter_corroboration",
        empty_label=_("Any backing"),
    )

    class Meta:
        model = Claim
        form = ClaimFilterForm
        fields = ["kind", "assessment", "claimant", "corroboration"]

    def filter_corroboration(self, queryset, name, value):
        return queryset.with_corroboration(value)
