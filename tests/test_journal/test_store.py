"""The journal over the vault: revisions and undo, links, lookups, the coachee's queries, the prep digest, privacy."""

from __future__ import annotations

import dataclasses
import sqlite3
import tempfile
import typing
import unicodedata
from collections import Counter
from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import crypto
from journal.clock import FixedClock
from journal.errors import InvalidInput, RecordNotFound
from journal.models import (
    AFTER_SESSION,
    BETWEEN_SESSIONS,
    BRING_NEXT_TIME,
    MODEL_TYPES,
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
    SharingAgreement,
    SharingLevel,
    Template,
    Theme,
)
from journal.search import normalize
from journal.store import EngagementProgress, Journal
from journal.text import section
from tests.conftest import CHEAP_KDF, CHEAP_LIMITS, PASSPHRASE, journal_files

TODAY = date(2026, 9, 15)


def clock() -> FixedClock:
    """A fresh clock on TODAY (each test may move its own)."""
    return FixedClock.on(TODAY)


def at(day: int, hour: int = 12, month: int = 9) -> datetime:
    return datetime(2026, month, day, hour)


def answers(**prompts: str) -> str:
    """A reflection written from the after-session template, with the answers given by keyword."""
    wanted = {"explore": AFTER_SESSION.prompts[0], "do": WHAT_WILL_I_DO, "bring": BRING_NEXT_TIME}
    return "\n\n".join(f"## {wanted[key]}\n{answer}" for key, answer in prompts.items())


# --- saving, reading, reopening -----------------------------------------------------------------


def test_saved_values_read_back_after_reopening(journal_path: Path) -> None:
    created, _ = Journal.create(journal_path, PASSPHRASE, kdf=CHEAP_KDF, limits=CHEAP_LIMITS, clock=clock())
    with created as journal:
        engagement = journal.save(Engagement("Leadership", agreement=SharingAgreement(SharingLevel.L2)))
        session = journal.save(Session(engagement.saved_id, date(2026, 9, 1), 1, agenda="Delegation"))
        reflection = journal.write_reflection("What shifted: @Sam", session=session, themes=["Voice"], mood=4)
    with Journal.open(journal_path, PASSPHRASE, limits=CHEAP_LIMITS, clock=clock()) as journal:
        assert journal.get(Engagement, engagement.saved_id) == engagement
        assert journal.get(Session, session.saved_id) == session
        assert journal.get(Reflection, reflection.saved_id) == reflection
        assert [person.name for person in journal.all(Person)] == ["Sam"]
        assert [theme.label for theme in journal.all(Theme)] == ["Voice"]


def test_save_returns_the_value_with_its_id_and_an_edit_keeps_it(journal: Journal) -> None:
    theme = journal.save(Theme("Voice"))
    assert theme.record_id is not None and len(theme.record_id) == 32
    edited = journal.save(replace(theme, sponsor_wording="Speaking up"))
    assert edited.record_id == theme.record_id
    assert journal.get(Theme, theme.saved_id).sponsor_wording == "Speaking up"
    assert journal.vault.revisions(theme.saved_id) == [1, 2]


def test_get_refuses_another_kind_and_unknown_ids(journal: Journal) -> None:
    theme = journal.save(Theme("Voice"))
    with pytest.raises(RecordNotFound):
        journal.get(Goal, theme.saved_id)
    journal.all(Goal)  # with the goals cached, the answer is the same
    with pytest.raises(RecordNotFound):
        journal.get(Goal, theme.saved_id)
    with pytest.raises(RecordNotFound):
        journal.get(Theme, "0" * 32)


def test_get_through_the_cache_and_without_it_agree(journal: Journal) -> None:
    theme = journal.save(Theme("Voice"))
    fresh = Journal(journal.vault, clock())  # nothing cached yet
    assert fresh.get(Theme, theme.saved_id) == theme
    with pytest.raises(RecordNotFound):
        fresh.get(Theme, theme.saved_id[:8])  # an id, not a prefix: that is what `find` is for
    fresh.all(Theme)
    assert fresh.get(Theme, theme.saved_id) == theme
    with pytest.raises(RecordNotFound):
        fresh.get(Theme, theme.saved_id[:8])


def test_all_lists_live_values_newest_first(journal: Journal) -> None:
    engagement = journal.save(Engagement("E"))
    sessions = [journal.save(Session(engagement.saved_id, date(2026, 9, day), day)) for day in (3, 1, 2)]
    journal.delete(sessions[0].saved_id)
    assert [session.number for session in journal.all(Session)] == [2, 1]


# --- links --------------------------------------------------------------------------------------

MISSING = "0123456789abcdef0123456789abcdef"


