"""Ranking a common word on PostgreSQL: a partial index of each public row's id and search
vector, so that ranking tens of thousands of matches reads the index alone instead of the
whole table (events/search.py). The vectors are PostgreSQL's generated columns (migration
0011), so there is nothing to do on other databases."""

from django.db import migrations

TABLES = ["events_event", "events_claim", "sources_citation"]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(
            f'CREATE INDEX "{table}_public_search" ON "{table}" (id) INCLUDE (search_vector) '
            "WHERE is_public"
        )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f'DROP INDEX "{table}_public_search"')


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0021_sitemap_indexes"),
        ("sources", "0008_sitemap_indexes"),
    ]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
