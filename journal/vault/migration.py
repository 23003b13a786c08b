"""Migration of a format-2 journal to format 3, on its first unlock by this Candour: what it reads of format 2
(an index bound by revisions only), and the one transaction that rewrites the file as format 3 (records
chained by digest, every index level naming its children's digests, and a header seal).

A consistent copy of the format-2 file is written beside it first, and the migration is one SQLite
transaction: killed at any moment, the file is the old journal or the new one, both complete.
"""

from __future__ import annotations

import sqlite3
import struct
from pathlib import Path

import crypto
from crypto import Header, SlotKind
from journal.errors import DamagedJournal, DamagedRecord
from journal.vault import index_format
from journal.vault.database import SCHEMA_VERSION, backup_beside, sqlite_errors
from journal.vault.index import write_fresh_index
from journal.vault.index_format import (
    NO_DIGEST,
    SECTION_COUNT,
    SECTION_SIZE,
    Bucket,
    IndexEntry,
)
from journal.vault.keyring import Keys, write_header
from journal.vault.records import row_digest
from journal.vault.schema import (
    BUCKET_TABLE,
    HEADER_TABLE,
    RECORDS_TABLE,
    ROOT_TABLE,
    SEARCH_PAGES_TABLE,
    SECTION_TABLE,
    SNAPSHOT_TABLE,
    TABLES,
)

_ENTRY_2 = struct.Struct(">16sIIBq16p")
"""A format-2 index entry: id, first revision, current revision, flags, sort key, kind (no row digest)."""

_Entry2 = tuple[bytes, int, int, int, int, bytes]

_MIGRATE = "upgrade the journal to the new file format"


def migrate_from_format_2(connection: sqlite3.Connection, path: Path, header: Header, keys: Keys) -> Path:
    """Back the format-2 journal up beside itself, then rewrite it as format 3 in one transaction.

    Args:
        connection: open on `path`, which is at format 2; the journal key in `keys` was just unwrapped.
    Returns:
        Where the format-2 copy was written.
    Raises:
        DamagedJournal: the format-2 index is damaged or was rolled back (nothing was changed).
        StorageError: the copy or the migration could not be written (nothing was changed).
    """
    destination = backup_beside(connection, path, "format-2")
    with sqlite_errors(_MIGRATE):
        connection.execute("BEGIN IMMEDIATE")
        try:
            entries = _read_format_2_index(connection, keys.index)
            _rewrite(connection, header, keys, entries)
            connection.execute("COMMIT")
        except BaseException:
            if connection.in_transaction:
                connection.execute("ROLLBACK")
            raise
    return destination


def _read_format_2_index(connection: sqlite3.Connection, index_key: bytes) -> dict[int, list[_Entry2]]:
    """Every bucket of the format-2 index by number, each row opened at the revision its parent names (so a
    rollback or a missing row is refused as format 2 refused it), as unpacked format-2 entries."""

    def open_row(table: str, number: int, revision: int, rows: dict[int, object]) -> bytes | None:
        if not revision:
            if number in rows:
                raise DamagedJournal(_ROLLED_BACK)
            return None
        try:
            return crypto.open_envelope(index_key, rows.get(number), table, index_format.sealed_id(number), revision)
        except DamagedRecord:
            raise DamagedJournal(_ROLLED_BACK) from None

    def revisions(data: bytes | None, slots: int) -> list[int]:
        if data is None:
            return [0] * slots
        if len(data) != 4 * slots:
            raise DamagedJournal(_ROLLED_BACK)
        return list(struct.unpack(f">{slots}I", data))

    root_rows = dict(connection.execute("SELECT slot, CAST(envelope AS BLOB) FROM index_root"))
    root = revisions(_open_root(index_key, root_rows), SECTION_COUNT)
    section_rows = dict(connection.execute("SELECT section, CAST(envelope AS BLOB) FROM index_sections"))
    bucket_rows = dict(connection.execute("SELECT bucket, CAST(envelope AS BLOB) FROM index_buckets"))
    buckets: dict[int, list[_Entry2]] = {}
    for section in range(SECTION_COUNT):
        bucket_revisions = revisions(open_row(SECTION_TABLE, section, root[section], section_rows), SECTION_SIZE)
        for bucket, revision in zip(index_format.buckets_in(section), bucket_revisions, strict=True):
            data = open_row(BUCKET_TABLE, bucket, revision, bucket_rows)
            if data is None:
                continue
            if len(data) % _ENTRY_2.size:
                raise DamagedJournal(_ROLLED_BACK)
            buckets[bucket] = list(_ENTRY_2.iter_unpack(data))
    return buckets


