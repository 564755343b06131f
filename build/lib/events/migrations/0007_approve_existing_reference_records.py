"""Actors, places and sources are reviewed from now on: what existed is taken as approved
(it was public before), and reviewers may approve them."""

from django.contrib.auth.management import create_permissions
from django.db import migrations
from django.utils import timezone

REFERENCE_MODELS = [("events", "actor"), ("events", "place"), ("sources", "source")]


def approve_existing(apps, schema_editor):
    now = timezone.now()
    for app_label, model_name in REFERENCE_MODELS:
        apps.get_model(app_label, model_name).objects.update(
            status="approved", is_live=True, first_published_at=now, last_reviewed_at=now
        )
    # Permissions are normally created after all migrations; the group needs them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    reviewers = Group.objects.filter(name="Reviewers").first()
    if reviewers is not None:
        reviewers.permissions.add(
            *[
                Permission.objects.get(
                    content_type__app_label=app_label, codename=f"approve_{model_name}"
                )
                for app_label, model_name in REFERENCE_MODELS
            ]
        )


def unapprove(apps, schema_editor):
    for app_label, model_name in REFERENCE_MODELS:
        apps.get_model(app_label, model_name).objects.update(
            status="draft", is_live=False, pending_change=None
        )


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("events", "0006_reviewed_reference_records"),
        ("sources", "0003_reviewed_reference_records"),
    ]

    operations = [migrations.RunPython(approve_existing, unapprove)]
