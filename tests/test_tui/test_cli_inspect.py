"""`candour inspect` end to end, in real processes: what the file shows without the passphrase, never asking for
it, never changing the file or its folder, and a clear refusal for what is not a journal."""

from __future__ import annotations

import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from journal import ForeignFile, JournalNotFound
from tests.conftest import PASSPHRASE, journal_files
from tests.read_only import read_only_folder
from tests.test_tui.test_cli_entries import HOLD_OPEN, ROOT, Candour
from tui.exit_codes import exit_code_for

WRITTEN_WORDS = ("Quixotic", "Marisol", "Okonkwo", "Brightwater", "pomegranate", "lighthouse", "Zanzibar")
"""Every word the test writes into the journal; none may appear in what `inspect` prints."""

NO_PASSPHRASE = {"CANDOUR_PASSPHRASE": ""}
"""`inspect` runs with no passphrase anywhere: an empty variable, and standard input empty."""


def rows_of(output: str, table: str) -> int:
    found = re.search(rf"^  {table} +([\d,]+)$", output, re.MULTILINE)
    assert found, output
    return int(found.group(1).replace(",", ""))


def revisions_kept(output: str) -> int:
    found = re.search(r"^Records: [\d,]+ ids?, ([\d,]+) revisions? kept", output, re.MULTILINE)
    assert found, output
    return int(found.group(1).replace(",", ""))


@pytest.fixture
def candour(journal_path: Path) -> Candour:
    run = Candour(journal_path)
    run("init")
    run("new", "engagement", "Quixotic Brightwater", "--coach", "Marisol Okonkwo", "--sponsor", "Zanzibar")
    return run


def test_inspect_shows_counts_and_no_word_of_what_was_written(candour: Candour) -> None:
    before = candour("inspect", env=NO_PASSPHRASE).stdout
    for text in ("the pomegranate tree", "a lighthouse at dusk", "pomegranate again"):
        candour("add", text)
    files = journal_files(candour.journal)

    shown = candour("inspect", env=NO_PASSPHRASE)

    assert shown.stderr == ""  # nothing was asked
    assert journal_files(candour.journal) == files  # no byte changed, no file added or left
    output = shown.stdout
    assert f"What anyone holding {candour.journal} can see" in output
    assert 'Format: version 3, application id 0x43414E44 ("CAND")' in output
    assert rows_of(output, "records") == rows_of(before, "records") + 3
    # The revisions the file shows are the ones the journal authenticates with the passphrase.
    verified = re.search(r"(\d+) record revisions authenticated", candour("verify").stdout)
    assert verified and revisions_kept(output) == int(verified.group(1)) == rows_of(output, "records")
    assert "records.envelope" in output
    for word in (*WRITTEN_WORDS, PASSPHRASE):
        assert word.lower() not in output.lower(), word


def test_inspect_takes_the_journal_as_an_argument(candour: Candour, tmp_path: Path) -> None:
    elsewhere = Candour(tmp_path / "not-this-one.candour")
    shown = elsewhere("inspect", str(candour.journal), env=NO_PASSPHRASE)
    assert f"What anyone holding {candour.journal} can see" in shown.stdout
    assert not elsewhere.journal.exists()


def test_a_journal_another_program_holds_open_is_inspected_without_waiting_for_it(candour: Candour) -> None:
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_OPEN, str(candour.journal)],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "open"
        names = sorted(child.name for child in candour.journal.parent.iterdir())
        shown = candour("inspect", env=NO_PASSPHRASE)
        assert sorted(child.name for child in candour.journal.parent.iterdir()) == names
    finally:
        holder.communicate("")
    assert "Format: version 3" in shown.stdout
    assert "Beside it: journal.candour-wal" in shown.stdout and "its content is counted below" in shown.stdout


def test_a_foreign_sqlite_file_is_refused_and_left_as_it_was(tmp_path: Path) -> None:
    foreign = tmp_path / "notes.db"
    with sqlite3.connect(foreign) as connection:
        connection.execute("CREATE TABLE notes (body TEXT)")
        connection.execute("INSERT INTO notes VALUES ('pomegranate')")
    connection.close()
    files = journal_files(foreign)
    refused = Candour(foreign)("inspect", env=NO_PASSPHRASE, ok=False)
    assert refused.returncode == exit_code_for(ForeignFile)
    assert f"candour: {foreign} is not a Candour journal" in refused.stderr
    assert refused.stdout == ""
    assert journal_files(foreign) == files


def test_a_missing_journal_is_not_found(tmp_path: Path) -> None:
    missing = tmp_path / "nothing.candour"
    result = Candour(missing)("inspect", env=NO_PASSPHRASE, ok=False)
    assert result.returncode == exit_code_for(JournalNotFound)
    assert f"There is no journal at {missing}" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_a_journal_in_a_read_only_folder_is_inspected(candour: Candour) -> None:
    files = journal_files(candour.journal)
    with read_only_folder(candour.journal.parent):
        shown = candour("inspect", env=NO_PASSPHRASE)
    assert "Format: version 3" in shown.stdout
    assert journal_files(candour.journal) == files
