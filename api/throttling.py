from django.conf import settings
from rest_framework.throttling import AnonRateThrottle

from security.addresses import client_address


class AddressRateThrottle(AnonRateThrottle):
    """At most KIDAL_API_RATE API requests per client address, counted in the cache (Redis
    when CACHE_URL is set, so shared by every worker). The address is the one the login
    lockout uses, which trusts X-Forwarded-For only from KIDAL_TRUSTED_PROXIES."""

    def get_rate(self):
        # Read at each request rather than once at import, as DRF's rates are.
        return settings.KIDAL_API_RATE

    def get_ident(self, request):
        return client_address(request)
