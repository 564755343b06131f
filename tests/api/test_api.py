"""The read API: what it lists, how it filters, sorts and pages, its cache and its limit."""

from django.db import connection
from django.test import TestCase, override_settings
from django.test.utils import CaptureQueriesContext
from django.utils.dateparse import parse_datetime
from django.utils.http import parse_http_date

from events import workflow
from events.models import Actor, Claim, Transition
from tests.events.helpers import correct, pending_edit
from tests.public.helpers import build_record

API = "/api/v1"


def ids(response):
    return [item["id"] for item in response.json()["results"]]


class RecordTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.r = build_record()

    def get(self, url, status=200, **headers):
        response = self.client.get(url, headers=headers)
        self.assertEqual(response.status_code, status, (url, response.content[:300]))
        return response


class ListAndDetailTests(RecordTestCase):
    def test_lists_hold_exactly_the_public_entries(self):
        r = self.r
        expected = {
            "events": {r.offensive.pk, r.strike.pk, r.battle.pk},
            "claims": {r.csp_claim.pk, r.medical_claim.pk, r.army_claim.pk, r.rebel_claim.pk}
            | {r.offensive.claims.get().pk},
            "citations": {r.rfi_report.pk, r.csp_statement.pk},
            "sources": {r.rfi.pk, r.statement.pk},
            "actors": {r.csp.pk, r.mnla.pk, r.fama.pk},
            "places": {r.kidal.pk, r.anefis.pk},
        }
        for name, wanted in expected.items():
            self.assertEqual(set(ids(self.get(f"{API}/{name}/"))), wanted, name)

    def test_an_event_has_its_dates_with_precision_permalink_and_public_relations(self):
        event = self.get(f"{API}/events/{self.r.battle.pk}/").json()
        self.assertEqual(event["permalink"], "http://testserver/events/anefis-fighting/")
        self.assertEqual(event["start_date"], "2023-10-11")
        self.assertEqual(event["date_precision"], "night")
        self.assertEqual(event["period"], "night of 11–12 October 2023")
        self.assertEqual(event["place"], self.r.anefis.pk)
        self.assertEqual(event["parent"], self.r.offensive.pk)
        self.assertEqual(
            event["actors"],
            [
                {"actor": self.r.fama.pk, "name": "Malian Armed Forces", "role": "attacker"},
                {"actor": self.r.csp.pk, "name": "CSP-PSD", "role": "defender"},
            ],
        )
        self.assertEqual(event["claims"], sorted([self.r.army_claim.pk, self.r.rebel_claim.pk]))

    def test_the_period_follows_the_requested_language(self):
        event = self.get(f"{API}/events/{self.r.battle.pk}/", Accept_Language="fr").json()
        self.assertEqual(event["period"], "nuit du 11 au 12 octobre 2023")

    def test_a_live_event_shows_its_approved_content_not_its_pending_change(self):
        event = self.get(f"{API}/events/{self.r.strike.pk}/").json()
        self.assertEqual(event["summary"], "Drones struck the town near a school.")
        self.assertEqual(event["claims"], sorted([self.r.csp_claim.pk, self.r.medical_claim.pk]))

    def test_a_claim_has_its_claimant_figure_contradictions_and_public_citations_only(self):
        claim = self.get(f"{API}/claims/{self.r.csp_claim.pk}/").json()
        self.assertEqual(claim["claimant"], "CSP-PSD")
        self.assertEqual(claim["claimant_actor"], self.r.csp.pk)
        self.assertEqual((claim["figure_low"], claim["figure_high"]), (14, 14))
        self.assertEqual(claim["contradicts"], [self.r.medical_claim.pk])
        # The draft citation linked to this claim is left out.
        self.assertEqual(
            [link["citation"] for link in claim["citations"]], [self.r.csp_statement.pk]
        )
        medical = self.get(f"{API}/claims/{self.r.medical_claim.pk}/").json()
        self.assertEqual(medical["claimant"], "medical sources")
        self.assertIsNone(medical["claimant_actor"])
        self.assertEqual(medical["citations"][0]["quote"], "au moins une dizaine de morts")
        self.assertEqual(medical["citations"][0]["translation"], "at least ten dead")

    def test_references_to_entries_the_public_cannot_see_are_null(self):
        # A coalition the public cannot see (live, but named by nothing public).
        Actor.objects.filter(pk=self.r.csp.pk).update(parent=self.r.hidden_actor)
        self.assertIsNone(self.get(f"{API}/actors/{self.r.csp.pk}/").json()["parent"])
        self.assertEqual(
            self.get(f"{API}/actors/{self.r.mnla.pk}/").json()["parent"], self.r.csp.pk
        )

    def test_unpublished_entries_answer_404(self):
        for url in (
            f"{API}/events/{self.r.draft_event.pk}/",
            f"{API}/events/{self.r.withdrawn.pk}/",
            f"{API}/claims/{self.r.draft_claim.pk}/",
            f"{API}/claims/{self.r.unsourced.pk}/",
            f"{API}/citations/{self.r.draft_citation.pk}/",
            f"{API}/places/{self.r.hidden_place.pk}/",
            f"{API}/actors/{self.r.hidden_actor.pk}/",
            f"{API}/events/not-a-number/",
        ):
            self.get(url, status=404)

    def test_the_api_is_read_only(self):
        for method in ("post", "put", "patch", "delete"):
            response = getattr(self.client, method)(f"{API}/events/{self.r.strike.pk}/")
            self.assertEqual(response.status_code, 405, method)


