"""Create the Editors and Reviewers groups with their permissions, so a fresh install has them."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

CONTENT = {
    "events": ["actor", "place", "event", "eventactor", "claim", "claimcitation"],
    "sources": ["source", "citation"],
}
REVIEWED = {"events": ["event", "claim"], "sources": ["citation"]}


def editor_codenames():
    for app_label, models in CONTENT.items():
        for model in models:
            for action in ("view", "add", "change", "delete"):
                yield app_label, f"{action}_{model}"
    yield "events", "view_transition"


def reviewer_codenames():
    yield from editor_codenames()
    for app_label, models in REVIEWED.items():
        for model in models:
            yield app_label, f"approve_{model}"


def create_groups(apps, schema_editor):
    # Permissions are normally created after all migrations; the groups need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in (("Editors", editor_codenames()), ("Reviewers", reviewer_codenames())):
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.set(
            [
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
                for app_label, codename in codenames
            ]
        )


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=["Editors", "Reviewers"]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("events", "0002_initial"),
        ("sources", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
