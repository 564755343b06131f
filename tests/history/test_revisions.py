"""Point 1: every change records exactly one revision, with its user, its comment and the rows
that belong to the entry (a claim's citation links, an event's actor roles)."""

import io
import json
import tempfile
from pathlib import Path

from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.test import TestCase, override_settings
from reversion.models import Revision, Version

from events import drafts, workflow
from events.models import (
    Actor,
    Claim,
    ClaimCitation,
    Event,
    EventActor,
    Place,
    Status,
)
from sources.importing import REVISION_COMMENT, apply_import
from sources.models import Citation, Source
from tests.admin_forms import admin_form_data
from tests.factories import (
    ActorFactory,
    CitationFactory,
    ClaimCitationFactory,
    ClaimFactory,
    EventActorFactory,
    EventFactory,
    editor,
    published_claim,
    reviewer,
)

from .helpers import (
    admin_url,
    draft_claim_with_versions,
    form_errors,
    model_url,
    versions_of,
)


def models_in(revision):
    return sorted(
        version.content_type.model_class()._meta.model_name
        for version in revision.version_set.select_related("content_type")
    )


def version_ids(revision, model):
    ct = ContentType.objects.get_for_model(model)
    return sorted(int(v.object_id) for v in revision.version_set.filter(content_type=ct))


class AdminSaveTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = editor()
        cls.event = EventFactory()
        cls.citation = CitationFactory()
        cls.other_citation = CitationFactory()

    def setUp(self):
        self.client.force_login(self.editor)

    def test_adding_a_claim_in_the_admin_records_one_revision_with_its_citation_link(self):
        response = self.client.get(model_url(Claim, "add"))
        data = admin_form_data(
            response,
            event=str(self.event.pk),
            text="Medical sources said 14 civilians were killed.",
            kind=Claim.Kind.CASUALTIES,
            claimant_label="medical sources",
            figure_kind=Claim.FigureKind.AT_LEAST,
            figure_low="14",
            figure_unit="civilians killed",
            **{"citation_links-0-citation": str(self.citation.pk), "citation_links-0-quote": "14"},
        )
        before = Revision.objects.count()

        response = self.client.post(model_url(Claim, "add"), data)

        self.assertEqual(response.status_code, 302, form_errors(response))
        self.assertEqual(Revision.objects.count(), before + 1)
        claim = Claim.objects.get(text__startswith="Medical sources")
        revision = Revision.objects.latest("pk")
        self.assertEqual(revision.user, self.editor)
        self.assertTrue(revision.get_comment().strip())
        self.assertEqual(models_in(revision), ["claim", "claimcitation"])
        self.assertEqual(
            version_ids(revision, ClaimCitation),
            list(claim.citation_links.values_list("pk", flat=True)),
        )

    def test_changing_a_draft_and_its_inlines_in_the_admin_records_one_revision(self):
        claim = draft_claim_with_versions(by=self.editor, texts=["Ten killed."])
        link = claim.citation_links.get()
        response = self.client.get(admin_url(claim, "change"))
        data = admin_form_data(
            response,
            text="Twelve killed.",
            **{
                "citation_links-0-quote": "douze morts",
                "citation_links-1-citation": str(self.other_citation.pk),
                "citation_links-1-stance": "disputes",
            },
        )
        before = Revision.objects.count()

        response = self.client.post(admin_url(claim, "change"), data)

        self.assertEqual(response.status_code, 302)
        self.assertEqual(Revision.objects.count(), before + 1)
        revision = Revision.objects.latest("pk")
        self.assertEqual(revision.user, self.editor)
        self.assertIn("Changed", revision.get_comment())
        snapshot = drafts.snapshot_from_version(versions_of(claim)[0])
        self.assertEqual(snapshot["fields"]["text"], "Twelve killed.")
        rows = snapshot["inlines"]["citation_links"]
        self.assertEqual(
            [row["citation"] for row in rows], [link.citation_id, self.other_citation.pk]
        )
        self.assertEqual(rows[0]["quote"], "douze morts")
        self.assertEqual(rows[1]["stance"], "disputes")

    def test_removing_a_citation_link_in_the_admin_records_a_revision_without_it(self):
        claim = draft_claim_with_versions(by=self.editor, texts=["Ten killed."])
        kept = ClaimCitationFactory(claim=claim, citation=self.other_citation)
        response = self.client.get(admin_url(claim, "change"))
        data = admin_form_data(response, **{"citation_links-0-DELETE": "on"})
        before = Revision.objects.count()

        response = self.client.post(admin_url(claim, "change"), data)

        self.assertEqual(response.status_code, 302)
        self.assertEqual(Revision.objects.count(), before + 1)
        self.assertEqual(list(claim.citation_links.all()), [kept])
        revision = Revision.objects.latest("pk")
        self.assertEqual(version_ids(revision, ClaimCitation), [kept.pk])
        snapshot = drafts.snapshot_from_version(versions_of(claim)[0])
        self.assertEqual([row["id"] for row in snapshot["inlines"]["citation_links"]], [kept.pk])

    def test_changing_an_events_actor_roles_records_them_in_the_events_revision(self):
        event = EventFactory(last_edited_by=self.editor)
        role = EventActorFactory(event=event, role=EventActor.Role.ATTACKER)
        response = self.client.get(admin_url(event, "change"))
        data = admin_form_data(response, **{"actor_roles-0-role": EventActor.Role.DEFENDER})
        before = Revision.objects.count()

        response = self.client.post(admin_url(event, "change"), data)

        self.assertEqual(response.status_code, 302)
        self.assertEqual(Revision.objects.count(), before + 1)
        revision = Revision.objects.latest("pk")
        self.assertEqual(revision.user, self.editor)
        self.assertEqual(models_in(revision), ["event", "eventactor"])
        snapshot = drafts.snapshot_from_version(versions_of(event)[0])
        self.assertEqual(
            snapshot["inlines"]["actor_roles"],
            [{"id": role.pk, "actor": role.actor_id, "role": EventActor.Role.DEFENDER}],
        )


class WorkflowRevisionTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = editor()
        cls.reviewer = reviewer()
        cls.second_reviewer = reviewer("reviewer2")

    def assert_one_revision(self, step, *, user, comment_contains):
        before = Revision.objects.count()
        step()
        self.assertEqual(Revision.objects.count(), before + 1)
        revision = Revision.objects.latest("pk")
        self.assertEqual(revision.user, user)
        self.assertIn(comment_contains, revision.get_comment())
        return revision

    def test_each_transition_records_one_revision_with_its_user_and_comment(self):
        claim = ClaimFactory(last_edited_by=self.editor)
        ClaimCitationFactory(claim=claim)
        self.assert_one_revision(
            lambda: workflow.submit(claim, by=self.editor),
            user=self.editor,
            comment_contains="Submit",
        )
        revision = self.assert_one_revision(
            lambda: workflow.request_changes(claim, by=self.reviewer, comment="Name the outlet."),
            user=self.reviewer,
            comment_contains="Name the outlet.",
        )
        self.assertEqual(models_in(revision), ["claim", "claimcitation"])
        self.assert_one_revision(
            lambda: workflow.submit(claim, by=self.editor, comment="Outlet named."),
            user=self.editor,
            comment_contains="Outlet named.",
        )
        self.assert_one_revision(
            lambda: workflow.approve(claim, by=self.reviewer, comment="Checked."),
            user=self.reviewer,
            comment_contains="Checked.",
        )
        self.assert_one_revision(
            lambda: workflow.withdraw(claim, by=self.reviewer, comment="Outlet retracted."),
            user=self.reviewer,
            comment_contains="Outlet retracted.",
        )

    def test_approving_a_pending_change_records_the_new_content_and_links(self):
        claim = published_claim(author=self.editor, approver=self.reviewer, text="Ten killed.")
        old_link = claim.citation_links.get()
        new_citation = CitationFactory()
        snapshot = drafts.snapshot_of(claim)
        snapshot["fields"]["text"] = "Twelve killed."
        snapshot["inlines"]["citation_links"] = [
            {
                "id": None,
                "citation": new_citation.pk,
                "quote": "",
                "quote_language": "",
                "translation": "",
                "locator": "p. 2",
                "stance": "supports",
            }
        ]
        workflow.edit(claim, snapshot, by=self.editor)
        workflow.submit(claim, by=self.editor)

        revision = self.assert_one_revision(
            lambda: workflow.approve(claim, by=self.second_reviewer),
            user=self.second_reviewer,
            comment_contains="Approve",
        )

        recorded = drafts.snapshot_from_version(
            revision.version_set.get(content_type=ContentType.objects.get_for_model(Claim))
        )
        self.assertEqual(recorded["fields"]["text"], "Twelve killed.")
        links = recorded["inlines"]["citation_links"]
        self.assertEqual([row["citation"] for row in links], [new_citation.pk])
        self.assertNotIn(old_link.pk, version_ids(revision, ClaimCitation))

    def test_bulk_submit_in_the_admin_records_one_revision_per_entry(self):
        claims = [ClaimFactory(last_edited_by=self.editor) for _ in range(3)]
        self.client.force_login(self.editor)
        before = Revision.objects.count()

        self.client.post(
            model_url(Claim, "changelist"),
            {"action": "submit_selected", "_selected_action": [str(c.pk) for c in claims]},
        )

        self.assertEqual(Claim.objects.filter(status=Status.IN_REVIEW).count(), 3)
        self.assertEqual(Revision.objects.count(), before + 3)
        for claim in claims:
            (latest, *_rest) = versions_of(claim)
            self.assertEqual(latest.revision.user, self.editor)


