"""The journal file's tables: their names and the SQL that creates each one — the one place the schema lives
(of format 3; `migration` holds what it needs of format 2).

SQLite keeps each table's CREATE statement in the file itself, so these statements are part of the
file format, byte for byte: a test compares what a new journal holds in `sqlite_master` with the
statements of the committed format vector. sqlite-utils would write the same tables with other
quoting and spacing, which is why it reads the schema back in the tests and does not write it here.

The version lives in `PRAGMA user_version` (see `database.SCHEMA_VERSION`), not in a migrations table:
sqlite-utils' `Migrations` would record each migration with a clear-text timestamp, revealing when
the journal was created.
"""

from __future__ import annotations

import sqlite3

HEADER_TABLE = "header"
"""The 68-byte header (crypto/FORMAT.md) and its seal, in row 0."""
KEY_SLOTS_TABLE = "key_slots"
"""The passphrase and recovery key slots, by kind."""
RECORDS_TABLE = "records"
"""Every kept revision of every record, one envelope a row; the sealed index says which is current."""
BUCKET_TABLE = "index_buckets"
"""The sealed index's 4,096 buckets of entries."""
SECTION_TABLE = "index_sections"
"""The sealed index's 64 sections, each naming its buckets' revisions."""
ROOT_TABLE = "index_root"
"""The sealed index's root, naming each section's revision."""
SNAPSHOT_TABLE = "index_snapshots"
"""Sealed copies of whole index sections (derived data)."""
SEARCH_PAGES_TABLE = "search_pages"
"""The sealed search cache's pages (derived data)."""

TABLES = {
    HEADER_TABLE: """CREATE TABLE header (
    slot INTEGER PRIMARY KEY CHECK (slot = 0),
    bytes BLOB NOT NULL,
    seal BLOB NOT NULL
)""",
    KEY_SLOTS_TABLE: """CREATE TABLE key_slots (
    kind INTEGER PRIMARY KEY,
    slot BLOB NOT NULL
)""",
    RECORDS_TABLE: """CREATE TABLE records (
    id BLOB NOT NULL,
    revision INTEGER NOT NULL,
    previous BLOB NOT NULL,
    envelope BLOB NOT NULL,
    PRIMARY KEY (id, revision)
)""",
    BUCKET_TABLE: """CREATE TABLE index_buckets (
    bucket INTEGER PRIMARY KEY,
    envelope BLOB NOT NULL
)""",
    SECTION_TABLE: """CREATE TABLE index_sections (
    section INTEGER PRIMARY KEY,
    envelope BLOB NOT NULL
)""",
    ROOT_TABLE: """CREATE TABLE index_root (
    slot INTEGER PRIMARY KEY CHECK (slot = 0),
    envelope BLOB NOT NULL
)""",
}
"""The tables every journal is created with, in the order they are created."""

DERIVED_TABLES = {
    SNAPSHOT_TABLE: """CREATE TABLE index_snapshots (
    section INTEGER PRIMARY KEY,
    envelope BLOB NOT NULL
)""",
    SEARCH_PAGES_TABLE: """CREATE TABLE search_pages (
    page INTEGER PRIMARY KEY,
    envelope BLOB NOT NULL
)""",
}
"""Tables of derived data, created the first time they are written, so journals made before them still open."""


def create_tables(connection: sqlite3.Connection) -> None:
    """Create the tables of a new journal, inside the caller's transaction."""
    for statement in TABLES.values():
        connection.execute(statement)


def create_derived_table(connection: sqlite3.Connection, name: str) -> None:
    """Create one of `DERIVED_TABLES` unless it exists (SQLite stores it without the IF NOT EXISTS)."""
    connection.execute(DERIVED_TABLES[name].replace("CREATE TABLE", "CREATE TABLE IF NOT EXISTS", 1))


def has_table(connection: sqlite3.Connection, name: str) -> bool:
    """Whether a table exists yet (the derived ones appear on first use)."""
    found = connection.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,))
    return found.fetchone() is not None
