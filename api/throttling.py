import logging

from django.conf import settings
from rest_framework.throttling import AnonRateThrottle

from events.caching import CACHE_ERRORS
from security.addresses import client_address

logger = logging.getLogger(__name__)


class AddressRateThrottle(AnonRateThrottle):
    """At most KIDAL_API_RATE API requests per client address, counted in the cache (Redis
    when CACHE_URL is set, so shared by every worker). The address is the one the login
    lockout uses, which trusts X-Forwarded-For only from KIDAL_TRUSTED_PROXIES."""

    def get_rate(self):
        # Read at each request rather than once at import, as DRF's rates are.
        return settings.KIDAL_API_RATE

    def get_ident(self, request):
        return client_address(request)

    def allow_request(self, request, view):
        # The counts live in the cache: while it does not answer, the API stays open rather
        # than failing every request.
        try:
            return super().allow_request(request, view)
        except CACHE_ERRORS as error:
            logger.warning("The cache does not answer (%s): API requests are not counted.", error)
            return True
