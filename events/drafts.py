"""Snapshots of an entry's content, used for draft over live and for restoring versions.

A snapshot is a JSON-ready dict holding the versioned fields of an entry, its
many-to-many choices and the rows of its inline relations (citation links for a
claim, actor roles for an event)::

    {"fields": {...}, "m2m": {"contradicts": [3, 8]},
     "inlines": {"citation_links": [{"id": 5, "citation": 2, "quote": "…"}, …]}}

While an entry is live, an edit is stored as a snapshot in ``pending_change`` and
the row keeps the approved content; approval applies the snapshot to the row.
"""

import hashlib
import json

from django.core.exceptions import FieldDoesNotExist
from django.core.serializers.json import DjangoJSONEncoder

from .versioning import FOLLOW, WORKFLOW_FIELDS


def _content_fields(model):
    return [
        field
        for field in model._meta.concrete_fields
        if field.editable and not field.primary_key and field.name not in WORKFLOW_FIELDS
    ]


def _m2m_fields(model):
    return [
        field for field in model._meta.many_to_many if field.remote_field.through._meta.auto_created
    ]


def _row_fields(model, parent_fk):
    return [field for field in _content_fields(model) if field.name != parent_fk]


def _jsonable(value):
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def _inline_relation(model, name):
    relation = model._meta.get_field(name)
    return relation.related_model, relation.field.name


def _row_data(row, parent_fk):
    data = {"id": row.pk}
    for field in _row_fields(type(row), parent_fk):
        data[field.name] = field.value_from_object(row)
    return data


def snapshot_of(obj):
    """The entry's content as it stands in the database."""
    model = type(obj)
    snapshot = {
        "fields": {f.name: f.value_from_object(obj) for f in _content_fields(model)},
        "m2m": {
            f.name: sorted(getattr(obj, f.name).values_list("pk", flat=True))
            for f in _m2m_fields(model)
        },
        "inlines": {},
    }
    for name in FOLLOW.get(model, []):
        related_model, parent_fk = _inline_relation(model, name)
        rows = related_model._default_manager.filter(**{parent_fk: obj}).order_by("pk")
        snapshot["inlines"][name] = [_row_data(row, parent_fk) for row in rows]
    return _jsonable(snapshot)


def empty_snapshot(obj):
    """The snapshot of an entry with no content yet, to show a new entry as all added."""
    model = type(obj)
    return {
        "fields": {f.name: None for f in _content_fields(model)},
        "m2m": {f.name: [] for f in _m2m_fields(model)},
        "inlines": {name: [] for name in FOLLOW.get(model, [])},
    }


def content_token(obj, live_snapshot=None):
    """A fingerprint of the entry's stored content: its row (with m2m and inline rows) and
    its pending change. Forms carry it so that a save or a review decision can tell whether
    the content changed since the person opened the page."""
    live = snapshot_of(obj) if live_snapshot is None else live_snapshot
    payload = json.dumps([live, obj.pending_change], sort_keys=True, cls=DjangoJSONEncoder)
    return hashlib.sha256(payload.encode()).hexdigest()[:32]


def _references(model):
    """(key, field) pairs of a snapshot's foreign keys: ("fields", f) and (inline name, f)."""
    for field in _content_fields(model):
        if field.many_to_one:
            yield None, field
    for name in FOLLOW.get(model, []):
        related_model, parent_fk = _inline_relation(model, name)
        for field in _row_fields(related_model, parent_fk):
            if field.many_to_one:
                yield name, field


def referenced_pks(model, snapshot):
    """The primary keys a snapshot points to, by model: {Actor: {3, 8}, Place: {2}}."""
    found = {}
    for inline, field in _references(model):
        rows = [snapshot["fields"]] if inline is None else snapshot["inlines"].get(inline, [])
        for row in rows:
            if row.get(field.name) is not None:
                found.setdefault(field.related_model, set()).add(row[field.name])
    return found


def existing_references(model, snapshot):
    """The snapshot without inline rows and many-to-many choices that point to deleted rows.

    Used when recovering a deleted entry: its links come back where they still can.
    """
    snapshot = json.loads(json.dumps(snapshot))
    for field in _m2m_fields(model):
        if field.name in snapshot["m2m"]:
            wanted = snapshot["m2m"][field.name]
            snapshot["m2m"][field.name] = sorted(
                field.related_model._default_manager.filter(pk__in=wanted).values_list(
                    "pk", flat=True
                )
            )
    for inline, field in _references(model):
        if inline is None or inline not in snapshot["inlines"]:
            continue
        rows = snapshot["inlines"][inline]
        existing = set(
            field.related_model._default_manager.filter(
                pk__in=[row.get(field.name) for row in rows]
            ).values_list("pk", flat=True)
        )
        snapshot["inlines"][inline] = [
            row for row in rows if row.get(field.name) is None or row.get(field.name) in existing
        ]
    return snapshot


