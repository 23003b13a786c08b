"""The sponsor summary as a model: what the sponsor reads, item by item, and nothing else.

A `Summary` holds sponsor-facing content only — no record ids, private labels, notes, people
or exact entry dates — so that whatever renders it cannot leak what it was never given. It is
built from the coachee's choice among the candidate items (`journal.export.proposal`).
"""

from __future__ import annotations

import dataclasses
import enum
from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date

from journal.dates import MONTH_NAMES, DateRange, format_day
from journal.models import GoalStatus, SharingLevel


class ItemKind(enum.Enum):
    """The kinds of thing a summary can hold, in the order a summary shows them."""

    LABEL = "label"
    PERIOD = "period"
    SESSIONS = "sessions"
    SESSION_DATES = "session-dates"
    COACH = "coach"
    THEME = "theme"
    GOAL = "goal"
    STATEMENT = "statement"

    @property
    def level(self) -> SharingLevel:
        """The sharing level an item of this kind needs."""
        return _KIND_LEVELS.get(self, SharingLevel.L0)

    @property
    def worded(self) -> bool:
        """Whether items of this kind carry words the coachee writes (and may reword), as opposed to facts."""
        return self in _WORDED


_KIND_LEVELS = {ItemKind.THEME: SharingLevel.L1, ItemKind.GOAL: SharingLevel.L2, ItemKind.STATEMENT: SharingLevel.L3}
_WORDED = frozenset({ItemKind.LABEL, ItemKind.COACH, ItemKind.THEME, ItemKind.GOAL, ItemKind.STATEMENT})
_LINTED = frozenset({ItemKind.LABEL, ItemKind.THEME, ItemKind.GOAL, ItemKind.STATEMENT})
"""Kinds whose words the linter checks. The coach's name is a name by nature, ticked on purpose."""


class Trend(enum.Enum):
    """Which way a goal's rating went from the first to the latest check-in of the period."""

    UP = "up"
    STEADY = "steady"
    DOWN = "down"


@dataclass(frozen=True)
class SummaryItem:
    """One thing the sponsor reads. Sponsor-facing content only: renderers see nothing else."""

    kind: ItemKind
    text: str = ""
    """The label, the coach's name, or a theme's, goal's or statement's wording for the sponsor."""
    months: tuple[str, ...] = ()
    """Theme: the months ("2026-09") it was worked on in the period; statement: the month it was written."""
    status: GoalStatus | None = None
    first: int | None = None
    """Goal: the first rating (0-10) in the period, if any."""
    latest: int | None = None
    """Goal: the latest rating in the period, when there were at least two."""
    count: int | None = None
    """Sessions: how many were held in the period."""
    planned: int | None = None
    """Sessions: how many the engagement planned."""
    dates: tuple[date, ...] = ()
    """Period: its first and last day; session dates: the days sessions were held."""

    @property
    def trend(self) -> Trend | None:
        """Up, steady or down from the first to the latest rating; None with fewer than two ratings."""
        if self.first is None or self.latest is None:
            return None
        if self.latest > self.first:
            return Trend.UP
        return Trend.DOWN if self.latest < self.first else Trend.STEADY

    def describe(self) -> str:
        """The item in one line, as the export log lists it (e.g. "theme: Empowering the team (September 2026)")."""
        match self.kind:
            case ItemKind.LABEL | ItemKind.COACH:
                return f"{self.kind.value}: {self.text}"
            case ItemKind.PERIOD:
                return f"period: {describe_period(self.dates)}"
            case ItemKind.SESSIONS:
                return f"sessions held: {describe_sessions(self)}"
            case ItemKind.SESSION_DATES:
                return "session dates: " + ", ".join(format_day(day) for day in self.dates)
            case ItemKind.THEME:
                return f"theme: {self.text} ({describe_months(self.months)})"
            case ItemKind.GOAL:
                return f"goal: {self.text} ({describe_progress(self)})"
            case ItemKind.STATEMENT:
                return f"statement ({describe_months(self.months)}): {self.text}"


def describe_period(dates: tuple[date, ...]) -> str:
    """A period item's days in words ("1 July – 30 September 2026")."""
    return DateRange(dates[0], dates[-1]).describe()


def describe_sessions(item: SummaryItem) -> str:
    """E.g. "3 of 6 planned", or "3"."""
    return f"{item.count} of {item.planned} planned" if item.planned else str(item.count)


def describe_months(months: Iterable[str]) -> str:
    """Months in words, grouped by year: "July, September and October 2026"."""
    by_year: dict[str, list[str]] = defaultdict(list)
    for month in sorted(set(months)):
        year, number = month.split("-")
        by_year[year].append(MONTH_NAMES[int(number) - 1])
    parts = []
    for year, names in by_year.items():
        listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
        parts.append(f"{listed} {year}")
    return "; ".join(parts)


def describe_progress(item: SummaryItem) -> str:
    """A goal's status and progress in words: "active; 3 → 7 out of 10, up"."""
    status = item.status.value if item.status else "no status"
    if item.first is None:
        return f"{status}; not rated in this period"
    if item.latest is None:
        return f"{status}; rated {item.first} out of 10"
    return f"{status}; {item.first} → {item.latest} out of 10, {item.trend.value if item.trend else ''}".rstrip(", ")


@dataclass(frozen=True)
class Origin:
    """Where a summary came from, for the export log. Never rendered."""

    engagement_id: str
    level: SharingLevel
    """The sharing level agreed for the engagement."""
    override: bool
    """Whether the summary holds items above that level (chosen with the explicit override)."""


@dataclass(frozen=True)
class Summary:
    """What the coachee approved for the sponsor, in the order it is shown."""

    items: tuple[SummaryItem, ...]
    ids: tuple[str, ...]
    """The proposal's id of each item (parallel to `items`): for linting and leaving items out, never rendered."""
    prepared_on: date
    origin: Origin

    def texts(self) -> list[tuple[str, str]]:
        """(item id, words) for every item whose words the linter checks."""
        pairs = zip(self.ids, self.items, strict=True)
        return [(item_id, item.text) for item_id, item in pairs if item.kind in _LINTED]

    def without(self, item_ids: Collection[str]) -> Summary:
        """The summary with some items left out (blocked by the linter)."""
        kept = [(item_id, item) for item_id, item in zip(self.ids, self.items, strict=True) if item_id not in item_ids]
        return dataclasses.replace(
            self, items=tuple(item for _, item in kept), ids=tuple(item_id for item_id, _ in kept)
        )

    def describe_items(self) -> tuple[str, ...]:
        """Each item in one line, for the export log."""
        return tuple(item.describe() for item in self.items)

    def of_kind(self, kind: ItemKind) -> list[SummaryItem]:
        """The items of one kind, in order."""
        return [item for item in self.items if item.kind is kind]


def display_order(item: SummaryItem) -> tuple[object, ...]:
    """Sort key from sponsor-facing content alone, so the order of a summary reveals nothing else."""
    kinds = list(ItemKind)
    status = item.status.value if item.status else ""
    first = -1 if item.first is None else item.first
    latest = -1 if item.latest is None else item.latest
    return (
        kinds.index(item.kind),
        item.months if item.kind is ItemKind.STATEMENT else (),
        item.text.casefold(),
        item.text,
        item.months,
        status,
        first,
        latest,
        item.dates,
    )


__all__ = [
    "ItemKind",
    "Origin",
    "Summary",
    "SummaryItem",
    "Trend",
    "describe_months",
    "describe_period",
    "describe_progress",
    "describe_sessions",
    "display_order",
]
