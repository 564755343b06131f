"""Every admin door of every reviewed model, tried by an editor.

The doors are not listed here: they are read from the project's URL resolver, so a URL added
to a model admin (or to the admin site) is walked as soon as it exists. Each door is tried with
GET and with POSTs an editor could send (empty, confirmations, every review decision with the
token of the current content, every bulk action, the form the page rendered sent back), against
published entries of the six reviewed models. After each request:

* no published entry left the public site, lost its first publication date or had its
  published content changed; its review status changed only through a step the editor may take
  (an edit or a restore of live content goes back to draft as a pending change) and that step
  is in the log;
* no row was deleted;
* no step an editor may not take (approve, request changes, withdraw) was logged;
* the response is not a server error.

Every request runs in a savepoint rolled back once it has been checked, so each one meets the
entries as published.
"""

import inspect
import re
from urllib.parse import urlencode

import pytest
from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.options import BaseModelAdmin
from django.contrib.contenttypes.models import ContentType
from django.contrib.messages import get_messages
from django.db import transaction
from django.urls import URLResolver, get_resolver, resolve
from django.urls.resolvers import RoutePattern
from reversion.models import Version

from events import drafts, workflow
from events.forms import ReviewDecisionForm
from events.history_admin import transitions_for
from events.models import Claim, ClaimCitation, Event, EventActor, Status, Transition
from events.review_admin import ReviewableAdmin
from events.versioning import REVIEWED_MODELS, WORKFLOW_FIELDS
from tests.admin_forms import admin_form_data
from tests.factories import (
    ActorFactory,
    CitationFactory,
    EventActorFactory,
    EventFactory,
    PlaceFactory,
    SourceFactory,
    publish,
    published_claim,
)

pytestmark = pytest.mark.django_db

# Steps only reviewers may take: an editor's request must never log one.
REVIEWER_STEPS = {
    name for name, action in workflow.ACTIONS.items() if action.permission != "change"
}


# The published entries


def draft_reference(factory, **fields):
    return factory(status=Status.DRAFT, is_live=False, first_published_at=None, **fields)


def publish_all(author, approver):
    """One published entry of each reviewed model, each taken through the workflow (so each
    has versions and logged steps), all named by one public claim."""
    actor = publish(draft_reference(ActorFactory), author=author, approver=approver)
    place = publish(draft_reference(PlaceFactory), author=author, approver=approver)
    source = publish(draft_reference(SourceFactory), author=author, approver=approver)
    event = EventFactory(place=place)
    EventActorFactory(event=event, actor=actor)
    citation = CitationFactory(source=source)
    claim = published_claim(
        author=author,
        approver=approver,
        event=event,
        citation=citation,
        claimant_actor=actor,
        claimant_label="",
    )
    entries = {type(entry): entry for entry in (actor, place, source, event, citation, claim)}
    for entry in entries.values():
        entry.refresh_from_db()
    assert set(entries) == set(REVIEWED_MODELS)
    assert all(entry.is_live and entry.status == Status.APPROVED for entry in entries.values())
    return entries


def submit_a_pending_change(entry, *, by):
    """Edit the live ``entry`` (its name, title or text) and send the edit to review."""
    snapshot = drafts.snapshot_of(entry)
    field = next(name for name in ("text", "title", "name") if name in snapshot["fields"])
    snapshot["fields"][field] += " (corrected)"
    workflow.edit(entry, snapshot, by=by)
    workflow.submit(entry, by=by)
    entry.refresh_from_db()
    assert entry.is_live and entry.status == Status.IN_REVIEW and entry.pending_change


@pytest.fixture
def published(other_editor, reviewer):
    return publish_all(other_editor, reviewer)


@pytest.fixture(params=["approved", "pending change in review"])
def published_in_each_state(request, other_editor, reviewer):
    """The published entries as approved, or each with another editor's change in review
    (where approving, requesting changes and discarding are steps the state allows)."""
    entries = publish_all(other_editor, reviewer)
    if request.param != "approved":
        for entry in entries.values():
            submit_a_pending_change(entry, by=other_editor)
    return entries


# The doors, read from the URL resolver


def _walk(patterns, levels, in_admin):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inside = in_admin or entry.namespace == admin.site.name
            yield from _walk(entry.url_patterns, [*levels, entry.pattern], inside)
        elif in_admin:
            yield [*levels, entry.pattern], entry


def owner_of(callback):
    """The model admin (or admin site) whose view ``callback`` is, if any."""
    owner, view = getattr(callback, "model_admin", None), callback
    while owner is None and view is not None:
        owner = getattr(view, "__self__", None)
        view = getattr(view, "__wrapped__", None)
    return owner


