"""Caching of the public pages, with exact invalidation.

A public page depends only on what is public, and what is public changes only through an
approval or a withdrawal (events/workflow.py). The latest such step is the *publication
stamp*: cached pages are stored under a key that holds it, so the first request after a
step builds fresh pages, on every worker, whatever cache backend is configured. Pages are
cached only for anonymous readers (staff and previews are never cached), in the reader's
language; each carries Last-Modified (the stamp's time) and, through Django's
ConditionalGetMiddleware, an ETag, so readers' caches revalidate with a 304.
"""

import hashlib
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.http import http_date

from .models import Transition

CACHE_SECONDS = 24 * 3600
PUBLISHING_STEPS = (Transition.Action.APPROVE, Transition.Action.WITHDRAW)


def publication_stamp():
    """(id, time) of the latest step that changed what is public, or (0, None)."""
    latest = (
        Transition.objects.filter(action__in=PUBLISHING_STEPS)
        .order_by("-pk")
        .values_list("pk", "created_at")
        .first()
    )
    return latest or (0, None)


def _cacheable(request):
    return (
        settings.KIDAL_PAGE_CACHE
        and request.method in ("GET", "HEAD")
        and "preview" not in request.GET
        and not request.user.is_authenticated
    )


def cache_public_page(view):
    """Serve ``view``'s pages to anonymous readers from the cache, keyed by the
    publication stamp, the language and the full path."""

    @wraps(view)
    def cached_view(request, *args, **kwargs):
        if not _cacheable(request):
            return view(request, *args, **kwargs)
        stamp, modified = publication_stamp()
        path = f"{stamp}|{request.LANGUAGE_CODE}|{request.get_full_path()}"
        key = "kidal:page:" + hashlib.sha256(path.encode()).hexdigest()
        response = cache.get(key)
        if response is None:
            response = view(request, *args, **kwargs)
            if hasattr(response, "render") and not response.is_rendered:
                response.render()
            if response.status_code == 200 and not response.streaming:
                if modified is not None and not response.has_header("Last-Modified"):
                    response["Last-Modified"] = http_date(modified.timestamp())
                patch_vary_headers(response, ["Accept-Language", "Cookie"])
                patch_cache_control(response, public=True, no_cache=True)
                cache.set(key, response, CACHE_SECONDS)
        return response

    return cached_view
