"""The public site: every queryset starts from a model's ``public()``.

Staff with the change permission may preview an entry the public cannot see, or the
pending change of a live one (``?preview=1``); previews are marked and never cached.
"""

import json
from datetime import timedelta

from django import forms
from django.conf import settings
from django.db.models import (
    Case,
    Exists,
    F,
    Max,
    Min,
    OuterRef,
    Prefetch,
    Q,
    When,
    prefetch_related_objects,
)
from django.db.models.functions import Coalesce
from django.http import (
    FileResponse,
    Http404,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseRedirect,
    StreamingHttpResponse,
)
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.dateparse import parse_datetime
from django.utils.http import http_date, url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import DetailView, ListView, TemplateView
from django_filters import OrderingFilter
from django_filters.views import FilterView

from sources.models import Citation, Source

from . import drafts, export_files, timeline, versions
from . import search as search_module
from .exports import EXPORTS
from .figures import format_figure, format_range
from .filters import ClaimFilter, EventFilter
from .models import Actor, Claim, ClaimCitation, Event, EventActor, Place, count_of
from .prefetches import public_citation_links

PAGE_SIZE = 25
HOME_TIMELINE_SIZE = 100
HOME_LIST_SIZE = 20
LIST_PAGE_SIZE = 50
# Detail pages list this many related entries and link to the filtered list for the rest.
DETAIL_LIST_SIZE = 50


def claim_prefetches(preview=False):
    claims = Claim.objects.all() if preview else Claim.objects.public()
    links = (
        ClaimCitation.objects.select_related(
            "citation__source__actor", "reported_by__source"
        ).order_by("id")
        if preview
        else public_citation_links()
    )
    return [
        Prefetch("citation_links", queryset=links),
        Prefetch(
            "contradicts",
            queryset=claims.select_related("claimant_actor", "event").order_by("id"),
        ),
    ]


def event_prefetches(preview=False):
    events = Event.objects.all() if preview else Event.objects.public()
    claims = Claim.objects.all() if preview else Claim.objects.public()
    return [
        Prefetch(
            "actor_roles",
            queryset=(EventActor.objects.all() if preview else EventActor.objects.public())
            .select_related("actor__parent")
            .order_by("id"),
        ),
        Prefetch(
            "children",
            queryset=events.select_related("place").order_by("start_date", "title", "pk"),
        ),
        Prefetch(
            "claims",
            queryset=claims.select_related("claimant_actor")
            .prefetch_related(*claim_prefetches(preview))
            .order_by("id"),
        ),
    ]


class PreviewMixin:
    """Public detail pages that staff with the change permission may preview."""

    preview = False

    def can_preview(self):
        model = self.model
        user = self.request.user
        return (
            user.is_authenticated
            and user.is_active
            and user.is_staff
            and user.has_perm(f"{model._meta.app_label}.change_{model._meta.model_name}")
        )

    def preview_queryset(self):
        return self.model._default_manager.all()

    def after_preview_load(self, obj):
        """Load what a preview shows beside the entry (relations are not prefetched)."""

    def get_object(self, queryset=None):
        wants_preview = "preview" in self.request.GET and self.can_preview()
        if not wants_preview:
            try:
                return super().get_object(queryset)
            except Http404:
                if not self.can_preview():
                    raise
        obj = super().get_object(self.preview_queryset())
        self.preview = True
        if getattr(obj, "pending_change", None):
            obj = drafts.preview(obj, obj.pending_change)
            self.pending_preview = True
        self.after_preview_load(obj)
        return obj

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["preview"] = self.preview
        context["pending_preview"] = getattr(self, "pending_preview", False)
        return context

    def render_to_response(self, context, **kwargs):
        response = super().render_to_response(context, **kwargs)
        if self.preview:
            add_never_cache_headers(response)
            response["X-Robots-Tag"] = "noindex"
        return response


# Event pages -------------------------------------------------------------------------


def claim_groups(claims):
    """The claims in groups: contradicting claims together (to be shown side by side)."""
    by_pk = {claim.pk: claim for claim in claims}
    seen, groups = set(), []
    for claim in claims:
        if claim.pk in seen:
            continue
        group, stack = [], [claim]
        seen.add(claim.pk)
        while stack:
            current = stack.pop()
            group.append(current)
            for other in current.contradicts.all():
                if other.pk in by_pk and other.pk not in seen:
                    seen.add(other.pk)
                    stack.append(by_pk[other.pk])
        group.sort(key=lambda c: c.pk)
        groups.append(group)
    return groups


