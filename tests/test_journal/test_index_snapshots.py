"""Index snapshots: reading the whole index opens 64 sealed snapshots instead of 4,096 buckets,
and a snapshot is never trusted over the buckets once its section has changed."""

from __future__ import annotations

import sqlite3
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest

import crypto
import journal.vault.snapshots
from journal import DamagedJournal, Vault, draw_recovery_key
from journal.vault.index_format import SECTION_COUNT, SECTION_SIZE, bucket_of, decode_snapshot, section_of
from journal.vault.schema import SNAPSHOT_TABLE
from tests.conftest import PASSPHRASE, MakeVault, journal_files, unlock


def filled(make_vault: MakeVault, count: int = 300) -> tuple[Vault, list[bytes]]:
    """A vault holding `count` reflections with sort keys 0..count-1, whose whole index was read once."""
    vault, _ = make_vault()
    entries = vault.put_many(("reflection", f"entry {n}".encode(), n) for n in range(count))
    vault.recent("reflection")  # reads every bucket and saves the snapshots
    return vault, [entry.record_id for entry in entries]


def count_opened(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """Counts, by table, the envelopes the vault opens from now on."""
    opened: Counter[str] = Counter()
    original: Callable[..., bytes] = crypto.open_envelope

    def counting(key: bytes, envelope: object, table: str, record_id: bytes, revision: int) -> bytes:
        opened[table] += 1
        return original(key, envelope, table, record_id, revision)

    monkeypatch.setattr(crypto, "open_envelope", counting)  # the vault calls it through the package
    return opened


def snapshot_rows(path: Path) -> dict[int, bytes]:
    """Each saved snapshot's envelope, by section (none if the table was never created)."""
    connection = sqlite3.connect(path)
    try:
        return dict(connection.execute(f"SELECT section, envelope FROM {SNAPSHOT_TABLE}").fetchall())
    except sqlite3.OperationalError:
        return {}
    finally:
        connection.close()


def put_snapshot_row(path: Path, section: int, envelope: bytes) -> None:
    connection = sqlite3.connect(path)
    with connection:
        connection.execute(f"UPDATE {SNAPSHOT_TABLE} SET envelope = ? WHERE section = ?", (envelope, section))
    connection.close()


def test_reading_the_whole_index_again_opens_snapshots_not_buckets(
    make_vault: MakeVault, journal_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    vault, _ = filled(make_vault)
    expected = vault.recent("reflection", 5)
    vault.close()
    opened = count_opened(monkeypatch)
    with unlock(journal_path) as reopened:
        assert reopened.recent("reflection", 5) == expected
        assert reopened.count("reflection") == 300
        assert [entry.sort_key for entry in reopened.entries("reflection")] == list(range(299, -1, -1))
    assert opened["index_buckets"] == 0
    assert 0 < opened[SNAPSHOT_TABLE] <= SECTION_COUNT


def test_a_write_makes_only_its_own_section_read_from_buckets(
    make_vault: MakeVault, journal_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    vault, _ = filled(make_vault)
    newest = vault.put("reflection", b"written after the snapshots", sort_key=10_000)
    vault.close()
    opened = count_opened(monkeypatch)
    with unlock(journal_path) as reopened:
        assert reopened.recent("reflection", 1)[0].record_id == newest.record_id
    assert 0 < opened["index_buckets"] <= SECTION_SIZE  # one section's buckets, and its snapshot is renewed
    opened.clear()
    with unlock(journal_path) as again:
        assert again.recent("reflection", 1)[0].record_id == newest.record_id
    assert opened["index_buckets"] == 0


@pytest.mark.parametrize("replacement", ["older copy", "damaged", "missing"])
def test_a_snapshot_older_than_its_section_or_damaged_is_not_trusted(
    make_vault: MakeVault, journal_path: Path, replacement: str
) -> None:
    vault, ids = filled(make_vault)
    edited = ids[0]
    section = section_of(bucket_of(edited))[0]
    older = snapshot_rows(journal_path)[section]
    # The oldest reflection becomes the newest: only its section's buckets know that.
    vault.put("reflection", b"edited", record_id=edited.hex(), sort_key=10_000)
    vault.recent("reflection")  # renews the section's snapshot
    vault.close()
    if replacement == "older copy":
        put_snapshot_row(journal_path, section, older)  # authentic, but sealed at the section's previous revision
    elif replacement == "damaged":
        put_snapshot_row(journal_path, section, bytes(len(older)))
    else:
        with sqlite3.connect(journal_path) as connection:
            connection.execute(f"DELETE FROM {SNAPSHOT_TABLE} WHERE section = ?", (section,))
        connection.close()
    with unlock(journal_path) as reopened:
        newest = reopened.recent("reflection", 1)[0]
        assert (newest.record_id, newest.sort_key, newest.revision) == (edited, 10_000, 2)
        assert reopened.count("reflection") == 300
    assert snapshot_rows(journal_path)[section] not in (older, bytes(len(older)))  # renewed from the buckets


def test_a_purged_record_leaves_no_snapshot_that_names_it(make_vault: MakeVault, journal_path: Path) -> None:
    vault, ids = filled(make_vault)
    purged = ids[7]
    vault.purge(purged.hex())
    assert section_of(bucket_of(purged))[0] not in snapshot_rows(journal_path)  # gone in the purge's transaction
    vault.close()
    with unlock(journal_path) as reopened:
        assert reopened.count("reflection") == 299
        index_key = reopened._keyring.keys().index
        revisions = reopened._index.root.revisions
        for section, envelope in snapshot_rows(journal_path).items():
            plaintext = crypto.open_envelope(
                index_key, envelope, SNAPSHOT_TABLE, section.to_bytes(16, "big"), revisions[section]
            )
            assert purged not in decode_snapshot(plaintext).entries


def test_rotating_keys_leaves_no_snapshot_under_the_old_key(make_vault: MakeVault, journal_path: Path) -> None:
    vault, _ = filled(make_vault)
    expected = vault.recent("reflection", 3)
    vault.rotate_keys(PASSPHRASE, draw_recovery_key())
    assert snapshot_rows(journal_path) == {}
    vault.close()
    with unlock(journal_path) as reopened:
        assert reopened.recent("reflection", 3) == expected


def test_a_journal_whose_snapshots_cannot_be_saved_still_lists(
    make_vault: MakeVault, journal_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    vault, _ = make_vault()
    vault.put_many(("reflection", b"entry", n) for n in range(50))  # in several sections
    vault.close()
    write_snapshot = journal.vault.snapshots.write_snapshot

    written: list[int] = []

    def disk_full_for_snapshots(connection: sqlite3.Connection, key: bytes, section: int, *args: object) -> None:
        if written:  # the disk fills after the first snapshot
            raise sqlite3.OperationalError("database or disk is full")
        write_snapshot(connection, key, section, *args)  # type: ignore[arg-type]
        written.append(section)

    monkeypatch.setattr(journal.vault.snapshots, "write_snapshot", disk_full_for_snapshots)
    with unlock(journal_path) as reopened:
        assert [entry.sort_key for entry in reopened.recent("reflection", 3)] == [49, 48, 47]
    assert snapshot_rows(journal_path) == {}  # the failed save was rolled back whole


def table_rows(path: Path, table: str) -> list[tuple[int, bytes]]:
    connection = sqlite3.connect(path)
    try:
        return connection.execute(f"SELECT * FROM {table}").fetchall()
    finally:
        connection.close()


def put_back(path: Path, copies: dict[str, list[tuple[int, bytes]]]) -> None:
    """Replace whole tables with rows copied earlier, as someone with the file but no key could."""
    connection = sqlite3.connect(path)
    with connection:
        for table, rows in copies.items():
            connection.execute(f"DELETE FROM {table}")
            connection.executemany(f"INSERT INTO {table} VALUES (?, ?)", rows)
    connection.close()


def test_a_root_put_back_with_its_snapshots_is_still_refused(make_vault: MakeVault, journal_path: Path) -> None:
    vault, ids = filled(make_vault)
    older = {table: table_rows(journal_path, table) for table in ("index_root", SNAPSHOT_TABLE)}
    vault.put("reflection", b"edited", record_id=ids[0].hex(), sort_key=10_000)
    vault.recent("reflection")
    vault.close()
    put_back(journal_path, older)  # the sections stay newer than this root says
    with unlock(journal_path) as reopened, pytest.raises(DamagedJournal):
        reopened.recent("reflection")


def put_back_older_index(make_vault: MakeVault, journal_path: Path) -> tuple[list[bytes], list[bytes]]:
    """Copy the root, sections and snapshots of a listed journal, add records, then put the copies back
    (as someone with the file but no key could): the index and its snapshots agree with each other, and
    the newer buckets are still in the file. Returns the older ids and the newer ones."""
    vault, ids = filled(make_vault)
    older = {table: table_rows(journal_path, table) for table in ("index_root", "index_sections", SNAPSHOT_TABLE)}
    newer = [entry.record_id for entry in vault.put_many(("reflection", b"newer", 1_000 + n) for n in range(100))]
    vault.recent("reflection")
    vault.close()
    put_back(journal_path, older)
    return ids, newer


def test_an_index_put_back_around_newer_buckets_is_refused(make_vault: MakeVault, journal_path: Path) -> None:
    put_back_older_index(make_vault, journal_path)
    before = journal_files(journal_path)
    with unlock(journal_path) as reopened:
        with pytest.raises(DamagedJournal, match="rolled back"):
            reopened.recent("reflection")  # as before snapshots: the changed buckets are opened and refused
        assert not reopened.verify().ok
    assert journal_files(journal_path) == before  # nothing newer was written over


def test_a_bucket_row_where_the_older_index_names_none_is_refused_without_listing(
    make_vault: MakeVault, journal_path: Path
) -> None:
    ids, newer = put_back_older_index(make_vault, journal_path)
    older_buckets = {bucket_of(record_id) for record_id in ids}
    in_a_new_bucket = next(record_id for record_id in newer if bucket_of(record_id) not in older_buckets)
    with unlock(journal_path) as reopened, pytest.raises(DamagedJournal, match="nothing was written"):
        reopened.get(in_a_new_bucket.hex())  # its bucket is at revision 0 in the older index, but has a row


def test_a_bucket_damaged_behind_its_snapshot_is_found_by_verify_and_rotation(
    make_vault: MakeVault, journal_path: Path
) -> None:
    vault, ids = filled(make_vault)
    vault.close()
    bucket = bucket_of(ids[0])
    connection = sqlite3.connect(journal_path)
    with connection:
        (envelope,) = connection.execute("SELECT envelope FROM index_buckets WHERE bucket = ?", (bucket,)).fetchone()
        damaged = envelope[:-1] + bytes([envelope[-1] ^ 1])  # the tag altered, the nonce kept
        connection.execute("UPDATE index_buckets SET envelope = ? WHERE bucket = ?", (damaged, bucket))
    connection.close()
    with unlock(journal_path) as reopened:
        assert reopened.count("reflection") == 300  # listing trusts the snapshot of that section
        assert not reopened.verify().ok
        with pytest.raises(DamagedJournal):
            reopened.rotate_keys(PASSPHRASE, draw_recovery_key())  # re-sealing everything opens every row first