class CorrectionTests(RecordTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        r = cls.r
        cls.event_fix = correct(r.battle, r, "The fighting was at night.", summary="At night.")
        cls.claim_fix = correct(r.army_claim, r, "The army's words, exactly.", text="We hold it.")
        # Not public: a correction of an entry since withdrawn, of a claim on a draft event,
        # and a change waiting for review (its note is only written when it is approved).
        correct(r.rebel_claim, r, "Zqxwithdrawnfix", text="Repelled.")
        workflow.withdraw(r.rebel_claim, by=r.approver, comment="Retracted.")
        hidden = Claim.objects.get(text="Zqxdraftevent claim")
        cls.hidden_fix = correct(hidden, r, "Zqxdrafteventfix", text="Zqxdraftevent claim 2")
        pending_edit(r.medical_claim, by=r.author, text="Zqxpendingfix")
        workflow.submit(r.medical_claim, by=r.author)

    def test_approved_corrections_are_listed_newest_first_with_note_time_and_links(self):
        r = self.r
        response = self.get(f"{API}/corrections/")
        self.assertEqual(ids(response), [self.claim_fix.pk, self.event_fix.pk])
        event_fix = response.json()["results"][1]
        self.assertEqual(
            event_fix,
            {
                "id": self.event_fix.pk,
                "kind": "event",
                "entry": r.battle.pk,
                "permalink": "http://testserver/events/anefis-fighting/",
                "version": f"http://testserver/events/anefis-fighting/v/{self.event_fix.pk}/",
                "note": "The fighting was at night.",
                "corrected_at": event_fix["corrected_at"],
            },
        )
        self.assertEqual(parse_datetime(event_fix["corrected_at"]), self.event_fix.created_at)
        claim_fix = self.get(f"{API}/corrections/{self.claim_fix.pk}/").json()
        self.assertEqual((claim_fix["kind"], claim_fix["entry"]), ("claim", r.army_claim.pk))
        self.assertEqual(
            claim_fix["permalink"], "http://testserver" + r.army_claim.get_absolute_url()
        )
        # The same corrections as the public page lists.
        page = self.get("/corrections/").content.decode()
        for correction in response.json()["results"]:
            self.assertIn(correction["note"].replace("'", "&#x27;"), page)

    def test_nothing_unapproved_or_off_the_site_is_listed(self):
        content = self.get(f"{API}/corrections/").content.decode()
        for secret in ("Zqxwithdrawnfix", "Zqxdrafteventfix", "Zqxpendingfix"):
            self.assertNotIn(secret, content)
        self.get(f"{API}/corrections/{self.hidden_fix.pk}/", status=404)
        # Other steps of the log are not corrections, whatever they carry.
        submitted = Transition.objects.filter(action="submit").first()
        self.get(f"{API}/corrections/{submitted.pk}/", status=404)

    def test_filters_by_kind_and_date(self):
        day = self.event_fix.created_at.date().isoformat()
        cases = {
            "kind=event": [self.event_fix.pk],
            "kind=claim": [self.claim_fix.pk],
            f"start={day}&end={day}": [self.claim_fix.pk, self.event_fix.pk],
            "end=2023-12-31": [],
            "sort=id": [self.event_fix.pk, self.claim_fix.pk],
        }
        for query, wanted in cases.items():
            self.assertEqual(ids(self.get(f"{API}/corrections/?{query}")), wanted, query)
        for query in ("kind=citation", "start=2024-01-02&end=2024-01-01", "start=soon"):
            self.get(f"{API}/corrections/?{query}", status=400)

    def test_responses_carry_last_modified_and_etag(self):
        response = self.get(f"{API}/corrections/")
        self.get(f"{API}/corrections/", status=304, If_None_Match=response["ETag"])
        self.assertIn("Last-Modified", response)


class FilterTests(RecordTestCase):
    def test_event_filters_are_the_public_lists(self):
        r = self.r
        cases = {
            "start=2023-11-01": {r.offensive.pk, r.strike.pk},
            "end=2023-10-31": {r.offensive.pk, r.battle.pk},
            f"place={r.anefis.pk}": {r.battle.pk},
            f"actor={r.csp.pk}": {r.battle.pk, r.strike.pk},
            "event_type=battle": {r.battle.pk},
            "claim_kind=casualties": {r.strike.pk},
            "assessment=disputed": {r.battle.pk},
            "claim_kind=casualties&assessment=disputed": set(),
            "q=drones": {r.strike.pk},
        }
        for query, wanted in cases.items():
            self.assertEqual(set(ids(self.get(f"{API}/events/?{query}"))), wanted, query)

    def test_claim_and_citation_filters(self):
        r = self.r
        cases = {
            f"claims/?event={r.battle.pk}": {r.army_claim.pk, r.rebel_claim.pk},
            f"claims/?claimant={r.csp.pk}": {r.csp_claim.pk, r.rebel_claim.pk},
            "claims/?kind=casualties&assessment=likely": {r.medical_claim.pk},
            "claims/?q=fourteen": {r.csp_claim.pk},
            f"citations/?source={r.statement.pk}": {r.csp_statement.pk},
            "citations/?q=communique": {r.csp_statement.pk},
            "sources/?is_party=true": {r.statement.pk},
            "actors/?kind=coalition": {r.csp.pk},
        }
        for query, wanted in cases.items():
            self.assertEqual(set(ids(self.get(f"{API}/{query}"))), wanted, query)

    def test_a_filter_naming_an_unpublished_entry_finds_nothing_rather_than_leaking_it(self):
        self.get(f"{API}/events/?place={self.r.hidden_place.pk}", status=400)
        self.assertEqual(ids(self.get(f"{API}/claims/?event={self.r.draft_event.pk}")), [])

    def test_malformed_queries_are_400s(self):
        for query in (
            "events/?start=2023-12-01&end=2023-10-01",
            "events/?start=yesterday",
            "events/?actor=abc",
            "events/?event_type=picnic",
            "events/?cursor=not-a-cursor",
            "events/?q=" + "x" * 201,
            "claims/?event=abc",
            "claims/?kind=rumour",
        ):
            response = self.get(f"{API}/{query}", status=400)
            self.assertEqual(response["Content-Type"], "application/json")


class SortingAndPaginationTests(RecordTestCase):
    def test_events_sort_by_date_by_default_and_by_title_on_request(self):
        r = self.r
        self.assertEqual(
            ids(self.get(f"{API}/events/")), [r.offensive.pk, r.battle.pk, r.strike.pk]
        )
        self.assertEqual(
            ids(self.get(f"{API}/events/?sort=-start_date")),
            [r.strike.pk, r.battle.pk, r.offensive.pk],
        )
        self.assertEqual(
            ids(self.get(f"{API}/events/?sort=title")), [r.strike.pk, r.battle.pk, r.offensive.pk]
        )

    def test_an_unknown_sort_falls_back_to_the_default(self):
        self.assertEqual(
            ids(self.get(f"{API}/events/?sort=summary")), ids(self.get(f"{API}/events/"))
        )

    def test_the_cursor_walks_every_entry_once_in_order_and_back(self):
        url, seen, pages = f"{API}/claims/?page_size=2&sort=-id", [], []
        while url:
            page = self.get(url).json()
            pages.append(page)
            seen += [item["id"] for item in page["results"]]
            url = page["next"]
        self.assertEqual(seen, sorted(ids(self.get(f"{API}/claims/")), reverse=True))
        self.assertEqual(len(pages), 3)
        back = self.get(pages[-1]["previous"]).json()
        self.assertEqual(back["results"], pages[-2]["results"])

    def test_a_cursor_keeps_its_place_when_an_entry_before_it_is_withdrawn(self):
        first = self.get(f"{API}/events/?page_size=2").json()
        workflow.withdraw(self.r.offensive, by=self.r.approver, comment="Merged.")
        rest = self.get(first["next"]).json()
        self.assertEqual([item["id"] for item in rest["results"]], [self.r.strike.pk])


class CachingTests(RecordTestCase):
    def url(self):
        return f"{API}/claims/{self.r.army_claim.pk}/"

    def test_a_repeated_request_is_answered_from_the_cache(self):
        self.get(self.url())
        with CaptureQueriesContext(connection) as queries:
            self.get(self.url())
        self.assertEqual(len(queries), 1)  # the publication stamp only

    def test_a_cached_answer_is_the_same_bytes_and_headers(self):
        for url in (self.url(), f"{API}/events/?page_size=2"):
            first = self.get(url)
            again = self.get(url)
            self.assertEqual(again.content, first.content, url)
            for header in ("Content-Type", "Vary", "Allow", "ETag", "Last-Modified"):
                self.assertEqual(again.get(header), first.get(header), (url, header))
            self.assertTrue(again["Content-Type"].startswith("application/json"))

    @override_settings(KIDAL_PAGE_CACHE=False)
    def test_the_cache_can_be_turned_off(self):
        self.get(self.url())
        with CaptureQueriesContext(connection) as queries:
            self.get(self.url())
        self.assertGreater(len(queries), 1)
        self.assertNotIn("Last-Modified", self.get(self.url()))

    def test_a_published_change_is_visible_on_the_very_next_request(self):
        self.assertEqual(self.get(self.url()).json()["text"], "The army said it held Anéfis.")
        pending_edit(self.r.army_claim, by=self.r.author, text="The army said it took Anéfis.")
        self.assertEqual(self.get(self.url()).json()["text"], "The army said it held Anéfis.")
        workflow.submit(self.r.army_claim, by=self.r.author)
        workflow.approve(self.r.army_claim, by=self.r.approver)
        self.assertEqual(self.get(self.url()).json()["text"], "The army said it took Anéfis.")
        workflow.withdraw(self.r.army_claim, by=self.r.approver, comment="Retracted.")
        self.get(self.url(), status=404)
        self.assertNotIn(self.r.army_claim.pk, ids(self.get(f"{API}/claims/")))

    def test_conditional_requests_get_304_until_the_next_publication(self):
        response = self.get(self.url())
        etag, modified = response["ETag"], response["Last-Modified"]
        self.get(self.url(), status=304, If_None_Match=etag)
        self.get(self.url(), status=304, If_Modified_Since=modified)
        workflow.withdraw(self.r.rebel_claim, by=self.r.approver, comment="Retracted.")
        fresh = self.get(self.url(), If_None_Match=etag)
        self.assertNotEqual(fresh["ETag"], etag)
        self.assertGreaterEqual(parse_http_date(fresh["Last-Modified"]), parse_http_date(modified))


@override_settings(KIDAL_API_RATE="3/minute")
class RateLimitTests(RecordTestCase):
    def test_an_address_over_the_limit_gets_429_with_retry_after_even_from_the_cache(self):
        url = f"{API}/events/"
        for _ in range(3):
            self.get(url)
        response = self.get(url, status=429)
        self.assertTrue(1 <= int(response["Retry-After"]) <= 60)
        self.assertIn("detail", response.json())
        # Another address has its own allowance.
        self.assertEqual(self.client.get(url, REMOTE_ADDR="192.0.2.7").status_code, 200)

    def test_static_downloads_and_pages_are_not_limited(self):
        for _ in range(3):
            self.get(f"{API}/events/")
        self.get(f"{API}/events/", status=429)
        for _ in range(5):
            download = self.client.get("/exports/events.csv")
            self.assertEqual(download.status_code, 200)
            b"".join(download.streaming_content)
            self.get("/events/")

    @override_settings(KIDAL_TRUSTED_PROXIES=1)
    def test_behind_a_proxy_the_limit_is_per_client_not_per_proxy(self):
        url = f"{API}/events/"
        for _ in range(3):
            self.get(url, X_Forwarded_For="198.51.100.1")
        self.get(url, status=429, X_Forwarded_For="198.51.100.1")
        # What a client writes before the proxy's entry does not buy it a new allowance.
        self.get(url, status=429, X_Forwarded_For="203.0.113.9, 198.51.100.1")
        self.get(url, X_Forwarded_For="198.51.100.2")

    @override_settings(KIDAL_API_RATE=None)
    def test_the_limit_can_be_turned_off(self):
        for _ in range(5):
            self.get(f"{API}/events/")