def _who(claim):
    if claim.claimant_actor_id:
        return claim.claimant
    outlets = []
    for link in claim.citation_links.all():
        name = link.citation.source.name
        if name not in outlets:
            outlets.append(name)
    if outlets:
        return _("%(claimant)s via %(outlets)s") % {
            "claimant": claim.claimant,
            "outlets": ", ".join(outlets),
        }
    return claim.claimant


def figure_summaries(claims):
    """Claims with figures, summarised per kind and unit as the span of the figures given
    (an "at least" or an "at most" counts its one number), with who says what."""
    summaries = {}
    for claim in claims:
        numbers = [n for n in (claim.figure_low, claim.figure_high) if n is not None]
        if not numbers:
            continue
        key = (claim.kind, claim.figure_unit.strip().lower())
        summary = summaries.setdefault(
            key,
            {
                "unit": claim.figure_unit,
                "kind": claim.get_kind_display(),
                "numbers": [],
                "claims": [],
            },
        )
        summary["numbers"] += numbers
        summary["claims"].append(
            {
                "claim": claim,
                "who": _who(claim),
                "figure": format_figure(claim.figure_kind, claim.figure_low, claim.figure_high),
                "largest": max(numbers),
            }
        )
    result = []
    for summary in summaries.values():
        summary["range"] = format_range(min(summary["numbers"]), max(summary["numbers"]))
        summary["claims"].sort(key=lambda item: -item["largest"])
        result.append(summary)
    return result


def number_citations(claims):
    """Number each cited document once, in order of first citation; return the references."""
    numbers, references = {}, []
    for claim in claims:
        for link in claim.citation_links.all():
            if link.citation_id not in numbers:
                numbers[link.citation_id] = len(numbers) + 1
                references.append({"number": numbers[link.citation_id], "citation": link.citation})
            link.number = numbers[link.citation_id]
    return references


def timeline_window(events):
    """The period the home timeline draws, from two aggregates: the campaigns (the offensive)
    with two months before and one after, or else the whole record."""
    ends = Coalesce("end_date", "start_date")
    campaigns = events.filter(event_type=Event.Type.CAMPAIGN).aggregate(
        first=Min("start_date"), last=Max(ends)
    )
    if campaigns["first"] is not None:
        return timeline.window_around(campaigns["first"], campaigns["last"])
    span = events.aggregate(first=Min("start_date"), last=Max(ends))
    if span["first"] is None:
        return None
    return timeline.window_of(span["first"], span["last"])


class HomeView(TemplateView):
    """The overview: counts, a timeline of the offensive's period and the events in it (the
    first ``HOME_LIST_SIZE``), the latest published entries and corrections. Its size does not
    grow with the record: the rest is in the paginated lists."""

    template_name = "events/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        public = Event.objects.public()
        window = timeline_window(public)
        drawn, listed, period = [], [], {}
        if window is not None:
            first, last = window
            in_window = public.filter(start_date__lt=last).filter(
                Q(end_date__gte=first) | Q(end_date__isnull=True, start_date__gte=first)
            )
            # Long events (the campaign, its phases) first: they frame the period.
            drawn = list(
                in_window.select_related("place").order_by(
                    Case(When(event_type=Event.Type.CAMPAIGN, then=0), default=1),
                    F("end_date").desc(nulls_last=True),
                    "start_date",
                    "pk",
                )[:HOME_TIMELINE_SIZE]
            )
            listed = list(
                in_window.select_related("place").order_by("start_date", "title", "pk")[
                    :HOME_LIST_SIZE
                ]
            )
            ends = Coalesce("end_date", "start_date")
            period = {
                "first": first,
                "last": last,
                "in_window": in_window.count(),
                "earlier": public.alias(ends=ends).filter(ends__lt=first).count(),
                "later": public.filter(start_date__gte=last).count(),
            }
        context.update(
            events=listed,
            timeline_events=drawn,
            period=period,
            all_in_period_url=self.period_url(period),
            counts={
                "events": public.count(),
                "claims": Claim.objects.public().count(),
                "sources": Source.objects.public().count(),
                "citations": Citation.objects.public().count(),
            },
            recent_events=public.order_by("-first_published_at", "-pk")[:6],
            recent_claims=Claim.objects.public()
            .select_related("event", "claimant_actor")
            .order_by("-first_published_at", "-pk")[:6],
            corrections=public.exclude(corrected_at=None).order_by("-corrected_at", "-pk")[:3],
        )
        return context

    def period_url(self, period):
        if not period:
            return reverse("events:event_list")
        last_day = period["last"] - timedelta(days=1)
        return f"{reverse('events:event_list')}?start={period['first']}&end={last_day}"


