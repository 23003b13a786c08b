"""Each part of the vault on its own: the open file, the key ring, the sealed index and its snapshots, built
by hand on a journal file the way `Vault` builds them, without the rest."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

import crypto
from crypto import SlotKind
from journal import JournalLocked, RecordNotFound, Vault, WrongPassphrase, draw_recovery_key
from journal.vault.database import JournalLock, open_database
from journal.vault.file import JournalFile
from journal.vault.index import SealedIndex, write_row
from journal.vault.index_format import IndexEntry, bucket_of, buckets_in, join_bucket, pack_entry, section_of
from journal.vault.keyring import KeyRing, open_journal_key
from journal.vault.schema import BUCKET_TABLE, TABLES, create_tables
from tests.conftest import CHEAP_LIMITS, PASSPHRASE, MakeVault, unlock

Parts = tuple[JournalFile, KeyRing]


@pytest.fixture
def parts(make_vault: MakeVault, journal_path: Path) -> Iterator[Parts]:
    """A new journal's file and key ring, opened with the passphrase."""
    make_vault()[0].close()
    lock = JournalLock(journal_path)
    lock.acquire()
    connection = open_database(journal_path)
    header, journal_key = open_journal_key(
        connection,
        SlotKind.PASSPHRASE,
        lambda header: crypto.passphrase_wrapping_key(PASSPHRASE, header),
        CHEAP_LIMITS,
    )
    file = JournalFile(journal_path, connection, lock)
    yield file, KeyRing(file, header, journal_key)
    file.close()


def staged_entry(index: SealedIndex, file: JournalFile, sort_key: int) -> IndexEntry:
    """Write one entry into the index alone (no record behind it), as a write of the record store would."""
    entry = IndexEntry(index.new_id(), 1, 1, "note", sort_key)
    bucket = bucket_of(entry.record_id)
    staged = {bucket: {**index.bucket(bucket), entry.record_id: pack_entry(entry)}}
    with file.transaction("write the index") as connection:
        top = index.stage(connection, staged)
    index.commit(staged, top)
    return entry


def test_the_schema_alone_creates_every_table(tmp_path: Path) -> None:
    connection = sqlite3.connect(tmp_path / "bare.db")
    create_tables(connection)
    names = [name for (name,) in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    connection.close()
    assert names == list(TABLES)


def test_the_file_alone_undoes_a_failed_transaction_and_a_failed_part_of_a_batch(parts: Parts) -> None:
    file, _ = parts
    with pytest.raises(ZeroDivisionError), file.transaction("fail") as connection:
        connection.execute("INSERT INTO key_slots (kind, slot) VALUES (9, x'00')")
        raise ZeroDivisionError
    rolled_back: list[str] = []
    with file.batch("two parts", lambda: rolled_back.append("read again")):
        with file.transaction("kept") as connection:
            connection.execute("INSERT INTO key_slots (kind, slot) VALUES (8, x'00')")
        with pytest.raises(ZeroDivisionError), file.transaction("undone alone") as connection:
            connection.execute("INSERT INTO key_slots (kind, slot) VALUES (9, x'00')")
            raise ZeroDivisionError
    kinds = {kind for (kind,) in file.db().execute("SELECT kind FROM key_slots")}
    assert kinds == {1, 2, 8} and rolled_back == []
    file.close()
    with pytest.raises(JournalLocked):
        file.db()


def test_the_key_ring_alone_checks_and_changes_the_passphrase(parts: Parts, journal_path: Path) -> None:
    file, keyring = parts
    with pytest.raises(WrongPassphrase):
        keyring.check_passphrase("not it")
    keyring.check_passphrase(PASSPHRASE)
    keyring.set_passphrase("the passphrase now")
    keyring.check_passphrase("the passphrase now")
    recovery_key = draw_recovery_key()
    keyring.replace_recovery_key(recovery_key)
    keyring.forget()
    with pytest.raises(JournalLocked):
        keyring.keys()
    file.close()
    unlock(journal_path, "the passphrase now").close()
    Vault.recover(journal_path, recovery_key, "after recovery", limits=CHEAP_LIMITS).close()


def test_the_sealed_index_alone_keeps_what_it_staged_and_committed(parts: Parts) -> None:
    file, keyring = parts
    index = SealedIndex(file, keyring)
    written = [staged_entry(index, file, sort_key) for sort_key in (3, 1, 2)]
    assert [entry.sort_key for entry in index.kind_table().newest_first("note", False)] == [3, 2, 1]
    fresh = SealedIndex(file, keyring)  # reads the rows again
    assert [fresh.entry(entry.record_id) for entry in written] == written
    with pytest.raises(RecordNotFound):
        fresh.entry(bytes(15) + b"\x01")


def test_a_snapshot_alone_stands_for_its_section_only_while_the_section_names_its_bucket_rows(parts: Parts) -> None:
    file, keyring = parts
    index = SealedIndex(file, keyring)
    entry = staged_entry(index, file, 1)
    section = section_of(bucket_of(entry.record_id))[0]
    state = {section: (index.root.revisions[section], index.section(section))}
    rows = index.section_bucket_rows(section)
    buckets = [index.bucket(bucket, rows) for bucket in buckets_in(section)]
    index.snapshots.save({section: (*state[section], buckets, rows)})
    current = index.snapshots.current(state)
    assert list(current) == [section] and entry.record_id in current[section].entries
    bucket = bucket_of(entry.record_id)
    revision, _ = index.bucket_child(bucket)
    with file.transaction("seal the same bucket row again") as connection:  # same content, another nonce
        plaintext = join_bucket(index.bucket(bucket))
        digest = write_row(connection, keyring.keys().index, BUCKET_TABLE, bucket, revision, plaintext)
    # A section naming the new row (same revision, same entries): the snapshot made from the old row is refused.
    renamed = state[section][1].with_child(section_of(bucket)[1], revision, digest)
    assert index.snapshots.current({section: (state[section][0], renamed)}) == {}
