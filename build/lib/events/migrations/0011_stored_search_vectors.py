"""Full-text search on PostgreSQL reads stored vectors: each searched table gets a generated
``search_vector`` column (the weighted vector of events/search.py, kept up to date by the
database) with a GIN index, in place of 0004's expression indexes. Ranking a common word's
tens of thousands of matches then reads the stored vectors instead of rebuilding each one.
Nothing on other databases."""

from django.db import migrations

# Keep in step with events.search.VECTORS.
VECTORS = {
    "events_event": [("title", "A"), ("summary", "B")],
    "events_claim": [("text", "A"), ("claimant_label", "B"), ("figure_unit", "C")],
    "sources_citation": [("title", "A"), ("author", "B")],
}
EXPRESSION_INDEXES = {
    "events_event": "events_event_search",
    "events_claim": "events_claim_search",
    "sources_citation": "sources_citation_search",
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
    for table, fields in VECTORS.items():
        schema_editor.execute(
            f'ALTER TABLE "{table}" ADD COLUMN search_vector tsvector '
            f"GENERATED ALWAYS AS ({_vector(fields)}) STORED"
        )
        schema_editor.execute(
            f'CREATE INDEX "{table}_search_vector" ON "{table}" USING gin (search_vector)'
        )
        schema_editor.execute(f'DROP INDEX IF EXISTS "{EXPRESSION_INDEXES[table]}"')


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, fields in VECTORS.items():
        schema_editor.execute(f'ALTER TABLE "{table}" DROP COLUMN search_vector')
        schema_editor.execute(
            f'CREATE INDEX "{EXPRESSION_INDEXES[table]}" ON "{table}" USING gin (({_vector(fields)}))'
        )


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0010_public_indexes"),
        ("sources", "0005_public_indexes"),
    ]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