class PublicFilterView(FilterView):
    """A public list with its filter form, which phones see folded in a <details> element:
    open when filters are in use or wrong, so readers see what narrowed the list."""

    paginate_by = PAGE_SIZE
    export_kind = ""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = self.filterset.form
        if not form.errors and context.get("paginator"):
            context["selection_exports"] = selection_export_links(
                self.request, self.export_kind, context["paginator"].count
            )
        active = sum(
            1
            for name, field in self.filterset.filters.items()
            if not isinstance(field, OrderingFilter) and self.request.GET.get(name, "").strip()
        )
        context["active_filters"] = active
        context["filters_open"] = bool(active or form.errors)
        return context


class EventListView(PublicFilterView):
    model = Event
    filterset_class = EventFilter
    export_kind = "events"
    template_name = "events/event_list.html"

    def get_queryset(self):
        return (
            Event.objects.public()
            .select_related("place")
            .annotate(claim_count=count_of(Claim.objects.public(), "event"))
            .order_by("start_date", "title", "pk")
        )


class EventDetailView(PreviewMixin, DetailView):
    model = Event
    template_name = "events/event_detail.html"

    def get_queryset(self):
        return (
            Event.objects.public()
            .select_related("place", "parent")
            .annotate(
                parent_is_public=Exists(Event.objects.public().filter(pk=OuterRef("parent_id")))
            )
            .prefetch_related(*event_prefetches())
        )

    def preview_queryset(self):
        return Event.objects.select_related("place", "parent")

    def after_preview_load(self, obj):
        obj.parent_is_public = obj.parent_id is not None
        prefetch_related_objects([obj], *event_prefetches(preview=True))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        claims = list(self.object.claims.all())
        context.update(
            claims=claims,
            claim_groups=claim_groups(claims),
            figure_summaries=figure_summaries(claims),
            references=number_citations(claims),
            parent=self.object.parent if self.object.parent_is_public else None,
        )
        if not self.preview:
            context.update(published_version_context(self.object))
            claim_corrections = versions.corrections_of(claims)
            for claim in claims:
                claim.corrections = claim_corrections.get(claim.pk, [])
        return context


def published_version_context(entry):
    """The entry's corrections and what citing its current version takes."""
    latest, corrections = versions.published_history(entry)
    return {
        "corrections": corrections,
        "citable": versions.Citable(entry, latest) if latest else None,
    }


# Claims --------------------------------------------------------------------------------


class ClaimListView(PublicFilterView):
    model = Claim
    filterset_class = ClaimFilter
    export_kind = "claims"
    template_name = "events/claim_list.html"

    def get_queryset(self):
        return (
            Claim.objects.public()
            .select_related("event", "claimant_actor")
            .annotate(citation_count=count_of(public_citation_links(), "claim"))
            .order_by("event__start_date", "event__title", "id")
        )


class ClaimDetailView(PreviewMixin, DetailView):
    model = Claim
    template_name = "events/claim_detail.html"

    def get_queryset(self):
        return (
            Claim.objects.public()
            .select_related("event__place", "claimant_actor")
            .prefetch_related(*claim_prefetches())
        )

    def preview_queryset(self):
        return Claim.objects.select_related("event__place", "claimant_actor")

    def after_preview_load(self, obj):
        prefetch_related_objects([obj], *claim_prefetches(preview=True))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["references"] = number_citations([self.object])
        context["event_is_public"] = (
            self.preview is False or Event.objects.public().filter(pk=self.object.event_id).exists()
        )
        if not self.preview:
            context.update(published_version_context(self.object))
            self.object.corrections = context["corrections"]
        return context


