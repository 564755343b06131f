"""Point 4: versions stored before a migration changed the model stay viewable, comparable and
restorable.

Two ways: (1) stored versions rewritten to the shape an older schema would have written (a
field removed since is an extra key, a field added since is missing, a renamed field is under
its old name); (2) a real migration applied to the test database: AddField of a throwaway
column, a version written while the column exists, then RemoveField.
"""

import json

from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.db import connection, migrations, models
from django.db.migrations.executor import MigrationExecutor
from django.test import TestCase, TransactionTestCase
from django.utils import timezone
from reversion.errors import RevertError
from reversion.models import Revision, Version

from events import drafts, workflow
from events.history import snapshot_diff
from events.models import Claim, ClaimCitation
from events.versioning import WORKFLOW_FIELDS
from tests.factories import (
    ClaimCitationFactory,
    ClaimFactory,
    editor,
    published_claim,
    reviewer,
)

from .helpers import (
    admin_url,
    compare_url,
    draft_claim_with_versions,
    edit_draft,
    history_url,
    restore,
    restore_url,
    rewrite_stored_fields,
    versions_of,
)


def old_schema(fields):
    """What a schema with ``confidence`` (since removed), without ``assessment_note`` (since
    added) and with ``claimant_name`` (since renamed ``claimant_label``) stored."""
    fields["confidence"] = "high"
    fields.pop("assessment_note", None)
    fields["claimant_name"] = fields.pop("claimant_label")


def old_link_schema(fields):
    """A citation link as stored when ``locator`` was called ``page`` and ``note`` existed."""
    fields["page"] = fields.pop("locator")
    fields["note"] = "seen on the outlet's site"


def reversion_can_read(version):
    try:
        version.field_dict  # noqa: B018 - reversion's own reading of the stored data
    except RevertError:
        return False
    return True


class RewrittenVersionTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = editor()
        cls.claim = ClaimFactory(
            last_edited_by=cls.editor,
            claimant_label="medical sources",
            assessment_note="Two hospitals.",
        )
        ClaimCitationFactory(claim=cls.claim, quote="quatorze civils", locator="para. 4")
        edit_draft(cls.claim, by=cls.editor, text="Fighters killed 14 civilians.")
        edit_draft(cls.claim, by=cls.editor, text="Fighters killed 10 civilians.")
        cls.old, cls.new = reversed(versions_of(cls.claim))
        cls.old = rewrite_stored_fields(cls.old, old_schema)
        cls.old_link_version = cls.old.revision.version_set.get(content_type__model="claimcitation")
        rewrite_stored_fields(cls.old_link_version, old_link_schema)

    def setUp(self):
        self.client.force_login(self.editor)

    def test_the_stored_data_has_the_old_shape(self):
        stored = json.loads(Version.objects.get(pk=self.old.pk).serialized_data)[0]["fields"]
        self.assertIn("confidence", stored)
        self.assertIn("claimant_name", stored)
        self.assertNotIn("assessment_note", stored)
        self.assertNotIn("claimant_label", stored)
        # Whether reversion itself can still read it or not, our pages must.
        reversion_can_read(Version.objects.get(pk=self.old.pk))

    def test_snapshot_from_version_skips_removed_fields_and_leaves_out_missing_ones(self):
        snapshot = drafts.snapshot_from_version(self.old)

        self.assertEqual(snapshot["fields"]["text"], "Fighters killed 14 civilians.")
        self.assertNotIn("confidence", snapshot["fields"])
        self.assertNotIn("claimant_name", snapshot["fields"])
        self.assertNotIn("assessment_note", snapshot["fields"])
        self.assertNotIn("claimant_label", snapshot["fields"])
        (row,) = snapshot["inlines"]["citation_links"]
        self.assertNotIn("page", row)
        self.assertNotIn("note", row)
        self.assertNotIn("locator", row)

    def test_history_page_lists_old_and_new_versions(self):
        response = self.client.get(history_url(self.claim))

        self.assertEqual(response.status_code, 200)
        self.assertEqual(
            [row["version"].pk for row in response.context["rows"]], [self.new.pk, self.old.pk]
        )

    def test_comparing_an_old_version_with_the_current_one_shows_the_real_differences(self):
        response = self.client.get(compare_url(self.claim, self.old.pk, "live"))

        self.assertEqual(response.status_code, 200)
        labels = [str(change["label"]) for change in response.context["changes"]]
        self.assertIn("claim", labels)
        self.assertContains(response, "<del>14</del><ins>10</ins>", html=False)
        self.assertNotIn("confidence", labels)
        self.assertNotIn("claimant_name", labels)
        self.assertNotContains(response, "<del>high</del>", html=False)
        self.assertNotContains(response, "<ins>high</ins>", html=False)

    def test_comparing_two_stored_versions_of_different_shapes(self):
        response = self.client.get(compare_url(self.claim, self.old.pk, self.new.pk))
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "<del>14</del><ins>10</ins>", html=False)

    def test_restore_page_of_an_old_version_shows_only_what_restoring_changes(self):
        # Fields the old version did not record keep their current values on restore, so the
        # confirmation page must not announce that they will be emptied.
        response = self.client.get(restore_url(self.claim, self.old))

        self.assertEqual(response.status_code, 200)
        fields = {str(change["label"]) for change in response.context["changes"]}
        self.assertIn("claim", fields)
        self.assertNotIn("assessment note", fields)
        self.assertNotIn("claimant label", fields)
        self.assertNotContains(response, "<del>Two hospitals.</del>", html=False)

    def test_restore_page_does_not_announce_changes_to_unrecorded_link_fields(self):
        # The old version recorded the link's locator under another name; restoring keeps the
        # current locator, so the link is not changed.
        response = self.client.get(restore_url(self.claim, self.old))

        labels = [str(change["label"]) for change in response.context["changes"]]
        self.assertNotIn("citation of the claim changed", labels)
        self.assertNotIn("citation of the claim removed", labels)

    def test_restoring_an_old_version_keeps_current_values_of_fields_it_lacks(self):
        response = restore(self.client, self.claim, self.old)

        self.assertEqual(response.status_code, 302)
        claim = Claim.objects.get(pk=self.claim.pk)
        self.assertEqual(claim.text, "Fighters killed 14 civilians.")
        self.assertEqual(claim.claimant_label, "medical sources")
        self.assertEqual(claim.assessment_note, "Two hospitals.")
        link = claim.citation_links.get()
        self.assertEqual(link.locator, "para. 4")

    def test_diff_of_old_shape_snapshots_is_computed_without_error(self):
        changes = snapshot_diff(
            Claim, drafts.snapshot_from_version(self.old), drafts.snapshot_from_version(self.new)
        )
        self.assertTrue(changes)


class PendingChangeAcrossMigrationTests(TestCase):
    """A pending change stored before a migration removed a field still compares and applies."""

    @classmethod
    def setUpTestData(cls):
        cls.editor = editor()
        cls.reviewer = reviewer()
        cls.second_reviewer = reviewer("reviewer2")
        cls.claim = published_claim(
            author=cls.editor, approver=cls.reviewer, text="Fighters killed 14 civilians."
        )
        snapshot = drafts.snapshot_of(cls.claim)
        snapshot["fields"]["text"] = "Fighters killed 10 civilians."
        snapshot["fields"]["confidence"] = "high"  # a field a later migration removed
        del snapshot["fields"]["assessment_note"]  # a field a later migration added
        workflow.edit(cls.claim, snapshot, by=cls.editor)
        workflow.submit(cls.claim, by=cls.editor)

    def test_pending_change_of_an_older_schema_is_compared(self):
        self.client.force_login(self.editor)
        response = self.client.get(compare_url(self.claim, "live", "pending"))
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "<del>14</del><ins>10</ins>", html=False)
        self.assertEqual(self.client.get(admin_url(self.claim, "change")).status_code, 200)

    def test_pending_change_of_an_older_schema_is_approved(self):
        workflow.approve(self.claim, by=self.second_reviewer)

        self.claim.refresh_from_db()
        self.assertEqual(self.claim.text, "Fighters killed 10 civilians.")
        self.assertIsNone(self.claim.pending_change)


