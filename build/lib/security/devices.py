"""The second factor of a person: one authenticator app (TOTP) and a set of recovery codes
(django-otp's static tokens). Every view and form asks these functions."""

from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

RECOVERY_CODES = 10


def has_second_factor(user):
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).exists()


def authenticator_being_set_up(user, *, lock=False):
    """The authenticator scanned but not yet confirmed with a code, if any."""
    pending = TOTPDevice.objects.devices_for_user(user, confirmed=False)
    return (pending.select_for_update() if lock else pending).first()


def pending_authenticator(user, *, lock=False):
    """The authenticator being set up, created on the first visit; the same one on every
    visit until it is confirmed, so reloading the page keeps the QR code."""
    device = authenticator_being_set_up(user, lock=lock)
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)
    return device


def device_for_code(user, code, *, for_verify=False):
    """The device a code is meant for: six digits come from the authenticator app, anything
    else is a recovery code. Choosing by the code's shape means a login never tries (and
    throttles) a device the code was not for."""
    model = TOTPDevice if len(code) == 6 and code.isdigit() else StaticDevice
    devices = model.objects.devices_for_user(user, confirmed=True)
    if for_verify:
        devices = devices.select_for_update()
    return devices.first()


@transaction.atomic
def new_recovery_codes(user):
    """Replace the person's recovery codes with fresh ones and return them (shown once)."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name="Recovery codes", confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def remaining_recovery_codes(user):
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


@transaction.atomic
def reset(user):
    """Remove every device of the person: they set up a new one at their next login."""
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
