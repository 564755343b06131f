"""Load the Kidal offensive demo record and the demo accounts.

The record is read from events/demo/kidal_offensive.json. Entries already present
are left alone, so running the command twice creates nothing twice.
"""

import json
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import reversion
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test.utils import override_settings
from tqdm import tqdm

from events import drafts, export_files, workflow
from events.models import Actor, Claim, ClaimCitation, Event, EventActor, Place, Status
from sources.models import Citation, Source

DATA_FILE = Path(__file__).resolve().parents[2] / "demo" / "kidal_offensive.json"

DEMO_ACCOUNTS = [
    # username, password, group, superuser
    ("editor", "kidal-editor-2023", "Editors", False),
    ("reviewer", "kidal-reviewer-2023", "Reviewers", False),
    ("reviewer2", "kidal-reviewer2-2023", "Reviewers", False),
    ("admin", "kidal-admin-2023", None, True),
]


def _date(value):
    return date.fromisoformat(value) if value else None


class Command(BaseCommand):
    help = "Load the Kidal offensive demo record and create demo accounts (DEBUG only)."

    def add_arguments(self, parser):
        parser.add_argument("--file", default=str(DATA_FILE), help="The demo dataset (JSON).")

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError(
                "Refusing to create demo accounts with known passwords while DEBUG is off."
            )
        data = json.loads(Path(options["file"]).read_text(encoding="utf-8"))
        # Review notifications for demo content would only flood the console.
        with (
            override_settings(
                EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
                # The export files are built once the record is in, before the command ends.
                KIDAL_EXPORTS_IN_BACKGROUND=False,
            ),
            transaction.atomic(),
        ):
            users = self.create_accounts()
            self.editor, self.reviewer = users["editor"], users["reviewer"]
            self.created = {
                "actors": 0,
                "places": 0,
                "sources": 0,
                "citations": 0,
                "events": 0,
                "claims": 0,
            }
            actors = self.load_actors(data["actors"])
            places = self.load_places(data["places"])
            sources = self.load_sources(data["sources"], actors)
            citations = self.load_citations(data["citations"], sources)
            events = self.load_events(data["events"], places, actors)
            self.load_claims(data["claims"], events, actors, citations)
        export_files.build()
        created = ", ".join(f"{count} {name}" for name, count in self.created.items())
        self.stdout.write(self.style.SUCCESS(f"Demo record loaded (new: {created})."))
        if not self.new_accounts:
            self.stdout.write("The demo accounts existed already; their passwords are unchanged.")
            return
        # Printed only when created: a password changed since is nobody's business here.
        self.stdout.write("Demo accounts (log in at /admin/):")
        for username, password, group, superuser in DEMO_ACCOUNTS:
            if username in self.new_accounts:
                role = "superuser" if superuser else group
                self.stdout.write(f"  {username:<10} {password:<22} {role}")

    def create_accounts(self):
        User = get_user_model()
        users = {}
        self.new_accounts = set()
        for username, password, group, superuser in DEMO_ACCOUNTS:
            user, created = User.objects.get_or_create(
                username=username,
                defaults={
                    "email": f"{username}@example.org",
                    "is_staff": True,
                    "is_superuser": superuser,
                },
            )
            if created:
                user.set_password(password)
                user.save()
                self.new_accounts.add(username)
            if group:
                user.groups.add(Group.objects.get(name=group))
            users[username] = user
        return users

    def progress(self, rows, total, kind):
        """Rows with a progress bar on the terminal (none when the output is not one)."""
        return tqdm(rows, total=total, desc=kind, unit=" rows", leave=False, disable=None)

    def _new(self, kind):
        self.created[kind] += 1

    def load_actors(self, rows):
        actors = {}
        for row in self.progress(_parents_first(rows), len(rows), "actors"):
            actor, created = self._create_entry(
                Actor,
                {"slug": row["slug"]},
                {
                    "name": row["name"],
                    "kind": row["kind"],
                    "aliases": "\n".join(row["aliases"]),
                    "description": row["description"],
                    "parent": actors[row["parent"]] if row["parent"] else None,
                    "side": row.get("side", ""),
                },
            )
            if created:
                self._new("actors")
                self._review(actor, row)
            actors[row["slug"]] = actor
        return actors

    def load_places(self, rows):
        places = {}
        for row in self.progress(rows, len(rows), "places"):
            place, created = self._create_entry(
                Place,
                {"slug": row["slug"]},
                {
                    "name": row["name"],
                    "alternative_names": "\n".join(row["alternative_names"]),
                    "region": row["region"],
                    "latitude": row["latitude"],
                    "longitude": row["longitude"],
                    "coordinate_precision": row["coordinate_precision"],
                },
            )
            if created:
                self._new("places")
                self._review(place, row)
            places[row["slug"]] = place
        return places

    def load_sources(self, rows, actors):
        sources = {}
        for row in self.progress(rows, len(rows), "sources"):
            source, created = self._create_entry(
                Source,
                {"slug": row["slug"]},
                {
                    "name": row["name"],
                    "kind": row["kind"],
                    "country": row["country"],
                    "language": row["language"],
                    "is_party": row["is_party"],
                    "side": row.get("side", ""),
                    "aliases": "\n".join(row["aliases"]),
                    "website": row["website"],
                    "actor": actors[row["actor"]] if row["actor"] else None,
                },
            )
            if created:
                self._new("sources")
                self._review(source, row)
            sources[row["slug"]] = source
        return sources

    @contextmanager
    def revision(self):
        """One revision by the demo editor; saved only if something in it was saved."""
        with reversion.create_revision():
            reversion.set_user(self.editor)
            reversion.set_comment("Loaded from the demo dataset")
            yield

    def _create_entry(self, model, lookup, defaults, rows=()):
        """Create one reviewed entry (with its inline rows) as the demo editor, in one revision."""
        existing = model._default_manager.filter(**lookup).first()
        if existing:
            return existing, False
        with self.revision():
            entry = model(**lookup, **defaults)
            entry.full_clean(validate_unique=False)

            def save():
                entry.save()
                for row in rows:
                    row.save_for(entry)

            workflow.create(
                entry, by=self.editor, save=save, comment="Loaded from the demo dataset"
            )
        return entry, True

    def _review(self, entry, row):
        """Take a new entry to the state the dataset gives it, through the real workflow."""
        status = row.get("status", Status.APPROVED)
        if status == Status.DRAFT:
            return
        workflow.submit(entry, by=self.editor)
        if status == Status.CHANGES_REQUESTED:
            workflow.request_changes(entry, by=self.reviewer, comment=row["review_comment"])
            return
        if status == Status.IN_REVIEW:
            return
        workflow.approve(entry, by=self.reviewer)
        if status == Status.WITHDRAWN:
            workflow.withdraw(entry, by=self.reviewer, comment=row["withdraw_reason"])

    def load_citations(self, rows, sources):
        citations = {}
        for row in self.progress(rows, len(rows), "citations"):
            citation, created = self._create_entry(
                Citation,
                {
                    "source": sources[row["source"]],
                    "title": row["title"],
                    "published_on": _date(row["published_on"]),
                },
                {
                    "kind": row["kind"],
                    "url": row["url"],
                    "author": row["author"],
                    "published_precision": row.get("published_precision") or "day",
                    "accessed_on": _date(row["accessed_on"]),
                    "language": row["language"],
                    "archive_url": row["archive_url"],
                    "archived_on": _date(row["archived_on"]),
                },
            )
            if created:
                self._new("citations")
                self._review(citation, row)
            citations[row["key"]] = citation
        return citations

    def load_events(self, rows, places, actors):
        events = {}
        new_rows = []
        for row in self.progress(_parents_first(rows), len(rows), "events"):
            roles = [
                _Inline(EventActor, "event", actor=actors[item["actor"]], role=item["role"])
                for item in row["actors"]
            ]
            event, created = self._create_entry(
                Event,
                {"slug": row["slug"]},
                {
                    "title": row["title"],
                    "summary": row["summary"],
                    "start_date": _date(row["start_date"]),
                    "date_precision": row["date_precision"],
                    "end_date": _date(row["end_date"]),
                    "place": places[row["place"]] if row["place"] else None,
                    "event_type": row["event_type"],
                    "parent": events[row["parent"]] if row["parent"] else None,
                },
                roles,
            )
            if created:
                self._new("events")
                new_rows.append((event, row))
            events[row["slug"]] = event
        for event, row in new_rows:
            self._review(event, row)
        return events

    def load_claims(self, rows, events, actors, citations):
        claims = {}
        new_rows = []
        for row in self.progress(rows, len(rows), "claims"):
            links = [
                _Inline(
                    ClaimCitation,
                    "claim",
                    citation=citations[item["citation"]],
                    quote=item["quote"],
                    quote_language=item["quote_language"],
                    translation=item["translation"],
                    locator=item["locator"],
                    stance=item["stance"],
                    reported_by=citations[item["reported_by"]] if item.get("reported_by") else None,
                )
                for item in row["citations"]
            ]
            claim, created = self._create_entry(
                Claim,
                {"event": events[row["event"]], "text": row["text"]},
                {
                    "claimant_actor": actors[row["claimant_actor"]]
                    if row["claimant_actor"]
                    else None,
                    "claimant_label": row["claimant_label"],
                    "kind": row["kind"],
                    "figure_kind": row["figure_kind"],
                    "figure_low": row["figure_low"],
                    "figure_high": row["figure_high"],
                    "figure_unit": row["figure_unit"],
                    "assessment": row["assessment"],
                    "assessment_note": row["assessment_note"],
                },
                links,
            )
            if created:
                self._new("claims")
                new_rows.append((claim, row))
            claims[row["key"]] = claim
        for claim, row in new_rows:
            if row.get("contradicts"):
                with self.revision():
                    others = [claims[key] for key in row["contradicts"]]
                    claim.contradicts.add(*others)
                    # Many-to-many changes send no save signal: name the claims involved.
                    for changed in (claim, *others):
                        reversion.add_to_revision(changed)
        for claim, row in new_rows:
            self._review(claim, row)
            if "pending_change" in row:
                change = row["pending_change"]
                snapshot = drafts.snapshot_of(claim)
                snapshot["fields"]["text"] = change["text"]
                workflow.edit(claim, snapshot, by=self.editor, comment=change["comment"])
                workflow.submit(claim, by=self.editor, comment=change["comment"])
        return claims


def _parents_first(rows):
    """Order events (or actors) so that each comes after the one it is part of."""
    placed, ordered, waiting = set(), [], list(rows)
    while waiting:
        ready = [row for row in waiting if not row["parent"] or row["parent"] in placed]
        if not ready:
            raise CommandError(
                "Entries whose parents are missing or form a cycle: "
                + ", ".join(row["slug"] for row in waiting)
            )
        for row in ready:
            placed.add(row["slug"])
            ordered.append(row)
        waiting = [row for row in waiting if row["slug"] not in placed]
    return ordered


class _Inline:
    """An inline row (an actor role, a citation link) waiting for its parent entry."""

    def __init__(self, model, parent_field, **values):
        self.model, self.parent_field, self.values = model, parent_field, values

    def save_for(self, parent):
        row = self.model(**{self.parent_field: parent}, **self.values)
        row.full_clean(validate_unique=False)
        row.save()
