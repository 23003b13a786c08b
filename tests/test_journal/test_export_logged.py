"""Written means logged: no summary file exists without its committed log entry, whichever disk fills (the
journal's or the destination's) and wherever the exporting process is killed."""

from __future__ import annotations

import errno
import hashlib
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path

import pytest

from journal import InvalidInput, Journal, StorageError, codec
from journal.export import (
    TEMPORARY_SUFFIX,
    UNCONFIRMED,
    ExportRecord,
    ExportStatus,
    export_everything,
    export_log,
    export_summary,
    render,
)
from journal.export import log as log_module
from journal.export import write as write_module
from tests.conftest import CHEAP_LIMITS, PASSPHRASE
from tests.full_disk import FILLER, full_disk
from tests.test_journal.export_child import sponsor_summary
from tests.test_journal.test_export_fixtures import sample_journal
from tests.vectors import PASSPHRASE as VECTOR_PASSPHRASE
from tests.vectors import vector_paths

ROOT = Path(__file__).resolve().parents[2]


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def journal(tmp_path: Path) -> Iterator[Journal]:
    """The sample journal, open; closed at teardown."""
    sample = sample_journal(tmp_path / "data" / "journal.candour")
    with sample.journal as journal:
        yield journal


@pytest.fixture
def journal_file(tmp_path: Path) -> Path:
    """The sample journal's file, closed (for a child process to open)."""
    path = tmp_path / "data" / "journal.candour"
    sample_journal(path).journal.close()
    return path


@pytest.fixture
def out(tmp_path: Path) -> Path:
    folder = tmp_path / "out"
    folder.mkdir()
    return folder


@pytest.fixture
def full_folder(tmp_path: Path) -> Iterator[Path]:
    """A folder on its own small disk, full."""
    with full_disk(tmp_path / "full") as folder:
        yield folder


