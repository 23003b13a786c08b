"""The record store: sealed revisions of records in the `records` table, listed and kept current by the sealed
index. Every write seals the record and re-seals its index bucket, section and root in one transaction.

Each row stores, beside its envelope, the digest of the record's previous row (`previous`), and the index
entry names the digest of the current row: the revisions of a record form a hash chain that starts in the
sealed index, so a row copied from another copy of the journal (same key, same revision) is refused.
"""

from __future__ import annotations

import sqlite3
import typing
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass, field, replace

import crypto
from journal.errors import DamagedJournal, DamagedRecord, RecordMissing, RecordNotFound
from journal.vault import index_format
from journal.vault.database import sqlite_errors
from journal.vault.file import JournalFile
from journal.vault.index import SealedIndex
from journal.vault.index_format import NO_DIGEST, ROOT_ID, Bucket, IndexEntry
from journal.vault.keyring import KeyRing
from journal.vault.schema import RECORDS_TABLE
from journal.vault.search_cache import SearchCache

_BATCH = 500
"""Records read per query by `get_many`, and rows per query by `all_record_rows` (SQLite allows 32,766
parameters)."""
_READ_ROWS_AFTER = (
    "SELECT id, revision, CAST(previous AS BLOB), CAST(envelope AS BLOB) FROM records "  # noqa: S608 - a constant
    f"WHERE (id, revision) > (?, ?) ORDER BY id, revision LIMIT {_BATCH}"
)
_READ_CHAIN = (
    "SELECT revision, CAST(previous AS BLOB), CAST(envelope AS BLOB) FROM records "
    "WHERE id = ? AND revision BETWEEN ? AND ? ORDER BY revision DESC"
)
_INSERT_ROW = "INSERT INTO records (id, revision, previous, envelope) VALUES (?, ?, ?, ?)"


def row_digest(previous: object, envelope: object) -> bytes:
    """The digest of a record row as its successor (or the index entry, for the current row) names it."""
    if not isinstance(previous, bytes) or not isinstance(envelope, bytes):
        return b""  # a damaged file handed back another type: matches nothing
    return crypto.digest(previous, envelope)


class ChainHead(typing.Protocol):
    """Where a record's chain starts: an `IndexEntry`, or the same three fields unpacked (`verify` reads
    every entry, and building an `IndexEntry` for each would cost more than walking the chains)."""

    @property
    def record_id(self) -> bytes: ...
    @property
    def revision(self) -> int: ...
    @property
    def row_digest(self) -> bytes: ...


def walk_chain(entry: ChainHead, rows: Iterable[tuple[int, object, object]], down_to: int) -> dict[int, bytes]:
    """Follow a record's chain from its current row (named by `entry`) down to revision `down_to`.

    Args:
        rows: (revision, previous, envelope) of the record's rows in that range, any order.
    Returns:
        revision → envelope, for every revision from `entry.revision` down to `down_to`.
    Raises:
        RecordMissing: a revision is not in the file.
        DamagedRecord: a revision is not the row the chain names (altered, rolled back to an older copy,
            or copied from another copy of the journal).
    """
    by_revision = {revision: (previous, envelope) for revision, previous, envelope in rows}
    expected = entry.row_digest
    found: dict[int, bytes] = {}
    for revision in range(entry.revision, down_to - 1, -1):
        row = by_revision.get(revision)
        if row is None:
            raise RecordMissing(entry.record_id.hex(), f"revision {revision} is missing: it was deleted or rolled back")
        previous, envelope = row
        if row_digest(previous, envelope) != expected:
            # Altered, rolled back to an older copy, or copied from another copy of the journal.
            raise DamagedRecord(RECORDS_TABLE, entry.record_id.hex())
        found[revision] = typing.cast(bytes, envelope)
        expected = typing.cast(bytes, previous)
    return found


