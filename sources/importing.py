"""Turn a pasted reference list into draft sources and citations.

``plan_import`` reads the list and decides, line by line, which source and
citation each reference matches or will create, and why, without writing anything;
``apply_import`` carries a plan out. Matching is forgiving on purpose (case,
accents, "www." and ".com", curly quotes, French spacing before a colon, a title's
final punctuation), so the same document reached from two reference lists is
recorded once. The source is the outlet that published the document: a platform it
was published on (YouTube, X, Facebook, Telegram) is not one, and an outlet fused
into the title ("Mali's Peace Deal Ends Human Rights Watch") is found among the
recorded sources.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum
from urllib.parse import parse_qsl, urlencode, urlsplit

import reversion
from django.db import transaction
from django.db.models import Q
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from events import workflow
from events.models import CONTENT_LANGUAGES

from .models import Citation, Source
from .references import (
    KIND_NEWS,
    ParsedReference,
    UnparsedLine,
    parse_reference_list,
    platform_named,
)

REVISION_COMMENT = _("Imported from a reference list")

_DOMAIN = re.compile(r"^(?:[a-z0-9-]+\.)+(?P<tld>[a-z]{2,6})$")
_TLD_SUFFIX = re.compile(r"\s*\.[a-z]{2,6}$")
_NOT_ALPHANUMERIC = re.compile(r"[\W_]+")
_SPACE_BEFORE_PUNCTUATION = re.compile(r"\s+(?=[:;!?])")
_FINAL_PUNCTUATION = ".;:,!?… "
# What may stand between a title and the outlet fused to its end.
_TITLE_OUTLET_SEPARATORS = " -–—|:"
_TYPOGRAPHIC_QUOTES = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"'})
# Organisations publish under .org/.int/.gov/.edu; newspapers under most other domains.
_INSTITUTIONAL_TLDS = {"org", "int", "gov", "edu"}
_NEWS_WORDS = {"news", "press", "presse", "journal", "times", "post", "radio", "tv", "info"}
_LANGUAGES = {code for code, _label in CONTENT_LANGUAGES}


class Action(StrEnum):
    CREATE = "create"
    MATCH = "match"


@dataclass
class PlannedReference:
    """What importing one parsed line does: its source and citation, new or existing."""

    reference: ParsedReference
    source: Source
    source_is_new: bool
    citation: Citation
    action: Action
    # Why this source and this citation, in words the import page shows.
    source_reason: str
    citation_reason: str
    # For a line that repeats an earlier line of the same list.
    same_as_line: int | None = None


@dataclass
class ImportPlan:
    text: str
    rows: list[PlannedReference]
    unparsed: list[UnparsedLine]

    @property
    def new_sources(self):
        return _distinct(row.source for row in self.rows if row.source_is_new)

    @property
    def matched_sources(self):
        return _distinct(row.source for row in self.rows if not row.source_is_new)

    @property
    def new_citations(self):
        return [row.citation for row in self.rows if row.action == Action.CREATE]


@dataclass(frozen=True)
class ImportResult:
    sources_created: int
    sources_matched: int
    citations_created: int
    citations_matched: int
    unparsed: list[UnparsedLine]

    @classmethod
    def of(cls, plan):
        """The counts of ``plan``: what it would do, or did once applied."""
        citations_created = len(plan.new_citations)
        return cls(
            sources_created=len(plan.new_sources),
            sources_matched=len(plan.matched_sources),
            citations_created=citations_created,
            citations_matched=len(plan.rows) - citations_created,
            unparsed=plan.unparsed,
        )

    def summary(self):
        # Worded to fit both a preview and a finished import.
        return _(
            "Sources: %(sources_created)d new, %(sources_matched)d matched. "
            "Citations: %(citations_created)d new, %(citations_matched)d matched. "
            "Lines not imported: %(unparsed)d."
        ) % {
            "sources_created": self.sources_created,
            "sources_matched": self.sources_matched,
            "citations_created": self.citations_created,
            "citations_matched": self.citations_matched,
            "unparsed": len(self.unparsed),
        }


def plan_import(text):
    """Decide what importing ``text`` would create and match; writes nothing."""
    references, unparsed = parse_reference_list(text)
    sources = _SourceMatcher(Source.objects.all())
    resolved = []
    for reference in references:
        publisher = sources.resolve(reference)
        reason = _unimportable_reason(reference, publisher)
        if reason:
            unparsed.append(UnparsedLine(reference.line_number, reference.raw, str(reason)))
            continue
        resolved.append((reference, publisher))
    # Only citations that could match are loaded: those of the matched sources, those with
    # a URL (a URL identifies a document whichever outlet it was filed under) and, for
    # lines that name only a platform, those of the same date.
    unknown_publisher_dates = {ref.published_on for ref, pub in resolved if pub.source is None}
    candidates = Q(source__in=[source.pk for source in sources.matched]) | ~Q(url="")
    if unknown_publisher_dates:
        candidates |= Q(published_on__in=unknown_publisher_dates - {None})
        if None in unknown_publisher_dates:
            candidates |= Q(published_on__isnull=True)
    citations = _CitationMatcher(Citation.objects.filter(candidates).select_related("source"))
    rows = []
    for reference, publisher in resolved:
        row = citations.plan(reference, publisher)
        if row is None:
            unparsed.append(UnparsedLine(reference.line_number, reference.raw, publisher.reason))
        else:
            rows.append(row)
    unparsed.sort(key=lambda line: line.line_number)
    return ImportPlan(text=text, rows=rows, unparsed=unparsed)


def apply_import(plan_or_text, *, by):
    """Create the plan's new sources and draft citations, edited by ``by``.

    The list is planned again inside the transaction, so sources and citations
    added since a preview are matched rather than created twice.
    """
    text = plan_or_text.text if isinstance(plan_or_text, ImportPlan) else plan_or_text
    with transaction.atomic():
        plan = plan_import(text)
        for source in plan.new_sources:
            source.slug = _unique_slug(source.name)
            with reversion.create_revision(atomic=False):
                workflow.create(source, by=by, comment=str(REVISION_COMMENT))
                _describe_revision(by)
        for citation in plan.new_citations:
            with reversion.create_revision(atomic=False):
                workflow.create(citation, by=by, comment=str(REVISION_COMMENT))
                _describe_revision(by)
    return ImportResult.of(plan)


def _describe_revision(user):
    reversion.set_user(user)
    reversion.set_comment(str(REVISION_COMMENT))


# --- sources ------------------------------------------------------------------------------


def outlet_key(text):
    """The outlet name reduced to what tells outlets apart: "Le Monde.fr" → "lemonde"."""
    text = _strip_accents(text).casefold().strip()
    if "://" in text:
        text = urlsplit(text).hostname or ""
    text = text.removeprefix("www.")
    text = _TLD_SUFFIX.sub("", text)
    return _NOT_ALPHANUMERIC.sub("", text)


def _strip_accents(text):
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def _outlet_of(reference):
    """The outlet as written, or the host of the URL when the reference names none (unless
    that host is a platform, which publishes for others)."""
    outlet = reference.outlet.strip()
    if not outlet and reference.url and not reference.platform:
        outlet = urlsplit(reference.url).hostname or ""
    return outlet.removeprefix("www.")


@dataclass(frozen=True)
class _Publisher:
    """Who published a reference's document, and why the import thinks so.

    ``source`` is None when the reference names only the platform: then only a recorded
    citation with the same title and date can say which outlet it was.
    """

    source: Source | None
    reason: str
    # The title to record first, then other ways the reference may have written it.
    titles: tuple[str, ...]
    authors: tuple[str, ...]


class _SourceMatcher:
    def __init__(self, sources):
        self.by_key = {}
        self.matched = []
        # Names win over websites, slugs and aliases when two sources share a key.
        sources = list(sources)
        for source in sources:
            self.by_key.setdefault(outlet_key(source.name), source)
        for source in sources:
            for name in (source.website, source.slug, *source.alias_list):
                if key := outlet_key(name):
                    self.by_key.setdefault(key, source)
        # Names an outlet goes by in running text, longest first, to find one fused to a title.
        self.names = sorted(
            (
                (name, source)
                for source in sources
                for name in (source.name, *source.alias_list)
                if outlet_key(name) and not platform_named(name)
            ),
            key=lambda pair: -len(pair[0]),
        )

    def resolve(self, reference):
        """Who published ``reference``: a recorded source, a new one (unsaved) or, for a
        line that names only a platform, nobody yet; None when nothing names one."""
        titles, authors = (reference.title,), reference.authors
        if outlet := _outlet_of(reference):
            source, reason = self._outlet(outlet, reference)
            if reference.platform:
                reason = _("%(reason)s; published on %(platform)s") % {
                    "reason": reason,
                    "platform": reference.platform,
                }
            return _Publisher(source, reason, titles, authors)
        if reference.platform:
            return self._platform_publisher(reference)
        if fused := self._fused_outlet(reference.title):
            title, name, source = fused
            self._note_match(source)
            reason = _("the title ends with “%(name)s”, a recorded source") % {"name": name}
            # Recorded before with the outlet in its title, the document still matches.
            return _Publisher(source, reason, (title, reference.title), authors)
        return None

    def _outlet(self, outlet, reference):
        key = outlet_key(outlet)
        source = self.by_key.get(key)
        if source is None:
            source = _new_source(outlet, reference)
            self.by_key[key] = source
            return source, _("no recorded source goes by “%(outlet)s”: a new one") % {
                "outlet": outlet
            }
        if source.pk is None:
            return source, _("the new source “%(outlet)s” of an earlier line") % {
                "outlet": source.name
            }
        self._note_match(source)
        if outlet_key(source.name) == key:
            return source, _("“%(outlet)s” is the name of a recorded source") % {"outlet": outlet}
        return source, _("“%(outlet)s” is an alias or the website of “%(source)s”") % {
            "outlet": outlet,
            "source": source.name,
        }

    def _platform_publisher(self, reference):
        """Video and social media references credit the channel or account as author."""
        platform, authors = reference.platform, reference.authors
        for author in authors:
            source = self.by_key.get(outlet_key(author))
            if source is not None:
                self._note_match(source)
                others = tuple(name for name in authors if name != author)
                reason = _("published on %(platform)s by “%(publisher)s”, a known source") % {
                    "platform": platform,
                    "publisher": source.name,
                }
                return _Publisher(source, reason, (reference.title,), others)
        # A lone author that is not "Surname, Given" is the channel itself.
        if len(authors) == 1 and "," not in authors[0]:
            source, _reason = self._outlet(authors[0], reference)
            reason = _("published on %(platform)s by its author “%(publisher)s”") % {
                "platform": platform,
                "publisher": authors[0],
            }
            return _Publisher(source, reason, (reference.title,), ())
        reason = _("published on %(platform)s; the reference does not say by whom") % {
            "platform": platform
        }
        return _Publisher(None, reason, (reference.title,), authors)

    def _fused_outlet(self, title):
        """(title, outlet name, source) when ``title`` ends with a recorded outlet's name."""
        folded = title.casefold()
        for name, source in self.names:
            if not folded.endswith(name.casefold()) or len(name) >= len(title):
                continue
            before = title[: -len(name)]
            if before[-1] in _TITLE_OUTLET_SEPARATORS:
                return before.rstrip(_TITLE_OUTLET_SEPARATORS), name, source
        return None

    def _note_match(self, source):
        if source.pk is not None and source not in self.matched:
            self.matched.append(source)


