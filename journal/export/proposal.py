"""The candidate items of a sponsor summary, and the coachee's choice among them.

`propose` reads a journal and offers candidate items for one engagement and period, each
marked with the sharing level it needs; only the L0 logistics start ticked, and only those
that say nothing private (the engagement's label only once it has one written for the sponsor).
`Proposal.build` turns the coachee's `Choice` into a `Summary` (`journal.export.summary`) of the
ticked items, in the wording chosen.

Wordings come from what the coachee kept for this engagement (`Engagement.wordings`), else from
the theme's, goal's or check-in's own sponsor wording; a wording typed during an export is kept
only when the coachee says so (`keep_wordings`).
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from journal.dates import DateRange, format_day
from journal.errors import InvalidInput
from journal.export.errors import ItemError, ItemNote, LevelExceeded, WordingNeeded, WordingRefused
from journal.export.period import within_engagement
from journal.export.summary import (
    LOOKING_AHEAD_NAMES,
    ItemKind,
    Origin,
    Summary,
    SummaryItem,
    Variant,
    display_order,
)
from journal.export.text import neutralise
from journal.models import (
    MAX_TITLE_LENGTH,
    CheckIn,
    Engagement,
    Goal,
    Reflection,
    Session,
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

    @property
    def kind(self) -> ItemKind:
        """The item's kind."""
        return self.content.kind

    @property
    def short_id(self) -> str:
        """The id as shown in lists: the kind and the first eight characters of the record id."""
        kind, _, record_id = self.item_id.partition(":")
        return f"{kind}:{record_id[:8]}" if record_id else kind

    def note(self, template: str) -> ItemNote:
        """A sentence about this item, with "{item}" where it is named (by id, or by name in the app)."""
        return ItemNote(template, self.item_id, self.short_id)

    @property
    def needs_wording(self) -> bool:
        """No wording for the sponsor yet: it can be ticked only with a new wording, or the private one explicitly."""
        return self.kind.worded and not self.content.text

    @property
    def default(self) -> bool:
        """Ticked by default: the L0 logistics, the label only once it has a wording for the sponsor."""
        return self.item_id in DEFAULT_TICKED and not self.needs_wording


@dataclass(frozen=True)
class Choice:
    """What the coachee decided: ticked items, wordings written now, and the explicit exceptions."""

    ticked: frozenset[str] = DEFAULT_TICKED
    override: frozenset[str] = frozenset()
    """Items let in above the agreed sharing level, each chosen explicitly (the summary says so)."""
    wording: Mapping[str, str] = field(default_factory=dict)
    """Item id → the wording for the sponsor written now (replaces the stored one for this summary)."""
    use_private: frozenset[str] = frozenset()
    """Items to send in their private wording, chosen explicitly despite the warning."""
    variant: Variant = Variant.SUMMARY


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
        """What the coachee should know before approving `choice`, one sentence each (see `notes`)."""
        return [str(note) for note in self.notes(choice)]

    def notes(self, choice: Choice) -> list[ItemNote]:
        """What the coachee should know before approving `choice` (beyond-level items, private wordings).

        Returns:
            One note per warning; they name items by id (or, in the app, by name), never quote private text.
        """
        notes = []
        for item_id in sorted(choice.ticked):
            item = self.item(item_id)
            if item.above_level:
                notes.append(
                    item.note(
                        f"{{item}} goes beyond the agreed sharing level {self.level.name} "
                        f"({item.kind.level.name} needed): included only because you chose to override it; the "
                        "summary says so."
                    )
                )
            if self.sends_private(item, choice):
                notes.append(item.note("{item} is sent in your private wording, not one written for the sponsor."))
        return notes

    def sends_private(self, item: Item, choice: Choice) -> bool:
        """Whether `choice` sends `item` in the journal's private wording (chosen explicitly)."""
        return (
            item.item_id in choice.ticked
            and item.item_id in choice.use_private
            and item.needs_wording
            and item.item_id not in choice.wording
        )

    def build(self, choice: Choice) -> Summary:
        """The summary of the ticked items, in the wording chosen, in a fixed order.

        Raises:
            InvalidInput: an unknown item, or a wording given for an item that has none (a fact) or is blank.
            LevelExceeded: an item above the agreed level without the override.
            WordingNeeded: an item with no wording for the sponsor, neither written now nor taken from the private one.
        """
        for item_id in choice.wording:
            if not self.item(item_id).kind.worded:
                raise WordingRefused(self.item(item_id).note("{item} is a fact, not a wording: it cannot be reworded."))
        chosen = [(item_id, self._content(self.item(item_id), choice)) for item_id in choice.ticked]
        chosen = _one_line_per_theme_wording(chosen)
        chosen.sort(key=lambda pair: display_order(pair[1]))
        return Summary(
            items=tuple(content for _, content in chosen),
            ids=tuple(item_id for item_id, _ in chosen),
            prepared_on=self.prepared_on,
            origin=Origin(self.engagement_id, self.level, any(content.beyond_level for _, content in chosen)),
            variant=choice.variant,
        )

    def waiting(self, choice: Choice) -> list[ItemError]:
        """Why each ticked item that cannot go in yet cannot (no wording, above the level, a refused wording), so
        that the rest can be previewed while the coachee answers; `build` refuses the whole choice instead."""
        waiting = []
        for item_id in sorted(choice.ticked):
            try:
                self._content(self.item(item_id), choice)
            except ItemError as error:
                waiting.append(error)
        return waiting

    def _content(self, item: Item, choice: Choice) -> SummaryItem:
        """What the sponsor would read of a ticked item, as `choice` words it.

        Raises:
            LevelExceeded, WordingNeeded, WordingRefused: see `build`.
        """
        if item.above_level and item.item_id not in choice.override:
            raise LevelExceeded(
                item.note(
                    f"{{item}} needs sharing level {item.kind.level.name}, above the {self.level.name} agreed "
                    "for this engagement. Leave it out, or override the agreement for this item explicitly."
                )
            )
        content = dataclasses.replace(item.content, beyond_level=item.above_level)
        if item.kind.worded:
            content = dataclasses.replace(content, text=self._wording(item, choice))
        return content

    @staticmethod
    def _wording(item: Item, choice: Choice) -> str:
        if item.item_id in choice.wording:
            written = neutralise(choice.wording[item.item_id])
            if not written:
                raise WordingRefused(item.note("The wording for {item} is empty."))
            if len(written) > MAX_TITLE_LENGTH:
                raise WordingRefused(item.note(f"The wording for {{item}} is too long (at most {MAX_TITLE_LENGTH})."))
            return written
        if item.content.text:
            return neutralise(item.content.text)
        if item.item_id in choice.use_private and item.private_wording:
            return neutralise(item.private_wording)
        private = ", or choose explicitly to send your private wording" if item.private_wording else ""
        raise WordingNeeded(item.note(f"{{item}} has no wording for the sponsor yet: write one{private}."))


