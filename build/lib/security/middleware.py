from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from . import devices

# What a person who has logged in without a second factor may still reach.
ALLOWED_BEFORE_SECOND_FACTOR = (
    "admin:second_factor",
    "admin:second_factor_qr",
    "admin:logout",
    "set_language",
)


class SecondFactorRequiredMiddleware:
    """When KIDAL_REQUIRE_2FA is on, a logged-in person not verified by a second factor
    does nothing until they are: someone without one yet is sent to set it up (the only way
    anyone could ever set one up), and a session opened without the code of an existing one
    (before the requirement was turned on) is ended."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            settings.KIDAL_REQUIRE_2FA
            and user.is_authenticated
            and not user.is_verified()
            and request.path not in {reverse(name) for name in ALLOWED_BEFORE_SECOND_FACTOR}
        ):
            if devices.has_second_factor(user):
                logout(request)
                return redirect_to_login(request.get_full_path(), reverse("admin:login"))
            enrol = reverse("admin:second_factor")
            return redirect(f"{enrol}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)
