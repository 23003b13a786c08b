"""The tables of a journal are those of format 3, byte for byte: SQLite keeps each table's CREATE statement in
the file, so a column renamed, retyped or added by accident would change the file format."""

from __future__ import annotations

import shutil
import sqlite3
from datetime import date, datetime
from pathlib import Path

import sqlite_utils

from journal import FixedClock, Journal, Reflection
from journal.vault.schema import DERIVED_TABLES, TABLES
from tests.conftest import CHEAP_KDF, CHEAP_LIMITS, PASSPHRASE
from tests.vectors import vector_paths

Schema = list[tuple[str, str, str | None]]
"""(type, name, sql) of each object in `sqlite_master`, in the order SQLite created them."""

FORMAT_3_SCHEMA: Schema = [
    (
        "table",
        "header",
        "CREATE TABLE header (\n    slot INTEGER PRIMARY KEY CHECK (slot = 0),\n    bytes BLOB NOT NULL,\n"
        "    seal BLOB NOT NULL\n)",
    ),
    ("table", "key_slots", "CREATE TABLE key_slots (\n    kind INTEGER PRIMARY KEY,\n    slot BLOB NOT NULL\n)"),
    (
        "table",
        "records",
        "CREATE TABLE records (\n    id BLOB NOT NULL,\n    revision INTEGER NOT NULL,\n"
        "    previous BLOB NOT NULL,\n    envelope BLOB NOT NULL,\n    PRIMARY KEY (id, revision)\n)",
    ),
    ("index", "sqlite_autoindex_records_1", None),
    (
        "table",
        "index_buckets",
        "CREATE TABLE index_buckets (\n    bucket INTEGER PRIMARY KEY,\n    envelope BLOB NOT NULL\n)",
    ),
    (
        "table",
        "index_sections",
        "CREATE TABLE index_sections (\n    section INTEGER PRIMARY KEY,\n    envelope BLOB NOT NULL\n)",
    ),
    (
        "table",
        "index_root",
        "CREATE TABLE index_root (\n    slot INTEGER PRIMARY KEY CHECK (slot = 0),\n    envelope BLOB NOT NULL\n)",
    ),
]
"""`sqlite_master` of a new format-3 journal, in creation order, as the code of that format wrote it."""

FORMAT_3_DERIVED: Schema = [
    (
        "table",
        "index_snapshots",
        "CREATE TABLE index_snapshots (\n    section INTEGER PRIMARY KEY,\n    envelope BLOB NOT NULL\n)",
    ),
    (
        "table",
        "search_pages",
        "CREATE TABLE search_pages (\n    page INTEGER PRIMARY KEY,\n    envelope BLOB NOT NULL\n)",
    ),
]
"""What the first listing (index snapshots) and the first search (search cache) then add, in that order."""

COLUMNS = {
    "header": {"slot": "INTEGER", "bytes": "BLOB", "seal": "BLOB"},
    "key_slots": {"kind": "INTEGER", "slot": "BLOB"},
    "records": {"id": "BLOB", "revision": "INTEGER", "previous": "BLOB", "envelope": "BLOB"},
    "index_buckets": {"bucket": "INTEGER", "envelope": "BLOB"},
    "index_sections": {"section": "INTEGER", "envelope": "BLOB"},
    "index_root": {"slot": "INTEGER", "envelope": "BLOB"},
    "index_snapshots": {"section": "INTEGER", "envelope": "BLOB"},
    "search_pages": {"page": "INTEGER", "envelope": "BLOB"},
}
"""Every table's columns and their types, as sqlite-utils reads them back (the same schema, said plainly)."""


def schema_of(path: Path) -> Schema:
    """(type, name, sql) of every object in a journal file, in the order SQLite created them."""
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return connection.execute("SELECT type, name, sql FROM sqlite_master ORDER BY rowid").fetchall()
    finally:
        connection.close()


def create_and_use(path: Path) -> tuple[Schema, Schema]:
    """Create a journal at `path`, then list and search it; returns its schema before and after."""
    journal, _ = Journal.create(
        path, PASSPHRASE, kdf=CHEAP_KDF, limits=CHEAP_LIMITS, clock=FixedClock.on(date(2026, 9, 1))
    )
    with journal:
        created = schema_of(path)
        journal.save(Reflection("The first entry", datetime(2026, 9, 1, 9, 0)))
        journal.recent_reflections()  # reads the whole index: saves its snapshots
        journal.search("first")  # saves the search cache
    return created, schema_of(path)


def test_a_new_journal_is_created_with_the_format_3_schema_exactly(journal_path: Path) -> None:
    created, used = create_and_use(journal_path)
    assert created == FORMAT_3_SCHEMA
    assert used == FORMAT_3_SCHEMA + FORMAT_3_DERIVED


def test_the_schema_module_says_what_the_committed_format_vector_holds(tmp_path: Path) -> None:
    copy = tmp_path / "journal.candour"
    shutil.copyfile(vector_paths(3)[0], copy)  # reading may add side files: never beside the committed file
    in_vector = {name: sql for kind, name, sql in schema_of(copy) if kind == "table"}
    statements = {**TABLES, **DERIVED_TABLES}
    assert in_vector == {name: statements[name] for name in in_vector}
    assert set(TABLES) <= set(in_vector)


def test_every_table_and_column_with_its_type(journal_path: Path) -> None:
    create_and_use(journal_path)
    database = sqlite_utils.Database(sqlite3.connect(f"file:{journal_path}?mode=ro", uri=True))
    try:
        assert {table.name: {c.name: c.type for c in table.columns} for table in database.tables} == COLUMNS
        assert {table.name: table.pks for table in database.tables} == {
            name: ["id", "revision"] if name == "records" else [next(iter(columns))]
            for name, columns in COLUMNS.items()
        }
    finally:
        database.close()
