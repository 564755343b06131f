"""Direct tests of drafts.snapshot_from_version and drafts.apply_snapshot."""

import reversion
from django.core.exceptions import ValidationError
from django.test import TestCase

from events import drafts
from events.models import Claim, ClaimCitation, EventActor
from tests.factories import (
    ActorFactory,
    CitationFactory,
    ClaimCitationFactory,
    ClaimFactory,
    EventActorFactory,
    EventFactory,
    editor,
)

from .helpers import edit_draft, rewrite_stored_fields, versions_of


class SnapshotFromVersionTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = editor()
        cls.citation = CitationFactory()
        cls.claim = ClaimFactory(
            text="Fighters killed 14 civilians.",
            figure_kind=Claim.FigureKind.AT_LEAST,
            figure_low=14,
            figure_unit="civilians killed",
            kind=Claim.Kind.CASUALTIES,
        )
        cls.link = ClaimCitationFactory(claim=cls.claim, citation=cls.citation, quote="quatorze")
        cls.other = ClaimFactory(text="Nobody died.")
        cls.claim.contradicts.add(cls.other)
        edit_draft(cls.claim, by=cls.editor)

    def test_a_version_snapshot_equals_the_snapshot_of_the_content_it_recorded(self):
        self.assertEqual(
            drafts.snapshot_from_version(versions_of(self.claim)[0]), drafts.snapshot_of(self.claim)
        )

    def test_a_version_snapshot_holds_fields_m2m_and_citation_links(self):
        snapshot = drafts.snapshot_from_version(versions_of(self.claim)[0])

        self.assertEqual(snapshot["fields"]["figure_low"], 14)
        self.assertEqual(snapshot["m2m"], {"contradicts": [self.other.pk]})
        self.assertEqual(
            snapshot["inlines"]["citation_links"],
            [
                {
                    "id": self.link.pk,
                    "citation": self.citation.pk,
                    "quote": "quatorze",
                    "quote_language": "",
                    "translation": "",
                    "locator": "",
                    "stance": "supports",
                    "reported_by": None,
                }
            ],
        )
        self.assertNotIn("status", snapshot["fields"])
        self.assertNotIn("claim", snapshot["inlines"]["citation_links"][0])

    def test_a_version_snapshot_holds_only_the_rows_of_its_own_entry(self):
        # A revision holding two claims (a bulk action) must not mix their citation links.
        second = ClaimFactory()
        ClaimCitationFactory(claim=second)
        with reversion.create_revision():
            self.claim.save()
            second.save()
        snapshot = drafts.snapshot_from_version(versions_of(self.claim)[0])
        self.assertEqual(
            [row["id"] for row in snapshot["inlines"]["citation_links"]], [self.link.pk]
        )

    def test_an_event_version_snapshot_holds_its_actor_roles(self):
        event = EventFactory()
        role = EventActorFactory(event=event, actor=ActorFactory(), role=EventActor.Role.DEFENDER)
        edit_draft(event, by=self.editor)
        snapshot = drafts.snapshot_from_version(versions_of(event)[0])
        self.assertEqual(
            snapshot["inlines"]["actor_roles"],
            [{"id": role.pk, "actor": role.actor_id, "role": "defender"}],
        )

    def test_removed_fields_are_skipped_and_missing_fields_left_out(self):
        version = rewrite_stored_fields(
            versions_of(self.claim)[0],
            lambda fields: (fields.pop("figure_unit"), fields.update(retired="x")),
        )
        snapshot = drafts.snapshot_from_version(version)
        self.assertNotIn("figure_unit", snapshot["fields"])
        self.assertNotIn("retired", snapshot["fields"])
        self.assertEqual(snapshot["fields"]["text"], "Fighters killed 14 civilians.")


class ApplySnapshotTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = editor()
        cls.first_citation, cls.second_citation = CitationFactory(), CitationFactory()

    def setUp(self):
        self.claim = ClaimFactory(text="Fighters killed 14 civilians.")
        self.link = ClaimCitationFactory(claim=self.claim, citation=self.first_citation)
        self.snapshot = drafts.snapshot_of(self.claim)

    def test_applying_a_snapshot_writes_fields_and_rows(self):
        self.snapshot["fields"]["text"] = "Fighters killed 10 civilians."
        self.snapshot["inlines"]["citation_links"][0]["quote"] = "dix"
        self.snapshot["inlines"]["citation_links"].append(
            {
                "id": None,
                "citation": self.second_citation.pk,
                "quote": "",
                "quote_language": "",
                "translation": "",
                "locator": "",
                "stance": "disputes",
            }
        )

        drafts.apply_snapshot(self.claim, self.snapshot)

        self.claim.refresh_from_db()
        self.assertEqual(self.claim.text, "Fighters killed 10 civilians.")
        links = list(self.claim.citation_links.order_by("pk"))
        self.assertEqual(
            [(link.citation_id, link.quote, link.stance) for link in links],
            [
                (self.first_citation.pk, "dix", "supports"),
                (self.second_citation.pk, "", "disputes"),
            ],
        )
        self.assertEqual(links[0].pk, self.link.pk)

    def test_rows_missing_from_the_snapshot_are_deleted(self):
        self.snapshot["inlines"]["citation_links"] = []
        drafts.apply_snapshot(self.claim, self.snapshot)
        self.assertFalse(ClaimCitation.objects.filter(claim=self.claim).exists())

    def test_a_row_deleted_since_is_recreated(self):
        self.link.delete()
        drafts.apply_snapshot(self.claim, self.snapshot)
        (link,) = self.claim.citation_links.all()
        self.assertEqual(link.citation_id, self.first_citation.pk)

    def test_a_row_readded_under_a_new_id_meets_no_unique_constraint(self):
        self.link.delete()
        ClaimCitationFactory(claim=self.claim, citation=self.first_citation, quote="new row")
        drafts.apply_snapshot(self.claim, self.snapshot)
        (link,) = self.claim.citation_links.all()
        self.assertEqual(link.quote, "")

    def test_fields_missing_from_the_snapshot_keep_their_current_values(self):
        self.claim.assessment_note = "Two hospitals."
        self.claim.save()
        del self.snapshot["fields"]["assessment_note"]
        self.snapshot["fields"]["text"] = "Changed."
        drafts.apply_snapshot(self.claim, self.snapshot)
        self.claim.refresh_from_db()
        self.assertEqual(self.claim.assessment_note, "Two hospitals.")
        self.assertEqual(self.claim.text, "Changed.")

    def test_unknown_fields_in_the_snapshot_are_ignored(self):
        self.snapshot["fields"]["retired"] = "x"
        drafts.apply_snapshot(self.claim, self.snapshot)
        self.claim.refresh_from_db()

    def test_many_to_many_choices_are_set(self):
        other = ClaimFactory()
        self.snapshot["m2m"]["contradicts"] = [other.pk]
        drafts.apply_snapshot(self.claim, self.snapshot)
        self.assertEqual(list(self.claim.contradicts.all()), [other])

    def test_an_invalid_snapshot_is_refused_and_nothing_is_saved(self):
        self.snapshot["fields"]["figure_kind"] = Claim.FigureKind.RANGE
        self.snapshot["fields"]["figure_low"] = 20
        self.snapshot["fields"]["figure_high"] = 10
        with self.assertRaises(ValidationError):
            drafts.apply_snapshot(self.claim, self.snapshot)
        self.claim.refresh_from_db()
        self.assertIsNone(self.claim.figure_low)

    def test_applying_a_version_restores_the_recorded_content(self):
        edit_draft(self.claim, by=self.editor)
        version = versions_of(self.claim)[0]
        self.claim.text = "Later text."
        self.claim.save()
        self.link.delete()

        drafts.apply_snapshot(self.claim, drafts.snapshot_from_version(version))

        self.claim.refresh_from_db()
        self.assertEqual(self.claim.text, "Fighters killed 14 civilians.")
        self.assertEqual(self.claim.citation_links.get().citation_id, self.first_citation.pk)
