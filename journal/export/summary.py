"""The sponsor summary as a model: what the agreement allows, what the coachee ticked, and nothing else.

`propose` reads a journal and offers candidate items for one engagement and period, each
marked with the sharing level it needs; only the L0 logistics start ticked. `Proposal.build`
turns the coachee's `Choice` into a `Summary` that holds sponsor-facing content only — no
record ids, private labels, notes, people or exact entry dates — so that whatever renders
it cannot leak what it was never given.
"""

from __future__ import annotations

import calendar
import dataclasses
import enum
import re
from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

from journal.clock import Clock
from journal.dates import MONTH_NAMES, DateRange, format_day, parse_range
from journal.errors import InvalidInput
from journal.export.errors import LevelExceeded, WordingNeeded
from journal.export.text import neutralise
from journal.models import (
    MAX_TITLE_LENGTH,
    CheckIn,
    Engagement,
    Goal,
    GoalStatus,
    Reflection,
    SessionStatus,
    SharingLevel,
    Theme,
)
from journal.search import normalize
from journal.store import Journal


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

DEFAULT_TICKED = frozenset({"label", "period", "sessions"})
"""The L0 logistics ticked by default: engagement label, period, number of sessions held. Nothing else."""


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


@dataclass(frozen=True)
class Item:
    """A candidate for the summary, as the coachee sees it while choosing."""

    item_id: str
    """"label", "period", "sessions", "session-dates", "coach", or kind and record id ("theme:3f9a...")."""
    content: SummaryItem
    """What the sponsor would read."""
    hint: str
    """How the coachee recognises it (may be private, e.g. a goal's private title). Never leaves the journal."""
    above_level: bool
    """Beyond the agreed sharing level: offered, but only the explicit override lets it in."""
    private_wording: str = ""
    """The private label or title, which the coachee may explicitly choose to send instead of a sponsor wording."""
    wording_is_private: bool = False
    """The wording offered is the journal's own (the engagement's title), which may say more than meant."""

    @property
    def kind(self) -> ItemKind:
        """The item's kind."""
        return self.content.kind

    @property
    def short_id(self) -> str:
        """The id as shown in lists: the kind and the first eight characters of the record id."""
        kind, _, record_id = self.item_id.partition(":")
        return f"{kind}:{record_id[:8]}" if record_id else kind

    @property
    def needs_wording(self) -> bool:
        """No wording for the sponsor yet: it can be ticked only with a new wording, or the private one explicitly."""
        return self.kind.worded and not self.content.text

    @property
    def default(self) -> bool:
        """Ticked by default (the L0 logistics)."""
        return self.item_id in DEFAULT_TICKED


@dataclass(frozen=True)
class Choice:
    """What the coachee decided: ticked items, wordings written now, and the explicit exceptions."""

    ticked: frozenset[str] = DEFAULT_TICKED
    override: bool = False
    """Let in items above the agreed sharing level."""
    wording: Mapping[str, str] = field(default_factory=dict)
    """Item id → the wording for the sponsor written now (replaces the stored one for this summary)."""
    use_private: frozenset[str] = frozenset()
    """Items to send in their private wording, chosen explicitly despite the warning."""


