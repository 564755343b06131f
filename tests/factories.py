"""Factories for tests. Reviewed entries are built as drafts; `published_*` helpers
take them through the real workflow so that tests meet the same rules as users."""

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from events import workflow
from events.models import Actor, Claim, ClaimCitation, Event, EventActor, Place, Status
from sources.models import Citation, Source


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.org")
    is_staff = True
    password = factory.PostGenerationMethodCall("set_password", "pass-word-1234")

    @factory.post_generation
    def group(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.add(Group.objects.get(name=extracted))
        if create:
            self.save()


def editor(username="editor"):
    return UserFactory(username=username, group="Editors")


def reviewer(username="reviewer"):
    return UserFactory(username=username, group="Reviewers")


class ApprovedReferenceFactory(factory.django.DjangoModelFactory):
    """Reference records start approved, as the ones recorded before review covered them;
    tests of their review build drafts with ``status=Status.DRAFT, is_live=False``."""

    class Meta:
        abstract = True

    status = Status.APPROVED
    is_live = True
    first_published_at = factory.LazyFunction(timezone.now)


class ActorFactory(ApprovedReferenceFactory):
    class Meta:
        model = Actor

    name = factory.Sequence(lambda n: f"Actor {n}")
    slug = factory.Sequence(lambda n: f"actor-{n}")
    kind = Actor.Kind.ARMED_GROUP


class PlaceFactory(ApprovedReferenceFactory):
    class Meta:
        model = Place

    name = factory.Sequence(lambda n: f"Place {n}")
    slug = factory.Sequence(lambda n: f"place-{n}")
    region = "Kidal"
    latitude = 18.44
    longitude = 1.41


class SourceFactory(ApprovedReferenceFactory):
    class Meta:
        model = Source

    name = factory.Sequence(lambda n: f"Outlet {n}")
    slug = factory.Sequence(lambda n: f"outlet-{n}")
    kind = Source.Kind.NEWS_OUTLET
    language = "fr"
    country = "FR"


class CitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Citation

    source = factory.SubFactory(SourceFactory)
    title = factory.Sequence(lambda n: f"Report number {n}")
    published_on = factory.Faker("date_between", start_date="-3y", end_date="-2y")
    language = "fr"


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Event

    title = factory.Sequence(lambda n: f"Clash number {n}")
    slug = factory.Sequence(lambda n: f"clash-{n}")
    summary = "Fighting was reported near the town."
    start_date = factory.Faker("date_between", start_date="-3y", end_date="-2y")
    event_type = Event.Type.BATTLE
    place = factory.SubFactory(PlaceFactory)


class EventActorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EventActor

    event = factory.SubFactory(EventFactory)
    actor = factory.SubFactory(ActorFactory)
    role = EventActor.Role.ATTACKER


class ClaimFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Claim

    event = factory.SubFactory(EventFactory)
    text = factory.Sequence(lambda n: f"Claim text number {n}")
    claimant_label = "a local official"
    kind = Claim.Kind.OTHER


class ClaimCitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ClaimCitation

    claim = factory.SubFactory(ClaimFactory)
    citation = factory.SubFactory(CitationFactory)


def publish(entry, *, author, approver):
    """Take an entry through submit and approve, authored by ``author``."""
    type(entry)._default_manager.filter(pk=entry.pk).update(last_edited_by=author)
    entry.refresh_from_db()
    workflow.submit(entry, by=author)
    workflow.approve(entry, by=approver)
    return entry


def published_claim(*, author, approver, event=None, citation=None, **claim_fields):
    """A public claim: approved, on an approved event, with an approved citation."""
    event = event or EventFactory()
    if not event.is_live:
        publish(event, author=author, approver=approver)
    citation = citation or CitationFactory()
    if not citation.is_live:
        publish(citation, author=author, approver=approver)
    claim = ClaimFactory(event=event, **claim_fields)
    ClaimCitationFactory(claim=claim, citation=citation)
    return publish(claim, author=author, approver=approver)
