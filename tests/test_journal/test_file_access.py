"""Who may open a journal file, and how: one writer per file whatever path reaches it (the lock is the
file's own, by device and inode), read-only journals (disk, folder or file) open for reading with every
write refused, and nothing beside the journal or in its permissions changes for it."""

from __future__ import annotations

import fcntl
import os
import shutil
import signal
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from journal import JournalBusy, ReadOnlyJournal, Vault
from journal.vault.database import LEGACY_LOCK_SUFFIX, probe_journal
from tests.conftest import CHEAP_LIMITS, PASSPHRASE, MakeVault, journal_files, unlock
from tests.read_only import read_only_folder
from tests.test_tui.test_cli_entries import Candour
from tests.vectors import PASSPHRASE as VECTOR_PASSPHRASE
from tests.vectors import vector_paths
from tui.exit_codes import EXIT_BUSY, EXIT_READ_ONLY

ROOT = Path(__file__).resolve().parents[2]


def _writer(path: Path) -> subprocess.Popen[str]:
    """A real process that writes to the journal at `path` until killed; it prints each id it committed."""
    return subprocess.Popen(
        [sys.executable, "-m", "tests.test_journal.crash_child", "writes", str(path)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.fixture
def closed_journal(make_vault: MakeVault, journal_path: Path) -> Path:
    vault, _ = make_vault()
    vault.put("note", b"written while it could be")
    vault.close()
    return journal_path


@pytest.mark.parametrize("link", ["symlink", "hard link"])
def test_a_second_writer_through_another_path_is_refused(closed_journal: Path, link: str) -> None:
    other = closed_journal.with_name("another name.candour")
    if link == "symlink":
        other.symlink_to(closed_journal)
    else:
        os.link(closed_journal, other)
    with unlock(closed_journal) as vault:
        with pytest.raises(JournalBusy):
            unlock(other)
        with pytest.raises(JournalBusy):
            probe_journal(other)
        vault.put("note", b"the one writer writes on")
    with unlock(other) as vault:  # once closed, the other path opens the same journal
        assert vault.count("note") == 2
        assert vault.verify().ok


def test_a_writing_process_keeps_out_every_other_path(closed_journal: Path) -> None:
    link = closed_journal.with_name("linked.candour")
    os.link(closed_journal, link)
    process = _writer(closed_journal)
    assert process.stdout is not None
    assert process.stdout.readline().strip(), "the writer ended before its first commit"
    try:
        for path in (closed_journal, link):
            with pytest.raises(JournalBusy):
                unlock(path)
        result = Candour(link)("add", "typed while another process writes", ok=False)
        assert result.returncode == EXIT_BUSY
        assert "already open" in result.stderr
    finally:
        process.send_signal(signal.SIGKILL)
        process.communicate()
    with unlock(link) as vault:
        assert vault.verify().ok


def test_no_lock_file_is_made_and_a_format_2_one_is_removed(closed_journal: Path) -> None:
    assert sorted(journal_files(closed_journal)) == [closed_journal.name]
    legacy = closed_journal.with_name(closed_journal.name + LEGACY_LOCK_SUFFIX)
    legacy.write_bytes(b"")
    unlock(closed_journal).close()
    assert sorted(journal_files(closed_journal)) == [closed_journal.name]


def test_a_format_2_lock_still_held_keeps_this_candour_out(closed_journal: Path) -> None:
    legacy = closed_journal.with_name(closed_journal.name + LEGACY_LOCK_SUFFIX)
    fd = os.open(legacy, os.O_RDWR | os.O_CREAT, 0o600)
    fcntl.flock(fd, fcntl.LOCK_EX)  # an older Candour with the journal open
    try:
        with pytest.raises(JournalBusy):
            unlock(closed_journal)
    finally:
        os.close(fd)
    assert legacy.exists()


def test_permissions_lose_group_and_other_bits_but_never_gain_any(closed_journal: Path) -> None:
    closed_journal.chmod(0o640)
    unlock(closed_journal).close()
    assert stat.S_IMODE(closed_journal.stat().st_mode) == 0o600


def _assert_reads_but_refuses_writes(path: Path, reason: str) -> None:
    before = journal_files(path)
    mode = stat.S_IMODE(path.stat().st_mode)
    with unlock(path) as vault:
        assert vault.read_only is not None and reason in vault.read_only
        assert [vault.get(entry.id_hex).payload for entry in vault.entries()] == [b"written while it could be"]
        assert vault.verify().ok
        with pytest.raises(ReadOnlyJournal, match="can only be read"):
            vault.put("note", b"refused")
        with pytest.raises(ReadOnlyJournal):
            vault.change_passphrase(PASSPHRASE, "another passphrase")
        with unlock(path) as second_reader:  # readers of a read-only journal share it
            assert second_reader.count("note") == 1
    assert journal_files(path) == before  # nothing written, nothing left beside it
    assert stat.S_IMODE(path.stat().st_mode) == mode


def test_a_read_only_file_opens_for_reading(closed_journal: Path) -> None:
    closed_journal.chmod(0o400)
    _assert_reads_but_refuses_writes(closed_journal, "file is read-only")
    result = Candour(closed_journal)("add", "a new entry", ok=False)
    assert result.returncode == EXIT_READ_ONLY
    assert "can only be read" in result.stderr
    assert "written while it could be" not in result.stderr
    assert Candour(closed_journal)("verify").returncode == 0


def test_a_journal_in_a_folder_made_read_only_opens_for_reading(closed_journal: Path) -> None:
    closed_journal.parent.chmod(0o500)  # the bits the user set are honoured, even by root
    try:
        _assert_reads_but_refuses_writes(closed_journal, "folder is read-only")
    finally:
        closed_journal.parent.chmod(0o700)


def test_a_journal_on_a_read_only_disk_opens_for_reading(closed_journal: Path, tmp_path: Path) -> None:
    media = tmp_path / "media"
    media.mkdir()
    path = media / "journal.candour"
    shutil.copyfile(closed_journal, path)
    with read_only_folder(media):  # as root, a read-only mount: the disk itself refuses writes
        expected = "read-only disk" if os.geteuid() == 0 else "folder is read-only"
        _assert_reads_but_refuses_writes(path, expected)
        run = Candour(path)
        assert "written while it could be" not in run("list").stderr
        backup = closed_journal.parent / "copy.candour"
        run("backup", str(backup))
    with unlock(backup) as copy:
        assert copy.read_only is None and copy.count("note") == 1


def test_a_read_only_journal_with_a_left_over_log_shows_its_committed_writes(
    make_vault: MakeVault, journal_path: Path, tmp_path: Path
) -> None:
    vault, _ = make_vault()
    vault.put("note", b"committed, still in the write-ahead log")
    crashed = tmp_path / "crashed" / "journal.candour"
    crashed.parent.mkdir()
    for suffix in ("", "-wal"):  # what a killed writer leaves behind
        crashed.with_name(crashed.name + suffix).write_bytes(
            journal_path.with_name(journal_path.name + suffix).read_bytes()
        )
    vault.close()
    crashed.chmod(0o400)
    with unlock(crashed) as reader:
        assert reader.read_only is not None
        assert reader.count("note") == 1
        assert reader.verify().ok


def test_a_read_only_format_2_journal_is_refused_unchanged(tmp_path: Path) -> None:
    path = tmp_path / "journal.candour"
    shutil.copyfile(vector_paths(2)[0], path)
    path.chmod(0o400)
    before = journal_files(path)
    with pytest.raises(ReadOnlyJournal, match="upgrade"):
        Vault.unlock(path, VECTOR_PASSPHRASE, limits=CHEAP_LIMITS)
    assert journal_files(path) == before
