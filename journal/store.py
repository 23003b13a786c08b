"""The coachee's journal: typed saving, reading, history and deletion of model values over the
encrypted vault, plus the queries the app and the command line need (search, goal history,
theme frequency, the pre-session digest, engagement progress).

Small kinds (engagements, sessions, goals, ...) are decrypted once, on first use, and
cached. Reflections can number tens of thousands, so listing the latest ones decrypts
only those; search decrypts them all once and then works in memory.
"""

from __future__ import annotations

import calendar
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import TypeVar, cast

import crypto
from crypto import KdfLimits, KdfParams
from journal import codec
from journal.clock import Clock, SystemClock
from journal.errors import InvalidInput, RecordNotFound
from journal.models import (
    BRING_NEXT_TIME,
    BUILT_IN_TEMPLATES,
    WHAT_WILL_I_DO,
    Action,
    CheckIn,
    Engagement,
    Goal,
    GoalStatus,
    Model,
    Person,
    Reflection,
    Session,
    SessionStatus,
    Template,
    Theme,
    mentioned_names,
)
from journal.search import NO_FILTERS, SearchFilters, SearchHit, SearchIndex, normalize
from journal.vault import Record, Vault

M = TypeVar("M", bound=Model)

MIN_ID_PREFIX = 4
"""Shortest id prefix accepted where a user types an id (`candour show 3f9a`)."""

RATE_AGAIN_AFTER = timedelta(days=21)
"""A goal not rated for this long is listed in the pre-session digest."""

_SEARCH_ORDER: tuple[type[Model], ...] = (Session, Goal, Person, Engagement, Theme, CheckIn, Action, Reflection)
"""Sessions, goals and people first: the index resolves other records' links through them."""


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

    def close(self) -> None:
        """Lock: drop every decrypted value and close the file."""
        self._cache.clear()
        self._search = None
        self.vault.close()

    def __enter__(self) -> Journal:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # --- saving and reading -----------------------------------------------------------------

    def save(self, value: M) -> M:
        """Store a new value, or a new revision of a saved one (older revisions are kept until pruned).

        Returns:
            The value carrying its record id.
        Raises:
            RecordNotFound: the value links to a record that does not exist, or updates one that does not.
        """
        self._check_links(value)
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
        value = self.find(record_id)
        if not isinstance(value, model):
            raise RecordNotFound(f"Record {record_id} is a {value.KIND}, not a {model.KIND}.")
        return value

    def find(self, id_or_prefix: str) -> Model:
        """The record a user means by an id or an unambiguous id prefix of at least four characters.

        Raises:
            RecordNotFound: nothing matches, or several records do.
        """
        wanted = id_or_prefix.strip().lower()
        if len(wanted) < MIN_ID_PREFIX or not re.fullmatch(r"[0-9a-f]+", wanted):
            raise RecordNotFound(f"{id_or_prefix!r} is not a record id (give at least {MIN_ID_PREFIX} hex characters).")
        matches = [entry for entry in self.vault.entries() if entry.id_hex.startswith(wanted)]
        if not matches:
            raise RecordNotFound(f"There is no record whose id starts with {wanted}.")
        if len(matches) > 1:
            raise RecordNotFound(f"Several records start with {wanted}; type more of the id.")
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
        """Delete a record, reversibly until purged."""
        self.vault.delete(record_id)
        self._forget(record_id)

    def restore(self, record_id: str) -> Model:
        """Undo a deletion."""
        self.vault.restore(record_id)
        record = self.vault.get(record_id)
        value = codec.decode(record.kind, record.payload, record_id)
        self._remember([value])
        return value

    def purge(self, record_id: str) -> None:
        """Remove a record and all its revisions for good."""
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
            theme_ids=tuple(self.theme_named(label).saved_id for label in themes),
            mood=mood,
            energy=energy,
            template=template,
        )
        return self.save(replace(reflection, person_ids=self.link_people(reflection.text)))

    def link_people(self, text: str) -> tuple[str, ...]:
        """Ids of the people mentioned as `@Name` in `text`; a name not yet known becomes a new person."""
        known = {normalize(name): person for person in self.all(Person) for name in person.names}
        linked = []
        for name in mentioned_names(text):
            person = known.get(normalize(name)) or self.save(Person(name))
            known[normalize(name)] = person
            linked.append(person.saved_id)
        return tuple(dict.fromkeys(linked))

    def theme_named(self, label: str) -> Theme:
        """The theme with this label (ignoring case and accents), created if there is none."""
        wanted = normalize(label.strip())
        for theme in self.all(Theme):
            if normalize(theme.label) == wanted:
                return theme
        return self.save(Theme(label))

    def check_in(
        self, goal: Goal, rating: int, *, note: str = "", sponsor_statement: str = "", on: date | None = None
    ) -> CheckIn:
        """Record a progress rating for a goal (today unless `on` is given)."""
        now = self.clock.now().replace(tzinfo=None, microsecond=0)
        return self.save(CheckIn(goal.saved_id, on or now.date(), rating, note, sponsor_statement, recorded_at=now))

    def templates(self) -> list[Template]:
        """The built-in reflection templates, then the user's own."""
        return [*BUILT_IN_TEMPLATES, *sorted(self.all(Template), key=lambda template: template.name)]

    # --- queries ----------------------------------------------------------------------------

    def search(self, query: str, filters: SearchFilters = NO_FILTERS, limit: int | None = 50) -> list[SearchHit]:
        """Records matching `query` and `filters`, newest first (see `SearchIndex.search`)."""
        return self._search_index().search(query, filters, limit)

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
        candidates = running or engagements
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
        upcoming = [s for s in sessions if s.status is SessionStatus.PLANNED or s.held_on > today]
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
            (action for action in self.all(Action) if not action.done),
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
            to_bring=to_bring,
        )

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
        if self._search is None:
            index = SearchIndex()
            for model in _SEARCH_ORDER:
                index.add(self._kind(model.KIND).values())
            self._search = index
        return self._search

    def _remember(self, values: list[Model]) -> None:
        for value in values:
            cached = self._cache.get(value.KIND)
            if cached is not None:
                cached[value.saved_id] = value
        if self._search is not None:
            self._search.add(values)

    def _forget(self, record_id: str) -> None:
        for cached in self._cache.values():
            cached.pop(record_id, None)
        if self._search is not None:
            self._search.remove(record_id)

    def _check_links(self, value: Model) -> None:
        """Refuse a value that links to a record that does not exist (or is of the wrong kind)."""
        links: list[tuple[type[Model], str | None]] = []
        match value:
            case Session():
                links = [(Engagement, value.engagement_id)]
            case Reflection():
                links = [(Engagement, value.engagement_id), (Session, value.session_id)]
                links += [(Theme, theme) for theme in value.theme_ids]
                links += [(Person, person) for person in value.person_ids]
                links += [(Goal, goal) for goal in value.goal_ids]
            case Goal():
                links = [(Engagement, value.engagement_id)]
            case CheckIn():
                links = [(Goal, value.goal_id)]
            case Action():
                links = [(Session, value.session_id), (Goal, value.goal_id)]
            case _:
                links = []
        for model, linked in links:
            if linked is not None and linked not in self._kind(model.KIND):
                raise RecordNotFound(f"The linked {model.KIND} {linked} does not exist.")


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
