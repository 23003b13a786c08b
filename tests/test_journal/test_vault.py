"""The vault's life cycle and its store of sealed records."""

from __future__ import annotations

import os
import sqlite3
import unicodedata
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from journal import (
    CandourError,
    ForeignFile,
    InvalidInput,
    InvalidRecoveryKey,
    JournalBusy,
    JournalExists,
    JournalLocked,
    JournalNotFound,
    RecordNotFound,
    UnsupportedFormat,
    Vault,
    WrongPassphrase,
    WrongRecoveryKey,
    draw_recovery_key,
)
from journal.vault import SCHEMA_VERSION, probe_journal
from journal.vault.index_format import IndexEntry, KindTable, bucket_of, pack_entry, section_of
from tests.conftest import CHEAP_KDF, CHEAP_LIMITS, PASSPHRASE, MakeVault, journal_files, unlock


def test_create_unlock_and_read_back(make_vault: MakeVault, journal_path: Path) -> None:
    vault, _ = make_vault()
    entry = vault.put("reflection", b"What shifted: I said no to the reorg.", sort_key=20261126)
    vault.close()
    with unlock(journal_path) as reopened:
        record = reopened.get(entry.id_hex)
    assert record.payload == b"What shifted: I said no to the reorg."
    assert (record.kind, record.sort_key, record.revision) == ("reflection", 20261126, 1)


def test_create_never_overwrites(make_vault: MakeVault, journal_path: Path) -> None:
    make_vault()[0].close()
    before = journal_files(journal_path)
    with pytest.raises(JournalExists):
        Vault.create(journal_path, "another passphrase", kdf=CHEAP_KDF, limits=CHEAP_LIMITS)
    assert journal_files(journal_path) == before


def test_record_ids_are_random_and_revisions_kept(make_vault: MakeVault) -> None:
    vault, _ = make_vault()
    first = vault.put("note", b"v1")
    second = vault.put("note", b"other")
    assert first.record_id != second.record_id
    vault.put("note", b"v2", record_id=first.id_hex)
    vault.put("note", b"v3", record_id=first.id_hex)
    assert vault.revisions(first.id_hex) == [1, 2, 3]
    assert [vault.get(first.id_hex, revision).payload for revision in (1, 2, 3)] == [b"v1", b"v2", b"v3"]
    assert vault.get(first.id_hex).payload == b"v3"
    vault.prune(first.id_hex)
    assert vault.revisions(first.id_hex) == [3]
    with pytest.raises(RecordNotFound):
        vault.get(first.id_hex, 1)


def test_delete_restore_and_purge(make_vault: MakeVault) -> None:
    vault, _ = make_vault()
    entry = vault.put("note", b"keep me")
    vault.delete(entry.id_hex)
    with pytest.raises(RecordNotFound):
        vault.get(entry.id_hex)
    assert vault.recent() == []
    assert [e.record_id for e in vault.entries(include_deleted=True)] == [entry.record_id]
    vault.restore(entry.id_hex)
    assert vault.get(entry.id_hex).payload == b"keep me"
    vault.purge(entry.id_hex)
    with pytest.raises(RecordNotFound):
        vault.get(entry.id_hex)
    assert vault.entries(include_deleted=True) == []
    assert vault.verify().ok


def test_listing_orders_by_sort_key_and_filters_by_kind(make_vault: MakeVault) -> None:
    vault, _ = make_vault()
    for day in (3, 1, 2):
        vault.put("reflection", b"r", sort_key=day)
    vault.put("goal", b"g", sort_key=99)
    assert [e.sort_key for e in vault.recent("reflection", 2)] == [3, 2]
    assert [e.sort_key for e in vault.entries("reflection")] == [3, 2, 1]
    assert vault.count() == 4 and vault.count("goal") == 1


