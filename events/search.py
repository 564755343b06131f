"""Search across public events, claims and citations.

On PostgreSQL: full-text search over a weighted tsvector, accent-insensitive through
the immutable ``kidal_unaccent`` wrapper created by migration 0004_search. The vector of
each table (VECTORS below) is a stored, generated, GIN-indexed ``search_vector`` column
(migration 0011), so ranking many matches reads stored vectors; a partial index of each public
row's id and vector (migration 0022) lets the ranking of a common word read that index alone.
The search page ranks ids first and reads whole rows only for the best few. Elsewhere
(SQLite): every word must appear, accents and case folded, in one of the same fields, ranked
by field weight.
Every search starts from the models' ``public()`` querysets.
"""

import unicodedata
from dataclasses import dataclass

from django.db import connection
from django.db.models import (
    BooleanField,
    Case,
    F,
    FloatField,
    Func,
    IntegerField,
    Q,
    TextField,
    Value,
    When,
)
from django.db.models.expressions import RawSQL

from sources.models import Citation

from .models import Claim, Event

MAX_QUERY_LENGTH = 200
CONFIG = "simple"

# (table, [(column, weight), ...]): the fields searched and their weights, A highest.
VECTORS = {
    "event": ("events_event", [("title", "A"), ("summary", "B")]),
    "claim": ("events_claim", [("text", "A"), ("claimant_label", "B"), ("figure_unit", "C")]),
    "citation": ("sources_citation", [("title", "A"), ("author", "B")]),
}
WEIGHT_POINTS = {"A": 4, "B": 2, "C": 1}


def fold(text):
    """Lower case without accents: "Anéfis" → "anefis"."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def clean_query(query):
    return " ".join((query or "").split())[:MAX_QUERY_LENGTH]


@dataclass
class Results:
    query: str
    events: object
    claims: object
    citations: object


def _postgres(queryset, name, query):
    tsquery = f"websearch_to_tsquery('{CONFIG}'::regconfig, kidal_unaccent(%s))"
    table, _fields = VECTORS[name]
    vector = f'"{table}".search_vector'
    return (
        queryset.annotate(
            search_match=RawSQL(f"({vector}) @@ {tsquery}", [query], output_field=BooleanField()),
            rank=RawSQL(f"ts_rank({vector}, {tsquery})", [query], output_field=FloatField()),
        )
        .filter(search_match=True)
        .order_by("-rank", "pk")
    )


def _register_sqlite_fold():
    connection.ensure_connection()
    connection.connection.create_function(
        "kidal_fold", 1, lambda value: fold(value) if value is not None else "", deterministic=True
    )


def _fallback(queryset, name, query):
    _table, fields = VECTORS[name]
    terms = [term for term in fold(query).replace('"', " ").split() if term.strip("-")]
    if not terms:
        return queryset.none()
    folded = {
        f"_fold_{column}": Func(F(column), function="kidal_fold", output_field=TextField())
        for column, _weight in fields
    }
    queryset = queryset.annotate(**folded)
    rank = Value(0, output_field=IntegerField())
    for term in terms:
        matches = Q()
        for column, weight in fields:
            lookup = {f"_fold_{column}__contains": term}
            matches |= Q(**lookup)
            rank = rank + Case(
                When(Q(**lookup), then=Value(WEIGHT_POINTS[weight])),
                default=Value(0),
                output_field=IntegerField(),
            )
        queryset = queryset.filter(matches)
    return queryset.annotate(rank=rank).order_by("-rank", "pk")


def matching(queryset, name, query):
    """``queryset`` narrowed to the rows matching ``query``, best first."""
    query = clean_query(query)
    if not query:
        return queryset.none()
    if connection.vendor == "postgresql":
        return _postgres(queryset, name, query)
    if connection.vendor == "sqlite":
        _register_sqlite_fold()
        return _fallback(queryset, name, query)
    # Other databases: a plain case-insensitive match, without accent folding.
    _table, fields = VECTORS[name]
    matches = Q()
    for column, _weight in fields:
        matches |= Q(**{f"{column}__icontains": query})
    return queryset.filter(matches).annotate(rank=Value(1)).order_by("pk")


def best(queryset, name, query, limit):
    """The ``limit`` rows of ``queryset`` that match ``query`` best, best first (all the
    matching rows when ``limit`` is None).

    A word found in half the record matches tens of thousands of rows: they are ranked on
    their ids and vectors alone, and only the best are read whole (with their joins)."""
    if limit is None:
        return matching(queryset, name, query)
    # A list, not a subquery: the vector's SQL names the table, which a subquery renames.
    top = list(matching(queryset, name, query).values_list("pk", flat=True)[:limit])
    return matching(queryset.filter(pk__in=top), name, query)


def search(query, limit=None):
    """The public events, claims and citations matching ``query``, best first: the ``limit``
    best of each, or all of them."""
    query = clean_query(query)
    return Results(
        query=query,
        events=best(Event.objects.public().select_related("place"), "event", query, limit),
        claims=best(
            Claim.objects.public().select_related("event", "claimant_actor"), "claim", query, limit
        ),
        citations=best(
            Citation.objects.public().select_related("source__actor"), "citation", query, limit
        ),
    )
