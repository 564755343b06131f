"""The client's address, as the login lockout and the security log both see it."""

import ipaddress

from django.conf import settings


def client_address(request):
    """REMOTE_ADDR, or behind KIDAL_TRUSTED_PROXIES reverse proxies the address the outermost
    of them saw: each proxy appends to X-Forwarded-For the address it received the request
    from, so only the last KIDAL_TRUSTED_PROXIES entries were written by proxies we trust;
    anything before them is whatever the client chose to send."""
    proxies = settings.KIDAL_TRUSTED_PROXIES
    if proxies:
        forwarded = [
            address.strip()
            for address in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if address.strip()
        ]
        if len(forwarded) >= proxies and _is_address(forwarded[-proxies]):
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR") or None


def _is_address(text):
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True