def test_listing_leaves_out_deleted_records_unless_asked(make_vault: MakeVault) -> None:
    vault, _ = make_vault()
    kept = vault.put("reflection", b"kept", sort_key=1)
    gone = vault.put("reflection", b"gone", sort_key=2)
    vault.delete(gone.id_hex)
    assert [e.id_hex for e in vault.recent("reflection")] == [kept.id_hex]
    assert [e.id_hex for e in vault.entries("reflection", include_deleted=True)] == [gone.id_hex, kept.id_hex]
    assert vault.entries("reflection", include_deleted=True)[0].deleted
    assert vault.count("reflection") == 1
    assert vault.entries("réflexion") == [] and vault.count("réflexion") == 0  # kinds are ASCII


def _index_rows(path: Path) -> dict[tuple[str, int], bytes]:
    with sqlite3.connect(path) as connection:
        rows = {
            (table, number): envelope
            for table, key in (("index_buckets", "bucket"), ("index_sections", "section"), ("index_root", "slot"))
            for number, envelope in connection.execute(f"SELECT {key}, envelope FROM {table}")
        }
    connection.close()
    return rows


def test_a_write_reseals_one_bucket_one_section_and_the_root(make_vault: MakeVault, journal_path: Path) -> None:
    """What keeps a write's cost flat: the rest of the index is left as it is, however large."""
    vault, _ = make_vault()
    vault.put_many(("note", b"x", n) for n in range(500))
    before = _index_rows(journal_path)
    entry = vault.put("note", b"one more")
    after = _index_rows(journal_path)
    bucket = bucket_of(entry.record_id)
    section, _ = section_of(bucket)
    changed = {row for row, envelope in after.items() if before.get(row) != envelope}
    assert changed == {("index_buckets", bucket), ("index_sections", section), ("index_root", 0)}


@pytest.mark.parametrize("record_id", ["", "zz", "00" * 16, "ab" * 15, "ab" * 16])
def test_unknown_or_malformed_ids(make_vault: MakeVault, record_id: str) -> None:
    vault, _ = make_vault()
    with pytest.raises(RecordNotFound):
        vault.get(record_id)


@pytest.mark.parametrize("kind", ["", "x" * 16, "réflexion"])
def test_invalid_kind_is_refused(make_vault: MakeVault, kind: str) -> None:
    vault, _ = make_vault()
    with pytest.raises(ValueError):
        vault.put(kind, b"x")


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(payloads=st.lists(st.binary(max_size=3000), min_size=1, max_size=5))
def test_round_trip_through_the_file(tmp_path_factory: pytest.TempPathFactory, payloads: list[bytes]) -> None:
    path = tmp_path_factory.mktemp("rt") / "journal.candour"
    vault, _ = Vault.create(path, PASSPHRASE, kdf=CHEAP_KDF, limits=CHEAP_LIMITS)
    ids = [vault.put("note", payload).id_hex for payload in payloads]
    vault.close()
    with unlock(path) as reopened:
        assert [reopened.get(record_id).payload for record_id in ids] == payloads


def test_locked_vault_refuses_everything(make_vault: MakeVault) -> None:
    vault, _ = make_vault()
    entry = vault.put("note", b"x")
    vault.lock()
    assert not vault.is_open
    with pytest.raises(JournalLocked):
        vault.get(entry.id_hex)
    with pytest.raises(JournalLocked):
        vault.put("note", b"y")
    for listing in (vault.entries, vault.recent, vault.count, lambda: vault.current_revisions("note")):
        with pytest.raises(JournalLocked):
            listing()


def test_second_opener_gets_busy(make_vault: MakeVault, journal_path: Path) -> None:
    make_vault()
    with pytest.raises(JournalBusy):
        unlock(journal_path)


def test_ten_wrong_passphrases_change_no_byte(make_vault: MakeVault, journal_path: Path) -> None:
    vault, _ = make_vault()
    vault.put("note", b"secret")
    vault.close()
    before = journal_files(journal_path)
    for attempt in range(10):
        with pytest.raises(WrongPassphrase):
            unlock(journal_path, f"wrong {attempt}")
    assert journal_files(journal_path) == before


def test_nfd_typed_passphrase_opens_an_nfc_journal(make_vault: MakeVault, journal_path: Path) -> None:
    nfc = unicodedata.normalize("NFC", "Grâce à Zoë, enfin")
    make_vault(passphrase=nfc)[0].close()
    unlock(journal_path, unicodedata.normalize("NFD", nfc)).close()


