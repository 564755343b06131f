"""Review by event: an event with the claims about it, their citations and the new reference
records they name, as one set a reviewer reads and approves in one decision.

Approving a set is still one ``workflow.approve`` per entry (its own lock, content token,
four-eyes check, log entry and revision), in the order the publication rule needs them:
reference records first, then citations, then claims, then the event.
"""

from django.db.models import Prefetch, Q
from django.db.models.fields.json import KeyTransform

from sources.models import Citation

from . import drafts
from .models import Claim, ClaimCitation, Event, Status
from .versioning import REFERENCE_MODELS


def _latest(entry):
    return entry.pending_change or drafts.snapshot_of(entry)


def _waiting_about(events):
    """Ids of the claims waiting for review (in review, or linked to a citation in review)
    whose content under review is about one of ``events``: a claim in review with a pending
    change is about the change's event (a change may move a claim to another event); any
    other is about its row's. Two reads, each on an index (one condition with the other
    would be a scan of every claim)."""
    pks = [event.pk for event in events]
    changes = Claim.objects.filter(status=Status.IN_REVIEW, pending_change__isnull=False)
    moved_here = changes.filter(pending_change__fields__event__in=pks)
    # Links to citations in review, of these events' claims: found from the few citations in
    # review (an EXISTS per claim would be planned as a scan of every link).
    citation_waits = ClaimCitation.objects.filter(
        citation__status=Status.IN_REVIEW, claim__event__in=pks
    ).values("claim_id")
    by_row = (
        Claim.objects.filter(event__in=pks)
        .filter(Q(status=Status.IN_REVIEW) | Q(pk__in=citation_waits))
        .exclude(pk__in=changes.filter(event__in=pks).values("pk"))
    )
    return {
        *moved_here.order_by().values_list("pk", flat=True),
        *by_row.order_by().values_list("pk", flat=True),
    }


def with_latest_event(claims):
    """``claims`` with ``moved_to``: the event their pending change names, read without
    loading the whole change (``latest_event`` reads it)."""
    return claims.annotate(moved_to=KeyTransform("event", KeyTransform("fields", "pending_change")))


def latest_event(moved_to, event_id, status):
    """The id of the event a claim's content under review is about (see _waiting_about)."""
    return moved_to if status == Status.IN_REVIEW and isinstance(moved_to, int) else event_id


def _references_in_review(entries):
    """Actors, places and sources in review that the entries' latest content names."""
    found = {}
    for entry in entries:
        for model, pks in drafts.referenced_pks(type(entry), _latest(entry)).items():
            if model in REFERENCE_MODELS:
                found.setdefault(model, set()).update(pks)
    return [
        record
        for model in REFERENCE_MODELS
        if model in found
        for record in model._default_manager.filter(
            pk__in=found[model], status=Status.IN_REVIEW
        ).order_by("pk")
    ]


def review_set(event):
    """The entries in review that publishing ``event`` with its claims involves, in the order
    they are approved: reference records, citations, claims, the event."""
    claims = list(
        Claim.objects.filter(pk__in=_waiting_about([event]))
        .select_related("claimant_actor", "event")
        .order_by("pk")
    )
    citation_pks = set()
    for claim in claims:
        citation_pks |= drafts.referenced_pks(Claim, _latest(claim)).get(Citation, set())
    citations = list(
        Citation.objects.filter(pk__in=citation_pks, status=Status.IN_REVIEW)
        .select_related("source")
        .order_by("pk")
    )
    claims = [claim for claim in claims if claim.status == Status.IN_REVIEW]
    own = [event] if event.status == Status.IN_REVIEW else []
    references = _references_in_review([*citations, *claims, *own])
    return [*references, *citations, *claims, *own]


def queue_groups(events, claims, citations, queue_size):
    """The review queue's groups by event, from the entries it shows (each list bounded):
    [{"event", "claims": [{"claim", "citations"}]}], with a constant number of queries."""
    # Each claim counts for the event its latest content is about.
    event_pks = {event.pk for event in events}
    for related in (
        Claim.objects.filter(pk__in=[claim.pk for claim in claims]),
        Claim.objects.filter(citation_links__citation__in=citations),
    ):
        rows = with_latest_event(related).order_by().values_list("moved_to", "event_id", "status")
        event_pks |= {latest_event(*row) for row in rows}
    if not event_pks:
        return []
    # The events first, bounded, so that only their claims are read.
    shown = list(
        Event.objects.filter(pk__in=event_pks)
        .defer("pending_change")
        .order_by("start_date", "pk")[:queue_size]
    )
    unapproved_links = ClaimCitation.objects.exclude(citation__status=Status.APPROVED)
    waiting_claims = (
        with_latest_event(Claim.objects.filter(pk__in=_waiting_about(shown)))
        .select_related("claimant_actor")
        .defer("pending_change")
        .prefetch_related(
            Prefetch(
                "citation_links",
                queryset=unapproved_links.select_related("citation__source").defer(
                    "citation__pending_change"
                ),
            )
        )
        .order_by("pk")
    )
    by_event = {}
    for claim in waiting_claims:
        by_event.setdefault(latest_event(claim.moved_to, claim.event_id, claim.status), []).append(
            {
                "claim": claim,
                "citations": [link.citation for link in claim.citation_links.all()],
            }
        )
    return [{"event": event, "claims": by_event.get(event.pk, [])} for event in shown]
