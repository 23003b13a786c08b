"""Where each reflection belongs (`journal.outline`): learnt from the search cache without decrypting the
reflections it holds, and kept current by every save, edit, deletion and rolled-back transaction."""

from __future__ import annotations

import contextlib
import dataclasses
import sqlite3
from collections import defaultdict
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from journal import Engagement, Journal, Reflection, Session, queries
from journal.vault import search_pages
from tests.conftest import CHEAP_KDF, CHEAP_LIMITS, PASSPHRASE
from tests.test_journal.test_search_cache import _decrypted_reflections, reopen

START = datetime(2026, 9, 1, 9, 0)


def fill(path: Path) -> tuple[list[Engagement], list[Session]]:
    """Two engagements of three sessions, reflections under each session and between them, and one tied to no
    engagement; the search cache written."""
    journal, _ = Journal.create(path, PASSPHRASE, kdf=CHEAP_KDF, limits=CHEAP_LIMITS)
    with journal:
        engagements = [journal.save(Engagement(f"Engagement {n}", starts_on=date(2026, 1 + n, 1))) for n in range(2)]
        sessions = [
            journal.save(Session(engagement.saved_id, date(2026, 9, number), number))
            for engagement in engagements
            for number in range(1, 4)
        ]
        for n in range(30):
            session_id = sessions[n % 6].saved_id if n % 3 else None
            engagement_id = None if n % 3 else engagements[n % 2].saved_id
            when = START + timedelta(hours=n)
            journal.save(Reflection(f"Entry {n}", when, session_id=session_id, engagement_id=engagement_id))
        journal.save(Reflection("Tied to nothing", START - timedelta(days=1)))
        journal.search("warm")  # writes the cache
    return engagements, sessions


def truth(journal: Journal) -> tuple[dict[str, set[str]], dict[str | None, set[str]]]:
    """Where each reflection belongs, from the decrypted reflections themselves."""
    by_session: dict[str, set[str]] = defaultdict(set)
    free: dict[str | None, set[str]] = defaultdict(set)
    for reflection in journal.all(Reflection):
        if reflection.session_id is not None:
            by_session[reflection.session_id].add(reflection.saved_id)
        else:
            free[reflection.engagement_id].add(reflection.saved_id)
    return by_session, free


def assert_placed_as_saved(journal: Journal) -> None:
    outline = journal.place_reflections()
    by_session, free = truth(journal)
    for session in journal.all(Session):
        assert outline.of_session(session.saved_id) == by_session.get(session.saved_id, set())
    for engagement_id in [None, *(engagement.saved_id for engagement in journal.all(Engagement))]:
        assert outline.free_entries(engagement_id) == free.get(engagement_id, set())


def decrypted_to_place(path: Path) -> int:
    """How many reflections a fresh unlock decrypts to place them all; each is then placed where it was saved, and
    no search index is held (it would hold the whole cache)."""
    with reopen(path) as journal:
        decrypted = _decrypted_reflections(journal)
        journal.place_reflections()
        placing = sum(decrypted)  # before the check below decrypts them all
        assert journal._search is None
        assert_placed_as_saved(journal)
    return placing


def test_reflections_are_placed_from_the_cache_without_decrypting_one(journal_path: Path) -> None:
    fill(journal_path)
    with reopen(journal_path) as journal:
        decrypted = _decrypted_reflections(journal)
        assert journal.outline is None
        outline = journal.place_reflections()
        assert sum(decrypted) == 0
        assert journal.outline is outline
        assert_placed_as_saved(journal)


def test_reflections_the_cache_lacks_or_has_stale_are_decrypted_and_only_those(journal_path: Path) -> None:
    _, sessions = fill(journal_path)
    with reopen(journal_path) as journal:
        moved = journal.all(Reflection)[0]
        journal.save(
            Reflection(moved.text, moved.written_at, session_id=sessions[5].saved_id, record_id=moved.saved_id)
        )
        journal.save(Reflection("Written since the last search", START + timedelta(days=3)))
    assert decrypted_to_place(journal_path) == 2


def test_a_damaged_cache_page_costs_time_not_places(journal_path: Path) -> None:
    fill(journal_path)
    with sqlite3.connect(journal_path) as connection:
        connection.execute("UPDATE search_pages SET envelope = zeroblob(300)")
    assert decrypted_to_place(journal_path) == 31


def test_reflections_come_newest_first_and_decrypted_only_as_many_as_asked(journal_path: Path) -> None:
    engagements, _ = fill(journal_path)
    with reopen(journal_path) as journal:
        free = journal.place_reflections().free_entries(engagements[0].saved_id)
        decrypted = _decrypted_reflections(journal)
        latest = journal.reflections(free, limit=2)
        assert sum(decrypted) == 2
        assert [reflection.text for reflection in latest] == ["Entry 24", "Entry 18"]
        every = journal.reflections(free)
        assert [r.written_at for r in every] == sorted((r.written_at for r in every), reverse=True)
        assert len(every) == len(free) == 5