@dataclass(frozen=True)
class Record:
    """One revision of a record, decrypted."""

    record_id: str
    """Hex of the random 16-byte id."""
    revision: int
    kind: str
    sort_key: int
    payload: bytes = field(repr=False)
    """The decrypted bytes; kept out of repr so a logged or printed record shows no content."""


def parse_record_id(record_id: str) -> bytes:
    """The bytes of a record id given as hex.

    Raises:
        RecordNotFound: not a well-formed id.
    """
    try:
        raw = bytes.fromhex(record_id)
    except ValueError:
        raw = b""
    if len(raw) != crypto.ID_SIZE or raw == ROOT_ID:
        raise RecordNotFound(f"There is no record {record_id!r} (an id is 32 hexadecimal characters).")
    return raw


class RecordStore:
    """The records of an open journal. Each call holds the file's mutex."""

    def __init__(self, file: JournalFile, keyring: KeyRing, index: SealedIndex, search_cache: SearchCache) -> None:
        self._file = file
        self._keyring = keyring
        self._index = index
        self._search_cache = search_cache

    # --- writing ---------------------------------------------------------------------------

    def put(self, kind: str, payload: bytes, *, record_id: str | None = None, sort_key: int = 0) -> IndexEntry:
        """Store a new record, or a new revision of an existing one.

        Args:
            kind: short ASCII name the domain gives the record (at most 15 characters).
            payload: the record's bytes (sealed; never written in clear).
            record_id: None for a new record (a random id is chosen).
            sort_key: orders records when listing (e.g. a timestamp); sealed in the index.
        Returns:
            The record's index entry after the write.
        Raises:
            RecordNotFound: `record_id` names no record.
            StorageError: the disk refused the write; the journal is unchanged.
        """
        _check_record_fields(kind, sort_key)
        with self._file.mutex:
            self._refuse_if_changed()
            if record_id is None:
                entry = IndexEntry(self._index.new_id(), 1, 1, kind, sort_key)
            else:
                current = self._index.entry(parse_record_id(record_id))
                entry = replace(current, revision=current.revision + 1, kind=kind, sort_key=sort_key, deleted=False)
            return self._write_revision(entry, payload, "save the record")

    def put_many(self, records: Iterable[tuple[str, bytes, int]]) -> list[IndexEntry]:
        """Store many new records in one transaction (imports): all or nothing.

        Each touched index bucket is re-sealed once, however many records land in it.

        Args:
            records: (kind, payload, sort_key) for each new record.
        Returns:
            The new records' index entries, in the order given.
        """
        with self._file.mutex:
            self._refuse_if_changed()
            records_key = self._keyring.keys().records
            staged: dict[int, Bucket] = {}
            rows: list[tuple[bytes, int, bytes, bytes]] = []
            created: list[IndexEntry] = []
            for kind, payload, sort_key in records:
                _check_record_fields(kind, sort_key)
                raw_id = self._index.new_id(staged)
                envelope = crypto.seal(records_key, payload, RECORDS_TABLE, raw_id, 1)
                entry = IndexEntry(raw_id, 1, 1, kind, sort_key, row_digest=row_digest(NO_DIGEST, envelope))
                bucket = index_format.bucket_of(raw_id)
                staged.setdefault(bucket, dict(self._index.bucket(bucket)))[raw_id] = index_format.pack_entry(entry)
                rows.append((raw_id, 1, NO_DIGEST, envelope))
                created.append(entry)
            with self._file.transaction("save the records") as connection:
                connection.executemany(_INSERT_ROW, rows)
                top = self._index.stage(connection, staged)
            self._index.commit(staged, top)
            return created

    def delete(self, record_id: str) -> IndexEntry:
        """Delete a record, reversibly: a tombstone revision is written; `restore` undoes it, `purge` makes it final."""
        with self._file.mutex:
            self._refuse_if_changed()
            entry = self._index.entry(parse_record_id(record_id))
            if entry.deleted:
                return entry
            return self._write_revision(
                replace(entry, revision=entry.revision + 1, deleted=True), b"", "delete the record"
            )

    def restore(self, record_id: str) -> IndexEntry:
        """Undo `delete`: the revision before the tombstone becomes current again (as a new revision)."""
        with self._file.mutex:
            self._refuse_if_changed()
            entry = self._index.entry(parse_record_id(record_id))
            if not entry.deleted:
                return entry
            payload = self._open_revision(entry, entry.revision - 1)
            return self._write_revision(
                replace(entry, revision=entry.revision + 1, deleted=False), payload, "restore the record"
            )

    def purge(self, record_id: str) -> None:
        """Remove a record and all its revisions for good (secure delete zeroes their pages)."""
        with self._file.mutex:
            self._refuse_if_changed()
            raw_id = parse_record_id(record_id)
            self._index.entry(raw_id)
            bucket = index_format.bucket_of(raw_id)
            entries = dict(self._index.bucket(bucket))
            del entries[raw_id]
            with self._file.transaction("purge the record") as connection:
                connection.execute("DELETE FROM records WHERE id = ?", (raw_id,))
                self._search_cache.forget_document(connection, raw_id, None)
                # Its section's snapshot still names the record.
                self._index.snapshots.discard(connection, index_format.section_of(bucket)[0])
                top = self._index.stage(connection, {bucket: entries})
            self._index.commit({bucket: entries}, top)

    def prune(self, record_id: str) -> None:
        """Remove a record's older revisions for good, keeping the current one."""
        with self._file.mutex:
            self._refuse_if_changed()
            entry = self._index.entry(parse_record_id(record_id))
            bucket = index_format.bucket_of(entry.record_id)
            entries = dict(self._index.bucket(bucket))
            # A deleted record keeps the revision before its tombstone, so it can still be restored.
            keep_from = entry.revision - 1 if entry.deleted else entry.revision
            pruned = replace(entry, first_revision=max(entry.first_revision, keep_from))
            entries[entry.record_id] = index_format.pack_entry(pruned)
            with self._file.transaction("forget older revisions") as connection:
                connection.execute(
                    "DELETE FROM records WHERE id = ? AND revision < ?", (entry.record_id, pruned.first_revision)
                )
                self._search_cache.forget_document(connection, entry.record_id, pruned.first_revision)
                top = self._index.stage(connection, {bucket: entries})
            self._index.commit({bucket: entries}, top)

    def reseal(self, connection: sqlite3.Connection, old_key: bytes, new_key: bytes) -> dict[bytes, bytes]:
        """Open every stored revision under `old_key` and seal it again under `new_key` (a rotation), in the
        caller's transaction, chaining the new rows as the old ones were chained.

        Returns:
            Each record's new last-row digest, for its index entry.
        Raises:
            DamagedRecord: a revision failed authentication; nothing damaged is re-sealed.
        """
        last: dict[bytes, bytes] = {}
        for record_id, revision, previous, envelope in list(all_record_rows(connection)):
            plaintext = crypto.open_envelope(old_key, envelope, RECORDS_TABLE, record_id, revision)
            # The first row kept names a row pruned long ago: its link is kept as it was.
            new_previous = last.get(record_id, typing.cast(bytes, previous))
            new_envelope = crypto.seal(new_key, plaintext, RECORDS_TABLE, record_id, revision)
            connection.execute(
                "UPDATE records SET previous = ?, envelope = ? WHERE id = ? AND revision = ?",
                (new_previous, new_envelope, record_id, revision),
            )
            last[record_id] = row_digest(new_previous, new_envelope)
        return last

    # --- reading ---------------------------------------------------------------------------

    def get(self, record_id: str, revision: int | None = None) -> Record:
        """Read the current revision of a record, or an older one still kept.

        Raises:
            RecordNotFound: no such record or revision, or the record is deleted (and `revision` is None).
            RecordMissing: the index lists a revision the file no longer holds (deleted or rolled back).
            DamagedRecord: the revision failed authentication.
        """
        with self._file.mutex:
            entry = self._index.entry(parse_record_id(record_id))
            wanted = entry.revision if revision is None else revision
            if revision is None and entry.deleted:
                raise RecordNotFound(f"Record {record_id} was deleted (it can be restored until purged).")
            if not entry.first_revision <= wanted <= entry.revision:
                raise RecordNotFound(f"Record {record_id} has no revision {wanted}.")
            payload = self._open_revision(entry, wanted)
            return Record(record_id, wanted, entry.kind, entry.sort_key, payload)

    def get_many(
        self, entries: Iterable[IndexEntry], unreadable: dict[str, DamagedJournal] | None = None
    ) -> list[Record]:
        """Read the current revision of many records with few queries (loading a whole kind for search).

        Args:
            entries: index entries (from `entries` or `recent`); deleted ones are skipped.
            unreadable: where to put, by record id, each record that is damaged, and go on with the rest
                (one damaged record must not hide a whole list); without it the first one is raised.
        Returns:
            Each record that could be read, in id order (not the order given).
        Raises:
            RecordMissing: a listed revision is not in the file (deleted or rolled back).
            DamagedRecord: a revision failed authentication.
        """
        records: list[Record] = []
        with self._file.mutex:
            wanted = sorted((entry for entry in entries if not entry.deleted), key=lambda entry: entry.record_id)
            records_key = self._keyring.keys().records
            for start in range(0, len(wanted), _BATCH):
                batch = {entry.record_id: entry for entry in wanted[start : start + _BATCH]}
                with sqlite_errors("read the records"):
                    # `id IN (...)` searches the primary key; a row-value IN (VALUES ...) would scan the table.
                    placeholders = ", ".join("?" * len(batch))
                    rows = (
                        self._file.db()
                        .execute(
                            "SELECT id, revision, CAST(previous AS BLOB), CAST(envelope AS BLOB) FROM records "  # noqa: S608
                            f"WHERE id IN ({placeholders})",
                            list(batch),
                        )
                        .fetchall()
                    )
                found: dict[bytes, list[tuple[int, object, object]]] = {}
                for raw_id, revision, previous, envelope in rows:
                    if raw_id in batch and revision == batch[raw_id].revision:
                        found.setdefault(raw_id, []).append((revision, previous, envelope))
                for raw_id, entry in batch.items():
                    try:
                        envelope = walk_chain(entry, found.get(raw_id, []), entry.revision)[entry.revision]
                        payload = crypto.open_envelope(records_key, envelope, RECORDS_TABLE, raw_id, entry.revision)
                    except DamagedJournal as problem:  # RecordMissing and DamagedRecord: this record alone
                        if unreadable is None:
                            raise
                        unreadable[entry.id_hex] = problem
                        continue
                    records.append(Record(raw_id.hex(), entry.revision, entry.kind, entry.sort_key, payload))
        return records

    def revisions(self, record_id: str) -> list[int]:
        """The revisions of a record still kept, oldest first (tombstones included)."""
        with self._file.mutex:
            entry = self._index.entry(parse_record_id(record_id))
            return list(range(entry.first_revision, entry.revision + 1))

    def entry(self, record_id: str) -> IndexEntry:
        """The index entry of one record (kind, sort key, revisions, deleted)."""
        with self._file.mutex:
            return self._index.entry(parse_record_id(record_id))

    def entries(self, kind: str | None = None, *, include_deleted: bool = False) -> list[IndexEntry]:
        """Index entries, newest (highest sort key) first, without decrypting any record."""
        with self._file.mutex:
            return self._index.kind_table().newest_first(kind, include_deleted)

    def recent(self, kind: str | None = None, limit: int = 10) -> list[IndexEntry]:
        """The `limit` entries with the highest sort key, without sorting the whole index."""
        with self._file.mutex:
            return self._index.kind_table().newest_first(kind, False, limit)

    def record_ids(self) -> list[bytes]:
        """The raw id of every record, deleted ones included (nothing decrypted beyond the index)."""
        with self._file.mutex:
            return self._index.kind_table().record_ids()

    def current_revisions(self, kind: str) -> dict[bytes, int]:
        """Each live record of a kind (raw id) → its current revision: what checking derived data
        against the index needs, without building an `IndexEntry` for each."""
        with self._file.mutex:
            return self._index.kind_table().current_revisions(kind)

    def revisions_besides(self, kinds: Collection[str]) -> dict[bytes, int]:
        """Each live record of any kind but these (raw id) → its current revision."""
        with self._file.mutex:
            return self._index.kind_table().revisions_besides(kinds)

    def count(self, kind: str | None = None) -> int:
        """Number of live records (of one kind)."""
        with self._file.mutex:
            return self._index.kind_table().count(kind)

    # --- internals -------------------------------------------------------------------------

    def _open_revision(self, entry: IndexEntry, revision: int) -> bytes:
        """Open a kept revision, following the record's chain from its current row down to it."""
        records_key = self._keyring.keys().records
        with sqlite_errors("read the record"):
            rows = self._file.db().execute(_READ_CHAIN, (entry.record_id, revision, entry.revision)).fetchall()
        envelope = walk_chain(entry, rows, revision)[revision]
        return crypto.open_envelope(records_key, envelope, RECORDS_TABLE, entry.record_id, revision)

    def _refuse_if_changed(self) -> None:
        """Before a write reads the index for it: refuse at once when another program wrote the journal since it
        was read (`SealedIndex.check_current`), so the write is not misread as a rolled-back index when the
        other program's new rows are met first. The same check inside the write's transaction stays the guard."""
        with sqlite_errors("read the journal"):
            self._index.check_current(self._file.db())

    def _write_revision(self, entry: IndexEntry, payload: bytes, action: str) -> IndexEntry:
        records_key = self._keyring.keys().records
        bucket = index_format.bucket_of(entry.record_id)
        entries = dict(self._index.bucket(bucket))
        envelope = crypto.seal(records_key, payload, RECORDS_TABLE, entry.record_id, entry.revision)
        previous = entry.row_digest  # the row it follows (`NO_DIGEST` for a new record): the chain's next link
        entry = IndexEntry(  # built, not `replace`d: every write makes one, and `replace` costs four times more
            entry.record_id,
            entry.first_revision,
            entry.revision,
            entry.kind,
            entry.sort_key,
            entry.deleted,
            row_digest(previous, envelope),
        )
        entries[entry.record_id] = index_format.pack_entry(entry)
        with self._file.transaction(action) as connection:
            connection.execute(_INSERT_ROW, (entry.record_id, entry.revision, previous, envelope))
            top = self._index.stage(connection, {bucket: entries})
        self._index.commit({bucket: entries}, top)
        return entry


