"""The sealed index of an open journal: for each record its revisions, kind, sort key and row digest, in 4,096
buckets that 64 sections name, which the root names. A parent names each child's revision and the digest of
its row (Merkle-style); each row is opened at the revision its parent names and must have the digest it
names, so a row deleted, altered, put back from an older copy or copied from another copy is refused.

Rows are read as needed and held in memory until the next write; reading the whole index goes through
the section snapshots (`snapshots`) while they are current. Byte formats in `index_format`.
"""

from __future__ import annotations

import dataclasses
import sqlite3
from collections.abc import Mapping
from typing import NamedTuple

import crypto
from journal.errors import DamagedJournal, DamagedRecord, JournalChanged, RecordNotFound
from journal.vault import index_format
from journal.vault.file import JournalFile
from journal.vault.index_format import (
    ROOT_ID,
    SECTION_COUNT,
    SECTION_SIZE,
    Bucket,
    IndexEntry,
    Level,
)
from journal.vault.keyring import KeyRing
from journal.vault.schema import BUCKET_TABLE, ROOT_TABLE, SECTION_TABLE
from journal.vault.snapshots import SnapshotShelf

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

# Upserts rewrite a row in place; INSERT OR REPLACE would delete it first, freeing
# and reallocating its pages, and so write more of the file on every save.
_WRITE_INDEX_ROW = {
    ROOT_TABLE: "INSERT INTO index_root (slot, envelope) VALUES (?, ?) "
    "ON CONFLICT (slot) DO UPDATE SET envelope = excluded.envelope",
    SECTION_TABLE: "INSERT INTO index_sections (section, envelope) VALUES (?, ?) "
    "ON CONFLICT (section) DO UPDATE SET envelope = excluded.envelope",
    BUCKET_TABLE: "INSERT INTO index_buckets (bucket, envelope) VALUES (?, ?) "
    "ON CONFLICT (bucket) DO UPDATE SET envelope = excluded.envelope",
}

_ACTION = "read the journal index"
_REPAIR = "`candour repair` rebuilds the index from the records (or restore the journal from a backup)."
"""What a user can do about a damaged index: the records are the authority, the index is derived from them."""


class IndexTop(NamedTuple):
    """What a write did to the levels above the buckets."""

    sections: dict[int, Level]
    """The sections it changed, naming their buckets' new revisions and digests."""
    root: Level
    """The new root."""
    root_nonce: bytes
    """The nonce of the new root's row (see `SealedIndex.check_current`)."""


