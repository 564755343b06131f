"""The second factor: logging in with a code or a recovery code, setting one up from the
admin, the requirement when DEBUG is off, and an administrator's reset."""

import importlib
import re
from base64 import b32decode

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

import kidal.settings
from security import devices
from security.models import SecurityEvent

from .helpers import authenticator_for, code_of, log_in, staff, superuser

pytestmark = pytest.mark.django_db

ENROL = "/admin/second-factor/"


@pytest.fixture
def required(settings):
    settings.KIDAL_REQUIRE_2FA = True


def logged_in(client):
    return "_auth_user_id" in client.session


# Logging in


def test_a_person_with_an_authenticator_logs_in_with_its_code(client):
    device = authenticator_for(staff("editor"))

    response = log_in(client, "editor", code=code_of(device))

    assert response.status_code == 302
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id
    assert client.get("/admin/").status_code == 200


def test_the_password_alone_is_not_enough_once_an_authenticator_is_set_up(client):
    authenticator_for(staff("editor"))

    response = log_in(client, "editor")

    assert response.status_code == 200
    assert not logged_in(client)
    assert "Enter the six-digit code" in response.text
    # Forgetting the code is not a failed login; a wrong code is (below).
    assert not SecurityEvent.objects.exists()


def test_a_wrong_code_is_refused_logged_and_counted_towards_the_lockout(client, settings):
    settings.AXES_FAILURE_LIMIT = 3
    editor = staff("editor")
    device = authenticator_for(editor)
    wrong = f"{(int(code_of(device)) + 1) % 1_000_000:06d}"

    response = log_in(client, "editor", code=wrong)

    assert response.status_code == 200
    assert not logged_in(client)
    assert "This code is not valid" in response.text
    entry = SecurityEvent.objects.get()
    assert (entry.kind, entry.user, entry.address) == (
        SecurityEvent.Kind.LOGIN_FAILED,
        editor,
        "198.51.100.7",
    )
    assert AccessAttempt.objects.get().failures_since_start == 1


def test_a_code_is_accepted_only_once(client):
    device = authenticator_for(staff("editor"))
    code = code_of(device)
    assert log_in(client, "editor", code=code).status_code == 302
    client.post("/admin/logout/")

    assert log_in(client, "editor", code=code).status_code == 200
    assert not logged_in(client)


def test_a_recovery_code_logs_in_once(client):
    editor = staff("editor")
    authenticator_for(editor)
    codes = devices.new_recovery_codes(editor)

    assert log_in(client, "editor", code=codes[0]).status_code == 302
    assert client.get("/admin/").status_code == 200
    client.post("/admin/logout/")

    assert log_in(client, "editor", code=codes[0]).status_code == 200
    assert StaticToken.objects.count() == len(codes) - 1
    # After the wait django-otp imposes following a wrong code, another one works.
    StaticDevice.objects.get(user=editor).throttle_reset()
    assert log_in(client, "editor", code=codes[1]).status_code == 302


def test_without_the_requirement_a_person_without_a_second_factor_logs_in_with_the_password(
    client, settings
):
    settings.KIDAL_REQUIRE_2FA = False
    staff("editor")

    assert log_in(client, "editor").status_code == 302
    assert client.get("/admin/").status_code == 200


# Required: nothing before setting one up