def test_a_session_shows_the_reflections_written_about_it(journal_path: Path) -> None:
    _, sessions = fill(journal_path)
    with reopen(journal_path) as journal:
        texts = [reflection.text for reflection in journal.session_reflections(sessions[1])]
        assert texts == ["Entry 25", "Entry 19", "Entry 13", "Entry 7", "Entry 1"]


_SAVE, _MOVE, _FREE, _DELETE, _ROLLED_BACK, _IMPORT, _RESTORE = range(7)

operations = st.lists(st.tuples(st.integers(0, 6), st.integers(0, 99), st.integers(0, 5)), min_size=1, max_size=12)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=operations)
def test_the_outline_follows_every_save_move_deletion_and_rollback(
    tmp_path: Path, steps: list[tuple[int, int, int]]
) -> None:
    path = tmp_path / f"j{len(list(tmp_path.iterdir()))}.candour"
    engagements, sessions = fill(path)
    with reopen(path) as journal:
        journal.place_reflections()
        for operation, pick, where in steps:
            reflections = journal.all(Reflection)
            chosen = reflections[pick % len(reflections)]
            session = sessions[where].saved_id
            if operation == _SAVE:
                journal.save(Reflection("New", START + timedelta(days=pick), session_id=session))
            elif operation == _MOVE:
                journal.save(Reflection(chosen.text, chosen.written_at, session_id=session, record_id=chosen.saved_id))
            elif operation == _FREE:
                engagement = engagements[where % 2].saved_id
                journal.save(
                    Reflection(chosen.text, chosen.written_at, engagement_id=engagement, record_id=chosen.saved_id)
                )
            elif operation == _DELETE and len(reflections) > 1:
                journal.delete(chosen.saved_id)
            elif operation == _IMPORT:
                imported = [
                    Reflection(f"Imported {n}", START + timedelta(days=n), session_id=session) for n in range(3)
                ]
                journal.save_many(
                    [*imported, Reflection("Imported free", START, engagement_id=engagements[0].saved_id)]
                )
            elif operation == _RESTORE and journal.deleted():
                journal.restore(journal.deleted()[0].saved_id)
            elif operation == _ROLLED_BACK:
                try:
                    with journal.transaction("move and delete"):
                        journal.save(
                            Reflection(chosen.text, chosen.written_at, session_id=session, record_id=chosen.saved_id)
                        )
                        journal.save(Reflection("Never kept", START, session_id=session))
                        raise RuntimeError("the disk refused it")
                except RuntimeError:
                    pass
            assert_placed_as_saved(journal)


def test_a_cache_lacking_many_reflections_is_brought_up_to_date_once(
    journal_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # An older Candour's cache (another page layout) lacks every reflection: decrypting them all at each unlock
    # would cost seconds in a large journal, so placing them writes their documents, as the first search would.
    with monkeypatch.context() as earlier:
        earlier.setattr(search_pages, "PAGE_LAYOUT", b"CSP\x02")
        fill(journal_path)
    monkeypatch.setattr(queries, "REBUILD_CACHE_BEYOND", 10)
    assert decrypted_to_place(journal_path) == 31  # once, to write their documents
    assert decrypted_to_place(journal_path) == 0


def test_a_few_reflections_the_cache_lacks_are_placed_without_writing(journal_path: Path) -> None:
    fill(journal_path)
    with reopen(journal_path) as journal:
        journal.save(Reflection("Written since the last search", START + timedelta(days=3)))
    before = sealed_pages(journal_path)
    with reopen(journal_path) as journal:
        journal.place_reflections()
        assert_placed_as_saved(journal)
    assert sealed_pages(journal_path) == before


def sealed_pages(path: Path) -> list[tuple[int, bytes]]:
    with contextlib.closing(sqlite3.connect(path)) as connection:
        return connection.execute("SELECT page, envelope FROM search_pages ORDER BY page").fetchall()


def test_editing_a_reflection_decrypts_only_that_one(journal_path: Path) -> None:
    # A draft of an edit links to its reflection: checking that the link holds must not decrypt every reflection.
    _, sessions = fill(journal_path)
    with reopen(journal_path) as journal:
        decrypted = _decrypted_reflections(journal)
        [latest] = journal.reflections(journal.place_reflections().of_session(sessions[1].saved_id), limit=1)
        draft = journal.save_draft(dataclasses.replace(journal.draft_for(latest), text="Edited since"))
        edited = journal.save_reflection_from(draft)
        assert sum(decrypted) == 1
        assert Reflection.KIND not in journal._cache
        assert edited.saved_id in journal.outline.of_session(sessions[1].saved_id)  # type: ignore[union-attr]
        assert journal.get(Reflection, latest.saved_id).text == "Edited since"
