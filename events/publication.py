"""The publication state every reviewed row carries in ``is_public``.

The rule itself lives in each model's ``meets_publication_rule()``. Deriving it on every
request costs nested subqueries over claims, links and citations, so the workflow evaluates it
when content changes instead: each review step calls ``refresh_around`` inside its own
transaction, for every row whose public state the step can change (the entry, and the rows
the rule links it to, before and after the step). ``public()`` then reads one indexed column.
``inconsistencies`` compares the stored state with the rule, for the check command and tests.

Each claim's corroboration (``Claim.CORROBORATION``) is derived from the same rows and stored
by the same steps: the claims a step can make public or not are those whose backing it changes.
"""

from django.apps import apps
from django.db.models import Exists, OuterRef

CHUNK = 500


def _models():
    get = apps.get_model
    return {
        "claims": get("events", "Claim"),
        "events": get("events", "Event"),
        "citations": get("sources", "Citation"),
        "sources": get("sources", "Source"),
        "actors": get("events", "Actor"),
        "places": get("events", "Place"),
    }


def _ids(queryset, field="pk"):
    return set(queryset.values_list(field, flat=True).distinct().order_by())


def neighbourhood(entry):
    """The rows whose public state can depend on ``entry``, by kind: {"claims": {…}, …}."""
    models = _models()
    Claim, Event = models["claims"], models["events"]
    Citation, EventActor = models["citations"], apps.get_model("events", "EventActor")
    kind = {model: name for name, model in models.items()}[type(entry)]
    rows = {name: set() for name in models}
    rows[kind].add(entry.pk)
    # Every rule runs through claims: find the claims the entry can affect.
    if kind == "events":
        rows["claims"] |= _ids(Claim.objects.filter(event=entry))
    elif kind == "citations":
        rows["claims"] |= _ids(Claim.objects.filter(citation_links__citation=entry))
        # Corroboration counts a republication as its original's outlet.
        rows["claims"] |= _ids(Claim.objects.filter(citation_links__citation__republishes=entry))
    elif kind == "sources":
        rows["citations"] |= _ids(Citation.objects.filter(source=entry))
        rows["claims"] |= _ids(Claim.objects.filter(citation_links__citation__source=entry))
        rows["claims"] |= _ids(
            Claim.objects.filter(citation_links__citation__republishes__source=entry)
        )
    elif kind == "actors":
        rows["claims"] |= _ids(Claim.objects.filter(claimant_actor=entry))
    elif kind == "places":
        rows["events"] |= _ids(Event.objects.filter(place=entry))
        rows["claims"] |= _ids(Claim.objects.filter(event__place=entry))
    # Then what those claims make public, or stop making public.
    claims = Claim.objects.filter(pk__in=rows["claims"])
    rows["events"] |= _ids(claims, "event")
    rows["citations"] |= _ids(claims.exclude(citation_links=None), "citation_links__citation")
    rows["actors"] |= _ids(claims.exclude(claimant_actor=None), "claimant_actor")
    events = Event.objects.filter(pk__in=rows["events"])
    rows["places"] |= _ids(events.exclude(place=None), "place")
    rows["actors"] |= _ids(EventActor.objects.filter(event__in=events), "actor")
    rows["sources"] |= _ids(Citation.objects.filter(pk__in=rows["citations"]), "source")
    return rows


def merge(*neighbourhoods):
    merged = {}
    for rows in neighbourhoods:
        for name, ids in rows.items():
            merged.setdefault(name, set()).update(ids)
    return merged


def refresh(rows):
    """Store the rule's answer in ``is_public`` for the given rows; only changed rows are
    written (and so locked)."""
    for name, model in _models().items():
        ids = sorted(rows.get(name, ()))
        if not ids:
            continue
        manager = model._default_manager
        # One read per chunk asks the rule for every row; writes are for the few it changes.
        meets = Exists(manager.meets_publication_rule().filter(pk=OuterRef("pk")))
        for start in range(0, len(ids), CHUNK):
            answers = manager.filter(pk__in=ids[start : start + CHUNK]).annotate(meets=meets)
            changed = {True: [], False: []}
            for pk, stored, wanted in answers.values_list("pk", "is_public", "meets"):
                if stored != wanted:
                    changed[wanted].append(pk)
            for value, pks in changed.items():
                if pks:
                    manager.filter(pk__in=pks, is_public=not value).update(is_public=value)
    refresh_corroboration(rows.get("claims", ()))


def _corroboration_changes(claims):
    """{stored values: [claim pk, …]} for the claims whose stored corroboration differs from
    the rule's answer."""
    Claim = apps.get_model("events", "Claim")
    stored, computed = list(Claim.CORROBORATION), list(Claim.CORROBORATION.values())
    changes = {}
    for row in claims.with_computed_corroboration().values("pk", *stored, *computed):
        wanted = tuple(row[name] for name in computed)
        if wanted != tuple(row[name] for name in stored):
            changes.setdefault(wanted, []).append(row["pk"])
    return changes


def refresh_corroboration(claim_ids=None):
    """Store each claim's corroboration (all claims when ``claim_ids`` is None); only changed
    rows are written, one UPDATE per distinct answer."""
    Claim = apps.get_model("events", "Claim")
    if claim_ids is None:
        chunks = [Claim.objects.all()]
    else:
        ids = sorted(claim_ids)
        chunks = [
            Claim.objects.filter(pk__in=ids[start : start + CHUNK])
            for start in range(0, len(ids), CHUNK)
        ]
    for claims in chunks:
        for values, pks in _corroboration_changes(claims).items():
            for start in range(0, len(pks), CHUNK):
                Claim.objects.filter(pk__in=pks[start : start + CHUNK]).update(
                    **dict(zip(Claim.CORROBORATION, values, strict=True))
                )


def refresh_all(corroboration=True):
    """Re-evaluate every row: for migrations and the repair command. Migrations older than
    the corroboration columns pass ``corroboration=False``."""
    for model in _models().values():
        meets = Exists(model._default_manager.meets_publication_rule().filter(pk=OuterRef("pk")))
        model._default_manager.filter(is_public=False).filter(meets).update(is_public=True)
        model._default_manager.filter(is_public=True).exclude(meets).update(is_public=False)
    if corroboration:
        refresh_corroboration()


def inconsistencies():
    """Rows whose stored public state differs from the rule: {model label: [pk, …]}."""
    found = {}
    for model in _models().values():
        manager = model._default_manager
        rule = manager.meets_publication_rule()
        wrong = _ids(manager.filter(is_public=True).exclude(pk__in=rule.values("pk")))
        wrong |= _ids(manager.filter(is_public=False, pk__in=rule.values("pk")))
        if wrong:
            found[model._meta.label] = sorted(wrong)
    # A claim's corroboration is stored by the steps that can make it public or change its
    # backing; what an unpublished claim holds is refreshed when it is approved.
    stale = _corroboration_changes(apps.get_model("events", "Claim").objects.public())
    if stale:
        found["corroboration of events.Claim"] = sorted(pk for pks in stale.values() for pk in pks)
    return found
