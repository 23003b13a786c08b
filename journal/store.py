"""The coachee's journal: typed saving, reading, history and deletion of model values over the
encrypted vault, plus the queries the app and the command line need (search, goal history,
theme frequency, the pre-session digest, engagement progress).

Small kinds (engagements, sessions, goals, ...) are decrypted once, on first use, and
cached. Reflections can number tens of thousands, so listing the latest ones decrypts
only those; search decrypts them all once and then works in memory.
"""

from __future__ import annotations

import calendar
import contextlib
import re
import threading
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import TypeVar, cast

import crypto
from crypto import KdfLimits, KdfParams
from journal import codec
from journal.clock import Clock, SystemClock
from journal.errors import InvalidInput, JournalBusy, RecordInUse, RecordNotFound, StorageError
from journal.models import (
    BRING_NEXT_TIME,
    BUILT_IN_TEMPLATES,
    LINK_FIELDS,
    WHAT_WILL_I_DO,
    Action,
    CheckIn,
    Draft,
    Engagement,
    Goal,
    GoalStatus,
    Model,
    Person,
    Preferences,
    Reflection,
    Session,
    SessionStatus,
    Template,
    Theme,
    drop_untouched_prompts,
    mentioned_names,
)
from journal.search import NO_FILTERS, SearchFilters, SearchHit, SearchIndex, normalize, searchable_text
from journal.vault import IndexEntry, KeyChange, Record, Vault, VerifyReport

M = TypeVar("M", bound=Model)
N = TypeVar("N", Theme, Person)

MIN_ID_PREFIX = 4
"""Shortest id prefix accepted where a user types an id (`candour show 3f9a`)."""

RATE_AGAIN_AFTER = timedelta(days=21)
"""A goal not rated for this long is listed in the pre-session digest."""

_SEARCH_ORDER: tuple[type[Model], ...] = (Session, Goal, Person, Engagement, Theme, CheckIn, Action, Reflection)
"""Sessions, goals and people first: the index resolves other records' links through them."""

SEARCHABLE_KINDS: tuple[str, ...] = tuple(model.KIND for model in _SEARCH_ORDER)
"""The kinds of record search finds (what `SearchFilters.kinds` may name)."""

_CACHED_IN_SEARCH: tuple[type[Model], ...] = (Reflection, CheckIn, Action)
"""Kinds search reads from its sealed cache: those that grow with every session. The others are few,
and search needs them whole (sessions and goals place records in engagements, people have aliases)."""


def sort_key(value: Model) -> int:
    """The sealed index's ordering key: seconds since 1970 of the value's date (local wall clock)."""
    moment = value.sort_key
    if not isinstance(moment, datetime):
        moment = datetime.combine(moment, time())
    return calendar.timegm(moment.timetuple())


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


