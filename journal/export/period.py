"""The period a sponsor summary covers, read from the coachee's words ("last quarter", "Q3 2026", "engagement")."""

from __future__ import annotations

import calendar
import re
from datetime import date

from journal.clock import Clock
from journal.dates import DateRange, parse_range
from journal.errors import InvalidInput
from journal.models import Engagement

_QUARTER = re.compile(r"(?:q([1-4])\s*(\d{4})|(\d{4})\s*-?\s*q([1-4]))")
WHOLE_ENGAGEMENT = "engagement"
"""The period phrase for the whole engagement (what a summary covers unless told otherwise)."""

PERIOD_EXAMPLES = "'last quarter', 'Q3 2026', 'last month', 'since 2026-07-01' or 'engagement'"


def parse_period(text: str, clock: Clock, engagement: Engagement | None = None) -> DateRange:
    """Read the period a summary covers: any phrase `parse_range` reads, quarters, or the whole engagement.

    Args:
        text: e.g. "last quarter", "this quarter", "Q3 2026", "2026-Q3", "engagement" (its whole length).
        clock: where today comes from.
        engagement: needed for "engagement".
    Returns:
        The days the phrase names.
    Raises:
        InvalidInput: a phrase Candour does not read.
    """
    phrase = " ".join(text.lower().split())
    today = clock.today()
    if phrase in ("this quarter", "last quarter"):
        index = today.year * 4 + (today.month - 1) // 3 - (phrase == "last quarter")
        return _quarter(index // 4, index % 4 + 1)
    if match := _QUARTER.fullmatch(phrase):
        quarter, year = (match[1], match[2]) if match[1] else (match[4], match[3])
        return _quarter(int(year), int(quarter))
    if phrase in ("engagement", "whole engagement", "all"):
        if engagement is None or engagement.starts_on is None:
            raise InvalidInput("The engagement has no start date: give the period, e.g. 'since 2026-07-01'.")
        return DateRange(engagement.starts_on, max(engagement.ends_on or today, engagement.starts_on))
    return parse_range(text, clock)


def _quarter(year: int, quarter: int) -> DateRange:
    if not 1 <= year <= 9999:
        raise InvalidInput("That quarter falls outside the calendar Candour knows (years 1 to 9999).")
    first_month = 3 * (quarter - 1) + 1
    last_month = first_month + 2
    return DateRange(date(year, first_month, 1), date(year, last_month, calendar.monthrange(year, last_month)[1]))


def within_engagement(period: DateRange, engagement: Engagement) -> DateRange:
    """The part of `period` inside the engagement's dates (an open start begins with the engagement)."""
    start = max(period.start, engagement.starts_on) if engagement.starts_on else period.start
    end = min(period.end, engagement.ends_on) if engagement.ends_on else period.end
    if start > end:
        raise InvalidInput(f"The period {period.describe()} does not overlap the engagement's dates.")
    return DateRange(start, end)


__all__ = ["PERIOD_EXAMPLES", "WHOLE_ENGAGEMENT", "parse_period", "within_engagement"]