def test_when_required_a_person_without_one_logs_in_and_must_set_one_up_first(client, required):
    staff("editor")

    assert log_in(client, "editor").status_code == 302
    for path in ("/admin/", "/admin/events/claim/", "/admin/review-queue/", "/events/?preview=1"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith(ENROL + "?next="), path
    assert client.get(ENROL).status_code == 200


def test_when_required_a_session_without_the_code_of_an_existing_device_is_ended(client, required):
    editor = staff("editor")
    authenticator_for(editor)
    client.force_login(editor)  # as a session opened before the requirement was turned on

    response = client.get("/admin/events/claim/")

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
    assert not logged_in(client)


# Setting one up


def enrolment_secret(response):
    secret = re.search(r'id="second-factor-secret">([A-Z2-7 ]+)<', response.text).group(1)
    return b32decode(secret.replace(" ", ""))


def test_setting_up_an_authenticator_from_the_admin(client, required):
    editor = staff("editor")
    log_in(client, "editor")

    page = client.get(ENROL + "?next=/admin/events/claim/")
    key = enrolment_secret(page)
    qr = client.get("/admin/second-factor/qr.svg")
    # Reloading the page keeps the same secret until it is confirmed.
    assert enrolment_secret(client.get(ENROL)) == key

    assert page.status_code == 200
    assert 'src="/admin/second-factor/qr.svg"' in page.text
    assert qr["Content-Type"] == "image/svg+xml"
    assert qr.content.startswith(b"<?xml") and b"<svg" in qr.content
    assert "no-store" in qr["Cache-Control"]
    assert b"style" not in qr.content

    done = client.post(ENROL, {"code": f"{totp(key):06d}", "next": "/admin/events/claim/"})

    assert done.status_code == 200
    assert "no-store" in done["Cache-Control"]
    codes = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", done.text)
    assert len(codes) == devices.RECOVERY_CODES
    assert 'href="/admin/events/claim/"' in done.text
    assert devices.has_second_factor(editor)
    assert client.get("/admin/events/claim/").status_code == 200
    assert client.get("/admin/second-factor/qr.svg").status_code == 404
    entry = SecurityEvent.objects.get(kind=SecurityEvent.Kind.SECOND_FACTOR_ENROLLED)
    assert entry.user == editor


def test_a_wrong_confirmation_code_sets_nothing_up(client, required):
    editor = staff("editor")
    log_in(client, "editor")
    key = enrolment_secret(client.get(ENROL))

    for code in (f"{(totp(key) + 1) % 1_000_000:06d}", "abcdef", "12"):
        response = client.post(ENROL, {"code": code})
        assert response.status_code == 400
        assert response.context["form"].errors

    assert not devices.has_second_factor(editor)
    assert client.get("/admin/").status_code == 302


def test_the_recovery_codes_can_be_replaced_by_their_owner(client):
    editor = staff("editor")
    device = authenticator_for(editor)
    old = devices.new_recovery_codes(editor)
    log_in(client, "editor", code=code_of(device))

    page = client.get(ENROL)
    response = client.post(ENROL)

    assert "10 unused recovery codes" in page.text
    new = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", response.text)
    assert len(new) == devices.RECOVERY_CODES
    assert set(StaticToken.objects.values_list("token", flat=True)) == set(new)
    assert not set(old) & set(new)


def test_the_admin_links_every_page_to_ones_second_factor(client):
    editor = staff("editor")
    client.force_login(editor)

    assert f'href="{ENROL}"' in client.get("/admin/").text


# An administrator's reset


def reset(client, *people):
    return client.post(
        "/admin/auth/user/",
        {"action": "reset_second_factor", "_selected_action": [person.pk for person in people]},
    )


def test_a_superuser_resets_a_persons_second_factor(client, required):
    boss = superuser()
    editor = staff("editor")
    authenticator_for(editor)
    devices.new_recovery_codes(editor)
    editors_browser = client.__class__()
    log_in(editors_browser, "editor", code=code_of(TOTPDevice.objects.get(user=editor)))
    client.force_login(boss)
    boss_device = authenticator_for(boss)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = boss_device.persistent_id
    session.save()

    response = reset(client, editor)

    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=editor).exists()
    assert devices.remaining_recovery_codes(editor) == 0
    assert TOTPDevice.objects.filter(user=boss).exists()
    entry = SecurityEvent.objects.get(kind=SecurityEvent.Kind.SECOND_FACTOR_RESET)
    assert (entry.user, entry.detail) == (editor, "by boss")
    # The person's open session must now set up a new authenticator before anything else.
    assert editors_browser.get("/admin/")["Location"].startswith(ENROL)


def test_only_a_superuser_may_reset_a_second_factor(client):
    manager = staff("manager")
    manager.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_user", "change_user"])
    )
    editor = staff("editor")
    authenticator_for(editor)
    client.force_login(manager)

    listing = client.get("/admin/auth/user/")
    reset(client, editor)

    assert "reset_second_factor" not in listing.text
    assert TOTPDevice.objects.filter(user=editor).exists()


def test_the_user_list_shows_who_has_a_second_factor(client):
    boss = superuser()
    authenticator_for(staff("editor"))
    staff("newcomer")
    client.force_login(boss)

    rows = {
        row.username: row.has_second_factor
        for row in client.get("/admin/auth/user/").context["cl"].result_list
    }

    assert rows == {"boss": False, "editor": True, "newcomer": False}


# Production never runs without it silently


def test_the_deploy_check_warns_when_the_requirement_is_off_without_debug(settings):
    settings.DEBUG = False
    settings.KIDAL_REQUIRE_2FA = False

    with pytest.raises(SystemCheckError, match="KIDAL_REQUIRE_2FA"):
        call_command("check", "--deploy", "--fail-level", "WARNING", "--tag", "security")


def test_the_requirement_defaults_to_off_in_debug_mode_only(monkeypatch):
    """The demo accounts (DEBUG only) log in without a second factor; production needs one."""

    def required_with(**environment):
        for name, value in environment.items():
            monkeypatch.setenv(name, value)
        return importlib.reload(kidal.settings).KIDAL_REQUIRE_2FA

    monkeypatch.delenv("KIDAL_REQUIRE_2FA", raising=False)
    try:
        assert required_with(DEBUG="1") is False
        assert (
            required_with(DEBUG="0", SECRET_KEY="x" * 60, ALLOWED_HOSTS="kidal.example.org") is True
        )
        assert required_with(DEBUG="1", KIDAL_REQUIRE_2FA="1") is True
    finally:
        monkeypatch.undo()
        importlib.reload(kidal.settings)
