"""Indexes for what grows to millions of rows: the audit log reads review steps and
django-reversion's revisions newest first (many share a time when a batch is saved, so the
order needs the id too; reversion's own migrations index the date only), and the review
queue reads each state's entries that have waited longest."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("reversion", "0002_add_index_on_version_for_content_type_and_db"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("events", "0011_stored_search_vectors"),
        ("sources", "0006_log_and_queue_indexes"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunSQL(
            "CREATE INDEX reversion_revision_recent "
            "ON reversion_revision (date_created DESC, id DESC)",
            "DROP INDEX reversion_revision_recent",
        ),
        migrations.AddIndex(
            model_name="claim",
            index=models.Index(
                fields=["status", "last_edited_at", "id"], name="events_claim_queue"
            ),
        ),
        migrations.AddIndex(
            model_name="event",
            index=models.Index(
                fields=["status", "last_edited_at", "id"], name="events_event_queue"
            ),
        ),
        migrations.AddIndex(
            model_name="transition",
            index=models.Index(fields=["-created_at", "-id"], name="events_transition_recent"),
        ),
    ]
