"""The period a sponsor summary covers, read from the coachee's words ("last quarter", "Q3 2026", "engagement")."""

from __future__ import annotations

from journal.clock import Clock
from journal.dates import DateRange, parse_range
from journal.errors import InvalidInput
from journal.models import Engagement

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
    if phrase in ("engagement", "whole engagement", "all"):
        if engagement is None or engagement.starts_on is None:
            raise InvalidInput("The engagement has no start date: give the period, e.g. 'since 2026-07-01'.")
        today = clock.today()
        return DateRange(engagement.starts_on, max(engagement.ends_on or today, engagement.starts_on))
    return parse_range(text, clock)  # quarters included ("last quarter", "Q3 2026")


def within_engagement(period: DateRange, engagement: Engagement) -> DateRange:
    """The part of `period` inside the engagement's dates (an open start begins with the engagement)."""
    start = max(period.start, engagement.starts_on) if engagement.starts_on else period.start
    end = min(period.end, engagement.ends_on) if engagement.ends_on else period.end
    if start > end:
        raise InvalidInput(f"The period {period.describe()} does not overlap the engagement's dates.")
    return DateRange(start, end)


__all__ = ["PERIOD_EXAMPLES", "WHOLE_ENGAGEMENT", "parse_period", "within_engagement"]
