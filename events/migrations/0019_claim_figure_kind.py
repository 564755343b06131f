"""The form of a claim's figure (exact, at least, at most, a range), recorded.

Rows keep the meaning their figures had: a low figure alone read "at least", equal figures a
single figure, two figures a range (events.figures.implied_kind). The same form is written
into the content the review log kept (approvals' published versions, edits) and into pending
changes, so versions compare, restore and publish as they read. django-reversion's versions are
left as stored: Claim.stored_content reads them the same way. The old constraints come off
first; the constraints of each form go on in 0020, in a transaction of its own (PostgreSQL
refuses to alter a table in the transaction that updated its rows).
"""

from django.db import migrations, models
from django.db.migrations.exceptions import IrreversibleError

from events.figures import implied_kind


def _with_kind(content):
    fields = (content or {}).get("fields")
    if not fields or "figure_kind" in fields or "figure_low" not in fields:
        return None
    fields["figure_kind"] = implied_kind(fields["figure_low"], fields.get("figure_high"))
    return content


def refuse_at_most(apps, schema_editor):
    """Going back: releases before this one cannot store "at most" (a high figure without a
    low one), and guessing another figure would change what a claim says. Name the claims to
    change first, rather than fail on a constraint."""
    Claim = apps.get_model("events", "Claim")
    at_most = Claim.objects.filter(figure_low__isnull=True, figure_high__isnull=False)
    count = at_most.count()
    if count:
        ids = ", ".join(str(pk) for pk in at_most.order_by("pk").values_list("pk", flat=True)[:20])
        raise IrreversibleError(
            'Releases before 0019 cannot store an "at most" figure, which these claims give: '
            f"{ids}{', …' if count > 20 else ''} ({count} in all). Give "
            "them another form of figure before migrating back."
        )


def backfill(apps, schema_editor):
    Claim = apps.get_model("events", "Claim")
    Transition = apps.get_model("events", "Transition")
    ContentType = apps.get_model("contenttypes", "ContentType")
    for kind, rows in (
        ("at_least", Claim.objects.filter(figure_low__isnull=False, figure_high__isnull=True)),
        ("exact", Claim.objects.filter(figure_low__isnull=False, figure_high=models.F("figure_low"))),
        ("range", Claim.objects.filter(figure_low__isnull=False, figure_high__gt=models.F("figure_low"))),
    ):
        rows.update(figure_kind=kind)
    for pk, change in Claim.objects.exclude(pending_change=None).values_list("pk", "pending_change"):
        if _with_kind(change) is not None:
            Claim.objects.filter(pk=pk).update(pending_change=change)
    content_type = ContentType.objects.filter(app_label="events", model="claim").first()
    if content_type is None:
        return
    logged = Transition.objects.filter(content_type=content_type).exclude(snapshot=None)
    for pk, snapshot in logged.values_list("pk", "snapshot").iterator():
        if _with_kind(snapshot) is not None:
            Transition.objects.filter(pk=pk).update(snapshot=snapshot)


class Migration(migrations.Migration):

    dependencies = [
        ("events", "0018_place_admin_levels"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.AddField(
            model_name='claim',
            name='figure_kind',
            field=models.CharField(blank=True, choices=[('exact', 'Exact'), ('at_least', 'At least'), ('at_most', 'At most'), ('range', 'Range')], help_text='Exact, at least, at most or a range; none when the claim gives no figure.', max_length=10, verbose_name='figure form'),
        ),
        migrations.AlterField(
            model_name='claim',
            name='figure_high',
            field=models.PositiveIntegerField(blank=True, help_text='The high end of a range, or the figure of "at most": "at most 10" is 10. An exact figure fills it from the low one.', null=True, verbose_name='figure (high)'),
        ),
        migrations.AlterField(
            model_name='claim',
            name='figure_low',
            field=models.PositiveIntegerField(blank=True, help_text='The figure, or the low end of a range: "at least 10" is 10. Empty for "at most".', null=True, verbose_name='figure (low)'),
        ),
        migrations.RemoveConstraint(
            model_name='claim',
            name='events_claim_figure_low_not_above_high',
        ),
        migrations.RemoveConstraint(
            model_name='claim',
            name='events_claim_figure_high_needs_low',
        ),
        migrations.RemoveConstraint(
            model_name='claim',
            name='events_claim_figure_has_unit',
        ),
        migrations.RunPython(backfill, refuse_at_most),
    ]
