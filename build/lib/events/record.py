"""The whole record as one portable file, and back: every entry, its review log, its
django-reversion history and the accounts they name, with exact timestamps.

``dump`` writes a Django fixture (JSON, gzipped when the name ends in ``.gz``) that
``restore`` loads into an empty, migrated database of any supported engine. Content types
and permissions are written by natural key, since each database numbers its own; every
other row keeps its primary key, because versions store their content with the ids it
pointed to. Django's own JSON encoder cuts times to the millisecond (``dumpdata`` then loses
the order of steps taken in the same millisecond and the feed's dates), so times are written
to the microsecond here.
"""

import datetime
import gzip
import json

from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.core import serializers
from django.core.management import call_command
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction

from . import export_files

CHUNK_SIZE = 500
# Rows every migrated database makes for itself; the record names them by natural key.
BUILT_BY_MIGRATIONS = {ContentType, Permission}
# Logins in progress are not part of the record.
NOT_KEPT = {Session}
# Rows a migration creates too (the Editors and Reviewers groups) that the record may also
# hold: matched by name on restore rather than by id.
MATCHED_BY_NAME = {Group}
SUFFIXES = (".json", ".json.gz")


class RecordError(Exception):
    """The file or the database cannot take part in a dump or a restore."""


class ExactJSONEncoder(DjangoJSONEncoder):
    def default(self, o):
        if isinstance(o, datetime.datetime | datetime.time):
            return o.isoformat()
        return super().default(o)


def models():
    """Every model whose rows make up the record, in an order that loads by natural key."""
    kept = [
        model
        for model in apps.get_models()
        if model._meta.managed
        and not model._meta.proxy
        and model not in BUILT_BY_MIGRATIONS | NOT_KEPT
    ]
    by_app = {}
    for model in kept:
        by_app.setdefault(model._meta.app_config, []).append(model)
    return serializers.sort_dependencies(by_app.items(), allow_cycles=True)


def _check_name(path):
    if not str(path).endswith(SUFFIXES):
        raise RecordError(f"The file name must end in {' or '.join(SUFFIXES)}.")


def _open(path, mode):
    opener = gzip.open if str(path).endswith(".gz") else open
    return opener(path, mode + "t", encoding="utf-8")


def _objects(model):
    rows = model._base_manager.order_by(model._meta.pk.name)
    chunk = []
    for obj in rows.iterator(chunk_size=CHUNK_SIZE):
        chunk.append(obj)
        if len(chunk) == CHUNK_SIZE:
            yield from _serialized(model, chunk)
            chunk = []
    yield from _serialized(model, chunk)


def _serialized(model, objects):
    return serializers.serialize(
        "python",
        objects,
        use_natural_foreign_keys=True,
        use_natural_primary_keys=model in MATCHED_BY_NAME,
    )


def dump(path):
    """Write the record to ``path``; returns the number of rows written per model label."""
    _check_name(path)
    counts = {}
    # One transaction: a consistent moment of the whole record.
    with transaction.atomic(), _open(path, "w") as out:
        out.write("[")
        first = True
        for model in models():
            counts[model._meta.label] = 0
            for item in _objects(model):
                out.write("\n" if first else ",\n")
                out.write(json.dumps(item, cls=ExactJSONEncoder, ensure_ascii=False))
                counts[model._meta.label] += 1
                first = False
        out.write("\n]\n")
    return counts


def holdings():
    """Labels of the record's models that already hold rows in this database."""
    return [
        model._meta.label
        for model in models()
        if model not in MATCHED_BY_NAME and model._base_manager.exists()
    ]


def restore(path):
    """Load the record in ``path`` into this database, which must hold none yet, then build
    the export files from it."""
    _check_name(path)
    held = holdings()
    if held:
        raise RecordError(
            "The database already holds part of a record ("
            + ", ".join(held)
            + "): restore into an empty, migrated database."
        )
    # loaddata saves rows as they are (no automatic dates), checks every reference once all
    # are in, and resets PostgreSQL's sequences; in one transaction.
    call_command("loaddata", str(path), verbosity=0)
    export_files.build(force=True)