@pytest.mark.parametrize(
    "build",
    [
        lambda ids: Session(MISSING, TODAY, 1),
        lambda ids: Session(ids["theme"], TODAY, 1),  # an id of the wrong kind
        lambda ids: Goal("Delegate", engagement_id=MISSING),
        lambda ids: CheckIn(MISSING, TODAY, 5),
        lambda ids: CheckIn(ids["engagement"], TODAY, 5),
        lambda ids: Action("Book", session_id=MISSING),
        lambda ids: Action("Book", goal_id=ids["theme"]),
        lambda ids: Reflection("x", at(1), engagement_id=MISSING),
        lambda ids: Reflection("x", at(1), session_id=MISSING),
        lambda ids: Reflection("x", at(1), theme_ids=(ids["theme"], MISSING)),
        lambda ids: Reflection("x", at(1), person_ids=(ids["theme"],)),
        lambda ids: Reflection("x", at(1), goal_ids=(MISSING,)),
    ],
    ids=[
        "session of a missing engagement",
        "session of a theme",
        "goal of a missing engagement",
        "check-in of a missing goal",
        "check-in of an engagement",
        "action of a missing session",
        "action of a theme",
        "reflection of a missing engagement",
        "reflection of a missing session",
        "reflection with a missing theme",
        "reflection with a theme as a person",
        "reflection with a missing goal",
    ],
)
def test_saving_a_value_that_links_a_missing_record_is_refused(journal: Journal, build: Any) -> None:
    ids = {"theme": journal.save(Theme("Voice")).saved_id, "engagement": journal.save(Engagement("E")).saved_id}
    before = journal.vault.count()
    with pytest.raises(RecordNotFound):
        journal.save(build(ids))
    with pytest.raises(RecordNotFound):
        journal.save_many([Theme("Fine"), build(ids)])
    assert journal.vault.count() == before


def test_a_link_to_a_deleted_record_is_refused(journal: Journal) -> None:
    goal = journal.save(Goal("Delegate"))
    journal.delete(goal.saved_id)
    with pytest.raises(RecordNotFound):
        journal.check_in(goal, 5)


def test_saving_over_a_record_of_another_kind_is_refused(journal: Journal) -> None:
    theme = journal.save(Theme("Voice"))
    with pytest.raises(RecordNotFound):
        journal.save(Goal("Delegate", record_id=theme.record_id))
    assert journal.get(Theme, theme.saved_id) == theme
    assert journal.vault.entry(theme.saved_id).kind == "theme"


def test_saving_over_a_record_that_does_not_exist_is_refused(journal: Journal) -> None:
    with pytest.raises(RecordNotFound):
        journal.save(Theme("Voice", record_id=MISSING))
    assert journal.all(Theme) == []


def test_save_many_stores_new_values_in_one_go_and_refuses_saved_ones(journal: Journal) -> None:
    theme = journal.save(Theme("Voice"))
    saved = journal.save_many([Reflection(f"Entry {n}", at(n), theme_ids=(theme.saved_id,)) for n in range(1, 4)])
    assert [value.record_id is not None for value in saved] == [True] * 3
    assert len(journal.all(Reflection)) == 3
    with pytest.raises(InvalidInput, match="new values"):
        journal.save_many([theme])


# --- find by id or prefix -----------------------------------------------------------------------

ABCD_1 = "abcd" + "0" * 27 + "1"
ABCD_2 = "abcd" + "0" * 27 + "2"
EF01 = "ef01" + "0" * 28


@pytest.fixture
def fixed_ids(journal: Journal, monkeypatch: pytest.MonkeyPatch) -> list[Theme]:
    """Three themes whose ids are chosen: two share the prefix abcd0000…"""
    chosen = iter(bytes.fromhex(record_id) for record_id in (ABCD_1, ABCD_2, EF01))
    monkeypatch.setattr(crypto, "new_record_id", lambda: next(chosen))
    return [journal.save(Theme(label)) for label in ("One", "Two", "Three")]


def test_find_by_id_or_unique_prefix(journal: Journal, fixed_ids: list[Theme]) -> None:
    assert [theme.record_id for theme in fixed_ids] == [ABCD_1, ABCD_2, EF01]
    assert journal.find("ef01") == fixed_ids[2]
    assert journal.find(" EF01 ") == fixed_ids[2]
    assert journal.find(ABCD_2) == fixed_ids[1]
    assert journal.find(ABCD_1.upper()) == fixed_ids[0]