def _check_record_fields(kind: str, sort_key: int) -> None:
    if not kind.isascii() or not 0 < len(kind) <= index_format.MAX_KIND_LENGTH:
        raise ValueError(f"kind must be 1..{index_format.MAX_KIND_LENGTH} ASCII characters")
    if not -(2**63) <= sort_key < 2**63:
        raise ValueError("sort_key must fit in a signed 64-bit integer")


def all_record_rows(connection: sqlite3.Connection) -> Iterator[tuple[bytes, int, object, object]]:
    """Every (id, revision, previous, envelope) row, in id and revision order, in batches so a large journal
    is never all in memory.

    Values come back from a possibly damaged file, so their types are checked.

    Raises:
        DamagedJournal: a row's id or revision is not what Candour writes.
    """
    last: tuple[bytes, int] = (b"", -1)
    while True:
        rows = connection.execute(_READ_ROWS_AFTER, last).fetchall()
        if not rows:
            return
        for record_id, revision, previous, envelope in rows:
            if not isinstance(record_id, bytes) or len(record_id) != crypto.ID_SIZE or not isinstance(revision, int):
                raise DamagedJournal("A row of the journal has an invalid id or revision: the file was altered.")
            yield record_id, revision, previous, envelope
        last = (rows[-1][0], rows[-1][1])
