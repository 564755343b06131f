"""The constraints of each form of figure, once 0019 has given every row its form."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0019_claim_figure_kind"),
    ]

    operations = [
        migrations.AddConstraint(
            model_name='claim',
            constraint=models.CheckConstraint(condition=models.Q(('figure_kind__in', ['', 'exact', 'at_least', 'at_most', 'range'])), name='events_claim_figure_kind_valid'),
        ),
        migrations.AddConstraint(
            model_name='claim',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('figure_kind', ''), _negated=True), models.Q(('figure_high__isnull', True), ('figure_low__isnull', True)), _connector='OR'), name='events_claim_figure_none'),
        ),
        migrations.AddConstraint(
            model_name='claim',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('figure_kind', 'exact'), _negated=True), models.Q(('figure_high', models.F('figure_low')), ('figure_high__isnull', False), ('figure_low__isnull', False)), _connector='OR'), name='events_claim_figure_exact'),
        ),
        migrations.AddConstraint(
            model_name='claim',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('figure_kind', 'at_least'), _negated=True), models.Q(('figure_high__isnull', True), ('figure_low__isnull', False)), _connector='OR'), name='events_claim_figure_at_least'),
        ),
        migrations.AddConstraint(
            model_name='claim',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('figure_kind', 'at_most'), _negated=True), models.Q(('figure_high__isnull', False), ('figure_low__isnull', True)), _connector='OR'), name='events_claim_figure_at_most'),
        ),
        migrations.AddConstraint(
            model_name='claim',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('figure_kind', 'range'), _negated=True), models.Q(('figure_high__isnull', False), ('figure_low__isnull', False), ('figure_low__lt', models.F('figure_high'))), _connector='OR'), name='events_claim_figure_range'),
        ),
        migrations.AddConstraint(
            model_name='claim',
            constraint=models.CheckConstraint(condition=models.Q(('figure_kind', ''), models.Q(('figure_unit', ''), _negated=True), _connector='OR'), name='events_claim_figure_has_unit'),
        ),
    ]
