"""The editorial desk in the admin, used by editors and reviewers through the test client."""

import pytest
import reversion
from django.contrib.auth.models import Group
from django.contrib.messages import get_messages
from reversion.models import Revision, Version

from events import drafts, workflow
from events.models import Claim, ClaimCitation, Event, Status
from tests.admin_forms import admin_form_data
from tests.factories import (
    CitationFactory,
    ClaimCitationFactory,
    ClaimFactory,
    EventFactory,
    publish,
    published_claim,
)

from .helpers import (
    claim_in,
    counts,
    draft_claim,
    pending_edit,
    transitions_of,
)

pytestmark = pytest.mark.django_db

OLD_TEXT = "Medical sources told RFI at least ten civilians were killed."
NEW_TEXT = "Medical sources told RFI at least ten civilians, including children, were killed."


def change_url(obj):
    return f"/admin/{obj._meta.app_label}/{obj._meta.model_name}/{obj.pk}/change/"


def transition_url(obj):
    return f"/admin/{obj._meta.app_label}/{obj._meta.model_name}/{obj.pk}/transition/"


def decide(client, obj, **data):
    """POST a review decision as the change page's review form does, carrying the token of
    the content the page showed."""
    current = type(obj)._default_manager.get(pk=obj.pk)
    return client.post(transition_url(obj), {"seen": drafts.content_token(current), **data})


