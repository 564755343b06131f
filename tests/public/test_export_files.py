"""Whole-record exports are complete files built after each publication: a download never
depends on how long the export takes, and a failed build never replaces a good file."""

import csv
import hashlib
import io
from unittest import mock

from django.core.management import call_command
from django.db import connection
from django.test import TestCase, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from events import export_files, workflow
from events.caching import publication_stamp
from tests.events.helpers import pending_edit
from tests.factories import editor, published_claim, reviewer

OLD = "The army said it had taken the camp."
NEW = "The army said it had taken the camp and the airfield."


def body(response):
    return b"".join(response.streaming_content)


class ExportFileTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor, cls.reviewer = editor(), reviewer()
        cls.claim = published_claim(author=cls.editor, approver=cls.reviewer, text=OLD)

    def download(self, name="claims.csv"):
        response = self.client.get(reverse(f"events:export_{name.replace('.', '_')}"))
        self.assertEqual(response.status_code, 200)
        return response, body(response)

    def test_a_download_is_a_complete_file_with_its_size_date_and_digest(self):
        response, content = self.download()
        self.assertEqual(int(response["Content-Length"]), len(content))
        self.assertEqual(response["Digest"], f"sha-256={hashlib.sha256(content).hexdigest()}")
        self.assertTrue(response.has_header("Last-Modified"))
        self.assertIn("attachment", response["Content-Disposition"])
        rows = list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))
        self.assertEqual([row["claim"] for row in rows], [OLD])
        self.assertEqual(export_files.manifest()["stamp"], publication_stamp()[0])

    def test_exports_page_names_each_file_with_its_size_and_digest(self):
        self.download()
        page = self.client.get(reverse("events:exports"))
        built = export_files.manifest()
        self.assertContains(page, built["files"]["claims.json"]["sha256"])
        self.assertContains(page, "The files were built on")

    def test_the_cached_exports_page_follows_each_build_and_says_when_files_are_behind(self):
        self.download()
        page = reverse("events:exports")
        self.assertContains(self.client.get(page), "after the latest published change")
        with CaptureQueriesContext(connection) as queries:
            self.assertContains(self.client.get(page), "after the latest published change")
        self.assertEqual(len(queries), 1)  # from the cache: the publication stamp only

        pending_edit(self.claim, by=self.editor, text=NEW)
        workflow.submit(self.claim, by=self.editor)
        with (
            override_settings(KIDAL_EXPORTS_IN_BACKGROUND=True),
            mock.patch.object(export_files, "_build_in_background") as started,
        ):
            workflow.approve(self.claim, by=self.reviewer)
            self.assertContains(self.client.get(page), "before the latest published change")
        started.assert_called()
        built = export_files.build()
        response = self.client.get(page)
        self.assertContains(response, "after the latest published change")
        self.assertContains(response, built["files"]["claims.csv"]["sha256"])

    def test_an_approved_change_is_in_the_next_download(self):
        self.download()
        pending_edit(self.claim, by=self.editor, text=NEW)
        workflow.submit(self.claim, by=self.editor)
        workflow.approve(self.claim, by=self.reviewer)
        _response, content = self.download()
        self.assertIn(NEW, content.decode("utf-8-sig"))

    def test_a_build_that_fails_leaves_the_previous_files_whole(self):
        _response, before = self.download("claims.json")
        pending_edit(self.claim, by=self.editor, text=NEW)
        workflow.submit(self.claim, by=self.editor)

        def broken(site):
            yield "[\n"
            raise RuntimeError("the database went away")

        with (
            mock.patch.dict(export_files.EXPORTS, {"claims.json": ("application/json", broken)}),
            self.assertRaises(RuntimeError),
        ):
            export_files.build(force=True)

        self.assertEqual((export_files.root() / "claims.json").read_bytes(), before)
        leftovers = [path.name for path in export_files.root().iterdir() if path.name[0] == "."]
        self.assertEqual(leftovers, [".lock"])

    def test_while_a_rebuild_runs_readers_get_the_previous_complete_file(self):
        _response, before = self.download()
        pending_edit(self.claim, by=self.editor, text=NEW)
        workflow.submit(self.claim, by=self.editor)
        workflow.approve(self.claim, by=self.reviewer)
        with (
            override_settings(KIDAL_EXPORTS_IN_BACKGROUND=True),
            mock.patch.object(export_files, "_build_in_background") as started,
        ):
            _response, during = self.download()
        started.assert_called_once()
        self.assertEqual(during, before)


class ExportScheduleTests(TestCase):
    def test_a_transaction_with_many_publications_schedules_one_build(self):
        author, approver = editor(), reviewer()
        with self.captureOnCommitCallbacks() as callbacks:
            for text in ("First claim.", "Second claim."):
                published_claim(author=author, approver=approver, text=text)
        builds = [
            callback for callback in callbacks if callback is export_files._build_after_commit
        ]
        self.assertEqual(len(builds), 1)


class BackgroundBuildTests(TestCase):
    def test_the_background_build_is_a_process_of_its_own_building_only_if_stale(self):
        with (
            mock.patch.object(export_files, "_started", []),
            mock.patch.object(export_files.subprocess, "Popen") as popen,
        ):
            popen.return_value.poll.return_value = None  # still running
            export_files._build_in_background()
            export_files._build_in_background()
            self.assertEqual(popen.call_count, 1, "a second build while the first runs")
            command = popen.call_args.args[0]
            self.assertEqual(command[1:], ["-m", "kidal", "build_exports", "--if-stale"])
            self.assertTrue(popen.call_args.kwargs["start_new_session"])

            popen.return_value.poll.return_value = 0  # finished
            export_files._build_in_background()
            self.assertEqual(popen.call_count, 2)

    def test_build_exports_if_stale_leaves_current_files_alone(self):
        published_claim(author=editor(), approver=reviewer())
        call_command("build_exports", stdout=io.StringIO())
        manifest = (export_files.root() / export_files.MANIFEST).read_bytes()
        out = io.StringIO()
        call_command("build_exports", "--if-stale", stdout=out)
        self.assertIn("current", out.getvalue())
        self.assertEqual((export_files.root() / export_files.MANIFEST).read_bytes(), manifest)

        published_claim(author=editor("second"), approver=reviewer("second-reviewer"))
        call_command("build_exports", "--if-stale", stdout=io.StringIO())
        self.assertEqual(export_files.manifest()["stamp"], publication_stamp()[0])
