"""/healthz: 200 "ok" when the database answers and every migration is applied, otherwise
503 with one generic word; never cached, nothing about the software or the failure."""

import pytest
from django.db import OperationalError, connection
from django.db.migrations.recorder import MigrationRecorder

pytestmark = pytest.mark.django_db


def test_ready(client):
    response = client.get("/healthz")
    assert (response.status_code, response.content) == (200, b"ok\n")
    assert "no-store" in response["Cache-Control"]
    assert "Server" not in response


def test_an_unapplied_migration_makes_it_unavailable(client, caplog):
    MigrationRecorder(connection).record_unapplied("events", "0009_compute_public_state")
    response = client.get("/healthz")
    assert (response.status_code, response.content) == (503, b"unavailable\n")
    assert "no-store" in response["Cache-Control"]
    assert "migrations" in caplog.text


def test_a_database_failure_is_logged_not_shown(client, caplog, monkeypatch):
    def refuse(*args, **kwargs):
        raise OperationalError('could not connect to server "db.internal" as user "kidal"')

    monkeypatch.setattr(connection, "cursor", refuse)
    response = client.get("/healthz")
    assert (response.status_code, response.content) == (503, b"unavailable\n")
    assert "db.internal" in caplog.text


def test_the_liveness_view_is_unchanged(client):
    response = client.get("/health/live")
    assert (response.status_code, response.content) == (200, b"ok\n")
