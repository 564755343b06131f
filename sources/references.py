"""Parse pasted reference lists into structured citations.

Two shapes are understood, both as they come out of copying a Wikipedia article
as plain text:

* citation-template style, whose parameter values are joined by " . " in the
  order they were written, e.g.
  ``Web site: 2023-10-02 . Title . 2024-05-28 . RFI . fr.``
* rendered style, e.g.
  ``Surname, Given (2023-11-14). "Title". Outlet (in French). Retrieved 2024-06-01.``

Pure Python on purpose: it is used by forms and management commands alike and
is tested without Django.
"""

from __future__ import annotations

import datetime
import re
import string
import unicodedata
from dataclasses import dataclass
from urllib.parse import urlsplit

PRECISION_DAY = "day"
PRECISION_MONTH = "month"

KIND_WEB = "web"
KIND_NEWS = "news"

_KIND_PREFIXES = {"web site": KIND_WEB, "news": KIND_NEWS}
_HEADINGS = {"references", "notes and references", "notes", "sources"}

_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan", "janvier", "janv"),
            ("february", "feb", "fevrier", "fevr", "fev"),
            ("march", "mar", "mars"),
            ("april", "apr", "avril", "avr"),
            ("may", "mai"),
            ("june", "jun", "juin"),
            ("july", "jul", "juillet", "juil"),
            ("august", "aug", "aout"),
            ("september", "sep", "sept", "septembre"),
            ("october", "oct", "octobre"),
            ("november", "nov", "novembre"),
            ("december", "dec", "decembre"),
        ],
        start=1,
    )
    for name in names
}
_LANGUAGE_NAMES = {
    "arabic": "ar",
    "english": "en",
    "french": "fr",
    "german": "de",
    "italian": "it",
    "portuguese": "pt",
    "russian": "ru",
    "spanish": "es",
}
# Platforms that carry what an outlet publishes: the outlet, not the platform, is the source.
_PLATFORMS = {
    "youtube": "YouTube",
    "x": "X",
    "twitter": "X",
    "facebook": "Facebook",
    "telegram": "Telegram",
}
_PLATFORM_HOSTS = {
    "youtube.com": "YouTube",
    "youtu.be": "YouTube",
    "x.com": "X",
    "twitter.com": "X",
    "facebook.com": "Facebook",
    "fb.watch": "Facebook",
    "t.me": "Telegram",
    "telegram.me": "Telegram",
}
_ARCHIVE_HOSTS = {
    "web.archive.org",
    "archive.org",
    "archive.today",
    "archive.ph",
    "archive.is",
    "archive.li",
    "archive.md",
}

_ISO_DATE = re.compile(r"(?P<year>\d{4})-(?P<month>\d{1,2})-(?P<day>\d{1,2})")
# Month names in English or French ("20 novembre 2023", "1er décembre 2023", "févr. 2024").
_MONTH_NAME = r"(?P<month>[^\W\d_]+)\.?"
# A day with its ordinal as French ("1er", or "1ᵉʳ" as French pages print it) or English
# ("1st", "22nd") writes it.
_DAY = r"(?P<day>\d{1,2})(?:er|ᵉʳ|st|nd|rd|th)?"
_MONTH_DAY_YEAR = re.compile(_MONTH_NAME + " " + _DAY + r",? (?P<year>\d{4})")
_DAY_MONTH_YEAR = re.compile(_DAY + " " + _MONTH_NAME + r" (?P<year>\d{4})")
# Examples of what the import accepts, shown on the import page (and each one tested).
EXAMPLE_LINES = [
    'Doe, Jane (14 November 2023). "Kidal retaken". Example Times. Retrieved 1 June 2024.',
    '"Kidal sur le qui-vive". RFI (in French). 10 novembre 2023. Retrieved 1er juin 2024.',
    "Web site: 2023-10-02 . Mali : l'armée à Anéfis . 2024-05-28 . RFI . fr.",
]
EXAMPLE_DATES = [
    "2023-11-20",
    "20 November 2023",
    "November 20, 2023",
    "20 Nov 2023",
    "20 novembre 2023",
    "1er octobre 2023",
    "November 2023",
    "novembre 2023",
]
_MONTH_YEAR = re.compile(_MONTH_NAME + r" (?P<year>\d{4})")

_LIST_NUMBERING = re.compile(r"^(?:\d{1,3}[.)]|[-*•])\s+")
_KIND_PREFIX = re.compile(r"^(?P<kind>[A-Za-z ]+):\s*")
_TEMPLATE_SEPARATOR = " . "
_LANGUAGE_CODE = re.compile(r"[a-z]{2,3}(?:-[A-Za-z]{2,4})?")
_URL = re.compile(r"https?://\S+")

