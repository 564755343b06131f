"""Point 2: comparing any two versions (or the published version and its pending change) shows
field-level differences, word-level differences in text, and citation links added, changed or
removed."""

import json

import reversion
from django.test import TestCase
from reversion.models import Version

from events import drafts, workflow
from events.history import snapshot_diff, word_diff
from events.models import Claim, ClaimCitation
from tests.factories import (
    ActorFactory,
    CitationFactory,
    ClaimCitationFactory,
    ClaimFactory,
    EventActorFactory,
    EventFactory,
    UserFactory,
    editor,
    published_claim,
    reviewer,
)

from .helpers import compare_url, draft_claim_with_versions, edit_draft, versions_of


class WordDiffTests(TestCase):
    def test_a_changed_figure_is_marked_as_one_word_removed_and_one_added(self):
        html = word_diff("killed 14 civilians", "killed 10 civilians")
        self.assertEqual(
            html, "<span>killed </span><del>14</del><ins>10</ins><span> civilians</span>"
        )

    def test_added_and_removed_words(self):
        self.assertEqual(word_diff("", "new text"), "<ins>new text</ins>")
        self.assertEqual(word_diff("old text", ""), "<del>old text</del>")
        self.assertEqual(word_diff("same", "same"), "<span>same</span>")

    def test_texts_are_escaped(self):
        html = word_diff("<b>14</b>", "<script>10</script>")
        self.assertNotIn("<script", html)
        self.assertNotIn("<b>", html)
        self.assertIn("<span>&lt;</span>", html)

    def test_none_counts_as_empty_text(self):
        self.assertEqual(word_diff(None, "x"), "<ins>x</ins>")


class SnapshotDiffTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.claim = ClaimFactory(text="killed 14 civilians")
        cls.first, cls.second = CitationFactory(), CitationFactory()

    def snapshot(self, **fields):
        snapshot = drafts.snapshot_of(self.claim)
        snapshot["fields"].update(fields)
        return snapshot

    def labels(self, changes):
        return [str(change["label"]) for change in changes]

    def test_unchanged_snapshots_have_no_differences(self):
        self.assertEqual(snapshot_diff(Claim, self.snapshot(), self.snapshot()), [])

    def test_changed_fields_are_listed_by_label_with_a_word_diff(self):
        changes = snapshot_diff(
            Claim,
            self.snapshot(),
            self.snapshot(
                text="killed 10 civilians",
                assessment="disputed",
                figure_kind="at_least",
                figure_low=10,
                figure_unit="civilians killed",
            ),
        )
        by_label = {str(change["label"]): str(change["diff"]) for change in changes}
        self.assertIn("<del>14</del><ins>10</ins>", by_label["claim"])
        self.assertEqual(by_label["assessment"], "<del>Not yet assessed</del><ins>Disputed</ins>")
        self.assertEqual(by_label["figure (low)"], "<ins>10</ins>")

    def test_foreign_keys_are_shown_by_name(self):
        actor = ActorFactory(name="FAMa")
        changes = snapshot_diff(Claim, self.snapshot(), self.snapshot(claimant_actor=actor.pk))
        self.assertEqual(str(changes[0]["diff"]), "<ins>FAMa</ins>")

    def test_many_to_many_choices_are_compared(self):
        other = ClaimFactory(text="Nobody was killed.")
        new = self.snapshot()
        new["m2m"]["contradicts"] = [other.pk]
        changes = snapshot_diff(Claim, self.snapshot(), new)
        self.assertEqual(self.labels(changes), ["contradicts"])
        self.assertIn("Nobody was killed.", str(changes[0]["diff"]))

    def test_citation_links_added_changed_and_removed(self):
        kept = ClaimCitationFactory(claim=self.claim, citation=self.first, quote="quatorze")
        dropped = ClaimCitationFactory(claim=self.claim, citation=self.second)
        old = drafts.snapshot_of(self.claim)
        new = drafts.snapshot_of(self.claim)
        new["inlines"]["citation_links"] = [
            {**old["inlines"]["citation_links"][0], "quote": "dix"},
            {
                "id": None,
                "citation": CitationFactory(title="Third report").pk,
                "quote": "",
                "quote_language": "",
                "translation": "",
                "locator": "",
                "stance": "disputes",
            },
        ]

        changes = {str(c["label"]): str(c["diff"]) for c in snapshot_diff(Claim, old, new)}

        self.assertEqual(
            sorted(changes),
            [
                "citation of the claim added",
                "citation of the claim changed",
                "citation of the claim removed",
            ],
        )
        self.assertIn("<del>quatorze</del><ins>dix</ins>", changes["citation of the claim changed"])
        self.assertIn("Third report", changes["citation of the claim added"])
        self.assertIn("Disputes the claim", changes["citation of the claim added"])
        self.assertIn(self.second.title, changes["citation of the claim removed"])
        self.assertTrue(kept.pk and dropped.pk)


class CompareViewTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = editor()
        cls.reviewer = reviewer()
        cls.claim = draft_claim_with_versions(
            by=cls.editor, texts=["Fighters killed 14 civilians.", "Fighters killed 10 civilians."]
        )
        cls.old, cls.new = reversed(versions_of(cls.claim))
        cls.other_claim = draft_claim_with_versions(by=cls.editor, texts=["Elsewhere."])

    def setUp(self):
        self.client.force_login(self.editor)

    def test_comparing_two_versions_shows_word_level_differences(self):
        response = self.client.get(compare_url(self.claim, self.old.pk, self.new.pk))

        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "<del>14</del><ins>10</ins>", html=False)
        self.assertEqual([str(c["label"]) for c in response.context["changes"]], ["claim"])

    def test_comparing_a_version_with_itself_shows_no_difference(self):
        response = self.client.get(compare_url(self.claim, self.new.pk, self.new.pk))
        self.assertContains(response, "The two versions have the same content.")

    def test_comparing_a_version_with_the_current_content(self):
        edit_draft(self.claim, by=self.editor, assessment=Claim.Assessment.DISPUTED)
        response = self.client.get(compare_url(self.claim, self.old.pk, "live"))

        labels = [str(c["label"]) for c in response.context["changes"]]
        self.assertEqual(labels, ["claim", "assessment"])
        self.assertContains(response, "<ins>Disputed</ins>", html=False)

    def test_comparing_versions_shows_citation_links_added_changed_and_removed(self):
        claim = ClaimFactory(last_edited_by=self.editor, text="A claim.")
        changed = ClaimCitationFactory(claim=claim, quote="quatorze morts")
        removed = ClaimCitationFactory(claim=claim)
        edit_draft(claim, by=self.editor, comment="First")
        changed.quote = "dix morts"
        changed.save()
        removed.delete()
        added = ClaimCitationFactory(claim=claim, locator="para. 4")
        edit_draft(claim, by=self.editor, comment="Second")
        first, second = reversed(versions_of(claim))

        response = self.client.get(compare_url(claim, first.pk, second.pk))

        labels = sorted(str(c["label"]) for c in response.context["changes"])
        self.assertEqual(
            labels,
            [
                "citation of the claim added",
                "citation of the claim changed",
                "citation of the claim removed",
            ],
        )
        self.assertContains(response, "<del>quatorze</del><ins>dix</ins>", html=False)
        self.assertContains(response, "para. 4")
        self.assertContains(response, "Citation of the claim removed")
        self.assertContains(response, str(removed.citation.title))
        self.assertTrue(added.pk)

    def test_comparing_the_published_version_with_its_pending_change(self):
        claim = published_claim(
            author=self.editor, approver=self.reviewer, text="Fighters killed 14 civilians."
        )
        snapshot = drafts.snapshot_of(claim)
        snapshot["fields"]["text"] = "Fighters killed 10 civilians."
        workflow.edit(claim, snapshot, by=self.editor)

        response = self.client.get(compare_url(claim, "live", "pending"))

        self.assertContains(response, "<del>14</del><ins>10</ins>", html=False)
        self.assertContains(response, "pending change")

    def test_pending_without_a_pending_change_is_not_found(self):
        response = self.client.get(compare_url(self.claim, "live", "pending"))
        self.assertEqual(response.status_code, 404)

    def test_an_unknown_version_is_not_found(self):
        response = self.client.get(compare_url(self.claim, 999999, self.new.pk))
        self.assertEqual(response.status_code, 404)

    def test_a_version_of_another_entry_is_not_found(self):
        other_version = versions_of(self.other_claim)[0]
        response = self.client.get(compare_url(self.claim, other_version.pk, "live"))
        self.assertEqual(response.status_code, 404)

    def test_a_huge_version_number_is_not_found(self):
        response = self.client.get(compare_url(self.claim, "9" * 30, "live"))
        self.assertEqual(response.status_code, 404)

    def test_bad_values_are_a_bad_request(self):
        url = compare_url(self.claim, "x", "y").split("?")[0]
        for query in (
            "?from=abc&to=live",
            f"?from={self.old.pk}&to=latest",
            "?to=live",
            "?from=&to=",
            "?from=-1&to=live",
            "?from=1.5&to=live",
            "?from=%C2%B2&to=live",
        ):
            with self.subTest(query=query):
                response = self.client.get(url + query)
                self.assertEqual(response.status_code, 400)

    def test_without_to_compares_with_the_current_content(self):
        url = compare_url(self.claim, self.old.pk, "live").replace("&to=live", "")
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "<del>14</del><ins>10</ins>", html=False)

    def test_staff_without_view_permission_cannot_compare(self):
        self.client.force_login(UserFactory(username="clerk"))
        response = self.client.get(compare_url(self.claim, self.old.pk, self.new.pk))
        self.assertEqual(response.status_code, 403)

    def test_comparing_event_versions_shows_actor_roles(self):
        event = EventFactory(last_edited_by=self.editor)
        with reversion.create_revision():
            event.save()
        role = EventActorFactory(event=event, actor=ActorFactory(name="CSP-PSD"))
        with reversion.create_revision():
            event.save()
        first, second = reversed(versions_of(event))

        response = self.client.get(compare_url(event, first.pk, second.pk))

        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Actor in the event added")
        self.assertContains(response, "CSP-PSD")
        self.assertEqual(ClaimCitation.objects.filter(claim__event=event).count(), 0)
        self.assertTrue(role.pk)


