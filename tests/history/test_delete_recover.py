"""Points 3 and 5: published content cannot be deleted by editors or reviewers (they withdraw
it); a superuser's delete, and any allowed delete, stays recoverable with its citation links."""

from django.contrib.messages import get_messages
from django.test import TestCase
from reversion.models import Version

from events import drafts, workflow
from events.models import Claim, ClaimCitation, Status
from tests.factories import (
    CitationFactory,
    ClaimCitationFactory,
    editor,
    published_claim,
    reviewer,
)

from .helpers import (
    admin_url,
    draft_claim_with_versions,
    form_errors,
    model_url,
    superuser,
)


def shown_messages(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


class DeletePublishedTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = editor()
        cls.reviewer = reviewer()
        cls.claim = published_claim(author=cls.editor, approver=cls.reviewer, text="Published.")

    def test_editor_cannot_delete_published_content(self):
        self.client.force_login(self.editor)
        self.assertEqual(self.client.get(admin_url(self.claim, "delete")).status_code, 403)
        response = self.client.post(admin_url(self.claim, "delete"), {"post": "yes"})
        self.assertEqual(response.status_code, 403)
        self.assertTrue(Claim.objects.filter(pk=self.claim.pk).exists())

    def test_reviewer_cannot_delete_published_content(self):
        self.client.force_login(self.reviewer)
        response = self.client.post(admin_url(self.claim, "delete"), {"post": "yes"})
        self.assertEqual(response.status_code, 403)
        self.assertTrue(Claim.objects.filter(pk=self.claim.pk).exists())

    def test_published_content_with_a_pending_change_cannot_be_deleted_either(self):
        snapshot = drafts.snapshot_of(self.claim)
        snapshot["fields"]["text"] = "Edited."
        workflow.edit(self.claim, snapshot, by=self.editor)
        self.client.force_login(self.editor)
        response = self.client.post(admin_url(self.claim, "delete"), {"post": "yes"})
        self.assertEqual(response.status_code, 403)
        self.assertTrue(Claim.objects.filter(pk=self.claim.pk).exists())

    def test_change_form_of_published_content_offers_no_delete_link(self):
        self.client.force_login(self.editor)
        response = self.client.get(admin_url(self.claim, "change"))
        self.assertEqual(response.status_code, 200)
        self.assertNotContains(response, admin_url(self.claim, "delete"))

    def test_bulk_delete_by_an_editor_deletes_no_published_content(self):
        draft = draft_claim_with_versions(by=self.editor, texts=["Draft."])
        self.client.force_login(self.editor)

        self.client.post(
            model_url(Claim, "changelist"),
            {
                "action": "delete_selected",
                "post": "yes",
                "_selected_action": [str(self.claim.pk), str(draft.pk)],
            },
        )

        self.assertTrue(Claim.objects.filter(pk=self.claim.pk).exists())

    def test_reviewers_withdraw_instead(self):
        workflow.withdraw(self.claim, by=self.reviewer, comment="Retracted.")
        self.claim.refresh_from_db()
        self.assertEqual(self.claim.status, Status.WITHDRAWN)
        self.assertFalse(Claim.objects.public().filter(pk=self.claim.pk).exists())

    def test_editor_can_delete_a_draft(self):
        draft = draft_claim_with_versions(by=self.editor, texts=["Draft."])
        self.client.force_login(self.editor)
        response = self.client.post(admin_url(draft, "delete"), {"post": "yes"})
        self.assertEqual(response.status_code, 302)
        self.assertFalse(Claim.objects.filter(pk=draft.pk).exists())


class RecoverTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = editor()
        cls.reviewer = reviewer()
        cls.boss = superuser()
        cls.citation = CitationFactory()
        cls.claim = published_claim(
            author=cls.editor,
            approver=cls.reviewer,
            citation=cls.citation,
            text="Fighters killed 14 civilians.",
        )
        cls.second_link = ClaimCitationFactory(claim=cls.claim, quote="quatorze")
        # Record the second link in the claim's latest version (as an approved edit would).
        workflow.edit(cls.claim, drafts.snapshot_of(cls.claim), by=cls.editor)
        workflow.submit(cls.claim, by=cls.editor)
        workflow.approve(cls.claim, by=cls.reviewer)
        cls.link_ids = sorted(cls.claim.citation_links.values_list("pk", flat=True))

    def delete_as_superuser(self):
        workflow.withdraw(self.claim, by=self.reviewer, comment="Retracted by the outlet.")
        self.client.force_login(self.boss)
        response = self.client.post(admin_url(self.claim, "delete"), {"post": "yes"})
        self.assertEqual(response.status_code, 302)
        self.assertFalse(Claim.objects.filter(pk=self.claim.pk).exists())
        self.assertFalse(ClaimCitation.objects.filter(pk__in=self.link_ids).exists())

    def deleted_version(self):
        return Version.objects.get_deleted(Claim).get(object_id=str(self.claim.pk))

    def recover(self, user):
        version = self.deleted_version()
        self.client.force_login(user)
        url = model_url(Claim, "recoverlist") + f"{version.pk}/"
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200, shown_messages(response))
        self.assertFalse(Claim.objects.filter(pk=self.claim.pk).exists())  # GET changes nothing
        return self.client.post(url, {"confirm": "on"}), response

    def test_superuser_can_delete_withdrawn_content_but_nobody_deletes_live_content(self):
        self.client.force_login(self.boss)
        response = self.client.post(admin_url(self.claim, "delete"), {"post": "yes"})
        self.assertEqual(response.status_code, 403)
        self.assertTrue(Claim.objects.filter(pk=self.claim.pk, is_live=True).exists())
        self.delete_as_superuser()

    def test_deleted_content_is_listed_for_recovery(self):
        self.delete_as_superuser()
        response = self.client.get(model_url(Claim, "recoverlist"))
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Fighters killed 14 civilians.")

    def test_deleted_content_is_recovered_with_its_citation_links(self):
        self.delete_as_superuser()

        response, _form_page = self.recover(self.boss)

        self.assertEqual(response.status_code, 302, form_errors(response))
        claim = Claim.objects.get(pk=self.claim.pk)
        self.assertEqual(claim.text, "Fighters killed 14 civilians.")
        self.assertEqual(sorted(claim.citation_links.values_list("pk", flat=True)), self.link_ids)
        self.assertEqual(claim.citation_links.get(pk=self.second_link.pk).quote, "quatorze")

    def test_recovered_content_goes_through_review_before_the_public_sees_it(self):
        self.delete_as_superuser()
        self.recover(self.boss)

        self.assertFalse(Claim.objects.public().filter(pk=self.claim.pk).exists())

    def test_editor_can_recover_a_deleted_draft_with_its_links(self):
        draft = draft_claim_with_versions(by=self.editor, texts=["A draft claim."])
        link = draft.citation_links.get()
        self.client.force_login(self.editor)
        self.client.post(admin_url(draft, "delete"), {"post": "yes"})
        version = Version.objects.get_deleted(Claim).get(object_id=str(draft.pk))
        url = model_url(Claim, "recoverlist") + f"{version.pk}/"

        form_page = self.client.get(url)
        self.assertEqual(form_page.status_code, 200, shown_messages(form_page))
        response = self.client.post(url, {"confirm": "on"})

        self.assertEqual(response.status_code, 302, form_errors(response))
        recovered = Claim.objects.get(pk=draft.pk)
        self.assertEqual(list(recovered.citation_links.values_list("pk", flat=True)), [link.pk])
