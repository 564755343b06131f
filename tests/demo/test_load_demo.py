"""The demo loader: the Kidal offensive as the seed documents report it."""

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test.utils import override_settings
from reversion.models import Revision, Version

from events import publication
from events.models import Actor, Claim, ClaimCitation, Event, Status, Transition
from sources.importing import Action, plan_import
from sources.models import Citation, Source

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def loaded(django_db_setup, django_db_blocker):
    """The demo loaded once for the module, inside a transaction rolled back at its end."""
    with django_db_blocker.unblock(), override_settings(DEBUG=True), transaction.atomic():
        call_command("load_demo", stdout=io.StringIO())
        yield
        transaction.set_rollback(True)


def test_demo_meets_the_minimum_sizes(loaded):
    assert Event.objects.count() >= 25
    assert Claim.objects.count() >= 50
    assert Citation.objects.count() >= 80


def test_running_twice_creates_nothing_twice(loaded, settings):
    settings.DEBUG = True
    counts = [
        model.objects.count()
        for model in (Event, Claim, Citation, ClaimCitation, Revision, Transition)
    ]
    call_command("load_demo", stdout=io.StringIO())
    assert counts == [
        model.objects.count()
        for model in (Event, Claim, Citation, ClaimCitation, Revision, Transition)
    ]


def test_every_claim_has_a_citation(loaded):
    assert not Claim.objects.filter(citation_links__isnull=True).exists()


def test_no_citation_is_stored_twice(loaded):
    keys = list(Citation.objects.values_list("source_id", "title", "published_on"))
    assert len(keys) == len(set(keys))


def test_the_reported_contradictions_are_linked_both_ways(loaded):
    linked = Claim.objects.filter(contradicts__isnull=False).distinct()
    assert linked.count() >= 10
    for claim in linked:
        for other in claim.contradicts.all():
            assert claim in other.contradicts.all()


def test_the_seven_november_casualty_figures_contradict_each_other(loaded):
    fourteen = Claim.objects.get(
        kind=Claim.Kind.CASUALTIES, figure_low=14, figure_high=14, event__start_date="2023-11-07"
    )
    at_least_ten = Claim.objects.get(
        kind=Claim.Kind.CASUALTIES, figure_low=10, event__start_date="2023-11-07"
    )
    assert at_least_ten in fourteen.contradicts.all()


def test_most_content_is_public_and_each_review_state_is_shown(loaded):
    assert Event.objects.public().count() >= 25
    assert Claim.objects.public().count() >= 50
    for status in (Status.DRAFT, Status.IN_REVIEW, Status.CHANGES_REQUESTED, Status.WITHDRAWN):
        assert Claim.objects.filter(status=status).exists(), status
    pending = Claim.objects.get(pending_change__isnull=False)
    assert pending.is_live and pending.status == Status.IN_REVIEW
    assert pending.pending_change["fields"]["text"] != pending.text


def test_demo_entries_were_approved_by_the_demo_reviewer(loaded):
    approvals = Transition.objects.filter(action="approve")
    assert approvals.exists()
    assert set(approvals.values_list("user__username", flat=True)) == {"reviewer"}


def test_each_claim_revision_holds_its_citation_links(loaded):
    claim = Claim.objects.public().first()
    version = Version.objects.get_for_object(claim).last()
    linked = version.revision.version_set.filter(content_type__model="claimcitation")
    assert linked.count() == claim.citation_links.count()


@pytest.mark.parametrize("name", ["offensive_references.txt", "battle_of_kidal_references.txt"])
def test_the_seed_reference_lists_find_every_document_of_the_demo(loaded, name):
    text = (Path(__file__).parents[1] / "sources" / "data" / name).read_text(encoding="utf-8")

    plan = plan_import(text)

    assert plan.unparsed == []
    assert [row.reference.raw for row in plan.rows if row.action != Action.MATCH] == []


def test_the_demo_marks_the_parties_to_the_conflict(loaded):
    sides = dict(Actor.objects.values_list("slug", "side"))
    assert sides["fama"] == sides["wagner"] == "malian_state"
    assert sides["csp-psd"] == sides["mnla"] == sides["hcua"] == "csp_psd"
    assert sides["jnim"] == "jihadist"
    assert sides["minusma"] == sides["civilians"] == ""
    assert not Source.objects.filter(is_party=False).exclude(side="").exists()


def test_the_demo_claims_carry_their_corroboration(loaded):
    public = Claim.objects.public()
    assert public.filter(independent_outlets__gte=2).exists()
    assert public.filter(independent_outlets=1, party_outlets=0).count() > public.count() // 2
    assert publication.inconsistencies() == {}
