"""Tampering with the file: swapped, replayed and deleted rows are reported by id; bit flips
never yield wrong plaintext or an uncaught exception."""

from __future__ import annotations

import random
import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from journal import CandourError, DamagedJournal, DamagedRecord, RecordMissing
from journal.vault.index_format import bucket_of, section_of
from tests.conftest import MakeVault, unlock


def _rows(path: Path) -> dict[tuple[bytes, int], bytes]:
    with sqlite3.connect(path) as connection:
        rows = connection.execute("SELECT id, revision, envelope FROM records").fetchall()
    connection.close()
    return {(record_id, revision): envelope for record_id, revision, envelope in rows}


def _index_row(path: Path, table: str, number: int) -> bytes:
    """The envelope of one index row (`table` is index_buckets, index_sections or index_root)."""
    key = {"index_buckets": "bucket", "index_sections": "section", "index_root": "slot"}[table]
    with sqlite3.connect(path) as connection:
        envelope: bytes = connection.execute(f"SELECT envelope FROM {table} WHERE {key} = ?", (number,)).fetchone()[0]
    connection.close()
    return envelope


def _execute(path: Path, sql: str, parameters: tuple[object, ...] = ()) -> None:
    connection = sqlite3.connect(path)
    with connection:
        connection.execute(sql, parameters)
    connection.close()


def test_swapping_ciphertext_between_records_fails_by_id(make_vault: MakeVault, journal_path: Path) -> None:
    vault, _ = make_vault()
    first = vault.put("note", b"first")
    second = vault.put("note", b"second")
    vault.close()
    rows = _rows(journal_path)
    _execute(
        journal_path,
        "UPDATE records SET envelope = ? WHERE id = ?",
        (rows[(second.record_id, 1)], first.record_id),
    )
    with unlock(journal_path) as vault:
        with pytest.raises(DamagedRecord) as caught:
            vault.get(first.id_hex)
        assert first.id_hex in str(caught.value)
        assert vault.get(second.id_hex).payload == b"second"
        report = vault.verify()
    assert [getattr(problem, "record_id", None) for problem in report.problems] == [first.id_hex]


def test_moving_ciphertext_from_the_index_into_records_fails(make_vault: MakeVault, journal_path: Path) -> None:
    vault, _ = make_vault()
    entry = vault.put("note", b"x")
    vault.close()
    with sqlite3.connect(journal_path) as connection:
        bucket_envelope = connection.execute("SELECT envelope FROM index_buckets LIMIT 1").fetchone()[0]
    connection.close()
    _execute(journal_path, "UPDATE records SET envelope = ?", (bucket_envelope,))
    with unlock(journal_path) as vault, pytest.raises(DamagedRecord, match=entry.id_hex):
        vault.get(entry.id_hex)


def test_replaying_an_older_revision_is_reported_by_id(make_vault: MakeVault, journal_path: Path) -> None:
    vault, _ = make_vault()
    entry = vault.put("goal", b"status: active")
    vault.put("goal", b"status: achieved", record_id=entry.id_hex)
    vault.close()
    # Roll the record back: remove revision 2 so the authentic revision 1 is the newest row.
    _execute(journal_path, "DELETE FROM records WHERE id = ? AND revision = 2", (entry.record_id,))
    with unlock(journal_path) as vault:
        with pytest.raises(RecordMissing, match=entry.id_hex):
            vault.get(entry.id_hex)
        report = vault.verify()
    assert len(report.problems) == 1
    assert "rolled back to revision 1" in str(report.problems[0])


def test_relabelling_an_old_revision_as_current_fails(make_vault: MakeVault, journal_path: Path) -> None:
    vault, _ = make_vault()
    entry = vault.put("goal", b"old")
    vault.put("goal", b"new", record_id=entry.id_hex)
    vault.close()
    rows = _rows(journal_path)
    _execute(
        journal_path,
        "UPDATE records SET envelope = ? WHERE id = ? AND revision = 2",
        (rows[(entry.record_id, 1)], entry.record_id),
    )
    with unlock(journal_path) as vault, pytest.raises(DamagedRecord, match=entry.id_hex):
        vault.get(entry.id_hex)


