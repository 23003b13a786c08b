"""What a journal file shows to someone who holds it without the passphrase: its format version and application
id, its tables and their row counts, the records' revision numbers, the sizes of its sealed values, and the file's
size and pages. `candour inspect` prints it.

It is read with SQLite alone, never with a key, never asking for a passphrase, without the journal's lock, and
without changing a byte of the file or leaving a file beside it.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import sqlite_utils
from sqlite_utils.db import quote_identifier

from crypto import CandourError, KdfLimits, KdfParams, decode_header
from journal.errors import StorageError, UnsupportedFormat
from journal.vault.database import SIDE_FILES, check_file_format, sqlite_errors
from journal.vault.schema import HEADER_TABLE, RECORDS_TABLE

WAL_SUFFIX, SHM_SUFFIX = "-wal", "-shm"

ANY_KDF = KdfLimits(floor=KdfParams(0, 0, 0), cap=KdfParams(2**32 - 1, 2**32 - 1, 2**8 - 1))
"""Every cost the header's fields can hold: inspecting shows the costs and never derives with them."""


@dataclass(frozen=True)
class Bucket:
    """How many values lie from `low` to `high`, both included: how many different ones, the least and the most."""

    low: int
    high: int
    count: int
    distinct: int
    smallest: int
    largest: int


@dataclass(frozen=True)
class ColumnSizes:
    """The sizes in bytes of one BLOB column's values, bucketed (see `bucket`)."""

    column: str
    buckets: tuple[Bucket, ...]


@dataclass(frozen=True)
class TableView:
    """One table as the file shows it: its name, its number of rows, and the sizes of its BLOB columns."""

    name: str
    rows: int
    sizes: tuple[ColumnSizes, ...]


@dataclass(frozen=True)
class RevisionView:
    """The `records` table's revision numbers, which are in clear beside each record's random id."""

    records: int
    """Distinct record ids."""
    rows: int
    """Kept revisions of all records together."""
    highest_revision: int
    revisions_per_record: tuple[Bucket, ...]
    """How many records keep how many revisions."""


@dataclass(frozen=True)
class JournalView:
    """Everything `inspect_journal` found, in plain values."""

    path: Path
    file_size: int
    page_size: int
    page_count: int
    free_pages: int
    format_version: int
    """`PRAGMA user_version`."""
    application_id: int
    """`PRAGMA application_id`."""
    kdf: KdfParams | None
    """The Argon2id costs in the header, which is in clear (with a random salt and the journal's id, which
    every copy of the journal shares); None when there is no header this Candour reads."""
    tables: tuple[TableView, ...]
    revisions: RevisionView | None
    """None when the file has no `records` table."""
    side_files: tuple[tuple[str, int], ...]
    """SQLite's files beside the journal (name, size in bytes): a write-ahead log is left by a Candour that has
    the journal open or was stopped before it could fold the log back."""
    write_ahead_log_read: bool
    """Whether what the write-ahead log holds is counted: it is when the log and its shared-memory file are
    there to read without creating either."""


def bucket(counts: Iterable[tuple[int, int]]) -> tuple[Bucket, ...]:
    """Group (value, how many) pairs in buckets doubling in width: 0, 1, 2, 3–4, 5–8, 9–16, …

    Padded sizes fall on few distinct values, so a bucket says how many it holds besides how many rows.
    """
    grouped: dict[tuple[int, int], Counter[int]] = {}
    for value, count in counts:
        high = 0 if value <= 0 else 1 << (value - 1).bit_length()
        low = high // 2 + 1 if high > 1 else high
        grouped.setdefault((low, high), Counter())[value] += count
    return tuple(
        Bucket(low, high, sum(values.values()), len(values), min(values), max(values))
        for (low, high), values in sorted(grouped.items())
    )


def inspect_journal(path: Path) -> JournalView:
    """Read what `path` shows without its passphrase.

    A file with no write-ahead log beside it is opened immutable: SQLite then takes no lock and creates no
    shared-memory or log file (opened `mode=ro`, a journal in WAL mode gets both, and they stay). A log that
    appears meanwhile (a Candour opened the journal) makes it read again through the log, `mode=ro`, as when a
    log and its shared-memory file are there from the start; a folder where SQLite still cannot read them falls
    back to reading the file alone.

    Raises:
        JournalNotFound: no file, a folder or an empty file.
        ForeignFile: not SQLite, or another application's database (its application id differs).
        DamagedJournal: SQLite cannot read the file.
        StorageError: the operating system refused to read it.
    """
    with contextlib.suppress(UnsupportedFormat):
        check_file_format(path)  # another format version is shown as it is: its tables are as visible
    log, shared_memory = _beside(path, WAL_SUFFIX), _beside(path, SHM_SUFFIX)
    if not log.exists():
        view = _read(path, "immutable=1", write_ahead_log_read=False)
        if not log.exists():
            return view
    if log.exists() and shared_memory.exists():
        try:
            return _read(path, "mode=ro", write_ahead_log_read=True)
        except StorageError:
            pass  # the folder does not let SQLite open the log read-only: read the file alone
    return _read(path, "immutable=1", write_ahead_log_read=False)


