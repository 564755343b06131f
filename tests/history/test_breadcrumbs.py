"""The trail above the history, compare and restore pages names and links every level:
Home › app › model list › entry › History (› Compare or Restore)."""

import re

from django.test import TestCase
from django.urls import reverse

from tests.factories import CitationFactory, editor

from .helpers import admin_url, compare_url, draft_claim_with_versions, history_url, versions_of


def trail(response):
    """[(link or None, text)] of the page's breadcrumbs."""
    html = re.search(r'<div class="breadcrumbs">(.*?)</div>', response.content.decode(), re.S)[1]
    parts = [part.strip() for part in html.split("&rsaquo;")]
    result = []
    for part in parts:
        link = re.fullmatch(r'<a href="([^"]+)">(.*)</a>', part, re.S)
        result.append((link[1], link[2]) if link else (None, part))
    return result


class BreadcrumbTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = editor()
        cls.claim = draft_claim_with_versions(
            by=cls.editor, texts=["Fourteen were killed.", "Fourteen civilians were killed."]
        )

    def setUp(self):
        self.client.force_login(self.editor)

    def entry_levels(self, obj, app_name, model_list_name):
        opts = obj._meta
        return [
            (reverse("admin:index"), "Home"),
            (reverse("admin:app_list", args=[opts.app_label]), app_name),
            (reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"), model_list_name),
            (admin_url(obj, "change"), str(obj)),
        ]

    def test_history_page(self):
        response = self.client.get(history_url(self.claim))
        self.assertEqual(
            trail(response),
            [*self.entry_levels(self.claim, "Events and claims", "Claims"), (None, "History")],
        )

    def test_compare_page(self):
        newest, oldest = versions_of(self.claim)
        response = self.client.get(compare_url(self.claim, oldest.pk, newest.pk))
        self.assertEqual(
            trail(response),
            [
                *self.entry_levels(self.claim, "Events and claims", "Claims"),
                (history_url(self.claim), "History"),
                (None, "Compare"),
            ],
        )

    def test_restore_page(self):
        oldest = versions_of(self.claim)[-1]
        response = self.client.get(admin_url(self.claim, "revision", oldest.pk))
        self.assertEqual(
            trail(response)[-2:], [(history_url(self.claim), "History"), (None, "Restore")]
        )

    def test_a_citation_in_the_other_app_and_in_french(self):
        citation = CitationFactory(title="Kidal : les FAMa entrent dans la ville")
        self.client.cookies["django_language"] = "fr"
        response = self.client.get(history_url(citation))
        levels = trail(response)
        self.assertEqual(levels[1][1], "Sources et citations")
        self.assertEqual(levels[3], (admin_url(citation, "change"), str(citation)))
        self.assertEqual(levels[4], (None, "Historique"))
        self.assertNotIn((None, ""), levels)
