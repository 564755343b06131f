"""Store the publication rule's answer on every existing row.

This uses the current models' ``meets_publication_rule()`` on purpose: the rule is code, not
schema, and it reads only columns that exist from migration 0006 on.
"""

from django.db import migrations


def compute(apps, schema_editor):
    from events import publication

    # The claims' corroboration columns come later (migration 0014 computes them).
    publication.refresh_all(corroboration=False)


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0008_public_state"),
        ("sources", "0004_public_state"),
    ]

    operations = [migrations.RunPython(compute, migrations.RunPython.noop)]
