"""A figure reads the same on the claim's page, the claim list, the event's summary, the feed,
the exports and the API, in English and in French."""

import csv
import io
import json
import re
import xml.etree.ElementTree as ET

from django.test import TestCase
from django.urls import reverse

from events import exports
from events.models import Claim
from tests.factories import editor, published_claim, reviewer

from .helpers import build_record

ATOM = "{http://www.w3.org/2005/Atom}"
NB = "\xa0"
WORDING = {
    "en": {
        "at_least": "at least 10 civilians killed",
        "exact": "14 civilians killed",
        "at_most": "at most 2,000 people displaced",
    },
    "fr": {
        "at_least": "au moins 10 civilians killed",
        "exact": "14 civilians killed",
        "at_most": f"au plus 2{NB}000 people displaced",
    },
}


def text_of(response):
    return re.sub(r"<[^>]+>", "", response.content.decode())


class FigureWordingTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.r = build_record()
        cls.displaced = published_claim(
            author=editor("figure-editor"),
            approver=reviewer("figure-reviewer"),
            event=cls.r.strike,
            citation=cls.r.rfi_report,
            text="Up to 2,000 people fled the town.",
            claimant_label="local officials",
            kind=Claim.Kind.DISPLACEMENT,
            figure_kind=Claim.FigureKind.AT_MOST,
            figure_high=2000,
            figure_unit="people displaced",
        )
        cls.claims = {
            "at_least": cls.r.medical_claim,
            "exact": cls.r.csp_claim,
            "at_most": cls.displaced,
        }

    def use(self, language):
        self.client.get(reverse("events:switch_language", args=[language]))

    def test_pages_and_feed_write_each_form_in_the_reader_language(self):
        for language, wording in WORDING.items():
            self.use(language)
            claim_list = text_of(self.client.get(reverse("events:claim_list")))
            event_page = text_of(self.client.get(self.r.strike.get_absolute_url()))
            feed = ET.fromstring(self.client.get(reverse("events:feed")).content)
            summaries = "".join(
                entry.find(f"{ATOM}summary").text or "" for entry in feed.findall(f"{ATOM}entry")
            )
            for form, figure in wording.items():
                with self.subTest(language=language, form=form):
                    claim_page = text_of(self.client.get(self.claims[form].get_absolute_url()))
                    self.assertIn(figure, claim_page)
                    self.assertIn(figure, claim_list)
                    self.assertIn(figure, event_page)
                    self.assertIn(figure, summaries)

    def test_the_event_summary_spans_every_figure_given(self):
        self.use("fr")
        page = text_of(self.client.get(self.r.strike.get_absolute_url()))
        # French puts a no-break space before the colon.
        self.assertIn("Civilians killed\xa0: entre 10 et 14", page)
        self.assertIn("medical sources, selon RFI\xa0: au moins 10", page)
        self.assertIn("People displaced\xa0: 2\xa0000", page)
        self.use("en")
        page = text_of(self.client.get(self.r.strike.get_absolute_url()))
        self.assertIn("Civilians killed: 10–14", page)

    def test_the_api_gives_the_form_and_the_figure_as_the_pages_write_it(self):
        for language, wording in WORDING.items():
            for form, figure in wording.items():
                with self.subTest(language=language, form=form):
                    record = self.client.get(
                        f"/api/v1/claims/{self.claims[form].pk}/",
                        headers={"Accept-Language": language},
                    ).json()
                    self.assertEqual(record["figure_kind"], form)
                    self.assertEqual(record["figure"], figure)

    def test_the_exports_give_the_form_beside_the_bounds_and_the_figure_in_english(self):
        self.use("fr")  # the files are the same for every reader
        response = self.client.get(reverse("events:export_claims_csv"))
        body = b"".join(response.streaming_content).decode().lstrip("\ufeff")
        rows = {int(row["claim_id"]): row for row in csv.DictReader(io.StringIO(body))}
        response = self.client.get(reverse("events:export_claims_json"))
        records = {
            record["claim_id"]: record
            for record in json.loads(b"".join(response.streaming_content))
        }
        bounds = {"at_least": ("10", ""), "exact": ("14", "14"), "at_most": ("", "2000")}
        for form, figure in WORDING["en"].items():
            with self.subTest(form=form):
                row, record = rows[self.claims[form].pk], records[self.claims[form].pk]
                self.assertEqual((row["figure_kind"], row["figure"]), (form, figure))
                self.assertEqual((row["figure_low"], row["figure_high"]), bounds[form])
                self.assertEqual((record["figure_kind"], record["figure"]), (form, figure))
        self.assertEqual(list(next(iter(rows.values()))), exports.CLAIM_COLUMNS)
