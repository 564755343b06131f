"""A mail server that accepts and never answers: the review step is committed, the request
returns within EMAIL_TIMEOUT, the failure is logged and the reviewer is told."""

import logging
import socket
import threading
import time

import pytest
from django.contrib.messages import get_messages

from events import drafts, workflow
from events.models import Claim, Status
from tests.events.helpers import claim_in
from tests.factories import editor, reviewer

TIMEOUT = 1


@pytest.fixture
def silent_smtp(settings):
    """An SMTP address whose server accepts connections and never says a word."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    held, stop = [], threading.Event()

    def accept():
        server.settimeout(0.1)
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = server.getsockname()
    settings.EMAIL_TIMEOUT = TIMEOUT
    yield held
    stop.set()
    thread.join()
    for connection in held:
        connection.close()
    server.close()


def failure_logs(caplog):
    return [
        record.getMessage()
        for record in caplog.records
        if record.name == "events.workflow" and record.levelno == logging.ERROR
    ]


def test_a_failed_notification_is_logged_and_marked_after_the_commit(
    db, django_capture_on_commit_callbacks, caplog, silent_smtp
):
    author, approver = editor("mail-editor"), reviewer("mail-reviewer")
    claim = claim_in(Status.IN_REVIEW, author=author, approver=None)
    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):
        transition = workflow.approve(claim, by=approver)
    assert time.monotonic() - started < TIMEOUT + 3
    assert silent_smtp, "the mail server was never contacted"
    assert transition.notification_failed
    assert Claim.objects.get(pk=claim.pk).status == Status.APPROVED
    (line,) = failure_logs(caplog)
    assert author.email in line and str(claim) in line and "approve" in line


def test_a_sent_notification_is_not_marked(
    db, django_capture_on_commit_callbacks, caplog, mailoutbox
):
    author, approver = editor("mail-editor"), reviewer("mail-reviewer")
    claim = claim_in(Status.IN_REVIEW, author=author, approver=None)
    with django_capture_on_commit_callbacks(execute=True):
        transition = workflow.approve(claim, by=approver)
    assert len(mailoutbox) == 1
    assert not transition.notification_failed
    assert not failure_logs(caplog)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_reviewer_is_warned_and_the_approval_stands(client, caplog, silent_smtp):
    author, approver = editor("mail-editor"), reviewer("mail-reviewer")
    claim = claim_in(Status.IN_REVIEW, author=author, approver=None)
    client.force_login(approver)
    caplog.clear()  # the submission's own notification failed too
    started = time.monotonic()
    response = client.post(
        f"/admin/events/claim/{claim.pk}/transition/",
        {"action": "approve", "seen": drafts.content_token(Claim.objects.get(pk=claim.pk))},
    )
    assert time.monotonic() - started < TIMEOUT + 3
    assert response.status_code == 302
    claim.refresh_from_db()
    assert (claim.status, claim.is_live) == (Status.APPROVED, True)
    warnings = [
        str(message)
        for message in get_messages(response.wsgi_request)
        if message.level_tag == "warning"
    ]
    assert any("could not be sent" in message for message in warnings), warnings
    (line,) = failure_logs(caplog)
    assert line.startswith("Review notification not sent: approve of claim")
