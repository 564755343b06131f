"""Dates as the sources give them: a day, a night, a part of a month or a month; and the
moments the record keeps (a publication, a review step), in the reader's language.

Every date a page shows goes through this module, so French pages say "1er octobre" everywhere.
"""

from datetime import datetime, timedelta

from django.utils import dateformat, timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _


def _day(value):
    # French writes the first of the month as an ordinal: "1er octobre".
    if value.day == 1 and (get_language() or "").startswith("fr"):
        return "1er"
    return str(value.day)


def _day_month(value):
    return f"{_day(value)} {dateformat.format(value, 'F')}"


def _full(value):
    return f"{_day_month(value)} {value.year}"


def _month(value):
    return dateformat.format(value, "F Y")


def part_of_month(value):
    """Early, mid or late in the month, from the day."""
    if value.day <= 10:
        return _("early %(month)s") % {"month": _month(value)}
    if value.day <= 20:
        return _("mid-%(month)s") % {"month": _month(value)}
    return _("late %(month)s") % {"month": _month(value)}


def _range_start(start, end):
    """The start of a range, without what it shares with the end."""
    if start.year != end.year:
        return _full(start)
    if start.month != end.month:
        return _day_month(start)
    return _day(start)


def _day_range(start, end):
    separator = "–" if (start.year, start.month) == (end.year, end.month) else " – "
    return f"{_range_start(start, end)}{separator}{_full(end)}"


def format_period(start, end=None, precision="day"):
    """A period as the sources give it.

    For example "night of 11–12 October 2023", "late October 2023" or
    "2 October – 20 December 2023".
    """
    if start is None:
        return ""
    if end == start:
        end = None
    if precision == "night":
        following = end or start + timedelta(days=1)
        dates = {"start": _range_start(start, following), "end": _full(following)}
        if start.month == following.month:
            return _("night of %(start)s–%(end)s") % dates
        return _("night of %(start)s – %(end)s") % dates
    if precision == "approximate":
        first, last = part_of_month(start), part_of_month(end) if end else None
        if last is None or last == first:
            return first
        return f"{first} – {last}"
    if precision == "month":
        if end is None or (end.year, end.month) == (start.year, start.month):
            return _month(start)
        if end.year == start.year:
            return f"{dateformat.format(start, 'F')}–{_month(end)}"
        return f"{_month(start)} – {_month(end)}"
    if end is None:
        return _full(start)
    return _day_range(start, end)


def event_period(event):
    return format_period(event.start_date, event.end_date, event.date_precision)


def format_day(value):
    """A day ("1er octobre 2023"); a moment is read in the site's time zone."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = timezone.localdate(value)
    return _full(value)


def format_moment(value):
    """A moment to the minute, in the site's time zone: "1er octobre 2023, 14:05"."""
    if value is None:
        return ""
    local = timezone.localtime(value)
    return _("%(day)s, %(time)s") % {"day": _full(local), "time": f"{local:%H:%M}"}


def month_tick(value, with_year):
    """A month on a time axis: "Oct", or "Oct 2023" where the year must be read."""
    return dateformat.format(value, "M Y" if with_year else "M")


def citation_date(citation):
    if citation.published_on is None:
        return ""
    if citation.published_precision == "month":
        return _month(citation.published_on)
    return _full(citation.published_on)
