"""The stored public state (``is_public``) always equals the publication rule.

A seeded walk takes a small record through several hundred workflow steps of every kind
(approvals of new entries and reference records, pending changes that move a claim to
another claimant, event or citation, withdrawals, resubmissions) and compares the stored
state with the rule after each one, and each entry's publication obstacles with it too.
"""

import random

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from events import drafts, publication, workflow
from events.models import Actor, Claim, Event, Place, Status
from sources.models import Citation, Source
from tests.factories import (
    ActorFactory,
    CitationFactory,
    ClaimCitationFactory,
    ClaimFactory,
    EventActorFactory,
    EventFactory,
    PlaceFactory,
    SourceFactory,
    editor,
    reviewer,
)

pytestmark = pytest.mark.django_db

STEPS = 250


def draft(factory, **fields):
    return factory(status=Status.DRAFT, is_live=False, first_published_at=None, **fields)


def build_record(rng):
    actors = [draft(ActorFactory) for _ in range(3)] + [ActorFactory() for _ in range(2)]
    places = [draft(PlaceFactory), PlaceFactory(), PlaceFactory()]
    sources = [draft(SourceFactory), SourceFactory(), SourceFactory()]
    citations = [CitationFactory(source=rng.choice(sources)) for _ in range(5)]
    events = [EventFactory(place=rng.choice(places)) for _ in range(4)]
    for event in events:
        EventActorFactory(event=event, actor=rng.choice(actors))
    claims = []
    for _ in range(8):
        claim = ClaimFactory(event=rng.choice(events))
        if rng.random() < 0.5:
            claim.claimant_actor = rng.choice(actors)
            claim.save()
        for citation in rng.sample(citations, rng.randint(1, 2)):
            ClaimCitationFactory(claim=claim, citation=citation)
        claims.append(claim)
    return [*actors, *places, *sources, *citations, *events, *claims]


def pending_move(entry, rng):
    """A pending change that points the live entry somewhere else, as editors do."""
    snapshot = drafts.snapshot_of(entry)
    if isinstance(entry, Claim):
        snapshot["fields"]["claimant_actor"] = rng.choice(
            [None, *Actor.objects.values_list("pk", flat=True)]
        )
        snapshot["fields"]["claimant_label"] = "a local official"
        snapshot["fields"]["event"] = rng.choice(list(Event.objects.values_list("pk", flat=True)))
        links = snapshot["inlines"]["citation_links"]
        if links and rng.random() < 0.5:
            links[0]["citation"] = rng.choice(list(Citation.objects.values_list("pk", flat=True)))
            if len({link["citation"] for link in links}) < len(links):
                links.pop(0)
    elif isinstance(entry, Event):
        snapshot["fields"]["place"] = rng.choice(
            [None, *Place.objects.values_list("pk", flat=True)]
        )
    elif isinstance(entry, Citation):
        snapshot["fields"]["source"] = rng.choice(list(Source.objects.values_list("pk", flat=True)))
    else:
        snapshot["fields"]["name"] = f"{snapshot['fields']['name']} (renamed)"
    return snapshot


def take_a_step(entry, rng, author, approver):
    """One workflow step that the entry's state allows, chosen at random."""
    entry.refresh_from_db()
    choices = []
    if entry.status in (Status.DRAFT, Status.CHANGES_REQUESTED, Status.WITHDRAWN):
        choices.append(lambda: workflow.submit(entry, by=author))
    if entry.status == Status.IN_REVIEW:
        choices += [
            lambda: workflow.approve(entry, by=approver),
            lambda: workflow.approve(entry, by=approver),
            lambda: workflow.request_changes(entry, by=approver, comment="Check it."),
        ]
    if entry.is_live:
        choices += [
            lambda: workflow.withdraw(entry, by=approver, comment="Retracted."),
            lambda: workflow.edit(entry, pending_move(entry, rng), by=author),
        ]
    if entry.pending_change is not None:
        choices.append(lambda: workflow.discard_pending_change(entry, by=author))
    try:
        rng.choice(choices)()
    except workflow.TransitionError:
        pass  # a pending change that no longer validates, say: refused, nothing changed


def test_stored_state_and_obstacles_agree_with_the_rule_after_every_workflow_step():
    """After each step: the stored public state equals the rule's definition, and each
    entry's publication obstacles (what the admin says keeps it off the site) are empty
    exactly when it meets the rule."""
    rng = random.Random(20231114)
    author, approver = editor(), reviewer()
    record = build_record(rng)
    models = (Claim, Event, Citation, Actor, Place, Source)
    kinds_public, seen = set(), set()
    for _ in range(STEPS):
        take_a_step(rng.choice(record), rng, author, approver)
        assert publication.inconsistencies() == {}
        for model in models:
            meeting = set(model.objects.meets_publication_rule().values_list("pk", flat=True))
            for entry in model.objects.all():
                obstacles = entry.publication_obstacles()
                assert (not obstacles) == (entry.pk in meeting), (entry, obstacles)
                seen.add((model, bool(obstacles)))
            if model.objects.public().exists():
                kinds_public.add(model)
    # The walk reached public entries of every kind, and every kind was seen both public
    # and held back, so the comparisons were not vacuous.
    assert kinds_public == set(models)
    assert seen == {(model, blocked) for model in models for blocked in (True, False)}


def test_check_command_reports_and_repairs_a_stored_state_that_differs():
    author, approver = editor(), reviewer()
    claim = ClaimFactory()
    ClaimCitationFactory(claim=claim)
    for entry in (claim.event, claim.citation_links.get().citation, claim):
        workflow.submit(entry, by=author)
        workflow.approve(entry, by=approver)
    call_command("check_publication")
    Claim.objects.filter(pk=claim.pk).update(is_public=False)

    with pytest.raises(CommandError):
        call_command("check_publication")
    call_command("check_publication", "--repair")

    assert publication.inconsistencies() == {}
    assert Claim.objects.public().filter(pk=claim.pk).exists()
