"""Point 3: restoring a version. A draft takes the version at once; published content gets a
pending change that goes through review like any edit, and the public keeps seeing the approved
version until a reviewer approves it."""

import json

from django.contrib.auth.models import Permission
from django.test import TestCase
from django.urls import reverse
from reversion.models import Revision

from events import drafts, workflow
from events.models import Claim, Status, Transition
from tests.factories import (
    CitationFactory,
    ClaimCitationFactory,
    UserFactory,
    editor,
    published_claim,
    reviewer,
)

from .helpers import (
    admin_url,
    draft_claim_with_versions,
    edit_draft,
    restore,
    restore_url,
    versions_of,
)


def public_texts():
    return set(Claim.objects.public().values_list("text", flat=True))


class RestoreDraftTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = editor()
        cls.claim = draft_claim_with_versions(
            by=cls.editor, texts=["Fighters killed 14 civilians.", "Fighters killed 10 civilians."]
        )
        cls.first = versions_of(cls.claim)[-1]

    def setUp(self):
        self.client.force_login(self.editor)

    def test_restore_page_shows_what_restoring_changes_and_asks_to_confirm(self):
        response = self.client.get(restore_url(self.claim, self.first))

        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "<del>10</del><ins>14</ins>", html=False)
        self.assertContains(response, 'method="post"')
        self.assertFalse(response.context["goes_to_review"])
        self.claim.refresh_from_db()
        self.assertEqual(self.claim.text, "Fighters killed 10 civilians.")

    def test_restoring_a_draft_applies_the_version_at_once_in_one_revision(self):
        before = Revision.objects.count()

        response = restore(self.client, self.claim, self.first, **{"comment": "The 10 was a typo."})

        self.assertRedirects(
            response, admin_url(self.claim, "change"), fetch_redirect_response=False
        )
        self.claim.refresh_from_db()
        self.assertEqual(self.claim.text, "Fighters killed 14 civilians.")
        self.assertIsNone(self.claim.pending_change)
        self.assertEqual(Revision.objects.count(), before + 1)
        latest = versions_of(self.claim)[0].revision
        self.assertEqual(latest.user, self.editor)
        self.assertEqual(latest.get_comment(), "The 10 was a typo.")

    def test_restoring_without_a_comment_records_a_default_one(self):
        restore(self.client, self.claim, self.first)
        comment = versions_of(self.claim)[0].revision.get_comment()
        self.assertIn("Restored the version of", comment)

    def test_restoring_brings_back_the_citation_links_of_the_version(self):
        original = self.claim.citation_links.get()
        original.delete()
        added = ClaimCitationFactory(claim=self.claim, citation=CitationFactory())
        edit_draft(self.claim, by=self.editor, comment="Swapped the citation")

        restore(self.client, self.claim, self.first)

        links = list(self.claim.citation_links.all())
        self.assertEqual([link.citation_id for link in links], [original.citation_id])
        self.assertFalse(
            Claim.citation_links.rel.related_model.objects.filter(pk=added.pk).exists()
        )

    def test_restoring_a_version_of_another_entry_is_not_found(self):
        other = draft_claim_with_versions(by=self.editor, texts=["Other."])
        response = self.client.post(restore_url(self.claim, versions_of(other)[0]))
        self.assertEqual(response.status_code, 404)
        self.claim.refresh_from_db()
        self.assertEqual(self.claim.text, "Fighters killed 10 civilians.")

    def test_staff_who_can_only_view_cannot_restore(self):
        clerk = UserFactory(username="viewer")
        clerk.user_permissions.add(Permission.objects.get(codename="view_claim"))
        self.client.force_login(clerk)

        self.assertEqual(self.client.get(restore_url(self.claim, self.first)).status_code, 200)
        response = restore(self.client, self.claim, self.first)

        self.assertEqual(response.status_code, 403)
        self.claim.refresh_from_db()
        self.assertEqual(self.claim.text, "Fighters killed 10 civilians.")


class RestorePublishedTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = editor()
        cls.reviewer = reviewer()
        cls.second_reviewer = reviewer("reviewer2")
        cls.claim = published_claim(
            author=cls.editor, approver=cls.reviewer, text="Fighters killed 14 civilians."
        )
        cls.first = versions_of(cls.claim)[0]
        snapshot = drafts.snapshot_of(cls.claim)
        snapshot["fields"]["text"] = "Fighters killed 10 civilians."
        workflow.edit(cls.claim, snapshot, by=cls.editor)
        workflow.submit(cls.claim, by=cls.editor)
        workflow.approve(cls.claim, by=cls.second_reviewer)

    def setUp(self):
        self.client.force_login(self.editor)

    def public_export(self):
        response = self.client.get(reverse("events:export_claims_json"))
        self.assertEqual(response.status_code, 200)
        return b"".join(response.streaming_content).decode()

    def test_restore_page_says_the_version_goes_to_review(self):
        response = self.client.get(restore_url(self.claim, self.first))
        self.assertTrue(response.context["goes_to_review"])
        self.assertContains(response, "becomes a pending change")

    def test_restoring_published_content_creates_a_pending_change(self):
        revisions = Revision.objects.count()

        response = restore(self.client, self.claim, self.first, **{"comment": "Back to 14."})

        self.assertEqual(response.status_code, 302)
        self.claim.refresh_from_db()
        self.assertTrue(self.claim.is_live)
        self.assertEqual(self.claim.text, "Fighters killed 10 civilians.")
        self.assertEqual(
            self.claim.pending_change["fields"]["text"], "Fighters killed 14 civilians."
        )
        self.assertNotEqual(self.claim.status, Status.APPROVED)
        self.assertEqual(self.claim.last_edited_by, self.editor)
        self.assertEqual(Revision.objects.count(), revisions)  # the published row is unchanged
        transition = Transition.objects.filter(object_id=str(self.claim.pk)).first()
        self.assertEqual((transition.user, transition.comment), (self.editor, "Back to 14."))

    def test_reverting_published_content_does_not_change_what_the_public_sees(self):
        self.client.force_login(self.editor)
        restore(self.client, self.claim, self.first)

        self.assertEqual(public_texts(), {"Fighters killed 10 civilians."})
        self.client.logout()
        export = self.public_export()
        self.assertIn("Fighters killed 10 civilians.", export)
        self.assertNotIn("14 civilians", export)

    def test_restored_published_content_goes_live_only_once_approved(self):
        restore(self.client, self.claim, self.first)
        self.claim.refresh_from_db()

        workflow.submit(self.claim, by=self.editor)
        self.assertEqual(public_texts(), {"Fighters killed 10 civilians."})
        with self.assertRaises(workflow.TransitionError):
            workflow.approve(self.claim, by=self.editor)
        workflow.approve(self.claim, by=self.reviewer)

        self.assertEqual(public_texts(), {"Fighters killed 14 civilians."})
        self.claim.refresh_from_db()
        self.assertIsNone(self.claim.pending_change)
        self.assertEqual(versions_of(self.claim)[0].revision.user, self.reviewer)

    def test_a_restored_pending_change_can_be_discarded(self):
        restore(self.client, self.claim, self.first)
        self.claim.refresh_from_db()

        workflow.discard_pending_change(self.claim, by=self.editor)

        self.claim.refresh_from_db()
        self.assertIsNone(self.claim.pending_change)
        self.assertEqual(self.claim.status, Status.APPROVED)
        self.assertEqual(public_texts(), {"Fighters killed 10 civilians."})

    def test_reviewer_restoring_published_content_does_not_bypass_review(self):
        self.client.force_login(self.second_reviewer)
        restore(self.client, self.claim, self.first)
        self.claim.refresh_from_db()
        self.assertIsNotNone(self.claim.pending_change)
        self.assertEqual(public_texts(), {"Fighters killed 10 civilians."})
        self.assertEqual(
            json.loads(json.dumps(self.claim.pending_change))["fields"]["text"],
            "Fighters killed 14 civilians.",
        )
