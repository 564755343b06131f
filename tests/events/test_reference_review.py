"""Actors, places and sources are reviewed like the entries that name them.

An edit of a live reference record is a pending change: the public keeps the approved name on
every page until a reviewer approves. A new record is a draft: whatever names it stays off the
public site until it is approved. Submitting an entry submits the new records it names, the
four-eyes rule applies to them, and the review queue lists them.
"""

import pytest
from django.contrib.messages import get_messages
from django.test import Client

from events import drafts, workflow
from events.models import Actor, Claim, Event, Place, Status, Transition
from sources.models import Citation, Source
from tests.admin_forms import admin_form_data
from tests.factories import (
    ActorFactory,
    CitationFactory,
    ClaimCitationFactory,
    ClaimFactory,
    EventActorFactory,
    EventFactory,
    PlaceFactory,
    SourceFactory,
    publish,
    published_claim,
)

from .helpers import transitions_of

pytestmark = pytest.mark.django_db

APPROVED_NAME = "Zqapproved Movement"
NEW_NAME = "Zqrenamed Movement"


def change_url(obj):
    return f"/admin/{obj._meta.app_label}/{obj._meta.model_name}/{obj.pk}/change/"


def transition_url(obj):
    return f"/admin/{obj._meta.app_label}/{obj._meta.model_name}/{obj.pk}/transition/"


def decide(client, obj, **data):
    """POST a review decision with the token of the content as it stands (what the page shows)."""
    current = type(obj)._default_manager.get(pk=obj.pk)
    return client.post(transition_url(obj), {"seen": drafts.content_token(current), **data})