def messages_of(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def action_buttons(response):
    return [action.name for action in response.context["review_actions"]]


def edit(client, obj, **changes):
    """Open the change form and save it with ``changes``, as a person at the desk would."""
    form = client.get(change_url(obj))
    assert form.status_code == 200
    return client.post(change_url(obj), admin_form_data(form, **changes))


@pytest.fixture
def live_claim(editor, other_reviewer):
    return published_claim(author=editor, approver=other_reviewer, text=OLD_TEXT)


# Groups


def test_editorial_groups_exist_and_only_reviewers_may_approve():
    editors = set(Group.objects.get(name="Editors").permissions.values_list("codename", flat=True))
    reviewers = set(
        Group.objects.get(name="Reviewers").permissions.values_list("codename", flat=True)
    )
    approve = {"approve_event", "approve_claim", "approve_citation"}
    assert approve <= reviewers
    assert not editors & approve
    assert not {codename for codename in editors if codename.startswith("approve_")}
    assert {"add_claim", "change_claim", "delete_claim", "change_citation", "view_transition"} <= (
        editors
    )
    assert editors <= reviewers


# Editing what is not published


def test_editor_edit_of_a_draft_claim_saves_it_as_one_revision_with_its_citation_links(
    client, editor
):
    claim = draft_claim(author=editor, text=OLD_TEXT)
    link = claim.citation_links.get()
    client.force_login(editor)
    revisions_before = Revision.objects.count()

    response = edit(client, claim, text=NEW_TEXT, **{"citation_links-0-locator": "para. 3"})

    assert response.status_code == 302
    claim.refresh_from_db()
    assert (claim.text, claim.status, claim.is_live, claim.last_edited_by) == (
        NEW_TEXT,
        Status.DRAFT,
        False,
        editor,
    )
    assert Revision.objects.count() == revisions_before + 1
    revision = Revision.objects.latest("pk")
    assert revision.user == editor
    claim_versions = revision.version_set.filter(content_type__model="claim")
    assert [version.object_id for version in claim_versions] == [str(claim.pk)]
    assert claim_versions.get().field_dict["text"] == NEW_TEXT
    link_versions = revision.version_set.filter(content_type__model="claimcitation")
    assert [version.object_id for version in link_versions] == [str(link.pk)]
    assert link_versions.get().field_dict["locator"] == "para. 3"


def test_reverting_an_admin_edit_restores_the_text_and_the_citation_links(client, editor):
    first_citation, second_citation = CitationFactory(), CitationFactory()
    with reversion.create_revision():
        claim = ClaimFactory(text=OLD_TEXT, last_edited_by=editor)
        ClaimCitationFactory(claim=claim, citation=first_citation, quote="au moins dix civils")
    client.force_login(editor)

    response = edit(
        client,
        claim,
        text=NEW_TEXT,
        **{
            "citation_links-0-DELETE": "on",
            "citation_links-1-citation": str(second_citation.pk),
            "citation_links-1-quote": "quatorze civils",
        },
    )
    assert response.status_code == 302
    assert list(claim.citations.all()) == [second_citation]
    revision = Revision.objects.latest("pk")
    linked = {
        ClaimCitation.objects.get(pk=version.object_id).citation
        for version in revision.version_set.filter(content_type__model="claimcitation")
    }
    assert linked == {second_citation}

    newest, earlier = Version.objects.get_for_object(claim)[:2]
    assert newest.revision == revision
    workflow.restore(claim, drafts.snapshot_from_version(earlier), by=editor)

    claim.refresh_from_db()
    assert claim.text == OLD_TEXT
    assert [(link.citation, link.quote) for link in claim.citation_links.all()] == [
        (first_citation, "au moins dix civils")
    ]


def test_reverting_with_apply_snapshot_restores_the_earlier_version(client, editor):
    with reversion.create_revision():
        claim = draft_claim(author=editor, text=OLD_TEXT)
    client.force_login(editor)
    edit(client, claim, text=NEW_TEXT)
    earlier = Version.objects.get_for_object(claim)[1]
    drafts.apply_snapshot(claim, drafts.snapshot_from_version(earlier))
    assert Claim.objects.get(pk=claim.pk).text == OLD_TEXT


def test_editing_a_withdrawn_claim_makes_it_a_draft_and_logs_the_step(
    client, editor, other_reviewer
):
    claim = claim_in(Status.WITHDRAWN, author=editor, approver=other_reviewer)
    client.force_login(editor)
    assert edit(client, claim, text=NEW_TEXT).status_code == 302
    claim.refresh_from_db()
    assert (claim.status, claim.is_live, claim.text) == (Status.DRAFT, False, NEW_TEXT)
    logged = transitions_of(claim).first()
    assert (logged.from_status, logged.to_status, logged.user) == (
        Status.WITHDRAWN,
        Status.DRAFT,
        editor,
    )


# Editing what is published: draft over live


def test_editor_edit_of_a_live_claim_is_kept_as_a_pending_change(client, editor, live_claim):
    client.force_login(editor)
    response = edit(client, live_claim, text=NEW_TEXT)
    assert response.status_code == 302
    row = Claim.objects.get(pk=live_claim.pk)
    assert row.text == OLD_TEXT
    assert Claim.objects.public().get(pk=live_claim.pk).text == OLD_TEXT
    assert row.pending_change["fields"]["text"] == NEW_TEXT
    assert (row.status, row.is_live, row.last_edited_by) == (Status.DRAFT, True, editor)
    assert any("pending change" in message for message in messages_of(response))

    page = client.get(change_url(live_claim))
    assert "Pending change" in page.content.decode()
    assert "including children" in page.content.decode()  # the diff of the pending edit


def test_change_form_of_a_live_claim_holds_the_pending_change(client, editor, live_claim):
    pending_edit(live_claim, by=editor, text=NEW_TEXT)
    client.force_login(editor)
    page = client.get(change_url(live_claim))
    assert page.context["adminform"].form["text"].value() == NEW_TEXT


def test_second_edit_of_a_live_claim_keeps_the_first_pending_edit(
    client, editor, other_editor, live_claim
):
    pending_edit(live_claim, by=editor, text=NEW_TEXT)
    client.force_login(other_editor)
    edit(client, live_claim, assessment=Claim.Assessment.LIKELY)
    pending = Claim.objects.get(pk=live_claim.pk).pending_change["fields"]
    assert (pending["text"], pending["assessment"]) == (NEW_TEXT, Claim.Assessment.LIKELY)


def test_inline_edit_of_a_live_claim_keeps_the_links_added_by_the_pending_change(
    client, editor, other_editor, reviewer, live_claim
):
    added = CitationFactory()
    publish(added, author=editor, approver=reviewer)
    snapshot = drafts.snapshot_of(live_claim)
    snapshot["inlines"]["citation_links"].append(
        {
            "id": None,
            "citation": added.pk,
            "quote": "",
            "quote_language": "",
            "translation": "",
            "locator": "",
            "stance": "supports",
        }
    )
    workflow.edit(live_claim, snapshot, by=editor)
    client.force_login(other_editor)
    edit(client, live_claim, **{"citation_links-0-locator": "para. 5"})
    pending_links = Claim.objects.get(pk=live_claim.pk).pending_change["inlines"]["citation_links"]
    assert {link["citation"] for link in pending_links} == {
        live_claim.citations.get().pk,
        added.pk,
    }
    assert "para. 5" in {link["locator"] for link in pending_links}


# Transition buttons and the transition URL


def test_change_form_offers_an_editor_submit_but_not_approve(client, editor):
    claim = draft_claim(author=editor)
    client.force_login(editor)
    page = client.get(change_url(claim))
    assert action_buttons(page) == ["submit"]
    html = page.content.decode()
    assert "Submit for review" in html
    assert 'value="approve"' not in html


def test_change_form_offers_no_decision_to_an_editor_on_an_entry_in_review(
    client, editor, other_editor
):
    claim = claim_in(Status.IN_REVIEW, author=other_editor, approver=None)
    client.force_login(editor)
    page = client.get(change_url(claim))
    assert action_buttons(page) == []
    html = page.content.decode()
    for action in ("approve", "request_changes", "withdraw"):
        assert f'value="{action}"' not in html


def test_change_form_offers_a_reviewer_approve_request_changes_and_withdraw(
    client, editor, reviewer, live_claim
):
    pending_edit(live_claim, by=editor, text=NEW_TEXT)
    workflow.submit(live_claim, by=editor)
    client.force_login(reviewer)
    page = client.get(change_url(live_claim))
    assert action_buttons(page) == ["approve", "request_changes", "withdraw"]
    html = page.content.decode()
    for label in ("Approve", "Request changes"):
        assert f">{label}</button>" in html
    assert 'class="button risky-button">Withdraw…</button>' in html


def test_change_form_tells_the_reviewer_who_edited_last_why_they_cannot_approve(client, reviewer):
    claim = claim_in(Status.IN_REVIEW, author=reviewer, approver=None)
    client.force_login(reviewer)
    page = client.get(change_url(claim))
    assert "approve" not in action_buttons(page)
    assert "another reviewer must approve" in page.content.decode()


def test_forged_approve_by_an_editor_is_refused_and_changes_nothing(client, editor, other_editor):
    claim = claim_in(Status.IN_REVIEW, author=other_editor, approver=None)
    before = counts()
    client.force_login(editor)
    response = decide(client, claim, **{"action": "approve"})
    assert response.status_code == 302
    claim.refresh_from_db()
    assert (claim.status, claim.is_live) == (Status.IN_REVIEW, False)
    assert counts() == before
    assert any("permission" in message for message in messages_of(response))


def test_reviewer_approves_through_the_transition_url(client, editor, reviewer):
    claim = claim_in(Status.IN_REVIEW, author=editor, approver=None)
    client.force_login(reviewer)
    response = decide(client, claim, **{"action": "approve", "comment": "Sourced."})
    assert response.status_code == 302
    assert response["Location"] == change_url(claim)
    claim.refresh_from_db()
    assert (claim.status, claim.is_live) == (Status.APPROVED, True)
    logged = transitions_of(claim).first()
    assert (logged.user, logged.comment) == (reviewer, "Sourced.")


def test_reviewer_approval_of_a_pending_change_sets_the_correction_note(
    client, editor, reviewer, live_claim
):
    pending_edit(live_claim, by=editor, text=NEW_TEXT)
    client.force_login(editor)
    decide(client, live_claim, **{"action": "submit"})
    client.force_login(reviewer)
    decide(
        client,
        live_claim,
        **{"action": "approve", "correction_note": "Children were among the dead."},
    )
    live_claim.refresh_from_db()
    assert Claim.objects.public().get(pk=live_claim.pk).text == NEW_TEXT
    assert live_claim.correction_note == "Children were among the dead."


def test_request_changes_through_the_url_needs_a_comment(client, editor, reviewer):
    claim = claim_in(Status.IN_REVIEW, author=editor, approver=None)
    client.force_login(reviewer)
    response = decide(client, claim, **{"action": "request_changes", "comment": " "})
    assert any("needs a comment" in message for message in messages_of(response))
    assert Claim.objects.get(pk=claim.pk).status == Status.IN_REVIEW


def test_transition_url_refuses_get_and_unknown_actions(client, editor, reviewer):
    claim = claim_in(Status.IN_REVIEW, author=editor, approver=None)
    client.force_login(reviewer)
    assert client.get(transition_url(claim)).status_code == 405
    response = decide(client, claim, **{"action": "delete"})
    assert any("Select a valid choice" in message for message in messages_of(response))
    assert Claim.objects.get(pk=claim.pk).status == Status.IN_REVIEW


def test_anonymous_visitor_cannot_use_the_transition_url(client, editor):
    claim = claim_in(Status.IN_REVIEW, author=editor, approver=None)
    response = decide(client, claim, **{"action": "approve"})
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
    assert Claim.objects.get(pk=claim.pk).status == Status.IN_REVIEW


def test_editor_discards_a_pending_change_through_the_url(client, editor, live_claim):
    pending_edit(live_claim, by=editor, text=NEW_TEXT)
    client.force_login(editor)
    decide(client, live_claim, **{"action": "discard", "confirmed": "on"})
    row = Claim.objects.get(pk=live_claim.pk)
    assert (row.pending_change, row.status, row.text) == (None, Status.APPROVED, OLD_TEXT)


def test_approving_a_pending_change_that_no_longer_validates_is_refused_with_a_message(
    client, editor, reviewer
):
    event = EventFactory(slug="drone-strike-on-kidal")
    published_claim(author=editor, approver=reviewer, event=event)
    event.refresh_from_db()
    snapshot = drafts.snapshot_of(event)
    snapshot["fields"]["slug"] = "battle-of-kidal"
    workflow.edit(event, snapshot, by=editor)
    workflow.submit(event, by=editor)
    EventFactory(slug="battle-of-kidal")  # meanwhile, another event takes the address
    before = counts()

    client.force_login(reviewer)
    response = decide(client, event, **{"action": "approve"})

    assert response.status_code == 302
    assert messages_of(response)
    row = Event.objects.get(pk=event.pk)
    assert (row.slug, row.status) == ("drone-strike-on-kidal", Status.IN_REVIEW)
    assert counts() == before


# Review queue


def test_review_queue_lists_entries_in_review_but_not_the_reviewers_own(client, editor, reviewer):
    others = claim_in(Status.IN_REVIEW, author=editor, approver=None)
    own = claim_in(Status.IN_REVIEW, author=reviewer, approver=None)
    draft = draft_claim(author=editor)
    client.force_login(reviewer)
    response = client.get("/admin/review-queue/")
    assert response.status_code == 200
    listed = {row["entry"] for section in response.context["sections"] for row in section["rows"]}
    assert others in listed
    assert own not in listed
    assert draft not in listed
    assert change_url(others) in response.content.decode()


def test_review_queue_lists_events_and_citations_too(client, editor, reviewer):
    event, citation = EventFactory(last_edited_by=editor), CitationFactory(last_edited_by=editor)
    workflow.submit(event, by=editor)
    workflow.submit(citation, by=editor)
    client.force_login(reviewer)
    response = client.get("/admin/review-queue/")
    listed = {row["entry"] for section in response.context["sections"] for row in section["rows"]}
    assert {event, citation} <= listed


def test_review_queue_requires_login(client):
    response = client.get("/admin/review-queue/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


# Bulk actions


def test_bulk_approve_approves_others_changes_and_refuses_own(client, editor, reviewer):
    others = claim_in(Status.IN_REVIEW, author=editor, approver=None)
    own = claim_in(Status.IN_REVIEW, author=reviewer, approver=None)
    client.force_login(reviewer)
    selected = {"action": "approve_selected", "_selected_action": [others.pk, own.pk]}
    confirmation = client.post("/admin/events/claim/", selected)
    assert confirmation.status_code == 200
    assert [row["entry"] for row in confirmation.context["approvable"]] == [others]
    seen = {
        f"seen-{row['entry'].pk}": row["entry"].content_token
        for row in confirmation.context["rows"]
        if row["refusal"] is None
    }
    response = client.post("/admin/events/claim/", {**selected, "confirm": "yes", **seen})
    assert response.status_code == 302
    assert Claim.objects.get(pk=others.pk).status == Status.APPROVED
    assert Claim.objects.get(pk=own.pk).status == Status.IN_REVIEW
    messages = messages_of(response)
    assert any("1 entries" in message for message in messages)
    assert any("another reviewer must approve" in message for message in messages)


def test_bulk_approve_is_not_available_to_editors(client, editor, other_editor):
    claim = claim_in(Status.IN_REVIEW, author=other_editor, approver=None)
    client.force_login(editor)
    changelist = client.get("/admin/events/claim/")
    assert "approve_selected" not in changelist.content.decode()
    client.post(
        "/admin/events/claim/", {"action": "approve_selected", "_selected_action": [claim.pk]}
    )
    assert Claim.objects.get(pk=claim.pk).status == Status.IN_REVIEW


def test_bulk_submit_by_an_editor_submits_drafts_and_reports_the_rest(client, editor, live_claim):
    draft = draft_claim(author=editor)
    client.force_login(editor)
    response = client.post(
        "/admin/events/claim/",
        {"action": "submit_selected", "_selected_action": [draft.pk, live_claim.pk]},
    )
    assert Claim.objects.get(pk=draft.pk).status == Status.IN_REVIEW
    assert Claim.objects.get(pk=live_claim.pk).status == Status.APPROVED
    assert any("cannot be sent" in message for message in messages_of(response))


# Edit conflicts


def test_stale_form_is_refused_and_the_other_edit_is_kept(client, editor, other_editor):
    claim = draft_claim(author=editor, text=OLD_TEXT)
    client.force_login(editor)
    stale_form = client.get(change_url(claim))
    stale_data = admin_form_data(stale_form, text="Editor A's wording.")

    client.force_login(other_editor)
    assert edit(client, claim, text="Editor B's wording.").status_code == 302

    client.force_login(editor)
    response = client.post(change_url(claim), stale_data)
    assert response.status_code == 200
    assert "changed this entry after you opened it" in response.content.decode()
    assert response.context["adminform"].form.non_field_errors()
    assert Claim.objects.get(pk=claim.pk).text == "Editor B's wording."


def test_stale_form_of_a_live_claim_keeps_the_other_pending_change(
    client, editor, other_editor, live_claim
):
    client.force_login(editor)
    stale_data = admin_form_data(client.get(change_url(live_claim)), text="Editor A's wording.")
    pending_edit(live_claim, by=other_editor, text="Editor B's wording.")
    client.force_login(editor)
    response = client.post(change_url(live_claim), stale_data)
    assert response.status_code == 200
    assert "changed this entry after you opened it" in response.content.decode()
    row = Claim.objects.get(pk=live_claim.pk)
    assert row.pending_change["fields"]["text"] == "Editor B's wording."
    assert row.text == OLD_TEXT
    # The refusal links to a comparison of the version A opened with the current one.
    compare = client.get(response.context["conflict_compare_url"])
    assert compare.status_code == 200
    assert "<del>Medical</del><ins>Editor</ins>" in compare.content.decode()
    assert "<ins>wording</ins>" in compare.content.decode()


def test_stale_form_without_a_logged_version_links_to_the_history(client, editor, other_editor):
    claim = draft_claim(author=editor, text=OLD_TEXT)
    client.force_login(editor)
    stale_data = admin_form_data(client.get(change_url(claim)), text="Editor A's wording.")
    client.force_login(other_editor)
    edit(client, claim, text="Editor B's wording.")
    client.force_login(editor)
    response = client.post(change_url(claim), stale_data)
    assert response.context["conflict_compare_url"].endswith(f"/{claim.pk}/history/")


def test_fresh_form_saves_without_conflict(client, editor):
    claim = draft_claim(author=editor)
    client.force_login(editor)
    assert edit(client, claim, text="First.").status_code == 302
    assert edit(client, claim, text="Second.").status_code == 302
    assert Claim.objects.get(pk=claim.pk).text == "Second."


# Deleting


def test_editor_cannot_delete_a_live_claim(client, editor, live_claim):
    client.force_login(editor)
    delete_url = f"/admin/events/claim/{live_claim.pk}/delete/"
    assert client.get(delete_url).status_code == 403
    assert client.post(delete_url, {"post": "yes"}).status_code == 403
    assert Claim.objects.filter(pk=live_claim.pk).exists()


def test_editor_cannot_bulk_delete_a_live_claim(client, editor, live_claim):
    client.force_login(editor)
    response = client.post(
        "/admin/events/claim/",
        {"action": "delete_selected", "_selected_action": [live_claim.pk], "post": "yes"},
    )
    assert response.status_code == 403
    assert Claim.objects.filter(pk=live_claim.pk).exists()


def test_editor_can_delete_a_draft_claim(client, editor):
    claim = draft_claim(author=editor)
    client.force_login(editor)
    delete_url = f"/admin/events/claim/{claim.pk}/delete/"
    assert client.get(delete_url).status_code == 200
    response = client.post(delete_url, {"post": "yes"})
    assert response.status_code == 302
    assert not Claim.objects.filter(pk=claim.pk).exists()


# Change list filters


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("draft", {"draft", "pending"}),
        ("in_review", {"in_review"}),
        ("changes_requested", {"changes_requested"}),
        ("approved", {"approved"}),
        ("withdrawn", {"withdrawn"}),
        ("pending", {"pending"}),
        ("live", {"approved", "pending"}),
    ],
)
def test_changelist_filters_by_review_status(
    client, editor, reviewer, other_reviewer, value, expected
):
    claims = {
        status: claim_in(status, author=editor, approver=other_reviewer) for status in Status.values
    }
    claims["pending"] = published_claim(author=editor, approver=other_reviewer)
    snapshot = drafts.snapshot_of(claims["pending"])
    snapshot["fields"]["text"] = NEW_TEXT
    workflow.edit(claims["pending"], snapshot, by=editor)
    client.force_login(reviewer)

    response = client.get("/admin/events/claim/", {"review": value})

    assert response.status_code == 200
    shown = set(response.context["cl"].result_list)
    assert shown == {claims[name] for name in expected}


