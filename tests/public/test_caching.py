"""Public pages are cached for anonymous readers and invalidated exactly: a published change
shows on the very next request, and nothing staff-only is ever served from the cache."""

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse
from django.test import RequestFactory, TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from events import caching, workflow
from events.caching import PublicPageCacheMiddleware, cache_public_page
from events.models import Claim
from tests.events.helpers import pending_edit
from tests.factories import editor, published_claim, reviewer

OLD = "Medical sources said at least ten civilians were killed."
NEW = "Medical sources said at least ten civilians, including children, were killed."


class PublicPageCacheTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor, cls.reviewer = editor(), reviewer()
        cls.claim = published_claim(author=cls.editor, approver=cls.reviewer, text=OLD)
        cls.url = cls.claim.event.get_absolute_url()

    def approve_edit(self, text):
        pending_edit(self.claim, by=self.editor, text=text)
        workflow.submit(self.claim, by=self.editor)
        workflow.approve(self.claim, by=self.reviewer)

    def test_a_second_anonymous_request_is_served_from_the_cache(self):
        self.assertContains(self.client.get(self.url), OLD)
        with CaptureQueriesContext(connection) as queries:
            response = self.client.get(self.url)
        self.assertContains(response, OLD)
        self.assertEqual(len(queries), 1)  # the publication stamp only

    def test_an_approved_change_is_visible_on_the_very_next_request(self):
        self.assertContains(self.client.get(self.url), OLD)
        self.approve_edit(NEW)
        response = self.client.get(self.url)
        self.assertContains(response, NEW)
        self.assertNotContains(response, OLD)

    def test_a_withdrawal_is_visible_on_the_very_next_request(self):
        claim_url = self.claim.get_absolute_url()
        self.assertEqual(self.client.get(claim_url).status_code, 200)
        workflow.withdraw(self.claim, by=self.reviewer, comment="Retracted.")
        self.assertEqual(self.client.get(claim_url).status_code, 404)

    def test_an_unapproved_edit_does_not_reach_readers_through_the_cache(self):
        self.client.get(self.url)
        pending_edit(self.claim, by=self.editor, text=NEW)
        workflow.submit(self.claim, by=self.editor)
        self.assertNotContains(self.client.get(self.url), NEW)

    def test_staff_previews_are_never_cached_for_readers(self):
        pending_edit(self.claim, by=self.editor, text=NEW)
        self.client.force_login(self.editor)
        preview = self.client.get(self.claim.get_absolute_url() + "?preview=1")
        self.assertContains(preview, NEW)
        staff_page = self.client.get(self.url)
        self.client.logout()
        reader_page = self.client.get(self.url)
        self.assertContains(reader_page, OLD)
        self.assertNotContains(reader_page, NEW)
        self.assertNotContains(reader_page, "preview-banner")
        self.assertEqual(staff_page.status_code, 200)
        # A reader asking for a preview gets the public page, not a staff one.
        self.assertNotContains(self.client.get(self.url + "?preview=1"), NEW)

    def test_pages_are_cached_per_language(self):
        english = self.client.get(self.url)
        french = self.client.get(self.url, HTTP_ACCEPT_LANGUAGE="fr")
        self.assertContains(english, '<html lang="en">')
        self.assertContains(french, '<html lang="fr">')
        self.assertIn("Accept-Language", french["Vary"])

    def test_readers_revalidate_with_etag_and_last_modified(self):
        response = self.client.get(self.url)
        self.assertTrue(response.has_header("ETag"))
        self.assertTrue(response.has_header("Last-Modified"))
        self.assertIn("no-cache", response["Cache-Control"])
        again = self.client.get(self.url, HTTP_IF_NONE_MATCH=response["ETag"])
        self.assertEqual(again.status_code, 304)
        since = self.client.get(self.url, HTTP_IF_MODIFIED_SINCE=response["Last-Modified"])
        self.assertEqual(since.status_code, 304)
        self.approve_edit(NEW)
        changed = self.client.get(self.url, HTTP_IF_NONE_MATCH=response["ETag"])
        self.assertEqual(changed.status_code, 200)
        self.assertContains(changed, NEW)
        self.assertEqual(Claim.objects.public().get(pk=self.claim.pk).text, NEW)

    def test_a_page_from_the_cache_keeps_every_header_of_the_page_it_stored(self):
        first = self.client.get(self.url)
        with CaptureQueriesContext(connection) as queries:
            again = self.client.get(self.url)
        self.assertEqual(len(queries), 1)
        for header in ("X-Frame-Options", "Content-Type", "Content-Language", "ETag", "Vary"):
            self.assertEqual(again.get(header), first.get(header), header)

    def test_a_request_with_a_session_is_built_not_served_from_the_cache(self):
        self.client.get(self.url)
        self.client.cookies[settings.SESSION_COOKIE_NAME] = "not-a-session"
        with CaptureQueriesContext(connection) as queries:
            response = self.client.get(self.url)
        self.assertContains(response, OLD)
        self.assertGreater(len(queries), 1)

    def test_a_response_that_sets_a_cookie_is_never_stored(self):
        def page_setting_a_cookie(request):
            response = HttpResponse("for one reader")
            response.set_cookie("reader", "one")
            return response

        middleware = PublicPageCacheMiddleware(cache_public_page(page_setting_a_cookie))
        request = RequestFactory().get(self.url)
        request.user = AnonymousUser()
        middleware(request)
        self.assertIsNone(cache.get(caching._page_key(request, caching.publication_stamp()[0])))
        plain = PublicPageCacheMiddleware(cache_public_page(lambda request: HttpResponse("all")))
        plain(request)
        self.assertIsNotNone(cache.get(caching._page_key(request, caching.publication_stamp()[0])))

    def test_pages_are_cached_per_host_as_feeds_write_absolute_links(self):
        feed = reverse("events:feed")
        with self.settings(ALLOWED_HOSTS=["one.example", "two.example"]):
            self.assertContains(self.client.get(feed, HTTP_HOST="one.example"), "one.example")
            response = self.client.get(feed, HTTP_HOST="two.example")
        self.assertContains(response, f"http://two.example{self.claim.get_absolute_url()}")
        self.assertNotContains(response, "one.example")

    def test_a_cached_page_is_sent_in_one_piece(self):
        feed = reverse("events:feed")
        built = self.client.get(feed)
        cached = self.client.get(feed)
        self.assertEqual(cached.content, built.content)
        # Each piece of a response is a write of its own to the reader's connection.
        self.assertEqual(len(list(cached)), 1)

    def test_pages_that_are_not_cached_never_read_the_publication_stamp(self):
        for url in ("/health/live", "/healthz", "/admin/login/", "/no-such-page/"):
            with CaptureQueriesContext(connection) as queries:
                self.client.get(url)
            self.assertFalse([q for q in queries if "events_transition" in q["sql"]], url)


