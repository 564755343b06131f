from base64 import b32encode

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib import admin
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from django.views.defaults import permission_denied as default_permission_denied
from django_otp import login as otp_login

from . import devices
from .forms import ConfirmAuthenticatorForm
from .models import SecurityEvent


def locked_out(request, original_response=None, credentials=None):
    """django-axes' answer to a login refused for a lockout: a page in the admin's look that
    says what happened and when to try again."""
    cool_off = settings.AXES_COOLOFF_TIME
    context = {
        **admin.site.each_context(request),
        "cool_off_minutes": int(cool_off.total_seconds() // 60),
        "failure_limit": settings.AXES_FAILURE_LIMIT,
    }
    return render(request, "security/locked_out.html", context, status=429)


def permission_denied(request, exception=None):
    """The 403 handler: every refused permission is logged, then answered as usual."""
    SecurityEvent.objects.record(
        SecurityEvent.Kind.PERMISSION_DENIED,
        request,
        user=request.user,
        detail=str(exception or ""),
    )
    return default_permission_denied(request, exception)


def _private(response):
    # The secret and the recovery codes must not stay in any cache.
    add_never_cache_headers(response)
    return response


def _next_url(request):
    url = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(url, {request.get_host()}, request.is_secure()):
        return url
    return ""


@transaction.atomic
def second_factor(request):
    """Set up one's authenticator app (scan, confirm with a code, see the recovery codes
    once), or once it is set up, replace one's recovery codes. The device being set up is
    locked until the answer is written, so two confirmations cannot both succeed."""
    user = request.user
    context = {**admin.site.each_context(request), "next": _next_url(request)}
    if devices.has_second_factor(user):
        if request.method == "POST" and user.is_verified():
            context.update(title=_("New recovery codes"), codes=devices.new_recovery_codes(user))
            return _private(render(request, "security/recovery_codes.html", context))
        context.update(
            title=_("Second factor"),
            remaining=devices.remaining_recovery_codes(user),
            can_replace_codes=user.is_verified(),
        )
        return _private(render(request, "security/second_factor.html", context))

    device = devices.pending_authenticator(user, lock=request.method == "POST")
    form = ConfirmAuthenticatorForm(
        request.POST if request.method == "POST" else None, device=device
    )
    if form.is_valid():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = devices.new_recovery_codes(user)
        otp_login(request, device)
        SecurityEvent.objects.record(SecurityEvent.Kind.SECOND_FACTOR_ENROLLED, request, user=user)
        context.update(title=_("Your recovery codes"), codes=codes, enrolled=True)
        return _private(render(request, "security/recovery_codes.html", context))
    secret = b32encode(device.bin_key).decode()
    context.update(
        title=_("Set up a second factor"),
        form=form,
        secret=" ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
        required=settings.KIDAL_REQUIRE_2FA,
    )
    status = 400 if form.is_bound else 200
    return _private(render(request, "security/enrol.html", context, status=status))


@require_GET
def second_factor_qr(request):
    """The QR code of the authenticator being set up, as an SVG image drawn here: dark
    squares on a white background of its own, readable in the admin's dark theme too."""
    device = devices.authenticator_being_set_up(request.user)
    if device is None:
        raise Http404
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathFillImage)
    response = HttpResponse(content_type="image/svg+xml")
    image.save(response)
    return _private(response)
