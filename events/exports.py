"""CSV and JSON exports of the public record, written row by row (see export_files.py).

The events export follows ACLED's column names (event_date, time_precision, disorder_type,
event_type, actor1, inter1, interaction, civilian_targeting, admin1–3, location, latitude,
longitude, geo_precision, source, source_scale, fatalities…) for every column the record can
derive; docs/exports.md documents each column and how it is derived. The claims export keeps
one row per claim: who claimed what, with its citations, the parties and the corroboration.
"""

import csv
import re

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Prefetch

from . import dates
from .models import Actor, Claim, Event, EventActor, Place
from .prefetches import public_citation_links, public_related
from .text import spreadsheet_safe

CHUNK_SIZE = 200

ACLED_EVENT_TYPES = {
    Event.Type.BATTLE: ("Battles", "Armed clash"),
    Event.Type.AIR_DRONE_STRIKE: ("Explosions/Remote violence", "Air/drone strike"),
    Event.Type.REMOTE_VIOLENCE: ("Explosions/Remote violence", "Shelling/artillery/missile attack"),
    Event.Type.VIOLENCE_AGAINST_CIVILIANS: ("Violence against civilians", "Attack"),
    Event.Type.STRATEGIC_DEVELOPMENT: ("Strategic developments", "Other"),
    Event.Type.CAMPAIGN: ("", ""),
    Event.Type.OTHER: ("", ""),
}
# ACLED's disorder type of each of its event types (ACLED codebook 2023).
DISORDER_TYPES = {
    "Battles": "Political violence",
    "Explosions/Remote violence": "Political violence",
    "Violence against civilians": "Political violence",
    "Strategic developments": "Strategic developments",
}
# ACLED's interaction codes from an actor's kind: 1 state forces, 2 rebel groups, 3 political
# militias, 4 identity militias, 5 rioters, 6 protesters, 7 civilians, 8 external/other forces.
INTERACTION_CODES = {
    Actor.Kind.STATE_FORCE: 1,
    Actor.Kind.GOVERNMENT: 1,
    Actor.Kind.ARMED_GROUP: 2,
    Actor.Kind.COALITION: 2,
    Actor.Kind.PRIVATE_MILITARY_COMPANY: 8,
    Actor.Kind.UN_MISSION: 8,
    Actor.Kind.CIVILIAN_AUTHORITY: 7,
    Actor.Kind.CIVILIANS: 7,
    Actor.Kind.MEDIA: 7,
    Actor.Kind.OTHER: 8,
}
# ACLED's source scale of an outlet, from its country compared with the event's.
NEIGHBOURS = {"ML": {"DZ", "NE", "BF", "CI", "GN", "SN", "MR"}}
SOURCE_SCALES = ["New media", "Other", "National", "Regional", "International"]
TIME_PRECISION = {"day": 1, "night": 1, "approximate": 2, "month": 3}
GEO_PRECISION = {
    Place.Precision.EXACT: 1,
    Place.Precision.TOWN: 1,
    Place.Precision.AREA: 2,
    Place.Precision.REGION: 3,
}
COUNTRIES = {"ML": ("Mali", 466, "Western Africa")}
FIRST_ACTOR_ROLES = {EventActor.Role.ATTACKER, EventActor.Role.PERPETRATOR}
SECOND_ACTOR_ROLES = {EventActor.Role.DEFENDER, EventActor.Role.TARGET, EventActor.Role.VICTIM}
KILLED = re.compile(r"kill|dead|death|fatalit|tué|mort", re.IGNORECASE)

