"""Helpers for the history tests: people, entries with several versions, admin URLs."""

import json

import reversion
from django.contrib.auth import get_user_model
from django.urls import reverse
from reversion.models import Version

from events import drafts, workflow
from tests.factories import CitationFactory, ClaimCitationFactory, ClaimFactory

PASSWORD = "pass-word-1234"


def superuser(username="boss"):
    return get_user_model().objects.create_superuser(username, f"{username}@example.org", PASSWORD)


def versions_of(obj):
    """The entry's versions, newest first (as the history page lists them)."""
    return list(Version.objects.get_for_object(obj).select_related("revision__user"))


def edit_draft(obj, *, by, comment="Edited", **fields):
    """Change an entry that is not live the way an editor would: one revision."""
    snapshot = drafts.snapshot_of(obj)
    snapshot["fields"].update({name: getattr(value, "pk", value) for name, value in fields.items()})
    workflow.edit(obj, snapshot, by=by, comment=comment)
    obj.refresh_from_db()
    return obj


def draft_claim_with_versions(*, by, texts, **fields):
    """A draft claim with one citation link and one version per text, oldest first."""
    claim = ClaimFactory(last_edited_by=by, text=texts[0], **fields)
    ClaimCitationFactory(claim=claim, citation=CitationFactory())
    with reversion.create_revision():
        claim.save()
        reversion.set_user(by)
        reversion.set_comment("Created")
    for text in texts[1:]:
        edit_draft(claim, by=by, text=text, comment=f"Now says {text}")
    return claim


def admin_url(obj, name, *args):
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{name}", args=[obj.pk, *args])


def model_url(model, name):
    opts = model._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{name}")


def history_url(obj):
    return admin_url(obj, "history")


def compare_url(obj, old, new):
    return f"{admin_url(obj, 'compare')}?from={old}&to={new}"


def restore_url(obj, version):
    return admin_url(obj, "revision", version.pk)


def stored_data(version):
    return json.loads(version.serialized_data)


def rewrite_stored_fields(version, change):
    """Rewrite a stored version as an older schema would have written it."""
    data = stored_data(version)
    change(data[0]["fields"])
    version.serialized_data = json.dumps(data)
    version.save(update_fields=["serialized_data"])
    return Version.objects.get(pk=version.pk)


def form_errors(response):
    """The errors an admin form showed, for failure messages."""
    context = getattr(response, "context", None)
    if not context or "adminform" not in context:
        return f"status {response.status_code}"
    errors = [context["adminform"].form.errors]
    for inline in context.get("inline_admin_formsets", []):
        errors.append(inline.formset.errors)
        errors.append(inline.formset.non_form_errors())
    return repr(errors)


def restore(client, obj, version, **data):
    """Open the restore page of ``version`` and confirm it, as a person would."""
    url = restore_url(obj, version)
    page = client.get(url)
    return client.post(url, {"seen": page.context["seen"], **data})