def _one_line_per_theme_wording(chosen: list[tuple[str, SummaryItem]]) -> list[tuple[str, SummaryItem]]:
    """Themes worded alike for the sponsor as one line, with the months of all: two lines would tell the sponsor
    that the journal holds two themes behind one wording."""
    merged: list[tuple[str, SummaryItem]] = []
    by_wording: dict[str, int] = {}
    for item_id, content in sorted(chosen, key=lambda pair: pair[0]):
        key = normalize(content.text)
        if content.kind is not ItemKind.THEME or key not in by_wording:
            if content.kind is ItemKind.THEME:
                by_wording[key] = len(merged)
            merged.append((item_id, content))
            continue
        first_id, first = merged[by_wording[key]]
        months = tuple(sorted(set(first.months) | set(content.months)))
        beyond = first.beyond_level or content.beyond_level
        merged[by_wording[key]] = (first_id, dataclasses.replace(first, months=months, beyond_level=beyond))
    return merged


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
    label = SummaryItem(ItemKind.LABEL, engagement.sponsor_label)
    items = [
        _offer("label", label, "engagement label for the sponsor", agreed, wording=engagement.title),
        _offer("period", SummaryItem(ItemKind.PERIOD, dates=(period.start, period.end)), "period", agreed),
    ]
    sessions = journal.sessions_of(engagement)
    held = [session for session in sessions if session.status is SessionStatus.HELD and session.held_on in period]
    count = SummaryItem(ItemKind.SESSIONS, count=len(held), planned=engagement.planned_sessions)
    items.append(_offer("sessions", count, "number of sessions held", agreed))
    used = [session for session in sessions if session.status is SessionStatus.HELD and session.held_on <= period.end]
    used_item = SummaryItem(ItemKind.SESSIONS_USED, count=len(used), planned=engagement.planned_sessions)
    items.append(_offer("sessions-used", used_item, "sessions used so far (and remaining)", agreed))
    if engagement.ends_on:
        ends = SummaryItem(ItemKind.ENDS, dates=(engagement.ends_on,))
        items.append(_offer("ends", ends, "the engagement's end date", agreed))
    if held:
        dates = SummaryItem(ItemKind.SESSION_DATES, dates=tuple(sorted(session.held_on for session in held)))
        items.append(_offer("session-dates", dates, "session dates", agreed))
    if engagement.coach:
        items.append(_offer("coach", SummaryItem(ItemKind.COACH, engagement.coach), "your coach's name", agreed))
    items += _themes(journal, engagement, period, sessions)
    items += _goals_and_statements(journal, engagement, period)
    for kind, name in LOOKING_AHEAD_NAMES.items():
        ahead = SummaryItem(kind, engagement.kept_wording(kind.value))
        items.append(_offer(kind.value, ahead, name[0].lower() + name[1:], agreed))  # "support I would like…"
    return Proposal(engagement.saved_id, agreed, period, tuple(items), journal.clock.today())