EVENT_COLUMNS = [
    "event_id_cnty",
    "event_date",
    "year",
    "time_precision",
    "disorder_type",
    "event_type",
    "sub_event_type",
    "actor1",
    "assoc_actor_1",
    "inter1",
    "actor2",
    "assoc_actor_2",
    "inter2",
    "interaction",
    "civilian_targeting",
    "region",
    "country",
    "iso",
    "admin1",
    "admin2",
    "admin3",
    "location",
    "latitude",
    "longitude",
    "geo_precision",
    "source",
    "source_scale",
    "notes",
    "fatalities",
    "timestamp",
    # Columns of this record beyond ACLED's:
    "end_date",
    "date_precision",
    "date_text",
    "record_event_type",
    "title",
    "claim_count",
    "url",
]
CLAIM_COLUMNS = [
    "claim_id",
    "event_id_cnty",
    "event_date",
    "event_title",
    "event_type",
    "admin1",
    "location",
    "latitude",
    "longitude",
    "claimant",
    "claimant_is_actor",
    "claimant_side",
    "kind",
    "claim",
    "figure_low",
    "figure_high",
    "figure_unit",
    "figure_kind",
    "figure",
    "assessment",
    "independent_outlets",
    "party_outlets",
    "disputed_by_citation",
    "contradicts",
    "language",
    "sources",
    "party_sources",
    "citations",
    "url",
]


def _absolute(site, path):
    return f"{site}{path}"


def claim_prefetches():
    return [
        Prefetch("citation_links", queryset=public_citation_links()),
        public_related("contradicts", Claim.objects.only("id")),
    ]


def public_claims(claims=None):
    """The public claims to export (all, or the given selection of public claims)."""
    if claims is None:
        claims = Claim.objects.public().order_by("event__start_date", "event_id", "id")
    return claims.select_related("event__place", "claimant_actor").prefetch_related(
        *claim_prefetches()
    )


def public_events(events=None):
    """The public events to export (all, or the given selection of public events)."""
    if events is None:
        events = Event.objects.public().order_by("start_date", "id")
    return events.select_related("place").prefetch_related(
        public_related("actor_roles", EventActor.objects.select_related("actor")),
        public_related(
            "claims",
            Claim.objects.select_related("claimant_actor").prefetch_related(*claim_prefetches()),
        ),
    )


def event_code(event):
    return f"MLI{event.pk}"


def _place_columns(place):
    if place is None:
        return {
            "region": "",
            "country": "",
            "iso": "",
            "admin1": "",
            "admin2": "",
            "admin3": "",
            "location": "",
            "latitude": "",
            "longitude": "",
            "geo_precision": "",
        }
    country, iso, region = COUNTRIES.get(place.country, (place.country, "", ""))
    return {
        "region": region,
        "country": country,
        "iso": iso,
        "admin1": place.region,
        "admin2": place.admin2,
        "admin3": place.admin3,
        "location": place.name,
        "latitude": "" if place.latitude is None else place.latitude,
        "longitude": "" if place.longitude is None else place.longitude,
        "geo_precision": GEO_PRECISION.get(place.coordinate_precision, ""),
    }


def _sources(claims):
    sources = {}
    for claim in claims:
        for link in claim.citation_links.all():
            sources.setdefault(link.citation.source_id, link.citation.source)
    return list(sources.values())


def _outlets(claims):
    return [source.name for source in _sources(claims)]


def source_scale(sources, country):
    """ACLED's source scale: National for outlets of the event's country, Regional for its
    neighbours', International for others', New media for social media accounts, Other when
    the country is unknown; several scales joined with "-" in ACLED's order."""
    scales = set()
    for source in sources:
        if source.kind == source.Kind.SOCIAL_MEDIA:
            scales.add("New media")
        elif not source.country:
            scales.add("Other")
        elif source.country == country:
            scales.add("National")
        elif source.country in NEIGHBOURS.get(country, ()):
            scales.add("Regional")
        else:
            scales.add("International")
    return "-".join(scale for scale in SOURCE_SCALES if scale in scales)


def fatalities(claims):
    figures = [
        claim.figure_low
        for claim in claims
        if claim.kind == Claim.Kind.CASUALTIES
        and claim.figure_low is not None
        and KILLED.search(claim.figure_unit)
    ]
    return min(figures) if figures else ""


def _names(actors):
    return "; ".join(actor.name for actor in actors)


def interaction(inter1, inter2):
    """ACLED's interaction: the two codes, lower first; a code and 0 for an actor alone."""
    if not inter1:
        return ""
    return int("".join(sorted(f"{inter1}{inter2}"))) if inter2 else inter1 * 10


