"""Damage is contained: with any one record damaged, every listing, search and export still shows all the
others and names the one it left out, and no reading command fails or prints a traceback."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from datetime import date, time
from pathlib import Path

import pytest

from journal import Journal, Vault
from journal.clock import FixedClock
from journal.export.personal import render_everything
from journal.models import Action, CheckIn, Engagement, Goal, Person, Reflection, Session, Template, Theme
from tests.conftest import CHEAP_KDF, CHEAP_LIMITS, PASSPHRASE
from tests.every_kind import fill_with_every_kind

ROOT = Path(__file__).resolve().parents[2]
CLOCK = FixedClock.on(date(2026, 3, 4), time(18, 30))
LISTED_KINDS = (Engagement, Session, Reflection, Theme, Person, Goal, Action, CheckIn, Template)


@pytest.fixture(scope="module")
def every_kind_journal(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[tuple[str, str]]]:
    """A journal holding every kind of record, and (id, kind) of each of its current records."""
    path = tmp_path_factory.mktemp("every-kind") / "journal.candour"
    vault, _ = Vault.create(path, PASSPHRASE, kdf=CHEAP_KDF, limits=CHEAP_LIMITS)
    with Journal(vault, CLOCK) as journal:
        fill_with_every_kind(journal)
        records = [(entry.id_hex, entry.kind) for entry in journal.vault.entries()]
    return path, records


def _damaged_copy(source: Path, folder: Path, record_id: str) -> Path:
    """A copy of the journal with one byte of the current revision of `record_id` flipped."""
    path = folder / "damaged.candour"
    path.write_bytes(source.read_bytes())
    connection = sqlite3.connect(path)
    with connection:
        revision, envelope = connection.execute(
            "SELECT revision, envelope FROM records WHERE id = ? ORDER BY revision DESC LIMIT 1",
            (bytes.fromhex(record_id),),
        ).fetchone()
        flipped = bytearray(envelope)
        flipped[len(flipped) // 2] ^= 0x01
        connection.execute(
            "UPDATE records SET envelope = ? WHERE id = ? AND revision = ?",
            (bytes(flipped), bytes.fromhex(record_id), revision),
        )
    connection.close()
    return path


def _read_everything(journal: Journal) -> set[str]:
    """Every way of reading many records at once; the ids of all that were shown. Search comes first, as in
    `candour search`: with nothing decrypted yet it reads (and writes) the search cache."""
    shown = {hit.record_id for hit in journal.search("a")}
    shown.update(reflection.saved_id for reflection in journal.recent_reflections(100))
    for kind in LISTED_KINDS:
        shown.update(value.saved_id for value in journal.all(kind))
    render_everything(journal, "json", exported_at="-")
    render_everything(journal, "markdown", exported_at="-")
    return shown


def test_one_damaged_record_hides_nothing_else(
    every_kind_journal: tuple[Path, list[tuple[str, str]]], tmp_path: Path
) -> None:
    path, records = every_kind_journal
    with Journal.open(path, PASSPHRASE, limits=CHEAP_LIMITS, clock=CLOCK) as intact:
        everything = _read_everything(intact)
        assert intact.unreadable_summary() is None
    for number, (record_id, kind) in enumerate(records):
        folder = tmp_path / f"case-{number}"
        folder.mkdir()
        damaged = _damaged_copy(path, folder, record_id)
        with Journal.open(damaged, PASSPHRASE, limits=CHEAP_LIMITS, clock=CLOCK) as journal:
            shown = _read_everything(journal)
            assert shown == everything - {record_id}, kind
            if record_id in everything:
                assert set(journal.unreadable) == {record_id}, kind
                summary = journal.unreadable_summary()
                assert summary is not None and record_id[:8] in summary


def test_a_reading_command_shows_the_rest_names_what_it_left_out_and_exits_4(
    every_kind_journal: tuple[Path, list[tuple[str, str]]], tmp_path: Path
) -> None:
    path, _ = every_kind_journal
    with Journal.open(path, PASSPHRASE, limits=CHEAP_LIMITS, clock=CLOCK) as journal:
        newest, older = journal.recent_reflections(2)
    damaged = _damaged_copy(path, tmp_path, newest.saved_id)
    for command in (["list"], ["search", "a"], ["themes"]):
        result = subprocess.run(
            [sys.executable, "-m", "tests.cheap_cli", "--journal", str(damaged), *command],
            cwd=ROOT,
            capture_output=True,
            text=True,
            env={"PATH": "/usr/bin:/bin", "CANDOUR_PASSPHRASE": PASSPHRASE},
            timeout=60,
            check=False,
        )
        assert "Traceback" not in result.stderr
        if command[0] == "list":
            assert older.saved_id[:8] in result.stdout, command
        assert result.returncode == 4, (command, result.stderr)
        assert newest.saved_id[:8] in result.stderr and "left out" in result.stderr


@pytest.mark.parametrize("table", ["search_pages", "index_snapshots"])
def test_damaged_sqlite_pages_of_derived_data_slow_reading_down_but_never_stop_it(
    every_kind_journal: tuple[Path, list[tuple[str, str]]], tmp_path: Path, table: str
) -> None:
    path, _ = every_kind_journal
    copy = tmp_path / "journal.candour"
    copy.write_bytes(path.read_bytes())
    with Journal.open(copy, PASSPHRASE, limits=CHEAP_LIMITS, clock=CLOCK) as journal:
        expected = _read_everything(journal)  # writes the snapshots and the search cache
    connection = sqlite3.connect(copy)
    page_size = connection.execute("PRAGMA page_size").fetchone()[0]
    root_page = connection.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (table,)).fetchone()[0]
    connection.close()
    data = bytearray(copy.read_bytes())
    start = (root_page - 1) * page_size
    data[start : start + page_size] = bytes([0xA5]) * page_size  # the table's b-tree root, overwritten
    copy.write_bytes(bytes(data))
    with Journal.open(copy, PASSPHRASE, limits=CHEAP_LIMITS, clock=CLOCK) as journal:
        assert _read_everything(journal) == expected
        assert journal.unreadable_summary() is None  # no record was lost: only derived data
        report = journal.verify()
    assert not report.ok  # verify still names the damage, which reading went around
