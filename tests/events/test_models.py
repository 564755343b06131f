"""Model rules of events: database constraints, clean() messages and __str__ (figures:
test_figures.py)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from events.models import Actor, ClaimCitation, Event, EventActor, Place, Status, Transition
from tests.factories import (
    ActorFactory,
    CitationFactory,
    ClaimCitationFactory,
    ClaimFactory,
    EventActorFactory,
    EventFactory,
    PlaceFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db

NOV_7 = datetime.date(2023, 11, 7)


def clean_errors(obj):
    """The errors full_clean() reports, by field ("__all__" for the whole entry)."""
    with pytest.raises(ValidationError) as excinfo:
        obj.full_clean()
    return excinfo.value.message_dict


def assert_rejected_by_database(save):
    with pytest.raises(IntegrityError), transaction.atomic():
        save()


# Events


def test_event_ending_before_it_starts_is_rejected_by_the_database():
    assert_rejected_by_database(
        lambda: EventFactory(start_date=NOV_7, end_date=NOV_7 - datetime.timedelta(days=1))
    )


def test_event_ending_on_its_start_day_is_accepted():
    event = EventFactory(start_date=NOV_7, end_date=NOV_7)
    event.full_clean()
    assert Event.objects.filter(pk=event.pk).exists()


def test_event_ending_before_it_starts_fails_clean_on_end_date():
    event = EventFactory.build(start_date=NOV_7, end_date=datetime.date(2023, 11, 6))
    assert clean_errors(event)["end_date"] == ["The end date cannot be before the start date."]


def test_event_cannot_be_its_own_parent_in_the_database():
    event = EventFactory()
    assert_rejected_by_database(lambda: Event.objects.filter(pk=event.pk).update(parent=event))


def test_event_that_is_its_own_parent_fails_clean_on_parent():
    event = EventFactory()
    event.parent = event
    assert "An event cannot be part of itself." in clean_errors(event)["parent"]


def test_event_parent_cycle_fails_clean_on_parent():
    offensive = EventFactory()
    battle = EventFactory(parent=offensive)
    offensive.parent = battle
    assert "An event cannot be part of itself." in clean_errors(offensive)["parent"]


def test_event_with_a_parent_passes_clean():
    offensive = EventFactory()
    battle = EventFactory(parent=offensive)
    battle.full_clean()


def test_duplicate_event_slug_is_rejected_by_the_database():
    EventFactory(slug="battle-of-kidal")
    assert_rejected_by_database(lambda: EventFactory(slug="battle-of-kidal"))


def test_duplicate_event_slug_fails_clean_on_slug():
    EventFactory(slug="battle-of-kidal")
    assert "slug" in clean_errors(EventFactory.build(slug="battle-of-kidal", place=None))


def test_same_actor_in_the_same_role_twice_is_rejected_by_the_database():
    role = EventActorFactory()
    assert_rejected_by_database(
        lambda: EventActorFactory(event=role.event, actor=role.actor, role=role.role)
    )


def test_same_actor_in_two_roles_is_accepted():
    role = EventActorFactory(role=EventActor.Role.ATTACKER)
    EventActorFactory(event=role.event, actor=role.actor, role=EventActor.Role.PERPETRATOR)
    assert role.event.actor_roles.count() == 2


# Actors


def test_duplicate_actor_slug_is_rejected_by_the_database():
    ActorFactory(slug="csp-psd")
    assert_rejected_by_database(lambda: ActorFactory(slug="csp-psd"))


def test_actor_cannot_be_its_own_coalition_in_the_database():
    actor = ActorFactory()
    assert_rejected_by_database(lambda: Actor.objects.filter(pk=actor.pk).update(parent=actor))


def test_actor_coalition_cycle_fails_clean_on_parent():
    coalition = ActorFactory()
    member = ActorFactory(parent=coalition)
    coalition.parent = member
    assert "An actor cannot be part of itself." in clean_errors(coalition)["parent"]


# Places


@pytest.mark.parametrize(
    ("latitude", "longitude"),
    [(91, 1.41), (-90.5, 1.41), (18.44, -181), (18.44, 180.5), (18.44, None), (None, 1.41)],
)
def test_place_with_impossible_or_half_coordinates_is_rejected_by_the_database(latitude, longitude):
    assert_rejected_by_database(lambda: PlaceFactory(latitude=latitude, longitude=longitude))


@pytest.mark.parametrize(("latitude", "longitude"), [(90, 180), (-90, -180), (None, None)])
def test_place_with_coordinates_on_the_limits_or_none_is_accepted(latitude, longitude):
    place = PlaceFactory(latitude=latitude, longitude=longitude)
    place.full_clean()


def test_place_latitude_91_fails_clean_on_latitude():
    place = PlaceFactory.build(latitude=91, longitude=1.41)
    assert clean_errors(place)["latitude"] == ["Latitude must be between -90 and 90."]


def test_place_longitude_minus_181_fails_clean_on_longitude():
    place = PlaceFactory.build(latitude=18.44, longitude=-181)
    assert clean_errors(place)["longitude"] == ["Longitude must be between -180 and 180."]


def test_place_with_only_a_latitude_fails_clean_on_longitude():
    place = PlaceFactory.build(latitude=18.44, longitude=None)
    assert clean_errors(place)["longitude"] == ["Give both latitude and longitude, or neither."]


def test_place_with_only_a_longitude_fails_clean_on_latitude():
    place = PlaceFactory.build(latitude=None, longitude=1.41)
    assert clean_errors(place)["latitude"] == ["Give both latitude and longitude, or neither."]


def test_duplicate_place_slug_is_rejected_by_the_database():
    PlaceFactory(slug="anefis")
    assert_rejected_by_database(lambda: PlaceFactory(slug="anefis"))


# Claims


def test_claim_without_claimant_is_rejected_by_the_database():
    assert_rejected_by_database(lambda: ClaimFactory(claimant_actor=None, claimant_label=""))


def test_claim_without_claimant_fails_clean_on_claimant_label():
    claim = ClaimFactory.build(event=EventFactory(), claimant_actor=None, claimant_label="  ")
    assert clean_errors(claim)["claimant_label"] == [
        "Name the claimant: pick an actor or write a label."
    ]


def test_claim_with_an_actor_and_no_label_is_accepted():
    claim = ClaimFactory(claimant_actor=ActorFactory(), claimant_label="")
    claim.full_clean()


def test_claim_negative_figure_is_rejected_by_the_database():
    assert_rejected_by_database(
        lambda: ClaimFactory(figure_kind="at_least", figure_low=-1, figure_unit="killed")
    )


def test_same_citation_linked_twice_to_a_claim_is_rejected_by_the_database():
    link = ClaimCitationFactory()
    assert_rejected_by_database(
        lambda: ClaimCitationFactory(claim=link.claim, citation=link.citation)
    )


def test_one_citation_may_back_several_claims():
    citation = CitationFactory()
    ClaimCitationFactory(citation=citation)
    ClaimCitationFactory(citation=citation)
    assert ClaimCitation.objects.filter(citation=citation).count() == 2


def test_translation_without_quote_fails_clean_on_quote():
    link = ClaimCitationFactory.build(
        claim=ClaimFactory(), citation=CitationFactory(), quote="", translation="At least ten."
    )
    assert clean_errors(link)["quote"] == ["A translation needs the quoted passage it translates."]


def test_translation_with_quote_passes_clean():
    link = ClaimCitationFactory.build(
        claim=ClaimFactory(),
        citation=CitationFactory(),
        quote="au moins dix civils",
        translation="at least ten civilians",
    )
    link.full_clean()


# The workflow invariants every reviewed model holds in the database


REVIEWED_FACTORIES = [EventFactory, ClaimFactory, CitationFactory]


@pytest.mark.parametrize("factory", REVIEWED_FACTORIES)
def test_withdrawn_entry_cannot_be_live(factory):
    assert_rejected_by_database(lambda: factory(status=Status.WITHDRAWN, is_live=True))


@pytest.mark.parametrize("factory", REVIEWED_FACTORIES)
def test_approved_entry_must_be_live(factory):
    assert_rejected_by_database(lambda: factory(status=Status.APPROVED, is_live=False))


@pytest.mark.parametrize("factory", REVIEWED_FACTORIES)
def test_pending_change_is_only_kept_for_a_live_entry(factory):
    assert_rejected_by_database(
        lambda: factory(is_live=False, pending_change={"fields": {}, "m2m": {}, "inlines": {}})
    )


@pytest.mark.parametrize("factory", REVIEWED_FACTORIES)
def test_live_entry_may_hold_a_pending_change(factory):
    entry = factory(
        status=Status.DRAFT,
        is_live=True,
        pending_change={"fields": {}, "m2m": {}, "inlines": {}},
    )
    assert entry.has_pending_change


# __str__


def test_str_of_actor_place_and_event_is_their_name():
    assert str(ActorFactory(name="CSP-PSD")) == "CSP-PSD"
    assert str(PlaceFactory(name="Anéfis")) == "Anéfis"
    assert str(EventFactory(title="Battle of Kidal")) == "Battle of Kidal"


def test_str_of_event_actor_names_the_actor_and_role():
    role = EventActorFactory(actor=ActorFactory(name="Wagner Group"), role="attacker")
    assert str(role) == "Wagner Group (Attacker)"


def test_str_of_claim_names_the_claimant_actor():
    claim = ClaimFactory(claimant_actor=ActorFactory(name="CSP-PSD"), text="14 civilians killed.")
    assert str(claim) == "CSP-PSD: 14 civilians killed."


def test_str_of_claim_names_the_claimant_label():
    claim = ClaimFactory(claimant_label="medical sources", text="At least ten dead.")
    assert str(claim) == "medical sources: At least ten dead."


def test_str_of_claim_shortens_long_text_to_80_characters():
    claim = ClaimFactory(claimant_label="RFI", text="x" * 81)
    assert str(claim) == "RFI: " + "x" * 79 + "…"
    claim.text = "y" * 80
    assert str(claim) == "RFI: " + "y" * 80


def test_str_of_claim_citation_names_the_claim_and_the_document():
    citation = CitationFactory(
        title="Frappe de drone", source=SourceFactory(name="RFI"), published_on=NOV_7
    )
    claim = ClaimFactory(claimant_label="medical sources", text="Ten civilians were killed.")
    link = ClaimCitationFactory(claim=claim, citation=citation)
    assert str(link) == "medical sources: Ten civilians were killed. → Frappe de drone"
    assert str(link.claim_id) not in str(link)


def test_str_of_claim_citation_shortens_each_half_to_60_characters():
    citation = CitationFactory(title="Mali : " + "t" * 80)
    claim = ClaimFactory(claimant_label="RFI", text="x" * 100)
    link = ClaimCitationFactory(claim=claim, citation=citation)
    claim_part, citation_part = str(link).split(" → ")
    assert claim_part == "RFI: " + "x" * 54 + "…"
    assert citation_part == "Mali : " + "t" * 52 + "…"


def test_str_of_transition_shows_the_step():
    transition = Transition(
        object_repr="Battle of Kidal", from_status=Status.IN_REVIEW, to_status=Status.APPROVED
    )
    assert str(transition) == "Battle of Kidal: In review → Approved"


def test_alias_and_alternative_name_lists_skip_blank_lines():
    actor = Actor(aliases="CSP\n\n  Cadre stratégique permanent  \n")
    place = Place(alternative_names="Anefis\n \nAnéfis")
    assert actor.alias_list == ["CSP", "Cadre stratégique permanent"]
    assert place.alternative_name_list == ["Anefis", "Anéfis"]
