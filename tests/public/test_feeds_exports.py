import csv
import io
import json
import xml.etree.ElementTree as ET

from django.contrib.sitemaps import views as sitemap_views
from django.core.cache import cache
from django.test import RequestFactory, TestCase
from django.urls import reverse

from events import exports, sitemaps

from .helpers import build_record

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def streamed(response):
    assert response.streaming
    return b"".join(response.streaming_content).decode("utf-8")


class FeedTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.r = build_record()

    def test_atom_feed_lists_newly_published_events_and_claims(self):
        response = self.client.get(reverse("events:feed"))
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response["Content-Type"].startswith("application/atom+xml"))
        root = ET.fromstring(response.content)
        titles = [entry.find(f"{ATOM}title").text for entry in root.findall(f"{ATOM}entry")]
        self.assertIn("Drone strike on Kidal", titles)
        self.assertIn("Claim on “Drone strike on Kidal”: medical sources", titles)
        self.assertEqual(len(titles), 8)
        links = [entry.find(f"{ATOM}link").get("href") for entry in root.findall(f"{ATOM}entry")]
        self.assertIn("http://testserver" + self.r.strike.get_absolute_url(), links)


class SitemapTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.r = build_record()

    def locations(self):
        """Every address the sitemap index leads to, following each sitemap file."""
        index = self.client.get(reverse("events:sitemap"))
        self.assertEqual(index.status_code, 200)
        files = [
            node.find(f"{SITEMAP}loc").text.replace("http://testserver", "")
            for node in ET.fromstring(index.content).findall(f"{SITEMAP}sitemap")
        ]
        locations = []
        for url in files:
            response = self.client.get(url)
            self.assertEqual(response.status_code, 200, url)
            locations += [
                node.find(f"{SITEMAP}loc").text.replace("http://testserver", "")
                for node in ET.fromstring(response.content).findall(f"{SITEMAP}url")
            ]
        return files, locations

    def test_sitemap_index_splits_long_sections_into_files_that_list_every_address(self):
        _files, everything = self.locations()
        for sitemap in sitemaps.SITEMAPS.values():
            sitemap.limit = 2
        cache.clear()  # the page size is code: a deployment would start with an empty cache
        try:
            files, paged = self.locations()
        finally:
            for sitemap in sitemaps.SITEMAPS.values():
                sitemap.limit = sitemaps.PAGE_SIZE
        self.assertTrue(any("p=2" in url for url in files))
        self.assertEqual(sorted(paged), sorted(everything))
        self.assertEqual(len(set(paged)), len(paged))

    def test_each_sitemap_file_is_what_djangos_own_template_writes(self):
        request = RequestFactory().get("/")
        for section in sitemaps.SITEMAPS:
            ours = self.client.get(reverse("events:sitemap_section", args=[section]))
            django = sitemap_views.sitemap(request, sitemaps.SITEMAPS, section=section)
            self.assertEqual(ours.content, django.render().content, section)
            self.assertIn(b"<url><loc>http://testserver/", ours.content)
            if section in ("events", "claims", "citations"):
                self.assertIn(b"<lastmod>", ours.content)

    def test_sitemap_lists_public_pages_only(self):
        _files, locations = self.locations()
        locations = set(locations)
        for obj in (
            self.r.strike,
            self.r.medical_claim,
            self.r.rfi_report,
            self.r.csp,
            self.r.anefis,
            self.r.rfi,
        ):
            self.assertIn(obj.get_absolute_url(), locations)
        for obj in (
            self.r.draft_event,
            self.r.withdrawn,
            self.r.draft_claim,
            self.r.draft_citation,
            self.r.hidden_place,
            self.r.hidden_actor,
        ):
            self.assertNotIn(obj.get_absolute_url(), locations)
        self.assertIn("/", locations)


class ExportTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.r = build_record()

    def rows(self, name):
        response = self.client.get(reverse(f"events:{name}"))
        self.assertEqual(response.status_code, 200)
        self.assertIn("attachment;", response["Content-Disposition"])
        return list(csv.DictReader(io.StringIO(streamed(response).lstrip("\ufeff"))))

    def test_events_csv_has_acled_columns(self):
        rows = self.rows("export_events_csv")
        self.assertEqual(list(rows[0].keys()), exports.EVENT_COLUMNS)
        self.assertEqual(
            [row["title"] for row in rows],
            ["Kidal offensive", "Fighting at Anéfis", "Drone strike on Kidal"],
        )
        strike = rows[2]
        self.assertEqual(strike["event_date"], "2023-11-07")
        self.assertEqual(strike["time_precision"], "1")
        self.assertEqual(strike["event_type"], "Explosions/Remote violence")
        self.assertEqual(strike["sub_event_type"], "Air/drone strike")
        self.assertEqual(strike["actor1"], "Malian Armed Forces")
        self.assertEqual(strike["actor2"], "MNLA")
        self.assertEqual(strike["admin1"], "Kidal")
        self.assertEqual(strike["location"], "Kidal")
        self.assertEqual(strike["latitude"], "18.44")
        self.assertEqual(strike["longitude"], "1.41")
        self.assertEqual(strike["geo_precision"], "1")
        self.assertEqual(strike["country"], "Mali")
        self.assertEqual(strike["fatalities"], "10")
        self.assertEqual(strike["source"], "CSP-PSD statements; RFI")
        self.assertEqual(rows[1]["fatalities"], "")
        self.assertEqual(rows[1]["date_text"], "night of 11–12 October 2023")

    def test_claims_csv_keeps_who_claimed_what(self):
        rows = self.rows("export_claims_csv")
        self.assertEqual(list(rows[0].keys()), exports.CLAIM_COLUMNS)
        self.assertEqual(len(rows), 5)
        by_claimant = {row["claimant"]: row for row in rows if row["kind"] == "casualties"}
        self.assertEqual(by_claimant["CSP-PSD"]["figure_low"], "14")
        self.assertEqual(by_claimant["medical sources"]["figure_low"], "10")
        self.assertEqual(by_claimant["medical sources"]["figure_high"], "")
        self.assertEqual(by_claimant["medical sources"]["sources"], "RFI")
        self.assertEqual(by_claimant["CSP-PSD"]["contradicts"], str(self.r.medical_claim.pk))
        self.assertIn(
            "Au moins une dizaine de morts à Kidal", by_claimant["medical sources"]["citations"]
        )

    def test_events_json_nests_claims_and_citations(self):
        response = self.client.get(reverse("events:export_events_json"))
        data = json.loads(streamed(response))
        self.assertEqual(len(data), 3)
        strike = data[2]
        self.assertEqual(strike["event_id_cnty"], f"MLI{self.r.strike.pk}")
        medical = next(c for c in strike["claims"] if c["claimant"] == "medical sources")
        self.assertEqual(medical["citations"][0]["quote"], "au moins une dizaine de morts")
        self.assertEqual(medical["citations"][0]["translation"], "at least ten dead")
        self.assertEqual(medical["citations"][0]["source"], "RFI")

    def test_claims_json(self):
        data = json.loads(streamed(self.client.get(reverse("events:export_claims_json"))))
        self.assertEqual(len(data), 5)
        csp = next(c for c in data if c["claimant"] == "CSP-PSD" and c["kind"] == "casualties")
        self.assertEqual(csp["contradicts"], [self.r.medical_claim.pk])
        self.assertEqual([c["title"] for c in csp["citations"]], ["Communiqué du CSP-PSD"])
        self.assertTrue(csp["citations"][0]["source_is_party"])

    def test_exports_are_streamed(self):
        for name in (
            "export_events_csv",
            "export_events_json",
            "export_claims_csv",
            "export_claims_json",
        ):
            response = self.client.get(reverse(f"events:{name}"))
            self.assertTrue(response.streaming, name)