def _beside(path: Path, suffix: str) -> Path:
    return path.with_name(path.name + suffix)


@contextlib.contextmanager
def _read_only(path: Path, mode: str) -> Iterator[sqlite_utils.Database]:
    # An absolute URI, so `?` or `#` in a folder's name stays part of the path.
    connection = sqlite3.connect(f"{path.absolute().as_uri()}?{mode}", uri=True, isolation_level=None)
    try:
        connection.execute("PRAGMA query_only = ON")
        connection.execute("PRAGMA trusted_schema = OFF")  # a crafted file's schema runs no function of ours
        # No plugins and no connection pragmas: what is read depends on the file alone.
        yield sqlite_utils.Database(connection, recursive_triggers=False, execute_plugins=False)
    finally:
        connection.close()


def _read(path: Path, mode: str, *, write_ahead_log_read: bool) -> JournalView:
    with sqlite_errors("inspect the journal"), _read_only(path, mode) as database:
        database.execute("BEGIN")  # one snapshot: counts and sizes agree with each other
        names = database.table_names()
        view = JournalView(
            path=path,
            file_size=path.stat().st_size,
            page_size=_pragma(database, "page_size"),
            page_count=_pragma(database, "page_count"),
            free_pages=_pragma(database, "freelist_count"),
            format_version=_pragma(database, "user_version"),
            application_id=_pragma(database, "application_id"),
            kdf=_kdf(database) if HEADER_TABLE in names else None,
            tables=tuple(_table(database, name) for name in names),
            revisions=_revisions(database) if RECORDS_TABLE in names else None,
            side_files=tuple(
                (candidate.name, candidate.stat().st_size)
                for candidate in (_beside(path, suffix) for suffix in SIDE_FILES)
                if candidate.exists()
            ),
            write_ahead_log_read=write_ahead_log_read,
        )
        database.execute("COMMIT")
    return view


def _pragma(database: sqlite_utils.Database, name: str) -> int:
    return int(database.execute(f"PRAGMA {name}").fetchone()[0])


def _kdf(database: sqlite_utils.Database) -> KdfParams | None:
    row = database.execute(f"SELECT bytes FROM {quote_identifier(HEADER_TABLE)} WHERE slot = 0").fetchone()  # noqa: S608 - our own table's name
    try:
        return decode_header(row[0], ANY_KDF).kdf if row else None
    except CandourError:
        return None  # another header version, or a damaged one: its costs are not known


def _table(database: sqlite_utils.Database, name: str) -> TableView:
    table = database.table(name)
    blob_columns = [column.name for column in table.columns if column.type.upper() == "BLOB"]
    return TableView(name, int(table.count), tuple(_sizes(database, name, column) for column in blob_columns))


def _sizes(database: sqlite_utils.Database, table: str, column: str) -> ColumnSizes:
    quoted = quote_identifier(column)
    rows = database.execute(
        f"SELECT length({quoted}), count(*) FROM {quote_identifier(table)} WHERE {quoted} IS NOT NULL GROUP BY 1"  # noqa: S608 - quoted names from the file's own schema
    )
    return ColumnSizes(column, bucket((int(size), int(count)) for size, count in rows))


def _revisions(database: sqlite_utils.Database) -> RevisionView:
    records = quote_identifier(RECORDS_TABLE)
    kept = database.execute(
        f"SELECT kept, count(*) FROM (SELECT count(*) AS kept FROM {records} GROUP BY id) GROUP BY kept"  # noqa: S608 - our own table's name
    ).fetchall()
    highest = database.execute(f"SELECT max(revision) FROM {records}").fetchone()[0]  # noqa: S608 - as above
    return RevisionView(
        records=sum(int(count) for _, count in kept),
        rows=sum(int(revisions) * int(count) for revisions, count in kept),
        highest_revision=int(highest or 0),
        revisions_per_record=bucket((int(revisions), int(count)) for revisions, count in kept),
    )