@pytest.mark.parametrize(
    ("typed", "error", "message"),
    [
        ("abcd", InvalidInput, "Several records"),
        ("abcd000", InvalidInput, "Several records"),
        ("abc", InvalidInput, "at least 4"),
        ("", InvalidInput, "at least 4"),
        ("abcz", InvalidInput, "not a record id"),
        ("1234", RecordNotFound, "no record"),
        (ABCD_1 + "0", RecordNotFound, "no record"),
    ],
)
def test_find_refuses_ambiguous_short_and_unknown_prefixes(
    journal: Journal, fixed_ids: list[Theme], typed: str, error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        journal.find(typed)


def test_find_does_not_see_deleted_records(journal: Journal, fixed_ids: list[Theme]) -> None:
    journal.delete(EF01)
    with pytest.raises(RecordNotFound):
        journal.find("ef01")
    journal.delete(ABCD_2)
    assert journal.find("abcd") == fixed_ids[0]  # no longer ambiguous


# --- revisions, undo, delete, restore, purge ----------------------------------------------------


def test_history_lists_every_revision_and_deletions(journal: Journal) -> None:
    first = journal.write_reflection("First draft", written_at=at(1))
    second = journal.save(replace(first, text="Second draft"))
    third = journal.save(replace(first, text="Third draft"))
    journal.delete(first.saved_id)
    journal.restore(first.saved_id)
    history = journal.history(first.saved_id)
    assert [revision for revision, _ in history] == [1, 2, 3, 4, 5]
    assert [value.text if isinstance(value, Reflection) else None for _, value in history] == [
        "First draft",
        "Second draft",
        "Third draft",
        None,
        "Third draft",
    ]
    assert history[0][1] == first and history[1][1] == second and history[4][1] == third


def test_revert_brings_an_old_text_back_as_a_new_revision(journal: Journal) -> None:
    reflection = journal.write_reflection("I said no to the reorg.", written_at=at(1))
    journal.save(replace(reflection, text="Oops, overwritten."))
    reverted = journal.revert(reflection.saved_id, 1)
    assert isinstance(reverted, Reflection) and reverted.text == "I said no to the reorg."
    assert journal.get(Reflection, reflection.saved_id).text == "I said no to the reorg."
    assert journal.vault.revisions(reflection.saved_id) == [1, 2, 3]
    assert [value.text for _, value in journal.history(reflection.saved_id)] == [  # type: ignore[union-attr]
        "I said no to the reorg.",
        "Oops, overwritten.",
        "I said no to the reorg.",
    ]


def test_revert_to_a_deletion_is_refused(journal: Journal) -> None:
    theme = journal.save(Theme("Voice"))
    journal.delete(theme.saved_id)
    journal.restore(theme.saved_id)
    with pytest.raises(InvalidInput, match="restore"):
        journal.revert(theme.saved_id, 2)
    with pytest.raises(RecordNotFound):
        journal.revert(theme.saved_id, 9)


def test_delete_then_restore(journal: Journal) -> None:
    theme = journal.save(Theme("Voice"))
    assert journal.all(Theme) == [theme]
    journal.delete(theme.saved_id)
    assert journal.all(Theme) == []
    with pytest.raises(RecordNotFound):
        journal.get(Theme, theme.saved_id)
    assert journal.restore(theme.saved_id) == theme
    assert journal.get(Theme, theme.saved_id) == theme
    assert journal.all(Theme) == [theme]


def test_deleted_records_are_listed_and_found_by_prefix_as_they_were(journal: Journal) -> None:
    voice = journal.save(Theme("Voice"))
    renamed = journal.save(replace(voice, label="Voice at board level"))
    other = journal.save(Theme("Presence"))
    assert journal.deleted() == []
    journal.delete(renamed.saved_id)
    assert journal.deleted() == [renamed]  # its last revision, not the first
    assert journal.find_deleted(renamed.saved_id[:6]) == renamed
    with pytest.raises(RecordNotFound, match="no deleted record"):
        journal.find_deleted(other.saved_id)  # live, not deleted
    with pytest.raises(RecordNotFound):
        journal.find(renamed.saved_id)  # deleted: not found among the live ones
    journal.restore(renamed.saved_id)
    assert journal.deleted() == [] and journal.find(renamed.saved_id[:6]) == renamed
    journal.delete(other.saved_id)
    journal.purge(other.saved_id)
    assert journal.deleted() == []  # purged is gone for good


def test_delete_and_restore_before_anything_is_cached(journal: Journal) -> None:
    theme = journal.save(Theme("Voice"))
    fresh = Journal(journal.vault, clock())
    fresh.delete(theme.saved_id)
    assert fresh.all(Theme) == []
    fresh.restore(theme.saved_id)
    assert fresh.all(Theme) == [theme]


def test_purge_removes_every_revision_from_the_file(journal_path: Path) -> None:
    created, _ = Journal.create(journal_path, PASSPHRASE, kdf=CHEAP_KDF, limits=CHEAP_LIMITS, clock=clock())
    with created as journal:
        kept = journal.write_reflection("Kept", written_at=at(1))
        doomed = journal.write_reflection("Doomed v1", written_at=at(2))
        journal.save(replace(doomed, text="Doomed v2"))
        journal.delete(doomed.saved_id)
        rows = _rows_of(journal_path, doomed.saved_id)
        assert rows == 3
        journal.purge(doomed.saved_id)
        for attempt in (
            lambda: journal.get(Reflection, doomed.saved_id),
            lambda: journal.find(doomed.saved_id),
            lambda: journal.find(doomed.saved_id[:8]),
            lambda: journal.history(doomed.saved_id),
            lambda: journal.restore(doomed.saved_id),
        ):
            with pytest.raises(RecordNotFound):
                attempt()
        assert journal.all(Reflection) == [kept]
    assert _rows_of(journal_path, doomed.saved_id) == 0
    assert _rows_of(journal_path, kept.saved_id) == 1


def _rows_of(path: Path, record_id: str) -> int:
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        (count,) = connection.execute(
            "SELECT count(*) FROM records WHERE id = ?", (bytes.fromhex(record_id),)
        ).fetchone()
    finally:
        connection.close()
    return int(count)


# --- reflections, people and themes -------------------------------------------------------------


def test_write_reflection_links_people_once_and_reuses_them(journal: Journal) -> None:
    first = journal.write_reflection("Talked with @Sam and @Anna_Lee about delegation.", written_at=at(1))
    people = {person.name: person.saved_id for person in journal.all(Person)}
    assert set(people) == {"Sam", "Anna Lee"}
    assert first.person_ids == (people["Sam"], people["Anna Lee"])

    second = journal.write_reflection("@sam again, @ANNA_LEE too, and @Sam once more", written_at=at(2))
    assert second.person_ids == (people["Sam"], people["Anna Lee"])
    third = journal.write_reflection("Lunch with @Zoë, then @zoe and @ZOE.", written_at=at(3))
    assert len(third.person_ids) == 1
    fourth = journal.write_reflection("@Zoe's idea", written_at=at(4))
    assert fourth.person_ids == third.person_ids
    assert sorted(person.name for person in journal.all(Person)) == ["Anna Lee", "Sam", "Zoë"]


def test_a_mention_of_an_alias_links_that_person(journal: Journal) -> None:
    samantha = journal.save(Person("Samantha Jones", aliases=("Sam",)))
    reflection = journal.write_reflection("Asked @Sam for feedback.")
    assert reflection.person_ids == (samantha.saved_id,)
    assert journal.all(Person) == [samantha]


def test_write_reflection_creates_themes_once(journal: Journal) -> None:
    first = journal.write_reflection("One", themes=["Delegation", "délégation", " DELEGATION "], written_at=at(1))
    second = journal.write_reflection("Two", themes=["Dele\x07gation", "Voice"], written_at=at(2))
    assert sorted(theme.label for theme in journal.all(Theme)) == ["Delegation", "Voice"]
    themes = {theme.label: theme.saved_id for theme in journal.all(Theme)}
    assert first.theme_ids == (themes["Delegation"],)
    assert second.theme_ids == (themes["Delegation"], themes["Voice"])


def test_a_refused_reflection_creates_no_person_or_theme(journal: Journal) -> None:
    with pytest.raises(InvalidInput):
        journal.write_reflection("@Sam said it.", themes=["Voice"], mood=9)
    unsaved_session = Session(MISSING, TODAY, 1, record_id=MISSING)
    with pytest.raises(RecordNotFound):
        journal.write_reflection("@Sam said it.", themes=["Voice"], session=unsaved_session)
    assert journal.all(Person) == [] and journal.all(Theme) == [] and journal.all(Reflection) == []


def test_write_reflection_ties_it_to_the_session_and_its_engagement(journal: Journal) -> None:
    engagement = journal.save(Engagement("Leadership"))
    session = journal.save(Session(engagement.saved_id, date(2026, 9, 10), 3))
    reflection = journal.write_reflection("After session three", session=session, template=AFTER_SESSION.name)
    assert (reflection.session_id, reflection.engagement_id) == (session.record_id, engagement.record_id)
    assert reflection.written_at == datetime(2026, 9, 15, 12, 0)  # the clock's wall-clock time
    free = journal.write_reflection("Between sessions", engagement=engagement)
    assert (free.session_id, free.engagement_id) == (None, engagement.record_id)


def test_recent_reflections_are_newest_first(journal: Journal) -> None:
    for day in (3, 1, 14, 7, 9):
        journal.write_reflection(f"Day {day}", written_at=at(day))
    journal.write_reflection("Evening of the 14th", written_at=at(14, hour=20))
    assert [r.text for r in journal.recent_reflections(3)] == ["Evening of the 14th", "Day 14", "Day 9"]
    assert len(journal.recent_reflections()) == 6
    oldest = journal.recent_reflections(6)[-1]
    journal.save(replace(oldest, written_at=at(15)))  # moved: now the newest
    assert journal.recent_reflections(1)[0].text == "Day 1"


def test_templates_are_built_in_then_the_users_own(journal: Journal) -> None:
    journal.save(Template("Weekly", ("What went well?",)))
    journal.save(Template("After a hard day", ("What happened?",)))
    names = [template.name for template in journal.templates()]
    assert names == [AFTER_SESSION.name, BETWEEN_SESSIONS.name, "After a hard day", "Weekly"]


# --- goals and check-ins ------------------------------------------------------------------------


def test_goal_history_is_oldest_first(journal: Journal) -> None:
    goal = journal.save(Goal("Delegate"))
    other = journal.save(Goal("Speak up"))
    for day, rating in ((3, 6), (1, 4), (2, 5)):
        journal.check_in(goal, rating, on=date(2026, 9, day))
    journal.check_in(other, 9, on=date(2026, 9, 2))
    assert [check_in.rating for check_in in journal.goal_history(goal)] == [4, 5, 6]


def test_check_ins_of_one_day_keep_their_entry_order(journal: Journal) -> None:
    """Entered within the same second (the clock stands still): the order they were entered in still holds."""
    goal = journal.save(Goal("Delegate"))
    for rating in (3, 8, 1, 7, 5, 2):
        journal.check_in(goal, rating)
    assert [check_in.rating for check_in in journal.goal_history(goal)] == [3, 8, 1, 7, 5, 2]
    fresh = Journal(journal.vault, clock())  # nothing cached: read back from the file
    assert [check_in.rating for check_in in fresh.goal_history(goal)] == [3, 8, 1, 7, 5, 2]


def test_check_ins_entered_later_in_the_day_come_later(journal: Journal) -> None:
    journal.clock = moving = clock()
    goal = journal.save(Goal("Delegate"))
    journal.check_in(goal, 3, on=date(2026, 9, 10))
    moving.advance(timedelta(hours=-2))  # the clock was set back (a time-zone change)
    journal.check_in(goal, 4, on=date(2026, 9, 10))
    journal.save(CheckIn(goal.saved_id, date(2026, 9, 9), 2, recorded_at=datetime(2026, 9, 20, 8)))
    assert [check_in.rating for check_in in journal.goal_history(goal)] == [2, 3, 4]


def test_check_in_records_today_and_when_it_was_entered(journal: Journal) -> None:
    goal = journal.save(Goal("Delegate"))
    check_in = journal.check_in(goal, 6, note="Better", sponsor_statement="Progressing")
    assert (check_in.rated_on, check_in.rating, check_in.note, check_in.sponsor_statement) == (
        TODAY,
        6,
        "Better",
        "Progressing",
    )
    assert check_in.recorded_at is not None and check_in.recorded_at.date() == TODAY


# --- themes over time, sessions and progress ----------------------------------------------------


def test_theme_frequency_counts_reflections_per_month(journal: Journal) -> None:
    journal.write_reflection("a", themes=["Voice", "Delegation"], written_at=at(30, month=8))
    journal.write_reflection("b", themes=["Voice"], written_at=at(1, month=8))
    journal.write_reflection("c", themes=["Voice"], written_at=at(1))
    journal.write_reflection("d", written_at=at(2))
    labels = {theme.saved_id: theme.label for theme in journal.all(Theme)}
    frequency = {labels[theme_id]: counts for theme_id, counts in journal.theme_frequency().items()}
    assert frequency == {
        "Voice": Counter({"2026-08": 2, "2026-09": 1}),
        "Delegation": Counter({"2026-08": 1}),
    }


def test_sessions_of_an_engagement_in_order(journal: Journal) -> None:
    first = journal.save(Engagement("Leadership", planned_sessions=6))
    second = journal.save(Engagement("Career"))
    journal.save(Session(first.saved_id, date(2026, 9, 20), 3, SessionStatus.PLANNED))
    journal.save(Session(first.saved_id, date(2026, 8, 1), 1))
    journal.save(Session(second.saved_id, date(2026, 8, 15), 1))
    journal.save(Session(first.saved_id, date(2026, 8, 15), 2, SessionStatus.CANCELLED))
    assert [session.number for session in journal.sessions_of(first)] == [1, 2, 3]
    assert journal.next_session_number(first) == 4
    assert journal.next_session_number(second) == 2
    assert journal.next_session_number(journal.save(Engagement("New"))) == 1


def test_progress_counts_held_and_cancelled_against_planned(journal: Journal) -> None:
    engagement = journal.save(Engagement("Leadership", planned_sessions=6))
    statuses = [SessionStatus.HELD, SessionStatus.CANCELLED, SessionStatus.HELD, SessionStatus.PLANNED]
    for number, status in enumerate(statuses, start=1):
        journal.save(Session(engagement.saved_id, date(2026, 9, number), number, status))
    progress = journal.progress(engagement)
    assert progress == EngagementProgress(held=2, cancelled=1, planned=6)
    assert progress.describe() == "2 of 6 sessions held"
    assert journal.progress(journal.save(Engagement("Open-ended"))) == EngagementProgress(0, 0, None)


@pytest.mark.parametrize(
    ("progress", "words"),
    [
        (EngagementProgress(0, 0, None), "0 sessions held"),
        (EngagementProgress(1, 0, None), "1 session held"),
        (EngagementProgress(2, 1, None), "2 sessions held"),
        (EngagementProgress(1, 0, 6), "1 of 6 sessions held"),
    ],
)
def test_progress_in_words(progress: EngagementProgress, words: str) -> None:
    assert progress.describe() == words


def test_current_engagement(journal: Journal) -> None:
    assert journal.current_engagement() is None
    ended = journal.save(Engagement("Ended", starts_on=date(2026, 1, 1), ends_on=date(2026, 6, 30)))
    assert journal.current_engagement() == ended  # none running: the one that started last
    running = journal.save(Engagement("Running", starts_on=date(2025, 10, 1), ends_on=date(2026, 12, 31)))
    assert journal.current_engagement() == running  # running beats one that started later
    later = journal.save(Engagement("Also running", starts_on=date(2026, 9, 1)))
    assert journal.current_engagement() == later  # both running: the later start
    journal.clock = FixedClock.on(date(2027, 3, 1))
    assert journal.current_engagement() == later  # open-ended: still running


# --- the prep digest ----------------------------------------------------------------------------


class PrepWorld:
    """An engagement half way through, with everything the digest looks at."""

    def __init__(self, journal: Journal) -> None:
        self.journal = journal
        save = journal.save
        self.engagement = save(Engagement("Leadership", starts_on=date(2026, 6, 1), planned_sessions=6))
        self.other = save(Engagement("Old one", starts_on=date(2025, 1, 1), ends_on=date(2025, 12, 31)))
        e = self.engagement.saved_id
        save(Session(e, date(2026, 6, 10), 1))
        save(Session(e, date(2026, 7, 15), 2, SessionStatus.CANCELLED))
        self.last_held = save(Session(e, date(2026, 9, 10), 3))
        save(Session(e, date(2026, 9, 20), 4, SessionStatus.CANCELLED))
        self.next = save(Session(e, date(2026, 9, 29), 5, SessionStatus.PLANNED, agenda="Budget"))
        save(Session(e, date(2026, 10, 20), 6, SessionStatus.PLANNED))

        write = journal.write_reflection
        write(answers(bring="An old worry, already discussed."), written_at=at(5), engagement=self.engagement)
        self.after = write(
            answers(explore="Delegation", do="Ask @Sam for feedback.", bring="The tension with @Zoë"),
            written_at=at(10, hour=20),
            session=self.last_held,
        )
        self.between = write(
            f"## {BETWEEN_SESSIONS.prompts[0]}\nA rough week.\n\n## {BRING_NEXT_TIME}\nThe budget question.",
            written_at=at(12),
            engagement=self.engagement,
        )
        write(answers(do="", bring=""), written_at=at(14), engagement=self.engagement)  # blank answers
        write(
            answers(do="Other engagement's plan", bring="Not for this one"),
            written_at=at(14, hour=21),
            engagement=self.other,
        )

        self.overdue_early = save(Action("Book one-to-ones", due_on=date(2026, 9, 1)))
        self.overdue_late = save(Action("Send the memo", due_on=date(2026, 9, 14)))
        self.due_soon = save(Action("Draft the plan", due_on=date(2026, 9, 20)))
        self.undated = save(Action("Read the book"))
        save(Action("Done already", due_on=date(2026, 9, 2), done=True))

        self.stale = save(Goal("Delegate", engagement_id=e))
        self.never = save(Goal("Speak up", engagement_id=e))
        self.exactly = save(Goal("Plan ahead"))
        fresh = save(Goal("Listen", engagement_id=e))
        save(Goal("Achieved one", status=GoalStatus.ACHIEVED, engagement_id=e))
        save(Goal("Old engagement's goal", engagement_id=self.other.saved_id))
        journal.check_in(self.stale, 4, on=date(2026, 8, 1))
        journal.check_in(self.stale, 5, on=date(2026, 8, 20))
        journal.check_in(self.exactly, 5, on=TODAY - timedelta(days=21))
        journal.check_in(fresh, 6, on=TODAY - timedelta(days=20))


def test_prep_digest(journal: Journal) -> None:
    world = PrepWorld(journal)
    digest = journal.prep()
    assert digest.engagement == world.engagement
    assert digest.progress == EngagementProgress(held=2, cancelled=2, planned=6)
    assert digest.next_session == world.next  # the cancelled session on the 20th is not next
    assert digest.open_actions == (world.overdue_early, world.overdue_late, world.due_soon, world.undated)
    assert digest.overdue_actions == (world.overdue_early, world.overdue_late)
    assert digest.last_reflection == world.after
    assert digest.commitments == "Ask @Sam for feedback."
    assert {(goal.title, last) for goal, last in digest.goals_to_rate} == {
        ("Delegate", date(2026, 8, 20)),
        ("Speak up", None),
        ("Plan ahead", TODAY - timedelta(days=21)),
    }
    assert digest.to_bring == ((world.between, "The budget question."), (world.after, "The tension with @Zoë"))


def test_prep_of_another_engagement(journal: Journal) -> None:
    world = PrepWorld(journal)
    digest = journal.prep(world.other)
    assert digest.engagement == world.other
    assert digest.next_session is None
    assert digest.commitments == "Other engagement's plan"
    assert [answer for _, answer in digest.to_bring] == ["Not for this one"]
    assert {goal.title for goal, _ in digest.goals_to_rate} == {"Old engagement's goal", "Plan ahead"}


def test_prep_never_offers_a_past_or_cancelled_session_as_the_next(journal: Journal) -> None:
    engagement = journal.save(Engagement("Leadership"))
    journal.save(Session(engagement.saved_id, date(2026, 9, 1), 1, SessionStatus.PLANNED))  # never marked held
    journal.save(Session(engagement.saved_id, date(2026, 9, 16), 2, SessionStatus.CANCELLED))
    assert journal.prep().next_session is None
    today = journal.save(Session(engagement.saved_id, TODAY, 3, SessionStatus.PLANNED))
    assert journal.prep().next_session == today


def test_prep_of_an_empty_journal(journal: Journal) -> None:
    digest = journal.prep()
    assert digest.engagement is None and digest.progress is None and digest.next_session is None
    assert digest.open_actions == () and digest.goals_to_rate == () and digest.to_bring == ()
    assert digest.last_reflection is None and digest.commitments == ""


def test_prep_before_any_session_brings_everything_noted(journal: Journal) -> None:
    engagement = journal.save(Engagement("Leadership"))
    noted = journal.write_reflection(answers(bring="Where to start"), written_at=at(1), engagement=engagement)
    assert journal.prep().to_bring == ((noted, "Where to start"),)


# --- section() ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "prompt", "answer"),
    [
        (
            "## What will I do differently?\nAsk Sam.\n## What do I want to bring next time?\nX",
            WHAT_WILL_I_DO,
            "Ask Sam.",
        ),
        ("## What will I do differently?\nFirst.\n\nSecond.\n", WHAT_WILL_I_DO, "First.\n\nSecond."),
        ("## What will I do differently?\nA\n### Detail\nB\n## Next\nC", WHAT_WILL_I_DO, "A\n### Detail\nB"),
        ("## What will I do differently?\nA\n# Part two\nB", WHAT_WILL_I_DO, "A"),
        ("# What will I do differently?\nA\n## Sub\nB\n# Next\nC", WHAT_WILL_I_DO, "A\n## Sub\nB"),
        ("###### What will I do differently?\nA\n###### Next", WHAT_WILL_I_DO, "A"),
        ("####### What will I do differently?\nA", WHAT_WILL_I_DO, ""),
        ("## What will I do differently\nNo question mark", WHAT_WILL_I_DO, "No question mark"),
        ("## What will I do differently?\nAsked without it", "What will I do differently", "Asked without it"),
        ("## WHAT WILL I DO DIFFERENTLY ?\nShouted", WHAT_WILL_I_DO, "Shouted"),
        ("## What will I do differently:\nColon", WHAT_WILL_I_DO, "Colon"),
        ("## What will I do differently? ##\nClosed heading", WHAT_WILL_I_DO, "Closed heading"),
        ("##   What will I do differently?   \nSpaces", WHAT_WILL_I_DO, "Spaces"),
        ("## Qu'est-ce que je ferai différemment ?\nAutrement", "Qu'est-ce que je ferai differemment", "Autrement"),
        ("## What will I do differently?\n\n   \n## Next\nC", WHAT_WILL_I_DO, ""),
        ("## What will I do differently?", WHAT_WILL_I_DO, ""),
        ("##What will I do differently?\nNot a heading", WHAT_WILL_I_DO, ""),
        ("What will I do differently?\nNot a heading", WHAT_WILL_I_DO, ""),
        ("## What did I explore?\nOnly this", WHAT_WILL_I_DO, ""),
        ("## What will I do differently, really?\nOther prompt", WHAT_WILL_I_DO, ""),
    ],
)
def test_section_extracts_the_answer_under_a_prompt(text: str, prompt: str, answer: str) -> None:
    assert section(text, prompt) == answer


