"""What the app and the command line ask of the journal: search (through its sealed cache), goal
history, theme frequency, engagement progress and the pre-session digest."""

from __future__ import annotations

import contextlib
from collections import Counter, defaultdict
from collections.abc import Collection, Generator, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import cast

from journal.errors import DamagedJournal, JournalBusy, RecordNotFound, StorageError
from journal.models import (
    BRING_NEXT_TIME,
    WHAT_WILL_I_DO,
    Action,
    CheckIn,
    Draft,
    Engagement,
    ExportRecord,
    Goal,
    GoalStatus,
    LintDismissal,
    Model,
    Person,
    Reflection,
    Session,
    SessionStatus,
    Theme,
)
from journal.outline import Outline
from journal.process import give_back_freed_memory
from journal.records import RecordStore
from journal.search import NO_FILTERS, SearchFilters, SearchHit, SearchIndex, must_terms, searchable_text
from journal.text import section
from journal.vault import IndexEntry, SearchDocuments, SearchPage, Vault

RATE_AGAIN_AFTER = timedelta(days=21)
"""A goal not rated for this long is listed in the pre-session digest."""

_SEARCH_ORDER: tuple[type[Model], ...] = (Session, Goal, Person, Engagement, Theme, CheckIn, Action, Reflection)
"""Sessions, goals and people first: the index resolves other records' links through them."""

SEARCHABLE_KINDS: tuple[str, ...] = tuple(model.KIND for model in _SEARCH_ORDER)
"""The kinds of record search finds (what `SearchFilters.kinds` may name)."""

REBUILD_CACHE_BEYOND = 2_000
"""Reflections the search cache may lack when the app places them (see `Queries.place_reflections`) before it is
brought up to date first: a few written since the last search cost little to decrypt at each unlock; a whole
journal's, from a cache an older Candour wrote, would cost seconds at every unlock until a search."""

_PLACED_AT_ONCE = 5_000
"""Reflections decrypted at a time while placing those the cache lacks, so that memory stays flat."""

_CACHED_IN_SEARCH: tuple[type[Model], ...] = (Reflection, CheckIn, Action)
"""Kinds search reads from its sealed cache: those that grow with every session. The others are few,
and search needs them whole (sessions and goals place records in engagements, people have aliases).

The cache still holds an empty document for every other live record, of every kind, drafts and settings
included, made from the index alone: were only these kinds cached, a page changing at the next search
would tell someone comparing copies of the file that the record saved before it was one of them. Drafts
too: a draft's first save is a new record like any other, and its kind must not show at the next search
either (its later saves already show as a new record with the one before erased, as the README says)."""


def _pages_for(index: SearchIndex, vault: Vault) -> Generator[tuple[int, SearchPage]]:
    """The search cache's pages as an index takes them: all at once for one that keeps them, else a few at a time
    (see `SearchIndex.keeps_pages`)."""
    if index.keeps_pages:
        yield from vault.cached_pages().items()
    else:
        with contextlib.closing(vault.each_search_page()) as pages:
            yield from pages


@dataclass(frozen=True)
class EngagementProgress:
    """Sessions held against sessions planned."""

    held: int
    cancelled: int
    planned: int | None
    """What the engagement planned; None when it did not say."""

    def describe(self) -> str:
        """E.g. "3 of 6 sessions held"."""
        of = f" of {self.planned}" if self.planned else ""
        return f"{self.held}{of} session{'s' if (self.planned or self.held) != 1 else ''} held"


@dataclass(frozen=True)
class PrepDigest:
    """What to look at before the next session."""

    engagement: Engagement | None
    progress: EngagementProgress | None
    next_session: Session | None
    open_actions: tuple[Action, ...]
    """Not done, overdue ones first, then by due date."""
    overdue_actions: tuple[Action, ...]
    last_reflection: Reflection | None
    """The latest reflection that answered "What will I do differently?"."""
    commitments: str
    """Its answer to that prompt."""
    goals_to_rate: tuple[tuple[Goal, date | None], ...]
    """Active goals not rated for a while, with the day of their last check-in (None if never)."""
    to_bring: tuple[tuple[Reflection, str], ...]
    """Answers to "What do I want to bring next time?" written since the last session held."""
    has_goals: bool = False
    """Whether the engagement has any active goal at all (to tell "all rated" from "none to rate")."""