class ThrowawayFieldMigrationTests(TransactionTestCase):
    """A real AddField / RemoveField on the test database, on SQLite and PostgreSQL alike.

    A transaction test case: SQLite cannot alter tables inside the atomic block of TestCase.
    ``serialized_rollback`` restores the groups and permissions that migrations created.
    """

    serialized_rollback = True

    def setUp(self):
        self.editor = editor()
        self.claim = draft_claim_with_versions(
            by=self.editor,
            texts=["Fighters killed 14 civilians.", "Fighters killed 10 civilians."],
        )

    def migrate(self, operation, state):
        migration = type(
            "Migration",
            (migrations.Migration,),
            {"operations": [operation], "dependencies": []},
        )("9999_throwaway", "events")
        with connection.schema_editor() as schema_editor:
            return migration.apply(state, schema_editor)

    def columns(self):
        with connection.cursor() as cursor:
            description = connection.introspection.get_table_description(cursor, "events_claim")
        return {column.name for column in description}

    def record_version_with_old_model(self, state):
        """Store a version the way reversion would while ``tmp_note`` existed."""
        old_claim_model = state.apps.get_model("events", "Claim")
        old_link_model = state.apps.get_model("events", "ClaimCitation")
        old_claim_model.objects.filter(pk=self.claim.pk).update(
            tmp_note="checked against two hospital lists", text="Fighters killed 12 civilians."
        )
        revision = Revision.objects.create(
            user=self.editor, comment="Written while tmp_note existed", date_created=timezone.now()
        )
        rows = [(Claim, old_claim_model.objects.get(pk=self.claim.pk))] + [
            (ClaimCitation, link) for link in old_link_model.objects.filter(claim_id=self.claim.pk)
        ]
        for model, obj in rows:
            # As events/versioning.py registers them: workflow bookkeeping left out.
            fields = [
                f.name
                for f in obj._meta.local_fields + obj._meta.local_many_to_many
                if f.name not in WORKFLOW_FIELDS and not f.primary_key
            ]
            Version.objects.create(
                revision=revision,
                object_id=str(obj.pk),
                content_type=ContentType.objects.get_for_model(model),
                db="default",
                format="json",
                serialized_data=serializers.serialize("json", [obj], fields=fields),
                object_repr=str(obj.pk),
            )
        return revision

    def test_versions_survive_adding_and_removing_a_field(self):
        add = migrations.AddField(
            "claim", "tmp_note", models.CharField(max_length=100, default="", blank=True)
        )
        remove = migrations.RemoveField("claim", "tmp_note")
        state = MigrationExecutor(connection).loader.project_state()

        state = self.migrate(add, state)
        try:
            self.assertIn("tmp_note", self.columns())
            revision = self.record_version_with_old_model(state)
            # Versions written before the field existed are still readable meanwhile.
            self.assertEqual(len(versions_of(self.claim)), 3)
        finally:
            state = self.migrate(remove, state)
        self.assertNotIn("tmp_note", self.columns())

        written = revision.version_set.get(content_type__model="claim")
        self.assertIn("tmp_note", json.loads(written.serialized_data)[0]["fields"])
        first = versions_of(self.claim)[-1]
        self.client.force_login(self.editor)

        history = self.client.get(history_url(self.claim))
        self.assertEqual(history.status_code, 200)
        self.assertEqual(len(history.context["rows"]), 3)

        compare = self.client.get(compare_url(self.claim, first.pk, written.pk))
        self.assertEqual(compare.status_code, 200)
        self.assertContains(compare, "<del>14</del><ins>12</ins>", html=False)
        self.assertNotContains(compare, "tmp_note")
        self.assertNotContains(compare, "hospital lists")

        restored = restore(self.client, self.claim, written)
        self.assertEqual(restored.status_code, 302)
        self.claim.refresh_from_db()
        self.assertEqual(self.claim.text, "Fighters killed 12 civilians.")

        restored = restore(self.client, self.claim, first)
        self.assertEqual(restored.status_code, 302)
        self.claim.refresh_from_db()
        self.assertEqual(self.claim.text, "Fighters killed 14 civilians.")
