"""The encrypted journal file: create, unlock and lock it, change its keys, and store sealed records in it."""

from __future__ import annotations

import contextlib
import sqlite3
import threading
from collections.abc import Callable, Generator, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import NamedTuple

import crypto
from crypto import Header, KdfLimits, KdfParams, Purpose, SlotKind
from journal import manifest, search_pages
from journal.errors import (
    DamagedJournal,
    DamagedRecord,
    JournalBusy,
    JournalLocked,
    RecordMissing,
    RecordNotFound,
    StorageError,
)
from journal.manifest import (
    BUCKET_COUNT,
    BUCKET_TABLE,
    ROOT_ID,
    ROOT_TABLE,
    SECTION_COUNT,
    SECTION_SIZE,
    SECTION_TABLE,
    SNAPSHOT_TABLE,
    Bucket,
    IndexEntry,
)
from journal.storage import (
    INDEX_SNAPSHOTS_SCHEMA,
    SEARCH_PAGES_SCHEMA,
    JournalLock,
    backup_database,
    checkpoint_and_close,
    create_database,
    make_private_folder,
    open_database,
    require_journal_file,
    sqlite_errors,
    tighten_permissions,
)

RECORDS_TABLE = "records"
"""Every kept revision of every record, one envelope a row; the sealed index says which is current."""

_BATCH = 500
"""Records read per query by `get_many` (SQLite allows 32,766 parameters)."""
_INDEX_PART_NAMES = {
    ROOT_TABLE: "The root of the journal index",
    SECTION_TABLE: "Section {} of the journal index",
    BUCKET_TABLE: "Part {} of the journal index",
}
"""How messages name a row of the index."""

_READ_INDEX_ROW = {
    ROOT_TABLE: "SELECT slot, CAST(envelope AS BLOB) FROM index_root WHERE slot = ?",
    SECTION_TABLE: "SELECT section, CAST(envelope AS BLOB) FROM index_sections WHERE section = ?",
    BUCKET_TABLE: "SELECT bucket, CAST(envelope AS BLOB) FROM index_buckets WHERE bucket = ?",
}

_READ_SECTION_BUCKETS = "SELECT bucket, CAST(envelope AS BLOB) FROM index_buckets WHERE bucket BETWEEN ? AND ?"
_READ_ALL_SECTIONS = "SELECT section, CAST(envelope AS BLOB) FROM index_sections"
_READ_ALL_SNAPSHOTS = "SELECT section, CAST(envelope AS BLOB) FROM index_snapshots"
_READ_ALL_SEARCH_PAGES = "SELECT page, CAST(envelope AS BLOB) FROM search_pages"
_READ_BUCKET_NONCES = f"SELECT bucket, substr(CAST(envelope AS BLOB), 2, {crypto.NONCE_SIZE}) FROM index_buckets"  # noqa: S608 - a constant
"""Each bucket row's nonce, which tells one sealing of a row from any other without decrypting it."""

# Upserts rewrite a row in place; INSERT OR REPLACE would delete it first, freeing
# and reallocating its pages, and so write more of the file on every save.
_WRITE_INDEX_ROW = {
    ROOT_TABLE: "INSERT INTO index_root (slot, envelope) VALUES (?, ?) "
    "ON CONFLICT (slot) DO UPDATE SET envelope = excluded.envelope",
    SECTION_TABLE: "INSERT INTO index_sections (section, envelope) VALUES (?, ?) "
    "ON CONFLICT (section) DO UPDATE SET envelope = excluded.envelope",
    BUCKET_TABLE: "INSERT INTO index_buckets (bucket, envelope) VALUES (?, ?) "
    "ON CONFLICT (bucket) DO UPDATE SET envelope = excluded.envelope",
    SNAPSHOT_TABLE: "INSERT INTO index_snapshots (section, envelope) VALUES (?, ?) "
    "ON CONFLICT (section) DO UPDATE SET envelope = excluded.envelope",
}


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


@dataclass(frozen=True)
class VerifyReport:
    """What `Vault.verify` checked and what it found."""

    records_checked: int
    """Record revisions opened and authenticated."""
    problems: list[DamagedJournal]
    """Each problem, naming the record it concerns; empty when the journal is intact."""

    @property
    def ok(self) -> bool:
        """True when nothing is damaged, missing, rolled back or unexpected."""
        return not self.problems


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


class _IndexTop(NamedTuple):
    """What a write did to the levels above the buckets."""

    sections: dict[int, list[int]]
    """The sections it changed, with their buckets' new revisions."""
    root: list[int]
    """The new root."""


class _Keys:
    """The journal key and its subkeys while the journal is unlocked."""

    def __init__(self, journal_key: bytes) -> None:
        self.journal = journal_key
        self.records = crypto.derive_subkey(journal_key, Purpose.RECORDS)
        self.index = crypto.derive_subkey(journal_key, Purpose.INDEX)
        self.search = crypto.derive_subkey(journal_key, Purpose.SEARCH)