_ROLLED_BACK = (
    "The journal's index is damaged or was rolled back to an older copy, so it cannot be upgraded to the new "
    "file format; nothing was changed. Restore it from a backup."
)


def _open_root(index_key: bytes, rows: dict[int, object]) -> bytes:
    try:
        return crypto.open_envelope(index_key, rows.get(0), ROOT_TABLE, index_format.sealed_id(0), 0)
    except DamagedRecord:
        raise DamagedJournal(_ROLLED_BACK) from None


def _rewrite(connection: sqlite3.Connection, header: Header, keys: Keys, old: dict[int, list[_Entry2]]) -> None:
    """Inside the migration's transaction: the format-3 tables, rows chained, index rebuilt, header sealed."""
    # Renamed aside, then created from the exact statements of format 3, so the schema SQLite keeps is
    # byte for byte a new journal's (renaming a new table into place would quote its name).
    connection.execute("ALTER TABLE records RENAME TO records_format_2")
    connection.execute("ALTER TABLE header RENAME TO header_format_2")
    connection.execute(TABLES[RECORDS_TABLE])
    connection.execute(TABLES[HEADER_TABLE])
    last_digest: dict[bytes, tuple[int, bytes]] = {}
    rows = connection.execute("SELECT id, revision, envelope FROM records_format_2 ORDER BY id, revision")
    for record_id, revision, envelope in rows.fetchall():
        # The first row kept of each record starts its chain: what came before was never bound.
        previous = last_digest.get(record_id, (0, NO_DIGEST))[1]
        connection.execute(
            "INSERT INTO records (id, revision, previous, envelope) VALUES (?, ?, ?, ?)",
            (record_id, revision, previous, envelope),
        )
        last_digest[record_id] = (revision, row_digest(previous, envelope))
    connection.execute("DROP TABLE records_format_2")
    header_bytes = connection.execute("SELECT bytes FROM header_format_2 WHERE slot = 0").fetchone()[0]
    connection.execute("DROP TABLE header_format_2")
    if header_bytes != header.encode():
        raise DamagedJournal(_ROLLED_BACK)
    # Derived data of format 2: rebuilt on first use under format 3's layouts.
    for table in (SNAPSHOT_TABLE, SEARCH_PAGES_TABLE):
        connection.execute(f"DROP TABLE IF EXISTS {table}")
    buckets: dict[int, Bucket] = {}
    for bucket, entries in old.items():
        for record_id, first, current, flags, sort_key, kind in entries:
            found = last_digest.get(record_id)
            # A current revision missing from the file names no row; reading it says it is missing.
            digest = found[1] if found is not None and found[0] == current else NO_DIGEST
            deleted = bool(flags & index_format.DELETED)
            entry = IndexEntry(record_id, first, current, kind.decode("ascii"), sort_key, deleted, digest)
            buckets.setdefault(bucket, {})[record_id] = index_format.pack_entry(entry)
    write_fresh_index(connection, keys.index, buckets)
    slots = {SlotKind(kind): slot for kind, slot in connection.execute("SELECT kind, slot FROM key_slots")}
    write_header(connection, header, slots, keys.header)
    connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
