"""Template filters and tags of the public site."""

from datetime import datetime, timedelta

from django import template
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.timezone import is_aware, localtime
from django.utils.translation import gettext as _

from .. import dates
from ..timeline import months_between

register = template.Library()


@register.filter
def event_period(event):
    return dates.event_period(event)


@register.filter
def citation_date(citation):
    return dates.citation_date(citation)


@register.filter
def day(value):
    """A date, or a moment's day, written as every page writes dates."""
    return dates.format_day(value)


@register.filter
def moment(value):
    """A moment to the minute (a review step, a version), written as every page writes dates."""
    return dates.format_moment(value)


@register.filter
def iso_date(value):
    """The machine-readable day of a <time datetime="…"> attribute."""
    return value.isoformat()[:10] if value else ""


@register.simple_tag(takes_context=True)
def url_with(context, **changes):
    """The current query string with some parameters changed (None or "" removes one)."""
    query = context["request"].GET.copy()
    for key, value in changes.items():
        if value is None or value == "":
            query.pop(key, None)
        else:
            query[key] = value
    encoded = query.urlencode()
    return f"?{encoded}" if encoded else "?"


def _lane(lanes, start, end):
    """The first lane free from ``start`` on, taken until ``end``."""
    for index, lane_end in enumerate(lanes):
        if lane_end < start:
            lanes[index] = end
            return index
    lanes.append(end)
    return len(lanes) - 1


@register.inclusion_tag("events/_timeline.html")
def timeline(events, period, width=960):
    """An SVG timeline of ``period`` (see events/timeline.py): multi-day events (the
    offensive, its phases) as bars in lanes, single events as dots. ``events`` are those
    drawn; the period's counts say how many others there are."""
    events = list(events)
    if not events or not period:
        return {"empty": True}
    first, last = period["first"], period["last"]
    shown = [e for e in events if e.start_date < last and (e.end_date or e.start_date) >= first]
    span_days = max((last - first).days, 1)

    def x_of(day):
        day = min(max(day, first), last)
        return round((day - first).days / span_days * width, 1)

    bar_lanes, dot_lanes, bars, marks = [], [], [], []
    for event in sorted(
        shown, key=lambda e: (e.start_date, -((e.end_date or e.start_date) - e.start_date).days)
    ):
        end = event.end_date or event.start_date
        x = x_of(event.start_date)
        if (end - event.start_date).days >= 2:
            x2 = x_of(end + timedelta(days=1))
            bar_width = max(round(x2 - x, 1), 3)
            lane = _lane(bar_lanes, x, x + max(bar_width, 0) + 2)
            chars = int((bar_width - 8) / 6.5)
            label = (
                event.title
                if len(event.title) <= chars
                else (event.title[: chars - 1] + "…" if chars >= 6 else "")
            )
            bars.append({"event": event, "x": x, "width": bar_width, "lane": lane, "label": label})
        else:
            lane = min(_lane(dot_lanes, x, x + 13), 5)
            marks.append({"event": event, "x": x, "lane": lane})
    lane_height, top = 22, 24
    for bar in bars:
        bar["y"] = top + bar["lane"] * lane_height
        bar["text_x"] = bar["x"] + 4
        bar["text_y"] = bar["y"] + 14
    axis_y = top + len(bar_lanes) * lane_height + 8
    for mark in marks:
        mark["y"] = axis_y + 10 + mark["lane"] * 14
    months = [month for month in months_between(first, last) if month < last]
    step = 1 if len(months) <= 14 else 3 if len(months) <= 36 else 12
    ticks = [
        {
            "x": x_of(month),
            "label": dates.month_tick(month, with_year=month.month == 1 or i == 0),
        }
        for i, month in enumerate(months)
        if i % step == 0
    ]
    return {
        "empty": False,
        "bars": bars,
        "marks": marks,
        "ticks": ticks,
        "width": width,
        "height": axis_y + 10 + (max((m["lane"] for m in marks), default=0) + 1) * 14,
        "axis_y": axis_y,
        "earlier": period["earlier"],
        "later": period["later"],
        "not_drawn": period["in_window"] - len(shown),
        "axis_label": _("Public events from %(first)s to %(last)s")
        % {
            "first": dates.format_period(first, None, "month"),
            "last": dates.format_period(last - timedelta(days=1), None, "month"),
        },
    }


@register.simple_tag
def sitemap_entries(urlset):
    """The <url> elements of a sitemap file, written at once: the thousand entries of a file
    cost Django's sitemap template (a loop of tags and filters) most of the page's time.
    The same elements as django.contrib.sitemaps' template writes."""
    parts = []
    for url in urlset:
        parts.append(f"<url><loc>{escape(url['location'])}</loc>")
        if url.get("lastmod"):
            parts.append(f"<lastmod>{_sitemap_date(url['lastmod'])}</lastmod>")
        if url.get("changefreq"):
            parts.append(f"<changefreq>{escape(url['changefreq'])}</changefreq>")
        if url.get("priority"):
            parts.append(f"<priority>{escape(url['priority'])}</priority>")
        for alternate in url.get("alternates") or ():
            parts.append(
                f'<xhtml:link rel="alternate" hreflang="{escape(alternate["lang_code"])}" '
                f'href="{escape(alternate["location"])}"/>'
            )
        parts.append("</url>")
    return mark_safe("".join(parts))


def _sitemap_date(value):
    if isinstance(value, datetime) and is_aware(value):
        value = localtime(value)
    return value.strftime("%Y-%m-%d")