class Vault:
    """An open, unlocked journal. Create one with `Vault.create`, `Vault.unlock` or `Vault.recover`.

    Methods are safe to call from worker threads; calls are serialised.
    After `close()` (locking) every method raises `JournalLocked`.
    """

    def __init__(
        self, path: Path, connection: sqlite3.Connection, lock: JournalLock, header: Header, journal_key: bytes
    ) -> None:
        self.path = path
        self._connection: sqlite3.Connection | None = connection
        self._file_lock = lock
        self._header = header
        self._keys: _Keys | None = _Keys(journal_key)
        self._mutex = threading.RLock()
        self._root: list[int] = []
        """The revision of each index section."""
        self._sections: dict[int, list[int]] = {}
        """Sections read so far: the revision of each of their buckets."""
        self._buckets: dict[int, Bucket] = {}
        """Buckets read so far."""
        self._unsplit: dict[int, manifest.Snapshot] = {}
        """Sections read from a snapshot and not split into buckets yet (none of their buckets is in
        `_buckets`): listing iterates their packed entries; a lookup or a write splits them."""
        self._kinds: manifest.KindTable | None = None
        """The whole index, unpacked, until the next write."""
        self._load_root()

    # --- opening and closing ---------------------------------------------------------------

    @classmethod
    def create(
        cls,
        path: Path,
        passphrase: str,
        *,
        kdf: KdfParams | None = None,
        limits: KdfLimits = crypto.DEFAULT_LIMITS,
    ) -> tuple[Vault, str]:
        """Create a new journal at `path` and open it.

        Args:
            kdf: Argon2id costs; by default calibrated on this machine (at least the default).
            limits: floor and cap for the costs (tests lower the floor).
        Returns:
            The open vault and the recovery key, to show the user once.
        Raises:
            JournalExists, StorageError.
        """
        params = kdf or crypto.calibrate(limits=limits)
        limits.check(params)
        header = Header.new(params)
        journal_key = crypto.new_journal_key()
        recovery_key = crypto.new_recovery_key()
        keys = _Keys(journal_key)
        passphrase_key = crypto.passphrase_wrapping_key(passphrase, header)

        def fill(connection: sqlite3.Connection) -> None:
            _write_key_material(connection, header, passphrase_key, recovery_key, journal_key)
            _write_root(connection, keys.index, [0] * SECTION_COUNT)

        # Lock before creating, so no other Candour can open the new file before we do.
        make_private_folder(path.parent)
        lock = JournalLock(path)
        lock.acquire()
        try:
            create_database(path, fill)
            with sqlite_errors("open the new journal"):
                connection = open_database(path)
                tighten_permissions(path)
            return cls(path, connection, lock, header, journal_key), recovery_key
        except BaseException:
            lock.release()
            raise

    @classmethod
    def unlock(cls, path: Path, passphrase: str, *, limits: KdfLimits = crypto.DEFAULT_LIMITS) -> Vault:
        """Open the journal at `path` with its passphrase. Reads only: a failure changes no byte.

        Raises:
            JournalNotFound, JournalBusy, ForeignFile, UnsupportedFormat, DamagedJournal,
            KdfParametersRefused, WrongPassphrase.
        """
        return cls._open(
            path, limits, lambda header: crypto.passphrase_wrapping_key(passphrase, header), SlotKind.PASSPHRASE
        )

    @classmethod
    def recover(
        cls, path: Path, recovery_key: str, new_passphrase: str, *, limits: KdfLimits = crypto.DEFAULT_LIMITS
    ) -> Vault:
        """Open the journal with its recovery key and set a new passphrase (the recovery key stays valid).

        Raises:
            InvalidRecoveryKey, WrongRecoveryKey, and the errors of `unlock`.
        """
        crypto.parse_recovery_key(recovery_key)  # a malformed key fails before the file is opened
        vault = cls._open(
            path, limits, lambda header: crypto.recovery_wrapping_key(recovery_key, header), SlotKind.RECOVERY
        )
        try:
            vault._set_passphrase(new_passphrase)
        except BaseException:
            vault.close()
            raise
        return vault

    @classmethod
    def _open(cls, path: Path, limits: KdfLimits, wrapping_key: Callable[[Header], bytes], kind: SlotKind) -> Vault:
        require_journal_file(path)
        lock = JournalLock(path)
        lock.acquire()
        try:
            connection = open_database(path)
            try:
                with sqlite_errors("read the journal"):
                    tighten_permissions(path)
                    header_row = connection.execute("SELECT bytes FROM header WHERE slot = 0").fetchone()
                    slot_row = connection.execute("SELECT slot FROM key_slots WHERE kind = ?", (int(kind),)).fetchone()
                header = crypto.decode_header(header_row[0] if header_row else None, limits)
                journal_key = crypto.open_slot(kind, wrapping_key(header), slot_row[0] if slot_row else None, header)
                return cls(path, connection, lock, header, journal_key)
            except BaseException:
                connection.close()
                raise
        except BaseException:
            lock.release()
            raise

    @property
    def is_open(self) -> bool:
        """False once the journal was locked."""
        return self._keys is not None

    def close(self) -> None:
        """Lock: drop the keys and the decrypted index, checkpoint and truncate the WAL, release the file.

        Python cannot wipe memory; dropping every reference is what is possible here.
        """
        with self._mutex:
            self._keys = None
            self._forget_index()
            self._root = []
            if self._connection is not None:
                checkpoint_and_close(self._connection)
                self._connection = None
                tighten_permissions(self.path)
            self._file_lock.release()

    lock = close

    def __enter__(self) -> Vault:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # --- keys ------------------------------------------------------------------------------

    def change_passphrase(self, current: str, new: str) -> None:
        """Re-wrap the journal key under a new passphrase, in one transaction.

        Raises:
            WrongPassphrase: `current` is not the passphrase (nothing changes).
        """
        with self._mutex:
            self._check_passphrase(current)
            self._set_passphrase(new)

    def regenerate_recovery_key(self, passphrase: str) -> str:
        """Replace the recovery key; the old one stops working. Returns the new one (show it once).

        The passphrase is asked again: a recovery key opens the journal, so someone at an unlocked,
        unattended screen must not be able to take one away.

        Raises:
            WrongPassphrase: nothing was changed.
        """
        with self._mutex:
            self._check_passphrase(passphrase)
            keys = self._require_keys()
            recovery_key = crypto.new_recovery_key()
            slot = crypto.seal_slot(
                SlotKind.RECOVERY, crypto.recovery_wrapping_key(recovery_key, self._header), keys.journal, self._header
            )
            with self._transaction("replace the recovery key") as connection:
                connection.execute("UPDATE key_slots SET slot = ? WHERE kind = ?", (slot, int(SlotKind.RECOVERY)))
            return recovery_key

    def rotate_keys(self, passphrase: str) -> str:
        """Re-encrypt everything under a new journal key, atomically, with a new salt and recovery key.

        A copy of the file taken before rotation, with the old passphrase, cannot read
        anything written afterwards.

        Returns:
            The new recovery key (the old one stops working).
        Raises:
            WrongPassphrase: `passphrase` is not the current passphrase.
        """
        with self._mutex:
            self._check_passphrase(passphrase)
            old = self._require_keys()
            new = _Keys(crypto.new_journal_key())
            header = self._header.with_new_salt(self._header.kdf)
            recovery_key = crypto.new_recovery_key()
            passphrase_key = crypto.passphrase_wrapping_key(passphrase, header)
            # Rotation re-seals every row, so every row is read and opened again, none taken from memory
            # or from a snapshot: a damaged one is refused instead of being re-sealed from a copy.
            self._forget_index()
            buckets: dict[int, Bucket] = {}
            for section in range(SECTION_COUNT):
                rows = self._section_bucket_rows(section)
                buckets.update((bucket, self._bucket(bucket, rows)) for bucket in manifest.buckets_in(section))
            with self._transaction("rotate the journal keys") as connection:
                for record_id, revision, envelope in list(_all_record_rows(connection)):
                    plaintext = crypto.open_envelope(old.records, envelope, RECORDS_TABLE, record_id, revision)
                    connection.execute(
                        "UPDATE records SET envelope = ? WHERE id = ? AND revision = ?",
                        (crypto.seal(new.records, plaintext, RECORDS_TABLE, record_id, revision), record_id, revision),
                    )
                for bucket, entries in buckets.items():
                    if revision := self._bucket_revision(bucket):
                        _write_index_row(
                            connection, new.index, BUCKET_TABLE, bucket, revision, manifest.join_bucket(entries)
                        )
                for section, revision in enumerate(self._root):
                    if revision:
                        plaintext = manifest.encode_revisions(self._section(section))
                        _write_index_row(connection, new.index, SECTION_TABLE, section, revision, plaintext)
                _write_root(connection, new.index, self._root)
                # Derived data, rebuilt under the new key: nothing sealed under the old one stays behind.
                for derived in (search_pages.PAGE_TABLE, SNAPSHOT_TABLE):
                    if _has_table(connection, derived):
                        connection.execute(f"DELETE FROM {derived}")  # noqa: S608 - a fixed table name
                _write_key_material(connection, header, passphrase_key, recovery_key, new.journal)
            self._keys, self._header = new, header
            return recovery_key

    def _check_passphrase(self, passphrase: str) -> None:
        with sqlite_errors("read the journal"):
            slot_row = (
                self._db().execute("SELECT slot FROM key_slots WHERE kind = ?", (int(SlotKind.PASSPHRASE),)).fetchone()
            )
        crypto.open_slot(
            SlotKind.PASSPHRASE,
            crypto.passphrase_wrapping_key(passphrase, self._header),
            slot_row[0] if slot_row else None,
            self._header,
        )

    def _set_passphrase(self, passphrase: str) -> None:
        keys = self._require_keys()
        header = self._header.with_new_salt(self._header.kdf)
        wrapping_key = crypto.passphrase_wrapping_key(passphrase, header)
        slot = crypto.seal_slot(SlotKind.PASSPHRASE, wrapping_key, keys.journal, header)
        with self._transaction("change the passphrase") as connection:
            connection.execute("UPDATE header SET bytes = ? WHERE slot = 0", (header.encode(),))
            connection.execute("UPDATE key_slots SET slot = ? WHERE kind = ?", (slot, int(SlotKind.PASSPHRASE)))
            # Read the new wrap back and open it before committing: a bad write must
            # never leave a journal that no passphrase opens.
            stored_header = connection.execute("SELECT bytes FROM header WHERE slot = 0").fetchone()[0]
            stored_slot = connection.execute(
                "SELECT slot FROM key_slots WHERE kind = ?", (int(SlotKind.PASSPHRASE),)
            ).fetchone()[0]
            if (
                stored_header != header.encode()
                or crypto.open_slot(SlotKind.PASSPHRASE, wrapping_key, stored_slot, header) != keys.journal
            ):
                raise DamagedJournal("The new passphrase could not be verified; the old one still works.")
        self._header = header

    def backup(self, destination: Path) -> None:
        """Write a consistent encrypted copy of the journal (same passphrase and recovery key) to `destination`.

        Raises:
            JournalExists: `destination` exists. StorageError: it cannot be written.
        """
        with self._mutex:
            backup_database(self._db(), destination)

    # --- records ---------------------------------------------------------------------------

    @contextlib.contextmanager
    def batch(self, action: str) -> Iterator[None]:
        """Make every write inside the block one transaction: all of them reach the file, or none.

        Each write updates the in-memory index as it goes, so later writes and reads in the block see
        it; if the block fails (or the commit does), the file rolls back and the in-memory index is
        read again from it. A batch inside a batch joins the outer one.

        Raises:
            StorageError, JournalBusy: the transaction could not start or commit; nothing was written.
        """
        with self._mutex:
            connection = self._db()
            if connection.in_transaction:
                yield
                return
            with sqlite_errors(action):
                connection.execute("BEGIN IMMEDIATE")
            try:
                yield
                with sqlite_errors(action):
                    connection.execute("COMMIT")
            except BaseException:
                with contextlib.suppress(sqlite3.Error):
                    if connection.in_transaction:
                        connection.execute("ROLLBACK")
                self._forget_index()
                if self._keys is not None:
                    self._load_root()
                raise

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
        with self._mutex:
            if record_id is None:
                raw_id = self._new_id()
                entry = IndexEntry(raw_id, 1, 1, kind, sort_key)
            else:
                current = self._entry(parse_record_id(record_id))
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
        with self._mutex:
            keys = self._require_keys()
            staged: dict[int, Bucket] = {}
            rows: list[tuple[bytes, int, bytes]] = []
            created: list[IndexEntry] = []
            for kind, payload, sort_key in records:
                _check_record_fields(kind, sort_key)
                raw_id = self._new_id(staged)
                entry = IndexEntry(raw_id, 1, 1, kind, sort_key)
                bucket = manifest.bucket_of(raw_id)
                staged.setdefault(bucket, dict(self._bucket(bucket)))[raw_id] = manifest.pack_entry(entry)
                rows.append((raw_id, 1, crypto.seal(keys.records, payload, RECORDS_TABLE, raw_id, 1)))
                created.append(entry)
            with self._transaction("save the records") as connection:
                connection.executemany("INSERT INTO records (id, revision, envelope) VALUES (?, ?, ?)", rows)
                top = self._stage_buckets(connection, staged)
            self._commit_buckets(staged, top)
            return created

    def get(self, record_id: str, revision: int | None = None) -> Record:
        """Read the current revision of a record, or an older one still kept.

        Raises:
            RecordNotFound: no such record or revision, or the record is deleted (and `revision` is None).
            RecordMissing: the index lists a revision the file no longer holds (deleted or rolled back).
            DamagedRecord: the revision failed authentication.
        """
        with self._mutex:
            entry = self._entry(parse_record_id(record_id))
            wanted = entry.revision if revision is None else revision
            if revision is None and entry.deleted:
                raise RecordNotFound(f"Record {record_id} was deleted (it can be restored until purged).")
            if not entry.first_revision <= wanted <= entry.revision:
                raise RecordNotFound(f"Record {record_id} has no revision {wanted}.")
            payload = self._open_revision(entry.record_id, wanted)
            return Record(record_id, wanted, entry.kind, entry.sort_key, payload)

    def get_many(self, entries: Iterable[IndexEntry]) -> list[Record]:
        """Read the current revision of many records with few queries (loading a whole kind for search).

        Args:
            entries: index entries (from `entries` or `recent`); deleted ones are skipped.
        Returns:
            Each record, in id order (not the order given).
        Raises:
            RecordMissing: a listed revision is not in the file (deleted or rolled back).
            DamagedRecord: a revision failed authentication.
        """
        records: list[Record] = []
        with self._mutex:
            wanted = sorted((entry for entry in entries if not entry.deleted), key=lambda entry: entry.record_id)
            keys = self._require_keys()
            for start in range(0, len(wanted), _BATCH):
                batch = {entry.record_id: entry for entry in wanted[start : start + _BATCH]}
                with sqlite_errors("read the records"):
                    # `id IN (...)` searches the primary key; a row-value IN (VALUES ...) would scan the table.
                    placeholders = ", ".join("?" * len(batch))
                    rows = (
                        self._db()
                        .execute(
                            "SELECT id, revision, CAST(envelope AS BLOB) FROM records "  # noqa: S608 - placeholders only
                            f"WHERE id IN ({placeholders})",
                            list(batch),
                        )
                        .fetchall()
                    )
                found = {
                    raw_id: envelope
                    for raw_id, revision, envelope in rows
                    if raw_id in batch and revision == batch[raw_id].revision
                }
                for raw_id, entry in batch.items():
                    envelope = found.get(raw_id)
                    if envelope is None:
                        raise RecordMissing(
                            raw_id.hex(), f"revision {entry.revision} is missing: it was deleted or rolled back"
                        )
                    payload = crypto.open_envelope(keys.records, envelope, RECORDS_TABLE, raw_id, entry.revision)
                    records.append(Record(raw_id.hex(), entry.revision, entry.kind, entry.sort_key, payload))
        return records

    def delete(self, record_id: str) -> IndexEntry:
        """Delete a record, reversibly: a tombstone revision is written; `restore` undoes it, `purge` makes it final."""
        with self._mutex:
            entry = self._entry(parse_record_id(record_id))
            if entry.deleted:
                return entry
            return self._write_revision(
                replace(entry, revision=entry.revision + 1, deleted=True), b"", "delete the record"
            )

    def restore(self, record_id: str) -> IndexEntry:
        """Undo `delete`: the revision before the tombstone becomes current again (as a new revision)."""
        with self._mutex:
            entry = self._entry(parse_record_id(record_id))
            if not entry.deleted:
                return entry
            payload = self._open_revision(entry.record_id, entry.revision - 1)
            return self._write_revision(
                replace(entry, revision=entry.revision + 1, deleted=False), payload, "restore the record"
            )

    def purge(self, record_id: str) -> None:
        """Remove a record and all its revisions for good (secure delete zeroes their pages)."""
        with self._mutex:
            raw_id = parse_record_id(record_id)
            self._entry(raw_id)
            bucket = manifest.bucket_of(raw_id)
            entries = dict(self._bucket(bucket))
            del entries[raw_id]
            with self._transaction("purge the record") as connection:
                connection.execute("DELETE FROM records WHERE id = ?", (raw_id,))
                self._forget_document(connection, raw_id, None)
                if _has_table(connection, SNAPSHOT_TABLE):  # its stale snapshot still names the record
                    connection.execute(
                        f"DELETE FROM {SNAPSHOT_TABLE} WHERE section = ?",  # noqa: S608 - a fixed table name
                        (manifest.section_of(bucket)[0],),
                    )
                top = self._stage_buckets(connection, {bucket: entries})
            self._commit_buckets({bucket: entries}, top)

    def prune(self, record_id: str) -> None:
        """Remove a record's older revisions for good, keeping the current one."""
        with self._mutex:
            entry = self._entry(parse_record_id(record_id))
            bucket = manifest.bucket_of(entry.record_id)
            entries = dict(self._bucket(bucket))
            # A deleted record keeps the revision before its tombstone, so it can still be restored.
            keep_from = entry.revision - 1 if entry.deleted else entry.revision
            pruned = replace(entry, first_revision=max(entry.first_revision, keep_from))
            entries[entry.record_id] = manifest.pack_entry(pruned)
            with self._transaction("forget older revisions") as connection:
                connection.execute(
                    "DELETE FROM records WHERE id = ? AND revision < ?", (entry.record_id, pruned.first_revision)
                )
                self._forget_document(connection, entry.record_id, pruned.first_revision)
                top = self._stage_buckets(connection, {bucket: entries})
            self._commit_buckets({bucket: entries}, top)

    # --- the search cache (derived data, see `journal.search_pages`) ---------------------------

    def cached_pages(self) -> dict[int, search_pages.Page]:
        """Every page of the sealed search cache that opens, by number.

        A page that is missing, or fails to open (damaged, sealed under a key since rotated, or in an
        older layout), is simply absent: the caller rebuilds those documents from the records.
        """
        with self._mutex:
            return {number: page for number, page in self._open_search_pages().items() if page is not None}

    def store_documents(self, documents: search_pages.Documents) -> None:
        """Add or replace documents in the search cache; each touched page is re-sealed once.

        Documents made from anything but a record's current revision are dropped here, under the
        lock: one made before a purge or an edit that raced with it must not bring the old text back.
        Every page is written, empty ones too, so which pages exist says nothing of which ids are
        searchable.

        Raises:
            StorageError, JournalBusy: the cache could not be written (the journal is unchanged).
        """
        with self._mutex:
            keys = self._require_keys()
            by_page: dict[int, search_pages.Documents] = {}
            for record_id, (revision, document) in documents.items():
                entry = self._bucket_entry(record_id)
                if entry is not None and entry.revision == revision and not entry.deleted:
                    by_page.setdefault(search_pages.page_of(record_id), {})[record_id] = (revision, document)
            if not by_page:
                return
            # Only the pages that change are opened; pages never written are written empty.
            current = self._search_pages_by_number(set(by_page))
            with self._transaction("save the search cache") as connection:
                connection.execute(SEARCH_PAGES_SCHEMA)
                existing = {page for (page,) in connection.execute("SELECT page FROM search_pages")}
                for page in range(search_pages.PAGE_COUNT):
                    if page in by_page or page not in existing:
                        merged = {**current.get(page, {}), **by_page.get(page, {})}
                        _write_search_page(connection, keys.search, page, merged)

    def _bucket_entry(self, raw_id: bytes) -> IndexEntry | None:
        try:
            return self._entry(raw_id)
        except RecordNotFound:
            return None

    def _search_page_rows(self, pages: set[int] | None = None) -> Generator[tuple[int, object]]:
        """The cache's page envelopes with their numbers, as SQLite reads them: all of them, or only those
        asked for (a draft's prune every few seconds must not read the whole cache)."""
        with sqlite_errors("read the search cache"):
            if not _has_table(self._db(), search_pages.PAGE_TABLE):
                return  # a journal made before the cache existed: it is created on first save
        if pages is None:
            yield from self._rows(_READ_ALL_SEARCH_PAGES, action="read the search cache")
            return
        query = f"{_READ_ALL_SEARCH_PAGES} WHERE page IN ({', '.join('?' * len(pages))})"
        yield from self._rows(query, sorted(pages), action="read the search cache")

    def _open_search_pages(self, pages: set[int] | None = None) -> dict[int, search_pages.Page | None]:
        """The cache's pages (all of them, or those asked for) by number; None for one that fails to open.

        The caller holds `_mutex`. The whole cache is opened in two threads while SQLite reads the
        next pages (see `_opened_in_two_threads`); the few pages a save or a purge needs, here.
        """
        keys = self._require_keys()

        def open_page(number: int, envelope: object) -> search_pages.Page | None:
            try:
                plaintext = crypto.open_envelope(
                    keys.search, envelope, search_pages.PAGE_TABLE, search_pages.page_id(number), 0
                )
                return search_pages.decode_page(plaintext)
            except (DamagedRecord, ValueError):
                return None

        rows = self._search_page_rows(pages)
        if pages is not None:
            return {number: open_page(number, envelope) for number, envelope in rows}
        return _opened_in_two_threads(open_page, rows)

    def _search_pages_by_number(self, pages: set[int]) -> dict[int, search_pages.Documents]:
        """The documents of these pages; a page that fails to open has none (they are rebuilt as found stale)."""
        return {
            number: page.documents() if page is not None else {}
            for number, page in self._open_search_pages(pages).items()
        }

    def _forget_document(self, connection: sqlite3.Connection, raw_id: bytes, below_revision: int | None) -> None:
        """Drop a record's document from the cache (all of it, or if made from a revision below the one given),
        in the caller's transaction: purged and pruned text must not live on in the cache. A page that
        fails to open (damaged, or in an older layout) might hold it: it is written empty."""
        number = search_pages.page_of(raw_id)
        opened = self._open_search_pages({number})
        if number not in opened:
            return  # no such page
        page = opened[number]
        documents = page.documents() if page is not None else {}
        if page is not None:
            found = documents.get(raw_id)
            if found is None or (below_revision is not None and found[0] >= below_revision):
                return
            del documents[raw_id]
        _write_search_page(connection, self._require_keys().search, number, documents)

    def revisions(self, record_id: str) -> list[int]:
        """The revisions of a record still kept, oldest first (tombstones included)."""
        with self._mutex:
            entry = self._entry(parse_record_id(record_id))
            return list(range(entry.first_revision, entry.revision + 1))

    def entry(self, record_id: str) -> IndexEntry:
        """The index entry of one record (kind, sort key, revisions, deleted)."""
        with self._mutex:
            return self._entry(parse_record_id(record_id))

    def entries(self, kind: str | None = None, *, include_deleted: bool = False) -> list[IndexEntry]:
        """Index entries, newest (highest sort key) first, without decrypting any record."""
        with self._mutex:
            return self._kind_table().newest_first(kind, include_deleted)

    def recent(self, kind: str | None = None, limit: int = 10) -> list[IndexEntry]:
        """The `limit` entries with the highest sort key, without sorting the whole index."""
        with self._mutex:
            return self._kind_table().newest_first(kind, False, limit)

    def current_revisions(self, kind: str) -> dict[bytes, int]:
        """Each live record of a kind (raw id) → its current revision: what checking derived data
        against the index needs, without an `IndexEntry` for each (0.2 s at 50,000 records)."""
        with self._mutex:
            return self._kind_table().current_revisions(kind)

    def count(self, kind: str | None = None) -> int:
        """Number of live records (of one kind)."""
        with self._mutex:
            return self._kind_table().count(kind)

    def verify(self) -> VerifyReport:
        """Open every stored revision and compare the file with the sealed index.

        Reports, by record id: damaged revisions, revisions the index lists but the
        file lacks (deleted or rolled back), and rows the index does not know.
        """
        with self._mutex:
            keys = self._require_keys()
            problems: list[DamagedJournal] = []
            expected: dict[bytes, IndexEntry] = {}
            # Every section and bucket row is opened here, even those held in memory or taken from a
            # snapshot: verifying means reading what the file holds now.
            section_rows = self._rows_of(_READ_ALL_SECTIONS)
            for section in range(SECTION_COUNT):
                try:
                    plaintext = self._read_index_row(SECTION_TABLE, section, self._root[section], section_rows)
                except DamagedJournal as problem:
                    problems.append(problem)  # once, not once for each of its buckets
                    continue
                revisions = (
                    [0] * SECTION_SIZE if plaintext is None else manifest.decode_revisions(plaintext, SECTION_SIZE)
                )
                bucket_rows = self._section_bucket_rows(section)
                for bucket, revision in zip(manifest.buckets_in(section), revisions, strict=True):
                    try:
                        packed = self._read_index_row(BUCKET_TABLE, bucket, revision, bucket_rows)
                    except DamagedJournal as problem:
                        problems.append(problem)
                        continue
                    packed_entries = manifest.split_bucket(packed).values() if packed else []
                    expected.update((entry.record_id, entry) for entry in map(manifest.unpack_entry, packed_entries))
            seen: dict[bytes, set[int]] = {}
            checked = 0
            with sqlite_errors("verify the journal"):
                for record_id, revision, envelope in _all_record_rows(self._db()):
                    shown = record_id.hex()
                    entry = expected.get(record_id)
                    if entry is None or not entry.first_revision <= revision <= entry.revision:
                        problems.append(
                            DamagedJournal(
                                f"Record {shown} revision {revision} is not in the sealed index: "
                                "it was inserted or restored from an older copy."
                            )
                        )
                        continue
                    seen.setdefault(record_id, set()).add(revision)
                    try:
                        crypto.open_envelope(keys.records, envelope, RECORDS_TABLE, record_id, revision)
                        checked += 1
                    except DamagedRecord as problem:
                        problems.append(problem)
            for record_id, entry in expected.items():
                present = seen.get(record_id, set())
                if entry.revision not in present:
                    problems.append(RecordMissing(entry.id_hex, _missing_detail(entry, present)))
                elif len(present) != entry.revision - entry.first_revision + 1:
                    problems.append(RecordMissing(entry.id_hex, "has lost some of its older revisions"))
            return VerifyReport(checked, problems)

    # --- internals -------------------------------------------------------------------------

    def _forget_index(self) -> None:
        """Drop every section and bucket held in memory (the root stays): the next read opens the rows again."""
        self._buckets.clear()
        self._unsplit.clear()
        self._kinds = None
        self._sections.clear()

    def _require_keys(self) -> _Keys:
        if self._keys is None:
            raise JournalLocked("The journal is locked. Unlock it to continue.")
        return self._keys

    def _db(self) -> sqlite3.Connection:
        self._require_keys()
        if self._connection is None:
            raise JournalLocked("The journal is locked. Unlock it to continue.")
        return self._connection

    @contextlib.contextmanager
    def _transaction(self, action: str) -> Iterator[sqlite3.Connection]:
        connection = self._db()
        # Inside `batch`, a part is a savepoint: a part that fails (a best-effort snapshot) is undone alone,
        # and the batch's one COMMIT decides for everything else.
        undo: tuple[str, ...]
        if connection.in_transaction:
            begin, commit, undo = "SAVEPOINT part", "RELEASE part", ("ROLLBACK TO part", "RELEASE part")
        else:
            begin, commit, undo = "BEGIN IMMEDIATE", "COMMIT", ("ROLLBACK",)
        with sqlite_errors(action):
            connection.execute(begin)
            try:
                yield connection
                connection.execute(commit)
            except BaseException:
                if connection.in_transaction:
                    for statement in undo:
                        connection.execute(statement)
                raise

    def _new_id(self, staged: dict[int, Bucket] | None = None) -> bytes:
        """A random id not yet in use (a collision is astronomically unlikely, but cheap to rule out)."""
        while True:
            raw = crypto.new_record_id()
            bucket = manifest.bucket_of(raw)
            if raw != ROOT_ID and raw not in self._bucket(bucket) and raw not in (staged or {}).get(bucket, {}):
                return raw

    def _load_root(self) -> None:
        plaintext = self._open_index_row(ROOT_TABLE, 0, 0)
        self._root = manifest.decode_revisions(plaintext, SECTION_COUNT)

    def _section(self, section: int, rows: Mapping[int, object] | None = None) -> list[int]:
        cached = self._sections.get(section)
        if cached is None:
            self._require_keys()  # once locked, the root is gone too
            plaintext = self._read_index_row(SECTION_TABLE, section, self._root[section], rows)
            cached = [0] * SECTION_SIZE if plaintext is None else manifest.decode_revisions(plaintext, SECTION_SIZE)
            self._sections[section] = cached
        return cached

    def _bucket_revision(self, bucket: int) -> int:
        section, place = manifest.section_of(bucket)
        return self._section(section)[place]

    def _bucket(self, bucket: int, rows: Mapping[int, object] | None = None) -> Bucket:
        cached = self._buckets.get(bucket)
        if cached is None:
            section = manifest.section_of(bucket)[0]
            if section in self._unsplit:
                self._split(section, self._unsplit.pop(section))
                return self._buckets[bucket]
            plaintext = self._read_index_row(BUCKET_TABLE, bucket, self._bucket_revision(bucket), rows)
            cached = {} if plaintext is None else manifest.split_bucket(plaintext)
            self._buckets[bucket] = cached
        return cached

    def _read_index_row(
        self, table: str, number: int, revision: int, rows: Mapping[int, object] | None = None
    ) -> bytes | None:
        """The plaintext of a section or bucket that its parent says is at `revision`; None if never written.

        Revision 0 means never written: the section or bucket is empty and has no row.
        One ever written has a revision above 0 in its authentic parent, so removing
        its row cannot pass for "empty"; and a row where the parent says 0 means the parent
        was put back from an older copy, so writing there would bury newer entries.

        Raises:
            DamagedJournal: the row is missing, altered, older than `revision`, or exists at revision 0.
        """
        if revision:
            return self._open_index_row(table, number, revision, rows)
        if rows is None:
            rows = self._rows_of(_READ_INDEX_ROW[table], (number,))
        if number in rows:
            raise DamagedJournal(
                f"{_INDEX_PART_NAMES[table].format(number)} exists where the index says nothing was written: "
                "the index was rolled back to an older copy. Restore the journal from a backup."
            )
        return None

    def _open_index_row(
        self, table: str, number: int, revision: int, rows: Mapping[int, object] | None = None
    ) -> bytes:
        """Read and open one sealed row of the index, from `rows` (number -> envelope) if given.

        Raises:
            DamagedJournal: the row is missing, altered, or an older copy than `revision`.
        """
        keys = self._require_keys()
        if rows is None:
            rows = self._rows_of(_READ_INDEX_ROW[table], (number,))
        what = _INDEX_PART_NAMES[table]
        if number not in rows:
            raise DamagedJournal(f"{what.format(number)} is missing: the file was altered. Restore it from a backup.")
        try:
            return crypto.open_envelope(keys.index, rows[number], table, manifest.sealed_id(number), revision)
        except DamagedRecord:
            raise DamagedJournal(
                f"{what.format(number)} is damaged or was rolled back to an older copy. Restore it from a backup."
            ) from None

    def _entry(self, raw_id: bytes) -> IndexEntry:
        packed = self._bucket(manifest.bucket_of(raw_id)).get(raw_id)
        if packed is None:
            raise RecordNotFound(f"There is no record {raw_id.hex()}.")
        return manifest.unpack_entry(packed)

    def _all_entries(self) -> list[bytes]:
        """The whole index as runs of packed entries: a section's from its snapshot while that is current,
        else from the section's own rows.

        Sections read from their rows get a new snapshot, so the next process that reads the whole
        index opens 64 snapshots instead of 4,096 buckets (best effort: a read-only or full disk
        only leaves that slower).
        """
        if len(self._buckets) + SECTION_SIZE * len(self._unsplit) < BUCKET_COUNT:
            unread = sorted(
                {manifest.section_of(b)[0] for b in range(BUCKET_COUNT) if b not in self._buckets} - set(self._unsplit)
            )
            section_rows = self._rows_of(_READ_ALL_SECTIONS)
            for section in unread:
                self._section(section, section_rows)  # refuses a root put back from an older copy
            stale = self._load_snapshots([section for section in unread if self._root[section]])
            read: dict[int, dict[int, object]] = {}
            for section in unread:
                numbers = manifest.buckets_in(section)
                if section not in self._unsplit and not all(bucket in self._buckets for bucket in numbers):
                    read[section] = self._section_bucket_rows(section)
                    for bucket in numbers:
                        self._bucket(bucket, read[section])
            self._save_snapshots({section: read[section] for section in stale})
        return [snapshot.entries for snapshot in self._unsplit.values()] + [
            manifest.join_bucket(bucket) for bucket in self._buckets.values()
        ]

    def _kind_table(self) -> manifest.KindTable:
        self._require_keys()  # once locked, the root is gone too
        if self._kinds is None:
            self._kinds = manifest.KindTable(self._all_entries())
        return self._kinds

    def _load_snapshots(self, sections: list[int]) -> list[int]:
        """Take these sections (already read) and their buckets from their snapshots; returns those
        whose snapshot is missing, damaged, older than the section, or made from other bucket rows.

        A snapshot names the nonce of each bucket row it was made from, and every bucket row's
        nonce is read back (one query, nothing decrypted): a snapshot is used only while the file
        holds exactly those rows, and no row for a bucket never written. Otherwise its section is
        read from its rows, which are opened at the revisions the section names, so a rollback is
        refused exactly as if there were no snapshots.
        """
        keys = self._require_keys()
        snapshot_rows = self._rows_of(_READ_ALL_SNAPSHOTS) if _has_table(self._db(), SNAPSHOT_TABLE) else {}
        nonces = self._rows_of(_READ_BUCKET_NONCES) if snapshot_rows else {}
        stale = []
        for section in sections:
            try:
                plaintext = crypto.open_envelope(
                    keys.index,
                    snapshot_rows.get(section),
                    SNAPSHOT_TABLE,
                    manifest.sealed_id(section),
                    self._root[section],
                )
                snapshot = manifest.decode_snapshot(plaintext)
            except (DamagedRecord, ValueError):
                stale.append(section)
                continue
            numbers = manifest.buckets_in(section)
            rows_match = all(
                nonces.get(bucket) == nonce if revision else bucket not in nonces
                for bucket, revision, nonce in zip(numbers, snapshot.revisions, snapshot.nonces, strict=True)
            )
            if snapshot.revisions != self._section(section) or not rows_match:
                stale.append(section)
                continue
            if any(bucket in self._buckets for bucket in numbers):  # some were read one by one: split the rest
                self._split(section, snapshot)
            else:
                self._unsplit[section] = snapshot
        return stale

    def _split(self, section: int, snapshot: manifest.Snapshot) -> None:
        """Hold a section's buckets from its snapshot, except those already read from their rows."""
        for bucket, entries in zip(manifest.buckets_in(section), snapshot.buckets(), strict=True):
            self._buckets.setdefault(bucket, entries)

    def _section_bucket_rows(self, section: int) -> dict[int, object]:
        """The envelopes of one section's buckets, by number, in one query."""
        buckets = manifest.buckets_in(section)
        return self._rows_of(_READ_SECTION_BUCKETS, (buckets[0], buckets[-1]))

    def _rows_of(
        self, query: str, parameters: Sequence[int] = (), *, action: str = "read the journal index"
    ) -> dict[int, object]:
        """Rows as number → envelope, from a query selecting (number, envelope)."""
        return dict(self._rows(query, parameters, action=action))

    def _rows(
        self, query: str, parameters: Sequence[int] = (), *, action: str = "read the journal index"
    ) -> Generator[tuple[int, object]]:
        """(number, envelope) rows of a query, one at a time as SQLite reads them."""
        with sqlite_errors(action):
            yield from self._db().execute(query, parameters)

    def _save_snapshots(self, sections: dict[int, dict[int, object]]) -> None:
        """Seal a snapshot of each of these sections, naming the bucket rows (given by number) it was made from."""
        if not sections:
            return
        keys = self._require_keys()
        with (
            contextlib.suppress(StorageError, JournalBusy),
            self._transaction("save the index snapshots") as connection,
        ):
            connection.execute(INDEX_SNAPSHOTS_SCHEMA)
            for section, rows in sections.items():
                numbers = manifest.buckets_in(section)
                plaintext = manifest.encode_snapshot(
                    self._section(section),
                    [self._buckets[bucket] for bucket in numbers],
                    [crypto.envelope_nonce(rows.get(bucket)) for bucket in numbers],
                )
                _write_index_row(connection, keys.index, SNAPSHOT_TABLE, section, self._root[section], plaintext)

    def _open_revision(self, raw_id: bytes, revision: int) -> bytes:
        keys = self._require_keys()
        with sqlite_errors("read the record"):
            row = (
                self._db()
                .execute("SELECT CAST(envelope AS BLOB) FROM records WHERE id = ? AND revision = ?", (raw_id, revision))
                .fetchone()
            )
        if row is None:
            raise RecordMissing(raw_id.hex(), f"revision {revision} is missing: it was deleted or rolled back")
        return crypto.open_envelope(keys.records, row[0], RECORDS_TABLE, raw_id, revision)

    def _write_revision(self, entry: IndexEntry, payload: bytes, action: str) -> IndexEntry:
        keys = self._require_keys()
        bucket = manifest.bucket_of(entry.record_id)
        entries = dict(self._bucket(bucket))
        entries[entry.record_id] = manifest.pack_entry(entry)
        envelope = crypto.seal(keys.records, payload, RECORDS_TABLE, entry.record_id, entry.revision)
        with self._transaction(action) as connection:
            connection.execute(
                "INSERT INTO records (id, revision, envelope) VALUES (?, ?, ?)",
                (entry.record_id, entry.revision, envelope),
            )
            top = self._stage_buckets(connection, {bucket: entries})
        self._commit_buckets({bucket: entries}, top)
        return entry

    def _stage_buckets(self, connection: sqlite3.Connection, staged: dict[int, Bucket]) -> _IndexTop:
        """Write each changed bucket at its next revision, then the sections and the root that name them."""
        keys = self._require_keys()
        sections: dict[int, list[int]] = {}
        for bucket, entries in staged.items():
            section, place = manifest.section_of(bucket)
            if section not in sections:
                sections[section] = list(self._section(section))
            sections[section][place] += 1
            revision = sections[section][place]
            _write_index_row(connection, keys.index, BUCKET_TABLE, bucket, revision, manifest.join_bucket(entries))
        root = list(self._root)
        for section, revisions in sections.items():
            root[section] += 1
            plaintext = manifest.encode_revisions(revisions)
            _write_index_row(connection, keys.index, SECTION_TABLE, section, root[section], plaintext)
        _write_root(connection, keys.index, root)
        return _IndexTop(sections, root)

    def _commit_buckets(self, staged: dict[int, Bucket], top: _IndexTop) -> None:
        """After COMMIT succeeded: make the in-memory index match the file."""
        self._kinds = None
        self._buckets.update(staged)
        self._sections.update(top.sections)
        self._root = top.root


