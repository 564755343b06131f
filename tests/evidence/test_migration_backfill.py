"""Migration 0014 writes the correction notes published before the log kept them onto the
approvals that published them, and computes every claim's corroboration."""

import importlib

import pytest
from django.apps import apps

from events import drafts, workflow
from events.models import Claim, Transition
from tests.factories import editor, published_claim, reviewer

pytestmark = pytest.mark.django_db
migration = importlib.import_module(
    "events.migrations.0017_compute_corroboration_and_correction_log"
)


def test_notes_published_before_the_log_kept_them_are_logged():
    author, approver = editor("mig-editor"), reviewer("mig-reviewer")
    claim = published_claim(author=author, approver=approver)
    snapshot = drafts.snapshot_of(claim)
    snapshot["fields"]["text"] = "Corrected text."
    workflow.edit(claim, snapshot, by=author)
    workflow.submit(claim, by=author)
    correction = workflow.approve(claim, by=approver, correction_note="Wrong figure.")
    # As the data stood before migration 0013: the note on the row only.
    Transition.objects.all().update(correction_note="")
    Claim.objects.filter(pk=claim.pk).update(independent_outlets=0)

    migration.compute(apps, None)

    noted = Transition.objects.exclude(correction_note="")
    assert list(noted.values_list("pk", "correction_note")) == [(correction.pk, "Wrong figure.")]
    assert Claim.objects.get(pk=claim.pk).independent_outlets == 1