@dataclass(frozen=True)
class Proposal:
    """The candidate items for one engagement and period, and the rules for choosing among them."""

    engagement_id: str
    level: SharingLevel
    """The sharing level agreed for the engagement."""
    period: DateRange
    items: tuple[Item, ...]
    prepared_on: date

    def item(self, item_id: str) -> Item:
        """The item with this exact id.

        Raises:
            InvalidInput: there is none.
        """
        for item in self.items:
            if item.item_id == item_id:
                return item
        raise InvalidInput(f"There is no item {item_id!r} in this summary; list the items to see their ids.")

    def resolve(self, reference: str) -> list[Item]:
        """The items a typed reference means: an id, a kind and a unique id prefix ("theme:3f9a"), a kind's plural
        ("themes", "goals", "statements") or "all".

        Raises:
            InvalidInput: nothing or several items match a prefix.
        """
        wanted = reference.strip().lower()
        plural = {f"{kind.value}s": kind for kind in (ItemKind.THEME, ItemKind.GOAL, ItemKind.STATEMENT)}
        if wanted == "all":
            return list(self.items)
        if wanted in plural:
            return [item for item in self.items if item.kind is plural[wanted]]
        exact = [item for item in self.items if wanted in (item.item_id, item.short_id)]
        if exact:
            return exact
        kind, _, prefix = wanted.partition(":")
        matches = [item for item in self.items if prefix and item.item_id.startswith(f"{kind}:{prefix}")]
        if len(matches) == 1:
            return matches
        if matches:
            raise InvalidInput(f"Several items start with {wanted!r}; give more of the id.")
        raise InvalidInput(f"There is no item {reference!r} in this summary; list the items to see their ids.")

    def default_choice(self) -> Choice:
        """Only the L0 logistics that exist ticked: what a summary holds if the coachee adds nothing."""
        return Choice(frozenset(item.item_id for item in self.items if item.default))

    def warnings(self, choice: Choice) -> list[str]:
        """What the coachee should know before approving `choice` (beyond-level items, private wordings).

        Returns:
            One sentence per warning; they name items by id, never quote private text.
        """
        notes = []
        for item_id in sorted(choice.ticked):
            item = self.item(item_id)
            if item.above_level:
                notes.append(
                    f"{item.short_id} goes beyond the agreed sharing level {self.level.name} "
                    f"({item.kind.level.name} needed): included only because you chose to override it."
                )
            if item_id in choice.use_private and item.needs_wording and item_id not in choice.wording:
                notes.append(f"{item.short_id} is sent in your private wording, not a wording written for the sponsor.")
            elif item.wording_is_private and item_id not in choice.wording:
                notes.append(
                    f"{item.short_id} uses the engagement's title from your journal; give a label written for the "
                    "sponsor if it says more than you mean to share."
                )
        return notes

    def build(self, choice: Choice) -> Summary:
        """The summary of the ticked items, in the wording chosen, in a fixed order.

        Raises:
            InvalidInput: an unknown item, or a wording given for an item that has none (a fact) or is blank.
            LevelExceeded: an item above the agreed level without the override.
            WordingNeeded: an item with no wording for the sponsor, neither written now nor taken from the private one.
        """
        chosen: list[tuple[str, SummaryItem]] = []
        for item_id in choice.wording:
            if not self.item(item_id).kind.worded:
                raise InvalidInput(f"{self.item(item_id).short_id} is a fact, not a wording: it cannot be reworded.")
        for item_id in choice.ticked:
            item = self.item(item_id)
            if item.above_level and not choice.override:
                raise LevelExceeded(
                    f"{item.short_id} needs sharing level {item.kind.level.name}, above the {self.level.name} agreed "
                    "for this engagement. Leave it out, or override the agreement explicitly."
                )
            content = item.content
            if item.kind.worded:
                content = dataclasses.replace(content, text=self._wording(item, choice))
            chosen.append((item_id, content))
        chosen.sort(key=lambda pair: _order(pair[1]))
        return Summary(
            items=tuple(content for _, content in chosen),
            ids=tuple(item_id for item_id, _ in chosen),
            prepared_on=self.prepared_on,
            origin=Origin(self.engagement_id, self.level, any(self.item(i).above_level for i in choice.ticked)),
        )

    @staticmethod
    def _wording(item: Item, choice: Choice) -> str:
        if item.item_id in choice.wording:
            written = neutralise(choice.wording[item.item_id])
            if not written:
                raise InvalidInput(f"The wording for {item.short_id} is empty.")
            if len(written) > MAX_TITLE_LENGTH:
                raise InvalidInput(f"The wording for {item.short_id} is too long (at most {MAX_TITLE_LENGTH}).")
            return written
        if item.content.text:
            return neutralise(item.content.text)
        if item.item_id in choice.use_private and item.private_wording:
            return neutralise(item.private_wording)
        raise WordingNeeded(
            f"{item.short_id} has no wording for the sponsor yet: write one, or choose explicitly to send your "
            "private wording."
        )


def _order(item: SummaryItem) -> tuple[object, ...]:
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


# --- periods -----------------------------------------------------------------------------------

_QUARTER = re.compile(r"(?:q([1-4])\s*(\d{4})|(\d{4})\s*-?\s*q([1-4]))")
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


def _within_engagement(period: DateRange, engagement: Engagement) -> DateRange:
    """The part of `period` inside the engagement's dates (an open start begins with the engagement)."""
    start = max(period.start, engagement.starts_on) if engagement.starts_on else period.start
    end = min(period.end, engagement.ends_on) if engagement.ends_on else period.end
    if start > end:
        raise InvalidInput(f"The period {period.describe()} does not overlap the engagement's dates.")
    return DateRange(start, end)


# --- proposing -----------------------------------------------------------------------------------


def propose(journal: Journal, engagement: Engagement, period: DateRange) -> Proposal:
    """The candidate items of a summary of `engagement` over `period`, marked against its sharing agreement.

    Args:
        journal: the unlocked journal.
        engagement: whose summary (a saved engagement).
        period: which days; clipped to the engagement's dates.
    Returns:
        Every item the coachee could tick; only the L0 logistics are ticked by default.
    Raises:
        InvalidInput: the period does not overlap the engagement.
    """
    period = _within_engagement(period, engagement)
    agreed = engagement.agreement.level
    label = SummaryItem(ItemKind.LABEL, engagement.title)
    items = [
        _offer("label", label, "engagement label (your journal's title unless you give one)", agreed, private=True),
        _offer("period", SummaryItem(ItemKind.PERIOD, dates=(period.start, period.end)), "period", agreed),
    ]
    held = [
        session
        for session in journal.sessions_of(engagement)
        if session.status is SessionStatus.HELD and session.held_on in period
    ]
    sessions = SummaryItem(ItemKind.SESSIONS, count=len(held), planned=engagement.planned_sessions)
    items.append(_offer("sessions", sessions, "number of sessions held", agreed))
    if held:
        dates = SummaryItem(ItemKind.SESSION_DATES, dates=tuple(sorted(session.held_on for session in held)))
        items.append(_offer("session-dates", dates, "session dates", agreed))
    if engagement.coach:
        items.append(_offer("coach", SummaryItem(ItemKind.COACH, engagement.coach), "your coach's name", agreed))
    items += _themes(journal, engagement, period)
    items += _goals_and_statements(journal, engagement, period)
    return Proposal(engagement.saved_id, agreed, period, tuple(items), journal.clock.today())


