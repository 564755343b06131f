"""The security log: refused review steps and permissions are written to it, staff read
it, and nobody changes it, from the admin or from code."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.messages import get_messages

from events import drafts, workflow
from events.models import Status
from security.models import AppendOnly, SecurityEvent
from tests.events.helpers import claim_in, draft_claim
from tests.factories import reviewer

from .helpers import staff, superuser

pytestmark = pytest.mark.django_db

LOG = "/admin/security/securityevent/"


def transition(client, claim, seen=None, **data):
    if seen is None:
        seen = drafts.content_token(type(claim)._default_manager.get(pk=claim.pk))
    return client.post(
        f"/admin/events/claim/{claim.pk}/transition/",
        {"seen": seen, **data},
        REMOTE_ADDR="192.0.2.44",
    )


def test_a_refused_review_step_is_logged(client):
    editor = staff("editor")
    claim = claim_in(Status.IN_REVIEW, author=reviewer("author"), approver=reviewer("other"))
    client.force_login(editor)

    response = transition(client, claim, action="approve")

    refusal = [str(message) for message in get_messages(response.wsgi_request)][0]
    entry = SecurityEvent.objects.get()
    assert entry.kind == SecurityEvent.Kind.STEP_REFUSED
    assert (entry.user, entry.username, entry.address) == (editor, "editor", "192.0.2.44")
    assert entry.path == f"/admin/events/claim/{claim.pk}/transition/"
    assert entry.detail == f"approve events.claim {claim.pk}: {refusal}"


def test_approving_content_that_changed_since_it_was_read_is_logged(client):
    author = staff("author")
    claim = claim_in(Status.IN_REVIEW, author=author, approver=reviewer("other"))
    seen = drafts.content_token(claim)
    changed = drafts.snapshot_of(claim)
    changed["fields"]["text"] = "A different account of the strike."
    workflow.edit(claim, changed, by=author)
    workflow.submit(claim, by=author)
    client.force_login(reviewer("checker"))

    response = transition(client, claim, seen=seen, action="approve")

    assert "?since=" in response["Location"]
    entry = SecurityEvent.objects.get()
    assert entry.kind == SecurityEvent.Kind.STEP_REFUSED
    assert "changed after you opened it" in entry.detail


def test_a_refused_bulk_step_is_logged_for_each_entry(client):
    author = reviewer("author")
    mine = draft_claim(author=author)
    workflow.submit(mine, by=author)
    client.force_login(author)

    client.post(
        "/admin/events/claim/",
        {
            "action": "approve_selected",
            "_selected_action": [mine.pk],
            "confirm": "yes",
            f"seen-{mine.pk}": drafts.content_token(mine),
        },
    )

    entry = SecurityEvent.objects.get()
    assert entry.kind == SecurityEvent.Kind.STEP_REFUSED
    assert entry.detail.startswith("approve: ")
    assert "another reviewer must approve it" in entry.detail


def test_a_refused_permission_is_logged_and_answered_403(client):
    editor = staff("editor")
    client.force_login(editor)

    response = client.get("/admin/auth/user/add/", REMOTE_ADDR="192.0.2.45")

    assert response.status_code == 403
    entry = SecurityEvent.objects.get()
    assert entry.kind == SecurityEvent.Kind.PERMISSION_DENIED
    assert (entry.user, entry.address, entry.path) == (
        editor,
        "192.0.2.45",
        "/admin/auth/user/add/",
    )


def test_every_staff_member_reads_the_log_and_nobody_edits_it(client):
    entry = SecurityEvent.objects.record(SecurityEvent.Kind.LOGIN_FAILED, username="mallory")
    for person in (staff("editor"), superuser("boss")):
        client.force_login(person)
        listing = client.get(LOG)
        assert listing.status_code == 200
        assert "mallory" in listing.text
        assert client.get(f"{LOG}{entry.pk}/change/").status_code == 200  # read-only view
        assert client.get(f"{LOG}add/").status_code == 403
        assert client.post(f"{LOG}{entry.pk}/change/", {"detail": "x"}).status_code == 403
        assert client.post(f"{LOG}{entry.pk}/delete/", {"post": "yes"}).status_code == 403
    entry.refresh_from_db()
    assert entry.detail == ""
    assert SecurityEvent.objects.filter(kind=SecurityEvent.Kind.LOGIN_FAILED).count() == 1


def test_the_log_refuses_changes_from_code():
    entry = SecurityEvent.objects.record(SecurityEvent.Kind.LOGIN_FAILED, username="mallory")

    entry.detail = "nothing happened"
    with pytest.raises(AppendOnly):
        entry.save()
    with pytest.raises(AppendOnly):
        entry.delete()
    with pytest.raises(AppendOnly):
        SecurityEvent.objects.filter(pk=entry.pk).update(detail="nothing happened")
    with pytest.raises(AppendOnly):
        SecurityEvent.objects.all().delete()
    assert SecurityEvent.objects.get().detail == ""


def test_an_entry_keeps_the_username_when_the_account_is_deleted():
    editor = staff("editor")
    SecurityEvent.objects.record(SecurityEvent.Kind.PERMISSION_DENIED, user=editor)

    get_user_model().objects.filter(pk=editor.pk).delete()

    entry = SecurityEvent.objects.get()
    assert (entry.user, entry.username) == (None, "editor")


def test_each_log_entry_links_to_the_entry_or_the_account_it_concerns(client):
    editor = staff("editor")
    claim = claim_in(Status.IN_REVIEW, author=reviewer("author"), approver=reviewer("other"))
    client.force_login(editor)
    transition(client, claim, action="approve")
    SecurityEvent.objects.record(SecurityEvent.Kind.LOGIN_FAILED, username="mallory")
    SecurityEvent.objects.record(SecurityEvent.Kind.SECOND_FACTOR_RESET, user=editor)

    listing = client.get(LOG).text

    assert f'<a href="/admin/events/claim/{claim.pk}/change/">the entry</a>' in listing
    assert f'<a href="/admin/auth/user/{editor.pk}/change/">editor</a>' in listing
    # A failed login names no account of the site: nothing to link to.
    row = next(row for row in listing.split("<tr") if "mallory" in row)
    assert "/admin/auth/user/" not in row