def _new_source(outlet, reference):
    domain = _DOMAIN.match(outlet.lower())
    words = set(_NOT_ALPHANUMERIC.split(outlet.casefold()))
    looks_like_news = (
        reference.kind == KIND_NEWS
        or bool(words & _NEWS_WORDS)
        or (domain is not None and domain["tld"] not in _INSTITUTIONAL_TLDS)
    )
    return Source(
        name=outlet,
        kind=Source.Kind.NEWS_OUTLET if looks_like_news else Source.Kind.OTHER,
        website=outlet.lower() if domain else "",
    )


def _unique_slug(name):
    # "JeuneAfrique.com" → "jeuneafrique-com" rather than "jeuneafriquecom".
    base = slugify(name.replace(".", " "))[:190] or "source"
    slug, number = base, 1
    while Source.objects.filter(slug=slug).exists():
        number += 1
        slug = f"{base}-{number}"
    return slug


# --- citations ----------------------------------------------------------------------------


def url_key(url):
    """The URL without what does not change the document: scheme, www., fragment, utm_*."""
    if not url:
        return ""
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").removeprefix("www.")
    query = [
        (name, value)
        for name, value in parse_qsl(parts.query, keep_blank_values=True)
        if not name.startswith("utm_")
    ]
    path = parts.path.rstrip("/")
    return f"{host}{path}?{urlencode(query)}" if query else f"{host}{path}"