def test_change_passphrase(make_vault: MakeVault, journal_path: Path) -> None:
    vault, recovery_key = make_vault()
    entry = vault.put("note", b"x")
    with pytest.raises(WrongPassphrase):
        vault.change_passphrase("not it", "new passphrase here")
    vault.change_passphrase(PASSPHRASE, "new passphrase here")
    vault.close()
    with pytest.raises(WrongPassphrase):
        unlock(journal_path, PASSPHRASE)
    with unlock(journal_path, "new passphrase here") as reopened:
        assert reopened.get(entry.id_hex).payload == b"x"
    # The recovery key survives a passphrase change.
    Vault.recover(journal_path, recovery_key, "third passphrase", limits=CHEAP_LIMITS).close()
    unlock(journal_path, "third passphrase").close()


def test_recovery_and_regenerated_recovery_key(make_vault: MakeVault, journal_path: Path) -> None:
    vault, old_key = make_vault()
    entry = vault.put("note", b"x")
    with pytest.raises(WrongPassphrase):
        vault.regenerate_recovery_key("not the passphrase", draw_recovery_key())
    with pytest.raises(InvalidRecoveryKey):
        vault.regenerate_recovery_key(PASSPHRASE, "not a key")
    new_key = draw_recovery_key()
    vault.regenerate_recovery_key(PASSPHRASE, new_key)
    vault.close()
    with pytest.raises(WrongRecoveryKey):
        Vault.recover(journal_path, old_key, "whatever passphrase", limits=CHEAP_LIMITS)
    with pytest.raises(InvalidRecoveryKey):
        Vault.recover(journal_path, "not a key", "whatever passphrase", limits=CHEAP_LIMITS)
    with Vault.recover(journal_path, new_key.lower(), "after recovery", limits=CHEAP_LIMITS) as recovered:
        assert recovered.get(entry.id_hex).payload == b"x"
    unlock(journal_path, "after recovery").close()


def test_rotation_locks_old_copies_out_of_new_writes(make_vault: MakeVault, journal_path: Path, tmp_path: Path) -> None:
    vault, old_recovery = make_vault()
    old_entry = vault.put("note", b"before rotation")
    vault.close()
    old_copy = tmp_path / "old" / "journal.candour"
    old_copy.parent.mkdir()
    old_copy.write_bytes(journal_path.read_bytes())

    with unlock(journal_path) as vault:
        new_recovery = draw_recovery_key()
        vault.rotate_keys(PASSPHRASE, new_recovery)
        new_entry = vault.put("note", b"after rotation")
        assert vault.get(old_entry.id_hex).payload == b"before rotation"
        assert vault.verify().ok
    assert new_recovery != old_recovery

    # Graft the rows written after rotation into the old copy: the old key cannot open them.
    with sqlite3.connect(journal_path) as new, sqlite3.connect(old_copy) as old:
        rows = new.execute("SELECT id, revision, previous, envelope FROM records").fetchall()
        old.executemany("INSERT OR REPLACE INTO records VALUES (?, ?, ?, ?)", rows)
    with unlock(old_copy) as stale:
        with pytest.raises(Exception) as caught:
            stale.get(old_entry.id_hex)
        assert "damaged" in str(caught.value)
        assert new_entry.id_hex not in {e.id_hex for e in stale.entries()}
    with pytest.raises(WrongRecoveryKey):
        Vault.recover(journal_path, old_recovery, "x" * 12, limits=CHEAP_LIMITS)


def test_rotated_journal_reopens_whole(make_vault: MakeVault, journal_path: Path) -> None:
    vault, _ = make_vault()
    created = vault.put_many(("note", f"note {n}".encode(), n) for n in range(300))
    vault.delete(created[7].id_hex)
    vault.rotate_keys(PASSPHRASE, draw_recovery_key())
    vault.close()
    with unlock(journal_path) as reopened:
        report = reopened.verify()
        assert report.ok and report.records_checked == 301
        assert reopened.count() == 299
        assert reopened.get(created[42].id_hex).payload == b"note 42"