class Queries(RecordStore):
    """Reading across records: search and the views built from several kinds."""

    def search(
        self, query: str, filters: SearchFilters = NO_FILTERS, limit: int | None = 50, *, once: bool = False
    ) -> list[SearchHit]:
        """Records matching `query` and `filters`, newest first (see `SearchIndex.search`).

        Args:
            once: the only search this process makes (a command): the index is made for this query alone, from the
                cache read a few pages at a time, and not kept. A decade's journal's whole index holds a copy of
                its text, which took a command's memory to twice Argon2id's.
        """
        with self._lock:  # a search parses cached documents into the index: one search at a time
            if once and self._search is None:
                index = self._built_index(SearchIndex(narrowed_to=must_terms(query)))
            else:
                index = self._search_index()
            hits = index.search(query, filters, limit, self._original_texts)
        # A hit found in the search cache whose record no longer opens is left out, like the record itself.
        return [hit for hit in hits if hit.record_id not in self.unreadable]

    # --- where reflections belong, for screens that show a few of them --------------------------

    @property
    def outline(self) -> Outline | None:
        """Where each reflection belongs, once `place_reflections` has learnt it (None before)."""
        return self._outline

    def place_reflections(self) -> Outline:
        """Learn where every reflection belongs without keeping any of them: from the search cache, a page at a
        time, decrypting only the reflections it lacks or has stale (those written since the last search). The app
        does this in the background after unlock, so that its screens decrypt only what they show (`reflections`).

        Nothing is written, unless the cache lacks more than `REBUILD_CACHE_BEYOND` reflections (one an older
        Candour wrote lacks them all): it is then brought up to date first, exactly as the first search would.

        Returns:
            The outline, kept current from then on by every save and deletion.
        """
        with self._lock:
            if self._outline is None:
                held = self._cache.get(Reflection.KIND)
                if held is not None:
                    self._outline = Outline()
                    self._outline.add(cast(Iterable[Reflection], held.values()), new=True)
                else:
                    self._outline = self._outline_from_cache()
            return self._outline

    def _outline_from_cache(self) -> Outline:
        current = self.vault.current_revisions(Reflection.KIND)
        outline, unplaced = self._placed_from_cache(current)
        if len(unplaced) > REBUILD_CACHE_BEYOND and self._search is None:
            # Built for what it writes into the cache, and not held: it holds the whole cache, the app only the outline.
            self._built_index(SearchIndex())
            outline, unplaced = self._placed_from_cache(current)
        for start in range(0, len(unplaced), _PLACED_AT_ONCE):  # in batches: a batch is decrypted at a time
            entries = self._entries_still_there(unplaced[start : start + _PLACED_AT_ONCE])
            read = self._read_many(entries.values())
            outline.add((value for value in read if isinstance(value, Reflection)), new=True)
        give_back_freed_memory()
        return outline

    def _placed_from_cache(self, current: dict[bytes, int]) -> tuple[Outline, list[str]]:
        """The outline of the reflections the cache holds at their current revision, and the ids of the rest."""
        outline = Outline()
        placed = set()
        for page in self.vault.search_pages_one_at_a_time():
            for raw_id, session_id, engagement_id in SearchIndex.cached_places(page, current):
                outline.place_new(raw_id.hex(), session_id, engagement_id)
                placed.add(raw_id)
        return outline, [raw_id.hex() for raw_id in current if raw_id not in placed]

    def reflections(self, record_ids: Collection[str], limit: int | None = None) -> list[Reflection]:
        """These reflections (the latest `limit` of them), newest first, decrypting only those returned."""
        entries = sorted(
            self._entries_still_there(list(record_ids)).values(),
            key=lambda entry: (entry.sort_key, entry.record_id),
            reverse=True,
        )[:limit]
        held = self._cache.get(Reflection.KIND)
        if held is not None:
            values = {entry.id_hex: held.get(entry.id_hex) for entry in entries}
        else:
            values = {value.saved_id: value for value in self._read_many(entries)}
        return [value for entry in entries if isinstance(value := values.get(entry.id_hex), Reflection)]

    def session_reflections(self, session: Session) -> list[Reflection]:
        """The reflections written about a session, newest first."""
        return self.reflections(self.place_reflections().of_session(session.saved_id))

    def _search_index(self) -> SearchIndex:
        with self._lock:
            if self._search is None:
                self._search = self._built_index(SearchIndex())
            return self._search

    def _built_index(self, index: SearchIndex) -> SearchIndex:
        """`index` filled with every searchable record: the few kinds whole, those that grow through the cache."""
        through_cache = [model.KIND for model in _CACHED_IN_SEARCH if model.KIND not in self._cache]
        for model in _SEARCH_ORDER:
            if model.KIND not in through_cache:
                index.add(self._kind(model.KIND).values())
        if through_cache:
            self._index_through_cache(index, through_cache)
        return index

    def _index_through_cache(self, index: SearchIndex, kinds: list[str]) -> None:
        """Index records of these kinds from the sealed search cache, decrypting only those it lacks or
        has stale, then bring the cache up to date for every live record (best effort: a read-only or
        busy file just stays slower).

        What the cache lacks of the other kinds is written without decrypting anything: the document
        search already holds for a kind decrypted before (reflections browsed, say), else an empty one
        (see `_CACHED_IN_SEARCH`). So which pages the next search re-seals depends on which records
        changed, never on their kind.
        """
        searched: dict[bytes, int] = {}
        for kind in kinds:
            searched.update(self.vault.current_revisions(kind))
        held: dict[bytes, int] = {}  # read under the lock `save` takes: each one's value is the one indexed
        for model in _CACHED_IN_SEARCH:
            if model.KIND not in kinds:
                held.update(self.vault.current_revisions(model.KIND))
        others = self.vault.revisions_besides([model.KIND for model in _CACHED_IN_SEARCH])
        if not (searched or held or others):
            return
        on_file: dict[bytes, int] = {}
        # Closed however the loop ends: a page source still suspended would keep the file held.
        with contextlib.closing(_pages_for(index, self.vault)) as pages:
            for number, page in pages:
                on_file.update(zip(page.ids, page.revisions, strict=True))
                index.add_cached(number, page, searched)
        documents: SearchDocuments = {}
        stale = [raw_id.hex() for raw_id in searched if not index.has_cached(raw_id)]
        if stale:
            entries = self._entries_still_there(stale)
            fresh = self._read_many(entries.values())
            index.add(fresh)
            for value in fresh:
                form = index.cached_form(value.saved_id)
                if form is not None:
                    entry = entries[value.saved_id]
                    documents[entry.record_id] = (entry.revision, form)
        for raw_id, revision in held.items():
            # Decrypted already, so its document is at hand (none if the record could not be read).
            if on_file.get(raw_id) != revision and (form := index.cached_form(raw_id.hex())) is not None:
                documents[raw_id] = (revision, form)
        for raw_id, revision in others.items():
            if on_file.get(raw_id) != revision:
                documents[raw_id] = (revision, b"")  # made from the index alone: nothing decrypted for it
        if not documents:
            return
        with contextlib.suppress(StorageError, JournalBusy, DamagedJournal):  # derived data: the next search retries
            self.vault.store_documents(documents)

    # --- keeping the search cache current through bulk saves ------------------------------------

    _unsealed: SearchDocuments | None = None
    """Search documents of records saved in bulk in the transaction under way, sealed into the cache once it
    commits."""

    def _saved_in_bulk(self, saved: list[tuple[Model, IndexEntry]]) -> None:
        """Make the search documents of records just saved in bulk (an import, a restored backup), so the
        first search after it reads them from the cache instead of decrypting every one.

        As at a search, every record gets one: its searchable form for the kinds cached, an empty one for the
        rest (see `_CACHED_IN_SEARCH`), so which pages change follows the records' ids, never their kinds."""
        index = SearchIndex()
        index.add(value for value, _ in saved if isinstance(value, _CACHED_IN_SEARCH))
        unsealed = self._unsealed if self._unsealed is not None else {}
        for value, entry in saved:
            form = index.cached_form(value.saved_id) if isinstance(value, _CACHED_IN_SEARCH) else b""
            if form is not None:
                unsealed[entry.record_id] = (entry.revision, form)
        self._unsealed = unsealed

    def _transaction_ended(self, *, committed: bool) -> None:
        """Seal the documents prepared in the transaction into the search cache once it has committed: derived
        data, in a transaction of its own, so a cache that cannot be written never undoes the import (the next
        search rebuilds what is missing)."""
        documents, self._unsealed = self._unsealed, None
        if committed and documents:
            with contextlib.suppress(StorageError, JournalBusy, DamagedJournal):
                self.vault.store_documents(documents)

    def _original_texts(self, record_ids: list[str]) -> dict[str, str]:
        """The searchable text of records, decrypted again (search results from the cache hold only folded text)."""
        entries = self._entries_still_there(record_ids).values()
        return {value.saved_id: searchable_text(value) for value in self._read_many(entries)}

    def _entries_still_there(self, record_ids: list[str]) -> dict[str, IndexEntry]:
        """The index entries of these records, leaving out any purged meanwhile (from another thread)."""
        entries = {}
        for record_id in record_ids:
            with contextlib.suppress(RecordNotFound):
                entries[record_id] = self.vault.entry(record_id)
        return entries

    # --- views across kinds -----------------------------------------------------------------

    def goal_history(self, goal: Goal) -> list[CheckIn]:
        """A goal's check-ins, oldest first."""
        return sorted(
            (check_in for check_in in self.all(CheckIn) if check_in.goal_id == goal.record_id),
            key=lambda check_in: (check_in.rated_on, check_in.recorded_at or datetime.min),
        )

    def theme_frequency(self) -> dict[str, Counter[str]]:
        """For each theme id: how many reflections touched it in each month ("2026-09")."""
        frequency: dict[str, Counter[str]] = defaultdict(Counter)
        for reflection in self.all(Reflection):
            for theme_id in reflection.theme_ids:
                frequency[theme_id][reflection.written_at.strftime("%Y-%m")] += 1
        return dict(frequency)

    def sessions_of(self, engagement: Engagement) -> list[Session]:
        """An engagement's sessions, oldest first."""
        # Picked from the held sessions before sorting: the timeline asks for each engagement's, and sorting every
        # session of a decade's journal each time took most of its first picture.
        held = cast(Iterable[Session], self._kind(Session.KIND).values())
        sessions = [session for session in held if session.engagement_id == engagement.record_id]
        return sorted(sessions, key=lambda session: (session.held_on, session.number))

    def engagement_records(self, engagement: Engagement) -> list[Model]:
        """Everything that belongs to one engagement, each record once, those that link to others before the
        records they link to (the order they can be erased in): drafts, reflections, check-ins, actions, goals,
        sessions, the findings kept and the exports logged for it, the engagement itself; then the themes and
        people its reflections name that no reflection of another engagement names."""
        own = engagement.saved_id
        sessions = self.sessions_of(engagement)
        session_ids = {session.saved_id for session in sessions}
        reflections = [r for r in self.all(Reflection) if r.engagement_id == own or r.session_id in session_ids]
        reflection_ids = {reflection.saved_id for reflection in reflections}
        goals = [goal for goal in self.all(Goal) if goal.engagement_id == own]
        goal_ids = {goal.saved_id for goal in goals}
        drafts = [
            draft
            for draft in self.all(Draft)
            if draft.engagement_id == own or draft.session_id in session_ids or draft.reflection_id in reflection_ids
        ]
        check_ins = [check_in for check_in in self.all(CheckIn) if check_in.goal_id in goal_ids]
        actions = [a for a in self.all(Action) if a.session_id in session_ids or a.goal_id in goal_ids]
        kept = [value for model in (LintDismissal, ExportRecord) for value in self.all(model)]
        loose = [value for value in kept if getattr(value, "engagement_id", None) == own]
        others = [r for r in self.all(Reflection) if r.saved_id not in reflection_ids]
        named_elsewhere = {linked for r in others for linked in (*r.theme_ids, *r.person_ids)}
        named_here = dict.fromkeys(linked for r in reflections for linked in (*r.theme_ids, *r.person_ids))
        names = [
            value
            for model in (Theme, Person)
            for value in self.all(model)
            if value.saved_id in named_here and value.saved_id not in named_elsewhere
        ]
        return [*drafts, *reflections, *check_ins, *actions, *goals, *sessions, *loose, engagement, *names]

    def progress(self, engagement: Engagement) -> EngagementProgress:
        """Sessions held (and cancelled) against those planned."""
        statuses = Counter(session.status for session in self.sessions_of(engagement))
        return EngagementProgress(
            statuses[SessionStatus.HELD], statuses[SessionStatus.CANCELLED], engagement.planned_sessions
        )

    def current_engagement(self) -> Engagement | None:
        """The engagement running today, else the one that started last; archived ones only when all are."""
        today = self.clock.today()
        engagements = [e for e in self.all(Engagement) if not e.archived] or self.all(Engagement)
        running = [
            engagement
            for engagement in engagements
            if (engagement.starts_on or date.min) <= today <= (engagement.ends_on or date.max)
        ]
        started = [engagement for engagement in engagements if (engagement.starts_on or date.min) <= today]
        candidates = running or started or engagements
        return candidates[0] if candidates else None

    def next_session_number(self, engagement: Engagement) -> int:
        """The number the next session of an engagement gets."""
        return max((session.number for session in self.sessions_of(engagement)), default=0) + 1

    def prep(self, engagement: Engagement | None = None, *, look_back: int = 50) -> PrepDigest:
        """The pre-session digest for an engagement (the current one by default).

        Args:
            engagement: which engagement; None for `current_engagement()`.
            look_back: how many recent reflections to read for commitments and things to bring.
        """
        today = self.clock.today()
        engagement = engagement or self.current_engagement()
        sessions = self.sessions_of(engagement) if engagement else []
        held = [session for session in sessions if session.status is SessionStatus.HELD and session.held_on <= today]
        # The next session: not cancelled, and not one in the past that was never marked held.
        upcoming = [
            s for s in sessions if s.status is not SessionStatus.CANCELLED and s not in held and s.held_on >= today
        ]
        since = held[-1].held_on if held else date.min

        def ours(reflection: Reflection) -> bool:
            return engagement is None or reflection.engagement_id in (None, engagement.record_id)

        recent = [reflection for reflection in self.recent_reflections(look_back) if ours(reflection)]
        last_with_commitments = next(
            (reflection for reflection in recent if section(reflection.text, WHAT_WILL_I_DO)), None
        )
        to_bring = tuple(
            (reflection, answer)
            for reflection in recent
            if reflection.day >= since and (answer := section(reflection.text, BRING_NEXT_TIME))
        )
        open_actions = sorted(
            (action for action in self.all(Action) if not action.done and self._action_belongs(action, engagement)),
            key=lambda action: (not action.is_overdue(today), action.due_on or date.max),
        )
        return PrepDigest(
            engagement=engagement,
            progress=self.progress(engagement) if engagement else None,
            next_session=upcoming[0] if upcoming else None,
            open_actions=tuple(open_actions),
            overdue_actions=tuple(action for action in open_actions if action.is_overdue(today)),
            last_reflection=last_with_commitments,
            commitments=section(last_with_commitments.text, WHAT_WILL_I_DO) if last_with_commitments else "",
            goals_to_rate=self._goals_to_rate(engagement, today),
            has_goals=any(goal.status is GoalStatus.ACTIVE for goal in self.all(Goal)),
            to_bring=to_bring,
        )

    def _action_belongs(self, action: Action, engagement: Engagement | None) -> bool:
        """Whether an action concerns `engagement` (through its session or goal); unlinked actions always do."""
        if engagement is None:
            return True
        owners: list[str | None] = []
        if action.session_id:
            owners.append(self.get(Session, action.session_id).engagement_id)
        if action.goal_id:
            owners.append(self.get(Goal, action.goal_id).engagement_id)
        return not any(owners) or engagement.record_id in owners

    def _goals_to_rate(self, engagement: Engagement | None, today: date) -> tuple[tuple[Goal, date | None], ...]:
        last_rated: dict[str, date] = {}
        for check_in in self.all(CheckIn):
            last_rated[check_in.goal_id] = max(check_in.rated_on, last_rated.get(check_in.goal_id, date.min))
        due = []
        for goal in self.all(Goal):
            if goal.status is not GoalStatus.ACTIVE or goal.archived:
                continue
            if engagement is not None and goal.engagement_id not in (None, engagement.record_id):
                continue
            last = last_rated.get(goal.saved_id)
            if last is None or today - last >= RATE_AGAIN_AFTER:
                due.append((goal, last))
        return tuple(due)
