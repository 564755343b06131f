"""A claim's figure: what form it takes (exact, at least, at most, a range) and how it is
written.

Every figure a page, the feed, an export, the API or the admin shows goes through
``format_figure``, so "at least 12" reads the same everywhere, with the numbers grouped as the
reader's language groups them ("68,000", "68 000").

The form decides which of the two stored numbers hold the figure, so that ``figure_low`` and
``figure_high`` are always the bounds of what was claimed (the exports' readers rely on it):

- exact: low and high both hold the figure;
- at least: low only;
- at most: high only, the bound that was claimed (so no lowest figure is made up);
- range: low below high.
"""

from django.db import models
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


class FigureKind(models.TextChoices):
    EXACT = "exact", gettext_lazy("Exact")
    AT_LEAST = "at_least", gettext_lazy("At least")
    AT_MOST = "at_most", gettext_lazy("At most")
    RANGE = "range", gettext_lazy("Range")


def implied_kind(low, high):
    """The form that figures stored without one meant: before the form was recorded, a low
    figure alone read "at least", equal figures a single figure and two figures a range."""
    if low is None:
        return ""
    if high is None:
        return FigureKind.AT_LEAST
    return FigureKind.EXACT if low == high else FigureKind.RANGE


def format_number(value):
    return number_format(value, force_grouping=True)


def format_range(low, high):
    if low == high:
        return format_number(low)
    return _("%(low)s–%(high)s") % {"low": format_number(low), "high": format_number(high)}


def format_figure(kind, low, high, unit=""):
    """The figure in words, with its unit: "at least 12 civilians killed", "12–20 …"."""
    if kind == FigureKind.EXACT:
        figure = format_number(low)
    elif kind == FigureKind.AT_LEAST:
        figure = _("at least %(figure)s") % {"figure": format_number(low)}
    elif kind == FigureKind.AT_MOST:
        figure = _("at most %(figure)s") % {"figure": format_number(high)}
    elif kind == FigureKind.RANGE:
        figure = format_range(low, high)
    else:
        return ""
    return f"{figure} {unit}".strip()