def admin_doors():
    """(route levels, URL pattern) of every URL of the admin site, from the project's resolver."""
    return list(_walk(get_resolver().url_patterns, [], False))


def doors_of(model):
    model_admin = admin.site._registry[model]
    return [
        (levels, pattern)
        for levels, pattern in admin_doors()
        if owner_of(pattern.callback) is model_admin
    ]


def site_doors():
    """The admin site's own doors (not those of a model admin)."""
    return [
        (levels, pattern)
        for levels, pattern in admin_doors()
        if not isinstance(owner_of(pattern.callback), BaseModelAdmin)
    ]


GROUP = re.compile(r"\((?:\?P<(\w+)>)?[^()]*\)")
ROUTE_PARAMETER = re.compile(r"<(?:\w+:)?(\w+)>")


def _view_parameters(callback):
    """The names a view gives its URL arguments, for regex groups that have none."""
    names = list(inspect.signature(inspect.unwrap(callback)).parameters)
    return [name for name in names if name not in ("self", "request")]


def build_url(levels, pattern, value):
    """The URL of a door, each parameter filled by ``value(name)``."""
    parts = []
    for level in levels:
        text = str(level)
        if isinstance(level, RoutePattern):
            text = ROUTE_PARAMETER.sub(lambda match: str(value(match[1])), text)
        else:
            unnamed = iter(_view_parameters(pattern.callback))

            def fill(match, unnamed=unnamed):
                return str(value(match[1] or next(unnamed)))

            text = GROUP.sub(fill, text).lstrip("^").removesuffix("$").removesuffix(r"\Z")
        parts.append(text)
    return "/" + "".join(parts)


def door_name(levels, pattern):
    return pattern.name or "".join(str(level) for level in levels)


# What an editor may send


def bulk_actions(model):
    """Every changelist action of the model admin, whatever the person's permissions."""
    return [name for _func, name, _description in admin.site._registry[model]._get_base_actions()]


def payloads(model, entry, page):
    """(label, data) of the POSTs tried on a door whose GET returned ``page``."""
    pk, token = entry.pk, drafts.content_token(entry)
    decision = {
        "seen": token,
        "comment": "Checked against the sources.",
        "correction_note": "A detail was corrected.",
    }
    yield "empty", {}
    yield "delete confirmation", {"post": "yes"}
    yield "recovery confirmation", {"confirm": "on", "comment": "Bring it back."}
    for name, _label in ReviewDecisionForm.ACTION_CHOICES:
        yield f"review decision {name!r}", {"action": name, **decision}
    for name in bulk_actions(model):
        selected = {
            "action": name,
            ACTION_CHECKBOX_NAME: [pk],
            "index": "0",
            "post": "yes",
            "confirm": "yes",
            f"seen-{pk}": token,
            **decision,
        }
        yield f"bulk action {name!r}", selected
        yield f"bulk action {name!r} on all", {**selected, "select_across": "1"}
    context = getattr(page, "context", None)
    if context is not None and "adminform" in context:
        yield "the rendered form sent back", admin_form_data(page)


# What must hold after each request

# The rows that belong to an entry's content, with the columns naming the entry.
CONTENT_ROWS = {
    EventActor: {"event_id": Event},
    ClaimCitation: {"claim_id": Claim},
    Claim.contradicts.through: {"from_claim_id": Claim, "to_claim_id": Claim},
}
# Review bookkeeping, as ``values()`` names it; the rest of a row is its published content.
BOOKKEEPING = {
    field.attname
    for model in REVIEWED_MODELS
    for field in model._meta.concrete_fields
    if field.name in WORKFLOW_FIELDS
} | {"updated_at"}


def picture():
    """Every row of the reviewed models and of their content rows, by model and pk."""
    return {
        model: {row["id"]: row for row in model._default_manager.values()}
        for model in (*REVIEWED_MODELS, *CONTENT_ROWS)
    }


def content(row):
    return {name: value for name, value in row.items() if name not in BOOKKEEPING}


