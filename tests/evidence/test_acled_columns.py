"""The ACLED columns the events export derives: disorder type, interaction codes, civilian
targeting, source scale and admin levels."""

import csv
import io

import pytest
from django.conf import settings

from events import exports
from events.models import EventActor
from tests.factories import (
    ActorFactory,
    CitationFactory,
    EventActorFactory,
    EventFactory,
    PlaceFactory,
    SourceFactory,
    editor,
    publish,
    published_claim,
    reviewer,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    return editor("acled-editor"), reviewer("acled-reviewer")


def exported_row(event):
    rows = csv.DictReader(io.StringIO("".join(exports.events_csv("https://x")).lstrip("\ufeff")))
    return next(row for row in rows if row["event_id_cnty"] == exports.event_code(event))


def published_event(people, *, roles=(), sources=(), **fields):
    author, approver = people
    event = EventFactory(**fields)
    for actor, role in roles:
        EventActorFactory(event=event, actor=actor, role=role)
    publish(event, author=author, approver=approver)
    for source in sources or [SourceFactory()]:
        citation = publish(CitationFactory(source=source), author=author, approver=approver)
        published_claim(author=author, approver=approver, event=event, citation=citation)
    return event


def test_a_battle_between_the_army_and_rebels(people):
    army = ActorFactory(name="FAMa", kind="state_force")
    rebels = ActorFactory(name="CSP-PSD", kind="coalition")
    wagner = ActorFactory(name="Wagner", kind="private_military_company")
    place = PlaceFactory(region="Kidal", admin2="Kidal cercle", admin3="Kidal commune")
    event = published_event(
        people,
        place=place,
        roles=[
            (rebels, EventActor.Role.ATTACKER),
            (army, EventActor.Role.DEFENDER),
            (wagner, EventActor.Role.DEFENDER),
        ],
        sources=[
            SourceFactory(country="ML"),
            SourceFactory(country="FR"),
            SourceFactory(country="FR"),
        ],
    )
    row = exported_row(event)
    assert row["disorder_type"] == "Political violence"
    assert (row["actor1"], row["inter1"], row["actor2"], row["inter2"]) == (
        "CSP-PSD",
        "2",
        "FAMa",
        "1",
    )
    assert row["assoc_actor_2"] == "Wagner"
    assert row["interaction"] == "12"
    assert row["civilian_targeting"] == ""
    assert (row["admin1"], row["admin2"], row["admin3"]) == (
        "Kidal",
        "Kidal cercle",
        "Kidal commune",
    )
    assert row["source_scale"] == "National-International"


def test_a_drone_strike_on_civilians(people):
    air_force = ActorFactory(name="Air force", kind="state_force")
    civilians = ActorFactory(name="Civilians", kind="civilians")
    event = published_event(
        people,
        event_type="air_drone_strike",
        roles=[(air_force, EventActor.Role.PERPETRATOR), (civilians, EventActor.Role.VICTIM)],
        sources=[SourceFactory(country="NE"), SourceFactory(kind="social_media", country="")],
    )
    row = exported_row(event)
    assert row["interaction"] == "17"
    assert row["civilian_targeting"] == "Civilian targeting"
    assert row["source_scale"] == "New media-Regional"


def test_an_actor_alone_and_a_strategic_development(people):
    army = ActorFactory(name="FAMa", kind="state_force")
    event = published_event(
        people,
        event_type="strategic_development",
        roles=[(army, EventActor.Role.PARTICIPANT)],
        sources=[SourceFactory(country="")],
    )
    row = exported_row(event)
    assert row["disorder_type"] == "Strategic developments"
    assert (row["inter1"], row["inter2"], row["interaction"]) == ("1", "", "10")
    assert row["source_scale"] == "Other"
    campaign = published_event(people, event_type="campaign", place=None)
    row = exported_row(campaign)
    assert (row["disorder_type"], row["interaction"], row["admin2"]) == ("", "", "")


def test_every_event_column_is_documented():
    with open(settings.BASE_DIR / "docs" / "exports.md", encoding="utf-8") as handle:
        documented = handle.read()
    for column in exports.EVENT_COLUMNS + exports.CLAIM_COLUMNS:
        assert f"`{column}`" in documented, column
