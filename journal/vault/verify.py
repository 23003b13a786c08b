"""Verify: open every stored revision and every row of the sealed index and compare the two, check the header
and both key slots against their seal, the derived tables and SQLite's integrity; report each problem by name."""

from __future__ import annotations

import itertools
import operator
from dataclasses import dataclass

import crypto
from journal.errors import DamagedJournal, DamagedRecord, RecordMissing
from journal.vault import index_format
from journal.vault.database import sqlite_errors
from journal.vault.file import JournalFile
from journal.vault.index import SealedIndex
from journal.vault.index_format import SECTION_COUNT, SECTION_SIZE, EntryHead, Level
from journal.vault.keyring import KeyRing, check_header_seal
from journal.vault.records import all_record_rows, walk_chain
from journal.vault.schema import BUCKET_TABLE, DERIVED_TABLES, RECORDS_TABLE, SECTION_TABLE, has_table


@dataclass(frozen=True)
class VerifyReport:
    """What `verify` checked and what it found."""

    records_checked: int
    """Record revisions opened and authenticated."""
    problems: list[DamagedJournal]
    """Each problem, naming the record it concerns; empty when the journal is intact."""

    @property
    def ok(self) -> bool:
        """True when nothing is damaged, missing, rolled back or unexpected."""
        return not self.problems


def verify(file: JournalFile, keyring: KeyRing, index: SealedIndex) -> VerifyReport:
    """Open every stored revision and compare the file with the sealed index, and check the header and both
    key slots against their seal, the derived tables and SQLite's own integrity.

    Reports, by record id: damaged revisions, revisions the index lists but the file lacks (deleted or
    rolled back), rows that are not the ones the index's chain names (altered, or copied from another
    copy of the journal), and rows the index does not know; by name, everything else.
    """
    with file.mutex:
        keys = keyring.keys()
        problems: list[DamagedJournal] = [DamagedJournal(text) for text in _sqlite_problems(file)]
        problems += [DamagedJournal(text) for text in check_header_seal(file.db(), keys.header)]
        expected = _indexed_entries(index, problems)
        checked = _check_records(file, keys.records, expected, problems)
        problems += [DamagedJournal(text) for text in _derived_problems(file)]
        return VerifyReport(checked, problems)


def _check_records(
    file: JournalFile, records_key: bytes, expected: dict[bytes, EntryHead], problems: list[DamagedJournal]
) -> int:
    """Authenticate every stored row and compare each record's rows with its entry in `expected` (taken out
    as it is checked; those left are missing from the file); add what is wrong to `problems`. Returns the
    number of revisions authenticated."""
    checked = 0
    try:
        with sqlite_errors("verify the journal"):
            # Rows come in id order, so each record's rows are checked together and let go: holding every
            # envelope until the end would keep the whole journal in memory.
            for record_id, rows in itertools.groupby(all_record_rows(file.db()), key=operator.itemgetter(0)):
                entry = expected.pop(record_id, None)
                indexed: list[tuple[int, object, object]] = []
                opened = True  # a revision that fails to open is reported once, not again for its chain
                for _, revision, previous, envelope in rows:
                    if entry is None or not entry.first_revision <= revision <= entry.revision:
                        problems.append(
                            DamagedJournal(
                                f"Record {record_id.hex()} revision {revision} is not in the sealed index: "
                                "it was inserted or restored from an older copy."
                            )
                        )
                        continue
                    indexed.append((revision, previous, envelope))
                    try:
                        crypto.authenticate_envelope(records_key, envelope, RECORDS_TABLE, record_id, revision)
                        checked += 1
                    except DamagedRecord as problem:
                        problems.append(problem)
                        opened = False
                if entry is not None:
                    problems += _chain_problems(entry, indexed, opened)
    except DamagedJournal as problem:
        # SQLite could not read on (a page of the records or of their index is damaged): the records after
        # that point were not checked, which is not the same as missing from the file.
        problems.append(
            DamagedJournal(f"{problem} Reading stopped there: {len(expected)} record(s) after it were not checked.")
        )
        return checked
    problems += [RecordMissing(entry.record_id.hex(), _missing_detail(entry, set())) for entry in expected.values()]
    return checked


