"""Build a large synthetic record for benchmarks and scale tests, with bulk inserts.

The record looks like a monitor's after years of work: most entries approved, some drafts,
entries in review or sent back, withdrawals, published entries with a pending change, several
versions per entry and a review log. Text is generated, marked as synthetic, and never mixed
with the demo record's facts. Publication state is computed from the rule at the end.
"""

import json
import random
from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.db.models import CharField, SlugField, TextField
from django.utils import timezone
from reversion.models import Revision, Version
from tqdm import tqdm

from events import drafts, publication
from events.figures import implied_kind
from events.models import Actor, Claim, ClaimCitation, Event, EventActor, Place, Status, Transition
from sources.models import Citation, Source

BATCH = 2000
START = date(2012, 1, 1)
# Shares of each review state; "pending" is a live entry with an edit awaiting review.
STATE_MIX = [
    ("approved", 0.84),
    ("pending", 0.03),
    ("draft", 0.05),
    ("in_review", 0.04),
    ("changes_requested", 0.02),
    ("withdrawn", 0.02),
]
REFERENCE_MIX = [("approved", 0.96), ("pending", 0.01), ("draft", 0.02), ("in_review", 0.01)]
WORDS = (
    "convoy patrol camp checkpoint column drone strike ambush market well road town village "
    "base airport clash attack withdrawal reinforcement hostage mine shelling raid negotiation"
).split()


