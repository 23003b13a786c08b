"""The vault: an open, unlocked journal file composed of its parts — the file, the key ring, the sealed index,
the record store, the search cache and verify — and the operations that span them (create, unlock,
recover, lock, key rotation, backup). `KeyChange` changes the keys of a journal just unlocked.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Callable, Collection, Generator, Iterable, Iterator
from pathlib import Path
from typing import Self

import crypto
from crypto import Header, KdfLimits, KdfParams, SlotKind
from journal.errors import DamagedJournal
from journal.vault.database import (
    SCHEMA_VERSION,
    JournalLock,
    backup_beside,
    backup_database,
    create_database,
    file_format_version,
    make_private_folder,
    open_database,
    read_only_reason,
    require_journal_file,
    sqlite_errors,
    tighten_permissions,
)
from journal.vault.file import JournalFile
from journal.vault.index import SealedIndex, rebind, write_root
from journal.vault.index_format import SECTION_COUNT, IndexEntry, Level
from journal.vault.keyring import KeyMaterial, KeyRing, Keys, open_journal_key
from journal.vault.migration import migrate_from_format_2
from journal.vault.records import Record, RecordStore
from journal.vault.repair import Describe, RepairReport, rebuild_index
from journal.vault.search_cache import SearchCache
from journal.vault.search_pages import SearchDocuments, SearchPage
from journal.vault.verify import VerifyReport, verify


class Vault:
    """An open, unlocked journal. Create one with `Vault.create`, `Vault.unlock` or `Vault.recover`.

    Methods are safe to call from worker threads; calls are serialised.
    After `close()` (locking) every method raises `JournalLocked`.
    """

    def __init__(self, file: JournalFile, header: Header, journal_key: bytes) -> None:
        self.path = file.path
        self._file = file
        self._keyring = KeyRing(file, header, journal_key)
        self._index = SealedIndex(file, self._keyring)
        self._search_cache = SearchCache(file, self._keyring, self._index)
        self._records = RecordStore(file, self._keyring, self._index, self._search_cache)
        self.migrated_copy: Path | None = None
        """Where the copy of the older-format file went, when this unlock upgraded the journal's format."""
        self.repair_report: RepairReport | None = None
        """What `repair` did, when this vault was opened by it."""
        self._keys_before_batch: tuple[Keys, Header] | None = None
        """The keys held before a rotation inside the current batch adopted new ones: put back if the batch
        rolls back, so the keys in memory are always those of the file."""

    # --- opening and closing ---------------------------------------------------------------

    @classmethod
    def create(
        cls,
        path: Path,
        passphrase: str,
        *,
        kdf: KdfParams | None = None,
        limits: KdfLimits = crypto.DEFAULT_LIMITS,
        first: Callable[[Vault], None] | None = None,
    ) -> tuple[Vault, str]:
        """Create a new journal at `path` and open it.

        Args:
            kdf: Argon2id costs; by default calibrated on this machine (at least the default).
            limits: floor and cap for the costs (tests lower the floor).
            first: writes the journal's first records, in the transaction that creates it, through a vault on
                the file being built: the journal appears with them or not at all.
        Returns:
            The open vault and the recovery key, to show the user once.
        Raises:
            JournalExists, StorageError.
        """
        params = kdf or crypto.calibrate(limits=limits)
        limits.check(params)
        material = KeyMaterial.new(passphrase, Header.new(params), crypto.new_recovery_key())

        def fill(connection: sqlite3.Connection) -> None:
            material.write(connection)
            write_root(connection, material.keys.index, Level.empty(SECTION_COUNT))
            if first is not None:
                # Never closed: the connection is the building file's, and create_database closes it; the lock
                # is never taken (nobody else can reach a file not yet linked into place).
                first(cls(JournalFile(path, connection, JournalLock(path)), material.header, material.keys.journal))

        make_private_folder(path.parent)
        create_database(path, fill)
        lock = JournalLock(path)  # the lock is the file's own: it exists once the file does
        lock.acquire()
        try:
            with sqlite_errors("open the new journal"):
                connection = open_database(path)
                tighten_permissions(path)
            vault = cls(JournalFile(path, connection, lock), material.header, material.keys.journal)
            return vault, material.recovery_key
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
            vault._keyring.set_passphrase(new_passphrase)
        except BaseException:
            vault.close()
            raise
        return vault

    @classmethod
    def repair(
        cls, path: Path, passphrase: str, describe: Describe, *, limits: KdfLimits = crypto.DEFAULT_LIMITS
    ) -> tuple[Vault, RepairReport]:
        """Open the journal with its passphrase, without reading its index, copy the file beside itself, and
        rebuild the index and drop the derived data from the authentic records, in one transaction (see
        `repair`). Returns the vault, open on the rebuilt index, and what the repair did.

        Args:
            describe: (record id, payload) → (kind, sort key) of the value a payload holds, or None.
        Raises:
            ReadOnlyJournal, StorageError: nothing was changed; and the errors of `unlock`, except those
                of a damaged index, which is what a repair rebuilds.
        """
        vault = cls._open(
            path,
            limits,
            lambda header: crypto.passphrase_wrapping_key(passphrase, header),
            SlotKind.PASSPHRASE,
            rebuild=describe,
        )
        assert vault.repair_report is not None  # _open rebuilt it, or raised
        return vault, vault.repair_report

    @classmethod
    def _open(
        cls,
        path: Path,
        limits: KdfLimits,
        wrapping_key: Callable[[Header], bytes],
        kind: SlotKind,
        *,
        rebuild: Describe | None = None,
    ) -> Vault:
        require_journal_file(path)
        read_only = read_only_reason(path)
        lock = JournalLock(path, shared=read_only is not None)
        lock.acquire()
        try:
            connection = open_database(path, read_only=read_only is not None)
            try:
                file = JournalFile(path, connection, lock, read_only=read_only)
                if not read_only:
                    with sqlite_errors("read the journal"):
                        tighten_permissions(path)
                version = file_format_version(connection)
                header, journal_key = open_journal_key(
                    connection, kind, wrapping_key, limits, sealed=version == SCHEMA_VERSION
                )
                migrated_copy = None
                if version != SCHEMA_VERSION:
                    file.refuse_if_read_only(f"upgrade this format-{version} journal to the new file format")
                    migrated_copy = migrate_from_format_2(connection, path, header, Keys(journal_key))
                report = None
                if rebuild is not None:
                    file.refuse_if_read_only("repair the journal")
                    report = RepairReport(backup_beside(connection, path, "before-repair"))
                    with file.transaction("repair the journal") as transaction:
                        rebuild_index(transaction, Keys(journal_key), rebuild, report)
                vault = cls(file, header, journal_key)  # reads the index root: the rebuilt one, after a repair
                vault.migrated_copy = migrated_copy
                vault.repair_report = report
                return vault
            except BaseException:
                connection.close()
                raise
        except BaseException:
            lock.release()
            raise

    @property
    def read_only(self) -> str | None:
        """Why this journal can only be read (a read-only disk, folder or file), or None: writes are refused."""
        return self._file.read_only

    @property
    def is_open(self) -> bool:
        """False once the journal was locked."""
        return self._keyring.is_open

    def close(self) -> None:
        """Lock: drop the keys and the decrypted index, checkpoint and truncate the WAL, release the file.

        Python cannot wipe memory; dropping every reference is what is possible here.
        """
        with self._file.mutex:
            self._keyring.forget()
            self._index.forget()
            self._index.root = Level.empty(SECTION_COUNT)
            self._file.close()

    lock = close

    def __enter__(self) -> Vault:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # --- keys ------------------------------------------------------------------------------
    # The passphrase is asked again for each: someone at an unlocked, unattended screen must not be able
    # to change it, take the recovery key away or rotate the keys. `KeyChange` is for a journal just
    # unlocked with the passphrase, where that unlock was the check.

    def check_key_change(self, action: str, passphrase: str) -> None:
        """Check that a key change can go ahead before it is prepared (its new recovery key shown): the journal
        can be written and `passphrase` is its passphrase. Nothing changes.

        Raises:
            ReadOnlyJournal: the journal can only be read (naming `action`). WrongPassphrase.
        """
        self._file.refuse_if_read_only(action)
        self._keyring.check_passphrase(passphrase)

    def change_passphrase(self, current: str, new: str) -> None:
        """Re-wrap the journal key under a new passphrase, in one transaction.

        Raises:
            WrongPassphrase: `current` is not the passphrase (nothing changes).
        """
        with self._file.mutex:
            self._keyring.check_passphrase(current)
            self._keyring.set_passphrase(new)

    # A new recovery key is drawn (`draw_recovery_key`) and shown to the user before it is passed here, so
    # the key that works is always one the user has seen: the old one until the commit, the new one after.

    def regenerate_recovery_key(self, passphrase: str, recovery_key: str) -> None:
        """Replace the recovery key with `recovery_key`, in one transaction; the old one stops working then.

        Raises:
            WrongPassphrase, InvalidRecoveryKey: nothing was changed.
        """
        with self._file.mutex:
            crypto.parse_recovery_key(recovery_key)  # a malformed key fails before the slow derivation
            self._keyring.check_passphrase(passphrase)
            self._keyring.replace_recovery_key(recovery_key)

    def rotate_keys(self, passphrase: str, recovery_key: str) -> None:
        """Re-encrypt everything under a new journal key, atomically, with a new salt and `recovery_key`
        (the old recovery key stops working when this commits).

        A copy of the file taken before rotation, with the old passphrase, cannot read
        anything written afterwards.

        Raises:
            WrongPassphrase, InvalidRecoveryKey: nothing was changed.
        """
        with self._file.mutex:
            crypto.parse_recovery_key(recovery_key)
            self._keyring.check_passphrase(passphrase)
            self._rotate(passphrase, recovery_key)

    def _rotate(self, passphrase: str, recovery_key: str) -> None:
        """Rotate the keys; `passphrase` was checked by the caller. Inside a batch the rotation is part of it (so
        what the batch writes after it is sealed under the new keys), and the old keys come back if it rolls
        back."""
        new = self._keyring.next_generation(passphrase, recovery_key)
        buckets = self._index.read_every_bucket()
        with self.batch("rotate the journal keys"):
            old = self._keyring.keys()
            with self._file.transaction("rotate the journal keys") as connection:
                self._index.check_current(connection)
                digests = self._records.reseal(connection, old.records, new.keys.records)
                self._index.reseal(connection, new.keys.index, rebind(buckets, digests))
                # Derived data, rebuilt under the new key: nothing sealed under the old one stays behind.
                self._search_cache.drop(connection)
                self._index.snapshots.discard_all(connection)
                new.write(connection)
            if self._keys_before_batch is None:
                self._keys_before_batch = self._keyring.held()
            self._keyring.adopt(new)
            self._read_index_again()  # every row of the index has a new digest

    def backup(self, destination: Path) -> None:
        """Write a consistent encrypted copy of the journal (same passphrase and recovery key) to `destination`.

        Raises:
            JournalExists: `destination` exists. StorageError: it cannot be written.
        """
        with self._file.mutex:
            backup_database(self._file.db(), destination)

    # --- records (see `RecordStore`) --------------------------------------------------------

    @contextlib.contextmanager
    def batch(self, action: str) -> Iterator[None]:
        """Make every write inside the block one transaction: all of them reach the file, or none.

        Each write updates the in-memory index as it goes, so later writes and reads in the block see
        it; if the block fails (or the commit does), the file rolls back and the in-memory index is
        read again from it. A batch inside a batch joins the outer one.

        Raises:
            StorageError, JournalBusy: the transaction could not start or commit; nothing was written.
        """
        with self._file.mutex:
            outer = not self._file.db().in_transaction
            try:
                with self._file.batch(action, self._rolled_back):
                    yield
            finally:
                if outer:
                    self._keys_before_batch = None

    def _rolled_back(self) -> None:
        """The batch rolled back: the keys of a rotation in it go (the file has the old ones), and the index is
        read again."""
        if self._keys_before_batch is not None:
            self._keyring.restore(self._keys_before_batch)
            self._keys_before_batch = None
        self._read_index_again()

    def _read_index_again(self) -> None:
        self._index.forget()
        if self._keyring.is_open:
            self._index.load_root()

    def put(self, kind: str, payload: bytes, *, record_id: str | None = None, sort_key: int = 0) -> IndexEntry:
        """Store a new record, or a new revision of one (see `RecordStore.put`)."""
        return self._records.put(kind, payload, record_id=record_id, sort_key=sort_key)

    def put_many(self, records: Iterable[tuple[str, bytes, int]]) -> list[IndexEntry]:
        """Store many new records in one transaction (see `RecordStore.put_many`)."""
        return self._records.put_many(records)

    def get(self, record_id: str, revision: int | None = None) -> Record:
        """Read a record's current revision, or an older one still kept (see `RecordStore.get`)."""
        return self._records.get(record_id, revision)

    def get_many(
        self, entries: Iterable[IndexEntry], unreadable: dict[str, DamagedJournal] | None = None
    ) -> list[Record]:
        """Read the current revision of many records, in id order, passing over damaged ones into `unreadable`
        when given (see `RecordStore.get_many`)."""
        return self._records.get_many(entries, unreadable)

    def delete(self, record_id: str) -> IndexEntry:
        """Delete a record, reversibly (see `RecordStore.delete`)."""
        return self._records.delete(record_id)

    def restore(self, record_id: str) -> IndexEntry:
        """Undo `delete` (see `RecordStore.restore`)."""
        return self._records.restore(record_id)

    def purge(self, record_id: str) -> None:
        """Remove a record and all its revisions for good (see `RecordStore.purge`)."""
        self._records.purge(record_id)

    def prune(self, record_id: str) -> None:
        """Remove a record's older revisions for good (see `RecordStore.prune`)."""
        self._records.prune(record_id)

    def revisions(self, record_id: str) -> list[int]:
        """The revisions of a record still kept, oldest first (tombstones included)."""
        return self._records.revisions(record_id)

    def entry(self, record_id: str) -> IndexEntry:
        """The index entry of one record (kind, sort key, revisions, deleted)."""
        return self._records.entry(record_id)

    def entries(self, kind: str | None = None, *, include_deleted: bool = False) -> list[IndexEntry]:
        """Index entries, newest (highest sort key) first, without decrypting any record."""
        return self._records.entries(kind, include_deleted=include_deleted)

    def record_ids(self) -> list[bytes]:
        """The raw id of every record, deleted ones included (see `RecordStore.record_ids`)."""
        return self._records.record_ids()

    def recent(self, kind: str | None = None, limit: int = 10) -> list[IndexEntry]:
        """The `limit` entries with the highest sort key, without sorting the whole index."""
        return self._records.recent(kind, limit)

    def current_revisions(self, kind: str) -> dict[bytes, int]:
        """Each live record of a kind (raw id) → its current revision."""
        return self._records.current_revisions(kind)

    def revisions_besides(self, kinds: Collection[str]) -> dict[bytes, int]:
        """Each live record of any kind but these (raw id) → its current revision."""
        return self._records.revisions_besides(kinds)

    def count(self, kind: str | None = None) -> int:
        """Number of live records (of one kind)."""
        return self._records.count(kind)

    # --- the search cache (see `SearchCache`) and verify ------------------------------------

    def cached_pages(self) -> dict[int, SearchPage]:
        """Every page of the sealed search cache that opens, by number (see `SearchCache.cached_pages`)."""
        return self._search_cache.cached_pages()

    def each_search_page(self) -> Generator[tuple[int, SearchPage]]:
        """Every page of the search cache that opens, by number, a few held at once (see `SearchCache.each_page`)."""
        return self._search_cache.each_page()

    def search_pages_one_at_a_time(self) -> Iterator[SearchPage]:
        """Every page of the search cache that opens, one at a time (see `SearchCache.pages_one_at_a_time`)."""
        return self._search_cache.pages_one_at_a_time()

    def store_documents(self, documents: SearchDocuments) -> None:
        """Add or replace documents in the search cache (see `SearchCache.store_documents`)."""
        self._search_cache.store_documents(documents)

    def verify(self) -> VerifyReport:
        """Open every stored revision and compare the file with the sealed index (see `verify.verify`)."""
        return verify(self._file, self._keyring, self._index)