def _offer(item_id: str, content: SummaryItem, hint: str, agreed: SharingLevel, *, wording: str = "") -> Item:
    """A candidate item, marked when its kind needs more than the `agreed` level."""
    return Item(item_id, content, hint, content.kind.level > agreed, wording)


def _themes(journal: Journal, engagement: Engagement, period: DateRange, sessions: list[Session]) -> list[Item]:
    """Themes of the engagement's reflections in the period, with the months of the held sessions they were
    written on.

    Only held sessions give months: a free entry's date would tell the sponsor when the coachee wrote, which is
    not theirs to know, so a theme met only between sessions is offered with no months. A cancelled session's
    reflections count for nothing: that session did not happen.
    """
    by_id = {session.saved_id: session for session in sessions}
    months: dict[str, set[str]] = defaultdict(set)
    for reflection in journal.all(Reflection):
        session = by_id.get(reflection.session_id or "")
        month: set[str] | None = None  # another engagement's, a cancelled or planned session's, or outside the period
        if session is not None and session.status is SessionStatus.HELD and session.held_on in period:
            month = {session.held_on.strftime("%Y-%m")}
        elif reflection.session_id is None and reflection.engagement_id in (None, engagement.record_id):
            month = set() if reflection.written_at.date() in period else None
        if month is not None:
            for theme_id in reflection.theme_ids:
                months[theme_id] |= month
    agreed = engagement.agreement.level
    items = []
    # Listed by label, so the coachee finds them in the same place every time.
    for theme in sorted(journal.all(Theme), key=lambda theme: normalize(theme.label)):
        if theme.saved_id in months:
            item_id = f"theme:{theme.saved_id}"
            wording = engagement.kept_wording(item_id) or theme.sponsor_wording
            content = SummaryItem(ItemKind.THEME, wording, months=tuple(sorted(months[theme.saved_id])))
            items.append(_offer(item_id, content, f"theme {theme.label}", agreed, wording=theme.label))
    return items


def _goals_and_statements(journal: Journal, engagement: Engagement, period: DateRange) -> list[Item]:
    """The engagement's goals (and unattached ones), each from its baseline over the whole engagement to its
    latest rating by the period's end and its target; then the statements written in the period."""
    agreed = engagement.agreement.level
    so_far = DateRange(min(engagement.starts_on or period.start, period.start), period.end)
    goals: list[Item] = []
    statements: list[Item] = []
    for goal in sorted(journal.all(Goal), key=lambda goal: normalize(goal.title)):
        if goal.engagement_id not in (None, engagement.record_id):
            continue
        history: list[CheckIn] = [check_in for check_in in journal.goal_history(goal) if check_in.rated_on in so_far]
        ratings = [check_in.rating for check_in in history]
        item_id = f"goal:{goal.saved_id}"
        content = SummaryItem(
            ItemKind.GOAL,
            engagement.kept_wording(item_id) or goal.sponsor_wording,
            status=goal.status,
            first=ratings[0] if ratings else None,
            latest=ratings[-1] if len(ratings) > 1 else None,
            target=goal.target_rating,
        )
        goals.append(_offer(item_id, content, f"goal {goal.title}", agreed, wording=goal.title))
        for check_in in history:
            if check_in.rated_on not in period:
                continue
            statement_id = f"statement:{check_in.saved_id}"
            wording = engagement.kept_wording(statement_id) or check_in.sponsor_statement
            if wording:
                said = SummaryItem(ItemKind.STATEMENT, wording, months=(check_in.rated_on.strftime("%Y-%m"),))
                hint = f"statement on goal {goal.title}, {format_day(check_in.rated_on)}"
                statements.append(_offer(statement_id, said, hint, agreed))
    return goals + statements


def keep_wordings(journal: Journal, proposal: Proposal, wordings: Mapping[str, str]) -> list[Item]:
    """Keep wordings written during an export for this engagement's next summaries, in one transaction: the
    label as the engagement's sponsor label, the others among its kept wordings (never on the theme or goal,
    whose wording another sponsor's summary would then offer).

    Args:
        journal: the unlocked journal.
        proposal: the summary's proposal (names the engagement and the items).
        wordings: item id → the wording for the sponsor.
    Returns:
        The items whose wording was kept.
    Raises:
        InvalidInput: a wording for a fact, or one that is not valid.
    """
    items = [proposal.item(item_id) for item_id in wordings]
    if not items:
        return []
    for item in items:
        if not item.kind.worded or item.kind is ItemKind.COACH:
            raise InvalidInput(f"The wording of {item.short_id} is not kept; it is given on each export.")
    cleaned = {item_id: neutralise(text) for item_id, text in wordings.items()}
    engagement = journal.get(Engagement, proposal.engagement_id)
    label = cleaned.pop("label", None)
    if label is not None:
        engagement = dataclasses.replace(engagement, sponsor_label=label)
    journal.save(engagement.keeping(cleaned))
    return items


__all__ = ["DEFAULT_TICKED", "Choice", "Item", "Proposal", "keep_wordings", "propose"]