_RETRIEVED = re.compile(r"^Retrieved(?: on)? (?P<date>.+?)(?: via (?P<via>.+))?$")
_RETRIEVED_MENTION = re.compile(r"\bRetrieved\b")
_ARCHIVED = re.compile(r"^Archived from the original on (?P<date>.+)$")
_LANGUAGE_MARKER = re.compile(r"\s*\(in (?P<language>[A-Za-z]+)\)")
_QUOTED_TITLE = re.compile(r'"(?P<title>.+)"')
# cite AV media renders its title unquoted: ``Author (date). Title . Retrieved ...``
_UNQUOTED_TITLE = re.compile(
    r"^(?P<head>[^()]*\([^()]*\)\.)\s+(?P<title>.+?)\s*\.\s+(?P<tail>Retrieved\b.*)$"
)
_PARENTHESISED_DATE = re.compile(r"\s*\((?P<date>[^()]+)\)$")
# A lone capital before the final period is an initial ("Smith, J."), not a separator.
_SEPARATOR_PERIOD = re.compile(r"(?<![ ,][A-Z])\.$")
_SENTENCE_BREAK = re.compile(r"\.\s+")
_BACKLINK_LABELS = (
    tuple(str(number) for number in range(1, 100)),
    tuple(string.ascii_lowercase),
)


