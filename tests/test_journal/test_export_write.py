"""Writing exports: atomic and owner-only, never over a file unasked, a clear error on a full disk, nothing half
written when the writer is killed, leftovers cleaned at the next start; and the encrypted export log."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from journal import InvalidInput, Journal, StorageError
from journal.export import (
    TEMPORARY_SUFFIX,
    WARNING,
    Choice,
    ExportExists,
    clean_leftovers,
    export_everything,
    export_log,
    export_summary,
    propose,
    render,
    show_summary,
    write_export,
)
from journal.export import write as write_module
from tests.conftest import CHEAP_LIMITS, PASSPHRASE
from tests.test_journal.test_export_fixtures import sample_journal
from tests.test_journal.test_export_summary import Q3

ROOT = Path(__file__).resolve().parents[2]


def _leftovers(folder: Path) -> list[Path]:
    return [path for path in folder.iterdir() if path.name.endswith(TEMPORARY_SUFFIX)]


def test_a_write_is_complete_owner_only_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    old_umask = os.umask(0)  # a permissive umask must not widen the file
    try:
        written = write_export(b"summary\n", tmp_path / "out.md")
    finally:
        os.umask(old_umask)
    assert written == tmp_path / "out.md" and written.read_bytes() == b"summary\n"
    assert stat.S_IMODE(written.stat().st_mode) == 0o600
    assert _leftovers(tmp_path) == []
    shared = write_export(b"x", tmp_path / "shared.md", mode=0o640)
    assert stat.S_IMODE(shared.stat().st_mode) == 0o640
    with pytest.raises(InvalidInput):
        write_export(b"x", tmp_path / "bad.md", mode=0o1777)


def test_an_existing_file_is_never_replaced_unasked(tmp_path: Path) -> None:
    target = tmp_path / "out.md"
    target.write_bytes(b"the coachee's earlier file")
    with pytest.raises(ExportExists):
        write_export(b"new", target)
    assert target.read_bytes() == b"the coachee's earlier file"
    write_export(b"new", target, overwrite=True)
    assert target.read_bytes() == b"new" and _leftovers(tmp_path) == []


def test_what_is_not_a_regular_file_in_an_existing_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(StorageError):
        write_export(b"x", tmp_path)  # a folder
    with pytest.raises(StorageError):
        write_export(b"x", tmp_path / "missing" / "out.md")
    with pytest.raises(StorageError):
        write_export(b"x", Path("/dev/full"), overwrite=True)  # never renamed over a device


def test_a_full_disk_gives_a_clear_error_and_no_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The temporary file is made to write into /dev/full, which answers every write with ENOSPC."""
    real_open = write_module._open_temporary

    def open_on_full_disk(path: Path, mode: int) -> int:
        fd = real_open(path, mode)
        full = os.open("/dev/full", os.O_WRONLY)
        os.dup2(full, fd)
        os.close(full)
        return fd

    monkeypatch.setattr(write_module, "_open_temporary", open_on_full_disk)
    with pytest.raises(StorageError, match="the disk is full") as refused:
        write_export(b"x" * 100_000, tmp_path / "out.md")
    assert "No file was written" in str(refused.value)
    assert list(tmp_path.iterdir()) == []


_CHILD = """
import sys, time
from pathlib import Path
from journal.export import write as w
folder, slow = Path(sys.argv[1]), sys.argv[2] == "slow"
data = bytes(range(256)) * 4096 * (1 if slow else 8)  # 1 MiB, or 8 MiB
if slow:
    def dribble(fd, data):
        for start in range(0, len(data), 65536):
            w.os.write(fd, data[start:start + 65536])
            time.sleep(0.01)
    w._write_all = dribble
    print("writing", flush=True)
for index in range(1000):
    w.write_export(data, folder / f"summary-{index}.md")
    print(index, flush=True)
"""

_EXPECTED = {"slow": bytes(range(256)) * 4096, "fast": bytes(range(256)) * 4096 * 8}