# Published versions and corrections ----------------------------------------------------


def published_version(entries, version, **lookup):
    """A public entry and one of its published versions (an approval), or 404."""
    entry = get_object_or_404(entries, **lookup)
    return entry, get_object_or_404(versions.approvals_of(entry), pk=version)


class VersionView(TemplateView):
    """One published version of a public entry, as it was approved, from the approval's
    logged content. What it names (a place, actors, citations) is shown only if public now."""

    def version_context(self, entry, approval):
        latest, corrections = versions.published_history(entry)
        return {
            "entry": entry,
            "approval": approval,
            "is_latest": latest.pk == approval.pk,
            "corrections": corrections,
        }


class EventVersionView(VersionView):
    template_name = "events/event_version.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        event, approval = published_version(
            Event.objects.public(), kwargs["version"], slug=kwargs["slug"]
        )
        version = drafts.apply_fields(Event(pk=event.pk), approval.snapshot)
        roles = approval.snapshot["inlines"].get("actor_roles", [])
        actors = Actor.objects.public().in_bulk([role["actor"] for role in roles])
        context.update(
            self.version_context(event, approval),
            version=version,
            place=Place.objects.public().filter(pk=version.place_id).first(),
            roles=[
                {
                    "actor": actors[role["actor"]],
                    "role": dict(EventActor.Role.choices).get(role["role"], ""),
                }
                for role in roles
                if role["actor"] in actors
            ],
            citable=versions.Citable(event, approval, title=version.title),
        )
        return context


class ClaimVersionView(VersionView):
    template_name = "events/claim_version.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        claim, approval = published_version(
            Claim.objects.public().select_related("event", "claimant_actor"),
            kwargs["version"],
            pk=kwargs["pk"],
        )
        version = drafts.apply_fields(Claim(pk=claim.pk), approval.snapshot)
        rows = approval.snapshot["inlines"].get("citation_links", [])
        citations = (
            Citation.objects.public()
            .select_related("source__actor")
            .in_bulk([row["citation"] for row in rows])
        )
        context.update(
            self.version_context(claim, approval),
            version=version,
            claimant=(
                Actor.objects.public().filter(pk=version.claimant_actor_id).first()
                if version.claimant_actor_id
                else None
            ),
            event_is_public=True,
            links=[
                {**row, "citation": citations[row["citation"]]}
                for row in rows
                if row["citation"] in citations
            ],
            citable=versions.Citable(claim, approval),
        )
        return context


CITATION_FORMATS = {
    "json": ("application/vnd.citationstyles.csl+json; charset=utf-8", "csl_json"),
    "bib": ("application/x-bibtex; charset=utf-8", "bibtex"),
}


def version_citation(request, kind, version, extension, **lookup):
    """A published version's reference for a reference manager: CSL-JSON or BibTeX."""
    if extension not in CITATION_FORMATS:
        raise Http404
    if kind == "events":
        entry, approval = published_version(Event.objects.public(), version, **lookup)
        citable = versions.Citable(entry, approval, title=approval.snapshot["fields"]["title"])
    else:
        entries = Claim.objects.public().select_related("event", "claimant_actor")
        entry, approval = published_version(entries, version, **lookup)
        citable = versions.Citable(entry, approval)
    content_type, writer = CITATION_FORMATS[extension]
    body = getattr(citable, writer)()
    if extension == "json":
        body = json.dumps(body, ensure_ascii=False, indent=2) + "\n"
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{citable.key}.{extension}"'
    return response


class CorrectionsView(ListView):
    """Every correction of a public event or claim, newest first."""

    template_name = "events/corrections.html"
    paginate_by = LIST_PAGE_SIZE

    def get_queryset(self):
        return versions.public_corrections()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["corrections"] = versions.attach_entries(context["object_list"])
        return context


# Actors and places ---------------------------------------------------------------------


class ActorListView(ListView):
    template_name = "events/actor_list.html"
    context_object_name = "actors"
    paginate_by = LIST_PAGE_SIZE

    def get_queryset(self):
        return (
            Actor.objects.public()
            .select_related("parent")
            .annotate(
                parent_is_public=Exists(Actor.objects.public().filter(pk=OuterRef("parent_id"))),
                event_count=count_of(EventActor.objects.public(), "actor"),
                claim_count=count_of(Claim.objects.public(), "claimant_actor"),
            )
            .order_by("name", "pk")
        )


