"""Migration 0019 gives every claim's figure the form it read as before: a low figure alone
"at least", equal figures exact, two figures a range; the same in the content the review log
and pending changes keep, while django-reversion's versions are read the same way."""

import json

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.exceptions import IrreversibleError
from django.db.migrations.executor import MigrationExecutor
from reversion.models import Version

from events import drafts, workflow
from events.models import Claim, Transition
from tests.factories import ClaimFactory, editor, published_claim, reviewer

BEFORE = [("events", "0018_place_admin_levels")]
AFTER = [("events", "0020_claim_figure_kind_constraints")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


# serialized_rollback: brings back what migrations created (groups, content types) after
# the flush, as the other transaction tests do.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_rows_and_logged_content_get_the_form_their_figures_meant():
    author, approver = editor("fig-editor"), reviewer("fig-reviewer")
    figures = {
        "at least": (Claim.FigureKind.AT_LEAST, 10, None),
        "exact": (Claim.FigureKind.EXACT, 14, 14),
        "range": (Claim.FigureKind.RANGE, 150, 200),
        "none": ("", None, None),
    }
    claims = {
        name: ClaimFactory(
            figure_kind=kind, figure_low=low, figure_high=high, figure_unit="killed" if kind else ""
        )
        for name, (kind, low, high) in figures.items()
    }
    live = published_claim(
        author=author,
        approver=approver,
        figure_kind=Claim.FigureKind.AT_LEAST,
        figure_low=10,
        figure_unit="civilians killed",
    )
    snapshot = drafts.snapshot_of(live)
    snapshot["fields"].update(figure_kind=Claim.FigureKind.RANGE, figure_low=10, figure_high=12)
    workflow.edit(live, snapshot, by=author)

    migrate(BEFORE)
    # As content logged before 0019 stood: figures without a form.
    for transition in Transition.objects.exclude(snapshot=None):
        transition.snapshot["fields"].pop("figure_kind", None)
        Transition.objects.filter(pk=transition.pk).update(snapshot=transition.snapshot)
    change = Claim.objects.values_list("pending_change", flat=True).get(pk=live.pk)
    change["fields"].pop("figure_kind")
    Claim.objects.filter(pk=live.pk).update(pending_change=change)
    migrate(AFTER)

    for name, (kind, low, high) in figures.items():
        claim = Claim.objects.get(pk=claims[name].pk)
        assert (claim.figure_kind, claim.figure_low, claim.figure_high) == (kind, low, high), name
    live = Claim.objects.get(pk=live.pk)
    assert live.figure_kind == Claim.FigureKind.AT_LEAST
    assert live.pending_change["fields"]["figure_kind"] == Claim.FigureKind.RANGE
    logged = Transition.objects.filter(
        content_type=ContentType.objects.get_for_model(Claim), object_id=str(live.pk)
    ).exclude(snapshot=None)
    assert {t.snapshot["fields"]["figure_kind"] for t in logged} == {"at_least", "range"}
    # The pending change still publishes.
    workflow.submit(live, by=author)
    workflow.approve(live, by=approver)
    live.refresh_from_db()
    assert live.figure_display == "10–12 civilians killed"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_going_back_before_0019_names_the_at_most_claims_and_changes_nothing():
    at_most = ClaimFactory(
        figure_kind=Claim.FigureKind.AT_MOST, figure_high=12, figure_unit="civilians killed"
    )
    refusal = rf'"at most" figure, which these claims give: {at_most.pk} \(1 in all\)'
    with pytest.raises(IrreversibleError, match=refusal):
        migrate(BEFORE)
    migrate(AFTER)
    claim = Claim.objects.get(pk=at_most.pk)
    assert (claim.figure_kind, claim.figure_low, claim.figure_high) == ("at_most", None, 12)
    # Once it has another form, the way back is open.
    Claim.objects.filter(pk=at_most.pk).update(figure_kind=Claim.FigureKind.EXACT, figure_low=12)
    migrate(BEFORE)
    migrate(AFTER)


@pytest.mark.django_db
def test_a_version_stored_without_a_form_reads_with_the_one_its_figures_meant():
    claim = published_claim(
        author=editor("fig-editor"),
        approver=reviewer("fig-reviewer"),
        figure_kind=Claim.FigureKind.AT_LEAST,
        figure_low=10,
        figure_unit="civilians killed",
    )
    version = Version.objects.get_for_object(claim).first()
    stored = json.loads(version.serialized_data)
    del stored[0]["fields"]["figure_kind"]
    stored[0]["fields"].update(figure_low=10, figure_high=None)
    version.serialized_data = json.dumps(stored)

    assert drafts.snapshot_from_version(version)["fields"]["figure_kind"] == "at_least"
