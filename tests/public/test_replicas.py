"""Readers' pages from a database replica, and never from one that lags behind.

The replica is a second connection to the test database (as a streaming replica holds the
primary's rows); its lag is simulated by what it reports as its latest publication."""

from unittest import mock

from django.db import OperationalError, connections
from django.test import TransactionTestCase
from django.test.utils import CaptureQueriesContext

from events import caching, workflow
from events.models import Claim
from tests.events.helpers import pending_edit
from tests.factories import editor, published_claim, reviewer

OLD = "The army said it held Anéfis."
NEW = "The army said it held Anéfis and Tabankort."


class ReplicaTests(TransactionTestCase):
    databases = {"default", "replica1"}
    # The groups the migrations create come back after each test's flush.
    serialized_rollback = True

    @classmethod
    def setUpClass(cls):
        connections.settings["replica1"] = {**connections.settings["default"]}
        super().setUpClass()

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        connections["replica1"].close()
        del connections["replica1"]
        del connections.settings["replica1"]

    def setUp(self):
        self.editor, self.reviewer = editor(), reviewer()
        self.claim = published_claim(author=self.editor, approver=self.reviewer, text=OLD)
        self.url = self.claim.get_absolute_url()

    def page(self):
        with (
            CaptureQueriesContext(connections["default"]) as primary,
            CaptureQueriesContext(connections["replica1"]) as replica,
        ):
            response = self.client.get(self.url)
        return response, len(primary), len(replica)

    @mock.patch("kidal.routers.replicas", return_value=["replica1"])
    def test_a_reader_page_is_read_from_a_caught_up_replica(self, _replicas):
        response, primary, replica = self.page()
        self.assertContains(response, OLD)
        self.assertGreater(replica, 1)  # its stamp, then the page's own reads
        self.assertLessEqual(primary, 2)  # the primary's stamp and its time

    @mock.patch("kidal.routers.replicas", return_value=["replica1"])
    def test_a_lagging_replica_is_passed_over_and_the_change_shows_at_once(self, _replicas):
        self.client.get(self.url)
        before = caching._current_stamp()
        pending_edit(self.claim, by=self.editor, text=NEW)
        workflow.submit(self.claim, by=self.editor)
        workflow.approve(self.claim, by=self.reviewer)
        stamp_of = caching._current_stamp

        def lagging(alias="default"):
            return before if alias == "replica1" else stamp_of(alias)

        with mock.patch("events.caching._current_stamp", side_effect=lagging):
            response, primary, replica = self.page()
        self.assertContains(response, NEW)
        self.assertEqual(replica, 0)  # the lag check is mocked; nothing else read there
        self.assertGreater(primary, 2)

    @mock.patch("kidal.routers.replicas", return_value=["replica1"])
    def test_staff_never_read_from_a_replica(self, _replicas):
        self.client.force_login(self.editor)
        response, _primary, replica = self.page()
        self.assertContains(response, OLD)
        self.assertEqual(replica, 0)

    @mock.patch("kidal.routers.replicas", return_value=["replica1"])
    def test_a_replica_that_does_not_answer_leaves_readers_on_the_primary(self, _replicas):
        stamp_of = caching._current_stamp

        def down(alias="default"):
            if alias == "replica1":
                raise OperationalError("connection refused")
            return stamp_of(alias)

        with (
            mock.patch("events.caching._current_stamp", side_effect=down),
            self.assertLogs("events.caching", "WARNING"),
        ):
            response, _primary, replica = self.page()
        self.assertContains(response, OLD)
        self.assertEqual(replica, 0)
        self.assertTrue(Claim.objects.filter(text=OLD).exists())
