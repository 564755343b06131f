"""The number of queries a page makes does not grow with the data."""

from django.db import connection, transaction
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from events import drafts, export_files, versions, workflow
from events.models import Claim
from tests.factories import (
    ActorFactory,
    CitationFactory,
    ClaimCitationFactory,
    ClaimFactory,
    EventActorFactory,
    EventFactory,
    PlaceFactory,
    publish,
)

from .helpers import users


def build(n_claims, n_events=2):
    """``n_events`` events at one place, each with ``n_claims`` claims."""
    author, approver = users()
    citations = [CitationFactory() for _ in range(3)]
    for citation in citations:
        publish(citation, author=author, approver=approver)
    actor = ActorFactory()
    place = PlaceFactory()
    events = []
    for _ in range(n_events):
        event = EventFactory(place=place)
        EventActorFactory(event=event, actor=actor)
        publish(event, author=author, approver=approver)
        previous = None
        for i in range(n_claims):
            claim = ClaimFactory(
                event=event,
                claimant_actor=actor if i % 2 else None,
                kind=Claim.Kind.CASUALTIES,
                figure_kind=Claim.FigureKind.AT_LEAST,
                figure_low=i,
                figure_unit="people killed",
            )
            for citation in citations[: 1 + i % 3]:
                ClaimCitationFactory(claim=claim, citation=citation, quote="q")
            publish(claim, author=author, approver=approver)
            if previous:
                claim.contradicts.add(previous)
            previous = claim
            if i < n_claims // 5:
                correct(claim, author, approver)
        correct(event, author, approver)
        events.append(event)
    return events, citations, actor


def correct(entry, author, approver):
    """Publish a corrected version of the entry, with a note: versions and corrections grow
    with the record too."""
    snapshot = drafts.snapshot_of(entry)
    field = "summary" if "summary" in snapshot["fields"] else "text"
    snapshot["fields"][field] += " (corrected)"
    workflow.edit(entry, snapshot, by=author)
    workflow.submit(entry, by=author)
    workflow.approve(entry, by=approver, correction_note="Corrected")


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
        if response.streaming:
            b"".join(response.streaming_content)
    assert response.status_code == 200, url
    return len(queries)


class QueryCountTests(TestCase):
    def page_counts(self, n_claims, n_events):
        """Queries made by each public page, on a fresh record of ``n_events`` events at one
        place with ``n_claims`` claims each."""
        with transaction.atomic():
            events, citations, actor = build(n_claims, n_events)
            event = events[0]
            claim = Claim.objects.public().filter(event=event).first()
            event_version = versions.approvals_of(event).last()
            claim_version = versions.approvals_of(claim).last()
            pages = {
                "corrections": reverse("events:corrections"),
                "event version": versions.version_url(event, event_version),
                "event citation": versions.cite_url(event, event_version, "bib"),
                "claim version": versions.version_url(claim, claim_version),
                "claim citation": versions.cite_url(claim, claim_version, "json"),
                "home": reverse("events:home"),
                "event list": reverse("events:event_list"),
                "filtered event list": reverse("events:event_list")
                + f"?actor={actor.pk}&claim_kind=casualties&sort=-date",
                "event": event.get_absolute_url(),
                "claim list": reverse("events:claim_list"),
                "claim": claim.get_absolute_url(),
                "actor list": reverse("events:actor_list"),
                "actor": actor.get_absolute_url(),
                "place list": reverse("events:place_list"),
                "place": event.place.get_absolute_url(),
                "map": reverse("events:map"),
                "source list": reverse("sources:source_list"),
                "source": citations[0].source.get_absolute_url(),
                "citation": citations[0].get_absolute_url(),
                "search": reverse("events:search") + "?q=claim",
                "feed": reverse("events:feed"),
                "sitemap": reverse("events:sitemap"),
                "claims sitemap": reverse("events:sitemap_section", args=["claims"]),
                "events csv": reverse("events:export_events_csv"),
                "events json": reverse("events:export_events_json"),
                "claims csv": reverse("events:export_claims_csv"),
                "claims json": reverse("events:export_claims_json"),
                "api events": reverse("api:event-list"),
                "api events, filtered": reverse("api:event-list")
                + f"?actor={actor.pk}&claim_kind=casualties&sort=-start_date",
                "api event": reverse("api:event-detail", args=[event.pk]),
                "api claims": reverse("api:claim-list"),
                "api claim": reverse("api:claim-detail", args=[claim.pk]),
                "api citations": reverse("api:citation-list"),
                "api citation": reverse("api:citation-detail", args=[citations[0].pk]),
                "api sources": reverse("api:source-list"),
                "api actors": reverse("api:actor-list"),
                "api places": reverse("api:place-list"),
            }
            # Exports are files built after each publication (their build reads the record
            # in chunks); serving one reads only the publication stamp.
            export_files.build(force=True)
            counts = {name: count_queries(self.client, url) for name, url in pages.items()}
            transaction.set_rollback(True)
        return counts

    def test_query_counts_are_the_same_with_5_and_30_claims_per_event(self):
        # The large record fills more than one page of every list (50 rows) and of an
        # event's claims (25).
        small = self.page_counts(5, n_events=2)
        large = self.page_counts(30, n_events=4)
        self.assertEqual(small, large)
        self.assertLessEqual(small["event"], 10)

    def test_event_page_with_50_claims_in_bounded_queries(self):
        events, *_ = build(50)
        # The publication stamp of the page cache (events/caching.py), then the event, its
        # actors, children, claims, their citation links and contradictions, the event's
        # approvals (its corrections and current version), its claims' corrections, and the
        # stamp's time for the stored page's Last-Modified.
        with self.assertNumQueries(10):
            self.client.get(events[0].get_absolute_url())
