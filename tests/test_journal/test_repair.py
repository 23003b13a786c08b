"""`candour repair`: the sealed index and the derived data are rebuilt from the authentic records, after a
copy of the file beside it; what opens comes back exactly (kinds, dates, deletions, history), what does
not is named, and the journal verifies afterwards."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from datetime import date, time
from pathlib import Path

import pytest

from journal import DamagedJournal, Journal, ReadOnlyJournal, Vault
from journal.clock import FixedClock
from journal.models import Theme
from tests.conftest import CHEAP_KDF, CHEAP_LIMITS, PASSPHRASE, journal_files
from tests.every_kind import fill_with_every_kind
from tests.vectors import records_of

ROOT = Path(__file__).resolve().parents[2]
Records = dict[str, list[dict[str, object]]]
"""Every record by kind, as the personal export lists them (`records_of`)."""
Kept = tuple[Path, Records, dict[str, list[int]]]
"""A journal, its records, and the revisions kept of each."""
CLOCK = FixedClock.on(date(2026, 3, 4), time(18, 30))


@pytest.fixture
def journal_with_history(journal_path: Path) -> Kept:
    """A journal of every kind, with an edited theme and a deleted one; its records and revisions as kept."""
    vault, _ = Vault.create(journal_path, PASSPHRASE, kdf=CHEAP_KDF, limits=CHEAP_LIMITS)
    with Journal(vault, CLOCK) as journal:
        fill_with_every_kind(journal)
        edited = journal.save(Theme("Patience"))
        journal.save(Theme("Patience, renamed", record_id=edited.saved_id))
        journal.delete(journal.save(Theme("A theme deleted")).saved_id)
        expected = records_of(journal)
        revisions = {entry.id_hex: journal.vault.revisions(entry.id_hex) for entry in journal.vault.entries()}
        deleted = {entry.id_hex for entry in journal.vault.entries(include_deleted=True) if entry.deleted}
    assert len(deleted) == 1
    return journal_path, expected, revisions


def _execute(path: Path, *statements: str) -> None:
    connection = sqlite3.connect(path)
    with connection:
        for statement in statements:
            connection.execute(statement)
    connection.close()


def _contents(path: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table, as SQLite reads them (a copy made by SQLite differs in header counters)."""
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        tables = [name for (name,) in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        return {table: sorted(connection.execute(f"SELECT * FROM {table}").fetchall()) for table in tables}
    finally:
        connection.close()


def _is_damaged(path: Path) -> bool:
    """Whether the journal fails to open, or opens and fails `verify`."""
    try:
        with Journal.open(path, PASSPHRASE, limits=CHEAP_LIMITS, clock=CLOCK) as journal:
            return not journal.verify().ok
    except DamagedJournal:
        return True


def _check_repaired(path: Path, expected: Records, revisions: dict[str, list[int]]) -> None:
    with Journal.open(path, PASSPHRASE, limits=CHEAP_LIMITS, clock=CLOCK) as journal:
        assert journal.verify().ok
        assert records_of(journal) == expected
        assert {e.id_hex: journal.vault.revisions(e.id_hex) for e in journal.vault.entries()} == revisions
        assert journal.dangling_links() == []


@pytest.mark.parametrize(
    "damage",
    [
        ("DELETE FROM index_root",),
        ("UPDATE index_root SET envelope = zeroblob(length(envelope))",),
        ("DELETE FROM index_sections WHERE section % 3 = 0",),
        ("DELETE FROM index_buckets", "DELETE FROM index_sections"),
        ("UPDATE index_buckets SET envelope = zeroblob(length(envelope)) WHERE bucket % 2 = 0",),
    ],
    ids=["root deleted", "root zeroed", "sections lost", "index emptied", "buckets damaged"],
)
def test_an_unreadable_index_is_rebuilt_with_everything_it_named(
    journal_with_history: Kept, damage: tuple[str, ...]
) -> None:
    path, expected, revisions = journal_with_history
    before = path.read_bytes()
    _execute(path, *damage)
    damaged = _contents(path)
    assert path.read_bytes() != before
    assert _is_damaged(path)
    journal, report = Journal.repair(path, PASSPHRASE, limits=CHEAP_LIMITS, clock=CLOCK)
    journal.close()
    assert report.lost_records == [] and report.dropped_revisions == []
    assert report.records == len(revisions) + 1  # and the deleted theme, which `entries` leaves out
    assert report.backup == path.with_name("journal.candour.before-repair.backup")
    assert _contents(report.backup) == damaged  # the file as it was, beside it
    _check_repaired(path, expected, revisions)


def test_a_record_that_does_not_open_is_named_and_the_rest_rebuilt(
    journal_with_history: Kept,
) -> None:
    path, expected, _ = journal_with_history
    with Journal.open(path, PASSPHRASE, limits=CHEAP_LIMITS, clock=CLOCK) as journal:
        theme = next(value for value in journal.all(Theme) if value.label == "Patience, renamed")
    _execute(
        path,
        f"UPDATE records SET envelope = zeroblob(length(envelope)) WHERE id = x'{theme.saved_id}' AND revision = 1",
        "DELETE FROM index_root",
    )
    journal, report = Journal.repair(path, PASSPHRASE, limits=CHEAP_LIMITS, clock=CLOCK)
    with journal:
        assert report.dropped_revisions == [(theme.saved_id, 1)]  # its current revision is intact
        assert journal.verify().ok
        assert journal.vault.revisions(theme.saved_id) == [2]
        assert records_of(journal) == expected


def test_repairing_a_read_only_journal_is_refused_unchanged(
    journal_with_history: Kept,
) -> None:
    path, _, _ = journal_with_history
    path.chmod(0o400)
    before = journal_files(path)
    with pytest.raises(ReadOnlyJournal):
        Journal.repair(path, PASSPHRASE, limits=CHEAP_LIMITS, clock=CLOCK)
    assert journal_files(path) == before


def test_candour_repair_says_what_it_did(
    journal_with_history: Kept,
) -> None:
    path, expected, revisions = journal_with_history
    _execute(path, "DELETE FROM index_sections")
    run = [sys.executable, "-m", "tests.cheap_cli", "--journal", str(path)]
    environment = {"PATH": "/usr/bin:/bin", "CANDOUR_PASSPHRASE": PASSPHRASE}
    listed = subprocess.run([*run, "list"], cwd=ROOT, capture_output=True, text=True, env=environment, check=False)
    assert listed.returncode == 4 and "candour repair" in listed.stderr
    repaired = subprocess.run([*run, "repair"], cwd=ROOT, capture_output=True, text=True, env=environment, check=False)
    assert repaired.returncode == 0, repaired.stderr
    assert "Traceback" not in repaired.stderr
    assert "journal.candour.before-repair.backup" in repaired.stdout
    assert "Journal intact after the repair" in repaired.stdout
    _check_repaired(path, expected, revisions)