DEMO = {
    "actors": [
        {
            "slug": "fama",
            "name": "FAMa",
            "kind": "state_force",
            "aliases": ["Malian army"],
            "description": "",
            "parent": None,
        },
        {
            "slug": "csp",
            "name": "CSP-PSD",
            "kind": "coalition",
            "aliases": [],
            "description": "",
            "parent": None,
        },
        {
            "slug": "mnla",
            "name": "MNLA",
            "kind": "armed_group",
            "aliases": [],
            "description": "",
            "parent": "csp",
        },
    ],
    "places": [
        {
            "slug": "kidal",
            "name": "Kidal",
            "alternative_names": [],
            "region": "Kidal",
            "latitude": 18.44,
            "longitude": 1.41,
            "coordinate_precision": "town",
        },
    ],
    "sources": [
        {
            "slug": "rfi",
            "name": "RFI",
            "kind": "news_outlet",
            "country": "FR",
            "language": "fr",
            "is_party": False,
            "aliases": [],
            "website": "rfi.fr",
            "actor": None,
        },
    ],
    "citations": [
        {
            "key": "rfi-1",
            "source": "rfi",
            "title": "Kidal retaken",
            "published_on": "2023-11-14",
            "kind": "article",
            "url": "https://rfi.fr/kidal",
            "author": "",
            "accessed_on": None,
            "language": "fr",
            "archive_url": "",
            "archived_on": None,
        },
    ],
    "events": [
        {
            "slug": "battle-of-kidal",
            "title": "Battle of Kidal",
            "summary": "The army took Kidal.",
            "start_date": "2023-11-14",
            "date_precision": "day",
            "end_date": None,
            "place": "kidal",
            "event_type": "battle",
            "parent": None,
            "actors": [{"actor": "fama", "role": "attacker"}, {"actor": "csp", "role": "defender"}],
        },
    ],
    "claims": [
        {
            "key": "c1",
            "event": "battle-of-kidal",
            "text": "The army entered Kidal.",
            "claimant_actor": "fama",
            "claimant_label": "",
            "kind": "territorial_control",
            "figure_kind": "",
            "figure_low": None,
            "figure_high": None,
            "figure_unit": "",
            "assessment": "confirmed",
            "assessment_note": "",
            "citations": [
                {
                    "citation": "rfi-1",
                    "quote": "",
                    "quote_language": "",
                    "translation": "",
                    "locator": "",
                    "stance": "supports",
                }
            ],
        },
        {
            "key": "c2",
            "event": "battle-of-kidal",
            "text": "Rebels left without a fight.",
            "claimant_actor": None,
            "claimant_label": "local sources",
            "kind": "other",
            "figure_kind": "",
            "figure_low": None,
            "figure_high": None,
            "figure_unit": "",
            "assessment": "unverified",
            "assessment_note": "",
            "status": "draft",
            "citations": [
                {
                    "citation": "rfi-1",
                    "quote": "",
                    "quote_language": "",
                    "translation": "",
                    "locator": "",
                    "stance": "supports",
                }
            ],
        },
    ],
}


