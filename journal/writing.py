"""Writing in the journal: reflections with the themes and people they name, check-ins, drafts and
settings, each user action stored as one transaction."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import date, datetime, timedelta
from typing import TypeVar

from journal.dates import due_day_in
from journal.errors import InvalidInput, RecordNotFound
from journal.models import (
    BUILT_IN_TEMPLATES,
    LINK_FIELDS,
    Action,
    CheckIn,
    Draft,
    Engagement,
    Goal,
    Model,
    Person,
    Preferences,
    Reflection,
    Session,
    Template,
    Theme,
    drop_untouched_prompts,
    mentioned_names,
)
from journal.records import RecordStore
from journal.search import normalize

N = TypeVar("N", Theme, Person)


class Writing(RecordStore):
    """What the coachee writes, beyond saving one record: links made by name, drafts, settings."""

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
            # dict.fromkeys: a theme named twice ("--theme Conflict" and "#conflict") is linked once.
            theme_ids = tuple(dict.fromkeys(self.theme_named(label).saved_id for label in labels))
            return self.save(replace(reflection, theme_ids=theme_ids, person_ids=self.link_people(reflection.text)))

    def link_people(self, text: str) -> tuple[str, ...]:
        """Ids of the people mentioned as `@Name` in `text`; a name not yet known becomes a new person."""
        if "@" not in text:
            return ()  # no mention: spare reading every person (which reads the whole index)
        return tuple(dict.fromkeys(self.person_named(name).saved_id for name in mentioned_names(text)))

    def theme_named(self, label: str) -> Theme:
        """The theme with this label or alias (ignoring case and accents), created if there is none."""
        return self._named(Theme(label), lambda theme: theme.names)

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

    def merge(self, keep: Theme | Person, other: Theme | Person) -> Theme | Person:
        """Make `other` part of `keep` (a typo theme into the real one, two names of one person), in one
        transaction: every record linking to `other` links to `keep` instead, `keep` takes `other`'s names as
        aliases (so `#typo` and `@Nickname` find it from now on) and whatever text `keep` lacks, the sponsor
        wording `other` had in an engagement moves to `keep` where `keep` has none, and `other` is deleted
        (restorable, then linked to nothing).

        Raises:
            InvalidInput: the two are one record, or of different kinds.
        """
        if type(keep) is not type(other) or keep.saved_id == other.saved_id:
            raise InvalidInput("Merge two different records of one kind: two themes, or two people.")
        with self.transaction("merge the people" if isinstance(keep, Person) else "merge the themes"):
            for value in self.links_to(other.saved_id):
                self.save(_relinked(value, other.saved_id, keep.saved_id))
            self._move_kept_wordings(f"theme:{other.saved_id}", f"theme:{keep.saved_id}")
            merged = _merged(keep, other)
            self.delete(other.saved_id)
            return self.save(merged)

    def goes_by(self, value: Theme | Person, names: Iterable[str]) -> Theme | Person | None:
        """Another theme (or person) that already goes by one of `names`, ignoring case and accents: an alias
        must name one record only, so such a name is refused and the two merged instead."""
        wanted = {normalize(name) for name in names}
        for other in self.all(type(value)):
            if other.saved_id != value.record_id and wanted & {normalize(name) for name in other.names}:
                return other
        return None

    def _move_kept_wordings(self, old_item: str, new_item: str) -> None:
        """Give `new_item` the sponsor wording each engagement kept for `old_item`, where it kept none of its own."""
        for engagement in self.all(Engagement):
            wording = engagement.kept_wording(old_item)
            if wording and not engagement.kept_wording(new_item):
                self.save(engagement.keeping({new_item: wording}))

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

    def changes_nothing(self, draft: Draft) -> bool:
        """Whether keeping `draft` would keep nothing the coachee typed: a new one as its template left it, or one
        editing a reflection that still says exactly what the reflection says."""
        if draft.reflection_id is None:
            return draft.is_untouched()
        try:
            saved = self.get(Reflection, draft.reflection_id)
        except RecordNotFound:  # the reflection is gone: the draft is all that is left of those words
            return False
        return draft.same_content(self.draft_for(saved))

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

    def drafts(self) -> list[Draft]:
        """Every unfinished draft (one per session, per engagement between sessions, per reflection being
        edited), the one saved last first."""
        return sorted(self.all(Draft), key=lambda draft: draft.saved_at or datetime.min, reverse=True)

    def current_draft(self) -> Draft | None:
        """The draft saved last (the one open when the journal locked), if any."""
        drafts = self.drafts()
        return drafts[0] if drafts else None

    def draft_like(self, draft: Draft) -> Draft | None:
        """The saved draft for the same thing as `draft` (`Draft.slot`), if there is one."""
        return next((saved for saved in self.all(Draft) if saved.slot == draft.slot), None)

    def save_draft(self, draft: Draft) -> Draft:
        """Save the draft, replacing the one for the same thing (and its own earlier save), in one transaction.

        Each save is a new record, at revision 1, and the draft saved before it is erased: the file never
        holds more than one half-written text per draft, and nothing in it counts the saves. Revision numbers
        are stored in clear, so one that rose with every autosave would show how long the coachee typed.
        """
        now = self.clock.now().replace(tzinfo=None)
        # Kept after every other draft's time (a clock showing one moment twice, or going back), so the draft saved
        # last is the one the app reopens.
        latest = max((saved.saved_at for saved in self.all(Draft) if saved.saved_at is not None), default=None)
        if latest is not None and latest >= now:
            now = latest + timedelta(microseconds=1)
        with self.transaction("save the draft"):
            saved = self.save(replace(draft, record_id=None, saved_at=now))
            for earlier in self.all(Draft):
                replaced = earlier.slot == saved.slot or earlier.saved_id == draft.record_id
                if earlier.saved_id != saved.saved_id and replaced:
                    self.purge(earlier.saved_id)
        return saved

    def move_draft(self, draft: Draft, session: Session | None, engagement: Engagement | None = None) -> Draft:
        """The draft of a new reflection moved to another session (or, with `session` None, to between sessions
        of `engagement`), saved there in one transaction.

        Raises:
            InvalidInput: the draft edits a saved reflection (it stays with it), or the other session already
                has a draft (open that one first: neither is overwritten).
        """
        if draft.reflection_id is not None:
            raise InvalidInput("A draft editing a saved reflection stays with it; move the reflection instead.")
        moved = draft.with_content(
            session_id=session.saved_id if session else None,
            engagement_id=session.engagement_id if session else engagement.saved_id if engagement else None,
        )
        waiting = self.draft_like(moved)
        if waiting is not None and waiting.saved_id != draft.record_id:
            raise InvalidInput("That session already has an unfinished draft: open it, save or discard it, first.")
        return self.save_draft(moved)

    def discard_draft(self, draft: Draft | None = None) -> None:
        """Erase a draft for good: the one for the same thing as `draft`, or every draft when None."""
        for saved in self.all(Draft):
            if draft is None or saved.slot == draft.slot or saved.saved_id == draft.record_id:
                self.purge(saved.saved_id)

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
        today = self.clock.today()
        actions = [
            Action(text, due_day_in(text, self.clock), session_id=draft.session_id, created_on=today)
            for text in draft.actions
        ]
        self._check_links(reflection)
        with self.transaction("save the reflection"):
            theme_ids = tuple(self.theme_named(label).saved_id for label in draft.themes)
            people = tuple(self.person_named(name).saved_id for name in draft.people)
            person_ids = tuple(dict.fromkeys(people + self.link_people(reflection.text)))
            saved = self.save(replace(reflection, theme_ids=theme_ids, person_ids=person_ids))
            if actions:
                self.save_many(actions)
            self.discard_draft(draft)
        return saved

    def preferences(self) -> Preferences:
        """The coachee's settings (defaults until changed)."""
        saved = self.all(Preferences)
        return saved[0] if saved else Preferences()

    def save_preferences(self, preferences: Preferences) -> Preferences:
        """Store the settings (one record, revised in place)."""
        current = self.all(Preferences)
        record_id = preferences.record_id or (current[0].record_id if current else None)
        return self.save(replace(preferences, record_id=record_id))

    def note_recovery_key_confirmed(self, confirmed: bool = True) -> Preferences:
        """Remember whether the coachee has confirmed holding the recovery key: a journal created but never
        confirmed (a first run stopped on the key's screen) offers a new key at the next unlock."""
        preferences = self.preferences()
        if preferences.recovery_key_confirmed == confirmed:  # also a journal with no settings yet: confirmed
            return preferences
        return self.save_preferences(replace(preferences, recovery_key_confirmed=confirmed))


def _relinked(value: Model, old_id: str, new_id: str) -> Model:
    """`value` with every link to `old_id` pointing at `new_id` instead (a list of links keeps one of each)."""
    changes: dict[str, object] = {}
    for name in LINK_FIELDS.get(type(value), {}):
        linked = getattr(value, name)
        if isinstance(linked, tuple) and old_id in linked:
            changes[name] = tuple(dict.fromkeys(new_id if one == old_id else one for one in linked))
        elif linked == old_id:
            changes[name] = new_id
    return replace(value, **changes)  # type: ignore[arg-type]  # each change holds ids, as its field does


def _merged(keep: Theme | Person, other: Theme | Person) -> Theme | Person:
    """`keep` with `other`'s names among its aliases and `other`'s text where `keep` has none."""
    own_name = normalize(keep.names[0])
    changes: dict[str, object] = {
        "aliases": tuple(name for name in (*keep.aliases, *other.names) if normalize(name) != own_name)
    }
    for text in ("sponsor_wording", "description") if isinstance(keep, Theme) else ("note",):
        changes[text] = getattr(keep, text) or getattr(other, text)
    return replace(keep, **changes)  # type: ignore[arg-type]  # each change is of its field's type