class ReferenceParseError(ValueError):
    """A line that cannot be read as a reference; ``reason`` says why."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class ParsedReference:
    line_number: int
    raw: str
    title: str
    outlet: str
    published_on: datetime.date | None
    published_precision: str
    accessed_on: datetime.date | None
    language: str
    authors: tuple[str, ...]
    url: str
    archive_url: str
    archived_on: datetime.date | None
    kind: str
    # YouTube, X, Facebook or Telegram when the document was published there.
    platform: str


@dataclass(frozen=True)
class UnparsedLine:
    line_number: int
    raw: str
    reason: str


@dataclass(frozen=True)
class _Date:
    value: datetime.date
    precision: str


@dataclass
class _Fields:
    """What a format parser found; turned into a ParsedReference at the end."""

    title: str = ""
    outlet: str = ""
    published: _Date | None = None
    accessed: _Date | None = None
    language: str = ""
    authors: tuple[str, ...] = ()
    url: str = ""
    archive_url: str = ""
    archived: _Date | None = None
    kind: str = ""
    platform: str = ""


def parse_reference(line: str, line_number: int = 1) -> ParsedReference:
    """Parse one reference line; raise ReferenceParseError when it cannot be read."""
    raw = line.strip()
    text = _LIST_NUMBERING.sub("", raw)
    if not text:
        raise ReferenceParseError("empty line")
    kind, body = _split_kind_prefix(text)
    if kind:
        fields = _parse_template_style(body)
        fields.kind = kind
    else:
        body = _strip_backreference_marks(text)
        if _looks_rendered(body):
            fields = _parse_rendered_style(body)
        else:
            fields = _parse_template_style(body)
    if not fields.title:
        raise ReferenceParseError("no title found")
    _separate_platform(fields)
    return _build_reference(fields, raw, line_number)


def parse_reference_list(text: str) -> tuple[list[ParsedReference], list[UnparsedLine]]:
    """Parse every reference line of a pasted list.

    Blank lines and headings are skipped; every other line ends up either parsed
    or reported as unparsed, so nothing pasted is silently lost.
    """
    parsed: list[ParsedReference] = []
    unparsed: list[UnparsedLine] = []
    for line_number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped or _is_heading(stripped):
            continue
        try:
            parsed.append(parse_reference(stripped, line_number))
        except ReferenceParseError as error:
            unparsed.append(UnparsedLine(line_number, stripped, error.reason))
    return parsed, unparsed


def _is_heading(line: str) -> bool:
    return line.rstrip(":").strip().lower() in _HEADINGS


def _build_reference(fields: _Fields, raw: str, line_number: int) -> ParsedReference:
    return ParsedReference(
        line_number=line_number,
        raw=raw,
        title=fields.title,
        outlet=fields.outlet,
        published_on=fields.published.value if fields.published else None,
        published_precision=fields.published.precision if fields.published else "",
        accessed_on=fields.accessed.value if fields.accessed else None,
        language=fields.language,
        authors=fields.authors,
        url=fields.url,
        archive_url=fields.archive_url,
        archived_on=fields.archived.value if fields.archived else None,
        kind=fields.kind,
        platform=fields.platform,
    )


def _separate_platform(fields: _Fields) -> None:
    """A platform given as the outlet ("YouTube", "via YouTube") or as the URL's host is
    where the document was published, not who published it."""
    if platform := platform_named(fields.outlet):
        fields.outlet = ""
    elif fields.url:
        host = (urlsplit(fields.url).hostname or "").removeprefix("www.").removeprefix("m.")
        platform = _PLATFORM_HOSTS.get(host, "")
    fields.platform = platform


def platform_named(name: str) -> str:
    """The platform ``name`` designates ("youtube.com" → "YouTube"), or ""."""
    key = name.strip().casefold().removeprefix("www.").removesuffix(".com")
    return _PLATFORMS.get(re.sub(r"[\W_]+", "", key), "")


# --- dates and languages -----------------------------------------------------


def _parse_date(text: str) -> _Date | None:
    """Return the date written in ``text``, or None when it is not shaped like one.

    A date-shaped text that names no real day (2023-13-45) is an error rather
    than "not a date", so it is never mistaken for a title or an outlet.
    """
    text = text.strip()
    if match := _ISO_DATE.fullmatch(text):
        return _make_date(text, match["year"], match["month"], match["day"])
    for pattern in (_MONTH_DAY_YEAR, _DAY_MONTH_YEAR):
        match = pattern.fullmatch(text)
        if match and (month := _month_number(match["month"])):
            return _make_date(text, match["year"], month, match["day"])
    match = _MONTH_YEAR.fullmatch(text)
    if match and (month := _month_number(match["month"])):
        return _Date(datetime.date(int(match["year"]), month, 1), PRECISION_MONTH)
    return None


def _month_number(name: str) -> int | None:
    """1-12 for an English or French month name or abbreviation, accents optional."""
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    return _MONTHS.get("".join(char for char in decomposed if not unicodedata.combining(char)))


def _make_date(text: str, year: str, month: str | int, day: str) -> _Date:
    try:
        return _Date(datetime.date(int(year), int(month), int(day)), PRECISION_DAY)
    except ValueError:
        raise ReferenceParseError(f"date {text} is not a valid date") from None


def _require_date(text: str, what: str) -> _Date:
    date = _parse_date(text)
    if date is None:
        raise ReferenceParseError(f"{what} {text!r} is not a date")
    return date


def _language_from_name(name: str) -> str:
    try:
        return _LANGUAGE_NAMES[name.lower()]
    except KeyError:
        raise ReferenceParseError(f"unknown language {name!r}") from None


# --- citation-template style ---------------------------------------------------


def _split_kind_prefix(text: str) -> tuple[str, str]:
    """Split off a "Web site:" / "News:" label; titles like "Mali: ..." are left alone."""
    match = _KIND_PREFIX.match(text)
    if match and match["kind"].lower() in _KIND_PREFIXES:
        return _KIND_PREFIXES[match["kind"].lower()], text[match.end() :]
    return "", text


def _parse_template_style(body: str) -> _Fields:
    # The final period closes the citation; it belongs to no field.
    body = body.strip().removesuffix(".").rstrip()
    values = [value.strip() for value in body.split(_TEMPLATE_SEPARATOR)]
    fields = _Fields()
    values = _take_urls(values, fields)
    if values and _LANGUAGE_CODE.fullmatch(values[-1]):
        fields.language = values.pop().split("-")[0].lower()
    dates = [_parse_date(value) for value in values]
    title_index = _locate_template_title(values, dates)
    fields.title = values[title_index]
    _read_template_head(values[:title_index], dates[:title_index], fields)
    _read_template_tail(values[title_index + 1 :], dates[title_index + 1 :], fields)
    return fields


def _take_urls(values: list[str], fields: _Fields) -> list[str]:
    """Move URL values (and an archive date right after an archive URL) into ``fields``."""
    remaining: list[str] = []
    index = 0
    while index < len(values):
        value = values[index]
        index += 1
        if not _URL.fullmatch(value):
            remaining.append(value)
        elif _is_archive_url(value):
            fields.archive_url = value
            if index < len(values) and (archived := _parse_date(values[index])):
                fields.archived = archived
                index += 1
        elif fields.url:
            raise ReferenceParseError(f"more than one URL: {fields.url} and {value}")
        else:
            fields.url = value
    return remaining


def _is_archive_url(url: str) -> bool:
    host = (urlsplit(url).hostname or "").removeprefix("www.")
    return host in _ARCHIVE_HOSTS


def _locate_template_title(values: list[str], dates: list[_Date | None]) -> int:
    """Find the title by its position next to the dates.

    Parameters come in the order the editor wrote them, but the title always
    sits just before the access date (or before the publication date that
    cite AV media puts ahead of it), or just after a leading publication date
    when there is no access date.
    """
    date_indexes = [index for index, date in enumerate(dates) if date]
    if not date_indexes:
        raise ReferenceParseError("no date found, so the title cannot be told from other fields")
    last = date_indexes[-1]
    if last == 0:
        title_index = 1
    elif dates[last - 1]:
        title_index = last - 2
    else:
        title_index = last - 1
    if not 0 <= title_index < len(values) or dates[title_index] or not values[title_index]:
        raise ReferenceParseError("no title found")
    return title_index


def _read_template_head(values: list[str], dates: list[_Date | None], fields: _Fields) -> None:
    """Authors (as surname . given pairs) and an optional publication date."""
    if dates and dates[-1]:
        fields.published = dates[-1]
        values, dates = values[:-1], dates[:-1]
    if any(dates):
        raise ReferenceParseError("unexpected date among the authors")
    fields.authors = _pair_author_names(values)


def _pair_author_names(names: list[str]) -> tuple[str, ...]:
    # A lone trailing name is an organisation credited as author ("Bamada.net").
    return tuple(", ".join(names[index : index + 2]) for index in range(0, len(names), 2))


def _read_template_tail(values: list[str], dates: list[_Date | None], fields: _Fields) -> None:
    """Access date (preceded by the publication date in cite AV media) and outlet."""
    found_dates = [date for date in dates if date]
    others = [value for value, date in zip(values, dates, strict=True) if not date]
    if len(found_dates) == 2 and not fields.published:
        fields.published, fields.accessed = found_dates
    elif len(found_dates) == 1:
        fields.accessed = found_dates[0]
    elif found_dates:
        raise ReferenceParseError("too many dates after the title")
    if len(others) > 1:
        raise ReferenceParseError(f"unexpected fields after the title: {' . '.join(others)}")
    fields.outlet = others[0] if others else ""


# --- rendered style ----------------------------------------------------------------


def _strip_backreference_marks(text: str) -> str:
    """Drop the "^ a b" / "1 2 3" links back to where a reference is cited."""
    text = text.removeprefix("^").lstrip()
    tokens = text.split(" ")
    for labels in _BACKLINK_LABELS:
        count = 0
        while count < len(tokens) - 1 and count < len(labels) and tokens[count] == labels[count]:
            count += 1
        # A lone "1" or "a" could start a title; backlinks always come two or more.
        if count >= 2:
            return " ".join(tokens[count:])
    return text


def _looks_rendered(text: str) -> bool:
    return text.startswith('"') or bool(_RETRIEVED_MENTION.search(text))


def _parse_rendered_style(text: str) -> _Fields:
    # Wikipedia's plain text leaks maintenance notices such as "{{cite AV media}}: CS1 maint".
    text = text.split("{{")[0].strip()
    head, title, tail = _split_rendered_title(text)
    fields = _Fields(title=title)
    _read_rendered_head(head, fields)
    _read_rendered_tail(tail, fields)
    return fields


def _split_rendered_title(text: str) -> tuple[str, str, str]:
    if match := _QUOTED_TITLE.search(text):
        return text[: match.start()], match["title"].strip(), text[match.end() :]
    if match := _UNQUOTED_TITLE.match(text):
        return match["head"], match["title"], match["tail"]
    raise ReferenceParseError("no title found")


def _read_rendered_head(head: str, fields: _Fields) -> None:
    """``Surname, Given; Other, Name (date).`` before the title, all optional."""
    head = _SEPARATOR_PERIOD.sub("", head.strip())
    if match := _PARENTHESISED_DATE.search(head):
        fields.published = _require_date(match["date"], "publication date")
        head = head[: match.start()]
    fields.authors = tuple(name.strip() for name in head.split(";") if name.strip())


def _read_rendered_tail(tail: str, fields: _Fields) -> None:
    """``. Outlet (in French). date. Archived from the original on date. Retrieved date.``"""
    if match := _LANGUAGE_MARKER.search(tail):
        fields.language = _language_from_name(match["language"])
        tail = tail[: match.start()] + tail[match.end() :]
    tail = tail.strip().removeprefix(".").removesuffix(".")
    for part in _SENTENCE_BREAK.split(tail):
        _read_rendered_part(part.strip(), fields)


def _read_rendered_part(part: str, fields: _Fields) -> None:
    if not part:
        return
    if match := _RETRIEVED.match(part):
        fields.accessed = _require_date(match["date"], "access date")
        fields.outlet = fields.outlet or (match["via"] or "")
    elif match := _ARCHIVED.match(part):
        fields.archived = _require_date(match["date"], "archive date")
    elif date := _parse_date(part):
        if fields.published:
            raise ReferenceParseError(f"more than one publication date: {part}")
        fields.published = date
    elif fields.outlet:
        raise ReferenceParseError(f"unexpected text after the outlet: {part!r}")
    else:
        fields.outlet = part
