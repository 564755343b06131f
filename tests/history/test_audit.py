"""Point 6: the staff audit page lists recent revisions and review steps across the site,
filterable by user, kind of entry and date, paginated; a bad filter is a form error, never a
server error."""

import datetime
import re

import reversion
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from reversion.models import Revision

from events import workflow
from events.models import Actor, Claim, Transition
from tests.factories import ActorFactory, ClaimFactory, UserFactory, editor, reviewer

AUDIT = reverse("admin:audit")


def at(day):
    return datetime.datetime.combine(day, datetime.time(12), tzinfo=datetime.UTC)


def revise(obj, *, user, comment):
    with reversion.create_revision():
        obj.save()
        reversion.set_user(user)
        reversion.set_comment(comment)
    return Revision.objects.latest("pk")


class AuditPageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = editor()
        cls.reviewer = reviewer()
        cls.claim = ClaimFactory(last_edited_by=cls.editor, text="Fighters killed 14 civilians.")
        cls.actor = ActorFactory(name="CSP-PSD")
        cls.old_revision = revise(cls.actor, user=cls.reviewer, comment="Renamed the coalition")
        Revision.objects.filter(pk=cls.old_revision.pk).update(
            date_created=at(datetime.date(2023, 11, 1))
        )
        cls.claim_revision = revise(cls.claim, user=cls.editor, comment="Created the claim")
        workflow.submit(cls.claim, by=cls.editor, comment="Please check")
        workflow.request_changes(cls.claim, by=cls.reviewer, comment="Name the hospital")
        Transition.objects.filter(comment="Please check").update(
            created_at=at(datetime.date(2023, 11, 2))
        )

    def setUp(self):
        self.client.force_login(self.editor)

    def page(self, **params):
        response = self.client.get(AUDIT, params)
        self.assertEqual(response.status_code, 200)
        return response

    def listed(self, response):
        return list(response.context["page"].object_list)

    def test_audit_lists_recent_revisions_with_user_comment_and_entries(self):
        response = self.page()

        revisions = self.listed(response)
        self.assertEqual(revisions[0], Revision.objects.latest("date_created", "pk"))
        self.assertEqual(revisions[-1], self.old_revision)
        self.assertContains(response, "Created the claim")
        self.assertContains(response, "Renamed the coalition")
        self.assertContains(response, "Actor: CSP-PSD")
        self.assertContains(response, "Claim: a local official")

    def test_audit_lists_review_steps(self):
        response = self.page(kind="transitions")

        steps = self.listed(response)
        self.assertEqual([t.comment for t in steps], ["Name the hospital", "Please check"])
        self.assertContains(response, "In review → Changes requested")

    def test_audit_filters_by_user(self):
        revisions = self.listed(self.page(user=self.reviewer.pk))
        self.assertTrue(revisions)
        self.assertEqual({r.user for r in revisions}, {self.reviewer})

        steps = self.listed(self.page(kind="transitions", user=self.editor.pk))
        self.assertEqual([t.comment for t in steps], ["Please check"])

    def test_audit_filters_by_kind_of_entry(self):
        actor_type = ContentType.objects.get_for_model(Actor)
        self.assertEqual(self.listed(self.page(model=actor_type.pk)), [self.old_revision])

        claim_type = ContentType.objects.get_for_model(Claim)
        revisions = self.listed(self.page(model=claim_type.pk))
        self.assertNotIn(self.old_revision, revisions)
        self.assertEqual(len(revisions), len(set(revisions)))
        self.assertEqual(len(revisions), 3)  # created, submitted, changes requested
        steps = self.listed(self.page(kind="transitions", model=actor_type.pk))
        self.assertEqual(steps, [])

    def test_audit_filters_by_date(self):
        response = self.page(date_from="2023-11-01", date_to="2023-11-01")
        self.assertEqual(self.listed(response), [self.old_revision])

        steps = self.listed(self.page(kind="transitions", date_to="2023-11-02"))
        self.assertEqual([t.comment for t in steps], ["Please check"])

        recent = self.listed(self.page(date_from="2024-01-01"))
        self.assertNotIn(self.old_revision, recent)
        self.assertTrue(recent)

    def test_audit_with_a_bad_filter_shows_a_form_error(self):
        claim_type = ContentType.objects.get_for_model(Claim)
        user_type = ContentType.objects.get(app_label="auth", model="user")
        for params in (
            {"user": "abc"},
            {"user": "999999"},
            {"model": "abc"},
            {"model": str(user_type.pk)},
            {"model": "99999999999999999999"},
            {"date_from": "2023-13-45"},
            {"date_from": "yesterday"},
            {"date_from": "2023-11-02", "date_to": "2023-11-01"},
            {"kind": "everything"},
            {"kind": "transitions", "user": "1 OR 1=1", "model": str(claim_type.pk)},
        ):
            with self.subTest(params=params):
                response = self.page(**params)
                self.assertFalse(response.context["form"].is_valid())
                self.assertContains(response, 'class="errorlist')

    def test_audit_with_a_bad_page_number_shows_a_page(self):
        for value in ("abc", "0", "-1", "999", "1.5"):
            with self.subTest(page=value):
                response = self.page(page=value)
                self.assertIn(self.old_revision, self.listed(response))

    def test_staff_without_the_audit_permission_cannot_see_it(self):
        self.client.force_login(UserFactory(username="clerk"))
        self.assertEqual(self.client.get(AUDIT).status_code, 403)

    def test_anonymous_user_cannot_see_the_audit(self):
        self.client.logout()
        response = self.client.get(AUDIT)
        self.assertEqual(response.status_code, 302)
        self.assertIn("/admin/login/", response["Location"])

    def test_reviewers_see_the_audit(self):
        self.client.force_login(self.reviewer)
        self.assertEqual(self.client.get(AUDIT).status_code, 200)


class AuditPaginationTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = editor()
        cls.actors = [ActorFactory() for _ in range(3)]
        for number in range(60):
            revise(cls.actors[number % 3], user=cls.editor, comment=f"Edit number {number}")

    def setUp(self):
        self.client.force_login(self.editor)

    def test_audit_is_paginated_by_fifty(self):
        first = self.client.get(AUDIT)
        second = self.client.get(AUDIT, {"page": 2})

        self.assertEqual(len(first.context["page"].object_list), 50)
        self.assertEqual(len(second.context["page"].object_list), 10)
        self.assertContains(first, "Edit number 59")
        self.assertContains(second, "Edit number 0")
        self.assertContains(first, "Page 1 of 2")

    def test_page_links_keep_the_filters(self):
        response = self.client.get(AUDIT, {"user": self.editor.pk, "kind": "revisions"})
        (older,) = re.findall(r'href="\?([^"]*page=2)"', response.content.decode())
        params = set(older.split("&amp;"))
        self.assertEqual(params, {f"user={self.editor.pk}", "kind=revisions", "page=2"})

    def test_audit_queries_do_not_grow_with_the_page_size(self):
        def queries(**params):
            self.client.get(AUDIT, params)
            with CaptureQueriesContext(connection) as captured:
                self.client.get(AUDIT, params)
            return len(captured)

        self.assertEqual(queries(page=1), queries(page=2))


class AuditLinkTests(TestCase):
    """Each row of the audit log links to the admin page of the entry it concerns."""

    @classmethod
    def setUpTestData(cls):
        cls.editor = editor()
        cls.reviewer = reviewer()
        cls.claim = ClaimFactory(last_edited_by=cls.editor, text="Fighters killed 14 civilians.")
        cls.actor = ActorFactory(name="CSP-PSD")
        revise(cls.actor, user=cls.reviewer, comment="Renamed the coalition")
        revise(cls.claim, user=cls.editor, comment="Created the claim")
        workflow.submit(cls.claim, by=cls.editor, comment="Please check")
        cls.gone = ActorFactory(name="Deleted militia")
        revise(cls.gone, user=cls.editor, comment="Added the militia")
        Actor.objects.filter(pk=cls.gone.pk).delete()

    def setUp(self):
        self.client.force_login(self.editor)

    def links(self, **params):
        content = self.client.get(AUDIT, params).content.decode()
        table = re.search(r'<table id="audit-log">(.*?)</table>', content, re.S)[1]
        return dict(re.findall(r'<a href="([^"]+)">([^<]+)</a>', table))

    def test_review_steps_link_to_their_entry(self):
        links = self.links(kind="transitions")
        claim_page = reverse("admin:events_claim_change", args=[self.claim.pk])
        self.assertIn(claim_page, links)
        self.assertTrue(links[claim_page].startswith("Claim: "))

    def test_versions_link_to_their_entry_unless_it_was_deleted(self):
        links = self.links(kind="revisions")
        self.assertIn(reverse("admin:events_claim_change", args=[self.claim.pk]), links)
        self.assertIn(reverse("admin:events_actor_change", args=[self.actor.pk]), links)
        self.assertNotIn(reverse("admin:events_actor_change", args=[self.gone.pk]), links)
        self.assertIn("Deleted militia", self.client.get(AUDIT).content.decode())