UNANSWERING_CACHE = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        # Nothing listens on port 1: every cache call fails at once.
        "LOCATION": "redis://127.0.0.1:1/0",
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
    }
}


class CacheOutageTests(TestCase):
    """With the cache server down, readers still get every page and the API: built for
    each of them, and the outage is logged."""

    @classmethod
    def setUpTestData(cls):
        cls.claim = published_claim(author=editor(), approver=reviewer(), text=OLD)

    def test_pages_and_the_api_are_built_without_the_cache(self):
        urls = [
            self.claim.event.get_absolute_url(),
            reverse("events:feed"),
            reverse("api:claim-detail", args=[self.claim.pk]),
        ]
        with self.settings(CACHES=UNANSWERING_CACHE), self.assertLogs("events.caching") as logs:
            for url in urls:
                self.assertContains(self.client.get(url), OLD)
        self.assertIn("The cache does not answer", logs.output[0])

    def test_the_api_rate_limit_lets_requests_through_while_the_cache_is_down(self):
        url = reverse("api:claim-list")
        with (
            self.settings(CACHES=UNANSWERING_CACHE, KIDAL_API_RATE="1/minute"),
            self.assertLogs("api.throttling"),
        ):
            answers = [self.client.get(url).status_code for _ in range(3)]
        self.assertEqual(answers, [200, 200, 200])
