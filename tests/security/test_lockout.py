"""Repeated failed logins lock out the username and the address, for the cool-off."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.test import RequestFactory

from security.addresses import client_address
from security.models import SecurityEvent

from .helpers import log_in, staff

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _limits(settings):
    settings.AXES_FAILURE_LIMIT = 3
    settings.AXES_COOLOFF_TIME = timedelta(minutes=15)


def test_the_right_password_is_refused_after_too_many_failures_for_the_username(client):
    staff("editor")
    for number in range(3):
        log_in(client, "editor", "wrong", address=f"203.0.113.{number}")

    response = log_in(client, "editor", address="203.0.113.99")

    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    assert "Too many failed logins" in response.text
    assert "Try again in 15 minutes" in response.text


def test_an_address_that_failed_too_often_is_locked_out_whatever_the_username(client):
    staff("editor")
    for name in ("alice", "bob", "carol"):
        log_in(client, name, "wrong", address="203.0.113.5")

    assert log_in(client, "editor", address="203.0.113.5").status_code == 429
    # The account itself is not locked: from elsewhere it still logs in.
    assert log_in(client, "editor", address="192.0.2.1").status_code == 302


def test_failures_below_the_limit_leave_the_login_working(client):
    staff("editor")
    for _ in range(2):
        response = log_in(client, "editor", "wrong")
        assert response.status_code == 200
        assert "Please enter the correct username and password" in response.text

    response = log_in(client, "editor")

    assert response.status_code == 302
    assert client.session["_auth_user_id"]


def test_the_lockout_ends_after_the_cool_off(client):
    staff("editor")
    for _ in range(3):
        log_in(client, "editor", "wrong")
    assert log_in(client, "editor").status_code == 429

    AccessAttempt.objects.update(
        attempt_time=AccessAttempt.objects.get().attempt_time - timedelta(minutes=16)
    )

    assert log_in(client, "editor").status_code == 302


def test_failed_logins_and_lockouts_are_in_the_security_log(client):
    editor = staff("editor")
    for _ in range(3):
        log_in(client, "editor", "wrong", address="203.0.113.9")
    log_in(client, "nobody", "wrong", address="203.0.113.10")

    failed = SecurityEvent.objects.filter(kind=SecurityEvent.Kind.LOGIN_FAILED)
    assert failed.filter(user=editor, username="editor", address="203.0.113.9").count() == 3
    assert failed.filter(user=None, username="nobody", path="/admin/login/").count() == 1
    locked = SecurityEvent.objects.get(kind=SecurityEvent.Kind.LOCKED_OUT)
    assert (locked.user, locked.username, locked.address) == (editor, "editor", "203.0.113.9")


def test_the_lockout_page_is_in_french_for_a_french_reader(client):
    staff("editor")
    for _ in range(3):
        log_in(client, "editor", "wrong")

    response = log_in(client, "editor", HTTP_ACCEPT_LANGUAGE="fr")

    assert response.status_code == 429
    assert "Trop d’échecs de connexion" in response.text


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "6.6.6.6", "10.0.0.1"),  # reached directly: the header is the client's to forge
        (1, "6.6.6.6, 203.0.113.5", "203.0.113.5"),  # the proxy appended what it saw
        (2, "6.6.6.6, 203.0.113.5, 10.0.0.2", "203.0.113.5"),
        (1, "", "10.0.0.1"),
        (1, "not-an-address", "10.0.0.1"),
    ],
)
def test_the_client_address_trusts_only_the_configured_proxies(
    settings, proxies, forwarded, expected
):
    settings.KIDAL_TRUSTED_PROXIES = proxies
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)

    assert client_address(request) == expected


def test_behind_a_proxy_each_client_address_is_locked_out_on_its_own(client, settings):
    settings.KIDAL_TRUSTED_PROXIES = 1
    staff("editor")
    for name in ("alice", "bob", "carol"):
        log_in(client, name, "wrong", address="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.5")

    locked = log_in(client, "editor", address="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.5")
    other = log_in(client, "editor", address="10.0.0.1", HTTP_X_FORWARDED_FOR="192.0.2.8")

    assert locked.status_code == 429
    assert other.status_code == 302


def test_the_stored_attempts_keep_neither_the_password_nor_the_code(client):
    staff("editor")

    log_in(client, "editor", "a-secret-guess", code="recovery1")

    stored = AccessAttempt.objects.get().post_data
    assert "a-secret-guess" not in stored and "recovery1" not in stored
