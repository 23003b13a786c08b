"""Rows taken from another copy of the same journal: same key, same ids, same revisions, other ciphertext.

An envelope opens wherever its table, id and revision match, so on its own it cannot tell the row the
journal wrote from a row a second copy (a backup, a synced replica) wrote at the same revision. Format 3
binds every row to the row that names it: each index level names its children's digests, each record
revision names the one before it, and the header and both key slots are sealed under the journal key.
"""

from __future__ import annotations

import dataclasses
import shutil
import sqlite3
from pathlib import Path

import pytest

import crypto
from journal import DamagedJournal, DamagedRecord, JournalChanged, Vault, WrongPassphrase, draw_recovery_key
from journal.vault.index_format import IndexEntry, bucket_of, section_of
from tests.conftest import CHEAP_KDF, CHEAP_LIMITS, PASSPHRASE, MakeVault, unlock

DEARER_KDF = crypto.KdfParams(time_cost=2, memory_kib=16, lanes=1)
"""Costs above the cheapest, so that an attacker has something to lower."""


def _one(path: Path, sql: str, parameters: tuple[object, ...] = ()) -> bytes:
    connection = sqlite3.connect(path)
    try:
        value: bytes = connection.execute(sql, parameters).fetchone()[0]
        return value
    finally:
        connection.close()


def _execute(path: Path, sql: str, parameters: tuple[object, ...] = ()) -> None:
    connection = sqlite3.connect(path)
    with connection:
        connection.execute(sql, parameters)
    connection.close()


@pytest.fixture
def other_copy(tmp_path: Path) -> Path:
    folder = tmp_path / "elsewhere"
    folder.mkdir()
    return folder / "journal.candour"


def _fork(journal_path: Path, other_copy: Path) -> None:
    """Copy a closed journal: from here on both copies are written apart, under the same key."""
    shutil.copyfile(journal_path, other_copy)


def _record_in_two_copies(make_vault: MakeVault, journal_path: Path, other_copy: Path, text: bytes) -> IndexEntry:
    """A journal holding one record, then forked (see `_fork`); returns the record's entry."""
    vault, _ = make_vault()
    record = vault.put("note", text)
    vault.close()
    _fork(journal_path, other_copy)
    return record


def _plant(source: Path, target: Path, table: str, where: str, parameters: tuple[object, ...]) -> None:
    """Put the envelope of the row that `where` picks in `source` into the same row of `target`."""
    planted = _one(source, f"SELECT envelope FROM {table} WHERE {where}", parameters)
    _execute(target, f"UPDATE {table} SET envelope = ? WHERE {where}", (planted, *parameters))


def test_a_record_row_from_another_copy_at_the_same_revision_is_refused(
    make_vault: MakeVault, journal_path: Path, other_copy: Path
) -> None:
    record = _record_in_two_copies(make_vault, journal_path, other_copy, b"written before the copy")
    with unlock(journal_path) as vault:
        vault.put("note", b"what this copy says", record_id=record.id_hex)
    with unlock(other_copy) as elsewhere:
        elsewhere.put("note", b"what the other copy says", record_id=record.id_hex)
    _plant(other_copy, journal_path, "records", "id = ? AND revision = 2", (record.record_id,))
    with unlock(journal_path) as vault:
        with pytest.raises(DamagedRecord):
            vault.get(record.id_hex)
        with pytest.raises(DamagedRecord):
            vault.get(record.id_hex, revision=1)  # reached through the current row, which is not the journal's
        report = vault.verify()
    assert not report.ok
    assert any(record.id_hex in str(problem) for problem in report.problems)


def test_an_older_revision_from_another_copy_breaks_the_chain(
    make_vault: MakeVault, journal_path: Path, other_copy: Path
) -> None:
    record = _record_in_two_copies(make_vault, journal_path, other_copy, b"first")
    with unlock(journal_path) as vault:
        vault.put("note", b"second, here", record_id=record.id_hex)
        vault.put("note", b"third, here", record_id=record.id_hex)
    with unlock(other_copy) as elsewhere:
        elsewhere.put("note", b"second, elsewhere", record_id=record.id_hex)
    _plant(other_copy, journal_path, "records", "id = ? AND revision = 2", (record.record_id,))
    with unlock(journal_path) as vault:
        assert vault.get(record.id_hex).payload == b"third, here"  # the current row is still the journal's
        with pytest.raises(DamagedRecord):
            vault.get(record.id_hex, revision=2)
        assert not vault.verify().ok


def test_an_index_bucket_from_another_copy_at_the_same_revision_is_refused(
    make_vault: MakeVault, journal_path: Path, other_copy: Path
) -> None:
    record = _record_in_two_copies(make_vault, journal_path, other_copy, b"one")
    bucket = bucket_of(record.record_id)
    with unlock(journal_path) as vault:
        vault.put("note", b"here", record_id=record.id_hex)
    with unlock(other_copy) as elsewhere:
        elsewhere.delete(record.id_hex)  # the same bucket, at the same next revision, saying "deleted"
    _plant(other_copy, journal_path, "index_buckets", "bucket = ?", (bucket,))
    with unlock(journal_path) as vault:
        with pytest.raises(DamagedJournal):
            vault.get(record.id_hex)
        assert not vault.verify().ok


