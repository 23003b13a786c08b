"""The candidate items of a sponsor summary, and the coachee's choice among them.

`propose` reads a journal and offers candidate items for one engagement and period, each
marked with the sharing level it needs; only the L0 logistics start ticked. `Proposal.build`
turns the coachee's `Choice` into a `Summary` (`journal.export.summary`) of the ticked items,
in the wording chosen.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from journal.dates import DateRange, format_day
from journal.errors import InvalidInput
from journal.export.errors import LevelExceeded, WordingNeeded
from journal.export.period import within_engagement
from journal.export.summary import ItemKind, Origin, Summary, SummaryItem, display_order
from journal.export.text import neutralise
from journal.models import (
    MAX_TITLE_LENGTH,
    CheckIn,
    Engagement,
    Goal,
    Reflection,
    SessionStatus,
    SharingLevel,
    Theme,
)
from journal.search import normalize
from journal.store import Journal

DEFAULT_TICKED = frozenset({"label", "period", "sessions"})
"""The L0 logistics ticked by default: engagement label, period, number of sessions held. Nothing else."""


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
        chosen.sort(key=lambda pair: display_order(pair[1]))
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
    period = within_engagement(period, engagement)
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


__all__ = ["DEFAULT_TICKED", "Choice", "Item", "Proposal", "propose", "remember_wording"]