def test_rotate_keys_needs_the_passphrase(make_vault: MakeVault) -> None:
    vault, _ = make_vault()
    with pytest.raises(WrongPassphrase):
        vault.rotate_keys("guess", draw_recovery_key())


def test_missing_journal(journal_path: Path) -> None:
    with pytest.raises(JournalNotFound):
        unlock(journal_path)


@pytest.mark.parametrize(
    "content",
    [b"", b"\x00" * 10, b"SQLite format 3\x00" + b"\x00" * 20, bytes(range(256)) * 40, b"hello, world\n" * 100],
    ids=["empty", "zeros", "truncated-sqlite", "random", "text"],
)
def test_files_that_are_not_journals(journal_path: Path, content: bytes) -> None:
    journal_path.parent.mkdir(parents=True)
    journal_path.write_bytes(content)
    with pytest.raises((JournalNotFound, ForeignFile)) as caught:
        unlock(journal_path)
    assert str(caught.value)
    assert journal_path.read_bytes() == content


def test_foreign_sqlite_file(journal_path: Path) -> None:
    journal_path.parent.mkdir(parents=True)
    with sqlite3.connect(journal_path) as other:
        other.execute("CREATE TABLE notes (body TEXT)")
    before = journal_path.read_bytes()
    with pytest.raises(ForeignFile, match="not a Candour journal"):
        unlock(journal_path)
    assert journal_path.read_bytes() == before