def test_changelist_shows_published_entries_with_a_pending_change(client, editor, live_claim):
    pending_edit(live_claim, by=editor, text=NEW_TEXT)
    client.force_login(editor)
    html = client.get("/admin/events/claim/").content.decode()
    assert "Published · Draft" in html


def test_event_and_citation_change_forms_render_for_editors(client, editor, reviewer):
    event = EventFactory(last_edited_by=editor)
    citation = CitationFactory(last_edited_by=editor)
    publish(citation, author=editor, approver=reviewer)
    client.force_login(editor)
    for entry in (event, citation):
        page = client.get(change_url(entry))
        assert page.status_code == 200
        assert 'id="review"' in page.content.decode()


def queue_queries(client, count, author):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(count):
        claim_in(Status.IN_REVIEW, author=author, approver=None)
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/admin/review-queue/")
    assert response.status_code == 200
    return len(queries), response


def test_review_queue_makes_the_same_number_of_queries_however_long_it_is(client, editor, reviewer):
    client.force_login(reviewer)
    few, _ = queue_queries(client, 3, editor)
    many, response = queue_queries(client, 57, editor)
    assert few == many
    claims = next(
        section
        for section in response.context["sections"]
        if section["rows"] and isinstance(section["rows"][0]["entry"], Claim)
    )
    assert (claims["total"], len(claims["rows"])) == (60, 50)
    assert "All entries in review" in response.content.decode()


def test_the_change_form_links_to_the_site_once(client, editor, reviewer):
    claim = published_claim(author=editor, approver=reviewer)
    client.force_login(editor)
    html = client.get(change_url(claim)).content.decode()
    assert html.count(f'href="{claim.get_absolute_url()}?preview=1"') == 1
    assert "viewsitelink" not in html  # Django's own link, which would repeat it