def _run_child(folder: Path, speed: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", _CHILD, str(folder), speed],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )


def test_a_writer_killed_mid_write_leaves_no_file_and_its_leftover_goes_at_the_next_start(tmp_path: Path) -> None:
    child = _run_child(tmp_path, "slow")
    assert child.stdout is not None and child.stdout.readline() == "writing\n"
    time.sleep(0.05)  # a few chunks in: 16 chunks take at least 0.16 s
    child.send_signal(signal.SIGKILL)
    child.wait()
    assert not (tmp_path / "summary-0.md").exists()
    (leftover,) = _leftovers(tmp_path)
    assert str(child.pid) in leftover.name
    write_export(b"next export", tmp_path / "next.md")  # the next start cleans up
    assert _leftovers(tmp_path) == []


@pytest.mark.parametrize("round_", range(4))
def test_a_writer_killed_at_any_moment_leaves_no_file_or_a_complete_one(tmp_path: Path, round_: int) -> None:
    child = _run_child(tmp_path, "fast")
    time.sleep(0.15 + 0.07 * round_)
    child.send_signal(signal.SIGKILL)
    child.wait()
    for written in tmp_path.glob("summary-*.md"):
        assert written.read_bytes() == _EXPECTED["fast"], written.name
        assert stat.S_IMODE(written.stat().st_mode) == 0o600
    clean_leftovers(tmp_path)
    assert _leftovers(tmp_path) == []


def test_the_temporary_file_of_a_running_writer_is_left_alone(tmp_path: Path) -> None:
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        running = tmp_path / f".out.md.{sleeper.pid}.{'a' * 12}{TEMPORARY_SUFFIX}"
        running.write_bytes(b"being written")
        unrelated = tmp_path / "notes.candour-partial"
        unrelated.write_bytes(b"not ours")
        assert clean_leftovers(tmp_path) == []
        assert running.exists() and unrelated.exists()
    finally:
        sleeper.kill()
        sleeper.wait()
    assert clean_leftovers(tmp_path) == [running]


# --- the log -------------------------------------------------------------------------------------


def test_every_export_is_logged_encrypted_with_a_hash_of_the_bytes(tmp_path: Path) -> None:
    sample = sample_journal(tmp_path / "data" / "journal.candour")
    journal = sample.journal
    proposal = propose(journal, sample.engagement, Q3)
    theme = f"theme:{sample.delegation.saved_id}"
    summary = proposal.build(
        Choice(proposal.default_choice().ticked | {"label", theme}, wording={"label": "Leadership coaching"})
    )
    record = export_summary(journal, summary, "html", tmp_path / "summary.html", recipient="Acme")
    data = (tmp_path / "summary.html").read_bytes()
    assert data == render(summary, "html")
    assert record.sha256 == hashlib.sha256(data).hexdigest()
    assert record.path == str(tmp_path / "summary.html") and not record.shown_only and not record.override
    assert record.items == (
        "label: Leadership coaching",
        "period: 1 July – 30 September 2026",
        "sessions held: 3 of 6 planned",
        "theme: Empowering the team (July and September 2026)",
    )
    shown, on_screen = show_summary(journal, summary, "markdown", recipient="Acme")
    assert shown == render(summary) and on_screen.shown_only and on_screen.path == ""
    with pytest.raises(ExportExists):
        export_summary(journal, summary, "html", tmp_path / "summary.html", recipient="Acme")
    assert len(export_log(journal)) == 2  # a refused write is not logged
    journal.close()

    reopened = Journal.open(tmp_path / "data" / "journal.candour", PASSPHRASE, limits=CHEAP_LIMITS)
    with reopened:
        log = export_log(reopened)
        assert sorted(entry.shown_only for entry in log) == [False, True]
        assert {entry.sha256 for entry in log} == {record.sha256, on_screen.sha256}
        assert reopened.search("Leadership coaching") == []  # the log is not journal content to search
    on_disk = b"".join(path.read_bytes() for path in (tmp_path / "data").iterdir())
    assert b"Leadership coaching" not in on_disk and b"Empowering" not in on_disk


def test_the_personal_export_holds_everything_and_warns(tmp_path: Path) -> None:
    sample = sample_journal(tmp_path / "journal.candour")
    record = export_everything(sample.journal, "json", tmp_path / "everything.json")
    body = json.loads((tmp_path / "everything.json").read_text(encoding="utf-8"))
    assert body["notice"] == WARNING and body["schema"] == "candour.personal-export"
    texts = [reflection["text"] for reflection in body["records"]["reflection"]]
    assert any("@Sam" in text for text in texts)
    assert {"Sam Okafor", "Priya"} <= {person["name"] for person in body["records"]["person"]}
    assert record.personal and record.recipient == "myself" and "reflection: 4 records" in record.items
    markdown = export_everything(sample.journal, "markdown", tmp_path / "everything.md")
    text = (tmp_path / "everything.md").read_text(encoding="utf-8")
    assert "NOT encrypted" in text and "Why I rescue @Sam when deadlines slip." in text
    assert stat.S_IMODE((tmp_path / "everything.md").stat().st_mode) == 0o600
    assert "export: 1 record" in markdown.items
    with pytest.raises(InvalidInput):
        export_everything(sample.journal, "html", tmp_path / "everything.html")