def _check_record_fields(kind: str, sort_key: int) -> None:
    if not kind.isascii() or not 0 < len(kind) <= manifest.MAX_KIND_LENGTH:
        raise ValueError(f"kind must be 1..{manifest.MAX_KIND_LENGTH} ASCII characters")
    if not -(2**63) <= sort_key < 2**63:
        raise ValueError("sort_key must fit in a signed 64-bit integer")


def _missing_detail(entry: IndexEntry, present: set[int]) -> str:
    if not present:
        return "is missing from the file: it was deleted outside Candour"
    return f"was rolled back to revision {max(present)} (the index expects revision {entry.revision})"


def _all_record_rows(connection: sqlite3.Connection) -> Iterator[tuple[bytes, int, object]]:
    """Every (id, revision, envelope) row, in batches so a large journal is never all in memory.

    Values come back from a possibly damaged file, so their types are checked.
    """
    last: tuple[bytes, int] = (b"", -1)
    while True:
        rows = connection.execute(
            "SELECT id, revision, CAST(envelope AS BLOB) FROM records "
            "WHERE (id, revision) > (?, ?) ORDER BY id, revision LIMIT 500",
            last,
        ).fetchall()
        if not rows:
            return
        for record_id, revision, envelope in rows:
            if not isinstance(record_id, bytes) or len(record_id) != crypto.ID_SIZE or not isinstance(revision, int):
                raise DamagedJournal("A row of the journal has an invalid id or revision: the file was altered.")
            yield record_id, revision, envelope
        last = (rows[-1][0], rows[-1][1])