class KeyChange:
    """A journal just unlocked with its passphrase, to change its keys: the unlock checked the passphrase,
    so no change here derives it again (a derivation is the slow step, calibrated toward
    `crypto.kdf.TARGET_UNLOCK_SECONDS`). Open one with `KeyChange.unlock`; it locks the journal when closed.

    Hold one only for the command that asked for the passphrase: it keeps the passphrase, which a
    rotation needs to wrap the new journal key.
    """

    def __init__(self, vault: Vault, passphrase: str) -> None:
        self._vault = vault
        self._passphrase = passphrase

    @classmethod
    def unlock(cls, path: Path, passphrase: str, *, limits: KdfLimits = crypto.DEFAULT_LIMITS) -> Self:
        """Unlock the journal at `path` to change its keys (see `Vault.unlock` for the errors)."""
        return cls(Vault.unlock(path, passphrase, limits=limits), passphrase)

    def change_passphrase(self, new: str) -> None:
        """Re-wrap the journal key under a new passphrase, in one transaction."""
        self._vault._keyring.set_passphrase(new)
        self._passphrase = new

    def refuse_if_read_only(self, action: str) -> None:
        """Refuse a key change before its new recovery key is shown, when the journal can only be read.

        Raises:
            ReadOnlyJournal: naming `action`.
        """
        self._vault._file.refuse_if_read_only(action)

    def new_recovery_key(self, recovery_key: str) -> None:
        """Replace the recovery key with `recovery_key`, drawn and shown to the user (the old one stops working
        when this commits)."""
        self._vault._keyring.replace_recovery_key(recovery_key)

    def rotate_keys(self, recovery_key: str) -> None:
        """Re-encrypt everything under a new journal key with `recovery_key`, drawn and shown to the user
        (see `Vault.rotate_keys`)."""
        with self._vault._file.mutex:
            self._vault._rotate(self._passphrase, recovery_key)

    def close(self) -> None:
        """Lock the journal again."""
        self._vault.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
