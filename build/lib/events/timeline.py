"""The period the home page's timeline draws, in whole months."""

from datetime import timedelta


def months_between(first, last):
    month = first.replace(day=1)
    while month <= last:
        yield month
        month = (month + timedelta(days=32)).replace(day=1)


def _next_month(day):
    return (day.replace(day=1) + timedelta(days=32)).replace(day=1)


def window_of(first, last):
    """[first day of ``first``'s month, first day of the month after ``last``)."""
    return first.replace(day=1), _next_month(last)


def window_around(campaign_start, campaign_end):
    """The campaigns (the offensive) with two months before them and one after."""
    return window_of(campaign_start - timedelta(days=62), campaign_end + timedelta(days=31))