def _opened_in_two_threads(
    open_page: Callable[[int, object], search_pages.Page | None], rows: Generator[tuple[int, object]]
) -> dict[int, search_pages.Page | None]:
    """Open search-cache pages in two threads while SQLite reads the next rows.

    libsodium and SQLite let go of Python's lock while they work, so on two cores loading the
    16 MB cache of 10,000 reflections took 36 ms instead of 54, a sixth of the first search after
    unlock. The threads touch only the envelopes and the key, never the connection.
    """
    from concurrent.futures import ThreadPoolExecutor  # imported by the commands that search, not by every one

    with contextlib.closing(rows), ThreadPoolExecutor(max_workers=2, thread_name_prefix="candour-search") as pool:
        try:
            opening = {number: pool.submit(open_page, number, envelope) for number, envelope in rows}
        except BaseException:
            pool.shutdown(cancel_futures=True)  # a failed read or Ctrl-C need not wait for pages nobody will use
            raise
    return {number: future.result() for number, future in opening.items()}


def _has_table(connection: sqlite3.Connection, name: str) -> bool:
    """Whether an optional table (the derived search cache or index snapshots) exists yet."""
    found = connection.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,))
    return found.fetchone() is not None


def _write_search_page(
    connection: sqlite3.Connection, search_key: bytes, page: int, documents: search_pages.Documents
) -> None:
    envelope = crypto.seal(
        search_key, search_pages.encode_page(documents), search_pages.PAGE_TABLE, search_pages.page_id(page), 0
    )
    connection.execute(
        "INSERT INTO search_pages (page, envelope) VALUES (?, ?) "
        "ON CONFLICT (page) DO UPDATE SET envelope = excluded.envelope",
        (page, envelope),
    )