def _chain_problems(entry: EntryHead, rows: list[tuple[int, object, object]], opened: bool) -> list[DamagedJournal]:
    """What is wrong with a record's chain of rows (all of its indexed rows, each opened: `opened` if all did)."""
    present = {revision for revision, _, _ in rows}
    if entry.revision not in present:
        return [RecordMissing(entry.record_id.hex(), _missing_detail(entry, present))]
    if not opened:
        return []
    try:
        walk_chain(entry, rows, entry.first_revision)
    except DamagedJournal as problem:
        return [problem]
    return []


def _sqlite_problems(file: JournalFile) -> list[str]:
    """What SQLite's own integrity check finds in the file's pages (any table, derived ones included)."""
    try:
        with sqlite_errors("verify the journal"):
            # quick_check reads every page and row as integrity_check does, but skips matching the
            # primary key's index against the table (at 100,000 records, two thirds of the time): the
            # walk below reads the records through that index, so a row it lost shows as missing
            # and a row it points to wrongly fails to open or to match its chain.
            found = [str(row[0]) for row in file.db().execute("PRAGMA quick_check(20)")]
    except DamagedJournal as problem:
        return [str(problem)]
    if found == ["ok"]:
        return []
    return [f"SQLite's integrity check found damage to the file's pages: {len(found)} problem(s), first: {found[0]}"]


def _derived_problems(file: JournalFile) -> list[str]:
    """Derived tables (index snapshots, search cache) whose rows cannot be read back: harmless to what is
    stored, but a command that reads them would be slowed or stopped; `candour repair` rebuilds them."""
    problems = []
    for table in DERIVED_TABLES:
        try:
            with sqlite_errors("verify the journal"):
                if has_table(file.db(), table):
                    for _number, envelope in file.db().execute(f"SELECT * FROM {table}"):  # noqa: S608 - a constant
                        if not isinstance(envelope, bytes):
                            raise DamagedJournal(table)
        except DamagedJournal:
            problems.append(
                f"The derived table {table} is damaged (nothing you wrote is lost; run `candour repair` to rebuild it)."
            )
    return problems


def _indexed_entries(index: SealedIndex, problems: list[DamagedJournal]) -> dict[bytes, EntryHead]:
    """Every entry of the index, each section and bucket row opened from the file, even those held in
    memory or taken from a snapshot: verifying means reading what the file holds now. A row that fails
    is added to `problems` (a section once, not once for each of its buckets)."""
    expected: dict[bytes, EntryHead] = {}
    section_rows = index.section_rows()
    root = index.root
    for section in range(SECTION_COUNT):
        try:
            plaintext = index.read_row(
                SECTION_TABLE, section, root.revisions[section], root.digests[section], section_rows
            )
        except DamagedJournal as problem:
            problems.append(problem)
            continue
        level = Level.empty(SECTION_SIZE) if plaintext is None else index_format.decode_level(plaintext, SECTION_SIZE)
        bucket_rows = index.section_bucket_rows(section)
        for bucket, revision, digest in zip(index_format.buckets_in(section), *level, strict=True):
            try:
                packed = index.read_row(BUCKET_TABLE, bucket, revision, digest, bucket_rows)
            except DamagedJournal as problem:
                problems.append(problem)
                continue
            expected.update((head.record_id, head) for head in index_format.entry_heads(packed or b""))
    return expected


def _missing_detail(entry: EntryHead, present: set[int]) -> str:
    if not present:
        return "is missing from the file: it was deleted outside Candour"
    return f"was rolled back to revision {max(present)} (the index expects revision {entry.revision})"
