"""Published versions of events and claims, and the corrections log.

Every approval logs the content it published (``Transition.snapshot``, the approved content
after the step): those approvals are an entry's published versions, and each has a permanent
address. An approval of a change to published content may carry a correction note; every such
note stays in the log, so an entry lists all its corrections, newest first.

Only approvals are ever read here, and only of entries readers can see: a pending change or a
draft is never a published version.
"""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField, Q
from django.db.models.functions import Cast
from django.urls import reverse
from django.utils import timezone

from .models import Claim, Event, Transition

# The work a citation of this site names, the same in every language.
SITE_TITLE = "Kidal offensive record"
VERSIONED = (Event, Claim)


def approvals():
    return Transition.objects.filter(action=Transition.Action.APPROVE, snapshot__isnull=False)


def approvals_of(entry):
    """The entry's published versions: its approvals, newest first."""
    return (
        approvals()
        .filter(content_type=ContentType.objects.get_for_model(entry), object_id=str(entry.pk))
        .order_by("-created_at", "-pk")
    )


def published_history(entry):
    """(latest approval or None, corrections newest first) of the entry, in one query: an
    entry has few approvals, and their logged content is not read."""
    found = list(approvals_of(entry).defer("snapshot"))
    corrections = [approval for approval in found if approval.correction_note]
    for correction in corrections:
        correction.version_url = version_url(entry, correction)
    return (found[0] if found else None), corrections


def corrections():
    return approvals().exclude(correction_note="")


def corrections_of(entries):
    """The corrections of the given entries (all of one model), newest first, as
    {entry pk: [transition, …]}: one query however many entries."""
    by_pk = {entry.pk: entry for entry in entries}
    if not by_pk:
        return {}
    found = {}
    rows = (
        corrections()
        .defer("snapshot")
        .filter(
            content_type=ContentType.objects.get_for_model(next(iter(by_pk.values()))),
            object_id__in=[str(pk) for pk in by_pk],
        )
    )
    for transition in rows.order_by("-created_at", "-pk"):
        entry = by_pk[int(transition.object_id)]
        transition.version_url = version_url(entry, transition)
        found.setdefault(entry.pk, []).append(transition)
    return found


def _public_keys(model):
    return model.objects.public().annotate(key=Cast("pk", CharField())).values("key")


def public_corrections():
    """Corrections of the events and claims readers can see, newest first."""
    condition = Q()
    for model in VERSIONED:
        condition |= Q(
            content_type=ContentType.objects.get_for_model(model),
            object_id__in=_public_keys(model),
        )
    return corrections().defer("snapshot").filter(condition).order_by("-created_at", "-pk")


def attach_entries(transitions):
    """Set ``transition.entry`` to the public event or claim each one is about, in one query
    per kind; transitions whose entry is not public are dropped."""
    transitions = list(transitions)
    loaded = {}
    for model in VERSIONED:
        content_type = ContentType.objects.get_for_model(model)
        pks = {int(t.object_id) for t in transitions if t.content_type_id == content_type.pk}
        if not pks:
            continue
        queryset = model.objects.public().filter(pk__in=pks)
        if model is Claim:
            queryset = queryset.select_related("event", "claimant_actor")
        loaded.update({(content_type.pk, entry.pk): entry for entry in queryset})
    kept = []
    for transition in transitions:
        transition.entry = loaded.get((transition.content_type_id, int(transition.object_id)))
        if transition.entry is not None:
            transition.version_url = version_url(transition.entry, transition)
            kept.append(transition)
    return kept


def version_url(entry, transition):
    name = "event_version" if isinstance(entry, Event) else "claim_version"
    key = entry.slug if isinstance(entry, Event) else entry.pk
    return reverse(f"events:{name}", args=[key, transition.pk])


def cite_url(entry, transition, extension):
    name = "event_citation" if isinstance(entry, Event) else "claim_citation"
    key = entry.slug if isinstance(entry, Event) else entry.pk
    return reverse(f"events:{name}", args=[key, transition.pk, extension])


def title_of(entry):
    """The title a citation gives the entry."""
    if isinstance(entry, Event):
        return entry.title
    return f"Claim by {entry.claimant} on “{entry.event.title}”"


class Citable:
    """What a reference manager needs to cite one published version of an entry."""

    def __init__(self, entry, transition, title=None):
        self.entry, self.transition = entry, transition
        self.title = title or title_of(entry)
        self.url = settings.KIDAL_SITE_URL + version_url(entry, transition)
        self.date = timezone.localdate(transition.created_at)
        self.key = f"kidal-{entry._meta.model_name}-{entry.pk}-v{transition.pk}"
        self.site_title = SITE_TITLE
        # An event's title is in its content language; a claim's is written here in English.
        self.title_language = entry.language if isinstance(entry, Event) else "en"
        self.csl_json_url = cite_url(entry, transition, "json")
        self.bibtex_url = cite_url(entry, transition, "bib")

    def csl_json(self):
        return [
            {
                "id": self.key,
                "type": "webpage",
                "title": self.title,
                "container-title": SITE_TITLE,
                "URL": self.url,
                "issued": {"date-parts": [[self.date.year, self.date.month, self.date.day]]},
                "version": str(self.transition.pk),
                "language": self.title_language,
            }
        ]

    def bibtex(self):
        fields = [
            ("title", "{" + bibtex_text(self.title) + "}"),
            ("organization", bibtex_text(SITE_TITLE)),
            ("year", str(self.date.year)),
            ("date", self.date.isoformat()),
            ("version", str(self.transition.pk)),
            ("url", self.url),
            ("howpublished", "\\url{" + self.url + "}"),
            ("langid", self.entry.language),
        ]
        body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
        return f"@misc{{{self.key},\n{body}\n}}\n"


# Characters that mean something to TeX, written so that they print as themselves.
BIBTEX_ESCAPES = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "%": r"\%",
    "&": r"\&",
    "#": r"\#",
    "$": r"\$",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}


def bibtex_text(text):
    return "".join(BIBTEX_ESCAPES.get(char, char) for char in text)