def _actors(event):
    first, second, other = [], [], []
    for role in event.actor_roles.all():
        if role.role in FIRST_ACTOR_ROLES:
            first.append(role.actor)
        elif role.role in SECOND_ACTOR_ROLES:
            second.append(role.actor)
        else:
            other.append(role.actor)
    if not first and other:
        first.append(other.pop(0))
    if not second and other:
        second.append(other.pop(0))
    inter1 = INTERACTION_CODES.get(first[0].kind, "") if first else ""
    inter2 = INTERACTION_CODES.get(second[0].kind, "") if second else ""
    return {
        "actor1": first[0].name if first else "",
        "assoc_actor_1": _names(first[1:] + other),
        "inter1": inter1,
        "actor2": second[0].name if second else "",
        "assoc_actor_2": _names(second[1:]),
        "inter2": inter2,
        "interaction": interaction(inter1, inter2),
    }


def civilian_targeting(event, disorder_type):
    """ACLED's "Civilian targeting": violence against civilians, or political violence whose
    target or victim is civilians."""
    if event.event_type == Event.Type.VIOLENCE_AGAINST_CIVILIANS:
        return "Civilian targeting"
    if disorder_type == "Political violence" and any(
        role.role in SECOND_ACTOR_ROLES and role.actor.kind == Actor.Kind.CIVILIANS
        for role in event.actor_roles.all()
    ):
        return "Civilian targeting"
    return ""


def citation_record(link, site):
    citation = link.citation
    return {
        "number": getattr(link, "number", None),
        "source": citation.source.name,
        "source_is_party": citation.source.is_party,
        "source_side": citation.source.party_side,
        "republishes": citation.republishes_id,
        "title": citation.title,
        "author": citation.author,
        "published_on": citation.published_on,
        "language": citation.language,
        "url": citation.url,
        "archive_url": citation.archive_url,
        "stance": link.stance,
        "quote": link.quote,
        "quote_language": link.quote_language,
        "translation": link.translation,
        "locator": link.locator,
        "page": _absolute(site, citation.get_absolute_url()),
        "reported_by": _reported_by_record(link, site),
    }


def _reported_by_record(link, site):
    """The document through which the record knows the cited one, if it is public."""
    reporter = link.public_reported_by
    if reporter is None:
        return None
    return {
        "source": reporter.source.name,
        "title": reporter.title,
        "published_on": reporter.published_on,
        "page": _absolute(site, reporter.get_absolute_url()),
    }


def _document_text(citation):
    parts = [citation.source.name, f"“{citation.title}”"]
    if citation.published_on:
        parts.append(citation.published_on.isoformat())
    if citation.url:
        parts.append(citation.url)
    return ", ".join(parts)


def _citation_text(link):
    text = _document_text(link.citation)
    reporter = link.public_reported_by
    if reporter is not None:
        text += f" (as reported by {_document_text(reporter)})"
    return text


def event_row(event, site):
    claims = list(event.claims.all())
    acled_type, sub_type = ACLED_EVENT_TYPES.get(event.event_type, ("", ""))
    disorder_type = DISORDER_TYPES.get(acled_type, "")
    stamp = event.corrected_at or event.first_published_at
    sources = _sources(claims)
    return {
        "event_id_cnty": event_code(event),
        "event_date": event.start_date.isoformat(),
        "year": event.start_date.year,
        "time_precision": TIME_PRECISION.get(event.date_precision, 3),
        "disorder_type": disorder_type,
        "event_type": acled_type,
        "sub_event_type": sub_type,
        **_actors(event),
        "civilian_targeting": civilian_targeting(event, disorder_type),
        **_place_columns(event.place),
        "source": "; ".join(source.name for source in sources),
        "source_scale": source_scale(sources, event.place.country if event.place else "ML"),
        "notes": event.summary,
        "fatalities": fatalities(claims),
        "timestamp": int(stamp.timestamp()) if stamp else "",
        "end_date": event.end_date.isoformat() if event.end_date else "",
        "date_precision": event.date_precision,
        "date_text": dates.event_period(event),
        "record_event_type": event.event_type,
        "title": event.title,
        "claim_count": len(claims),
        "url": _absolute(site, event.get_absolute_url()),
    }


