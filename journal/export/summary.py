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
from journal.errors import InvalidInput
from journal.models import GoalStatus, SharingLevel


class ItemKind(enum.Enum):
    """The kinds of thing a summary can hold, in the order a summary shows them."""

    LABEL = "label"
    PERIOD = "period"
    SESSIONS = "sessions"
    SESSIONS_USED = "sessions-used"
    ENDS = "ends"
    SESSION_DATES = "session-dates"
    COACH = "coach"
    THEME = "theme"
    GOAL = "goal"
    STATEMENT = "statement"
    FOCUS = "focus"
    SUPPORT = "support"

    @property
    def level(self) -> SharingLevel:
        """The sharing level an item of this kind needs."""
        return _KIND_LEVELS.get(self, SharingLevel.L0)

    @property
    def worded(self) -> bool:
        """Whether items of this kind carry words the coachee writes (and may reword), as opposed to facts."""
        return self in _WORDED


LOOKING_AHEAD = (ItemKind.FOCUS, ItemKind.SUPPORT)
"""The coachee's statements about the next period: what they will focus on, and the support they ask for."""

_KIND_LEVELS = {
    ItemKind.THEME: SharingLevel.L1,
    ItemKind.GOAL: SharingLevel.L2,
    ItemKind.STATEMENT: SharingLevel.L3,
    ItemKind.FOCUS: SharingLevel.L3,
    ItemKind.SUPPORT: SharingLevel.L3,
}
_WORDED = frozenset({ItemKind.LABEL, ItemKind.COACH, ItemKind.THEME, ItemKind.GOAL, ItemKind.STATEMENT, *LOOKING_AHEAD})
_LINTED = _WORDED - {ItemKind.COACH}
"""Kinds whose words the linter checks. The coach's name is a name by nature, ticked on purpose."""

LOOKING_AHEAD_NAMES = {
    ItemKind.FOCUS: "Focus for the next period",
    ItemKind.SUPPORT: "Support I would like from my sponsor",
}
"""How a summary introduces each statement about the next period."""


class Variant(enum.Enum):
    """Which meeting the summary is for: a summary between meetings, or a three-way review."""

    SUMMARY = "summary"
    MID_POINT = "mid-point"
    """The mid-point three-way review with coach and sponsor."""
    FINAL = "final"
    """The final three-way review, at the engagement's end."""

    @property
    def title(self) -> str:
        """The document's title."""
        return {"summary": "Coaching summary", "mid-point": "Mid-point review", "final": "Final review"}[self.value]

    @classmethod
    def parse(cls, text: str) -> Variant:
        """A variant from its name ("summary", "mid-point", "midpoint", "final").

        Raises:
            InvalidInput: another word.
        """
        wanted = text.strip().lower().replace(" ", "-").replace("midpoint", "mid-point")
        for variant in cls:
            if variant.value == wanted:
                return variant
        raise InvalidInput("The summary is one of: summary, mid-point (review) or final (review).")


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
    """The label, the coach's name, or a theme's, goal's or statement's wording for the sponsor (a focus or a
    request for support too)."""
    months: tuple[str, ...] = ()
    """Theme: the months ("2026-09") it was worked on in the period; statement: the month it was written."""
    status: GoalStatus | None = None
    first: int | None = None
    """Goal: the baseline, its first rating (0-10) in the engagement up to the period's end, if any."""
    latest: int | None = None
    """Goal: the latest rating up to the period's end, when there were at least two."""
    target: int | None = None
    """Goal: the rating the coachee aims for, if set."""
    count: int | None = None
    """Sessions: how many were held in the period; sessions used: in the engagement up to the period's end."""
    planned: int | None = None
    """Sessions, sessions used: how many the engagement planned."""
    dates: tuple[date, ...] = ()
    """Period: its first and last day; session dates: the days sessions were held; ends: the engagement's end."""
    beyond_level: bool = False
    """Shared above the agreed sharing level, by the coachee's explicit choice: the summary says so."""

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
            case ItemKind.SESSIONS_USED:
                return f"sessions used: {describe_sessions_used(self)}"
            case ItemKind.ENDS:
                return f"engagement ends: {format_day(self.dates[0])}"
            case ItemKind.SESSION_DATES:
                return "session dates: " + ", ".join(format_day(day) for day in self.dates)
            case ItemKind.THEME:
                return f"theme: {self.text} ({describe_detail(self)})"
            case ItemKind.GOAL:
                return f"goal: {self.text} ({describe_progress(self)})"
            case ItemKind.STATEMENT:
                return f"statement ({describe_months(self.months)}): {self.text}"
            case ItemKind.FOCUS | ItemKind.SUPPORT:
                return f"{self.kind.value}: {self.text}"


def describe_period(dates: tuple[date, ...]) -> str:
    """A period item's days in words ("1 July – 30 September 2026")."""
    return DateRange(dates[0], dates[-1]).describe()


def describe_sessions(item: SummaryItem) -> str:
    """E.g. "3 of 6 planned", or "3"."""
    return f"{item.count} of {item.planned} planned" if item.planned else str(item.count)


def describe_sessions_used(item: SummaryItem) -> str:
    """E.g. "5 of 8 (3 remaining)", or "5" when none were planned."""
    if not item.planned:
        return str(item.count)
    return f"{item.count} of {item.planned} ({max(item.planned - (item.count or 0), 0)} remaining)"


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


def describe_detail(item: SummaryItem) -> str:
    """For the coachee: a goal's progress, or the months of a theme or statement ("between sessions only" for a
    theme met only in free entries, which the sponsor's file shows with no months)."""
    if item.kind is ItemKind.GOAL:
        return describe_progress(item)
    return describe_months(item.months) if item.months else "between sessions only"


def describe_progress(item: SummaryItem) -> str:
    """A goal's status and progress in words: "active; 3 → 7 out of 10, up; target 8"."""
    status = item.status.value if item.status else "no status"
    target = f"; target {item.target}" if item.target is not None else ""
    if item.first is None:
        return f"{status}; not rated yet{target}"
    if item.latest is None:
        return f"{status}; rated {item.first} out of 10{target}"
    trend = f", {item.trend.value}" if item.trend else ""
    return f"{status}; {item.first} → {item.latest} out of 10{trend}{target}"


@dataclass(frozen=True)
class Origin:
    """Where a summary came from, for the export log. Never rendered."""

    engagement_id: str
    level: SharingLevel
    """The sharing level agreed for the engagement."""
    override: bool
    """Whether the summary holds items above that level (each chosen with an explicit override)."""


@dataclass(frozen=True)
class Summary:
    """What the coachee approved for the sponsor, in the order it is shown."""

    items: tuple[SummaryItem, ...]
    ids: tuple[str, ...]
    """The proposal's id of each item (parallel to `items`): for linting and leaving items out, never rendered."""
    prepared_on: date
    origin: Origin
    variant: Variant = Variant.SUMMARY

    @property
    def sharing_level(self) -> SharingLevel:
        """The sharing level agreed in contracting, which every summary states."""
        return self.origin.level

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
        -1 if item.target is None else item.target,
        item.dates,
    )


__all__ = [
    "LOOKING_AHEAD",
    "LOOKING_AHEAD_NAMES",
    "ItemKind",
    "Origin",
    "Summary",
    "SummaryItem",
    "Trend",
    "Variant",
    "describe_detail",
    "describe_months",
    "describe_period",
    "describe_progress",
    "describe_sessions",
    "describe_sessions_used",
    "display_order",
]
