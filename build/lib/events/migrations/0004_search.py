"""Full-text search on PostgreSQL: the unaccent extension, an immutable wrapper and GIN
indexes on the weighted search vectors of events/search.py. Nothing on other databases."""

from django.db import migrations

UNACCENT_FUNCTION = """
CREATE OR REPLACE FUNCTION kidal_unaccent(text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
AS $$ SELECT public.unaccent('public.unaccent'::regdictionary, $1) $$;
"""

# The vectors of events.search.VECTORS (stored as columns since 0011).
INDEXES = {
    "events_event_search": (
        "events_event",
        [("title", "A"), ("summary", "B")],
    ),
    "events_claim_search": (
        "events_claim",
        [("text", "A"), ("claimant_label", "B"), ("figure_unit", "C")],
    ),
    "sources_citation_search": (
        "sources_citation",
        [("title", "A"), ("author", "B")],
    ),
}


def _vector(fields):
    return " || ".join(
        "setweight(to_tsvector('simple'::regconfig, "
        f"kidal_unaccent(coalesce(\"{column}\", ''))), '{weight}')"
        for column, weight in fields
    )


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS unaccent WITH SCHEMA public")
    schema_editor.execute(UNACCENT_FUNCTION)
    for name, (table, fields) in INDEXES.items():
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" USING gin (({_vector(fields)}))'
        )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')
    schema_editor.execute("DROP FUNCTION IF EXISTS kidal_unaccent(text)")


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0003_editorial_groups"),
        ("sources", "0001_initial"),
    ]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
