"""Caching of the public pages, with exact invalidation.

A public page depends only on what is public, and what is public changes only through an
approval or a withdrawal (events/workflow.py). The latest such step is the *publication
stamp*: cached pages are stored under a key that holds it, so the first request after a
step builds fresh pages, on every worker, whatever cache backend is configured.

Like Django's own cache middleware, the work is split in two. ``PublicPageCacheMiddleware``
sits near the top of the middleware stack: a reader's request without a session cookie for
a page ``cache_public_page`` marked is answered from the cache before sessions,
authentication or CSRF run, and on the way out the page is stored with every header the
inner middleware added. Staff (who have a session), previews and any response that sets a
cookie are never stored. Each stored page carries Last-Modified (the stamp's time) and an
ETag, so readers' caches revalidate with a 304 through ConditionalGetMiddleware.

A page the cache does not hold is built from a database replica when one has replayed the
stamp (kidal/routers.py), else from the primary: never from a replica that lags behind.
"""

import hashlib
import logging
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.db import (
    DEFAULT_DB_ALIAS,
    DatabaseError,
    InterfaceError,
    OperationalError,
    connections,
)
from django.urls import Resolver404, resolve
from django.utils.cache import patch_cache_control, patch_vary_headers, set_response_etag
from django.utils.http import http_date
from django.utils.translation import get_language_from_request
from redis.exceptions import RedisError

from kidal import routers

from .models import Transition

logger = logging.getLogger(__name__)

CACHE_SECONDS = 24 * 3600
# What the cache raises when its server does not answer (Redis down, a network failure).
CACHE_ERRORS = (RedisError, OSError)
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


def _current_stamp(alias=DEFAULT_DB_ALIAS):
    """The id of ``publication_stamp()`` on the database ``alias``, read the cheapest way:
    every reader's request asks it, and building the query with the ORM costs more than the
    indexed read, so its SQL is built once per kind of database and later calls only run it."""
    connection = connections[alias]
    if connection.vendor not in _STAMP_SQL:
        latest = Transition.objects.filter(action__in=PUBLISHING_STEPS).order_by("-pk")
        _STAMP_SQL[connection.vendor] = latest.values_list("pk")[:1].query.sql_with_params()
    if (
        connection.health_check_enabled
        and not connection.health_check_done
        and connection.connection is not None
        and not connection.in_atomic_block
    ):
        # A cached page's only query is this one: let it be the persistent connection's
        # health check too, instead of a round trip of its own before it (CONN_HEALTH_CHECKS).
        connection.health_check_done = True
        try:
            return _run_stamp_query(connection)
        except (InterfaceError, OperationalError):
            connection.close()
    return _run_stamp_query(connection)


def _run_stamp_query(connection):
    with connection.cursor() as cursor:
        cursor.execute(*_STAMP_SQL[connection.vendor])
        row = cursor.fetchone()
    return row[0] if row else 0


_STAMP_SQL = {}


def _caught_up_replica(stamp):
    """A replica that has replayed the publication ``stamp`` (or a later one), or None."""
    for alias in routers.shuffled_replicas():
        try:
            if _current_stamp(alias) >= stamp:
                return alias
        except DatabaseError:
            logger.warning("Replica %s does not answer: readers' pages use the primary.", alias)
    return None


def _stamp_time(stamp):
    return Transition.objects.filter(pk=stamp).values_list("created_at", flat=True).first()


def _page_key(request, stamp, variant=""):
    # The whole address, host and scheme included: feeds and sitemaps write absolute links.
    page = f"{stamp}|{variant}|{get_language_from_request(request)}|{request.build_absolute_uri()}"
    return "kidal:page:" + hashlib.sha256(page.encode()).hexdigest()


def _public_page_view(request):
    """The view the URL leads to if ``cache_public_page`` marked it, else None: only those
    pages pay for the publication stamp (health checks, the admin and downloads never do)."""
    try:
        view = resolve(request.path_info).func
    except Resolver404:
        return None
    return view if getattr(view, "public_page", False) else None


def _is_readers_request(request):
    """A reader's plain GET: no session (so not staff) and no preview. Whether the page may
    be cached is ``_public_page_view``'s question, asked only after this one."""
    return (
        request.method in ("GET", "HEAD")
        and "preview" not in request.GET
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
    )


class PublicPageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        view = _is_readers_request(request) and _public_page_view(request)
        if not view:
            return self.get_response(request)
        variant = view.page_variant() if view.page_variant else ""
        return cached_public_response(request, lambda: self.get_response(request), variant)


def cached_public_response(request, build, variant=""):
    """The response to ``request`` from the cache under the current publication stamp (and
    ``variant``, for a page that depends on more than what is public), or else ``build()``'s
    (read from a caught-up replica when there is one), stored when it is a reader's public
    page. The middleware calls it for pages; the API calls it from its views, after their
    rate limit is counted."""
    # The stamp is read before the page is built: a publication while it is built
    # leaves the page under the older stamp, never stale content under the newer one.
    stamp = _current_stamp()
    key = _page_key(request, stamp, variant)
    if settings.KIDAL_PAGE_CACHE:
        response = _from_cache(key)
        if response is not None:
            return response
    with routers.reading_from(_caught_up_replica(stamp)):
        response = build()
    if settings.KIDAL_PAGE_CACHE and _storable(request, response):
        modified = _stamp_time(stamp)
        if modified is not None and not response.has_header("Last-Modified"):
            response["Last-Modified"] = http_date(modified.timestamp())
        patch_vary_headers(response, ["Accept-Language", "Cookie"])
        patch_cache_control(response, public=True, no_cache=True)
        set_response_etag(response)
        _to_cache(key, response)
    return response


def _from_cache(key):
    """The cached page, or None, also when the cache does not answer: readers then get
    pages built for them, more slowly, rather than errors."""
    try:
        return cache.get(key)
    except CACHE_ERRORS as error:
        logger.warning("The cache does not answer (%s): pages are built for each reader.", error)
        return None


def _to_cache(key, response):
    try:
        cache.set(key, response, CACHE_SECONDS)
    except CACHE_ERRORS as error:
        logger.warning("The cache does not answer (%s): a page was not stored.", error)


def _storable(request, response):
    return (
        getattr(response, "public_page", False)
        and response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not request.user.is_authenticated
    )


def cache_public_page(view, variant=None):
    """Mark ``view``'s pages as the same for every reader, so that
    ``PublicPageCacheMiddleware`` may store them (previews never). A page that also depends
    on something besides what is public names it with ``variant``, a function returning a
    short string that changes whenever that does."""

    @wraps(view)
    def public_page_view(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if "preview" not in request.GET:
            if hasattr(response, "render") and not response.is_rendered:
                response.render()
            if not response.streaming:
                # One piece, not the hundreds a feed writes: each piece would be its own
                # write to the reader's socket, on every request that the cache answers.
                response.content = response.content
            response.public_page = True
        return response

    public_page_view.public_page = True
    public_page_view.page_variant = variant
    return public_page_view
