"""Nothing readable on disk: canaries never reach any file, deleted ciphertext is gone,
files are owner-only and SQLite keeps temporary data in memory."""

from __future__ import annotations

import os
import sqlite3
import stat
from pathlib import Path

import pytest
import sqlite_utils

from journal import AFTER_SESSION, Journal, Vault
from tests.conftest import CHEAP_KDF, CHEAP_LIMITS, PASSPHRASE, MakeVault, unlock

CANARY = "CANARY-7f3a"


def _all_bytes_under(*folders: Path) -> bytes:
    chunks = []
    for folder in folders:
        for root, _, files in os.walk(folder):
            for name in files:
                chunks.append((Path(root) / name).read_bytes())
    return b"\n".join(chunks)


def _read_only(path: Path) -> sqlite_utils.Database:
    """The journal file through sqlite-utils, which lists every table and column, on a read-only connection."""
    return sqlite_utils.Database(sqlite3.connect(f"file:{path}?mode=ro", uri=True))


def _assert_no_canary(blob: bytes) -> None:
    for encoding in ("utf-8", "utf-16-le", "utf-16-be"):
        assert CANARY.encode(encoding) not in blob
    assert CANARY.lower().encode() not in blob


def test_canaries_reach_no_file_and_deleted_ciphertext_is_gone(
    make_vault: MakeVault, journal_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    temp_folder = tmp_path / "tmp"
    temp_folder.mkdir()
    monkeypatch.setenv("TMPDIR", str(temp_folder))
    vault, _ = make_vault()
    kept = vault.put("reflection", f"{CANARY} body".encode(), sort_key=1)
    vault.put("reflection", f"{CANARY} edited body".encode(), record_id=kept.id_hex, sort_key=2)
    doomed = vault.put("person", f"{CANARY} a manager's name".encode() * 50)
    # While open, the write-ahead log and shared memory exist too: check them now.
    _assert_no_canary(_all_bytes_under(journal_path.parent, temp_folder))
    with sqlite3.connect(f"file:{journal_path}?mode=ro", uri=True) as reader:
        doomed_envelope = reader.execute("SELECT envelope FROM records WHERE id = ?", (doomed.record_id,)).fetchone()[0]
    reader.close()
    vault.delete(doomed.id_hex)
    vault.purge(doomed.id_hex)
    vault.change_passphrase(PASSPHRASE, "a brand new passphrase")
    vault.lock()

    everything = _all_bytes_under(journal_path.parent, temp_folder)
    _assert_no_canary(everything)
    assert doomed_envelope[40:80] not in everything  # secure_delete zeroed it, the WAL was truncated
    side_files = [journal_path.with_name(journal_path.name + suffix) for suffix in ("-wal", "-shm", "-journal")]
    assert all(not side.exists() or side.stat().st_size == 0 for side in side_files)
    assert list(temp_folder.iterdir()) == []


def test_files_and_folder_are_owner_only(make_vault: MakeVault, journal_path: Path) -> None:
    vault, _ = make_vault()
    vault.put("note", b"x")
    assert stat.S_IMODE(journal_path.parent.stat().st_mode) == 0o700
    present = [journal_path, *(journal_path.with_name(journal_path.name + s) for s in ("-wal", "-shm"))]
    assert journal_path.with_name(journal_path.name + "-wal").exists()
    for path in present:
        if path.exists():
            assert stat.S_IMODE(path.stat().st_mode) == 0o600, path.name


def test_an_existing_folder_of_the_users_is_left_as_it_is(tmp_path: Path) -> None:
    shared = tmp_path / "documents"
    shared.mkdir(mode=0o755)
    shared.chmod(0o755)
    (shared / "other.txt").write_text("not ours")
    vault, _ = Vault.create(shared / "journal.candour", PASSPHRASE, kdf=CHEAP_KDF, limits=CHEAP_LIMITS)
    vault.close()
    assert stat.S_IMODE(shared.stat().st_mode) == 0o755
    assert stat.S_IMODE((shared / "journal.candour").stat().st_mode) == 0o600


def test_loose_permissions_are_tightened_on_open(make_vault: MakeVault, journal_path: Path) -> None:
    make_vault()[0].close()
    journal_path.chmod(0o644)
    unlock(journal_path).close()
    assert stat.S_IMODE(journal_path.stat().st_mode) == 0o600


def test_sqlite_hygiene_pragmas(make_vault: MakeVault, journal_path: Path) -> None:
    vault, _ = make_vault()
    connection = vault._file.db()
    assert connection.execute("PRAGMA secure_delete").fetchone()[0] == 1
    assert connection.execute("PRAGMA temp_store").fetchone()[0] == 2  # memory
    assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    with _read_only(journal_path) as database:
        tables = database.table_names()
    assert not any("fts" in name for name in tables)


def test_nothing_readable_in_the_file(make_vault: MakeVault, journal_path: Path) -> None:
    """Only ids, revisions, digests and opaque envelopes are stored: no kinds, sort keys or lengths in clear."""
    vault, _ = make_vault()
    for n in range(5):
        vault.put("reflection", b"x" * (n * 37), sort_key=20261100 + n)
    vault.close()
    with _read_only(journal_path) as database:
        columns = {table.name: [column.name for column in table.columns] for table in database.tables}
        sizes = {len(row["envelope"]) for row in database["records"].rows}
    assert columns == {
        "header": ["slot", "bytes", "seal"],
        "key_slots": ["kind", "slot"],
        "records": ["id", "revision", "previous", "envelope"],
        "index_buckets": ["bucket", "envelope"],
        "index_sections": ["section", "envelope"],
        "index_root": ["slot", "envelope"],
    }
    assert len(sizes) == 1  # five different lengths, one padded size
    assert b"reflection" not in journal_path.read_bytes()


def test_autosaving_a_draft_leaves_no_count_of_the_saves(journal_path: Path) -> None:
    """Revision numbers are in clear: a draft's must not rise with every autosave (it would time the typing)."""
    journal, _ = Journal.create(journal_path, PASSPHRASE, kdf=CHEAP_KDF, limits=CHEAP_LIMITS)
    with journal:
        draft = journal.new_draft(AFTER_SESSION)
        for typed in range(1, 13):
            draft = journal.save_draft(draft.with_content(text=f"half a thought, {typed} words in"))
        assert journal.current_draft() == draft
        rows_before_saving = _record_rows(journal_path)
        journal.save_reflection_from(draft)
    assert max(revision for _, revision in rows_before_saving) == 1
    assert len(rows_before_saving) == len(_record_rows(journal_path))  # the draft's one row became the reflection's


def _record_rows(path: Path) -> list[tuple[bytes, int]]:
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return connection.execute("SELECT id, revision FROM records").fetchall()
    finally:
        connection.close()
