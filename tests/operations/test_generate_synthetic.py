"""generate_synthetic, at a small size: the record the benchmark measures must be one the
application could have written, so that what is measured is what readers and reviewers meet."""

import pytest
from django.core.management import call_command
from django.test import Client

from events import drafts, publication, review_sets
from events.models import Claim, ClaimCitation, Event, Status
from sources.models import Source

pytestmark = pytest.mark.django_db


@pytest.fixture
def record():
    call_command("generate_synthetic", events=20, quiet=True, seed=7)


def test_sizes_and_mixes_of_states(record):
    assert Event.objects.count() == 20
    assert Claim.objects.count() >= 150
    assert ClaimCitation.objects.count() >= Claim.objects.count()
    assert Source.objects.count() >= 1
    states = set(Claim.objects.values_list("status", flat=True))
    assert {Status.APPROVED, Status.IN_REVIEW, Status.DRAFT} <= states
    assert Claim.objects.filter(is_live=True, pending_change__isnull=False).exists()


def test_the_stored_public_state_is_the_rules(record):
    assert publication.inconsistencies() == {}


def test_pending_changes_are_content_the_admin_could_have_saved(record):
    """Every pending change names rows that exist, in fields of their own type: the review
    queue groups claims by the event their change names."""
    assert Claim.objects.filter(pending_change__isnull=False).exists()
    for model in (Event, Claim, Source):
        for entry in model.objects.filter(pending_change__isnull=False):
            for related, pks in drafts.referenced_pks(model, entry.pending_change).items():
                assert all(isinstance(pk, int) for pk in pks), (model, entry.pk, pks)
                assert related._default_manager.filter(pk__in=pks).count() == len(pks)
    in_review = Claim.objects.filter(status=Status.IN_REVIEW, pending_change__isnull=False)
    for claim in review_sets.with_latest_event(in_review):
        assert claim.moved_to == claim.event_id


def test_the_public_pages_and_the_queue_answer(record, admin_client):
    assert Client().get("/").status_code == 200
    assert Client().get("/events/").status_code == 200
    assert admin_client.get("/admin/review-queue/").status_code == 200
