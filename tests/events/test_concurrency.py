"""Real races on PostgreSQL: parallel threads, each with its own connection and transactions.

Every workflow step locks the entry's row (``select_for_update``) and checks the content token
the person saw; the admin change form takes the same lock in ``clean()``. These tests line
threads up on a barrier and let them collide, many times over, and check after every try that
no edit was lost, no approval undone, nothing published that the reviewer did not see, and
that the review log (the Transition rows) matches the rows.

SQLite has no row locks (``select_for_update`` is a no-op) and serialises writers on the whole
file: these tests run on PostgreSQL only. ``transaction=True`` lets the threads see what the
test commits; ``serialized_rollback`` brings back the Editors and Reviewers groups that the
data migrations created, which the flush after each transactional test removes.
"""

import copy
import json
import threading
from collections import Counter
from dataclasses import dataclass
from itertools import pairwise

import pytest
from django.db import connection, transaction
from django.test import Client
from reversion.models import Version

from events import drafts, workflow
from events.models import Claim, Status, Transition
from tests.admin_forms import admin_form_data
from tests.factories import CitationFactory, EventFactory, publish, published_claim

from .helpers import claim_in, draft_claim, pending_edit, transitions_of

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="Races need PostgreSQL's row locks and concurrent transactions",
    ),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

TRIES = 20
TIMEOUT = 30  # seconds: a thread still running after this is stuck (a lock never released)
CONFLICT = "changed this entry after you opened it"


# Running threads against each other


@dataclass
class Outcome:
    value: object = None
    error: BaseException | None = None

    @property
    def ok(self):
        return self.error is None


