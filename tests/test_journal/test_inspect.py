"""`journal.inspect`: what a journal file shows without its passphrase, read without changing the file or its
folder, and refused for files that are not journals."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from pathlib import Path

import pytest

from journal import ForeignFile, Journal, JournalNotFound, Theme
from journal.inspect import Bucket, JournalView, TableView, bucket, inspect_journal
from tests.conftest import CHEAP_KDF, CHEAP_LIMITS, PASSPHRASE, journal_files
from tests.read_only import read_only_folder


def table_named(view: JournalView, name: str) -> TableView:
    return next(table for table in view.tables if table.name == name)


def test_buckets_double_in_width_and_count_distinct_values() -> None:
    assert bucket([(0, 1), (1, 2), (2, 3), (3, 1), (4, 4), (5, 1), (297, 6), (300, 1)]) == (
        Bucket(0, 0, 1, 1, 0, 0),
        Bucket(1, 1, 2, 1, 1, 1),
        Bucket(2, 2, 3, 1, 2, 2),
        Bucket(3, 4, 5, 2, 3, 4),
        Bucket(5, 8, 1, 1, 5, 5),
        Bucket(257, 512, 7, 2, 297, 300),
    )
    assert bucket([]) == ()


def test_counts_follow_what_was_written(journal: Journal, journal_path: Path) -> None:
    path = journal_path
    journal.close()
    before = inspect_journal(path)
    assert before.format_version == 3 and before.application_id == 0x43414E44
    assert before.kdf == CHEAP_KDF

    with Journal.open(path, PASSPHRASE, limits=CHEAP_LIMITS) as again:
        themes = [again.save(Theme(f"Theme {number}")) for number in range(5)]
        edited = themes[0]
        for wording in ("first", "second", "third"):
            edited = again.save(replace(edited, sponsor_wording=wording))
    after = inspect_journal(path)

    assert after.revisions is not None and before.revisions is not None
    assert after.revisions.records == before.revisions.records + 5
    assert after.revisions.rows == before.revisions.rows + 5 + 3
    assert table_named(after, "records").rows == after.revisions.rows
    assert after.revisions.highest_revision >= 4  # the edited theme's fourth revision
    per_record = {(kept.low, kept.high): kept.count for kept in after.revisions.revisions_per_record}
    assert per_record[(3, 4)] >= 1  # the theme kept all four revisions
    envelopes = next(
        column for column in next(t for t in after.tables if t.name == "records").sizes if column.column == "envelope"
    )
    assert sum(kept.count for kept in envelopes.buckets) == after.revisions.rows
    assert after.page_count * after.page_size == after.file_size


def test_inspecting_changes_no_byte_and_leaves_no_file(journal: Journal, journal_path: Path) -> None:
    path = journal_path
    journal.close()
    before = journal_files(path)
    inspect_journal(path)
    assert journal_files(path) == before


def test_a_journal_open_elsewhere_is_read_through_its_log_and_its_folder_is_left_as_it_was(
    journal: Journal, journal_path: Path
) -> None:
    journal.save(Theme("Written while open"))  # in the write-ahead log, which the open journal keeps beside it
    names = sorted(child.name for child in journal_path.parent.iterdir())
    assert f"{journal_path.name}-wal" in names
    view = inspect_journal(journal_path)
    assert view.write_ahead_log_read
    assert {name for name, _ in view.side_files} >= {f"{journal_path.name}-wal", f"{journal_path.name}-shm"}
    assert sorted(child.name for child in journal_path.parent.iterdir()) == names
    journal.close()  # folds the log into the file, which then holds what the log held
    assert table_named(view, "records").rows == table_named(inspect_journal(journal_path), "records").rows


def test_a_log_sqlite_cannot_open_falls_back_to_the_file_alone(journal: Journal, journal_path: Path) -> None:
    path = journal_path
    journal.close()
    expected = inspect_journal(path)
    (path.parent / f"{path.name}-wal").mkdir()  # stands where the log would be: SQLite cannot open it
    (path.parent / f"{path.name}-shm").write_bytes(b"")
    view = inspect_journal(path)
    assert not view.write_ahead_log_read
    assert view.tables == expected.tables


def test_a_journal_in_a_read_only_folder_is_inspected(journal: Journal, journal_path: Path) -> None:
    path = journal_path
    journal.close()
    before = journal_files(path)
    with read_only_folder(path.parent):
        view = inspect_journal(path)
    assert view.format_version == 3
    assert journal_files(path) == before


def test_another_applications_database_is_refused_and_left_as_it_was(tmp_path: Path) -> None:
    foreign = tmp_path / "other.db"
    with sqlite3.connect(foreign) as connection:
        connection.execute("CREATE TABLE notes (body TEXT)")
    connection.close()
    before = journal_files(foreign)
    with pytest.raises(ForeignFile, match="not a Candour journal"):
        inspect_journal(foreign)
    assert journal_files(foreign) == before


def test_a_missing_file_is_not_found(tmp_path: Path) -> None:
    with pytest.raises(JournalNotFound):
        inspect_journal(tmp_path / "nothing.candour")
    assert list(tmp_path.iterdir()) == []