def snapshot_from_admin_form(form, formsets, previous=None):
    """The content an admin change form submitted, without saving any of it.

    The form's inlines show the published rows. When a ``previous`` pending change
    exists, rows the editor left untouched keep their pending form (or stay removed),
    and rows that change added are kept: an editor never drops what they could not see.
    """
    obj = form.instance
    model = type(obj)
    snapshot = {
        "fields": {f.name: f.value_from_object(obj) for f in _content_fields(model)},
        "m2m": {
            f.name: sorted(item.pk for item in form.cleaned_data.get(f.name, []))
            for f in _m2m_fields(model)
            if f.name in form.cleaned_data
        },
        "inlines": {},
    }
    for name in FOLLOW.get(model, []):
        related_model, parent_fk = _inline_relation(model, name)
        formset = next((fs for fs in formsets if fs.model is related_model), None)
        if formset is None:
            continue
        pending_rows = None
        if previous is not None and name in previous["inlines"]:
            pending_rows = {row.get("id"): row for row in previous["inlines"][name]}
        rows = []
        for inline_form in formset.forms:
            if formset.can_delete and formset._should_delete_form(inline_form):
                continue
            row_id = inline_form.instance.pk
            if row_id is None and not inline_form.has_changed():
                continue
            if pending_rows is not None and row_id is not None and not inline_form.has_changed():
                if row_id in pending_rows:
                    rows.append(pending_rows[row_id])
                continue
            rows.append(_row_data(inline_form.instance, parent_fk))
        if pending_rows is not None:
            rows.extend(row for row in previous["inlines"][name] if not row.get("id"))
        snapshot["inlines"][name] = rows
    return _jsonable(snapshot)


def _stored_fields(version):
    # Read the stored JSON directly rather than through Django's deserializer, which
    # fails on data that no longer matches the model ("incompatible version data").
    return json.loads(version.serialized_data)[0]["fields"]


def snapshot_from_version(version):
    """The content a django-reversion version recorded, with its followed rows.

    Fields the model no longer has are skipped and fields it gained since are left
    out (so they keep their current value) unless the model says what they meant
    (``stored_content``): versions stored before a migration still show, compare and
    restore.
    """
    model = version._model
    stored = model.stored_content(_stored_fields(version))
    snapshot = {
        "fields": {f.name: stored[f.name] for f in _content_fields(model) if f.name in stored},
        "m2m": {f.name: sorted(stored[f.name]) for f in _m2m_fields(model) if f.name in stored},
        "inlines": {},
    }
    for name in FOLLOW.get(model, []):
        related_model, parent_fk = _inline_relation(model, name)
        row_versions = version.revision.version_set.filter(
            content_type__app_label=related_model._meta.app_label,
            content_type__model=related_model._meta.model_name,
        )
        rows = []
        for row_version in row_versions:
            row_fields = _stored_fields(row_version)
            if str(row_fields.get(parent_fk)) != str(version.object_id):
                continue
            row = {"id": int(row_version.object_id)}
            row.update(
                (f.name, row_fields[f.name])
                for f in _row_fields(related_model, parent_fk)
                if f.name in row_fields
            )
            rows.append(row)
        snapshot["inlines"][name] = sorted(rows, key=lambda row: row["id"])
    return _jsonable(snapshot)


def apply_snapshot(obj, snapshot):
    """Write a snapshot's content to the entry's row and its inline rows."""
    model = type(obj)
    apply_fields(obj, snapshot)
    obj.full_clean(exclude=[f.name for f in model._meta.fields if f.name in WORKFLOW_FIELDS])
    obj.save()
    for name, pks in snapshot["m2m"].items():
        getattr(obj, name).set(pks)
    for name, rows in snapshot["inlines"].items():
        related_model, parent_fk = _inline_relation(model, name)
        existing = related_model._default_manager.filter(**{parent_fk: obj})
        kept_ids = [row["id"] for row in rows if row.get("id")]
        # Delete first so that a row re-added under a new id meets no unique constraint.
        for stale in existing.exclude(pk__in=kept_ids):
            stale.delete()
        current = {row.pk: row for row in existing}
        taken = set(
            related_model._default_manager.filter(pk__in=[row.get("id") for row in rows])
            .exclude(pk__in=current)
            .values_list("pk", flat=True)
        )
        for data in rows:
            row_id = data.get("id")
            row = current.get(row_id)
            if row is None:
                # A row the entry lost since (or a recovered entry's row) comes back under
                # its old id, so links to it stay valid.
                reusable = row_id if row_id and row_id not in taken else None
                row = related_model(pk=reusable, **{parent_fk: obj})
            for field in _row_fields(related_model, parent_fk):
                if field.name in data:
                    setattr(row, field.attname, field.to_python(data[field.name]))
            row.save()


def apply_fields(obj, snapshot):
    """Set the snapshot's field values on ``obj`` in memory, without saving."""
    for name, value in snapshot["fields"].items():
        try:
            field = obj._meta.get_field(name)
        except FieldDoesNotExist:
            continue
        setattr(obj, field.attname, field.to_python(value))
    return obj


def preview(obj, snapshot):
    """An unsaved copy of the entry with the snapshot's fields, for previews."""
    return apply_fields(type(obj)._default_manager.get(pk=obj.pk), snapshot)