def broken_rules(entries, editor, before, last_step):
    """What the request did that an editor must not be able to do."""
    problems = []
    new_steps = Transition.objects.filter(pk__gt=last_step)
    for step in new_steps:
        if step.action in REVIEWER_STEPS:
            problems.append(f"logged {step.action!r} on {step.object_repr!r}")
        if step.user_id != editor.pk:
            problems.append(f"logged {step.action!r} by {step.user} instead of the editor")
    after = picture()
    for model, rows in before.items():
        deleted = sorted(set(rows) - set(after[model]))
        if deleted:
            problems.append(f"deleted {model._meta.label} {deleted}")
    for model, columns in CONTENT_ROWS.items():
        # The actor roles, citation links and contradictions of published entries: an edit
        # of live content waits in its pending change, it never writes these rows.
        def published_rows(rows, columns=columns):
            return {
                pk: row
                for pk, row in rows.items()
                if any(row[column] == entries[owner].pk for column, owner in columns.items())
            }

        if published_rows(after[model]) != published_rows(before[model]):
            problems.append(f"changed the published {model._meta.verbose_name_plural}")
    for model, entry in entries.items():
        old, new = before[model][entry.pk], after[model].get(entry.pk)
        if new is None:
            continue  # reported as deleted
        name = f"{model._meta.label} {entry.pk}"
        if new["is_live"] is not True:
            problems.append(f"took the {name} off the public site ({new['status']})")
        if new["first_published_at"] != old["first_published_at"]:
            problems.append(f"changed the {name}'s first publication date")
        if content(new) != content(old):
            problems.append(f"changed the published content of the {name}")
        if new["status"] != old["status"]:
            explained = (
                new_steps.filter(
                    content_type=ContentType.objects.get_for_model(model),
                    object_id=str(entry.pk),
                    user=editor,
                    to_status=new["status"],
                )
                .exclude(action__in=REVIEWER_STEPS)
                .exists()
            )
            if not explained:
                problems.append(
                    f"moved the {name} from {old['status']} to {new['status']} "
                    "without a logged step of the editor"
                )
    return problems


def knock(client, editor, entries, method, url, data=None):
    """Send one request in a savepoint rolled back afterwards; what it broke, and the response."""
    with transaction.atomic():
        client.force_login(editor)
        before = picture()
        last_step = Transition.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        response, problems = None, []
        try:
            if method == "GET":
                response = client.get(url)
            else:
                response = client.post(url, data)
        except Exception as error:  # a server error: reported with the others
            problems.append(f"server error: {type(error).__name__}: {error}")
        else:
            if response.status_code >= 500:
                problems.append(f"server error: status {response.status_code}")
        problems += broken_rules(entries, editor, before, last_step)
        transaction.set_rollback(True)
    return response, problems


def arguments_for(entry):
    """What each URL parameter is, for ``entry``: a new parameter must be taught here."""
    version = Version.objects.get_for_object(entry).first()
    step = transitions_for(entry).filter(snapshot__isnull=False).first()
    assert version is not None and step is not None
    values = {
        "object_id": entry.pk,
        "version_id": version.pk,
        "step_id": step.pk,
        "content_type_id": ContentType.objects.get_for_model(entry).pk,
        # The review queue's event set: the entry's own event where it has one.
        "event_id": getattr(entry, "event_id", entry.pk),
        "app_label": entry._meta.app_label,
        "url": "no-such-page/",
    }

    def value(name):
        if name not in values:
            pytest.fail(f"The walk does not know what to put in the URL parameter <{name}>")
        return values[name]

    return value


def walk(client, editor, entries, model, doors, walked=None):
    """Try every door with GET and every payload; the broken rules, one line each.

    URLs in ``walked`` are skipped (and those walked now are added to it)."""
    entry = entries[model]
    value = arguments_for(entry)
    walked = set() if walked is None else walked
    report = []
    for levels, pattern in doors:
        url = build_url(levels, pattern, value)
        if url in walked:
            continue
        walked.add(url)
        match = resolve(url)
        if match.func is not pattern.callback:
            report.append(
                f"{url}: built for {door_name(levels, pattern)} but reaches {match.route}"
            )
            continue
        page, problems = knock(client, editor, entries, "GET", url)
        report += [f"GET {url}: {problem}" for problem in problems]
        for label, data in payloads(model, entry, page):
            _response, problems = knock(client, editor, entries, "POST", url, data)
            report += [f"POST {url} ({label}): {problem}" for problem in problems]
    return report


# The walk


def test_the_walk_finds_every_kind_of_door_of_each_reviewed_model(published):
    expected = {
        "changelist",
        "add",
        "change",
        "delete",
        "history",
        "transition",
        "compare",
        "step_restore",
        "revision",
        "recover",
        "recoverlist",
    }
    for model in REVIEWED_MODELS:
        opts = model._meta
        assert isinstance(admin.site._registry[model], ReviewableAdmin)
        names = {pattern.name for _levels, pattern in doors_of(model)}
        prefix = f"{opts.app_label}_{opts.model_name}_"
        assert {f"{prefix}{name}" for name in expected} <= names, model
        # Django's unnamed redirect from /<id>/ to /<id>/change/ is walked too.
        assert None in names
    assert {pattern.name for _levels, pattern in site_doors()} >= {"review_queue", "audit"}
    assert {"delete_selected", "approve_selected", "submit_selected"} <= set(bulk_actions(Claim))