def _write_index_row(
    connection: sqlite3.Connection, index_key: bytes, table: str, number: int, revision: int, plaintext: bytes
) -> None:
    envelope = crypto.seal(index_key, plaintext, table, manifest.sealed_id(number), revision)
    connection.execute(_WRITE_INDEX_ROW[table], (number, envelope))


def _write_root(connection: sqlite3.Connection, index_key: bytes, root: list[int]) -> None:
    """The root is sealed at revision 0 always: nothing above it could name a newer one."""
    _write_index_row(connection, index_key, ROOT_TABLE, 0, 0, manifest.encode_revisions(root))


def _write_key_material(
    connection: sqlite3.Connection, header: Header, passphrase_key: bytes, recovery_key: str, journal_key: bytes
) -> None:
    """Write the header and both key slots (creation and key rotation)."""
    recovery_slot = crypto.seal_slot(
        SlotKind.RECOVERY, crypto.recovery_wrapping_key(recovery_key, header), journal_key, header
    )
    passphrase_slot = crypto.seal_slot(SlotKind.PASSPHRASE, passphrase_key, journal_key, header)
    connection.execute("INSERT OR REPLACE INTO header (slot, bytes) VALUES (0, ?)", (header.encode(),))
    connection.execute(
        "INSERT OR REPLACE INTO key_slots (kind, slot) VALUES (?, ?), (?, ?)",
        (int(SlotKind.PASSPHRASE), passphrase_slot, int(SlotKind.RECOVERY), recovery_slot),
    )
