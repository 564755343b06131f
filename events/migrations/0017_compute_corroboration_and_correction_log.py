"""Compute every claim's corroboration, and log the correction notes already published.

Like 0009, the corroboration uses the current rule (code, not schema). Before 0013 an entry
kept only its latest correction note: it is written onto the approval that published it (the
first approval from the moment the note was set), so the public log starts with it.
"""

from django.db import migrations

NOTED_MODELS = [
    ("events", "event"),
    ("events", "claim"),
    ("events", "actor"),
    ("events", "place"),
    ("sources", "citation"),
    ("sources", "source"),
]


def compute(apps, schema_editor):
    from events import publication

    publication.refresh_corroboration()
    ContentType = apps.get_model("contenttypes", "ContentType")
    Transition = apps.get_model("events", "Transition")
    for app_label, model_name in NOTED_MODELS:
        content_type = ContentType.objects.filter(app_label=app_label, model=model_name).first()
        if content_type is None:
            continue
        model = apps.get_model(app_label, model_name)
        noted = model.objects.exclude(correction_note="").exclude(corrected_at=None)
        for pk, note, corrected_at in noted.values_list("pk", "correction_note", "corrected_at"):
            approval = (
                Transition.objects.filter(
                    content_type=content_type,
                    object_id=str(pk),
                    action="approve",
                    created_at__gte=corrected_at,
                )
                .order_by("created_at", "pk")
                .first()
            )
            if approval is not None:
                Transition.objects.filter(pk=approval.pk).update(correction_note=note)


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0016_parties_corroboration_corrections"),
        ("sources", "0007_parties_and_republications"),
    ]

    operations = [migrations.RunPython(compute, migrations.RunPython.noop)]
