"""Migration from format 2 to format 3: one transaction after a complete copy beside the file, so a kill at
any moment leaves the old journal or the new one, each with every record; a damaged format-2 journal is
refused with nothing changed."""

from __future__ import annotations

import json
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from journal import DamagedJournal, Journal, Vault, WrongPassphrase
from journal.vault import SCHEMA_VERSION
from tests.conftest import CHEAP_LIMITS
from tests.vectors import PASSPHRASE, as_read_now, records_of, vector_paths

ROOT = Path(__file__).resolve().parents[2]
FORMAT_2, EXPECTED_2 = vector_paths(2)


def _file_state(path: Path) -> tuple[int, str]:
    """(user_version, quick_check) of a journal file, read without a key."""
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        version: int = connection.execute("PRAGMA user_version").fetchone()[0]
        check: str = connection.execute("PRAGMA quick_check").fetchone()[0]
        return version, check
    finally:
        connection.close()


def _expected_records() -> object:
    return as_read_now(json.loads(EXPECTED_2.read_text(encoding="utf-8"))["records"])


@pytest.fixture
def format_2_copy(tmp_path: Path) -> Path:
    path = tmp_path / "journal.candour"
    shutil.copyfile(FORMAT_2, path)
    return path


def test_sigkill_during_migration_leaves_one_complete_journal(tmp_path: Path) -> None:
    rng = random.Random(23)
    expected = _expected_records()
    migrated_rounds = 0
    for round_number in range(30):
        path = tmp_path / f"round-{round_number}" / "journal.candour"
        path.parent.mkdir()
        shutil.copyfile(FORMAT_2, path)
        process = subprocess.Popen(
            [sys.executable, "-m", "tests.test_journal.crash_child", "migrate", str(path)],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert process.stdin is not None and process.stdout is not None
        assert process.stdout.readline().strip() == "READY"
        moment = ("before", "during", "during", "after")[round_number % 4]
        if moment != "before":
            process.stdin.write("go\n")
            process.stdin.flush()
        if moment == "after":
            assert process.stdout.readline().strip() == "DONE"
        time.sleep(rng.uniform(0.0, 0.15) if moment == "during" else 0.0)
        process.send_signal(signal.SIGKILL)
        process.communicate()

        version, check = _file_state(path)
        assert check == "ok" and version in (2, SCHEMA_VERSION)
        migrated_rounds += version == SCHEMA_VERSION
        for backup in path.parent.glob("*.backup"):
            assert _file_state(backup) == (2, "ok")  # a copy is complete or absent, never half written
        if version == SCHEMA_VERSION:
            assert list(path.parent.glob("*.backup")), "migrated without the copy beside it"
        with Journal(Vault.unlock(path, PASSPHRASE, limits=CHEAP_LIMITS)) as journal:
            assert journal.vault.verify().ok
            assert records_of(journal) == expected
        assert _file_state(path) == (SCHEMA_VERSION, "ok")
    assert migrated_rounds >= 30 // 4  # at least every `after` round


def test_the_copy_beside_is_the_format_2_journal_and_still_opens_as_one(format_2_copy: Path) -> None:
    vault = Vault.unlock(format_2_copy, PASSPHRASE, limits=CHEAP_LIMITS)
    backup = vault.migrated_copy
    vault.close()
    assert backup is not None and backup.name == "journal.candour.format-2.backup"
    assert backup.read_bytes() != format_2_copy.read_bytes()
    assert _file_state(backup) == (2, "ok")
    again = backup.with_name("again.candour")
    shutil.copyfile(backup, again)
    with Journal(Vault.unlock(again, PASSPHRASE, limits=CHEAP_LIMITS)) as journal:
        assert records_of(journal) == _expected_records()


def test_an_existing_copy_is_never_overwritten(format_2_copy: Path) -> None:
    earlier = format_2_copy.with_name("journal.candour.format-2.backup")
    earlier.write_bytes(b"someone's own file")
    with Vault.unlock(format_2_copy, PASSPHRASE, limits=CHEAP_LIMITS) as vault:
        assert vault.migrated_copy == format_2_copy.with_name("journal.candour.format-2.2.backup")
    assert earlier.read_bytes() == b"someone's own file"


def test_a_format_2_journal_with_a_rolled_back_index_is_refused_unchanged(format_2_copy: Path) -> None:
    connection = sqlite3.connect(format_2_copy)
    with connection:
        connection.execute("DELETE FROM index_sections WHERE section = (SELECT MIN(section) FROM index_sections)")
    connection.close()
    before = format_2_copy.read_bytes()
    with pytest.raises(DamagedJournal, match="nothing was changed"):
        Vault.unlock(format_2_copy, PASSPHRASE, limits=CHEAP_LIMITS)
    assert _file_state(format_2_copy)[0] == 2
    assert format_2_copy.read_bytes() == before


def test_a_wrong_passphrase_leaves_a_format_2_journal_as_it_was(format_2_copy: Path) -> None:
    before = format_2_copy.read_bytes()
    with pytest.raises(WrongPassphrase):
        Vault.unlock(format_2_copy, "not the passphrase", limits=CHEAP_LIMITS)
    assert format_2_copy.read_bytes() == before
    assert not list(format_2_copy.parent.glob("*.backup"))
