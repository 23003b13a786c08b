"""Verify: open every stored revision and every row of the sealed index, and compare the two, reporting by
record id what is damaged, missing, rolled back or unknown to the index."""

from __future__ import annotations

from dataclasses import dataclass

import crypto
from journal.errors import DamagedJournal, DamagedRecord, RecordMissing
from journal.vault import index_format
from journal.vault.database import sqlite_errors
from journal.vault.file import JournalFile
from journal.vault.index import SealedIndex
from journal.vault.index_format import SECTION_COUNT, SECTION_SIZE, IndexEntry
from journal.vault.keyring import KeyRing
from journal.vault.records import all_record_rows
from journal.vault.schema import BUCKET_TABLE, RECORDS_TABLE, SECTION_TABLE


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
    """Open every stored revision and compare the file with the sealed index.

    Reports, by record id: damaged revisions, revisions the index lists but the
    file lacks (deleted or rolled back), and rows the index does not know.
    """
    with file.mutex:
        records_key = keyring.keys().records
        problems: list[DamagedJournal] = []
        expected = _indexed_entries(index, problems)
        seen: dict[bytes, set[int]] = {}
        checked = 0
        with sqlite_errors("verify the journal"):
            for record_id, revision, envelope in all_record_rows(file.db()):
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
                    crypto.open_envelope(records_key, envelope, RECORDS_TABLE, record_id, revision)
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


def _indexed_entries(index: SealedIndex, problems: list[DamagedJournal]) -> dict[bytes, IndexEntry]:
    """Every entry of the index, each section and bucket row opened from the file, even those held in
    memory or taken from a snapshot: verifying means reading what the file holds now. A row that fails
    is added to `problems` (a section once, not once for each of its buckets)."""
    expected: dict[bytes, IndexEntry] = {}
    section_rows = index.section_rows()
    for section in range(SECTION_COUNT):
        try:
            plaintext = index.read_row(SECTION_TABLE, section, index.root[section], section_rows)
        except DamagedJournal as problem:
            problems.append(problem)
            continue
        revisions = (
            [0] * SECTION_SIZE if plaintext is None else index_format.decode_revisions(plaintext, SECTION_SIZE)
        )
        bucket_rows = index.section_bucket_rows(section)
        for bucket, revision in zip(index_format.buckets_in(section), revisions, strict=True):
            try:
                packed = index.read_row(BUCKET_TABLE, bucket, revision, bucket_rows)
            except DamagedJournal as problem:
                problems.append(problem)
                continue
            packed_entries = index_format.split_bucket(packed).values() if packed else []
            expected.update((entry.record_id, entry) for entry in map(index_format.unpack_entry, packed_entries))
    return expected


def _missing_detail(entry: IndexEntry, present: set[int]) -> str:
    if not present:
        return "is missing from the file: it was deleted outside Candour"
    return f"was rolled back to revision {max(present)} (the index expects revision {entry.revision})"