def test_a_deleted_row_is_reported_by_id(make_vault: MakeVault, journal_path: Path) -> None:
    vault, _ = make_vault()
    kept = vault.put("note", b"kept")
    removed = vault.put("note", b"removed behind Candour's back")
    vault.close()
    _execute(journal_path, "DELETE FROM records WHERE id = ?", (removed.record_id,))
    with unlock(journal_path) as vault:
        report = vault.verify()
        assert vault.get(kept.id_hex).payload == b"kept"
    assert len(report.problems) == 1
    assert removed.id_hex in str(report.problems[0])
    assert "missing" in str(report.problems[0])


def test_a_row_restored_from_an_old_copy_is_reported(make_vault: MakeVault, journal_path: Path) -> None:
    vault, _ = make_vault()
    entry = vault.put("note", b"to be purged")
    rows = _rows(journal_path)
    vault.purge(entry.id_hex)
    vault.close()
    _execute(
        journal_path,
        "INSERT INTO records VALUES (?, ?, ?, ?)",
        (entry.record_id, 1, bytes(16), rows[(entry.record_id, 1)]),
    )
    with unlock(journal_path) as vault:
        report = vault.verify()
    assert len(report.problems) == 1
    assert "not in the sealed index" in str(report.problems[0])


def test_an_index_bucket_rolled_back_is_detected(make_vault: MakeVault, journal_path: Path) -> None:
    vault, _ = make_vault()
    entry = vault.put("note", b"one")
    bucket = bucket_of(entry.record_id)
    with sqlite3.connect(journal_path) as connection:
        old_bucket = connection.execute("SELECT envelope FROM index_buckets WHERE bucket = ?", (bucket,)).fetchone()[0]
    connection.close()
    vault.put("note", b"two", record_id=entry.id_hex)
    vault.close()
    _execute(journal_path, "UPDATE index_buckets SET envelope = ? WHERE bucket = ?", (old_bucket, bucket))
    with unlock(journal_path) as vault, pytest.raises(DamagedJournal, match="rolled back"):
        vault.get(entry.id_hex)


def test_values_of_the_wrong_type_are_damage_not_a_crash(make_vault: MakeVault, journal_path: Path) -> None:
    vault, _ = make_vault()
    entry = vault.put("note", b"x")
    vault.close()
    for value in (42, "text", 1.5, b""):
        _execute(journal_path, "UPDATE records SET envelope = ?", (value,))
        with unlock(journal_path) as vault, pytest.raises(DamagedRecord):
            vault.get(entry.id_hex)


