"""Index snapshots: a sealed copy of each index section with its 64 buckets, so that reading the whole index
opens 64 envelopes instead of 4,096. Derived data, never trusted over the rows it was made from; the
rules that keep it so are in FORMAT.md ("Index snapshots")."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Mapping

import crypto
from journal.errors import DamagedJournal, DamagedRecord, JournalBusy, StorageError
from journal.vault import index_format
from journal.vault.file import JournalFile
from journal.vault.index_format import Bucket, Level, Snapshot
from journal.vault.keyring import KeyRing
from journal.vault.schema import SNAPSHOT_TABLE, create_derived_table, has_table

_READ_ALL_SNAPSHOTS = "SELECT section, CAST(envelope AS BLOB) FROM index_snapshots"
_READ_BUCKET_NONCES = f"SELECT bucket, substr(CAST(envelope AS BLOB), 2, {crypto.NONCE_SIZE}) FROM index_buckets"  # noqa: S608 - a constant
"""Each bucket row's nonce, which tells one sealing of a row from any other without decrypting it."""
_WRITE_SNAPSHOT = (
    "INSERT INTO index_snapshots (section, envelope) VALUES (?, ?) "
    "ON CONFLICT (section) DO UPDATE SET envelope = excluded.envelope"
)

_ACTION = "read the journal index"

SectionState = tuple[int, Level]
"""A section as the authentic index names it: its revision (from the root) and what it names of its buckets."""

SectionCopy = tuple[int, Level, list[Bucket], Mapping[int, object]]
"""What a snapshot is made of: the section's revision, what it names of its buckets, those buckets, and the
bucket rows (number -> envelope) they were read from."""


class SnapshotShelf:
    """The `index_snapshots` table of an open journal. The caller holds the file's mutex."""

    def __init__(self, file: JournalFile, keyring: KeyRing) -> None:
        self._file = file
        self._keyring = keyring

    def current(self, sections: Mapping[int, SectionState]) -> dict[int, Snapshot]:
        """The snapshots of these sections that can stand for them: each opens at its section's revision and
        names exactly the bucket revisions and row digests the authentic section names, and the file holds
        bucket rows with exactly the nonces it names (read back in one query, nothing decrypted), and no row
        for a bucket never written.

        The authentic section (named by the root, with its digest) names each bucket row's digest, and a
        snapshot was made from bucket rows with the digests it names: while the two agree, the snapshot
        holds what those rows hold. Otherwise its section is read from its rows, which are opened at the
        revisions and digests the section names, so a rollback or a splice is refused exactly as if there
        were no snapshots. A damaged or unreadable snapshot table is only slower: it is read around.
        """
        index_key = self._keyring.keys().index
        try:
            snapshot_rows = self._file.rows_of(_READ_ALL_SNAPSHOTS, action=_ACTION) if self._exists() else {}
        except DamagedJournal:
            return {}  # derived data: damage to its pages only means reading the buckets
        nonces = self._file.rows_of(_READ_BUCKET_NONCES, action=_ACTION) if snapshot_rows else {}
        usable: dict[int, Snapshot] = {}
        for section, (revision, level) in sections.items():
            try:
                plaintext = crypto.open_envelope(
                    index_key, snapshot_rows.get(section), SNAPSHOT_TABLE, index_format.sealed_id(section), revision
                )
                snapshot = index_format.decode_snapshot(plaintext)
            except (DamagedRecord, ValueError):
                continue
            numbers = index_format.buckets_in(section)
            rows_match = all(
                nonces.get(bucket) == nonce if revision else bucket not in nonces
                for bucket, revision, nonce in zip(numbers, snapshot.section.revisions, snapshot.nonces, strict=True)
            )
            if snapshot.section == level and rows_match:
                usable[section] = snapshot
        return usable

    def save(self, sections: Mapping[int, SectionCopy]) -> None:
        """Seal a snapshot of each of these sections, in a transaction of its own; a read-only or full disk
        (or a damaged snapshot table) only leaves the next whole-index read slower."""
        if not sections:
            return
        index_key = self._keyring.keys().index
        with (
            contextlib.suppress(StorageError, JournalBusy, DamagedJournal),
            self._file.transaction("save the index snapshots") as connection,
        ):
            create_derived_table(connection, SNAPSHOT_TABLE)
            for section, (revision, level, buckets, rows) in sections.items():
                nonces = [crypto.envelope_nonce(rows.get(bucket)) for bucket in index_format.buckets_in(section)]
                plaintext = index_format.encode_snapshot(level, buckets, nonces)
                write_snapshot(connection, index_key, section, revision, plaintext)

    def discard(self, connection: sqlite3.Connection, section: int) -> None:
        """Delete one section's snapshot in the caller's transaction (a purge: it still names the record)."""
        if has_table(connection, SNAPSHOT_TABLE):
            connection.execute("DELETE FROM index_snapshots WHERE section = ?", (section,))

    def discard_all(self, connection: sqlite3.Connection) -> None:
        """Delete every snapshot in the caller's transaction (a rotation: none stays under the old key)."""
        if has_table(connection, SNAPSHOT_TABLE):
            connection.execute("DELETE FROM index_snapshots")

    def _exists(self) -> bool:
        return has_table(self._file.db(), SNAPSHOT_TABLE)


def write_snapshot(
    connection: sqlite3.Connection, index_key: bytes, section: int, revision: int, plaintext: bytes
) -> None:
    """Seal one section's snapshot at the section's revision, in the caller's transaction."""
    envelope = crypto.seal(index_key, plaintext, SNAPSHOT_TABLE, index_format.sealed_id(section), revision)
    connection.execute(_WRITE_SNAPSHOT, (section, envelope))