def messages_of(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def draft(factory, **fields):
    """A reference record created since review covers them: a draft, never published."""
    return factory(status=Status.DRAFT, is_live=False, first_published_at=None, **fields)


def page(path):
    """A public page as an anonymous visitor sees it."""
    return Client().get(path)


def logged_in(user):
    client = Client()
    client.force_login(user)
    return client


def queue_of(user):
    response = logged_in(user).get("/admin/review-queue/")
    assert response.status_code == 200
    return response


def in_queue(user, obj):
    return f'href="{change_url(obj)}"' in queue_of(user).content.decode()


def submit_steps(obj):
    return transitions_of(obj).filter(action=Transition.Action.SUBMIT)


# An edit of a live actor


@pytest.fixture
def named_actor(editor, other_reviewer):
    """A live actor that takes part in a public event and makes a public claim there."""
    actor = ActorFactory(name=APPROVED_NAME, slug="zq-movement")
    claim = published_claim(
        author=editor, approver=other_reviewer, claimant_actor=actor, claimant_label=""
    )
    EventActorFactory(event=claim.event, actor=actor)
    return actor, claim


def public_pages(actor, claim):
    return {
        "actor": page(actor.get_absolute_url()),
        "event": page(claim.event.get_absolute_url()),
        "claim": page(claim.get_absolute_url()),
    }


def assert_public_name(actor, claim, shown, hidden):
    for name, response in public_pages(actor, claim).items():
        assert response.status_code == 200, name
        html = response.content.decode()
        assert shown in html, name
        assert hidden not in html, name


def test_renaming_a_live_actor_in_the_admin_keeps_the_approved_name_public_until_approved(
    editor, reviewer, named_actor
):
    actor, claim = named_actor
    assert_public_name(actor, claim, shown=APPROVED_NAME, hidden=NEW_NAME)
    desk = logged_in(editor)
    form = desk.get(change_url(actor))
    assert form.status_code == 200

    response = desk.post(change_url(actor), admin_form_data(form, name=NEW_NAME), follow=True)

    assert response.status_code == 200
    assert any("pending change" in message for message in messages_of(response))
    actor.refresh_from_db()
    assert actor.name == APPROVED_NAME
    assert actor.pending_change["fields"]["name"] == NEW_NAME
    assert actor.is_live and actor.status == Status.DRAFT
    assert transitions_of(actor).filter(action=Transition.Action.EDIT, user=editor).exists()
    assert_public_name(actor, claim, shown=APPROVED_NAME, hidden=NEW_NAME)
    # The desk shows the pending name to continue from.
    assert NEW_NAME in desk.get(change_url(actor)).content.decode()

    decide(desk, actor, action="submit")
    actor.refresh_from_db()
    assert actor.status == Status.IN_REVIEW
    assert in_queue(reviewer, actor)
    assert_public_name(actor, claim, shown=APPROVED_NAME, hidden=NEW_NAME)

    response = decide(logged_in(reviewer), actor, action="approve")

    assert response.status_code == 302
    actor.refresh_from_db()
    assert actor.name == NEW_NAME
    assert actor.pending_change is None
    assert actor.status == Status.APPROVED and actor.is_live
    assert transitions_of(actor).filter(action=Transition.Action.APPROVE, user=reviewer).exists()
    assert_public_name(actor, claim, shown=NEW_NAME, hidden=APPROVED_NAME)


def test_editor_cannot_approve_the_rename_of_an_actor(editor, other_editor, named_actor):
    actor, claim = named_actor
    desk = logged_in(editor)
    form = desk.get(change_url(actor))
    desk.post(change_url(actor), admin_form_data(form, name=NEW_NAME))
    workflow.submit(actor, by=editor)

    response = decide(logged_in(other_editor), actor, action="approve")

    assert response.status_code == 302
    actor.refresh_from_db()
    assert actor.name == APPROVED_NAME and actor.status == Status.IN_REVIEW
    assert not transitions_of(actor).filter(action=Transition.Action.APPROVE).exists()
    assert_public_name(actor, claim, shown=APPROVED_NAME, hidden=NEW_NAME)


@pytest.mark.parametrize("kind", ["place", "source"])
def test_renaming_a_live_place_or_source_keeps_the_approved_name_on_the_public_pages(
    editor, reviewer, other_reviewer, kind
):
    claim = published_claim(author=editor, approver=other_reviewer)
    record = claim.event.place if kind == "place" else claim.citation_links.get().citation.source
    approved_name = record.name
    pages = [record.get_absolute_url(), claim.get_absolute_url()]
    if kind == "place":
        pages.append(claim.event.get_absolute_url())
    desk = logged_in(editor)
    form = desk.get(change_url(record))
    desk.post(change_url(record), admin_form_data(form, name=NEW_NAME))
    decide(desk, record, action="submit")
    record.refresh_from_db()
    assert record.name == approved_name and record.status == Status.IN_REVIEW

    for path in pages:
        html = page(path).content.decode()
        assert approved_name in html and NEW_NAME not in html, path

    decide(logged_in(reviewer), record, action="approve")

    record.refresh_from_db()
    assert record.name == NEW_NAME
    for path in pages:
        html = page(path).content.decode()
        assert NEW_NAME in html, path


# A new actor, place or source named by an entry


def create_actor_in_admin(user, name="Zqnew Front"):
    """Add an actor through the admin add form, as a person at the desk would."""
    response = logged_in(user).post(
        "/admin/events/actor/add/",
        {"name": name, "slug": "zqnew-front", "kind": Actor.Kind.ARMED_GROUP},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return Actor.objects.get(slug="zqnew-front")


def test_an_actor_added_in_the_admin_is_a_draft_logged_as_created_by_its_author(editor):
    actor = create_actor_in_admin(editor)

    assert actor.status == Status.DRAFT and not actor.is_live
    assert actor.first_published_at is None and actor.is_new
    assert actor.last_edited_by == editor
    assert transitions_of(actor).get().action == Transition.Action.CREATE


def test_a_new_draft_claimant_keeps_the_claim_off_the_public_site_until_it_is_approved(
    editor, reviewer
):
    actor = create_actor_in_admin(editor)
    event = publish(EventFactory(), author=editor, approver=reviewer)
    citation = publish(CitationFactory(), author=editor, approver=reviewer)
    claim = ClaimFactory(
        event=event, claimant_actor=actor, claimant_label="", last_edited_by=editor
    )
    ClaimCitationFactory(claim=claim, citation=citation)
    workflow.submit(claim, by=editor)
    workflow.approve(claim, by=reviewer)
    claim.refresh_from_db()
    actor.refresh_from_db()
    assert claim.is_live and claim.status == Status.APPROVED
    assert actor.status == Status.IN_REVIEW and not actor.is_live

    assert not Claim.objects.public().filter(pk=claim.pk).exists()
    assert not Event.objects.public().filter(pk=event.pk).exists()
    assert not Actor.objects.public().filter(pk=actor.pk).exists()
    assert page(claim.get_absolute_url()).status_code == 404
    assert page(event.get_absolute_url()).status_code == 404
    assert page(actor.get_absolute_url()).status_code == 404
    assert actor.name not in page("/claims/").content.decode()
    assert event.title not in page("/events/").content.decode()

    workflow.approve(actor, by=reviewer)

    assert Claim.objects.public().filter(pk=claim.pk).exists()
    assert Event.objects.public().filter(pk=event.pk).exists()
    assert Actor.objects.public().filter(pk=actor.pk).exists()
    for path in (claim.get_absolute_url(), event.get_absolute_url(), actor.get_absolute_url()):
        response = page(path)
        assert response.status_code == 200, path
        assert actor.name in response.content.decode(), path


def test_a_new_draft_place_keeps_its_event_and_claims_off_the_public_site_until_approved(
    editor, reviewer
):
    place = draft(PlaceFactory)
    event = EventFactory(place=place)
    claim = published_claim(author=editor, approver=reviewer, event=event)
    place.refresh_from_db()
    assert place.status == Status.IN_REVIEW  # submitted with the event

    assert not Event.objects.public().filter(pk=event.pk).exists()
    assert not Claim.objects.public().filter(pk=claim.pk).exists()
    assert not Place.objects.public().filter(pk=place.pk).exists()
    assert page(event.get_absolute_url()).status_code == 404
    assert page(place.get_absolute_url()).status_code == 404

    workflow.approve(place, by=reviewer)

    assert Event.objects.public().filter(pk=event.pk).exists()
    assert Claim.objects.public().filter(pk=claim.pk).exists()
    assert place.name in page(event.get_absolute_url()).content.decode()
    assert page(place.get_absolute_url()).status_code == 200


def test_a_new_draft_source_keeps_its_citation_and_claims_off_the_public_site_until_approved(
    editor, reviewer
):
    source = draft(SourceFactory)
    citation = CitationFactory(source=source)
    claim = published_claim(author=editor, approver=reviewer, citation=citation)
    source.refresh_from_db()
    assert source.status == Status.IN_REVIEW  # submitted with the citation

    assert not Citation.objects.public().filter(pk=citation.pk).exists()
    assert not Claim.objects.public().filter(pk=claim.pk).exists()
    assert not Source.objects.public().filter(pk=source.pk).exists()
    assert page(claim.get_absolute_url()).status_code == 404
    assert page(source.get_absolute_url()).status_code == 404

    workflow.approve(source, by=reviewer)

    assert Claim.objects.public().filter(pk=claim.pk).exists()
    assert source.name in page(claim.get_absolute_url()).content.decode()
    assert page(source.get_absolute_url()).status_code == 200


def test_a_pending_change_naming_a_new_actor_submits_it_and_waits_for_it_once_approved(
    editor, reviewer, other_reviewer
):
    claim = published_claim(author=editor, approver=other_reviewer)
    actor = create_actor_in_admin(editor)
    desk = logged_in(editor)
    form = desk.get(change_url(claim))
    desk.post(change_url(claim), admin_form_data(form, claimant_actor=str(actor.pk)))
    claim.refresh_from_db()
    assert claim.pending_change["fields"]["claimant_actor"] == actor.pk
    assert Claim.objects.public().filter(pk=claim.pk).exists()  # the approved version

    decide(desk, claim, action="submit")

    actor.refresh_from_db()
    assert actor.status == Status.IN_REVIEW
    assert submit_steps(actor).get().user == editor
    assert in_queue(reviewer, actor)

    workflow.approve(claim, by=reviewer)
    # The claim now names an actor still in review: it waits for it, off the public site.
    assert not Claim.objects.public().filter(pk=claim.pk).exists()
    assert page(claim.get_absolute_url()).status_code == 404

    workflow.approve(actor, by=reviewer)
    response = page(claim.get_absolute_url())
    assert response.status_code == 200
    assert actor.name in response.content.decode()


# Submitting an entry submits the new records it names


def test_submitting_a_claim_submits_its_new_draft_claimant_and_logs_the_step(editor):
    actor = draft(ActorFactory)
    approved_actor = ActorFactory()
    claim = ClaimFactory(claimant_actor=actor, claimant_label="", last_edited_by=editor)
    EventActorFactory(event=claim.event, actor=approved_actor)

    workflow.submit(claim, by=editor)

    actor.refresh_from_db()
    assert actor.status == Status.IN_REVIEW and not actor.is_live
    step = submit_steps(actor).get()
    assert step.user == editor
    assert (step.from_status, step.to_status) == (Status.DRAFT, Status.IN_REVIEW)
    assert str(claim.text) in step.comment
    # Published records are not touched.
    approved_actor.refresh_from_db()
    assert approved_actor.status == Status.APPROVED
    assert not transitions_of(approved_actor).exists()


def test_submitting_an_event_submits_its_new_draft_place_and_actors(editor):
    place = draft(PlaceFactory)
    actor = draft(ActorFactory)
    event = EventFactory(place=place, last_edited_by=editor)
    EventActorFactory(event=event, actor=actor)

    workflow.submit(event, by=editor)

    for record in (place, actor):
        record.refresh_from_db()
        assert record.status == Status.IN_REVIEW, record
        assert submit_steps(record).get().user == editor


def test_submitting_a_citation_submits_its_new_draft_source_and_the_actor_it_speaks_for(editor):
    actor = draft(ActorFactory)
    source = draft(SourceFactory, is_party=True, actor=actor)
    citation = CitationFactory(source=source, last_edited_by=editor)

    workflow.submit(citation, by=editor)

    for record in (source, actor):
        record.refresh_from_db()
        assert record.status == Status.IN_REVIEW, record
        assert submit_steps(record).get().user == editor


def test_submitting_a_pending_change_submits_the_new_place_it_names(editor, reviewer):
    claim = published_claim(author=editor, approver=reviewer)
    event = claim.event
    place = draft(PlaceFactory)
    snapshot = drafts.snapshot_of(event)
    snapshot["fields"]["place"] = place.pk
    workflow.edit(event, snapshot, by=editor)

    workflow.submit(event, by=editor)

    place.refresh_from_db()
    assert place.status == Status.IN_REVIEW
    assert submit_steps(place).exists()


def test_the_reviewer_who_created_a_new_actor_cannot_approve_it_another_reviewer_can(
    editor, reviewer, other_reviewer
):
    actor = create_actor_in_admin(reviewer)
    claim = ClaimFactory(claimant_actor=actor, claimant_label="", last_edited_by=editor)
    workflow.submit(claim, by=editor)
    actor.refresh_from_db()
    assert actor.status == Status.IN_REVIEW

    with pytest.raises(workflow.TransitionError):
        workflow.approve(actor, by=reviewer)
    response = decide(logged_in(reviewer), actor, action="approve")
    assert any("another reviewer" in message for message in messages_of(response))
    actor.refresh_from_db()
    assert actor.status == Status.IN_REVIEW and not actor.is_live
    assert not in_queue(reviewer, actor)
    assert in_queue(reviewer, claim)  # the claim is the editor's: this reviewer may approve it

    assert in_queue(other_reviewer, actor)
    decide(logged_in(other_reviewer), actor, action="approve")
    actor.refresh_from_db()
    assert actor.status == Status.APPROVED and actor.is_live


def test_the_reviewer_who_renamed_a_live_place_cannot_approve_the_rename(
    editor, reviewer, other_reviewer
):
    claim = published_claim(author=editor, approver=other_reviewer)
    place = claim.event.place
    desk = logged_in(reviewer)
    form = desk.get(change_url(place))
    desk.post(change_url(place), admin_form_data(form, name="Zqrenamed Town"))
    decide(desk, place, action="submit")
    place.refresh_from_db()
    assert place.status == Status.IN_REVIEW and place.pending_change is not None

    decide(desk, place, action="approve")
    place.refresh_from_db()
    assert place.status == Status.IN_REVIEW and place.name != "Zqrenamed Town"
    assert not in_queue(reviewer, place)

    assert in_queue(other_reviewer, place)
    decide(logged_in(other_reviewer), place, action="approve")
    place.refresh_from_db()
    assert place.name == "Zqrenamed Town" and place.status == Status.APPROVED
    assert "Zqrenamed Town" in page(claim.event.get_absolute_url()).content.decode()


def test_the_review_queue_lists_new_actors_places_and_sources_in_review(editor, reviewer):
    actor, place, source = draft(ActorFactory), draft(PlaceFactory), draft(SourceFactory)
    event = EventFactory(place=place, last_edited_by=editor)
    citation = CitationFactory(source=source, last_edited_by=editor)
    claim = ClaimFactory(
        event=event, claimant_actor=actor, claimant_label="", last_edited_by=editor
    )
    for entry in (event, citation, claim):
        workflow.submit(entry, by=editor)

    html = queue_of(reviewer).content.decode()

    for record in (actor, place, source, event, citation, claim):
        record.refresh_from_db()
        assert record.status == Status.IN_REVIEW, record
        assert f'href="{change_url(record)}"' in html, record
    for heading in ("Actors (1)", "Places (1)", "Sources (1)"):
        assert heading in html


def test_the_change_form_of_a_new_actor_in_review_offers_a_reviewer_the_decisions(editor, reviewer):
    actor = draft(ActorFactory, last_edited_by=editor)
    workflow.submit(actor, by=editor)

    response = logged_in(reviewer).get(change_url(actor))

    assert response.status_code == 200
    names = [action.name for action in response.context["review_actions"]]
    assert "approve" in names and "request_changes" in names
