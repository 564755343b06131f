"""A persistent connection is checked before each request uses it (CONN_HEALTH_CHECKS); for a
reader's cached page, the publication stamp's query is that check, so that the page costs
one round trip to the database, not two."""

import psycopg
import pytest
from django.conf import settings
from django.db import close_old_connections, connection
from django.test.utils import CaptureQueriesContext

from tests.factories import editor, published_claim, reviewer

pytestmark = [
    pytest.mark.skipif(
        settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
        reason="cuts a PostgreSQL server's connection",
    ),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def persistent_connection():
    saved = {key: connection.settings_dict[key] for key in ("CONN_MAX_AGE", "CONN_HEALTH_CHECKS")}
    connection.settings_dict.update(CONN_MAX_AGE=600, CONN_HEALTH_CHECKS=True)
    connection.close()
    yield
    connection.settings_dict.update(saved)
    connection.close()


def next_request(client, url):
    # What the WSGI handler does around each request; the test client leaves it out.
    close_old_connections()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    return response, [query["sql"] for query in queries]


def cut(backend_pid):
    dsn = connection.get_connection_params()
    dsn.pop("cursor_factory", None)
    with psycopg.connect(**dsn, autocommit=True) as other:
        other.execute("SELECT pg_terminate_backend(%s)", [backend_pid])


def test_a_cached_page_costs_one_query_and_survives_a_cut_connection(
    client, persistent_connection, monkeypatch
):
    pings = []
    is_usable = connection.is_usable
    monkeypatch.setattr(connection, "is_usable", lambda: pings.append(1) or is_usable())
    url = published_claim(author=editor(), approver=reviewer()).get_absolute_url()
    first, _ = next_request(client, url)
    assert first.status_code == 200

    cached, queries = next_request(client, url)
    assert cached.content == first.content
    assert len(queries) == 1 and "events_transition" in queries[0]
    assert pings == []  # the stamp's query was the health check: no "SELECT 1" before it

    cut(connection.connection.info.backend_pid)
    after, queries = next_request(client, url)
    assert after.status_code == 200 and after.content == first.content
    assert connection.connection.info.backend_pid is not None
