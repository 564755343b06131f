"""What an incremental build of the mirror needs to know: the rows each page showed, a digest
of every row's stored values (to find the rows that changed since the last build), and the
build's identity (what else a page's bytes depend on: code, templates, translations, static
files, settings).

A page's rows are the model instances created while it renders (``post_init``): every row a
template can show passes through one. Counts and other aggregates are not instances; the
build covers them by re-rendering the pages of the rows a changed row's own page shows
(building.py).
"""

import hashlib
import importlib
import importlib.metadata
import json
import re
from contextlib import contextmanager
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db.models.signals import post_init
from django.utils import translation

# The project's own packages: their files (code, templates, static files, translations) make
# the pages, so any change to them means a full build.
PROJECT_PACKAGES = ("kidal", "events", "sources", "security", "api", "mirror")
# The settings a page's bytes depend on, besides the files.
OUTPUT_SETTINGS = (
    "KIDAL_SITE_URL",
    "LANGUAGE_CODE",
    "LANGUAGES",
    "TIME_ZONE",
    "USE_TZ",
    "USE_I18N",
    "STATIC_URL",
    "STORAGES",
    "INSTALLED_APPS",
    "MIDDLEWARE",
    "TEMPLATES",
    "LOCALE_PATHS",
    "STATICFILES_DIRS",
    "ROOT_URLCONF",
)
CHUNK = 2000


def row_key(instance):
    """("app_label.model", pk as text) of a model instance, by its table's model."""
    return instance._meta.concrete_model._meta.label_lower, str(instance.pk)


@contextmanager
def loaded_rows(owner=None):
    """Collect the rows instantiated inside the block: yields a set of row keys, and a
    one-item list that receives the key of the row ``owner`` describes, when one is loaded.

    ``owner`` is (model, field attname, value as text): the row a page is about."""
    rows, owners = set(), []

    def note(sender, instance, **kwargs):
        if instance.pk is None:
            return
        key = row_key(instance)
        rows.add(key)
        if owner and not owners and isinstance(instance, owner[0]):
            if str(instance.__dict__.get(owner[1])) == owner[2]:
                owners.append(key)

    post_init.connect(note, weak=False, dispatch_uid="mirror.loaded_rows")
    try:
        yield rows, owners
    finally:
        post_init.disconnect(dispatch_uid="mirror.loaded_rows")


def _digest(values):
    return hashlib.blake2b(repr(values).encode(), digest_size=16).digest()


def _many_to_many(model):
    """{pk: sorted [(relation, other pk), …]} of the auto-created many-to-many tables at
    either end of ``model``: adding such a link changes no row of either end, but can change
    what both ends' pages show."""
    links = {}
    relations = [
        (field, field.m2m_field_name(), field.m2m_reverse_field_name())
        for field in model._meta.many_to_many
    ] + [
        (relation.field, relation.field.m2m_reverse_field_name(), relation.field.m2m_field_name())
        for relation in model._meta.related_objects
        if relation.many_to_many
    ]
    for field, this_end, other_end in relations:
        through = field.remote_field.through
        if not through._meta.auto_created:
            continue  # a model of its own: its rows are tracked like any other
        pairs = through._base_manager.order_by().values_list(f"{this_end}_id", f"{other_end}_id")
        for this, other in pairs.iterator(chunk_size=CHUNK):
            links.setdefault(this, []).append(
                (f"{field.model._meta.label_lower}.{field.name}", other)
            )
    return {pk: sorted(values) for pk, values in links.items()}


def row_digests(label):
    """(pk as text, digest) of every row of the model ``label``, streamed: a digest of its
    stored values, with its many-to-many links."""
    model = apps.get_model(label)
    fields = [field.attname for field in model._meta.concrete_fields]
    pk_index = fields.index(model._meta.pk.attname)
    links = _many_to_many(model)
    rows = model._base_manager.order_by().values_list(*fields)
    for values in rows.iterator(chunk_size=CHUNK):
        pk = values[pk_index]
        yield str(pk), _digest((values, links.get(pk, ())))


def _installed_versions():
    """Versions of Django and of every distribution kidal depends on."""
    names = ["kidal", "Django"]
    names += [
        re.split(r"[\s;<>=!~\[(]", requirement, maxsplit=1)[0]
        for requirement in importlib.metadata.requires("kidal") or ()
    ]
    versions = {}
    for name in names:
        try:
            versions[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            versions[name] = None
    return versions


def _folders():
    folders = [Path(importlib.import_module(name).__file__).parent for name in PROJECT_PACKAGES]
    folders += [Path(folder) for engine in settings.TEMPLATES for folder in engine["DIRS"]]
    folders += [Path(folder) for folder in settings.LOCALE_PATHS]
    # A STATICFILES_DIRS entry is a folder or (prefix, folder).
    folders += [
        Path(entry[1] if isinstance(entry, list | tuple) else entry)
        for entry in settings.STATICFILES_DIRS
    ]
    return sorted({folder.resolve() for folder in folders})


def build_identity():
    """A digest of what, besides the rows and the signing key, a mirror's bytes depend on;
    a build whose identity differs from the last one's renders every page."""
    with translation.override(None):  # the settings' lazy texts, untranslated
        values = {name: getattr(settings, name, None) for name in OUTPUT_SETTINGS}
        described = json.dumps(
            {"settings": values, "versions": _installed_versions()}, default=str, sort_keys=True
        )
    identity = hashlib.sha256(described.encode())
    for folder in _folders():
        for path in sorted(folder.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                identity.update(f"\0{path}\0".encode())
                identity.update(path.read_bytes())
    return identity.hexdigest()