class Command(BaseCommand):
    help = "Fill the database with a synthetic record of the given size (bulk inserts)."

    def add_arguments(self, parser):
        parser.add_argument("--events", type=int, default=1000)
        parser.add_argument("--claims-per-event", type=float, default=10.0)
        parser.add_argument("--links-per-claim", type=float, default=2.5)
        parser.add_argument("--sources", type=int, default=None, help="Default: events / 5.")
        parser.add_argument("--versions", type=int, default=3, help="Versions per entry.")
        parser.add_argument("--seed", type=int, default=2023)
        parser.add_argument("--quiet", action="store_true", help="No progress bar.")

    def handle(self, *args, **options):
        if options["events"] < 1:
            raise CommandError("--events must be at least 1.")
        self.rng = random.Random(options["seed"])
        self.quiet = options["quiet"]
        self.now = timezone.now()
        self.tag = f"s{options['seed']}-{Event.objects.count()}"
        n_events = options["events"]
        n_claims = round(n_events * options["claims_per_event"])
        with transaction.atomic():
            self.editor, self.reviewer = self.accounts()
            actors = self.make(Actor, max(30, n_events // 30), self.actor, REFERENCE_MIX)
            places = self.make(Place, max(25, n_events // 20), self.place, REFERENCE_MIX)
            sources = self.make(
                Source, options["sources"] or max(20, n_events // 5), self.source, REFERENCE_MIX
            )
            citations = self.make(
                Citation, n_events * 2, lambda i: self.citation(i, sources), STATE_MIX
            )
            events = self.make(Event, n_events, lambda i: self.event(i, places), STATE_MIX)
            self.bulk(
                EventActor,
                (
                    EventActor(event_id=event, actor_id=actor, role=role)
                    for event in events
                    for actor, role in self.roles(actors)
                ),
                n_events * 2,
            )
            claims = self.make(Claim, n_claims, lambda i: self.claim(i, events, actors), STATE_MIX)
            self.bulk(
                ClaimCitation,
                self.links(claims, citations, options["links_per_claim"]),
                round(n_claims * options["links_per_claim"]),
            )
            for model in (Actor, Place, Source, Citation, Event, Claim):
                self.history(model, options["versions"])
            self.step("Publication state", publication.refresh_all)
        cache.clear()  # cached public pages are keyed by review steps, not by bulk loads
        if connection.vendor == "postgresql":
            # Fresh bulk loads leave the planner's statistics empty and the visibility map
            # unset (no index-only scans) until autovacuum runs. VACUUM cannot run inside a
            # transaction, as in the tests: there, statistics alone.
            # The bulk updates (versions, pending changes, publication state) leave the
            # indexes of the updated tables at two to three times the size a record built
            # step by step has; rebuilt, as after any bulk load.
            with connection.cursor() as cursor:
                if not connection.in_atomic_block:
                    for model in (Actor, Place, Source, Citation, Event, Claim):
                        cursor.execute(f'REINDEX TABLE "{model._meta.db_table}"')
                cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)")
        self.stdout.write(
            self.style.SUCCESS(
                f"Synthetic record added: {n_events} events, {n_claims} claims, "
                f"{ClaimCitation.objects.count()} citation links in all."
            )
        )

    # People

    def accounts(self):
        User = get_user_model()
        people = []
        for username, group in (
            ("synthetic-editor", "Editors"),
            ("synthetic-reviewer", "Reviewers"),
        ):
            user, _ = User.objects.get_or_create(
                username=username, defaults={"is_staff": True, "email": ""}
            )
            user.set_unusable_password()
            user.save()
            user.groups.add(Group.objects.get(name=group))
            people.append(user)
        return people

    # Rows

    def words(self, count):
        return " ".join(self.rng.choice(WORDS) for _ in range(count))

    def day(self, spread=4000):
        return START + timedelta(days=self.rng.randrange(spread))

    def actor(self, i):
        return Actor(
            name=f"Synthetic armed group {i}",
            slug=f"synthetic-actor-{self.tag}-{i}",
            kind=self.rng.choice(Actor.Kind.values),
            description=f"Synthetic actor: {self.words(8)}.",
        )

    def place(self, i):
        return Place(
            name=f"Synthetic place {i}",
            slug=f"synthetic-place-{self.tag}-{i}",
            region=self.rng.choice(["Kidal", "Gao", "Tombouctou", "Ménaka", "Mopti"]),
            latitude=round(self.rng.uniform(11.0, 24.5), 4),
            longitude=round(self.rng.uniform(-11.5, 4.0), 4),
        )

    def source(self, i):
        return Source(
            name=f"Synthetic outlet {self.tag}-{i}",
            slug=f"synthetic-source-{self.tag}-{i}",
            kind=self.rng.choice(Source.Kind.values),
            country=self.rng.choice(["ML", "FR", "US", "SN", ""]),
            language=self.rng.choice(["fr", "en", "ar"]),
        )

    def citation(self, i, sources):
        published = self.day()
        return Citation(
            source_id=self.rng.choice(sources),
            title=f"Synthetic report {i}: {self.words(6)}",
            url=f"https://synthetic.invalid/{self.tag}/{i}",
            published_on=published,
            accessed_on=published + timedelta(days=self.rng.randrange(400)),
            language=self.rng.choice(["fr", "en", "ar"]),
        )

    def event(self, i, places):
        start = self.day()
        return Event(
            title=f"Synthetic {self.words(3)} {i}",
            slug=f"synthetic-{self.tag}-{i}",
            summary=f"Synthetic event: {self.words(30)}.",
            start_date=start,
            end_date=start + timedelta(days=self.rng.choice([0, 0, 0, 1, 3])),
            place_id=self.rng.choice(places) if self.rng.random() < 0.95 else None,
            event_type=self.rng.choice(Event.Type.values),
        )

    def roles(self, actors):
        return [
            (actor, self.rng.choice(EventActor.Role.values))
            for actor in self.rng.sample(actors, min(2, len(actors)))
        ]

    def claim(self, i, events, actors):
        by_actor = self.rng.random() < 0.6
        low = self.rng.randrange(1, 200) if self.rng.random() < 0.5 else None
        high = low + self.rng.randrange(0, 20) if low is not None else None
        return Claim(
            event_id=self.rng.choice(events),
            text=f"Synthetic claim {i}: {self.words(20)}.",
            claimant_actor_id=self.rng.choice(actors) if by_actor else None,
            claimant_label="" if by_actor else "synthetic local sources",
            kind=self.rng.choice(Claim.Kind.values),
            figure_kind=implied_kind(low, high),
            figure_low=low,
            figure_high=high,
            figure_unit="people killed" if low is not None else "",
            assessment=self.rng.choice(Claim.Assessment.values),
        )

    def links(self, claims, citations, per_claim):
        for claim in claims:
            count = max(1, round(self.rng.gauss(per_claim, 1)))
            for citation in self.rng.sample(citations, min(count, len(citations))):
                yield ClaimCitation(claim_id=claim, citation_id=citation)

    # Bulk work

    def progress(self, total, label):
        return tqdm(total=total, desc=label, unit="rows", disable=self.quiet, file=self.stderr)

    def bulk(self, model, rows, total):
        bar = self.progress(total, model._meta.verbose_name_plural)
        batch = []
        for row in rows:
            batch.append(row)
            if len(batch) == BATCH:
                model.objects.bulk_create(batch)
                bar.update(len(batch))
                batch = []
        model.objects.bulk_create(batch)
        bar.update(len(batch))
        bar.close()

    def make(self, model, count, build, mix):
        """Create ``count`` rows in states drawn from ``mix``; return their primary keys."""
        states, weights = zip(*mix, strict=True)

        def rows():
            for i in range(count):
                row = build(i)
                self.set_state(row, self.rng.choices(states, weights)[0])
                yield row

        before = set(model.objects.values_list("pk", flat=True))
        self.bulk(model, rows(), count)
        return sorted(set(model.objects.values_list("pk", flat=True)) - before)

    def set_state(self, row, state):
        row.last_edited_by = self.editor
        row.last_edited_at = self.now
        if state in ("approved", "pending", "withdrawn"):
            row.first_published_at = self.now - timedelta(days=self.rng.randrange(1, 2000))
            row.last_reviewed_by, row.last_reviewed_at = self.reviewer, self.now
        row.status = {"pending": Status.DRAFT}.get(state, state)
        row.is_live = state in ("approved", "pending")
        if state == "pending":
            # Saved as the row's own content with one field changed, as an edit would be.
            row.pending_change = "pending"

    def history(self, model, versions):
        """Versions and a review log for the model's synthetic rows, and the pending changes."""
        content_type = ContentType.objects.get_for_model(model)
        rows = model.objects.filter(last_edited_by=self.editor, created_at__gte=self.now)
        bar = self.progress(rows.count(), f"history of {model._meta.verbose_name_plural}")
        for start in range(0, rows.count(), BATCH):
            chunk = list(rows.order_by("pk")[start : start + BATCH])
            pending = [row for row in chunk if row.pending_change == "pending"]
            for row in pending:
                snapshot = drafts.snapshot_of(row)
                field = next(
                    name
                    for name, value in snapshot["fields"].items()
                    if isinstance(model._meta.get_field(name), (CharField, TextField))
                    and not isinstance(model._meta.get_field(name), SlugField)
                    and not model._meta.get_field(name).choices
                    and value
                )
                snapshot["fields"][field] = f"{snapshot['fields'][field]} (edited)"
                row.pending_change = snapshot
            model.objects.bulk_update(pending, ["pending_change"])
            revisions = Revision.objects.bulk_create(
                Revision(
                    date_created=self.now - timedelta(days=versions - n),
                    user=self.editor,
                    comment=f"Synthetic version {n + 1}",
                )
                for _row in chunk
                for n in range(versions)
            )
            Version.objects.bulk_create(
                Version(
                    revision=revisions[index * versions + n],
                    object_id=str(row.pk),
                    content_type=content_type,
                    db="default",
                    format="json",
                    serialized_data=self.serialized(row, versions - 1 - n),
                    object_repr=str(row.pk),
                )
                for index, row in enumerate(chunk)
                for n in range(versions)
            )
            Transition.objects.bulk_create(self.log(content_type, row) for row in chunk)
            Transition.objects.bulk_create(
                self.log(content_type, row, approved=True) for row in chunk if row.is_live
            )
            bar.update(len(chunk))
        bar.close()

    def serialized(self, row, age):
        """The row as django-reversion stores it (its content fields); a version ``age``
        versions older than the current one carries an earlier wording of its first text."""
        fields = {
            f.name: f.value_from_object(row)
            for f in row._meta.concrete_fields
            if f.editable and not f.primary_key and f.name not in drafts.WORKFLOW_FIELDS
        }
        fields.update(
            {
                f.name: []
                for f in row._meta.many_to_many
                if f.remote_field.through._meta.auto_created
            }
        )
        if age:
            text_field = next(name for name, value in fields.items() if isinstance(value, str))
            fields[text_field] = f"{fields[text_field]} ({age} versions ago)"
        data = [{"model": row._meta.label_lower, "pk": row.pk, "fields": fields}]
        return json.dumps(data, default=str)

    def log(self, content_type, row, approved=False):
        return Transition(
            content_type=content_type,
            object_id=str(row.pk),
            object_repr=str(row.pk),
            action=Transition.Action.APPROVE if approved else Transition.Action.CREATE,
            from_status=Status.IN_REVIEW if approved else Status.DRAFT,
            to_status=Status.APPROVED if approved else Status.DRAFT,
            user=self.reviewer if approved else self.editor,
        )

    def step(self, label, function):
        if not self.quiet:
            self.stderr.write(f"{label}…")
        function()
