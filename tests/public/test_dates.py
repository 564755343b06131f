from datetime import UTC, date, datetime

from django.test import SimpleTestCase
from django.utils import translation

from events.dates import format_day, format_moment, format_period


class FormatPeriodTests(SimpleTestCase):
    def test_single_day(self):
        self.assertEqual(format_period(date(2023, 11, 7)), "7 November 2023")

    def test_night_spans_the_next_day(self):
        self.assertEqual(
            format_period(date(2023, 10, 11), None, "night"), "night of 11–12 October 2023"
        )

    def test_night_across_months(self):
        self.assertEqual(
            format_period(date(2023, 10, 31), None, "night"),
            "night of 31 October – 1 November 2023",
        )

    def test_approximate_parts_of_month(self):
        self.assertEqual(
            format_period(date(2023, 10, 3), None, "approximate"), "early October 2023"
        )
        self.assertEqual(format_period(date(2023, 10, 15), None, "approximate"), "mid-October 2023")
        self.assertEqual(
            format_period(date(2023, 10, 25), None, "approximate"), "late October 2023"
        )

    def test_month(self):
        self.assertEqual(format_period(date(2023, 10, 1), None, "month"), "October 2023")
        self.assertEqual(
            format_period(date(2023, 10, 1), date(2023, 12, 1), "month"), "October–December 2023"
        )

    def test_day_ranges(self):
        self.assertEqual(
            format_period(date(2023, 10, 2), date(2023, 12, 20)), "2 October – 20 December 2023"
        )
        self.assertEqual(format_period(date(2023, 10, 2), date(2023, 10, 5)), "2–5 October 2023")
        self.assertEqual(
            format_period(date(2023, 12, 30), date(2024, 1, 2)), "30 December 2023 – 2 January 2024"
        )

    def test_same_start_and_end_is_one_day(self):
        self.assertEqual(format_period(date(2023, 11, 14), date(2023, 11, 14)), "14 November 2023")


class FrenchDateTests(SimpleTestCase):
    def test_first_of_the_month_is_an_ordinal_in_french(self):
        with translation.override("fr"):
            self.assertEqual(format_period(date(2023, 10, 1)), "1er octobre 2023")
        self.assertEqual(format_period(date(2023, 10, 1)), "1 October 2023")

    def test_a_night_reads_from_one_day_to_the_next_in_french(self):
        with translation.override("fr"):
            self.assertEqual(
                format_period(date(2023, 10, 11), None, "night"), "nuit du 11 au 12 octobre 2023"
            )
            self.assertEqual(
                format_period(date(2023, 10, 31), None, "night"),
                "nuit du 31 octobre au 1er novembre 2023",
            )


class MomentTests(SimpleTestCase):
    def test_a_moment_is_written_in_the_site_time_zone_with_the_project_day(self):
        moment = datetime(2023, 10, 1, 14, 5, tzinfo=UTC)
        with self.settings(TIME_ZONE="UTC"):
            self.assertEqual(format_moment(moment), "1 October 2023, 14:05")
            self.assertEqual(format_day(moment), "1 October 2023")
            with translation.override("fr"):
                self.assertEqual(format_moment(moment), "1er octobre 2023 à 14:05")
                self.assertEqual(format_day(date(2023, 10, 1)), "1er octobre 2023")
        self.assertEqual(format_moment(None), "")
