"""Nothing the public may not see reaches a public page, feed, sitemap, export or search."""

import re

from django.contrib.auth.models import Permission
from django.test import TestCase
from django.urls import reverse

from events import versions
from events.sitemaps import SITEMAPS
from tests.factories import UserFactory

from .helpers import SECRETS, build_record

INTERNAL_LINK = r'href="(/(?:events|claims|actors|places|sources|citations)/[^"?#]+)"'


def public_urls(record):
    urls = [
        reverse("events:home"),
        reverse("events:event_list"),
        reverse("events:event_list") + "?q=Zqxdraftevent",
        reverse("events:claim_list"),
        reverse("events:actor_list"),
        reverse("events:place_list"),
        reverse("events:map"),
        reverse("sources:source_list"),
        reverse("events:exports"),
        reverse("events:feed"),
        reverse("events:sitemap"),
        *(reverse("events:sitemap_section", args=[name]) for name in SITEMAPS),
        reverse("events:robots"),
        reverse("events:export_events_csv"),
        reverse("events:export_events_json"),
        reverse("events:export_claims_csv"),
        reverse("events:export_claims_json"),
    ]
    urls += [reverse("events:search") + f"?q={secret}" for secret in SECRETS]
    # Published versions, their citations and the corrections log.
    urls.append(reverse("events:corrections"))
    for entry in (record.strike, record.battle, record.csp_claim, record.medical_claim):
        for approval in versions.approvals_of(entry):
            page = versions.version_url(entry, approval)
            urls += [
                page,
                versions.cite_url(entry, approval, "json"),
                versions.cite_url(entry, approval, "bib"),
            ]
    urls += api_urls(record)
    for obj in (
        record.offensive,
        record.strike,
        record.battle,
        record.csp_claim,
        record.medical_claim,
        record.army_claim,
        record.csp,
        record.mnla,
        record.fama,
        record.kidal,
        record.anefis,
        record.rfi,
        record.statement,
        record.rfi_report,
        record.csp_statement,
    ):
        urls.append(obj.get_absolute_url())
    return urls


API_RESOURCES = ("events", "claims", "citations", "sources", "actors", "places", "corrections")


def api_urls(record):
    """Every API list, searched for each secret where it searches, and the API record of
    every public entry (drafts and withdrawn entries answer 404: see below)."""
    urls = [reverse("api:api-root"), reverse("api:schema")]
    urls += [reverse(f"api:{name[:-1]}-list") for name in API_RESOURCES]
    urls += [
        reverse(f"api:{name}-list") + f"?q={secret}"
        for name in ("event", "claim", "citation")
        for secret in SECRETS
    ]
    urls += [
        reverse("api:event-list") + f"?place={record.kidal.pk}",
        reverse("api:claim-list") + f"?event={record.strike.pk}",
        reverse("api:citation-list") + f"?source={record.rfi.pk}",
    ]
    for obj in (
        record.offensive,
        record.strike,
        record.battle,
        record.csp_claim,
        record.medical_claim,
        record.army_claim,
        record.rebel_claim,
        record.rfi_report,
        record.csp_statement,
        record.rfi,
        record.statement,
        record.csp,
        record.mnla,
        record.fama,
        record.kidal,
        record.anefis,
    ):
        urls.append(reverse(f"api:{obj._meta.model_name}-detail", args=[obj.pk]))
    return urls


def body(response):
    if response.streaming:
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


class AnonymousVisibilityTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.r = build_record()

    def test_anonymous_user_cannot_see_unpublished_entries_anywhere(self):
        for url in public_urls(self.r):
            response = self.client.get(url)
            self.assertEqual(response.status_code, 200, url)
            content = body(response)
            if "?q=" in url:
                # The page repeats what was searched for; the results must not hold it.
                content = content.replace(url.split("?q=")[1], "")
            for secret in SECRETS:
                self.assertNotIn(secret, content, f"{secret} on {url}")
            self.assertNotIn("Hiddenplace", content, url)
            self.assertNotIn("Hiddenactor", content, url)

    def test_links_on_public_pages_lead_to_public_pages(self):
        seen, queue = set(), [reverse("events:home")]
        while queue:
            url = queue.pop()
            if url in seen:
                continue
            seen.add(url)
            response = self.client.get(url)
            self.assertEqual(response.status_code, 200, url)
            queue.extend(re.findall(INTERNAL_LINK, body(response)))
        self.assertIn(self.r.rfi_report.get_absolute_url(), seen)

    def test_non_public_entries_answer_404(self):
        for url in (
            self.r.draft_event.get_absolute_url(),
            self.r.withdrawn.get_absolute_url(),
            self.r.draft_claim.get_absolute_url(),
            self.r.review_claim.get_absolute_url(),
            self.r.unsourced.get_absolute_url(),
            self.r.withdrawn_claim.get_absolute_url(),
            self.r.draft_citation.get_absolute_url(),
            self.r.hidden_place.get_absolute_url(),
            self.r.hidden_actor.get_absolute_url(),
        ):
            self.assertEqual(self.client.get(url).status_code, 404, url)

    def test_non_public_entries_answer_404_in_the_api(self):
        for obj in (
            self.r.draft_event,
            self.r.withdrawn,
            self.r.draft_claim,
            self.r.review_claim,
            self.r.unsourced,
            self.r.withdrawn_claim,
            self.r.draft_citation,
            self.r.hidden_place,
            self.r.hidden_actor,
        ):
            url = reverse(f"api:{obj._meta.model_name}-detail", args=[obj.pk])
            self.assertEqual(self.client.get(url).status_code, 404, url)

    def test_staff_see_only_the_public_record_in_the_api(self):
        self.client.force_login(self.r.author)
        for url in api_urls(self.r):
            response = self.client.get(url)
            self.assertEqual(response.status_code, 200, url)
            content = (
                body(response).replace(url.split("?q=")[-1], "") if "?q=" in url else body(response)
            )
            for secret in SECRETS:
                self.assertNotIn(secret, content, f"{secret} on {url}")

    def test_preview_parameter_is_ignored_for_the_public(self):
        response = self.client.get(self.r.strike.get_absolute_url() + "?preview=1")
        self.assertEqual(response.status_code, 200)
        self.assertNotContains(response, "Zqxpendingsummary")
        self.assertContains(response, "Drones struck the town near a school.")
        self.assertEqual(
            self.client.get(self.r.draft_event.get_absolute_url() + "?preview=1").status_code, 404
        )

    def test_staff_without_change_permission_cannot_preview(self):
        user = UserFactory(username="visitor")
        self.client.force_login(user)
        self.assertEqual(self.client.get(self.r.draft_event.get_absolute_url()).status_code, 404)


class StaffPreviewTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.r = build_record()

    def setUp(self):
        self.client.force_login(self.r.author)

    def assert_preview(self, response):
        self.assertEqual(response.status_code, 200)
        self.assertIn("no-store", response["Cache-Control"])
        self.assertIn("private", response["Cache-Control"])
        self.assertContains(response, 'class="preview-banner"')
        self.assertContains(response, '<meta name="robots" content="noindex, nofollow">')

    def test_editor_can_preview_a_draft_event(self):
        response = self.client.get(self.r.draft_event.get_absolute_url())
        self.assert_preview(response)
        self.assertContains(response, "Zqxdraftevent")
        self.assertContains(response, "this entry is not published")

    def test_editor_can_preview_a_withdrawn_event_and_draft_claim_and_citation(self):
        self.assert_preview(self.client.get(self.r.withdrawn.get_absolute_url()))
        response = self.client.get(self.r.review_claim.get_absolute_url())
        self.assert_preview(response)
        self.assertContains(response, "Zqxreviewclaim")
        response = self.client.get(self.r.draft_citation.get_absolute_url())
        self.assert_preview(response)
        self.assertContains(response, "Zqxdraftcitation")

    def test_editor_previews_the_pending_change_of_a_live_event(self):
        response = self.client.get(self.r.strike.get_absolute_url() + "?preview=1")
        self.assert_preview(response)
        self.assertContains(response, "Zqxpendingsummary")
        self.assertContains(response, "waiting for review")

    def test_editor_sees_the_public_version_without_asking_for_a_preview(self):
        response = self.client.get(self.r.strike.get_absolute_url())
        self.assertEqual(response.status_code, 200)
        self.assertNotContains(response, "Zqxpendingsummary")
        self.assertNotContains(response, 'class="preview-banner"')
        self.assertNotIn("no-store", response.get("Cache-Control", ""))

    def test_permission_is_per_model(self):
        user = UserFactory(username="claims-only")
        user.user_permissions.add(Permission.objects.get(codename="change_claim"))
        self.client.force_login(user)
        self.assertEqual(self.client.get(self.r.draft_event.get_absolute_url()).status_code, 404)
        self.assertEqual(self.client.get(self.r.review_claim.get_absolute_url()).status_code, 200)