def title_key(title):
    text = title.translate(_TYPOGRAPHIC_QUOTES)
    # "Mali : la bataille" (French spacing) and "Mali: la bataille" are the same title.
    text = _SPACE_BEFORE_PUNCTUATION.sub("", text)
    # Reference lists end a title with a period or not: "flows." and "flows" are one title.
    return " ".join(text.split()).casefold().rstrip(_FINAL_PUNCTUATION)


class _CitationMatcher:
    def __init__(self, citations):
        self.by_url = {}
        self.by_document = {}
        self.by_title_and_date = {}
        for citation in citations:
            self._remember(citation, line_number=None)

    def plan(self, reference, publisher):
        """Match ``reference`` to a known citation, or plan a new one and remember it.

        None when the publisher is unknown and no recorded citation says who it was.
        """
        found = self._find(reference, publisher)
        if found:
            (citation, line_number), reason = found
            action = Action.MATCH
            if line_number:
                reason = _("the same document as line %(line)d") % {"line": line_number}
        elif publisher.source is None:
            return None
        else:
            citation, line_number = _new_citation(reference, publisher), None
            action = Action.CREATE
            reason = _("no recorded citation has this URL, or this source, title and date")
            self._remember(citation, line_number=reference.line_number)
        return PlannedReference(
            reference=reference,
            # A URL match may be filed under another source: that one is the line's source.
            source=citation.source,
            source_is_new=citation.source.pk is None,
            citation=citation,
            action=action,
            source_reason=publisher.reason
            if citation.source is publisher.source
            else _("the source of the matching citation"),
            citation_reason=reason,
            same_as_line=line_number,
        )

    def _find(self, reference, publisher):
        """((citation, line number), why) of a known citation of the same document."""
        if known := self.by_url.get(url_key(reference.url)):
            return known, _("the same URL")
        if publisher.source is None:
            for title in publisher.titles:
                key = (title_key(title), reference.published_on)
                if known := self.by_title_and_date.get(key):
                    reason = _("the same title and date as a citation of “%(source)s”") % {
                        "source": known[0].source.name
                    }
                    return known, reason
            return None
        for title in publisher.titles:
            document = _document_key(publisher.source, title, reference.published_on)
            if known := self.by_document.get(document):
                return known, _("the same source, title and date")
        return None

    def _remember(self, citation, line_number):
        if key := url_key(citation.url):
            self.by_url.setdefault(key, (citation, line_number))
        document = _document_key(citation.source, citation.title, citation.published_on)
        self.by_document.setdefault(document, (citation, line_number))
        title_and_date = (title_key(citation.title), citation.published_on)
        self.by_title_and_date.setdefault(title_and_date, (citation, line_number))


