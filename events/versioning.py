"""What django-reversion records: every content model, with the rows that belong to it.

Workflow bookkeeping (the pending change and review timestamps) is left out of versions:
a version records content, and the transition log records review.
"""

import reversion
from django.apps import apps

WORKFLOW_FIELDS = [
    "status",
    "is_live",
    "is_public",
    "pending_change",
    "last_edited_by",
    "last_edited_at",
    "first_published_at",
    "last_reviewed_at",
    "last_reviewed_by",
    "correction_note",
    "corrected_at",
    # Derived from the citations by each publication step (events/publication.py).
    "independent_outlets",
    "party_outlets",
    "disputed_by_citation",
]

Actor = apps.get_model("events", "Actor")
Place = apps.get_model("events", "Place")
Event = apps.get_model("events", "Event")
EventActor = apps.get_model("events", "EventActor")
Claim = apps.get_model("events", "Claim")
ClaimCitation = apps.get_model("events", "ClaimCitation")
Source = apps.get_model("sources", "Source")
Citation = apps.get_model("sources", "Citation")

# The rows that belong to an entry: saved, versioned and restored with it.
FOLLOW = {Event: ["actor_roles"], Claim: ["citation_links"]}

# Every reviewed model: the entries, and the reference records whose names they show.
REFERENCE_MODELS = (Actor, Place, Source)
REVIEWED_MODELS = (Event, Claim, Citation, *REFERENCE_MODELS)

for model in (EventActor, ClaimCitation):
    reversion.register(model)
for model in REVIEWED_MODELS:
    reversion.register(model, follow=FOLLOW.get(model, ()), exclude=WORKFLOW_FIELDS)
