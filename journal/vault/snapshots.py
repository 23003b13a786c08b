"""Index snapshots: a sealed copy of each index section with its 64 buckets, so that reading the whole index
opens 64 envelopes instead of 4,096. Derived data, never trusted over the rows it was made from; the
rules that keep it so are in FORMAT.md ("Index snapshots")."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Mapping

import crypto
from journal.errors import DamagedRecord, JournalBusy, StorageError
from journal.vault import index_format
from journal.vault.file import JournalFile
from journal.vault.index_format import Bucket, Snapshot
from journal.vault.keyring import KeyRing
from journal.vault.schema import SNAPSHOT_TABLE, create_derived_table, has_table

_READ_ALL_SNAPSHOTS = "SELECT section, CAST(envelope AS BLOB) FROM index_snapshots"
_READ_BUCKET_NONCES = (
    f"SELECT bucket, substr(CAST(envelope AS BLOB), 2, {crypto.NONCE_SIZE}) FROM index_buckets"  # noqa: S608 - a constant
)
"""Each bucket row's nonce, which tells one sealing of a row from any other without decrypting it."""
_WRITE_SNAPSHOT = (
    "INSERT INTO index_snapshots (section, envelope) VALUES (?, ?) "
    "ON CONFLICT (section) DO UPDATE SET envelope = excluded.envelope"
)

_ACTION = "read the journal index"

SectionState = tuple[int, list[int]]
"""A section as the authentic index names it: its revision (from the root) and its buckets' revisions."""

SectionCopy = tuple[int, list[int], list[Bucket], Mapping[int, object]]
"""What a snapshot is made of: the section's revision and its buckets' revisions, its buckets, and the
bucket rows (number -> envelope) they were read from."""


class SnapshotShelf:
    """The `index_snapshots` table of an open journal. The caller holds the file's mutex."""

    def __init__(self, file: JournalFile, keyring: KeyRing) -> None:
        self._file = file
        self._keyring = keyring

    def current(self, sections: Mapping[int, SectionState]) -> dict[int, Snapshot]:
        """The snapshots of these sections that can stand for them: each opens at its section's revision,
        names the same bucket revisions, and was made from exactly the bucket rows the file holds.

        A snapshot names the nonce of each bucket row it was made from, and every bucket row's
        nonce is read back (one query, nothing decrypted): a snapshot is used only while the file
        holds exactly those rows, and no row for a bucket never written. Otherwise its section is
        read from its rows, which are opened at the revisions the section names, so a rollback is
        refused exactly as if there were no snapshots.
        """
        index_key = self._keyring.keys().index
        snapshot_rows = self._file.rows_of(_READ_ALL_SNAPSHOTS, action=_ACTION) if self._exists() else {}
        nonces = self._file.rows_of(_READ_BUCKET_NONCES, action=_ACTION) if snapshot_rows else {}
        usable: dict[int, Snapshot] = {}
        for section, (revision, bucket_revisions) in sections.items():
            try:
                plaintext = crypto.open_envelope(
                    index_key, snapshot_rows.get(section), SNAPSHOT_TABLE, index_format.sealed_id(section), revision
                )
                snapshot = index_format.decode_snapshot(plaintext)
            except (DamagedRecord, ValueError):
                continue
            numbers = index_format.buckets_in(section)
            rows_match = all(
                nonces.get(bucket) == nonce if bucket_revision else bucket not in nonces
                for bucket, bucket_revision, nonce in zip(numbers, snapshot.revisions, snapshot.nonces, strict=True)
            )
            if snapshot.revisions == bucket_revisions and rows_match:
                usable[section] = snapshot
        return usable

    def save(self, sections: Mapping[int, SectionCopy]) -> None:
        """Seal a snapshot of each of these sections, in a transaction of its own; a read-only or full disk
        only leaves the next whole-index read slower."""
        if not sections:
            return
        index_key = self._keyring.keys().index
        with (
            contextlib.suppress(StorageError, JournalBusy),
            self._file.transaction("save the index snapshots") as connection,
        ):
            create_derived_table(connection, SNAPSHOT_TABLE)
            for section, (revision, bucket_revisions, buckets, rows) in sections.items():
                nonces = [crypto.envelope_nonce(rows.get(bucket)) for bucket in index_format.buckets_in(section)]
                plaintext = index_format.encode_snapshot(bucket_revisions, buckets, nonces)
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