def _document_key(source, title, published_on):
    # Source names are unique, and also name the sources that are still to be created.
    return source.name, title_key(title), published_on


_PLATFORM_KINDS = {"YouTube": Citation.Kind.VIDEO}


def _new_citation(reference, publisher):
    kind = Citation.Kind.ARTICLE
    if reference.platform:
        kind = _PLATFORM_KINDS.get(reference.platform, Citation.Kind.SOCIAL_MEDIA_POST)
    return Citation(
        source=publisher.source,
        kind=kind,
        title=publisher.titles[0],
        url=reference.url,
        author="; ".join(publisher.authors),
        published_on=reference.published_on,
        published_precision=reference.published_precision or Citation.DatePrecision.DAY,
        accessed_on=reference.accessed_on,
        language=reference.language if reference.language in _LANGUAGES else "",
        archive_url=reference.archive_url,
        archived_on=reference.archived_on,
    )


def _unimportable_reason(reference, publisher):
    """Why a parsed reference cannot become a citation, or None when it can."""
    if publisher is None:
        return _("no outlet or URL names the source")
    # The database would refuse these, and with them the whole import.
    limits = [
        (_("title"), publisher.titles[0], _max_length(Citation, "title")),
        (_("URL"), reference.url, _max_length(Citation, "url")),
        (_("archive URL"), reference.archive_url, _max_length(Citation, "archive_url")),
        (_("author"), "; ".join(publisher.authors), _max_length(Citation, "author")),
        (_("outlet"), getattr(publisher.source, "name", ""), _max_length(Source, "name")),
    ]
    for what, value, limit in limits:
        if len(value) > limit:
            return _("the %(field)s is longer than %(limit)d characters") % {
                "field": what,
                "limit": limit,
            }
    if (
        reference.accessed_on
        and reference.published_on
        and reference.accessed_on < reference.published_on
    ):
        return _("the access date is before the publication date")
    return None


def _max_length(model, field_name):
    return model._meta.get_field(field_name).max_length


def _distinct(objects):
    # Unsaved model instances are unhashable, so no set(); they compare by identity.
    found = []
    for obj in objects:
        if obj not in found:
            found.append(obj)
    return found
