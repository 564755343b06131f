"""The admin pages editors and reviewers live in make the same number of queries however
many entries wait for review, carry pending changes or have a history."""

from django.db import connection, transaction
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from reversion.models import Version

from events import workflow
from events.models import Claim
from tests.factories import EventFactory, editor, published_claim, reviewer

from .helpers import draft_claim, pending_edit


def build(n):
    """``n`` claims in review, ``n`` published with a pending change waiting for review and
    ``n`` events in review, by two editors, so the queue shows each kind of entry."""
    first, second, approver = editor("first"), editor("second"), reviewer("approver")
    for i in range(n):
        author = first if i % 2 else second
        claim = draft_claim(author=author)
        workflow.submit(claim, by=author)
        live = published_claim(author=author, approver=approver)
        pending_edit(live, by=author, text=f"Corrected figure, version {i}.")
        workflow.submit(live, by=author)
        event = EventFactory(last_edited_by=author)
        workflow.submit(event, by=author)
    return live


def count_queries(client, url):
    client.get(url)  # process-wide caches (content types, permissions) filled first
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(queries)


class AdminQueryCountTests(TestCase):
    def page_counts(self, n):
        with transaction.atomic():
            claim = build(n)
            self.client.force_login(reviewer("looker"))
            version = Version.objects.get_for_object(claim).order_by("pk").first()
            pages = {
                "review queue": reverse("admin:review_queue"),
                "claims": reverse("admin:events_claim_changelist"),
                "claims in review": reverse("admin:events_claim_changelist") + "?review=in_review",
                "events": reverse("admin:events_event_changelist"),
                "citations": reverse("admin:sources_citation_changelist"),
                "claim form": reverse("admin:events_claim_change", args=[claim.pk]),
                "claim history": reverse("admin:events_claim_history", args=[claim.pk]),
                "compare": reverse("admin:events_claim_compare", args=[claim.pk])
                + f"?from={version.pk}&to=live",
                "audit, revisions": reverse("admin:audit"),
                "audit, review steps": reverse("admin:audit") + "?kind=transitions",
            }
            counts = {name: count_queries(self.client, url) for name, url in pages.items()}
            self.assertTrue(Claim.objects.filter(status="in_review").count() >= 2 * n)
            transaction.set_rollback(True)
        return counts

    def test_admin_query_counts_do_not_grow_with_the_entries_waiting(self):
        small = self.page_counts(2)
        large = self.page_counts(8)
        self.assertEqual(small, large)