# --- privacy: nothing readable reaches the disk -------------------------------------------------


NOT_PRIVATE = {(Preferences, "theme")}
"""Text fields that only hold one of a few fixed words (dark or light)."""


def _text_fields(model: type) -> tuple[list[str], list[str]]:
    """The private text fields of a model: plain strings, and tuples of strings (aliases, prompts)."""
    hints = typing.get_type_hints(model)
    plain, many = [], []
    for f in dataclasses.fields(model):
        if f.name.endswith(("_id", "_ids")) or (model, f.name) in NOT_PRIVATE:
            continue
        if hints[f.name] is str:
            plain.append(f.name)
        elif hints[f.name] == tuple[str, ...]:
            many.append(f.name)
    return plain, many


def _filled(model: type[Any], canary: str, **others: Any) -> Any:
    """A value of `model` with the canary written into every private text field."""
    plain, many = _text_fields(model)
    texts: dict[str, Any] = {name: f"{canary} {name}" for name in plain}
    texts |= {name: (f"{canary} {name}",) for name in many}
    return model(**texts, **others)


def test_the_privacy_test_fills_every_text_field() -> None:
    """If a model grows a text field, the property below writes the canary into it too."""
    for model in (*MODEL_TYPES, SharingAgreement):
        plain, many = _text_fields(model)
        strings = {
            f.name
            for f in dataclasses.fields(model)
            if "str" in str(f.type) and not f.name.endswith(("_id", "_ids")) and (model, f.name) not in NOT_PRIVATE
        }
        assert set(plain) | set(many) == strings, model.__name__


