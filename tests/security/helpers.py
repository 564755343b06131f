from django.contrib.auth import get_user_model
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests import factories

PASSWORD = "pass-word-1234"
LOGIN = "/admin/login/"


def log_in(client, username, password=PASSWORD, code="", address="198.51.100.7", **extra):
    return client.post(
        LOGIN,
        {"username": username, "password": password, "otp_token": code, "next": "/admin/"},
        REMOTE_ADDR=address,
        **extra,
    )


def authenticator_for(user):
    return TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)


def code_of(device, *, steps_ahead=0):
    """The code the person's app shows now (or ``steps_ahead`` 30-second steps later: a code
    once accepted is never accepted again, and the next one is within the tolerance)."""
    return f"{totp(device.bin_key, drift=steps_ahead):06d}"


def superuser(username="boss"):
    return get_user_model().objects.create_superuser(username, f"{username}@example.org", PASSWORD)


def staff(username="editor"):
    return factories.editor(username)