def test_random_bit_flips_never_yield_wrong_plaintext(
    make_vault: MakeVault, journal_path: Path, tmp_path: Path
) -> None:
    """3,000 single-bit flips anywhere in the file: each gives a clear error or the true content."""
    vault, _ = make_vault()
    expected = {vault.put("note", f"reflection {n} ".encode() * (n * 20 + 1)).id_hex: n for n in range(12)}
    truth = {record_id: vault.get(record_id).payload for record_id in expected}
    vault.close()
    pristine = journal_path.read_bytes()
    target = tmp_path / "flipped" / "journal.candour"
    target.parent.mkdir()
    rng = random.Random(20261126)
    outcomes = {"error": 0, "intact": 0}
    for _ in range(3000):
        data = bytearray(pristine)
        bit = rng.randrange(len(data) * 8)
        data[bit // 8] ^= 1 << (bit % 8)
        for leftover in target.parent.iterdir():
            leftover.unlink()
        target.write_bytes(bytes(data))
        try:
            with unlock(target) as flipped:
                for record_id, payload in truth.items():
                    assert flipped.get(record_id).payload == payload
                if not flipped.verify().ok:
                    raise DamagedJournal("verify reported a problem")
            outcomes["intact"] += 1
        except CandourError as error:
            assert "reflection" not in str(error)
            outcomes["error"] += 1
    assert outcomes["error"] > 0 and sum(outcomes.values()) == 3000
    shutil.rmtree(target.parent)


def test_a_deleted_index_bucket_is_detected(make_vault: MakeVault, journal_path: Path) -> None:
    vault, _ = make_vault()
    entry = vault.put("note", b"one")
    vault.close()
    _execute(journal_path, "DELETE FROM index_buckets WHERE bucket = ?", (bucket_of(entry.record_id),))
    with unlock(journal_path) as vault, pytest.raises(DamagedJournal, match="missing"):
        vault.get(entry.id_hex)


def test_a_deleted_index_section_is_detected(make_vault: MakeVault, journal_path: Path) -> None:
    vault, _ = make_vault()
    entry = vault.put("note", b"one")
    vault.close()
    section, _ = section_of(bucket_of(entry.record_id))
    _execute(journal_path, "DELETE FROM index_sections WHERE section = ?", (section,))
    with unlock(journal_path) as vault, pytest.raises(DamagedJournal, match=f"Section {section} .* missing"):
        vault.get(entry.id_hex)


def test_an_index_section_rolled_back_is_detected_and_reported_once(make_vault: MakeVault, journal_path: Path) -> None:
    vault, _ = make_vault()
    entry = vault.put("note", b"one")
    section, _ = section_of(bucket_of(entry.record_id))
    old_section = _index_row(journal_path, "index_sections", section)
    vault.put("note", b"two", record_id=entry.id_hex)
    vault.close()
    _execute(journal_path, "UPDATE index_sections SET envelope = ? WHERE section = ?", (old_section, section))
    with unlock(journal_path) as vault:
        with pytest.raises(DamagedJournal, match="rolled back"):
            vault.get(entry.id_hex)
        report = vault.verify()
    about_the_section = [problem for problem in report.problems if f"Section {section} " in str(problem)]
    assert len(about_the_section) == 1


def test_a_section_and_its_bucket_rolled_back_together_are_detected(make_vault: MakeVault, journal_path: Path) -> None:
    """An older, self-consistent section and bucket still disagree with the root."""
    vault, _ = make_vault()
    entry = vault.put("goal", b"status: active")
    bucket = bucket_of(entry.record_id)
    section, _ = section_of(bucket)
    old_bucket = _index_row(journal_path, "index_buckets", bucket)
    old_section = _index_row(journal_path, "index_sections", section)
    vault.put("goal", b"status: dropped", record_id=entry.id_hex)
    vault.close()
    _execute(journal_path, "UPDATE index_buckets SET envelope = ? WHERE bucket = ?", (old_bucket, bucket))
    _execute(journal_path, "UPDATE index_sections SET envelope = ? WHERE section = ?", (old_section, section))
    _execute(journal_path, "DELETE FROM records WHERE id = ? AND revision = 2", (entry.record_id,))
    with unlock(journal_path) as vault:
        with pytest.raises(DamagedJournal, match="rolled back"):
            vault.get(entry.id_hex)
        assert not vault.verify().ok


def test_an_index_root_rolled_back_is_detected(make_vault: MakeVault, journal_path: Path) -> None:
    vault, _ = make_vault()
    entry = vault.put("note", b"one")
    old_root = _index_row(journal_path, "index_root", 0)
    vault.put("note", b"two", record_id=entry.id_hex)
    vault.close()
    _execute(journal_path, "UPDATE index_root SET envelope = ? WHERE slot = 0", (old_root,))
    with unlock(journal_path) as vault, pytest.raises(DamagedJournal, match="rolled back"):
        vault.get(entry.id_hex)


def test_a_deleted_index_root_is_detected(make_vault: MakeVault, journal_path: Path) -> None:
    make_vault()[0].close()
    _execute(journal_path, "DELETE FROM index_root")
    with pytest.raises(DamagedJournal, match="root of the journal index is missing"):
        unlock(journal_path)


@pytest.mark.parametrize(("tampering", "reported"), [("delete", "missing"), ("roll back", "rolled back")])
def test_listing_reads_the_whole_index_and_detects_a_tampered_bucket(
    make_vault: MakeVault, journal_path: Path, tampering: str, reported: str
) -> None:
    vault, _ = make_vault()
    vault.put_many(("note", b"x", n) for n in range(50))
    entry = vault.put("note", b"one")
    bucket = bucket_of(entry.record_id)
    old_bucket = _index_row(journal_path, "index_buckets", bucket)
    vault.put("note", b"two", record_id=entry.id_hex)
    vault.close()
    if tampering == "delete":
        _execute(journal_path, "DELETE FROM index_buckets WHERE bucket = ?", (bucket,))
    else:
        _execute(journal_path, "UPDATE index_buckets SET envelope = ? WHERE bucket = ?", (old_bucket, bucket))
    with unlock(journal_path) as vault, pytest.raises(DamagedJournal, match=f"Part {bucket} .*{reported}"):
        vault.recent()


def _replace_records_index(path: Path, tmp_path: Path, change: Callable[[sqlite3.Connection], object]) -> None:
    """Damage only the records' primary-key index: make `change` in a copy of the file, then write the
    copy's index page over the file's, leaving the file's table of rows as it was.

    The index of a few records is a single page at the same place in both files.
    """
    _execute(path, "PRAGMA wal_checkpoint(TRUNCATE)")
    copy = tmp_path / "changed.candour"
    shutil.copyfile(path, copy)
    connection = sqlite3.connect(copy)
    with connection:
        change(connection)
    page_size, root = connection.execute(
        "SELECT page_size, rootpage FROM pragma_page_size, sqlite_schema WHERE name = 'sqlite_autoindex_records_1'"
    ).fetchone()
    leaf_pages = connection.execute("SELECT count(*) FROM dbstat WHERE name = 'sqlite_autoindex_records_1'").fetchone()[
        0
    ]
    connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()
    assert leaf_pages == 1
    with copy.open("rb") as changed:
        changed.seek((root - 1) * page_size)
        page = changed.read(page_size)
    with path.open("r+b") as file:
        file.seek((root - 1) * page_size)
        file.write(page)


def _sqlite_checks(path: Path) -> tuple[str, str]:
    """What SQLite's quick_check and integrity_check say of the file (their first line)."""
    connection = sqlite3.connect(path)
    found = (
        connection.execute("PRAGMA quick_check").fetchone()[0],
        connection.execute("PRAGMA integrity_check").fetchone()[0],
    )
    connection.close()
    return found


def _rowid(connection: sqlite3.Connection, record_id: bytes) -> int:
    rowid: int = connection.execute("SELECT rowid FROM records WHERE id = ?", (record_id,)).fetchone()[0]
    return rowid


# verify runs SQLite's quick_check, which skips matching the records' index against their table, and relies on
# its own walk through that index to find what the match would: a row the index lost, points to wrongly, or
# points to where there is none. Each test first shows that quick_check alone passes the damage.


def test_a_row_the_records_index_lost_is_reported(make_vault: MakeVault, journal_path: Path, tmp_path: Path) -> None:
    vault, _ = make_vault()
    kept = vault.put("note", b"kept")
    unlisted = vault.put("note", b"still in the table, gone from its index")
    vault.close()
    _replace_records_index(
        journal_path, tmp_path, lambda copy: copy.execute("DELETE FROM records WHERE id = ?", (unlisted.record_id,))
    )
    quick, full = _sqlite_checks(journal_path)
    assert quick == "ok" and full != "ok"

    with unlock(journal_path) as vault:
        report = vault.verify()
        assert vault.get(kept.id_hex).payload == b"kept"
    assert [getattr(problem, "record_id", None) for problem in report.problems] == [unlisted.id_hex]


def test_rows_the_records_index_points_to_wrongly_are_reported(
    make_vault: MakeVault, journal_path: Path, tmp_path: Path
) -> None:
    vault, _ = make_vault()
    first = vault.put("note", b"first")
    second = vault.put("note", b"second")
    kept = vault.put("note", b"kept")
    vault.close()

    def swap_rows(copy: sqlite3.Connection) -> None:
        first_row, second_row = _rowid(copy, first.record_id), _rowid(copy, second.record_id)
        copy.execute("UPDATE records SET rowid = -1 WHERE rowid = ?", (first_row,))
        copy.execute("UPDATE records SET rowid = ? WHERE rowid = ?", (first_row, second_row))
        copy.execute("UPDATE records SET rowid = ? WHERE rowid = -1", (second_row,))

    _replace_records_index(journal_path, tmp_path, swap_rows)
    quick, full = _sqlite_checks(journal_path)
    assert quick == "ok" and full != "ok"

    with unlock(journal_path) as vault:
        report = vault.verify()
        assert vault.get(kept.id_hex).payload == b"kept"
    assert sorted(getattr(problem, "record_id", "") for problem in report.problems) == sorted(
        [first.id_hex, second.id_hex]
    )


def test_a_records_index_row_pointing_to_no_row_is_reported(
    make_vault: MakeVault, journal_path: Path, tmp_path: Path
) -> None:
    vault, _ = make_vault()
    vault.put("note", b"kept")
    moved = vault.put("note", b"its index row points past the table")
    vault.close()
    _replace_records_index(
        journal_path,
        tmp_path,
        lambda copy: copy.execute("UPDATE records SET rowid = 1000 WHERE id = ?", (moved.record_id,)),
    )
    quick, full = _sqlite_checks(journal_path)
    assert quick == "ok" and full != "ok"

    with unlock(journal_path) as vault:
        report = vault.verify()
    assert not report.ok
    assert any("damaged" in str(problem) for problem in report.problems)