def _offer(
    item_id: str, content: SummaryItem, hint: str, agreed: SharingLevel, *, wording: str = "", private: bool = False
) -> Item:
    """A candidate item, marked when its kind needs more than the `agreed` level."""
    return Item(item_id, content, hint, content.kind.level > agreed, wording, private)


def _themes(journal: Journal, engagement: Engagement, period: DateRange) -> list[Item]:
    """Themes touched by the engagement's reflections (or unattached ones) in the period, with the months."""
    sessions = {session.saved_id for session in journal.sessions_of(engagement)}
    agreed = engagement.agreement.level
    months: dict[str, set[str]] = defaultdict(set)
    for reflection in journal.all(Reflection):
        if reflection.day not in period or not _belongs(reflection, engagement, sessions):
            continue
        for theme_id in reflection.theme_ids:
            months[theme_id].add(reflection.written_at.strftime("%Y-%m"))
    items = []
    # Listed by label, so the coachee finds them in the same place every time.
    for theme in sorted(journal.all(Theme), key=lambda theme: normalize(theme.label)):
        if theme.saved_id in months:
            content = SummaryItem(ItemKind.THEME, theme.sponsor_wording, months=tuple(sorted(months[theme.saved_id])))
            hint = f"theme {theme.label}"
            items.append(_offer(f"theme:{theme.saved_id}", content, hint, agreed, wording=theme.label))
    return items


def _belongs(reflection: Reflection, engagement: Engagement, sessions: set[str]) -> bool:
    if reflection.session_id is not None:
        return reflection.session_id in sessions
    return reflection.engagement_id in (None, engagement.record_id)


def _goals_and_statements(journal: Journal, engagement: Engagement, period: DateRange) -> list[Item]:
    """The engagement's goals (and unattached ones) with progress in the period, then their statements."""
    agreed = engagement.agreement.level
    goals: list[Item] = []
    statements: list[Item] = []
    for goal in sorted(journal.all(Goal), key=lambda goal: normalize(goal.title)):
        if goal.engagement_id not in (None, engagement.record_id):
            continue
        history: list[CheckIn] = [check_in for check_in in journal.goal_history(goal) if check_in.rated_on in period]
        ratings = [check_in.rating for check_in in history]
        content = SummaryItem(
            ItemKind.GOAL,
            goal.sponsor_wording,
            status=goal.status,
            first=ratings[0] if ratings else None,
            latest=ratings[-1] if len(ratings) > 1 else None,
        )
        goals.append(_offer(f"goal:{goal.saved_id}", content, f"goal {goal.title}", agreed, wording=goal.title))
        for check_in in history:
            if check_in.sponsor_statement:
                month = check_in.rated_on.strftime("%Y-%m")
                said = SummaryItem(ItemKind.STATEMENT, check_in.sponsor_statement, months=(month,))
                hint = f"statement on goal {goal.title}, {format_day(check_in.rated_on)}"
                statements.append(_offer(f"statement:{check_in.saved_id}", said, hint, agreed))
    return goals + statements


def remember_wording(journal: Journal, item: Item, wording: str) -> None:
    """Store a wording written during an export on the theme, goal or check-in it belongs to, for next time.

    Args:
        journal: the unlocked journal.
        item: a theme, goal or statement item.
        wording: the wording for the sponsor.
    Raises:
        InvalidInput: the item is not a theme, goal or statement, or the wording is not valid.
    """
    kind, _, record_id = item.item_id.partition(":")
    wording = neutralise(wording)
    if kind == ItemKind.THEME.value:
        journal.save(dataclasses.replace(journal.get(Theme, record_id), sponsor_wording=wording))
    elif kind == ItemKind.GOAL.value:
        journal.save(dataclasses.replace(journal.get(Goal, record_id), sponsor_wording=wording))
    elif kind == ItemKind.STATEMENT.value:
        journal.save(dataclasses.replace(journal.get(CheckIn, record_id), sponsor_statement=wording))
    else:
        raise InvalidInput(f"The wording of {item.short_id} is not stored in the journal; give it on each export.")


__all__ = [
    "DEFAULT_TICKED",
    "PERIOD_EXAMPLES",
    "Choice",
    "Item",
    "ItemKind",
    "Origin",
    "Proposal",
    "Summary",
    "SummaryItem",
    "Trend",
    "describe_months",
    "describe_period",
    "describe_progress",
    "describe_sessions",
    "parse_period",
    "propose",
    "remember_wording",
]
