"""Review by event: an event with the claims about it, their citations and the new reference
records they name, as one set a reviewer reads and approves in one decision.

Approving a set is still one ``workflow.approve`` per entry (its own lock, content token,
four-eyes check, log entry and revision), in the order the publication rule needs them:
reference records first, then citations, then claims, then the event.
"""

from django.db.models import Prefetch, Q

from sources.models import Citation

from . import drafts
from .models import Claim, ClaimCitation, Event, Status
from .versioning import REFERENCE_MODELS


def _latest(entry):
    return entry.pending_change or drafts.snapshot_of(entry)


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
        Claim.objects.filter(event=event)
        .filter(Q(status=Status.IN_REVIEW) | Q(citation_links__citation__status=Status.IN_REVIEW))
        .distinct()
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
    event_pks = {event.pk for event in events} | {claim.event_id for claim in claims}
    event_pks |= set(
        ClaimCitation.objects.filter(citation__in=citations).values_list(
            "claim__event_id", flat=True
        )
    )
    if not event_pks:
        return []
    # The events first, bounded, so that only their claims are read.
    shown = list(
        Event.objects.filter(pk__in=event_pks)
        .defer("pending_change")
        .order_by("start_date", "pk")[:queue_size]
    )
    # Links to citations in review, of these events' claims: found from the few citations in
    # review (an EXISTS per claim would be planned as a scan of every link).
    citation_waits = ClaimCitation.objects.filter(
        citation__status=Status.IN_REVIEW, claim__event__in=shown
    ).values("claim_id")
    unapproved_links = ClaimCitation.objects.exclude(citation__status=Status.APPROVED)
    waiting = (
        Claim.objects.filter(event__in=shown)
        .filter(Q(status=Status.IN_REVIEW) | Q(pk__in=citation_waits))
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
    for claim in waiting:
        by_event.setdefault(claim.event_id, []).append(
            {
                "claim": claim,
                "citations": [link.citation for link in claim.citation_links.all()],
            }
        )
    return [{"event": event, "claims": by_event.get(event.pk, [])} for event in shown]
