import re

from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from events import search
from events.models import Event
from tests.factories import ClaimFactory, EventFactory

from .helpers import build_record


class SearchTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.r = build_record()

    def test_fold_removes_accents_and_case(self):
        self.assertEqual(search.fold("Anéfis ÉTÉ"), "anefis ete")

    def test_accent_insensitive_in_both_directions(self):
        results = search.search("Anefis")
        self.assertEqual([e.slug for e in results.events], ["anefis-fighting"])
        self.assertIn(self.r.army_claim, list(results.claims))
        results = search.search("ANÉFIS")
        self.assertEqual([e.slug for e in results.events], ["anefis-fighting"])

    def test_searches_claims_and_citations(self):
        self.assertEqual(list(search.search("fourteen civilians").claims), [self.r.csp_claim])
        self.assertEqual(list(search.search("medical sources").claims), [self.r.medical_claim])
        self.assertEqual(list(search.search("dizaine").citations), [self.r.rfi_report])

    def test_title_matches_rank_above_summary_matches(self):
        Event.objects.filter(pk=self.r.offensive.pk).update(
            summary="The army's campaign to retake the north-east, by way of Anefis."
        )
        slugs = [e.slug for e in search.search("anéfis").events]
        self.assertEqual(slugs, ["anefis-fighting", "kidal-offensive"])

    def test_only_public_entries_are_found(self):
        for secret in (
            "Zqxdraftevent",
            "Zqxdraftclaim",
            "Zqxdraftcitation",
            "Zqxwithdrawnevent",
            "Zqxpendingsummary",
            "Zqxunsourcedclaim",
            "Zqxreviewclaim",
        ):
            results = search.search(secret)
            self.assertEqual(
                (list(results.events), list(results.claims), list(results.citations)),
                ([], [], []),
                secret,
            )

    def test_empty_and_odd_queries_do_not_fail(self):
        for query in ("", "   ", '"', "-", "a & b | !c", "'); drop table x; --", "é" * 300):
            results = search.search(query)
            list(results.events), list(results.claims), list(results.citations)
        response = self.client.get(reverse("events:search") + "?q=%22%27%29%3B")
        self.assertEqual(response.status_code, 200)

    def test_search_page_lists_each_kind(self):
        response = self.client.get(reverse("events:search") + "?q=kidal")
        self.assertContains(response, "Drone strike on Kidal")
        self.assertContains(response, "Au moins une dizaine de morts à Kidal")


class BestMatchesTests(TestCase):
    """The search page reads only the best few matches of each kind: they must be the head of
    the whole ranking, and the page must say that there are more."""

    @classmethod
    def setUpTestData(cls):
        event = EventFactory(is_public=True)
        # Forty matches of different strengths: the word once, twice or three times in the
        # text, or only in the claimant's name (a lower weight); ten claims do not match.
        for n in range(50):
            text = f"Report {n}: " + " ".join(["convoy"] * (n % 3 + 1)) if n < 30 else f"Report {n}"
            label = "convoy escort" if 30 <= n < 40 else "a local official"
            ClaimFactory(event=event, text=text, claimant_label=label, is_public=True)
        ClaimFactory(event=event, text="convoy convoy convoy, not public")

    def test_the_best_few_are_the_head_of_the_whole_ranking(self):
        ranked = list(search.search("convoy").claims)
        self.assertEqual(len(ranked), 40)
        for limit in (1, 7, 26):
            self.assertEqual(list(search.search("convoy", limit).claims), ranked[:limit], limit)

    def test_the_page_shows_the_best_and_says_there_are_more(self):
        response = self.client.get(reverse("events:search") + "?q=convoy")
        claims = next(s for s in response.context["sections"] if s["key"] == "claims")
        self.assertEqual(claims["rows"], list(search.search("convoy").claims)[:25])
        self.assertTrue(claims["more"])
        self.assertContains(response, "Only the best matches are shown")


class PostgresSearchIndexTests(TestCase):
    def test_stored_vectors_are_generated_and_gin_indexed_on_postgresql(self):
        if connection.vendor != "postgresql":
            self.skipTest("PostgreSQL only")
        tables = ("events_event", "events_claim", "sources_citation")
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT table_name, generation_expression FROM information_schema.columns "
                "WHERE column_name = 'search_vector' AND is_generated = 'ALWAYS'"
            )
            columns = dict(cursor.fetchall())
            cursor.execute(
                "SELECT tablename, indexdef FROM pg_indexes WHERE indexname = ANY(%s)",
                [[f"{table}_search_vector" for table in tables]],
            )
            indexes = dict(cursor.fetchall())
        self.assertEqual(sorted(columns), sorted(tables))
        for table in tables:
            self.assertIn("kidal_unaccent", columns[table])
            self.assertIn("USING gin (search_vector)", indexes[table])

    def test_a_stored_vector_follows_an_edit(self):
        if connection.vendor != "postgresql":
            self.skipTest("PostgreSQL only")
        event = EventFactory(title="Convoi vers Tessalit")
        self.assertEqual(list(search._postgres(Event.objects.all(), "event", "tessalit")), [event])
        Event.objects.filter(pk=event.pk).update(title="Convoi vers Aguelhok")
        self.assertEqual(list(search._postgres(Event.objects.all(), "event", "tessalit")), [])
        self.assertEqual(list(search._postgres(Event.objects.all(), "event", "aguelhok")), [event])

    def test_search_query_can_use_the_index(self):
        if connection.vendor != "postgresql":
            self.skipTest("PostgreSQL only")
        # Without the is_live filter, whose own index the planner may prefer on a small table.
        queryset = search._postgres(Event.objects.all(), "event", "anefis")
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
            sql, params = queryset.query.sql_with_params()
            cursor.execute("EXPLAIN " + sql, params)
            plan = "\n".join(row[0] for row in cursor.fetchall())
        self.assertIn("events_event_search_vector", plan)

    def test_the_ranking_reads_only_what_the_public_search_index_holds(self):
        if connection.vendor != "postgresql":
            self.skipTest("PostgreSQL only")
        for table in ("events_event", "events_claim", "sources_citation"):
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT indexdef FROM pg_indexes WHERE indexname = %s",
                    [f"{table}_public_search"],
                )
                (definition,) = cursor.fetchone()
            self.assertIn("INCLUDE (search_vector) WHERE is_public", definition)
        # The search page's ranking of ids reads only what that index holds, so PostgreSQL
        # can rank a common word's matches from the index alone (as it does at 10,000 events;
        # on a test-sized table it reads rows however it likes).
        with CaptureQueriesContext(connection) as queries:
            search.search("anefis", 26)
        rankings = [query["sql"] for query in queries if "LIMIT 26" in query["sql"]]
        self.assertEqual(len(rankings), 3)
        for sql in rankings:
            table = re.search(r'FROM "(\w+)"', sql)[1]
            columns = set(re.findall(rf'"{table}"\."?(\w+)"?', sql))
            self.assertEqual(columns, {"id", "is_public", "search_vector"}, sql)
