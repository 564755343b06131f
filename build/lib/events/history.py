"""Differences between two snapshots of an entry (see events/drafts.py), for people to read."""

import difflib
import re

from django.core.exceptions import FieldDoesNotExist
from django.utils.html import format_html_join
from django.utils.translation import gettext as _

TOKEN = re.compile(r"\s+|\w+|[^\w\s]", re.UNICODE)


def word_diff(old, new):
    """HTML marking words removed (<del>) and added (<ins>) between two texts."""
    old_tokens, new_tokens = TOKEN.findall(old or ""), TOKEN.findall(new or "")
    parts = []
    matcher = difflib.SequenceMatcher(a=old_tokens, b=new_tokens, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            parts.append(("span", "".join(old_tokens[a1:a2])))
            continue
        if op in ("delete", "replace"):
            parts.append(("del", "".join(old_tokens[a1:a2])))
        if op in ("insert", "replace"):
            parts.append(("ins", "".join(new_tokens[b1:b2])))
    return format_html_join("", "<{0}>{1}</{0}>", parts)


def _display(field, value):
    if value in (None, ""):
        return ""
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if field.is_relation:
        target = field.related_model._default_manager.filter(pk=value).first()
        return str(target) if target else _("(deleted #%(pk)s)") % {"pk": value}
    return str(value)


def _describe_pks(field, pks):
    if field is None:
        return ", ".join(map(str, sorted(pks)))
    return "; ".join(str(obj) for obj in field.related_model._default_manager.filter(pk__in=pks))


def _row_label(model, row):
    described = [
        _display(model._meta.get_field(name), value)
        for name, value in row.items()
        if name != "id" and value not in ("", None)
    ]
    return " · ".join(described)


def snapshot_diff(model, old, new):
    """The changed fields, many-to-many choices and inline rows, each with an HTML diff."""
    changes = []
    # A field only one side recorded (added or removed by a migration) is not a change:
    # restoring such a version keeps the current value.
    for name in sorted(set(old["fields"]) & set(new["fields"]), key=_field_order(model)):
        before, after = old["fields"].get(name), new["fields"].get(name)
        if before == after:
            continue
        field = _field(model, name)
        if field is None:
            label = name
            before_text, after_text = str(before or ""), str(after or "")
        else:
            label = str(field.verbose_name)
            before_text, after_text = _display(field, before), _display(field, after)
        changes.append({"label": label, "diff": word_diff(before_text, after_text)})
    for name in sorted(set(old["m2m"]) & set(new["m2m"])):
        before, after = set(old["m2m"].get(name, [])), set(new["m2m"].get(name, []))
        if before == after:
            continue
        field = _field(model, name)
        changes.append(
            {
                "label": str(field.verbose_name) if field else name,
                "diff": word_diff(_describe_pks(field, before), _describe_pks(field, after)),
            }
        )
    for name in sorted(set(old["inlines"]) | set(new["inlines"])):
        changes.extend(
            _inline_changes(model, name, old["inlines"].get(name, []), new["inlines"].get(name, []))
        )
    return changes


def _inline_changes(model, name, old_rows, new_rows):
    relation = _field(model, name)
    related_model = relation.related_model
    label = str(related_model._meta.verbose_name)
    old_by_id = {row.get("id"): row for row in old_rows if row.get("id")}
    new_ids = {row.get("id") for row in new_rows if row.get("id")}
    changes = []
    for row in new_rows:
        before = old_by_id.get(row.get("id"))
        if before is None:
            changes.append(
                {
                    "label": _("%(row)s added") % {"row": label},
                    "diff": word_diff("", _row_label(related_model, row)),
                }
            )
        elif any(before[key] != row[key] for key in before.keys() & row.keys()):
            changes.append(
                {
                    "label": _("%(row)s changed") % {"row": label},
                    "diff": word_diff(
                        _row_label(related_model, before), _row_label(related_model, row)
                    ),
                }
            )
    for row_id, row in old_by_id.items():
        if row_id not in new_ids:
            changes.append(
                {
                    "label": _("%(row)s removed") % {"row": label},
                    "diff": word_diff(_row_label(related_model, row), ""),
                }
            )
    return changes


def _field(model, name):
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:  # removed by a migration since the version was stored
        return None


def _field_order(model):
    order = {field.name: index for index, field in enumerate(model._meta.get_fields())}
    return lambda name: (order.get(name, len(order)), name)