def claim_row(claim, site, event=None):
    event = event or claim.event
    place = _place_columns(event.place)
    links = list(claim.citation_links.all())
    return {
        "claim_id": claim.pk,
        "event_id_cnty": event_code(event),
        "event_date": event.start_date.isoformat(),
        "event_title": event.title,
        "event_type": event.event_type,
        "admin1": place["admin1"],
        "location": place["location"],
        "latitude": place["latitude"],
        "longitude": place["longitude"],
        "claimant": claim.claimant,
        "claimant_is_actor": bool(claim.claimant_actor_id),
        "claimant_side": claim.claimant_side,
        "kind": claim.kind,
        "claim": claim.text,
        "figure_low": "" if claim.figure_low is None else claim.figure_low,
        "figure_high": "" if claim.figure_high is None else claim.figure_high,
        "figure_unit": claim.figure_unit,
        "figure_kind": claim.figure_kind,
        "figure": claim.figure_display,
        "assessment": claim.assessment,
        "independent_outlets": claim.independent_outlets,
        "party_outlets": claim.party_outlets,
        "disputed_by_citation": claim.disputed_by_citation,
        "contradicts": " ".join(str(other.pk) for other in claim.contradicts.all()),
        "language": claim.language,
        "sources": "; ".join(_outlets([claim])),
        "party_sources": "; ".join(source.name for source in _sources([claim]) if source.is_party),
        "citations": " | ".join(_citation_text(link) for link in links),
        "url": _absolute(site, claim.get_absolute_url()),
    }


class _Echo:
    def write(self, value):
        return value


# Columns written as numbers (ids, years, precision codes, coordinates, figures, counts, Unix
# times): the database types them, and a negative longitude must stay a number a spreadsheet
# can compute with. Every other column is text, much of it typed by editors, and is written
# through text.spreadsheet_safe so that no cell starts a formula. The JSON exports are data,
# not spreadsheets, and carry the text unchanged.
NUMBER_COLUMNS = frozenset(
    {
        "claim_id",
        "year",
        "time_precision",
        "latitude",
        "longitude",
        "geo_precision",
        "fatalities",
        "timestamp",
        "claim_count",
        "figure_low",
        "figure_high",
        "inter1",
        "inter2",
        "interaction",
        "independent_outlets",
        "party_outlets",
    }
)


def _csv_cell(column, value):
    return value if column in NUMBER_COLUMNS else spreadsheet_safe(value)


def _csv_stream(columns, rows):
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(columns)
    for row in rows:
        yield writer.writerow([_csv_cell(column, row[column]) for column in columns])


def _json_stream(records):
    encoder = DjangoJSONEncoder(ensure_ascii=False)
    yield "[\n"
    first = True
    for record in records:
        yield ("" if first else ",\n") + encoder.encode(record)
        first = False
    yield "\n]\n"


def events_csv(site, events=None):
    rows = (event_row(event, site) for event in public_events(events).iterator(CHUNK_SIZE))
    return _csv_stream(EVENT_COLUMNS, rows)


def claims_csv(site, claims=None):
    rows = (claim_row(claim, site) for claim in public_claims(claims).iterator(CHUNK_SIZE))
    return _csv_stream(CLAIM_COLUMNS, rows)


def _event_record(event, site):
    record = event_row(event, site)
    record["claims"] = [
        {
            **claim_row(claim, site, event=event),
            "citations": [citation_record(link, site) for link in claim.citation_links.all()],
        }
        for claim in event.claims.all()
    ]
    return record


def events_json(site, events=None):
    return _json_stream(
        _event_record(event, site) for event in public_events(events).iterator(CHUNK_SIZE)
    )


def _claim_record(claim, site):
    record = claim_row(claim, site)
    record["contradicts"] = [other.pk for other in claim.contradicts.all()]
    record["citations"] = [citation_record(link, site) for link in claim.citation_links.all()]
    return record


def claims_json(site, claims=None):
    return _json_stream(
        _claim_record(claim, site) for claim in public_claims(claims).iterator(CHUNK_SIZE)
    )


CSV, JSON = "text/csv; charset=utf-8", "application/json; charset=utf-8"
# File name: (content type, writer of its text chunks given the site's address and, for a
# filtered export, the selection of public entries).
EXPORTS = {
    "events.csv": (CSV, events_csv),
    "events.json": (JSON, events_json),
    "claims.csv": (CSV, claims_csv),
    "claims.json": (JSON, claims_json),
}