class SealedIndex:
    """The index of an open journal, read from its rows as needed. The caller holds the file's mutex."""

    def __init__(self, file: JournalFile, keyring: KeyRing) -> None:
        self._file = file
        self._keyring = keyring
        self.snapshots = SnapshotShelf(file, keyring)
        self.root = Level.empty(SECTION_COUNT)
        """What the root names of each section: its revision and its row's digest."""
        self._root_nonce = b""
        """The nonce of the root row this index was read from or last wrote: a write finding another
        root in the file refuses to seal over it (another program wrote the journal meanwhile). Every
        sealing draws a new random nonce, so comparing it tells one root row from any other without
        hashing 1.4 KB in every write."""
        self._sections: dict[int, Level] = {}
        """Sections read so far: what each names of its buckets."""
        self._buckets: dict[int, Bucket] = {}
        """Buckets read so far."""
        self._unsplit: dict[int, index_format.Snapshot] = {}
        """Sections read from a snapshot and not split into buckets yet: listing iterates their packed
        entries; a lookup takes out just the bucket it needs, and a write splits the section. Some of their buckets
        may be in `_buckets` already (read one by one before the whole index was needed): those hold what
        the snapshot holds, since a snapshot is used only while the section names exactly the rows it
        was made from."""
        self._kinds: index_format.KindTable | None = None
        """The whole index, unpacked, until the next write."""
        self.load_root()

    # --- holding the index in memory -------------------------------------------------------

    def load_root(self) -> None:
        """Read the root again (at unlock, and after a batch rolled back)."""
        rows = self._file.rows_of(_READ_INDEX_ROW[ROOT_TABLE], (0,), action=_ACTION)
        plaintext = self._open_row(ROOT_TABLE, 0, 0, None, rows)
        self.root = index_format.decode_level(plaintext, SECTION_COUNT)
        self._root_nonce = crypto.envelope_nonce(rows[0])

    def forget(self) -> None:
        """Drop every section and bucket held in memory (the root stays): the next read opens the rows again."""
        self._buckets.clear()
        self._unsplit.clear()
        self._kinds = None
        self._sections.clear()

    # --- lookups ---------------------------------------------------------------------------

    def entry(self, raw_id: bytes) -> IndexEntry:
        """The entry of one record.

        Raises:
            RecordNotFound: the index holds no such record.
            DamagedJournal: a row on the way to it is missing, altered or rolled back.
        """
        packed = self.bucket(index_format.bucket_of(raw_id)).get(raw_id)
        if packed is None:
            raise RecordNotFound(f"There is no record {raw_id.hex()}.")
        return index_format.unpack_entry(packed)

    def find(self, raw_id: bytes) -> IndexEntry | None:
        """The entry of one record, or None if there is none."""
        try:
            return self.entry(raw_id)
        except RecordNotFound:
            return None

    def kind_table(self) -> index_format.KindTable:
        """The whole index, unpacked (held until the next write)."""
        self._keyring.keys()  # once locked, the root is gone too: say locked, not damaged
        if self._kinds is None:
            self._kinds = index_format.KindTable(self._all_entries(), self._row_digest)
        return self._kinds

    def _row_digest(self, raw_id: bytes) -> bytes:
        """The row digest an entry in memory names (see `KindTable`)."""
        return self.entry(raw_id).row_digest

    def new_id(self, staged: dict[int, Bucket] | None = None) -> bytes:
        """A random id not yet in use (a collision is astronomically unlikely, but cheap to rule out)."""
        while True:
            raw = crypto.new_record_id()
            bucket = index_format.bucket_of(raw)
            if raw != ROOT_ID and raw not in self.bucket(bucket) and raw not in (staged or {}).get(bucket, {}):
                return raw

    def section(self, section: int, rows: Mapping[int, object] | None = None) -> Level:
        """What a section names of its buckets, from `rows` (number -> envelope) if given."""
        cached = self._sections.get(section)
        if cached is None:
            self._keyring.keys()  # once locked, the root is gone too: say locked, not damaged
            plaintext = self.read_row(
                SECTION_TABLE, section, self.root.revisions[section], self.root.digests[section], rows
            )
            cached = (
                Level.empty(SECTION_SIZE) if plaintext is None else index_format.decode_level(plaintext, SECTION_SIZE)
            )
            self._sections[section] = cached
        return cached

    def bucket_child(self, bucket: int) -> tuple[int, bytes]:
        """The revision and row digest of a bucket, as its section names them."""
        section, place = index_format.section_of(bucket)
        level = self.section(section)
        return level.revisions[place], level.digests[place]

    def bucket(self, bucket: int, rows: Mapping[int, object] | None = None) -> Bucket:
        """A bucket's entries, from `rows` (number -> envelope) if given."""
        cached = self._buckets.get(bucket)
        if cached is None:
            section, place = index_format.section_of(bucket)
            if section in self._unsplit:  # only this bucket: a lookup need not split the other 63
                cached = self._buckets[bucket] = self._unsplit[section].bucket(place)
                return cached
            plaintext = self.read_row(BUCKET_TABLE, bucket, *self.bucket_child(bucket), rows)
            cached = {} if plaintext is None else index_format.split_bucket(plaintext)
            self._buckets[bucket] = cached
        return cached

    # --- rows ------------------------------------------------------------------------------

    def section_rows(self) -> dict[int, object]:
        """Every section's envelope, by number, in one query."""
        return self._file.rows_of(_READ_ALL_SECTIONS, action=_ACTION)

    def section_bucket_rows(self, section: int) -> dict[int, object]:
        """The envelopes of one section's buckets, by number, in one query."""
        buckets = index_format.buckets_in(section)
        return self._file.rows_of(_READ_SECTION_BUCKETS, (buckets[0], buckets[-1]), action=_ACTION)

    def read_row(
        self, table: str, number: int, revision: int, row_digest: bytes, rows: Mapping[int, object] | None = None
    ) -> bytes | None:
        """The plaintext of a section or bucket that its parent names at `revision` with `row_digest`; None if
        never written.

        Revision 0 means never written: the section or bucket is empty and has no row.
        One ever written has a revision above 0 in its authentic parent, so removing
        its row cannot pass for "empty"; and a row where the parent says 0 means the parent
        was put back from an older copy, so writing there would bury newer entries.

        Raises:
            DamagedJournal: the row is missing, altered, older than `revision`, not the row its parent
                names (copied from another copy), or exists at revision 0.
        """
        if revision:
            return self._open_row(table, number, revision, row_digest, rows)
        if rows is None:
            rows = self._file.rows_of(_READ_INDEX_ROW[table], (number,), action=_ACTION)
        if number in rows:
            raise DamagedJournal(
                f"{_INDEX_PART_NAMES[table].format(number)} exists where the index says nothing was written: "
                f"the index was rolled back to an older copy. {_REPAIR}"
            )
        return None

    def _open_row(
        self,
        table: str,
        number: int,
        revision: int,
        row_digest: bytes | None,
        rows: Mapping[int, object] | None = None,
    ) -> bytes:
        """Read and open one sealed row of the index, from `rows` (number -> envelope) if given.

        Args:
            row_digest: the digest its parent names (None for the root, which has no parent).
        Raises:
            DamagedJournal: the row is missing, altered, an older copy than `revision`, or not the row
                its parent names.
        """
        keys = self._keyring.keys()
        if rows is None:
            rows = self._file.rows_of(_READ_INDEX_ROW[table], (number,), action=_ACTION)
        what = _INDEX_PART_NAMES[table]
        if number not in rows:
            raise DamagedJournal(f"{what.format(number)} is missing: the file was altered. {_REPAIR}")
        envelope = rows[number]
        if row_digest is not None and (not isinstance(envelope, bytes) or crypto.digest(envelope) != row_digest):
            raise DamagedJournal(
                f"{what.format(number)} is not the one the index names: it was altered, rolled back to an older "
                f"copy, or copied from another copy of the journal. {_REPAIR}"
            )
        try:
            return crypto.open_envelope(keys.index, envelope, table, index_format.sealed_id(number), revision)
        except DamagedRecord:
            raise DamagedJournal(
                f"{what.format(number)} is damaged or was rolled back to an older copy. {_REPAIR}"
            ) from None

    # --- the whole index -------------------------------------------------------------------

    def _all_entries(self) -> list[bytes]:
        """The whole index as runs of packed entries: a section's from its snapshot while that is current,
        else from the section's own rows.

        Sections read from their rows get a new snapshot, so the next process that reads the whole
        index opens 64 snapshots instead of 4,096 buckets (best effort: a read-only or full disk
        only leaves that slower).
        """
        unread = [section for section in range(SECTION_COUNT) if not self._section_held(section)]
        if unread:
            section_rows = self.section_rows()
            for section in unread:
                self.section(section, section_rows)  # refuses a root put back from an older copy
            stale = self._take_snapshots([section for section in unread if self.root.revisions[section]])
            read: dict[int, dict[int, object]] = {}
            for section in unread:
                if not self._section_held(section):
                    read[section] = self.section_bucket_rows(section)
                    for bucket in index_format.buckets_in(section):
                        self.bucket(bucket, read[section])
            self.snapshots.save(
                {
                    section: (
                        self.root.revisions[section],
                        self.section(section),
                        [self._buckets[bucket] for bucket in index_format.buckets_in(section)],
                        read[section],
                    )
                    for section in stale
                }
            )
        return [snapshot.entries for snapshot in self._unsplit.values()] + [
            index_format.join_bucket(entries)
            for bucket, entries in self._buckets.items()
            if bucket // SECTION_SIZE not in self._unsplit
        ]

    def _section_held(self, section: int) -> bool:
        """Whether every bucket of a section is in memory (in `_buckets`, or in an unsplit snapshot)."""
        return section in self._unsplit or all(bucket in self._buckets for bucket in index_format.buckets_in(section))

    def _take_snapshots(self, sections: list[int]) -> list[int]:
        """Take these sections (already read) and their buckets from their snapshots; returns those whose
        snapshot cannot be used (see `SnapshotShelf.current`), to be read from their rows."""
        current = self.snapshots.current(
            {section: (self.root.revisions[section], self.section(section)) for section in sections}
        )
        self._unsplit.update(current)
        return [section for section in sections if section not in current]

    def _split(self, section: int, snapshot: index_format.Snapshot) -> None:
        """Hold a section's buckets from its snapshot, except those already read from their rows (the same)."""
        for bucket, entries in zip(index_format.buckets_in(section), snapshot.buckets(), strict=True):
            self._buckets.setdefault(bucket, entries)

    # --- writing ---------------------------------------------------------------------------

    def stage(self, connection: sqlite3.Connection, staged: dict[int, Bucket]) -> IndexTop:
        """Write each changed bucket at its next revision, then the sections and the root that name them,
        in the caller's transaction; `commit` once it has committed.

        Raises:
            JournalChanged: the file's root is not the one this index holds: another program wrote the
                journal since it was read. Nothing is sealed over it; the index is read again, so the
                next attempt starts from what the file holds.
        """
        self.check_current(connection)
        index_key = self._keyring.keys().index
        sections: dict[int, Level] = {}
        for bucket, entries in staged.items():
            section, place = index_format.section_of(bucket)
            level = sections.get(section) or self.section(section)
            revision = level.revisions[place] + 1
            row_digest = write_row(
                connection, index_key, BUCKET_TABLE, bucket, revision, index_format.join_bucket(entries)
            )
            sections[section] = level.with_child(place, revision, row_digest)
        root = self.root
        for section, level in sections.items():
            revision = root.revisions[section] + 1
            row_digest = write_row(
                connection, index_key, SECTION_TABLE, section, revision, index_format.encode_level(level)
            )
            root = root.with_child(section, revision, row_digest)
        return IndexTop(sections, root, write_root(connection, index_key, root))

    def check_current(self, connection: sqlite3.Connection) -> None:
        """Refuse to write over a root this index did not read or write (see `stage`)."""
        found = connection.execute(_READ_INDEX_ROW[ROOT_TABLE], (0,)).fetchone()
        if found is None or crypto.envelope_nonce(found[1]) != self._root_nonce:
            self.forget()
            self.load_root()
            raise JournalChanged(
                "The journal was changed by another program while it was open here, so nothing was saved "
                "(what you typed is still here). Try again: Candour has read the journal again."
            )

    def commit(self, staged: dict[int, Bucket], top: IndexTop) -> None:
        """After COMMIT succeeded: make the in-memory index match the file."""
        self._kinds = None
        for section in {bucket // SECTION_SIZE for bucket in staged} & self._unsplit.keys():
            self._split(section, self._unsplit.pop(section))  # its snapshot no longer stands for it
        self._buckets.update(staged)
        self._sections.update(top.sections)
        self.root = top.root
        self._root_nonce = top.root_nonce

    def read_every_bucket(self) -> dict[int, Bucket]:
        """Every bucket opened from its row again, none taken from memory or from a snapshot: what a
        rotation re-seals, so that a damaged row is refused instead of re-sealed from a copy."""
        self.forget()
        buckets: dict[int, Bucket] = {}
        for section in range(SECTION_COUNT):
            rows = self.section_bucket_rows(section)
            buckets.update((bucket, self.bucket(bucket, rows)) for bucket in index_format.buckets_in(section))
        return buckets

    def reseal(self, connection: sqlite3.Connection, index_key: bytes, buckets: dict[int, Bucket]) -> None:
        """Write every row of the index again under another key, at the same revisions (a rotation), naming
        the new rows' digests; `buckets` already name the records' new row digests. The in-memory index is
        dropped and read again from the file once the rotation has committed (see `load_root`)."""
        root = self.root
        for section in range(SECTION_COUNT):
            if not root.revisions[section]:
                continue
            level = self.section(section)
            for place, bucket in enumerate(index_format.buckets_in(section)):
                if revision := level.revisions[place]:
                    plaintext = index_format.join_bucket(buckets[bucket])
                    level = level.with_child(
                        place, revision, write_row(connection, index_key, BUCKET_TABLE, bucket, revision, plaintext)
                    )
            section_digest = write_row(
                connection, index_key, SECTION_TABLE, section, root.revisions[section], index_format.encode_level(level)
            )
            root = root.with_child(section, root.revisions[section], section_digest)
        write_root(connection, index_key, root)


def rebind(buckets: dict[int, Bucket], row_digests: Mapping[bytes, bytes]) -> dict[int, Bucket]:
    """The buckets with each entry naming its record's new current-row digest (after a rotation re-sealed them)."""
    rebound: dict[int, Bucket] = {}
    for bucket, entries in buckets.items():
        rebound[bucket] = {}
        for raw_id, packed in entries.items():
            entry = index_format.unpack_entry(packed)
            if raw_id in row_digests:
                entry = dataclasses.replace(entry, row_digest=row_digests[raw_id])
            rebound[bucket][raw_id] = index_format.pack_entry(entry)
    return rebound


def write_fresh_index(connection: sqlite3.Connection, index_key: bytes, buckets: Mapping[int, Bucket]) -> None:
    """Replace the whole index with one naming exactly `buckets`, every row at revision 1, in the caller's
    transaction (a migration, a repair): the levels above are rebuilt from what they name."""
    connection.execute("DELETE FROM index_buckets")
    connection.execute("DELETE FROM index_sections")
    root = Level.empty(SECTION_COUNT)
    for section in range(SECTION_COUNT):
        level = Level.empty(SECTION_SIZE)
        for place, bucket in enumerate(index_format.buckets_in(section)):
            if buckets.get(bucket):
                plaintext = index_format.join_bucket(buckets[bucket])
                level = level.with_child(place, 1, write_row(connection, index_key, BUCKET_TABLE, bucket, 1, plaintext))
        if any(level.revisions):
            plaintext = index_format.encode_level(level)
            root = root.with_child(section, 1, write_row(connection, index_key, SECTION_TABLE, section, 1, plaintext))
    write_root(connection, index_key, root)


def write_row(
    connection: sqlite3.Connection, index_key: bytes, table: str, number: int, revision: int, plaintext: bytes
) -> bytes:
    """Seal one row of a level of the index at `revision`, in the caller's transaction; returns its digest."""
    envelope = crypto.seal(index_key, plaintext, table, index_format.sealed_id(number), revision)
    connection.execute(_WRITE_INDEX_ROW[table], (number, envelope))
    return crypto.digest(envelope)


def write_root(connection: sqlite3.Connection, index_key: bytes, root: Level) -> bytes:
    """The root is sealed at revision 0 always: nothing above it could name a newer one. Returns its nonce
    (nothing names the root by digest)."""
    envelope = crypto.seal(index_key, index_format.encode_level(root), ROOT_TABLE, index_format.sealed_id(0), 0)
    connection.execute(_WRITE_INDEX_ROW[ROOT_TABLE], (0, envelope))
    return crypto.envelope_nonce(envelope)