def test_truncated_journal_gives_a_clear_error(make_vault: MakeVault, journal_path: Path) -> None:
    vault, _ = make_vault()
    ids = [vault.put("note", b"x" * 2000).id_hex for _ in range(20)]
    vault.close()
    data = journal_path.read_bytes()
    for length in (100, 4096, len(data) // 2, len(data) - 4096):
        journal_path.write_bytes(data[:length])
        try:
            with unlock(journal_path) as damaged:
                report = damaged.verify()
                payloads = [damaged.get(record_id).payload for record_id in ids]
        except CandourError as error:
            assert str(error)
            continue
        raise AssertionError(f"a file cut to {length} bytes opened: {report.ok=}, {len(payloads)} records")


@pytest.mark.parametrize(("version", "wording"), [(SCHEMA_VERSION + 1, "newer"), (1, "older")])
def test_other_format_versions_are_refused_and_left_untouched(
    make_vault: MakeVault, journal_path: Path, version: int, wording: str
) -> None:
    make_vault()[0].close()
    with sqlite3.connect(journal_path) as connection:
        connection.execute(f"PRAGMA user_version = {version}")
    connection.close()
    before = journal_files(journal_path)
    with pytest.raises(UnsupportedFormat, match=wording):
        unlock(journal_path)
    assert journal_files(journal_path) == before


def test_put_many_is_one_transaction(make_vault: MakeVault, journal_path: Path) -> None:
    vault, _ = make_vault()
    created = vault.put_many(("reflection", f"imported {n}".encode(), n) for n in range(600))
    assert len({entry.record_id for entry in created}) == 600
    assert vault.get(created[42].id_hex).payload == b"imported 42"
    with pytest.raises(ValueError):
        vault.put_many([("note", b"fine", 1), ("", b"bad kind", 2)])
    assert vault.count() == 600  # the failed batch left nothing behind
    vault.close()
    with unlock(journal_path) as reopened:
        assert reopened.verify().ok
        assert [e.sort_key for e in reopened.recent(limit=3)] == [599, 598, 597]


def test_prune_keeps_a_deleted_record_restorable(make_vault: MakeVault) -> None:
    vault, _ = make_vault()
    entry = vault.put("note", b"v1")
    vault.put("note", b"v2", record_id=entry.id_hex)
    vault.delete(entry.id_hex)
    vault.prune(entry.id_hex)
    assert vault.revisions(entry.id_hex) == [2, 3]
    vault.restore(entry.id_hex)
    assert vault.get(entry.id_hex).payload == b"v2"
    assert vault.verify().ok


def test_bad_input_is_a_clear_error(make_vault: MakeVault, journal_path: Path) -> None:
    vault, _ = make_vault()
    with pytest.raises(ValueError):
        vault.put("note", b"x", sort_key=2**63)
    vault.close()
    with pytest.raises(InvalidInput):
        unlock(journal_path, "lone \ud800 surrogate")


def test_a_writer_outside_candour_is_reported_as_busy(make_vault: MakeVault, journal_path: Path) -> None:
    vault, _ = make_vault()
    other = sqlite3.connect(journal_path, isolation_level=None, timeout=0)
    other.execute("BEGIN IMMEDIATE")
    try:
        vault._file.db().execute("PRAGMA busy_timeout = 0")
        with pytest.raises(JournalBusy):
            vault.put("note", b"x")
    finally:
        other.execute("ROLLBACK")
        other.close()
    vault.put("note", b"after the other writer left")


def test_a_refused_file_with_a_left_over_log_is_left_byte_for_byte(
    make_vault: MakeVault, journal_path: Path, tmp_path: Path
) -> None:
    vault, _ = make_vault()
    vault.put("note", b"committed, still in the write-ahead log")
    copy = tmp_path / "copy" / "journal.candour"
    copy.parent.mkdir()
    for suffix in ("", "-wal"):  # what a crash leaves behind
        copy.with_name(copy.name + suffix).write_bytes(journal_path.with_name(journal_path.name + suffix).read_bytes())
    vault.close()
    data = bytearray(copy.read_bytes())
    data[60:64] = (SCHEMA_VERSION + 1).to_bytes(4, "big")  # written by a newer Candour
    copy.write_bytes(bytes(data))
    before = journal_files(copy)
    with pytest.raises(UnsupportedFormat):
        probe_journal(copy)
    with pytest.raises(UnsupportedFormat):
        unlock(copy)
    assert journal_files(copy) == before  # not even a lock file: the lock is the file's own


@settings(max_examples=200)
@given(
    st.lists(st.tuples(st.integers(-3, 3), st.sampled_from(["reflection", "session"]), st.booleans()), max_size=40),
    st.integers(-2, 12),
)
def test_the_newest_few_are_the_start_of_the_full_listing(rows: list[tuple[int, str, bool]], limit: int) -> None:
    # Few distinct sort keys: ties at the cut are the rule here, and the id must decide them as a full sort does.
    entries = [
        IndexEntry(n.to_bytes(16, "big")[::-1], 1, 1, kind, key, deleted, row_digest=os.urandom(16))
        for n, (key, kind, deleted) in enumerate(rows)
    ]
    digests = {entry.record_id: entry.row_digest for entry in entries}
    table = KindTable([b"".join(map(pack_entry, entries))], digests.__getitem__)
    for kind in ("reflection", None):
        newest = table.newest_first(kind, False, limit)
        assert newest == table.newest_first(kind, False)[: max(limit, 0)]
        assert all(entry.row_digest == digests[entry.record_id] for entry in newest)


def test_a_long_listing_names_every_row_digest_without_a_lookup_each() -> None:
    entries = [IndexEntry(os.urandom(16), 1, 2, "reflection", n, row_digest=os.urandom(16)) for n in range(1_000)]
    runs = [b"".join(map(pack_entry, entries[start : start + 64])) for start in range(0, 1_000, 64)]
    lookups: list[bytes] = []

    def looked_up(raw_id: bytes) -> bytes:
        lookups.append(raw_id)
        return next(entry.row_digest for entry in entries if entry.record_id == raw_id)

    table = KindTable(runs, looked_up)
    assert [entry.row_digest for entry in table.newest_first("reflection", False, 3)] == [
        entry.row_digest for entry in entries[:-4:-1]
    ]
    assert len(lookups) == 3  # a short listing looks its few digests up
    listed = table.newest_first("reflection", False)
    assert [(entry.record_id, entry.row_digest) for entry in listed] == [
        (entry.record_id, entry.row_digest) for entry in reversed(entries)
    ]
    assert table.newest_first("reflection", False, 3) == listed[:3]
    assert len(lookups) == 3  # the long one read them all in one pass, and the next short one used those