@pytest.mark.parametrize("model", REVIEWED_MODELS, ids=lambda model: model._meta.label)
def test_no_admin_url_lets_an_editor_unpublish_or_delete_published_content(
    client, editor, published_in_each_state, model
):
    report = walk(client, editor, published_in_each_state, model, doors_of(model))
    assert not report, "\n".join(report)


def test_no_admin_site_url_lets_an_editor_unpublish_or_delete_published_content(
    client, editor, published
):
    # The site's own pages (review queue, audit log, "view on site", the app index…), with
    # each model's entry in their parameters.
    report, walked = [], set()
    for model in REVIEWED_MODELS:
        report += walk(client, editor, published, model, site_doors(), walked)
    assert not report, "\n".join(report)


def test_the_checks_see_what_a_reviewer_may_do_through_the_same_door(
    client, reviewer, other_reviewer, published
):
    # The walk's checks are not blind: a reviewer's withdrawal through the transition door
    # breaks them (it is the reviewer's right, but never an editor's).
    claim = published[Claim]
    data = {
        "action": "withdraw",
        "seen": drafts.content_token(claim),
        "comment": "Retracted.",
        "confirmed": "on",
    }
    url = f"/admin/events/claim/{claim.pk}/transition/"
    _response, problems = knock(client, other_reviewer, published, "POST", url, data)
    assert "logged 'withdraw' on " + repr(str(claim)) in problems
    assert any("off the public site" in problem for problem in problems)
    claim.refresh_from_db()
    assert claim.is_live  # rolled back


# The bulk actions, one by one


def changelist_url(model):
    opts = model._meta
    return f"/admin/{opts.app_label}/{opts.model_name}/"


def messages_of(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


@pytest.mark.parametrize("model", REVIEWED_MODELS, ids=lambda model: model._meta.label)
@pytest.mark.parametrize("action", ["delete_selected", "approve_selected", "submit_selected"])
def test_bulk_actions_posted_by_an_editor_neither_publish_unpublish_nor_delete(
    client, editor, published, model, action
):
    entry = published[model]
    client.force_login(editor)
    before = picture()
    last_step = Transition.objects.order_by("-pk").values_list("pk", flat=True).first()
    data = {
        "action": action,
        ACTION_CHECKBOX_NAME: [entry.pk],
        "index": "0",
        "post": "yes",
        "confirm": "yes",
        f"seen-{entry.pk}": drafts.content_token(entry),
    }
    for sent in (data, {**data, "select_across": "1"}):
        response = client.post(changelist_url(model), sent)
        assert response.status_code in (200, 302, 403), response.status_code
    assert broken_rules(published, editor, before, last_step) == []
    assert picture() == before
    assert not Transition.objects.filter(pk__gt=last_step).exists()


def test_bulk_submit_by_an_editor_tells_why_a_published_entry_is_not_submitted(
    client, editor, published
):
    claim = published[Claim]
    client.force_login(editor)
    response = client.post(
        changelist_url(type(claim)),
        {"action": "submit_selected", ACTION_CHECKBOX_NAME: [claim.pk], "index": "0"},
        follow=True,
    )
    assert response.status_code == 200
    assert any("cannot be sent" in message for message in messages_of(response))
    claim.refresh_from_db()
    assert claim.status == Status.APPROVED and claim.is_live


def test_no_compare_query_lets_an_editor_change_published_content(client, editor, published):
    # The compare page reads its versions from the query string: every token an editor
    # could pick leaves the published entries as they are.
    claim = published[Claim]
    step = transitions_for(claim).filter(snapshot__isnull=False).first()
    version = Version.objects.get_for_object(claim).first()
    base = f"/admin/events/claim/{claim.pk}/history/compare/"
    report = []
    for old in ("", "live", "pending", "current", f"step-{step.pk}", str(version.pk), "step-x"):
        for new in ("live", "current", str(version.pk)):
            url = f"{base}?{urlencode({'from': old, 'to': new})}"
            response, problems = knock(client, editor, published, "GET", url)
            report += [f"GET {url}: {problem}" for problem in problems]
            assert response is None or response.status_code in (200, 400, 404), url
    assert not report, "\n".join(report)