CANARIES = st.text(alphabet=st.characters(categories=["L", "N"], exclude_characters="_"), min_size=4, max_size=12).map(
    lambda suffix: unicodedata.normalize("NFC", f"CANARY-{suffix}")
)


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(canary=CANARIES)
def test_no_private_text_reaches_any_file(canary: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    temp_folder = tmp_path / "tmp"
    temp_folder.mkdir(exist_ok=True)
    monkeypatch.setenv("TMPDIR", str(temp_folder))
    folder = Path(tempfile.mkdtemp(dir=tmp_path))
    path = folder / "data" / "journal.candour"
    journal, _ = Journal.create(path, PASSPHRASE, kdf=CHEAP_KDF, limits=CHEAP_LIMITS, clock=clock())
    with journal:
        agreement = _filled(SharingAgreement, canary, level=SharingLevel.L3)
        engagement = journal.save(_filled(Engagement, canary, agreement=agreement))
        theme = journal.save(_filled(Theme, canary))
        person = journal.save(_filled(Person, canary))
        goal = journal.save(_filled(Goal, canary, engagement_id=engagement.record_id))
        session = journal.save(_filled(Session, canary, engagement_id=engagement.saved_id, held_on=TODAY, number=1))
        values: list[Model] = [
            engagement,
            theme,
            person,
            goal,
            session,
            journal.save(_filled(Template, canary)),
            journal.save_draft(_filled(Draft, canary, session_id=session.record_id, cursor=(1, 2))),
            journal.save_preferences(Preferences(auto_lock_minutes=7)),
            journal.save(_filled(CheckIn, canary, goal_id=goal.saved_id, rated_on=TODAY, rating=5)),
            journal.save(_filled(Action, canary, session_id=session.record_id, goal_id=goal.record_id)),
            journal.save(
                _filled(
                    Reflection,
                    canary,
                    written_at=at(15),
                    session_id=session.record_id,
                    theme_ids=(theme.saved_id,),
                    person_ids=(person.saved_id,),
                    goal_ids=(goal.saved_id,),
                )
            ),
            journal.write_reflection(f"{canary} with @Canary_{canary[7:]}", themes=[f"{canary} theme"]),
        ]
        for value in values:  # every value edited once: two revisions of each
            plain, many = _text_fields(type(value))
            edits: dict[str, Any] = {name: f"{getattr(value, name)} edited" for name in plain}
            edits |= {name: (*getattr(value, name), f"{canary} more") for name in many}
            journal.save(replace(value, **edits))
        assert journal.search(canary)  # the in-memory index is built, and must stay in memory
        journal.prep()
        leaks_while_open = _leaks(canary, path, temp_folder)
    assert leaks_while_open == []
    assert _leaks(canary, path, temp_folder) == []
    assert list(journal_files(path)) == [path.name]  # the journal alone: no side files, no lock file, after close


def _leaks(canary: str, path: Path, temp_folder: Path) -> list[str]:
    needles = {canary.encode(), normalize(canary).encode(), canary.encode("utf-16-le")}
    files = {**journal_files(path), **{f"tmp/{child.name}": child.read_bytes() for child in temp_folder.iterdir()}}
    return [name for name, content in files.items() if any(needle in content for needle in needles)]


def test_prep_lists_only_the_actions_of_its_engagement(journal_path: Path) -> None:
    clock = FixedClock.on(date(2026, 9, 15))
    journal, _ = Journal.create(journal_path, PASSPHRASE, kdf=CHEAP_KDF, limits=CHEAP_LIMITS, clock=clock)
    with journal:
        ours = journal.save(Engagement("Ours", starts_on=date(2026, 9, 1)))
        other = journal.save(Engagement("Other", starts_on=date(2026, 1, 1), ends_on=date(2026, 6, 30)))
        later = journal.save(Engagement("Not started", starts_on=date(2026, 12, 1)))
        assert journal.current_engagement() == ours
        session = journal.save(Session(other.saved_id, date(2026, 2, 1), 1))
        journal.save(Action("for the other engagement", session_id=session.saved_id))
        journal.save(Action("for any engagement"))
        assert [action.text for action in journal.prep(ours).open_actions] == ["for any engagement"]
        assert len(journal.prep(other).open_actions) == 2
        assert later.record_id != journal.current_engagement().record_id  # type: ignore[union-attr]


def test_ids_are_shown_long_enough_to_tell_every_record_apart(
    journal: Journal, monkeypatch: pytest.MonkeyPatch
) -> None:
    journal.save(Theme("Voice"))
    assert journal.unambiguous_id_length(8) == 8  # one record: eight characters tell it apart
    # At 50,000 records two ids sharing eight characters are likely: then one more than they share.
    ids = ["0123456789ab" + "0" * 20, "ffffffff" + "0" * 24, "0123456789ac" + "0" * 20, "01234567" + "f" * 24]
    monkeypatch.setattr(journal.vault, "record_ids", lambda: [bytes.fromhex(record_id) for record_id in ids])
    assert journal.unambiguous_id_length(8) == 12