class Journal:
    """An unlocked coachee's journal. Open one with `Journal.open` or `Journal.create`; close it to lock.

    Args:
        vault: the unlocked vault it stores values in.
        clock: where "today" comes from (fixed in tests).
    """

    def __init__(self, vault: Vault, clock: Clock | None = None) -> None:
        self.vault = vault
        self.clock: Clock = clock or SystemClock()
        self._cache: dict[str, dict[str, Model]] = {}
        self._search: SearchIndex | None = None
        self._touched: set[str] | None = None
        """Ids saved or forgotten inside the current `transaction` (None outside one): what to read again
        from the file if it rolls back."""
        # The app loads and searches in worker threads while the screen reads: one load at a time.
        self._lock = threading.RLock()

    @classmethod
    def open(
        cls, path: Path, passphrase: str, *, limits: KdfLimits = crypto.DEFAULT_LIMITS, clock: Clock | None = None
    ) -> Journal:
        """Unlock the journal at `path` (see `Vault.unlock` for the errors)."""
        return cls(Vault.unlock(path, passphrase, limits=limits), clock)

    @classmethod
    def create(
        cls,
        path: Path,
        passphrase: str,
        *,
        kdf: KdfParams | None = None,
        limits: KdfLimits = crypto.DEFAULT_LIMITS,
        clock: Clock | None = None,
    ) -> tuple[Journal, str]:
        """Create a journal at `path`; returns it and the recovery key (see `Vault.create`)."""
        vault, recovery_key = Vault.create(path, passphrase, kdf=kdf, limits=limits)
        return cls(vault, clock), recovery_key

    @classmethod
    def recover(
        cls,
        path: Path,
        recovery_key: str,
        new_passphrase: str,
        *,
        limits: KdfLimits = crypto.DEFAULT_LIMITS,
        clock: Clock | None = None,
    ) -> Journal:
        """Open the journal with its recovery key and set a new passphrase (see `Vault.recover`)."""
        return cls(Vault.recover(path, recovery_key, new_passphrase, limits=limits), clock)

    def note_recovery_key_confirmed(self, confirmed: bool = True) -> Preferences:
        """Remember whether the coachee has confirmed holding the recovery key: a journal created but never
        confirmed (a first run stopped on the key's screen) offers a new key at the next unlock."""
        preferences = self.preferences()
        if preferences.recovery_key_confirmed == confirmed:  # also a journal with no settings yet: confirmed
            return preferences
        return self.save_preferences(replace(preferences, recovery_key_confirmed=confirmed))

    def close(self) -> None:
        """Lock: drop every decrypted value and close the file."""
        with self._lock:
            self._cache.clear()
            self._search = None
            self.vault.close()

    def __enter__(self) -> Journal:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # --- keys, backup and verify ------------------------------------------------------------
    # All the app and the command line ask of the vault: they never reach `vault` themselves.
    # Each key operation derives the passphrase's key once (the slow step of each).

    @classmethod
    def open_to_change_keys(
        cls, path: Path, passphrase: str, *, limits: KdfLimits = crypto.DEFAULT_LIMITS
    ) -> KeyChange:
        """Unlock the journal at `path` only to change its keys, with the passphrase just typed: unlocking
        checks it, so the change does not derive it again (for a command that asks for it and acts at once).
        Close the result, or use it in `with`, to lock the journal again.

        Raises:
            The errors of `open`.
        """
        return KeyChange.unlock(path, passphrase, limits=limits)

    def change_passphrase(self, current: str, new: str) -> None:
        """Re-wrap the journal key under a new passphrase, once `current` is checked.

        Raises:
            WrongPassphrase: `current` is not the passphrase; nothing changed.
        """
        self.vault.change_passphrase(current, new)

    def new_recovery_key(self, passphrase: str) -> str:
        """Replace the recovery key (the old one stops working) and return the new one, to show once
        (see `Vault.regenerate_recovery_key` for the errors)."""
        return self.vault.regenerate_recovery_key(passphrase)

    def rotate_keys(self, passphrase: str) -> str:
        """Re-encrypt the whole journal under a new journal key, salt and recovery key, once `passphrase` is
        checked; returns the new recovery key, to show once (the old one stops working).

        Raises:
            WrongPassphrase: nothing changed.
        """
        return self.vault.rotate_keys(passphrase)

    def backup(self, destination: Path) -> None:
        """Write a consistent encrypted copy of the journal (same passphrase and recovery key) to `destination`.

        Raises:
            JournalExists: `destination` exists. StorageError: it cannot be written.
        """
        self.vault.backup(destination)

    def verify(self) -> VerifyReport:
        """Open every stored revision and compare the file with the sealed index (see `Vault.verify`)."""
        return self.vault.verify()

    # --- end of keys, backup and verify -----------------------------------------------------

    # --- saving and reading -----------------------------------------------------------------

    @contextlib.contextmanager
    def transaction(self, action: str) -> Iterator[None]:
        """Make everything saved, deleted or purged inside the block one transaction: one user action
        (a reflection with its new themes, people and actions; an import) is stored whole or not at all.

        If the block fails, the file is as it was and so is every value held in memory.

        Args:
            action: what the user is doing, for the message if the disk refuses it ("save the reflection").
        """
        with self._lock:
            outer = self._touched is None
            if outer:
                self._touched = set()
            try:
                with self.vault.batch(action):
                    yield
            except BaseException:
                if outer:
                    self._reload_touched()
                raise
            finally:
                if outer:
                    self._touched = None

    def save(self, value: M) -> M:
        """Store a new value, or a new revision of a saved one (older revisions are kept until pruned).

        Returns:
            The value carrying its record id.
        Raises:
            RecordNotFound: the value links to a record that does not exist, or updates one that does not.
        """
        self._check_links(value)
        if value.record_id is not None and self.vault.entry(value.record_id).kind != value.KIND:
            # The vault would relabel the record, and the cache of its real kind would keep the old value.
            raise RecordNotFound(f"Record {value.record_id} is not a {value.KIND}.")
        entry = self.vault.put(value.KIND, codec.encode(value), record_id=value.record_id, sort_key=sort_key(value))
        saved = replace(value, record_id=entry.id_hex)
        self._remember([saved])
        return saved

    def save_many(self, values: Iterable[Model]) -> list[Model]:
        """Store many new values in one transaction (imports): all or nothing."""
        pending = list(values)
        for value in pending:
            if value.record_id is not None:
                raise InvalidInput("save_many only stores new values.")
            self._check_links(value)
        entries = self.vault.put_many((value.KIND, codec.encode(value), sort_key(value)) for value in pending)
        saved = [replace(value, record_id=entry.id_hex) for value, entry in zip(pending, entries, strict=True)]
        self._remember(saved)
        return saved

    def get(self, model: type[M], record_id: str) -> M:
        """The current revision of a record, which must be of type `model`.

        Raises:
            RecordNotFound: no such record of that kind (or it is deleted).
        """
        cached = self._cache.get(model.KIND)
        if cached is not None:
            if record_id not in cached:
                raise RecordNotFound(f"There is no {model.KIND} {record_id}.")
            return cast(M, cached[record_id])
        # The full id, as with the cache above: `find` would also accept a prefix.
        record = self.vault.get(record_id)
        value = codec.decode(record.kind, record.payload, record.record_id)
        if not isinstance(value, model):
            raise RecordNotFound(f"Record {record_id} is a {value.KIND}, not a {model.KIND}.")
        return value

    def find(self, id_or_prefix: str) -> Model:
        """The record a user means by an id or an unambiguous id prefix of at least four characters.

        Raises:
            InvalidInput: not an id, too short, or several records match.
            RecordNotFound: nothing matches.
        """
        wanted = id_or_prefix.strip().lower()
        if len(wanted) < MIN_ID_PREFIX or not re.fullmatch(r"[0-9a-f]+", wanted):
            raise InvalidInput(f"{id_or_prefix!r} is not a record id (give at least {MIN_ID_PREFIX} hex characters).")
        matches = [entry for entry in self.vault.entries() if entry.id_hex.startswith(wanted)]
        if not matches:
            raise RecordNotFound(f"There is no record whose id starts with {wanted}.")
        if len(matches) > 1:
            raise InvalidInput(f"Several records start with {wanted}; type more of the id.")
        record = self.vault.get(matches[0].id_hex)
        return codec.decode(record.kind, record.payload, record.record_id)

    def all(self, model: type[M]) -> list[M]:
        """Every live value of a kind, newest first (decrypted once, then cached)."""
        values = self._kind(model.KIND).values()
        return sorted(cast(Iterable[M], values), key=sort_key, reverse=True)

    def recent_reflections(self, limit: int = 10) -> list[Reflection]:
        """The latest reflections, decrypting only those (fast in a large journal)."""
        entries = self.vault.recent(Reflection.KIND, limit)
        values = {value.record_id: value for value in self._decode(self.vault.get_many(entries))}
        return [cast(Reflection, values[entry.id_hex]) for entry in entries]

    def history(self, record_id: str) -> list[tuple[int, Model | None]]:
        """Every kept revision of a record, oldest first; None marks a deletion."""
        revisions = []
        for revision in self.vault.revisions(record_id):
            record = self.vault.get(record_id, revision)
            value = None if not record.payload else codec.decode(record.kind, record.payload, record_id)
            revisions.append((revision, value))
        return revisions

    def revert(self, record_id: str, revision: int) -> Model:
        """Make an older revision current again (as a new revision): the undo of an accidental edit."""
        record = self.vault.get(record_id, revision)
        if not record.payload:
            raise InvalidInput(f"Revision {revision} of {record_id} is a deletion; use restore instead.")
        return self.save(codec.decode(record.kind, record.payload, record_id))

    def delete(self, record_id: str) -> None:
        """Delete a record, reversibly until purged.

        Raises:
            RecordInUse: other records link to it (they are named); nothing is deleted.
        """
        self._refuse_if_linked(record_id, "delete")
        self.vault.delete(record_id)
        self._forget(record_id)

    def is_deleted(self, record_id: str) -> bool:
        """Whether a record is deleted (and can still be restored)."""
        return self.vault.entry(record_id).deleted

    def restore(self, record_id: str) -> Model:
        """Undo a deletion (a record that is not deleted is left as it is)."""
        self.vault.restore(record_id)
        record = self.vault.get(record_id)
        value = codec.decode(record.kind, record.payload, record_id)
        self._remember([value])
        return value

    def purge(self, record_id: str) -> None:
        """Remove a record and all its revisions for good.

        Raises:
            RecordInUse: other records link to it (they are named); nothing is erased.
        """
        self._refuse_if_linked(record_id, "erase")
        self.vault.purge(record_id)
        self._forget(record_id)

    # --- domain operations ------------------------------------------------------------------

    def write_reflection(
        self,
        text: str,
        *,
        written_at: datetime | None = None,
        session: Session | None = None,
        engagement: Engagement | None = None,
        themes: Iterable[str] = (),
        title: str = "",
        mood: int | None = None,
        energy: int | None = None,
        template: str = "",
    ) -> Reflection:
        """Save a new reflection, linking the themes named (created if new) and the people mentioned as `@Name`."""
        engagement_id = session.engagement_id if session else engagement.record_id if engagement else None
        reflection = Reflection(
            text,
            written_at or self.clock.now().replace(tzinfo=None),
            title=title,
            engagement_id=engagement_id,
            session_id=session.record_id if session else None,
            mood=mood,
            energy=energy,
            template=template,
        )
        # Checked before any theme or person is created: a refused reflection leaves nothing behind.
        labels = [Theme(label).label for label in themes]
        self._check_links(reflection)
        with self.transaction("save the reflection"):
            theme_ids = tuple(self.theme_named(label).saved_id for label in labels)
            return self.save(replace(reflection, theme_ids=theme_ids, person_ids=self.link_people(reflection.text)))

    def link_people(self, text: str) -> tuple[str, ...]:
        """Ids of the people mentioned as `@Name` in `text`; a name not yet known becomes a new person."""
        if "@" not in text:
            return ()  # no mention: spare reading every person (which reads the whole index)
        return tuple(dict.fromkeys(self.person_named(name).saved_id for name in mentioned_names(text)))

    def theme_named(self, label: str) -> Theme:
        """The theme with this label (ignoring case and accents), created if there is none."""
        return self._named(Theme(label), lambda theme: (theme.label,))

    def check_in(
        self, goal: Goal, rating: int, *, note: str = "", sponsor_statement: str = "", on: date | None = None
    ) -> CheckIn:
        """Record a progress rating for a goal (today unless `on` is given)."""
        now = self.clock.now().replace(tzinfo=None)
        day = on or now.date()
        # `recorded_at` orders the check-ins of one day (goal_history): keep it after the day's latest, even
        # when the clock shows the same moment twice (two in one second) or went back (a time-zone change).
        same_day = [
            check_in.recorded_at
            for check_in in self.all(CheckIn)
            if check_in.goal_id == goal.record_id and check_in.rated_on == day and check_in.recorded_at is not None
        ]
        if same_day and max(same_day) >= now:
            now = max(same_day) + timedelta(microseconds=1)
        return self.save(CheckIn(goal.saved_id, day, rating, note, sponsor_statement, recorded_at=now))

    def templates(self) -> list[Template]:
        """The built-in reflection templates, then the user's own."""
        return [*BUILT_IN_TEMPLATES, *sorted(self.all(Template), key=lambda template: template.name)]

    # --- drafts and preferences ---------------------------------------------------------------

    def new_draft(
        self, template: Template, *, session: Session | None = None, engagement: Engagement | None = None
    ) -> Draft:
        """An unsaved draft of a new reflection, starting from a template's prompts."""
        text = template.render()
        return Draft(
            text=text,
            starting_text=text,
            cursor=(1, 0),  # under the first prompt
            template=template.name,
            session_id=session.record_id if session else None,
            engagement_id=session.engagement_id if session else engagement.record_id if engagement else None,
        )

    def draft_for(self, reflection: Reflection) -> Draft:
        """An unsaved draft for editing a saved reflection."""
        return Draft(
            text=reflection.text,
            starting_text=reflection.text,
            title=reflection.title,
            themes=tuple(self.get(Theme, theme).label for theme in reflection.theme_ids),
            people=tuple(self.get(Person, person).name for person in reflection.person_ids),
            mood=reflection.mood,
            energy=reflection.energy,
            session_id=reflection.session_id,
            engagement_id=reflection.engagement_id,
            reflection_id=reflection.record_id,
            template=reflection.template,
        )

    def current_draft(self) -> Draft | None:
        """The draft left open (at most one is kept), if any."""
        drafts = self.all(Draft)
        return drafts[0] if drafts else None

    def save_draft(self, draft: Draft) -> Draft:
        """Save the draft, replacing any other, and keep only its latest revision in the file."""
        current = self.current_draft()
        record_id = draft.record_id or (current.record_id if current else None)
        saved = self.save(replace(draft, record_id=record_id, saved_at=self.clock.now().replace(tzinfo=None)))
        # A draft saved every few seconds would otherwise pile up revisions of half-written text.
        self.vault.prune(saved.saved_id)
        return saved

    def discard_draft(self) -> None:
        """Erase every draft for good."""
        for draft in self.all(Draft):
            self.purge(draft.saved_id)

    def save_reflection_from(self, draft: Draft) -> Reflection:
        """Turn a draft into a saved reflection (new, or a new revision of the one edited), create the
        actions typed with it, and erase the draft.

        Raises:
            InvalidInput: the text is empty or a field is invalid; nothing is saved then.
        """
        existing = self.get(Reflection, draft.reflection_id) if draft.reflection_id else None
        template = next((template for template in self.templates() if template.name == draft.template), None)
        reflection = Reflection(
            drop_untouched_prompts(draft.text, template),
            existing.written_at if existing else self.clock.now().replace(tzinfo=None),
            title=draft.title,
            engagement_id=draft.engagement_id,
            session_id=draft.session_id,
            mood=draft.mood,
            energy=draft.energy,
            template=draft.template,
            goal_ids=existing.goal_ids if existing else (),
            record_id=draft.reflection_id,
        )
        actions = [Action(text, session_id=draft.session_id, created_on=self.clock.today()) for text in draft.actions]
        self._check_links(reflection)
        with self.transaction("save the reflection"):
            theme_ids = tuple(self.theme_named(label).saved_id for label in draft.themes)
            people = tuple(self.person_named(name).saved_id for name in draft.people)
            person_ids = tuple(dict.fromkeys(people + self.link_people(reflection.text)))
            saved = self.save(replace(reflection, theme_ids=theme_ids, person_ids=person_ids))
            if actions:
                self.save_many(actions)
            self.discard_draft()
        return saved

    def person_named(self, name: str) -> Person:
        """The person with this name or alias (ignoring case and accents), created if there is none."""
        return self._named(Person(name.strip().lstrip("@").replace("_", " ")), lambda person: person.names)

    def _named(self, new: N, names: Callable[[N], Iterable[str]]) -> N:
        """The saved value of `new`'s kind that goes by `new`'s (first) name, else `new` saved.

        `new` is built first so its name is compared as it would be stored (cleaned of control characters).
        """
        wanted = normalize(next(iter(names(new))))
        for existing in self.all(type(new)):
            if any(normalize(name) == wanted for name in names(existing)):
                return existing
        return self.save(new)

    def preferences(self) -> Preferences:
        """The coachee's settings (defaults until changed)."""
        saved = self.all(Preferences)
        return saved[0] if saved else Preferences()

    def save_preferences(self, preferences: Preferences) -> Preferences:
        """Store the settings (one record, revised in place)."""
        current = self.all(Preferences)
        record_id = preferences.record_id or (current[0].record_id if current else None)
        return self.save(replace(preferences, record_id=record_id))

    def preload(self) -> None:
        """Decrypt every reflection now (e.g. in a background thread after unlock), for browsing and search."""
        self._kind(Reflection.KIND)
        self._search_index()

    def loaded_reflections(self) -> list[Reflection]:
        """The reflections already decrypted by `preload`, search or `all`; newest first. Empty before that."""
        with self._lock:
            cached = self._cache.get(Reflection.KIND)
            values = list(cached.values()) if cached is not None else []
        return sorted(cast(list[Reflection], values), key=sort_key, reverse=True)

    # --- queries ----------------------------------------------------------------------------

    def search(self, query: str, filters: SearchFilters = NO_FILTERS, limit: int | None = 50) -> list[SearchHit]:
        """Records matching `query` and `filters`, newest first (see `SearchIndex.search`)."""
        with self._lock:  # a search parses cached documents into the index: one search at a time
            return self._search_index().search(query, filters, limit, self._original_texts)

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
        sessions = [session for session in self.all(Session) if session.engagement_id == engagement.record_id]
        return sorted(sessions, key=lambda session: (session.held_on, session.number))

    def progress(self, engagement: Engagement) -> EngagementProgress:
        """Sessions held (and cancelled) against those planned."""
        statuses = Counter(session.status for session in self.sessions_of(engagement))
        return EngagementProgress(
            statuses[SessionStatus.HELD], statuses[SessionStatus.CANCELLED], engagement.planned_sessions
        )

    def current_engagement(self) -> Engagement | None:
        """The engagement running today, else the one that started last."""
        today = self.clock.today()
        engagements = self.all(Engagement)
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
            if goal.status is not GoalStatus.ACTIVE:
                continue
            if engagement is not None and goal.engagement_id not in (None, engagement.record_id):
                continue
            last = last_rated.get(goal.saved_id)
            if last is None or today - last >= RATE_AGAIN_AFTER:
                due.append((goal, last))
        return tuple(due)

    # --- cache ------------------------------------------------------------------------------

    def _kind(self, kind: str) -> dict[str, Model]:
        with self._lock:
            cached = self._cache.get(kind)
            if cached is None:
                records = self.vault.get_many(self.vault.entries(kind))
                cached = {value.saved_id: value for value in self._decode(records)}
                self._cache[kind] = cached
            return cached

    @staticmethod
    def _decode(records: Iterable[Record]) -> list[Model]:
        return [codec.decode(record.kind, record.payload, record.record_id) for record in records]

    def _search_index(self) -> SearchIndex:
        with self._lock:
            if self._search is None:
                index = SearchIndex()
                through_cache = [model.KIND for model in _CACHED_IN_SEARCH if model.KIND not in self._cache]
                for model in _SEARCH_ORDER:
                    if model.KIND not in through_cache:
                        index.add(self._kind(model.KIND).values())
                self._index_through_cache(index, through_cache)
                self._search = index
            return self._search

    def _index_through_cache(self, index: SearchIndex, kinds: list[str]) -> None:
        """Index records of these kinds from the sealed search cache, decrypting only those it lacks or
        has stale, then save their documents back (best effort: a read-only or busy file just stays slower)."""
        revisions: dict[bytes, int] = {}
        for kind in kinds:
            revisions.update(self.vault.current_revisions(kind))
        if not revisions:
            return
        for number, page in self.vault.cached_pages().items():
            index.add_cached(number, page, revisions)
        stale = [raw_id.hex() for raw_id in revisions if not index.has_cached(raw_id)]
        if not stale:
            return
        entries = self._entries_still_there(stale)
        fresh = self._decode(self.vault.get_many(entries.values()))
        index.add(fresh)
        documents = {}
        for value in fresh:
            form = index.cached_form(value.saved_id)
            if form is not None:
                entry = entries[value.saved_id]
                documents[entry.record_id] = (entry.revision, form)
        with contextlib.suppress(StorageError, JournalBusy):
            self.vault.store_documents(documents)

    def _original_texts(self, record_ids: list[str]) -> dict[str, str]:
        """The searchable text of records, decrypted again (search results from the cache hold only folded text)."""
        entries = self._entries_still_there(record_ids).values()
        return {value.saved_id: searchable_text(value) for value in self._decode(self.vault.get_many(entries))}

    def _entries_still_there(self, record_ids: list[str]) -> dict[str, IndexEntry]:
        """The index entries of these records, leaving out any purged meanwhile (from another thread)."""
        entries = {}
        for record_id in record_ids:
            with contextlib.suppress(RecordNotFound):
                entries[record_id] = self.vault.entry(record_id)
        return entries

    def _reload_touched(self) -> None:
        """After a rolled-back transaction: hold the values it touched as the file has them again."""
        touched, self._touched = self._touched or set(), None
        for record_id in touched:
            self._forget(record_id)
            with contextlib.suppress(RecordNotFound):  # created by the rolled-back transaction, or deleted
                record = self.vault.get(record_id)
                self._remember([codec.decode(record.kind, record.payload, record_id)])

    def _remember(self, values: list[Model]) -> None:
        with self._lock:
            if self._touched is not None:
                self._touched.update(value.saved_id for value in values)
            for value in values:
                cached = self._cache.get(value.KIND)
                if cached is not None:
                    cached[value.saved_id] = value
            if self._search is not None:
                self._search.add(values)

    def _forget(self, record_id: str) -> None:
        with self._lock:
            if self._touched is not None:
                self._touched.add(record_id)
            for cached in self._cache.values():
                cached.pop(record_id, None)
            if self._search is not None:
                self._search.remove(record_id)

    def links_to(self, record_id: str) -> list[Model]:
        """The live records (drafts included) that link to `record_id`."""
        # Only the kinds that can link to this one are read: a draft's purge on every save must not
        # decrypt every reflection.
        linking = _LINKED_FROM.get(self.vault.entry(record_id).kind, ())
        return [
            value
            for model in linking
            for value in self.all(model)
            if any(linked == record_id for _, linked in _links(value))
        ]

    def dangling_links(self) -> list[tuple[Model, str, str]]:
        """Links to records that are gone (deleted or purged, e.g. by an older version of Candour): each
        as (the record holding the link, the kind it expects, the missing id)."""
        return [
            (value, model.KIND, linked)
            for kind in _LINKING_KINDS
            for value in self.all(kind)
            for model, linked in _links(value)
            if linked is not None and linked not in self._kind(model.KIND)
        ]

    def _refuse_if_linked(self, record_id: str, doing: str) -> None:
        """The one rule for records others link to: deleting (or erasing) one is refused, naming what links to it,
        so no reflection, session or draft is left pointing at nothing."""
        linking = self.links_to(record_id)
        if not linking:
            return
        counts = Counter(value.KIND for value in linking)
        what = ", ".join(f"{count} {kind}{'s' if count != 1 else ''}" for kind, count in sorted(counts.items()))
        ids = ", ".join(value.saved_id[:8] for value in linking[:5]) + (", ..." if len(linking) > 5 else "")
        raise RecordInUse(
            f"Cannot {doing} {record_id[:8]}: {what} link to it ({ids}). "
            "Delete those, or remove the link from them, first."
        )

    def _check_links(self, value: Model) -> None:
        """Refuse a value that links to a record that does not exist (or is of the wrong kind)."""
        for model, linked in _links(value):
            if linked is not None and linked not in self._kind(model.KIND):
                raise RecordNotFound(f"The linked {model.KIND} {linked} does not exist.")