@override_settings(DEBUG=True)
class DemoLoadRevisionTests(TestCase):
    """The demo loader (events/management/commands/load_demo.py) on a small dataset."""

    def setUp(self):
        directory = tempfile.TemporaryDirectory()
        self.addCleanup(directory.cleanup)
        self.path = Path(directory.name) / "demo.json"
        self.path.write_text(json.dumps(DEMO), encoding="utf-8")

    def load(self):
        call_command("load_demo", file=str(self.path), stdout=io.StringIO())

    def test_each_loaded_entry_is_created_in_one_revision_with_its_rows(self):
        self.load()
        claim = Claim.objects.get(text="The army entered Kidal.")
        created = versions_of(claim)[-1].revision
        self.assertEqual(created.user.username, "editor")
        self.assertEqual(created.get_comment(), "Loaded from the demo dataset")
        self.assertEqual(models_in(created), ["claim", "claimcitation"])
        event = Event.objects.get(slug="battle-of-kidal")
        created = versions_of(event)[-1].revision
        self.assertEqual(created.get_comment(), "Loaded from the demo dataset")
        self.assertEqual(models_in(created), ["event", "eventactor", "eventactor"])
        draft = Claim.objects.get(text="Rebels left without a fight.")
        self.assertEqual(len(versions_of(draft)), 1)

    def test_review_steps_of_the_demo_load_each_record_one_revision(self):
        self.load()
        claim = Claim.objects.get(text="The army entered Kidal.")
        comments = [v.revision.get_comment() for v in reversed(versions_of(claim))]
        self.assertEqual(comments, ["Loaded from the demo dataset", "Submit for review", "Approve"])

    def test_every_loaded_entry_has_a_version_with_user_and_comment(self):
        # Actors, places and sources are versioned models too (events/versioning.py).
        self.load()
        for model in (Actor, Place, Source, Citation, Event, Claim):
            for obj in model.objects.all():
                with self.subTest(model=model.__name__, entry=str(obj)):
                    versions = versions_of(obj)
                    self.assertTrue(versions, f"{obj} was loaded without any revision")
                    self.assertEqual(versions[-1].revision.user.username, "editor")
                    self.assertTrue(versions[-1].revision.get_comment())

    def test_loading_the_demo_twice_records_no_new_revision(self):
        self.load()
        before = Revision.objects.count()
        self.load()
        self.assertEqual(Revision.objects.count(), before)


REFERENCES = "\n".join(
    [
        "  1. Web site: Observing the 2015 Mali Peace Agreement . 2024-05-27 . "
        "The Carter Center . en-US.",
        "  2. Web site: 2021-05-27 . Mali, a Coup within a Coup Crisis Group . 2024-05-27 . "
        "www.crisisgroup.org . en.",
    ]
)


class ImportRevisionTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = editor()

    def test_each_imported_source_and_citation_is_created_in_one_revision(self):
        before_revisions = set(Revision.objects.values_list("pk", flat=True))

        result = apply_import(REFERENCES, by=self.editor)

        new = Revision.objects.exclude(pk__in=before_revisions)
        created = result.sources_created + result.citations_created
        self.assertGreater(result.citations_created, 0)
        self.assertEqual(new.count(), created)
        for revision in new:
            self.assertEqual(revision.user, self.editor)
            self.assertEqual(revision.get_comment(), REVISION_COMMENT)
            self.assertEqual(revision.version_set.count(), 1)
        for citation in Citation.objects.all():
            self.assertEqual(len(versions_of(citation)), 1)
        for source in Source.objects.all():
            self.assertEqual(len(versions_of(source)), 1)


class FollowedRowsTests(TestCase):
    """A claim's revision holds its citation links; an event's revision its actor roles."""

    @classmethod
    def setUpTestData(cls):
        cls.editor = editor()
        cls.reviewer = reviewer()

    def test_a_claims_revision_holds_all_its_citation_links(self):
        claim = ClaimFactory(last_edited_by=self.editor)
        links = [ClaimCitationFactory(claim=claim) for _ in range(2)]
        workflow.submit(claim, by=self.editor)
        revision = versions_of(claim)[0].revision
        self.assertEqual(version_ids(revision, ClaimCitation), [link.pk for link in links])

    def test_an_events_revision_holds_its_actor_roles(self):
        event = EventFactory(last_edited_by=self.editor)
        roles = [EventActorFactory(event=event, actor=ActorFactory()) for _ in range(2)]
        workflow.submit(event, by=self.editor)
        revision = versions_of(event)[0].revision
        self.assertEqual(version_ids(revision, EventActor), [role.pk for role in roles])
        self.assertFalse(revision.version_set.filter(content_type__model="claim").exists())

    def test_versions_leave_workflow_bookkeeping_out(self):
        claim = ClaimFactory(last_edited_by=self.editor)
        workflow.submit(claim, by=self.editor)
        stored = json.loads(versions_of(claim)[0].serialized_data)[0]["fields"]
        for name in ("status", "is_live", "pending_change", "last_edited_by"):
            self.assertNotIn(name, stored)
        self.assertIn("text", stored)
        self.assertTrue(Version.objects.get_for_object(claim).exists())
