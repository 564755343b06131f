"""What phones get from the server: folded filter forms, labelled table cells and a map with
an enlarged Kidal region and names laid out for a narrow screen (the layout itself is
checked in Chromium by tests/browser/test_phone_layout.py)."""

import re

from django.test import TestCase
from django.urls import reverse

from events.templatetags import kidal_map

from .helpers import build_record


class PhoneLayoutTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.r = build_record()

    def test_filter_form_is_folded_unless_filters_are_in_use(self):
        lists = {
            reverse("events:event_list"): "?q=Kidal&sort=-date",
            reverse("events:claim_list"): "?assessment=disputed&page=1",
        }
        for url, query in lists.items():
            response = self.client.get(url)
            self.assertContains(response, '<details class="filters">')
            self.assertEqual(response.context["active_filters"], 0)
            # Only the filters count, not the order or the page.
            response = self.client.get(url + query)
            self.assertContains(response, '<details class="filters" open>')
            self.assertEqual(response.context["active_filters"], 1)
            self.assertContains(response, "(1 active)")
        # Sorting narrows nothing: the form stays folded.
        response = self.client.get(reverse("events:event_list") + "?sort=-date")
        self.assertContains(response, '<details class="filters">')
        response = self.client.get(reverse("events:event_list") + "?start=not-a-date")
        self.assertContains(response, '<details class="filters" open>')

    def test_table_cells_carry_their_column_name(self):
        response = self.client.get(reverse("events:claim_list"))
        self.assertContains(response, '<table class="reflow">')
        self.assertContains(response, '<td data-label="Claimant">')
        self.client.cookies["django_language"] = "fr"
        response = self.client.get(reverse("events:claim_list"))
        self.assertContains(response, '<td data-label="Auteur de la revendication">')

    def test_map_page_draws_the_kidal_region_with_its_places(self):
        content = self.client.get(reverse("events:map")).content.decode()
        maps = re.findall(r'<figure class="map[^"]*">.*?</figure>', content, flags=re.S)
        self.assertEqual(len(maps), 2)
        country, region = maps
        self.assertIn('<rect class="area"', country)
        self.assertIn('class="label-phone"', country)
        self.assertIn("map-inset", region)
        # Kidal and Anéfis lie in the region; Mauritania and Guinea are left out of it.
        self.assertIn(self.r.kidal.get_absolute_url(), region)
        self.assertIn(self.r.anefis.get_absolute_url(), region)
        self.assertNotIn("<title>Guinea</title>", region)
        self.assertIn("<title>Algeria</title>", region)

    def test_country_shapes_are_cut_to_the_map_and_mali_is_whole(self):
        for frame in (kidal_map.mali_frame(), kidal_map.kidal_area_frame()):
            margin = kidal_map.CLIP_MARGIN
            for name, _is_mali, path in kidal_map.country_paths(frame):
                points = [
                    tuple(map(float, pair.split(",")))
                    for pair in re.findall(r"[-\d.]+,[-\d.]+", path)
                ]
                self.assertTrue(points, name)
                for x, y in points:
                    self.assertTrue(-margin <= x <= frame.width + margin, (name, x))
                    self.assertTrue(-margin <= y <= frame.height + margin, (name, y))
        # Mali lies inside its own map: cutting leaves every point of its border.
        mali = next(f for f in kidal_map._extract()["features"] if f["properties"]["focus"])
        border_points = sum(
            len(ring) for polygon in mali["geometry"]["coordinates"] for ring in polygon
        )
        drawn = next(path for _name, is_mali, path in kidal_map.country_paths() if is_mali)
        self.assertEqual(drawn.count(","), border_points)

    def test_phone_labels_are_larger_and_never_overlap(self):
        places = [self.r.kidal, self.r.anefis]
        for place in places:
            place.event_count = 1
        drawn = kidal_map.markers(places, sizes=kidal_map.PHONE_LABELS)
        classes = [label["css_class"] for marker in drawn for label in marker["labels"]]
        self.assertIn("label-wide", classes)
        self.assertLessEqual(classes.count("label-phone"), classes.count("label-wide"))
