"""Exports of what a list's filters select: streamed, public entries only, bounded."""

import csv
import io
import json
from unittest import mock

from django.test import TestCase
from django.urls import reverse

from events.models import Claim

from .helpers import SECRETS, build_record


def streamed(response):
    assert response.streaming
    return b"".join(response.streaming_content).decode("utf-8")


class SelectionExportTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.r = build_record()

    def events_url(self, extension, query=""):
        return reverse("events:events_selection_export", args=[extension]) + query

    def claims_url(self, extension, query=""):
        return reverse("events:claims_selection_export", args=[extension]) + query

    def test_events_csv_holds_the_filtered_public_events_only(self):
        response = self.client.get(self.events_url("csv", f"?place={self.r.anefis.pk}"))
        self.assertEqual(response.status_code, 200)
        self.assertIn("attachment", response["Content-Disposition"])
        rows = list(csv.DictReader(io.StringIO(streamed(response).lstrip("\ufeff"))))
        self.assertEqual([row["title"] for row in rows], ["Fighting at Anéfis"])

    def test_events_json_nests_the_public_claims_of_the_selection(self):
        response = self.client.get(self.events_url("json", "?q=drone"))
        records = json.loads(streamed(response))
        self.assertEqual([record["title"] for record in records], ["Drone strike on Kidal"])
        texts = {claim["claim"] for claim in records[0]["claims"]}
        self.assertIn("The strikes killed fourteen civilians.", texts)
        self.assertFalse(texts & set(SECRETS))

    def test_claims_selection_follows_the_claim_filters(self):
        response = self.client.get(
            self.claims_url("csv", f"?kind={Claim.Kind.TERRITORIAL_CONTROL}")
        )
        rows = list(csv.DictReader(io.StringIO(streamed(response).lstrip("\ufeff"))))
        self.assertEqual(
            {row["claim"] for row in rows},
            {"The army said it held Anéfis.", "The CSP-PSD said it repelled the army."},
        )

    def test_no_selection_ever_holds_what_readers_cannot_see(self):
        for url in (self.events_url("csv"), self.events_url("json"), self.claims_url("json")):
            body = streamed(self.client.get(url))
            for secret in SECRETS:
                self.assertNotIn(secret, body, url)

    def test_filters_that_cannot_apply_give_a_400(self):
        for query in ("?start=not-a-date", "?place=999999", "?sort=password"):
            response = self.client.get(self.events_url("csv", query))
            self.assertEqual(response.status_code, 400, query)
            self.assertIn("cannot be applied", response.content.decode())
        self.assertEqual(self.client.get(self.events_url("xml")).status_code, 404)

    def test_a_selection_larger_than_the_limit_points_to_the_whole_record(self):
        with mock.patch("events.views.FILTERED_EXPORT_LIMIT", 1):
            response = self.client.get(self.events_url("csv"))
            self.assertEqual(response.status_code, 400)
            self.assertIn(reverse("events:exports"), response.content.decode())
            page = self.client.get(reverse("events:event_list"))
            self.assertNotContains(page, self.events_url("csv"))
        self.assertEqual(self.client.get(self.events_url("csv")).status_code, 200)

    def test_list_pages_link_to_the_selection_they_show(self):
        page = self.client.get(reverse("events:event_list") + f"?place={self.r.anefis.pk}&page=1")
        self.assertContains(page, self.events_url("csv", f"?place={self.r.anefis.pk}"))
        self.assertContains(page, self.events_url("json", f"?place={self.r.anefis.pk}"))
        claims = self.client.get(reverse("events:claim_list") + "?kind=casualties")
        self.assertContains(claims, self.claims_url("csv", "?kind=casualties"))