def _links(value: Model) -> list[tuple[type[Model], str | None]]:
    """The records `value` links to, as (their type, their id or None)."""
    links: list[tuple[type[Model], str | None]] = []
    for name, model in LINK_FIELDS.get(type(value), {}).items():
        linked = getattr(value, name)
        links += [(model, one) for one in linked] if isinstance(linked, tuple) else [(model, linked)]
    return links


_LINKING_KINDS: tuple[type[Model], ...] = tuple(LINK_FIELDS)
"""The kinds whose values link to other records."""

_LINKED_FROM: dict[str, tuple[type[Model], ...]] = {
    target.KIND: tuple(model for model, fields in LINK_FIELDS.items() if target in fields.values())
    for target in {target for fields in LINK_FIELDS.values() for target in fields.values()}
}
"""For each kind that others link to, the kinds whose values can hold such a link."""


_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")


def section(text: str, prompt: str) -> str:
    """The answer under the Markdown heading `prompt` in `text` (up to the next heading of the same or
    a higher level), or "" when there is no such heading or it was left blank."""
    wanted = _prompt_key(prompt)
    lines = text.splitlines()
    for index, line in enumerate(lines):
        heading = _HEADING.match(line)
        if heading and _prompt_key(heading.group(2)) == wanted:
            level = len(heading.group(1))
            answer: list[str] = []
            for following in lines[index + 1 :]:
                other = _HEADING.match(following)
                if other and len(other.group(1)) <= level:
                    break
                answer.append(following)
            return "\n".join(answer).strip()
    return ""


def _prompt_key(prompt: str) -> str:
    return normalize(prompt).strip().rstrip("?:.").strip()