def _child(mode: str, journal: Path, folder: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.test_journal.export_child", mode, str(journal), str(folder)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


# --- the order: logged, written, confirmed -------------------------------------------------------


def test_the_entry_is_committed_pending_before_the_file_exists_and_confirmed_after(
    journal: Journal, out: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    summary = sponsor_summary(journal)
    data = render(summary, "markdown")
    destination = out / "summary.md"
    real_write = log_module.write_export  # type: ignore[attr-defined]
    seen: list[ExportRecord] = []

    def write_when_logged(data: bytes, path: Path, *, overwrite: bool, mode: int) -> Path:
        assert not destination.exists()
        seen.extend(export_log(journal))
        return real_write(data, path, overwrite=overwrite, mode=mode)

    monkeypatch.setattr(log_module, "write_export", write_when_logged)
    record = export_summary(journal, summary, "markdown", destination, recipient="Acme")
    (pending,) = seen
    assert pending.status is ExportStatus.PENDING and pending.path == str(destination)
    assert pending.sha256 == hashlib.sha256(data).hexdigest() == _sha256(destination)
    assert record.status is ExportStatus.WRITTEN and record.saved_id == pending.saved_id
    assert export_log(journal) == [record]  # one entry, confirmed: no pending one left beside it


def test_entries_saved_before_the_status_existed_read_as_written() -> None:
    entry = ExportRecord(
        exported_at=datetime(2026, 10, 5, 12, 30),
        recipient="Acme",
        format="markdown",
        sha256="ab" * 32,
        path="/somewhere/summary.md",
    )
    body = json.loads(codec.encode(entry))
    del body["status"]
    older = codec.decode(entry.KIND, json.dumps(body).encode(), "0" * 32)
    assert isinstance(older, ExportRecord) and older.status is ExportStatus.WRITTEN
    with pytest.raises(InvalidInput):
        ExportRecord(entry.exported_at, "Acme", "markdown", "ab" * 32, status=ExportStatus.PENDING)  # no file


@pytest.mark.parametrize("version", [2, 3])
def test_the_export_log_of_a_committed_sample_journal_reads_as_written(tmp_path: Path, version: int) -> None:
    journal_file, expected_file = vector_paths(version)
    listed = json.loads(expected_file.read_text(encoding="utf-8"))["records"]["export"]
    assert listed and all("status" not in entry for entry in listed)  # made before the status existed
    copy = tmp_path / "journal.candour"
    shutil.copyfile(journal_file, copy)
    with Journal.open(copy, VECTOR_PASSPHRASE, limits=CHEAP_LIMITS) as journal:
        entries = export_log(journal)
    assert len(entries) == len(listed) and all(entry.status is ExportStatus.WRITTEN for entry in entries)


# --- the destination's disk is full ---------------------------------------------------------------


def test_a_full_destination_leaves_no_file_and_no_entry(journal: Journal, full_folder: Path) -> None:
    summary = sponsor_summary(journal)
    exports: list[Callable[[], ExportRecord]] = [
        lambda: export_summary(journal, summary, "markdown", full_folder / "summary.md", recipient="Acme"),
        lambda: export_everything(journal, "json", full_folder / "everything.json"),
    ]
    for export in exports:
        with pytest.raises(StorageError, match="the disk is full") as refused:
            export()
        assert "No file was written" in str(refused.value) and UNCONFIRMED not in str(refused.value)
        assert [path.name for path in full_folder.iterdir()] == [FILLER]  # no partial file, no file
        assert export_log(journal) == []  # the pending entry went again: nothing left the journal
    assert journal.verify().ok
    (full_folder / FILLER).unlink()  # space again: the same export works, logged and confirmed
    record = export_summary(journal, summary, "markdown", full_folder / "summary.md", recipient="Acme")
    assert export_log(journal) == [record] and record.status is ExportStatus.WRITTEN
    assert record.sha256 == _sha256(full_folder / "summary.md")


def test_a_full_destination_with_a_journal_that_cannot_remove_the_entry_says_it_stays_unconfirmed(
    journal: Journal, full_folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(record_id: str) -> None:
        raise StorageError("Could not erase the record: the disk is full or the folder is not writable.")

    monkeypatch.setattr(journal, "purge", refuse)
    with pytest.raises(StorageError, match=f"No file was written.*lists it as {UNCONFIRMED}"):
        export_summary(journal, sponsor_summary(journal), "markdown", full_folder / "summary.md", recipient="Acme")
    assert [path.name for path in full_folder.iterdir()] == [FILLER]
    (entry,) = export_log(journal)
    assert entry.status is ExportStatus.PENDING and entry.path == str(full_folder / "summary.md")


def test_a_file_in_place_whose_folder_cannot_be_flushed_is_removed_with_its_entry(
    journal: Journal, out: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Told that no file was written, the coachee must find none: a rename not yet durable is undone."""

    def flush_fails(folder: Path) -> None:
        raise OSError(errno.EIO, os.strerror(errno.EIO))

    monkeypatch.setattr(write_module, "fsync_folder", flush_fails)
    with pytest.raises(StorageError, match="No file was written"):
        export_summary(journal, sponsor_summary(journal), "markdown", out / "summary.md", recipient="Acme")
    assert list(out.iterdir()) == [] and export_log(journal) == []


# --- the journal's disk is full -------------------------------------------------------------------


def test_a_full_journal_disk_stops_the_export_before_any_file_exists(journal_file: Path, out: Path) -> None:
    stdout, stderr = _child("full-first", journal_file, out).communicate(timeout=120)
    assert "Traceback" not in stderr, stderr
    outcome, room = stdout.splitlines()
    assert outcome.startswith(f"ERROR {StorageError.__name__}: Nothing was written to {out / 'summary.md'}")
    assert "could not be logged first" in outcome and "disk is full" in outcome
    assert room == "ROOM"  # the destination had room for the file: only the journal refused
    assert [path.name for path in out.iterdir()] == ["room"]
    with Journal.open(journal_file, PASSPHRASE, limits=CHEAP_LIMITS) as reopened:
        assert export_log(reopened) == []
        assert reopened.verify().ok


def test_a_journal_disk_full_after_the_file_leaves_the_entry_unconfirmed_with_its_hash(
    journal_file: Path, out: Path
) -> None:
    stdout, stderr = _child("full-after", journal_file, out).communicate(timeout=120)
    assert "Traceback" not in stderr, stderr
    (outcome,) = stdout.splitlines()
    written = out / "summary.md"
    assert outcome.startswith(f"ERROR ExportUnconfirmed: Written to {written} (SHA-256 {_sha256(written)})")
    assert f"lists it as {UNCONFIRMED}" in outcome and "disk is full" in outcome
    with Journal.open(journal_file, PASSPHRASE, limits=CHEAP_LIMITS) as reopened:
        (entry,) = export_log(reopened)
        assert entry.status is ExportStatus.PENDING
        assert entry.path == str(written) and entry.sha256 == _sha256(written)
        assert reopened.verify().ok


# --- killed at any moment -------------------------------------------------------------------------


def test_after_a_kill_at_any_moment_every_summary_file_has_its_entry_with_its_hash(
    journal_file: Path, out: Path
) -> None:
    rng = random.Random(23)
    acknowledged: set[str] = set()
    unconfirmed: set[str] = set()
    for round_number in range(30):
        child = _child("loop", journal_file, out)
        assert child.stdout is not None
        # Early rounds die while opening the journal; later ones after some exports, at any step of the next.
        if round_number >= 3:
            assert child.stdout.readline() == "READY\n", child.stderr.read() if child.stderr else ""
            for _ in range(rng.randint(1, 3)):
                line = child.stdout.readline().split()
                assert line and line[0] == "LOGGED", "the child ended before acknowledging its exports"
                acknowledged.add(line[1])
        time.sleep(rng.uniform(0.0, 0.03))
        child.send_signal(signal.SIGKILL)
        stdout, _ = child.communicate()
        acknowledged |= {line.split()[1] for line in stdout.splitlines() if line.startswith("LOGGED")}

        with Journal.open(journal_file, PASSPHRASE, limits=CHEAP_LIMITS) as reopened:
            entries = {entry.path: entry for entry in export_log(reopened)}
        files = [path for path in out.iterdir() if not path.name.endswith(TEMPORARY_SUFFIX)]
        for file in files:
            entry = entries.get(str(file))
            assert entry is not None, f"round {round_number}: {file.name} was written but not logged"
            assert entry.sha256 == _sha256(file), file.name
        for path, entry in entries.items():
            if entry.status is ExportStatus.WRITTEN:
                assert Path(path) in files, f"round {round_number}: logged as written, yet missing: {path}"
        for name in acknowledged:
            assert entries[str(out / name)].status is ExportStatus.WRITTEN, name
        unconfirmed |= {entry.saved_id for entry in entries.values() if entry.status is ExportStatus.PENDING}
    assert acknowledged
    with Journal.open(journal_file, PASSPHRASE, limits=CHEAP_LIMITS) as reopened:
        assert reopened.verify().ok
    print(f"{len(acknowledged)} exports acknowledged, {len(unconfirmed)} left unconfirmed by a kill")
