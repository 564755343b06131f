import logging

from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.db.migrations.loader import MigrationLoader
from django.http import HttpResponse, HttpResponsePermanentRedirect
from django.templatetags.static import static
from django.views.decorators.cache import never_cache

logger = logging.getLogger(__name__)


def live(request):
    """Liveness: the process answers. Touches neither the database nor the cache, so it is
    also the benchmark's baseline (tools/benchmark.py)."""
    return HttpResponse("ok\n", content_type="text/plain; charset=utf-8")


def _database_ready():
    connection = connections[DEFAULT_DB_ALIAS]
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    # Every migration, not only the latest of each app: a plan towards applied leaves would
    # not notice an older migration recorded as unapplied.
    loader = MigrationLoader(connection)
    return all(node in loader.applied_migrations for node in loader.graph.nodes)


def favicon(request):
    """Browsers and feed readers ask /favicon.ico whatever the page links to: send them to
    the static file, which carries a far-future cache lifetime."""
    return HttpResponsePermanentRedirect(static("kidal/favicon.ico"))


@never_cache
def healthz(request):
    """Readiness: the database answers and every migration is applied. The answer is one
    word either way: what failed goes to the server log, never to whoever asked."""
    try:
        ready = _database_ready()
        if not ready:
            logger.error("Health check: migrations are not all applied.")
    except DatabaseError:
        logger.exception("Health check: the database does not answer.")
        ready = False
    return HttpResponse(
        "ok\n" if ready else "unavailable\n",
        status=200 if ready else 503,
        content_type="text/plain; charset=utf-8",
    )
