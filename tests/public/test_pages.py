import re
from unittest import mock

from django.test import TestCase
from django.urls import reverse

from events import views

from .helpers import build_record


class PublicPagesTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.r = build_record()

    def get(self, url, status=200):
        response = self.client.get(url)
        self.assertEqual(response.status_code, status, url)
        return response

    def test_home_shows_counts_timeline_and_latest(self):
        response = self.get(reverse("events:home"))
        self.assertContains(response, "Kidal offensive")
        self.assertEqual(response.context["counts"]["events"], 3)
        self.assertEqual(response.context["counts"]["claims"], 5)
        self.assertContains(response, '<svg viewBox="0 0 960', html=False)
        self.assertContains(response, "Latest published")
        self.assertContains(response, "Fighting at Anéfis")

    def test_home_lists_events_by_date(self):
        content = self.get(reverse("events:home")).content.decode()
        list_part = content[content.index('<ol class="event-list home-events">') :]
        self.assertLess(list_part.index("Kidal offensive"), list_part.index("Fighting at Anéfis"))
        self.assertLess(
            list_part.index("Fighting at Anéfis"), list_part.index("Drone strike on Kidal")
        )

    def test_base_template_has_language_switcher_and_no_external_assets(self):
        response = self.get(reverse("events:home"))
        switch = reverse("events:switch_language", args=["fr"])
        self.assertContains(response, f'href="{switch}?next=/"')
        self.assertNotContains(response, "csrfmiddlewaretoken")
        content = response.content.decode()
        # Every asset the page loads (src= and <link href=>) comes from this site.
        loaded = re.findall(r'\ssrc="([^"]*)"', content)
        loaded += re.findall(r'<link[^>]*\shref="([^"]*)"', content)
        self.assertTrue(loaded)
        for url in loaded:
            self.assertTrue(url.startswith("/") and not url.startswith("//"), url)
        self.assertNotIn("<script", content)
        self.assertIn('<link rel="stylesheet" href="/static/kidal/site.css">', content)

    def test_event_detail_shows_dates_place_actors_and_parent(self):
        response = self.get(self.r.battle.get_absolute_url())
        self.assertContains(response, "night of 11–12 October 2023")
        self.assertContains(response, self.r.anefis.get_absolute_url())
        self.assertContains(response, self.r.fama.get_absolute_url())
        self.assertContains(response, "(defender)")
        self.assertContains(response, "Part of")
        self.assertContains(response, self.r.offensive.get_absolute_url())
        self.assertContains(response, "Last reviewed on")

    def test_event_detail_lists_child_events(self):
        response = self.get(self.r.offensive.get_absolute_url())
        self.assertContains(response, "Events within it")
        self.assertContains(response, self.r.strike.get_absolute_url())
        self.assertContains(response, "2 October – 20 December 2023")

    def test_figure_claims_summarised_as_range_with_who_says_what(self):
        response = self.get(self.r.strike.get_absolute_url())
        text = re.sub(r"<[^>]+>", "", response.content.decode())
        self.assertIn("Civilians killed: 10–14", text)
        self.assertIn("CSP-PSD: 14", text)
        self.assertIn("medical sources via RFI: at least 10", text)

    def test_contradicting_claims_shown_side_by_side(self):
        response = self.get(self.r.battle.get_absolute_url())
        content = response.content.decode()
        block = content[content.index('class="side-by-side"') :]
        self.assertIn("The army said it held Anéfis.", block)
        self.assertIn("The CSP-PSD said it repelled the army.", block)

    def test_claims_carry_claimant_assessment_and_numbered_citations(self):
        response = self.get(self.r.strike.get_absolute_url())
        self.assertContains(response, "Unverified")
        self.assertContains(response, "Likely")
        self.assertContains(response, 'id="ref-1"')
        self.assertContains(response, 'id="ref-2"')
        self.assertContains(response, "https://example.org/rfi-kidal")
        self.assertContains(response, "https://archive.example.org/rfi-kidal")
        self.assertContains(
            response, '<blockquote lang="fr">au moins une dizaine de morts</blockquote>'
        )
        self.assertContains(response, "at least ten dead")
        self.assertContains(response, "party to the conflict")

    def test_content_blocks_carry_their_language(self):
        response = self.get(self.r.strike.get_absolute_url())
        self.assertContains(response, '<article class="event" lang="en">')
        self.assertContains(response, 'lang="fr">Au moins une dizaine de morts à Kidal</a>')

    def test_claim_list_and_detail(self):
        response = self.get(reverse("events:claim_list"))
        self.assertContains(response, "The strikes killed fourteen civilians.")
        response = self.get(self.r.csp_claim.get_absolute_url())
        self.assertContains(response, "Claim by CSP-PSD")
        self.assertContains(response, "Contradicting claims")
        self.assertContains(response, self.r.medical_claim.get_absolute_url())
        self.assertContains(response, "Communiqué du CSP-PSD")

    def test_claim_list_filters(self):
        response = self.get(reverse("events:claim_list") + "?assessment=disputed")
        self.assertEqual(len(response.context["object_list"]), 2)
        response = self.get(reverse("events:claim_list") + "?kind=nonsense")
        self.assertTrue(response.context["filter"].form.errors)

    def test_actor_pages_show_coalition(self):
        response = self.get(reverse("events:actor_list"))
        self.assertContains(response, "MNLA")
        self.assertContains(response, self.r.csp.get_absolute_url())
        response = self.get(self.r.mnla.get_absolute_url())
        self.assertContains(response, "Coalition")
        self.assertContains(response, "CSP-PSD")
        self.assertContains(response, self.r.strike.get_absolute_url())
        response = self.get(self.r.csp.get_absolute_url())
        self.assertContains(response, "The strikes killed fourteen civilians.")
        self.assertContains(response, self.r.mnla.get_absolute_url())

    def test_place_pages_and_map(self):
        response = self.get(reverse("events:place_list"))
        self.assertContains(response, self.r.anefis.get_absolute_url())
        response = self.get(self.r.anefis.get_absolute_url())
        self.assertContains(response, "Fighting at Anéfis")
        self.assertContains(response, "Anefis")
        response = self.get(reverse("events:map"))
        self.assertContains(response, '<path class="country mali"')
        self.assertContains(response, f'<a href="{self.r.kidal.get_absolute_url()}">')
        self.assertContains(response, f'<a href="{self.r.anefis.get_absolute_url()}">')

    def test_the_map_names_the_busiest_places_and_those_it_cannot_draw(self):
        with mock.patch.object(views.MapView, "index_size", 1):
            response = self.get(reverse("events:map"))
        places, index = response.context["places"], response.context["index"]
        busiest = sorted(places, key=lambda place: -place.event_count)[0]
        undrawn = {place for place in places if place.latitude is None}
        self.assertEqual(set(index), {busiest} | undrawn)
        self.assertLess(len(index), len(places))
        self.assertContains(response, f"All {len(places)} places")
        listed = re.search(r'<ul class="columns-list place-index">.*?</ul>', response.text, re.S)
        for place in places:
            link = f'<a href="{place.get_absolute_url()}">'
            self.assertEqual(link in listed[0], place in index, place)
            self.assertContains(response, link)  # on the maps, when not in the list

    def test_source_pages(self):
        response = self.get(reverse("sources:source_list"))
        self.assertContains(response, "RFI")
        self.assertContains(response, "party to the conflict")
        rfi_row = next(s for s in response.context["sources"] if s.slug == "rfi")
        self.assertEqual(rfi_row.citation_count, 1)
        self.assertEqual(rfi_row.claim_count, 3)
        response = self.get(self.r.rfi.get_absolute_url())
        self.assertContains(response, "Au moins une dizaine de morts à Kidal")
        response = self.get(self.r.rfi_report.get_absolute_url())
        self.assertContains(response, "At least ten civilians died")
        self.assertContains(response, "at least ten dead")

    def test_search_page(self):
        response = self.get(reverse("events:search") + "?q=Anefis")
        self.assertContains(response, "Fighting at Anéfis")
        response = self.get(reverse("events:search") + "?q=" + "x" * 500)
        self.assertTrue(response.context["form"].errors)

    def test_exports_page_links_every_export(self):
        response = self.get(reverse("events:exports"))
        for name in (
            "export_events_csv",
            "export_events_json",
            "export_claims_csv",
            "export_claims_json",
        ):
            self.assertContains(response, reverse(f"events:{name}"))

    def test_robots_txt_names_the_sitemap(self):
        response = self.get("/robots.txt")
        self.assertEqual(response["Content-Type"], "text/plain; charset=utf-8")
        self.assertContains(response, "Sitemap: http://testserver/sitemap.xml")

    def test_unknown_slugs_answer_404(self):
        for url in (
            "/events/nope/",
            "/actors/nope/",
            "/places/nope/",
            "/sources/nope/",
            "/claims/999999/",
            "/citations/999999/",
        ):
            response = self.get(url, status=404)
            self.assertContains(response, "Page not found", status_code=404)


class LanguageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.r = build_record()

    def test_language_switcher_sets_the_interface_language(self):
        switch = reverse("events:switch_language", args=["fr"])
        response = self.client.get(switch, {"next": reverse("events:event_list")})
        self.assertRedirects(response, reverse("events:event_list"), fetch_redirect_response=False)
        response = self.client.get(reverse("events:event_list"))
        self.assertContains(response, '<html lang="fr">')
        # Content keeps the language it was written in.
        self.assertContains(response, 'lang="en">Drone strike on Kidal</a>')

    def test_language_switcher_refuses_unknown_languages_and_foreign_redirects(self):
        self.assertEqual(
            self.client.get(reverse("events:switch_language", args=["xx"])).status_code, 404
        )
        response = self.client.get(
            reverse("events:switch_language", args=["fr"]), {"next": "https://evil.example/"}
        )
        self.assertRedirects(response, reverse("events:home"), fetch_redirect_response=False)
