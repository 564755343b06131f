from unittest import mock

from django.test import TestCase
from django.urls import reverse

from events import views

from .helpers import build_record

URL = reverse("events:event_list")


class EventListFilterTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.r = build_record()

    def slugs(self, query=""):
        response = self.client.get(URL + query)
        self.assertEqual(response.status_code, 200, query)
        return [event.slug for event in response.context["object_list"]]

    def test_lists_public_events_by_date(self):
        self.assertEqual(self.slugs(), ["kidal-offensive", "anefis-fighting", "drone-strike"])

    def test_text_filter_ignores_accents(self):
        self.assertEqual(self.slugs("?q=anefis"), ["anefis-fighting"])
        self.assertEqual(self.slugs("?q=Anéfis"), ["anefis-fighting"])

    def test_date_range_keeps_overlapping_events(self):
        self.assertEqual(
            self.slugs("?start=2023-11-01&end=2023-11-30"), ["kidal-offensive", "drone-strike"]
        )
        self.assertEqual(self.slugs("?end=2023-10-15"), ["kidal-offensive", "anefis-fighting"])

    def test_choice_lists_offer_a_bounded_number_of_entries_and_keep_the_chosen_one(self):
        from events import filters
        from events.models import Actor

        actors = list(Actor.objects.public())
        self.assertGreater(len(actors), 2)
        with mock.patch.object(filters, "CHOICES_SHOWN", 1):
            form = self.client.get(URL).context["filter"].form
            self.assertEqual(len(form.fields["actor"].widget.choices), 2)  # "Any actor" + 1
            rare = actors[-1]
            response = self.client.get(URL + f"?actor={rare.pk}")
            form = response.context["filter"].form
            offered = [value for value, _label in form.fields["actor"].widget.choices]
            self.assertIn(rare.pk, offered)
            self.assertLessEqual(len(offered), 3)
            self.assertContains(response, f'<option value="{rare.pk}" selected>')

    def test_place_filter(self):
        self.assertEqual(self.slugs(f"?place={self.r.anefis.pk}"), ["anefis-fighting"])

    def test_actor_filter_includes_participants_and_claimants(self):
        self.assertEqual(self.slugs(f"?actor={self.r.mnla.pk}"), ["drone-strike"])
        self.assertEqual(self.slugs(f"?actor={self.r.csp.pk}"), ["anefis-fighting", "drone-strike"])

    def test_event_type_filter(self):
        self.assertEqual(self.slugs("?event_type=battle"), ["anefis-fighting"])

    def test_claim_kind_and_assessment_apply_to_the_same_claim(self):
        self.assertEqual(self.slugs("?claim_kind=casualties"), ["drone-strike"])
        self.assertEqual(self.slugs("?assessment=disputed"), ["anefis-fighting"])
        self.assertEqual(self.slugs("?claim_kind=casualties&assessment=disputed"), [])
        self.assertEqual(self.slugs("?claim_kind=casualties&assessment=likely"), ["drone-strike"])

    def test_sorting(self):
        self.assertEqual(
            self.slugs("?sort=title"), ["drone-strike", "anefis-fighting", "kidal-offensive"]
        )
        self.assertEqual(
            self.slugs("?sort=-date"), ["drone-strike", "anefis-fighting", "kidal-offensive"]
        )

    def test_filters_are_kept_in_pagination_links(self):
        with mock.patch.object(views.EventListView, "paginate_by", 1):
            response = self.client.get(URL + "?event_type=&sort=date&q=")
        self.assertContains(response, "?event_type=&amp;sort=date&amp;q=&amp;page=2")

    def test_choice_lists_hold_only_public_actors_and_places(self):
        response = self.client.get(URL)
        form = response.context["filter"].form
        places = list(form.fields["place"].queryset)
        actors = list(form.fields["actor"].queryset)
        self.assertIn(self.r.anefis, places)
        self.assertNotIn(self.r.hidden_place, places)
        self.assertIn(self.r.mnla, actors)
        self.assertNotIn(self.r.hidden_actor, actors)
        self.assertNotContains(response, "Hiddenplace Qx")
        self.assertNotContains(response, "Hiddenactor Qx")

    def test_non_public_place_is_not_a_valid_choice(self):
        response = self.client.get(URL + f"?place={self.r.hidden_place.pk}")
        self.assertEqual(response.status_code, 200)
        self.assertIn("place", response.context["filter"].form.errors)
        self.assertNotContains(response, "Zqxdraftevent")

    def test_malformed_values_show_form_errors_not_500(self):
        for query, field in (
            ("?start=2023-99-99", "start"),
            ("?end=yesterday", "end"),
            ("?place=999999", "place"),
            ("?place=abc", "place"),
            ("?actor=-1", "actor"),
            ("?event_type=evil", "event_type"),
            ("?claim_kind=evil", "claim_kind"),
            ("?assessment=evil", "assessment"),
            ("?sort=evil", "sort"),
            ("?sort=date;drop", "sort"),
        ):
            response = self.client.get(URL + query)
            self.assertEqual(response.status_code, 200, query)
            self.assertIn(field, response.context["filter"].form.errors, query)
            self.assertContains(response, 'role="alert"')

    def test_reversed_date_range_is_a_form_error(self):
        response = self.client.get(URL + "?start=2023-12-01&end=2023-10-01")
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "The start of the date range is after its end.")

    def test_field_errors_are_tied_to_their_controls(self):
        response = self.client.get(URL + "?start=2023-99-99")
        self.assertContains(response, 'aria-describedby="id_start_error"')
        self.assertContains(response, 'id="id_start_error"')

    def test_bad_page_numbers_answer_404(self):
        for page in ("abc", "999", "-1", "0"):
            self.assertEqual(self.client.get(URL + f"?page={page}").status_code, 404, page)

    def test_overlong_text_is_a_form_error(self):
        response = self.client.get(URL + "?q=" + "a" * 300)
        self.assertEqual(response.status_code, 200)
        self.assertIn("q", response.context["filter"].form.errors)
