"""Rebuilding a journal's sealed index from its authentic records: what `candour repair` does after a copy of
the file is written beside it.

The records are the authority: every row is an envelope bound to its id and revision, and each names the
row before it. The index (which revision of which record is current, its kind and sort key) is derived from
them, so a lost, damaged or rolled-back index can be rebuilt. For each record the newest revision that
opens is current; older ones are kept as far down as their chain holds; rows that do not open, or do not
chain to the current one, are dropped (the copy beside keeps them). A record's kind and sort key are sealed
in the index only, so they are read back from its payload by the caller's `describe` (the vault does not
know the models). Derived data (snapshots, search cache) is dropped, to be rebuilt on use.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import crypto
from journal.errors import DamagedRecord
from journal.vault import index_format
from journal.vault.index import write_fresh_index
from journal.vault.index_format import Bucket, IndexEntry
from journal.vault.keyring import Keys
from journal.vault.records import all_record_rows, row_digest
from journal.vault.schema import DERIVED_TABLES, RECORDS_TABLE

Describe = Callable[[str, bytes], tuple[str, int] | None]
"""(record id, payload) → (kind, sort key) of the value a payload holds, or None if it is none Candour knows."""


@dataclass
class RepairReport:
    """What a repair did, for the user: nothing in it is private (ids and counts only)."""

    backup: Path
    """The copy of the file as it was before the repair."""
    records: int = 0
    """Records in the rebuilt index (deleted ones included)."""
    dropped_revisions: list[tuple[str, int]] = field(default_factory=list)
    """(record id, revision) of rows that did not open or did not chain to their record's current row."""
    lost_records: list[str] = field(default_factory=list)
    """Records none of whose rows could be used: not one opened, or none held a value Candour knows."""


@dataclass
class _Rows:
    """One record's rows as stored: revision → (previous, envelope), and the payload of each that opens."""

    stored: dict[int, tuple[object, object]] = field(default_factory=dict)
    payloads: dict[int, bytes] = field(default_factory=dict)


def rebuild_index(connection: sqlite3.Connection, keys: Keys, describe: Describe, report: RepairReport) -> None:
    """Inside the caller's transaction: drop unusable record rows, and write a new index naming the rest.

    Raises:
        DamagedJournal: SQLite cannot read the records table itself (its pages are damaged).
    """
    by_id: dict[bytes, _Rows] = {}
    for record_id, revision, previous, envelope in all_record_rows(connection):
        rows = by_id.setdefault(record_id, _Rows())
        rows.stored[revision] = (previous, envelope)
        with contextlib.suppress(DamagedRecord):  # a row that does not open is dropped below, and named
            rows.payloads[revision] = crypto.open_envelope(keys.records, envelope, RECORDS_TABLE, record_id, revision)
    buckets: dict[int, Bucket] = {}
    for record_id, rows in sorted(by_id.items()):
        entry = _entry_of(record_id, rows, describe)
        kept = range(entry.first_revision, entry.revision + 1) if entry is not None else range(0)
        dropped = sorted(set(rows.stored) - set(kept))
        connection.executemany(
            "DELETE FROM records WHERE id = ? AND revision = ?", [(record_id, revision) for revision in dropped]
        )
        if entry is None:
            report.lost_records.append(record_id.hex())
            continue
        report.dropped_revisions.extend((record_id.hex(), revision) for revision in dropped)
        buckets.setdefault(index_format.bucket_of(record_id), {})[record_id] = index_format.pack_entry(entry)
        report.records += 1
    write_fresh_index(connection, keys.index, buckets)
    for table in DERIVED_TABLES:
        connection.execute(f"DROP TABLE IF EXISTS {table}")


def _entry_of(record_id: bytes, rows: _Rows, describe: Describe) -> IndexEntry | None:
    """The index entry the record's rows support: its newest revision that opens, down through the chain;
    None when no revision opens or none holds a value `describe` knows."""
    if not rows.payloads:
        return None
    current = max(rows.payloads)
    first = current
    expected = rows.stored[current][0]  # the digest the current row names of the one before it
    while first - 1 in rows.payloads and row_digest(*rows.stored[first - 1]) == expected:
        first -= 1
        expected = rows.stored[first][0]
    # A deletion is an empty revision: its kind and sort key are those of the newest value before it.
    described = next(
        (
            found
            for revision in range(current, first - 1, -1)
            if rows.payloads[revision] and (found := describe(record_id.hex(), rows.payloads[revision])) is not None
        ),
        None,
    )
    if described is None:
        return None
    kind, sort_key = described
    deleted = not rows.payloads[current]
    return IndexEntry(record_id, first, current, kind, sort_key, deleted, row_digest(*rows.stored[current]))
