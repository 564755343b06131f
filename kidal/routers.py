"""Readers' pages from the database replicas (``DATABASE_REPLICA_URLS``).

Only a page built for an anonymous reader reads from a replica, and only from one that has
replayed the latest publication (events/caching.py checks the replica's publication stamp
against the primary's first): a reader never gets an older page than the primary would give,
and the page cache never stores one. Everything else (the admin, every write, every request
with a session) uses the primary.
"""

import contextvars
import random
from contextlib import contextmanager

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS

_reader_database = contextvars.ContextVar("kidal_reader_database", default=None)


def replicas():
    return [alias for alias in settings.DATABASES if alias != DEFAULT_DB_ALIAS]


def shuffled_replicas():
    aliases = replicas()
    random.shuffle(aliases)
    return aliases


@contextmanager
def reading_from(alias):
    """Send reads to ``alias`` (None: the primary) while the block runs."""
    token = _reader_database.set(alias)
    try:
        yield
    finally:
        _reader_database.reset(token)


class ReaderPagesRouter:
    def db_for_read(self, model, **hints):
        return _reader_database.get()

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, first, second, **hints):
        return True  # the replicas hold the primary's rows

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == DEFAULT_DB_ALIAS  # replicas follow the primary's schema by replication
