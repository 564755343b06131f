"""Point 2: the history page lists every version with who, when, comment and review state,
and its queries do not grow with the number of versions."""

import reversion
from django.contrib.auth.models import Permission
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from reversion.models import Version

from events import drafts, workflow
from events.models import Status
from tests.factories import UserFactory, editor, published_claim, reviewer

from .helpers import compare_url, draft_claim_with_versions, history_url, versions_of


class HistoryPageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = editor()
        cls.reviewer = reviewer()
        cls.claim = draft_claim_with_versions(
            by=cls.editor, texts=["Medical sources said 14 were killed.", "14 civilians killed."]
        )
        workflow.submit(cls.claim, by=cls.editor, comment="Ready.")
        workflow.approve(cls.claim, by=cls.reviewer, comment="Two sources agree.")

    def setUp(self):
        self.client.force_login(self.editor)

    def test_history_page_lists_every_version_with_user_comment_and_date(self):
        response = self.client.get(history_url(self.claim))

        self.assertEqual(response.status_code, 200)
        rows = response.context["rows"]
        versions = versions_of(self.claim)
        self.assertEqual([row["version"].pk for row in rows], [v.pk for v in versions])
        self.assertEqual(len(rows), 4)
        html = response.content.decode()
        for version in versions:
            self.assertIn(f'value="{version.pk}"', html)
        self.assertContains(response, "Approve: Two sources agree.")
        self.assertContains(response, "Submit for review: Ready.")
        self.assertContains(response, "Now says 14 civilians killed.")
        self.assertContains(response, "<td>reviewer</td>", html=True)
        self.assertContains(response, "<td>editor</td>", html=True)

    def test_history_page_gives_each_version_the_review_state_it_was_recorded_in(self):
        response = self.client.get(history_url(self.claim))

        states = [str(row["state"]) for row in response.context["rows"]]
        # Newest first: approved, submitted, edited draft, created draft.
        self.assertEqual(states, ["Approved", "In review", "Draft", "Draft"])

    def test_history_page_links_each_version_to_its_restore_page(self):
        response = self.client.get(history_url(self.claim))

        for version in versions_of(self.claim):
            self.assertContains(response, f"/history/{version.pk}/")

    def test_history_page_offers_the_pending_change_for_comparison(self):
        snapshot = drafts.snapshot_of(self.claim)
        snapshot["fields"]["text"] = "At least 14 civilians were killed."
        workflow.edit(self.claim, snapshot, by=self.editor)

        response = self.client.get(history_url(self.claim))

        self.assertContains(response, 'value="pending"')
        self.assertContains(
            response, compare_url(self.claim, "live", "pending").replace("&", "&amp;")
        )

    def test_history_page_lists_review_steps(self):
        response = self.client.get(history_url(self.claim))

        steps = [step.action for step in response.context["transitions"]]
        self.assertEqual(steps, ["approve", "submit", "edit"])
        self.assertContains(response, "Two sources agree.")

    def test_anonymous_user_cannot_see_the_history(self):
        self.client.logout()
        response = self.client.get(history_url(self.claim))
        self.assertEqual(response.status_code, 302)
        self.assertIn("/admin/login/", response["Location"])

    def test_staff_without_view_permission_cannot_see_the_history(self):
        self.client.force_login(UserFactory(username="clerk"))
        response = self.client.get(history_url(self.claim))
        self.assertEqual(response.status_code, 403)

    def test_staff_with_only_view_permission_sees_the_history(self):
        clerk = UserFactory(username="viewer")
        clerk.user_permissions.add(Permission.objects.get(codename="view_claim"))
        self.client.force_login(clerk)
        response = self.client.get(history_url(self.claim))
        self.assertEqual(response.status_code, 200)

    def test_history_of_an_unknown_entry_is_not_found(self):
        response = self.client.get("/admin/events/claim/999999/history/")
        self.assertEqual(response.status_code, 404)

    def test_history_of_an_entry_without_versions_says_so(self):
        claim = draft_claim_with_versions(by=self.editor, texts=["x"])
        Version.objects.get_for_object(claim).delete()
        response = self.client.get(history_url(claim))
        self.assertContains(response, "no recorded versions yet")


class HistoryPageQueryCountTests(TestCase):
    """The number of queries is the same for 3 versions as for 30."""

    @classmethod
    def setUpTestData(cls):
        cls.editor = editor()
        cls.reviewer = reviewer()
        cls.reviewer2 = reviewer("reviewer2")
        cls.few = cls.claim_with_versions(3)
        cls.many = cls.claim_with_versions(30)

    @classmethod
    def claim_with_versions(cls, count):
        claim = published_claim(author=cls.editor, approver=cls.reviewer)
        # published_claim recorded submit and approve; add edits by several people up to count.
        users = [cls.editor, cls.reviewer, cls.reviewer2]
        while len(versions_of(claim)) < count:
            user = users[len(versions_of(claim)) % 3]
            with reversion.create_revision():
                claim.save()
                reversion.set_user(user)
                reversion.set_comment(f"Edit {len(versions_of(claim))}")
        # Review steps too, since the page lists them and uses them for states.
        snapshot = drafts.snapshot_of(claim)
        workflow.edit(claim, snapshot, by=cls.editor)
        workflow.submit(claim, by=cls.editor)
        return claim

    def queries_for(self, claim):
        self.client.force_login(self.reviewer)
        self.client.get(history_url(claim))  # warm up the session and caches
        with CaptureQueriesContext(connection) as queries:
            response = self.client.get(history_url(claim))
        self.assertEqual(response.status_code, 200)
        return response, len(queries)

    def test_history_page_queries_do_not_grow_with_versions(self):
        few_response, few = self.queries_for(self.few)
        many_response, many = self.queries_for(self.many)

        self.assertEqual(len(few_response.context["rows"]), 4)
        self.assertEqual(len(many_response.context["rows"]), 31)
        self.assertEqual(few, many)
        self.assertLess(many, 20)
        self.assertEqual(self.many.status, Status.IN_REVIEW)