class ActorDetailView(DetailView):
    template_name = "events/actor_detail.html"
    context_object_name = "actor"

    def get_queryset(self):
        return (
            Actor.objects.public()
            .select_related("parent")
            .annotate(
                parent_is_public=Exists(Actor.objects.public().filter(pk=OuterRef("parent_id")))
            )
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        actor = self.object
        roles = EventActor.objects.public().filter(actor=actor)
        claims = Claim.objects.public().filter(claimant_actor=actor)
        context.update(
            roles=roles.select_related("event__place").order_by(
                "event__start_date", "event__title", "id"
            )[:DETAIL_LIST_SIZE],
            roles_total=roles.count(),
            claims=claims.select_related("event").order_by("event__start_date", "id")[
                :DETAIL_LIST_SIZE
            ],
            claims_total=claims.count(),
            all_events_url=f"{reverse('events:event_list')}?actor={actor.pk}",
            all_claims_url=f"{reverse('events:claim_list')}?claimant={actor.pk}",
            members=Actor.objects.public().filter(parent=actor).order_by("name", "pk"),
            sources=Source.objects.public().filter(actor=actor).order_by("name", "pk"),
        )
        return context


class PlaceListView(ListView):
    template_name = "events/place_list.html"
    context_object_name = "places"
    paginate_by = LIST_PAGE_SIZE

    def get_queryset(self):
        return (
            Place.objects.public()
            .annotate(event_count=count_of(Event.objects.public(), "place"))
            .order_by("name", "pk")
        )


class PlaceDetailView(DetailView):
    template_name = "events/place_detail.html"
    context_object_name = "place"

    def get_queryset(self):
        return Place.objects.public()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        events = Event.objects.public().filter(place=self.object)
        context["events"] = (
            events.select_related("place")
            .annotate(claim_count=count_of(Claim.objects.public(), "event"))
            .order_by("start_date", "title", "pk")[:DETAIL_LIST_SIZE]
        )
        context["events_total"] = events.count()
        context["all_events_url"] = f"{reverse('events:event_list')}?place={self.object.pk}"
        context["map_places"] = [self.object]
        return context


class MapView(TemplateView):
    template_name = "events/map.html"
    # The places named in words under the maps: those with the most events, and those the
    # maps cannot show (no coordinates). Every other place is a link on the maps and in the
    # place list, which a long record would otherwise repeat in full here.
    index_size = 40

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        places = list(
            Place.objects.public()
            .only("slug", "name", "latitude", "longitude")  # what the map and its index write
            .annotate(event_count=count_of(Event.objects.public(), "place"))
            .order_by("name", "pk")
        )
        busiest = sorted(places, key=lambda place: -place.event_count)[: self.index_size]
        index = [place for place in places if place in busiest or place.latitude is None]
        context.update(
            places=places,
            index=index,
            index_is_partial=len(index) < len(places),
            index_size=self.index_size,
        )
        return context


# Search and exports ------------------------------------------------------------------


class SearchForm(forms.Form):
    q = forms.CharField(
        label=gettext_lazy("Search the record"),
        max_length=search_module.MAX_QUERY_LENGTH,
        required=False,
    )


class SearchView(TemplateView):
    template_name = "events/search.html"
    limit = 25

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = SearchForm(self.request.GET or None)
        context["form"] = form
        if form.is_valid() and search_module.clean_query(form.cleaned_data["q"]):
            # One more than shown tells whether a section has more.
            results = search_module.search(form.cleaned_data["q"], self.limit + 1)
            sections = []
            for key, title, rows in (
                ("events", _("Events"), results.events),
                ("claims", _("Claims"), results.claims),
                ("citations", _("Citations"), results.citations),
            ):
                page = list(rows)
                sections.append(
                    {
                        "key": key,
                        "title": title,
                        "rows": page[: self.limit],
                        "more": len(page) > self.limit,
                    }
                )
            context.update(
                query=results.query,
                sections=sections,
                total=sum(len(section["rows"]) for section in sections),
            )
        return context


class ExportsView(TemplateView):
    """The downloads, with each file's size and the time it was built."""

    template_name = "events/exports.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        export_files.refresh_if_stale()
        built = export_files.manifest()
        files = built["files"] if built else {}
        context["built_at"] = parse_datetime(built["built_at"]) if built else None
        context["current"] = export_files.is_current(built)
        context["files"] = {
            name.replace(".", "_"): {
                "url": reverse(f"events:export_{name.replace('.', '_')}"),
                **info,
            }
            for name, info in files.items()
        }
        return context


def export_download(request, name):
    """A whole-record export, served from the last complete build (see export_files.py)."""
    if name not in EXPORTS:
        raise Http404
    export_files.refresh_if_stale()
    built = export_files.manifest()
    if built is None or name not in built["files"]:
        response = HttpResponse(
            _("The export is being prepared. Try again in a minute."),
            status=503,
            content_type="text/plain; charset=utf-8",
        )
        response["Retry-After"] = "60"
        return response
    content_type, _writer = EXPORTS[name]
    built_at = parse_datetime(built["built_at"])
    stem, extension = name.rsplit(".", 1)
    response = FileResponse(
        open(export_files.root() / name, "rb"),
        as_attachment=True,
        filename=f"kidal-{stem}-{built_at:%Y-%m-%d}.{extension}",
        content_type=content_type,
    )
    response["Last-Modified"] = http_date(built_at.timestamp())
    response["Digest"] = f"sha-256={built['files'][name]['sha256']}"
    return response


# A filtered export is streamed as it is read, so it must stay small enough to finish well
# within a worker's timeout; larger selections come from the whole-record files.
FILTERED_EXPORT_LIMIT = 2000
FILTERED_EXPORTS = {
    "events": (EventFilter, lambda: Event.objects.public().order_by("start_date", "title", "id")),
    "claims": (
        ClaimFilter,
        lambda: Claim.objects.public().order_by("event__start_date", "event__title", "id"),
    ),
}


def filtered_export(request, kind, extension):
    """The public events or claims a list's filters select, as CSV or JSON."""
    name = f"{kind}.{extension}"
    if name not in EXPORTS:
        raise Http404
    filter_class, public_entries = FILTERED_EXPORTS[kind]
    filterset = filter_class(request.GET, queryset=public_entries())
    if not filterset.is_valid():
        errors = "; ".join(f"{field}: {' '.join(e)}" for field, e in filterset.errors.items())
        return HttpResponseBadRequest(
            _("These filters cannot be applied: %(errors)s") % {"errors": errors},
            content_type="text/plain; charset=utf-8",
        )
    selection = filterset.qs
    if selection.count() > FILTERED_EXPORT_LIMIT:
        return HttpResponseBadRequest(
            _(
                "More than %(limit)s entries match these filters. Narrow them, or download "
                "the whole record from %(url)s."
            )
            % {
                "limit": FILTERED_EXPORT_LIMIT,
                "url": request.build_absolute_uri(reverse("events:exports")),
            },
            content_type="text/plain; charset=utf-8",
        )
    content_type, writer = EXPORTS[name]
    response = StreamingHttpResponse(
        writer(settings.KIDAL_SITE_URL, selection), content_type=content_type
    )
    response["Content-Disposition"] = f'attachment; filename="kidal-{kind}-selection.{extension}"'
    add_never_cache_headers(response)
    return response


def selection_export_links(request, kind, count):
    """Links to download what a list shows, or None when it is too large to stream."""
    if count > FILTERED_EXPORT_LIMIT:
        return None
    query = request.GET.copy()
    query.pop("page", None)
    suffix = f"?{query.urlencode()}" if query else ""
    return {
        extension: reverse(f"events:{kind}_selection_export", args=[extension]) + suffix
        for extension in ("csv", "json")
    }


class RobotsView(TemplateView):
    template_name = "robots.txt"
    content_type = "text/plain; charset=utf-8"


def switch_language(request, code):
    """Read the site in another language: a plain link, so public pages hold no form and
    no per-reader token, and can be cached and mirrored."""
    if code not in dict(settings.LANGUAGES):
        raise Http404
    next_url = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = reverse("events:home")
    response = HttpResponseRedirect(next_url)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        code,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        secure=settings.LANGUAGE_COOKIE_SECURE,
    )
    return response