def test_an_index_section_from_another_copy_at_the_same_revision_is_refused(
    make_vault: MakeVault, journal_path: Path, other_copy: Path
) -> None:
    record = _record_in_two_copies(make_vault, journal_path, other_copy, b"one")
    section = section_of(bucket_of(record.record_id))[0]
    with unlock(journal_path) as vault:
        vault.put("note", b"here", record_id=record.id_hex)
    with unlock(other_copy) as elsewhere:
        elsewhere.put("note", b"elsewhere", record_id=record.id_hex)
    for table, key in (("index_sections", "section"), ("index_buckets", "bucket")):
        number = section if table == "index_sections" else bucket_of(record.record_id)
        _plant(other_copy, journal_path, table, f"{key} = ?", (number,))
    with unlock(journal_path) as vault:
        with pytest.raises(DamagedJournal):
            vault.get(record.id_hex)
        assert not vault.verify().ok


def test_a_recovery_slot_from_another_copy_is_caught_by_the_seal(
    make_vault: MakeVault, journal_path: Path, other_copy: Path
) -> None:
    make_vault()[0].close()
    _fork(journal_path, other_copy)
    with unlock(other_copy) as elsewhere:
        elsewhere.regenerate_recovery_key(PASSPHRASE, draw_recovery_key())
    planted = _one(other_copy, "SELECT slot FROM key_slots WHERE kind = 2")
    _execute(journal_path, "UPDATE key_slots SET slot = ? WHERE kind = 2", (planted,))
    with unlock(journal_path) as vault:  # the journal still reads: only its recovery slot is not its own
        problems = [str(problem) for problem in vault.verify().problems]
        assert any("recovery key slot" in problem for problem in problems), problems
        with pytest.raises(DamagedJournal, match="new recovery key"):
            vault.change_passphrase(PASSPHRASE, "another passphrase")  # would seal the planted slot
        assert _one(journal_path, "SELECT slot FROM key_slots WHERE kind = 2") == planted
        new_key = draw_recovery_key()
        vault.regenerate_recovery_key(PASSPHRASE, new_key)
        assert vault.verify().ok
    Vault.recover(journal_path, new_key, "another passphrase", limits=CHEAP_LIMITS).close()


def test_a_header_with_lowered_costs_is_refused_and_recovery_keeps_the_real_ones(
    make_vault: MakeVault, journal_path: Path
) -> None:
    vault, recovery_key = Vault.create(journal_path, PASSPHRASE, kdf=DEARER_KDF, limits=CHEAP_LIMITS)
    vault.close()
    header = crypto.decode_header(_one(journal_path, "SELECT bytes FROM header"), CHEAP_LIMITS)
    lowered = dataclasses.replace(header, kdf=CHEAP_KDF)
    _execute(journal_path, "UPDATE header SET bytes = ?", (lowered.encode(),))
    with pytest.raises(WrongPassphrase):
        unlock(journal_path)  # the passphrase slot binds the whole header: other costs, another key
    with Vault.recover(journal_path, recovery_key, "a new passphrase", limits=CHEAP_LIMITS) as recovered:
        assert recovered.verify().ok
    written = crypto.decode_header(_one(journal_path, "SELECT bytes FROM header"), CHEAP_LIMITS)
    assert written.kdf == DEARER_KDF  # the sealed costs, not the lowered ones put into the file
    unlock(journal_path, "a new passphrase").close()


def test_a_root_written_by_another_program_meanwhile_refuses_the_write_then_reads_again(
    make_vault: MakeVault, journal_path: Path, other_copy: Path
) -> None:
    vault, _ = make_vault()
    first = vault.put("note", b"first")
    vault.close()
    _fork(journal_path, other_copy)
    with unlock(other_copy) as elsewhere:
        elsewhere.put("note", b"elsewhere")
    with unlock(journal_path) as vault:
        for table, key in (("index_root", "slot"), ("index_sections", "section"), ("index_buckets", "bucket")):
            rows = sqlite3.connect(other_copy)
            try:
                found = rows.execute(f"SELECT {key}, envelope FROM {table}").fetchall()
            finally:
                rows.close()
            for number, envelope in found:
                _execute(
                    journal_path,
                    f"INSERT INTO {table} ({key}, envelope) VALUES (?, ?) "
                    f"ON CONFLICT ({key}) DO UPDATE SET envelope = excluded.envelope",
                    (number, envelope),
                )
        with pytest.raises(JournalChanged):
            vault.put("note", b"typed while the file changed")
        assert first.id_hex in {entry.id_hex for entry in vault.entries()}