def race(*tasks):
    """Run each task in its own thread and return their outcomes, in order.

    A task is called with ``line_up``: it reads what its person sees, calls ``line_up()``
    (a barrier all tasks wait at) and then acts, so the actions start together. Each thread
    uses its own database connection, closed when the thread ends.
    """
    barrier = threading.Barrier(len(tasks), timeout=TIMEOUT)
    outcomes = [Outcome() for _ in tasks]

    def run(task, outcome):
        try:
            outcome.value = task(barrier.wait)
        except BaseException as error:  # noqa: BLE001 - reported by the test
            outcome.error = error
            barrier.abort()  # a task that failed before the barrier must not hang the others
        finally:
            connection.close()

    threads = [
        threading.Thread(target=run, args=(task, outcome), daemon=True)
        for task, outcome in zip(tasks, outcomes, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(TIMEOUT)
    assert not any(thread.is_alive() for thread in threads), "a thread is stuck: deadlock?"
    for outcome in outcomes:
        # Anything but a refusal by the workflow is a failure of the test or of the code.
        if outcome.error is not None and not isinstance(outcome.error, workflow.TransitionError):
            raise outcome.error
    return outcomes


def kind(outcome):
    """How a workflow call ended: "ok", "stale" (StaleContent) or "refused"."""
    if outcome.ok:
        return "ok"
    return "stale" if isinstance(outcome.error, workflow.StaleContent) else "refused"


def report(name, tally):
    # Shown with ``pytest -s``: which orders the races actually took.
    print(f"\n{name}: {dict(tally)}")


# What a person sees, and what they do with it


def fresh(pk):
    return Claim.objects.get(pk=pk)


def latest_content(row):
    """The content an editor continues from and a reviewer reads: the pending change if any."""
    return copy.deepcopy(row.pending_change or drafts.snapshot_of(row))


def editing(pk, user, text):
    """A task: read the entry and its token, line up, then save ``text`` through the workflow."""

    def task(line_up):
        row = fresh(pk)
        seen = drafts.content_token(row)
        snapshot = latest_content(row)
        snapshot["fields"]["text"] = text
        line_up()
        return workflow.edit(row, snapshot, by=user, seen=seen)

    return task


def approving(pk, user, seen_by, wait_for=None, **options):
    """A task: read the entry and its token, line up, wait for ``wait_for`` if given, approve.

    What the reviewer read is kept in ``seen_by[user.pk]`` as (token, content).
    """

    def task(line_up):
        row = fresh(pk)
        seen = drafts.content_token(row)
        seen_by[user.pk] = (seen, latest_content(row))
        line_up()
        if wait_for is not None:
            assert wait_for.wait(TIMEOUT)
        return workflow.approve(row, by=user, seen=seen, **options)

    return task


# What must hold after every try


def steps(pk, since=0, action=None):
    found = transitions_of(fresh(pk)).filter(pk__gt=since).order_by("pk")
    return found.filter(action=action) if action else found


def last_step_pk():
    return Transition.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def assert_log_matches(pk):
    """The review log tells the row's story: one chain of statuses ending in the row's own,
    the last step's content and token are the row's, and what is public is what the last
    approval logged."""
    row = fresh(pk)
    log = list(transitions_of(row).order_by("pk"))
    assert log, "no review step logged"
    for before, after in pairwise(log):
        assert after.from_status == before.to_status, (before.action, after.action)
    last = log[-1]
    assert last.to_status == row.status
    assert last.content_token == drafts.content_token(row)
    if last.action != Transition.Action.DISCARD:  # a discard logs what it dropped
        assert last.snapshot == (row.pending_change or drafts.snapshot_of(row))
    approvals = [step for step in log if step.action == Transition.Action.APPROVE]
    assert row.is_live == bool(approvals)  # nothing in these tests withdraws
    if row.is_live:
        assert drafts.snapshot_of(row) == approvals[-1].snapshot


def assert_nowhere(pk, text):
    """``text`` was never saved: not on the row, in its pending change, the log or its history."""
    row = fresh(pk)
    assert row.text != text
    assert text not in json.dumps(row.pending_change)
    for step in transitions_of(row):
        assert text not in json.dumps(step.snapshot), step.action
    for version in Version.objects.get_for_object(row):
        assert text not in version.serialized_data


def assert_published_as_seen(pk, seen_content):
    """The public content is exactly what the approving reviewer read."""
    row = fresh(pk)
    assert row.is_live
    assert drafts.snapshot_of(row) == seen_content


# Fixtures


@pytest.fixture
def record(editor, other_reviewer):
    """A published event and citation that the tries' claims are about."""
    event = publish(EventFactory(), author=editor, approver=other_reviewer)
    citation = publish(CitationFactory(), author=editor, approver=other_reviewer)
    return event, citation


DRAFT, IN_REVIEW = "draft", "in review"
LIVE, PENDING, PENDING_IN_REVIEW = "live", "live, pending change", "live, pending change in review"


def tries(*states):
    """(try number, state) for each try: the states take turns."""
    return [(n, states[n % len(states)]) for n in range(TRIES)]


def claim_for_race(state, record, *, author, approver, n):
    """A fresh claim in ``state``, taken there through the workflow by ``author`` and
    ``approver``, in one transaction: one commit rather than dozens, and nothing half made
    for the threads to see."""
    with transaction.atomic():
        if state in (DRAFT, IN_REVIEW):
            return claim_in(
                Status.DRAFT if state == DRAFT else Status.IN_REVIEW,
                author=author,
                approver=approver,
            )
        event, citation = record
        claim = published_claim(author=author, approver=approver, event=event, citation=citation)
        if state in (PENDING, PENDING_IN_REVIEW):
            pending_edit(claim, by=author, text=f"Pending change, try {n}.")
        if state == PENDING_IN_REVIEW:
            workflow.submit(claim, by=author)
        return claim


# 1. Two editors save the same entry at once


def test_simultaneous_edits_keep_exactly_one_and_refuse_the_other(
    record, editor, other_editor, other_reviewer
):
    tally = Counter()
    # Not live (a draft, an entry in review) and live with a pending change: one edit wins.
    for n, state in tries(DRAFT, PENDING, IN_REVIEW):
        claim = claim_for_race(state, record, author=editor, approver=other_reviewer, n=n)
        published_text = fresh(claim.pk).text
        texts = {editor.pk: f"Editor A's wording, try {n}.", other_editor.pk: f"B's, try {n}."}
        before = last_step_pk()

        outcomes = race(
            editing(claim.pk, editor, texts[editor.pk]),
            editing(claim.pk, other_editor, texts[other_editor.pk]),
        )

        assert sorted(kind(outcome) for outcome in outcomes) == ["ok", "stale"], outcomes
        winner, loser = (editor, other_editor) if outcomes[0].ok else (other_editor, editor)
        tally[state, winner.username] += 1
        row = fresh(claim.pk)
        assert row.status == Status.DRAFT
        assert row.last_edited_by == winner
        if state == PENDING:
            assert row.is_live and row.text == published_text
            assert row.pending_change["fields"]["text"] == texts[winner.pk]
        else:
            assert not row.is_live and row.pending_change is None
            assert row.text == texts[winner.pk]
        assert_nowhere(claim.pk, texts[loser.pk])
        edits = steps(claim.pk, before, Transition.Action.EDIT)
        assert [step.user for step in edits] == [winner]
        assert steps(claim.pk, before).count() == 1
        assert_log_matches(claim.pk)
    report("edit vs edit, winners", tally)


# 2. An editor saves while a reviewer approves


def test_edit_racing_approve_never_publishes_unseen_content(
    record, editor, other_editor, reviewer, other_reviewer
):
    tally = Counter()
    for n, state in tries(IN_REVIEW, PENDING_IN_REVIEW):
        claim = claim_for_race(state, record, author=editor, approver=other_reviewer, n=n)
        published_before = drafts.snapshot_of(fresh(claim.pk))
        text = f"Late wording, try {n}."
        seen_by = {}
        before = last_step_pk()

        edit, approval = race(
            editing(claim.pk, other_editor, text),
            approving(claim.pk, reviewer, seen_by),
        )

        seen_content = seen_by[reviewer.pk][1]
        row = fresh(claim.pk)
        approvals = list(steps(claim.pk, before, Transition.Action.APPROVE))
        edits = list(steps(claim.pk, before, Transition.Action.EDIT))
        assert len(edits) == (1 if edit.ok else 0)
        assert len(approvals) == (1 if approval.ok else 0)
        tally[state, f"approve {kind(approval)}, edit {kind(edit)}"] += 1
        if approval.ok:
            # The approval came first: what it published is what the reviewer read.
            assert approvals[0].user == reviewer
            assert_published_as_seen(claim.pk, seen_content)
            assert row.last_reviewed_by == reviewer
            if edit.ok:
                # The edit came after it, and waits as a pending change.
                assert approvals[0].pk < edits[0].pk
                assert row.status == Status.DRAFT
                assert row.pending_change["fields"]["text"] == text
            else:
                # The approval published a pending change: the edit's starting point is gone.
                assert isinstance(edit.error, workflow.StaleContent)
                assert row.status == Status.APPROVED and row.pending_change is None
                assert_nowhere(claim.pk, text)
        else:
            # The edit came first and sent the entry back to draft: nothing was approved.
            assert isinstance(approval.error, workflow.TransitionError)
            assert edit.ok, "both the edit and the approval were refused"
            assert row.status == Status.DRAFT
            if state == PENDING_IN_REVIEW:
                assert drafts.snapshot_of(row) == published_before
                assert row.pending_change["fields"]["text"] == text
            else:
                assert not row.is_live and row.text == text
        assert_log_matches(claim.pk)
    report("edit vs approve", tally)


# 3. Two reviewers approve at once


def test_simultaneous_approvals_approve_once(record, editor, reviewer, other_reviewer):
    tally = Counter()
    for n, state in tries(IN_REVIEW, PENDING_IN_REVIEW):
        claim = claim_for_race(state, record, author=editor, approver=other_reviewer, n=n)
        seen_by = {}
        notes = {reviewer.pk: f"Note by A, try {n}.", other_reviewer.pk: f"Note by B, try {n}."}
        before = last_step_pk()

        outcomes = race(
            approving(claim.pk, reviewer, seen_by, correction_note=notes[reviewer.pk]),
            approving(claim.pk, other_reviewer, seen_by, correction_note=notes[other_reviewer.pk]),
        )

        assert sorted(kind(outcome) for outcome in outcomes) == ["ok", "refused"], outcomes
        winner = reviewer if outcomes[0].ok else other_reviewer
        tally[state, winner.username] += 1
        approvals = steps(claim.pk, before, Transition.Action.APPROVE)
        assert [step.user for step in approvals] == [winner]
        assert steps(claim.pk, before).count() == 1
        row = fresh(claim.pk)
        assert (row.status, row.is_live, row.pending_change) == (Status.APPROVED, True, None)
        assert row.last_reviewed_by == winner
        assert_published_as_seen(claim.pk, seen_by[winner.pk][1])
        if state == PENDING_IN_REVIEW:
            assert row.correction_note == notes[winner.pk]
        assert_log_matches(claim.pk)
    report("approve vs approve, winners", tally)


# 4. An edit lands while the entry is in review; the reviewer approves what they read before


def test_approval_of_content_read_before_an_edit_is_refused(
    record, editor, other_editor, reviewer, other_reviewer
):
    tally = Counter()
    for n, state in tries(IN_REVIEW, PENDING_IN_REVIEW):
        claim = claim_for_race(state, record, author=editor, approver=other_reviewer, n=n)
        published_before = drafts.snapshot_of(fresh(claim.pk))
        text = f"Wording the reviewer never read, try {n}."
        edited = threading.Event()
        seen_by = {}
        before = last_step_pk()

        def edit_and_resubmit(line_up, pk=claim.pk, text=text, edited=edited):
            # The edit commits, then the editor resubmits while the reviewer approves:
            # the approval meets a draft, or an entry in review again with other content.
            try:
                transition = editing(pk, other_editor, text)(line_up)
            finally:
                edited.set()  # a failed edit must not leave the reviewer waiting
            workflow.submit(fresh(pk), by=other_editor)
            return transition

        edit, approval = race(
            edit_and_resubmit,
            approving(claim.pk, reviewer, seen_by, wait_for=edited),
        )

        assert edit.ok
        assert isinstance(approval.error, workflow.TransitionError), approval
        tally[state, kind(approval)] += 1
        assert not steps(claim.pk, before, Transition.Action.APPROVE).exists()
        row = fresh(claim.pk)
        assert row.status == Status.IN_REVIEW
        if state == PENDING_IN_REVIEW:
            assert drafts.snapshot_of(row) == published_before
            assert row.pending_change["fields"]["text"] == text
        else:
            assert not row.is_live and row.text == text
        assert_log_matches(claim.pk)
    report("approve after an edit, refusals", tally)


# 5. Recovering an entry that still exists, alone or while others work on it


def recovering(version, user):
    """A task: line up, then recover the entry ``version`` is a version of."""

    def task(line_up):
        line_up()
        return workflow.recover(Claim, version, by=user)

    return task


def test_recovering_a_live_entry_is_always_refused(
    record, editor, other_editor, reviewer, other_reviewer
):
    tally = Counter()
    for n, company in tries("alone", "with others"):
        claim = claim_for_race(LIVE, record, author=editor, approver=other_reviewer, n=n)
        version = Version.objects.get_for_object(claim).first()
        published = drafts.snapshot_of(fresh(claim.pk))
        before = last_step_pk()

        def edit_then_discard(line_up, pk=claim.pk, n=n):
            editing(pk, other_editor, f"Passing edit, try {n}.")(line_up)
            return workflow.discard_pending_change(fresh(pk), by=other_editor)

        if company == "alone":
            recoveries = race(recovering(version, editor))
            others = []
        else:
            *recoveries, busy = race(
                recovering(version, editor), recovering(version, reviewer), edit_then_discard
            )
            assert busy.ok
            others = ["edit", "discard"]

        for recovery in recoveries:
            assert kind(recovery) == "refused", recovery
            assert "still exists" in str(recovery.error)
        tally[company, "refused"] += len(recoveries)
        row = fresh(claim.pk)
        assert (row.status, row.is_live, row.pending_change) == (Status.APPROVED, True, None)
        assert drafts.snapshot_of(row) == published
        assert not steps(claim.pk, before, Transition.Action.RECOVER).exists()
        assert [step.action for step in steps(claim.pk, before)] == others
        assert_log_matches(claim.pk)
    report("recover of a live entry", tally)


def test_simultaneous_recoveries_of_a_deleted_entry_recover_it_once(editor, other_editor):
    tally = Counter()
    for _n in range(TRIES):
        claim = draft_claim(author=editor)
        workflow.delete(claim, by=editor)
        version = Version.objects.get_deleted(Claim).get(object_id=str(claim.pk))
        before = last_step_pk()

        outcomes = race(recovering(version, editor), recovering(version, other_editor))

        assert sorted(kind(outcome) for outcome in outcomes) == ["ok", "refused"], outcomes
        tally["recovered once"] += 1
        assert [step.action for step in steps(claim.pk, before)] == ["recover"]
        row = fresh(claim.pk)
        assert (row.status, row.is_live) == (Status.DRAFT, False)
        assert_log_matches(claim.pk)
    report("recover vs recover of a deleted entry", tally)


# 6. Two editors save the same admin change form at once


# The test client records rendered templates through a process-wide signal: a page rendered
# in one thread could show up in another thread's response.context. The GETs, which read the
# context, take turns; the POSTs, which only read status and content, race.
one_page_at_a_time = threading.Lock()


def saving_admin_form(pk, user, text):
    """A task: open the change form as ``user``, line up, then save it with ``text``."""
    url = f"/admin/events/claim/{pk}/change/"

    def task(line_up):
        client = Client()
        client.force_login(user)
        with one_page_at_a_time:
            page = client.get(url)
            assert page.status_code == 200
            data = admin_form_data(page, text=text)
        line_up()
        response = client.post(url, data)
        return response.status_code, response.content.decode()

    return task


def test_simultaneous_admin_saves_keep_one_and_show_the_other_a_conflict(
    record, editor, other_editor, other_reviewer
):
    tally = Counter()
    for n, state in tries(DRAFT, PENDING):
        claim = claim_for_race(state, record, author=editor, approver=other_reviewer, n=n)
        published_text = fresh(claim.pk).text
        texts = {editor.pk: f"Desk A's wording, try {n}.", other_editor.pk: f"B's, try {n}."}
        before = last_step_pk()

        outcomes = race(
            saving_admin_form(claim.pk, editor, texts[editor.pk]),
            saving_admin_form(claim.pk, other_editor, texts[other_editor.pk]),
        )

        statuses = [outcome.value[0] for outcome in outcomes]
        assert sorted(statuses) == [200, 302], statuses
        saved = statuses.index(302)
        winner, loser = (editor, other_editor) if saved == 0 else (other_editor, editor)
        tally[state, winner.username] += 1
        assert CONFLICT in outcomes[1 - saved].value[1]
        row = fresh(claim.pk)
        assert row.last_edited_by == winner
        if state == PENDING:
            assert row.is_live and row.text == published_text
            assert row.pending_change["fields"]["text"] == texts[winner.pk]
        else:
            assert not row.is_live and row.text == texts[winner.pk]
        assert_nowhere(claim.pk, texts[loser.pk])
        assert [step.user for step in steps(claim.pk, before)] == [winner]
        assert_log_matches(claim.pk)
    report("admin save vs admin save, winners", tally)