class FigureFormCompareTests(TestCase):
    """A change of a figure's form reads as its labels, also against a version stored before
    the form was recorded (migration 0019)."""

    @classmethod
    def setUpTestData(cls):
        cls.editor = editor()
        cls.claim = draft_claim_with_versions(
            by=cls.editor,
            texts=["At least ten were killed."],
            figure_kind=Claim.FigureKind.AT_LEAST,
            figure_low=10,
            figure_unit="civilians killed",
        )
        edit_draft(
            cls.claim,
            by=cls.editor,
            figure_kind=Claim.FigureKind.RANGE,
            figure_low=10,
            figure_high=12,
        )
        cls.old, cls.new = reversed(versions_of(cls.claim))

    def setUp(self):
        self.client.force_login(self.editor)

    def changes(self, old_pk, new_pk):
        response = self.client.get(compare_url(self.claim, old_pk, new_pk))
        self.assertEqual(response.status_code, 200)
        return {str(c["label"]): str(c["diff"]) for c in response.context["changes"]}

    def test_the_form_change_shows_both_labels(self):
        changes = self.changes(self.old.pk, self.new.pk)
        self.assertEqual(changes["figure form"], "<del>At least</del><ins>Range</ins>")
        self.assertEqual(changes["figure (high)"], "<ins>12</ins>")

    def test_a_version_stored_before_the_form_compares_with_the_form_its_figures_meant(self):
        stored = json.loads(self.old.serialized_data)
        del stored[0]["fields"]["figure_kind"]
        Version.objects.filter(pk=self.old.pk).update(serialized_data=json.dumps(stored))

        changes = self.changes(self.old.pk, "live")
        self.assertEqual(changes["figure form"], "<del>At least</del><ins>Range</ins>")
