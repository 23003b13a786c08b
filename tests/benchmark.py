"""Benchmark of the encrypted journal file; run with `python -m tests.benchmark` (add `--quick` for a smoke run).

Measures, reporting medians (this kind of machine is noisy, so ratios matter more than seconds):
- unlock at the default Argon2id cost, against the fastest Argon2id the project can use;
- sealing and opening throughput of 1.5 KB records;
- adding one record to journals of 1k, 10k and 100k records, against a bare SQLite insert+commit,
  first right after opening (empty write-ahead logs), then once both logs have wrapped;
- listing the 10 most recent records (index + decrypting those 10) after unlock, at those sizes.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

import nacl.pwhash
from argon2.low_level import Type, hash_secret_raw

import crypto
from crypto import KdfLimits, KdfParams
from journal import Vault

CHEAP = KdfParams(time_cost=1, memory_kib=8, lanes=1)
CHEAP_LIMITS = KdfLimits(floor=CHEAP, cap=crypto.DEFAULT_LIMITS.cap)
PASSPHRASE = "benchmark passphrase of seven words"
PAYLOAD = (b"What did I explore? How I hold back in leadership meetings. What shifted? " * 20)[:1500]


def median_seconds(action: Callable[[], object], repeats: int) -> float:
    """Median wall time of `repeats` runs of `action`."""
    times = []
    for _ in range(repeats):
        began = time.perf_counter()
        action()
        times.append(time.perf_counter() - began)
    return statistics.median(times)


def bench_unlock(folder: Path, repeats: int) -> None:
    params = crypto.DEFAULT_PARAMS
    path = folder / "unlock.candour"
    Vault.create(path, PASSPHRASE, kdf=params)[0].close()
    salt = os.urandom(16)
    secret = PASSPHRASE.encode()

    def argon2_cffi(lanes: int) -> Callable[[], object]:
        return lambda: hash_secret_raw(secret, salt, params.time_cost, params.memory_kib, lanes, 32, Type.ID)

    # Unlock and the derivation it is made of are measured in turns, so that both see the same noise.
    unlocks, derivations = [], []
    for _ in range(repeats):
        unlocks.append(median_seconds(lambda: Vault.unlock(path, PASSPHRASE).close(), 1))
        derivations.append(median_seconds(argon2_cffi(2), 1))
    ours, cffi_two = statistics.median(unlocks), statistics.median(derivations)
    cffi_one = median_seconds(argon2_cffi(1), repeats)
    sodium = median_seconds(
        lambda: nacl.pwhash.argon2id.kdf(
            32, secret, salt, opslimit=params.time_cost, memlimit=params.memory_kib * 1024
        ),
        repeats,
    )
    fastest = min(cffi_two, cffi_one, sodium)
    mib = params.memory_kib // 1024
    print(f"\n## Unlock at the default cost (Argon2id {mib} MiB, t={params.time_cost}, {params.lanes} lanes)")
    print("| what | median |")
    print("| --- | --- |")
    print(f"| Candour unlock (KDF + unwrap + open file + index root) | {ours:.3f} s |")
    print(f"| argon2-cffi, 2 lanes (what Candour uses) | {cffi_two:.3f} s |")
    print(f"| argon2-cffi, 1 lane | {cffi_one:.3f} s |")
    print(f"| libsodium Argon2id (1 lane only) | {sodium:.3f} s |")
    print(f"\nCandour unlock / fastest implementation: **{ours / fastest:.2f}x**")
    print(f"Calibrated at creation on this machine: {crypto.calibrate()}")


def bench_envelopes(records: int) -> None:
    key = crypto.new_journal_key()
    record_id = crypto.new_record_id()
    sealed = [crypto.seal(key, PAYLOAD, "records", record_id, n) for n in range(records)]
    seal_time = median_seconds(lambda: [crypto.seal(key, PAYLOAD, "records", record_id, n) for n in range(records)], 3)
    open_time = median_seconds(
        lambda: [crypto.open_envelope(key, env, "records", record_id, n) for n, env in enumerate(sealed)], 3
    )
    print("\n## Envelopes (1.5 KB records, one thread)")
    print(f"seal: {records / seal_time:,.0f} records/s; open: {records / open_time:,.0f} records/s")


def build_journal(path: Path, size: int) -> None:
    vault, _ = Vault.create(path, PASSPHRASE, kdf=CHEAP, limits=CHEAP_LIMITS)
    batch = 10_000
    for start in range(0, size, batch):
        vault.put_many(("reflection", PAYLOAD, start + n) for n in range(min(batch, size - start)))
    vault.close()


class BareSqlite:
    """A plain SQLite table of `size` rows with the same durability settings: the floor for one write."""

    def __init__(self, path: Path, size: int) -> None:
        self.blob = crypto.seal(crypto.new_journal_key(), PAYLOAD, "records", bytes(16), 1)
        filling = sqlite3.connect(path, isolation_level=None)
        filling.execute("PRAGMA journal_mode = WAL")
        filling.execute("CREATE TABLE records (id BLOB PRIMARY KEY, envelope BLOB)")
        filling.execute("BEGIN")
        filling.executemany("INSERT INTO records VALUES (?, ?)", ((os.urandom(16), self.blob) for _ in range(size)))
        filling.execute("COMMIT")
        # Closed and reopened, like the journal it is compared with: each then starts
        # from an empty write-ahead log. Kept open, a filling large enough to pass an
        # automatic checkpoint leaves a log that later commits overwrite instead of
        # growing, which syncs faster and would compare the two in different states.
        filling.close()
        self.connection = sqlite3.connect(path, isolation_level=None)
        self.connection.execute("PRAGMA synchronous = FULL")

    def insert(self) -> None:
        """One INSERT + COMMIT of an envelope-sized blob."""
        self.connection.execute("BEGIN IMMEDIATE")
        self.connection.execute("INSERT INTO records VALUES (?, ?)", (os.urandom(16), self.blob))
        self.connection.execute("COMMIT")


def list_recent_after_unlock(path: Path) -> float:
    """Seconds to find the 10 most recent reflections and decrypt them, in a freshly unlocked journal."""
    with Vault.unlock(path, PASSPHRASE, limits=CHEAP_LIMITS) as fresh:
        began = time.perf_counter()
        for entry in fresh.recent("reflection", 10):
            fresh.get(entry.id_hex)
        return time.perf_counter() - began


WRAP_WRITES = 400
"""Writes after which both write-ahead logs have passed an automatic checkpoint (1,000 pages) and
restarted, so later commits overwrite the log instead of growing it: a journal write adds
about 6 pages to the log, a bare insert about 3."""


def verify_after_unlock(path: Path) -> float:
    """Seconds of `verify` (every record and index row authenticated, every chain walked) on a journal just
    unlocked."""
    with Vault.unlock(path, PASSPHRASE, limits=CHEAP_LIMITS) as fresh:
        began = time.perf_counter()
        report = fresh.verify()
        elapsed = time.perf_counter() - began
    assert report.ok, report.problems
    return elapsed


def add_and_insert(vault: Vault, bare: BareSqlite, samples: int) -> tuple[float, float]:
    """Median seconds of one journal write and of one bare insert, interleaved so both see the same noise."""
    adds, inserts = [], []
    for _ in range(samples):
        adds.append(median_seconds(partial(vault.put, "reflection", PAYLOAD, sort_key=10**9), 1))
        inserts.append(median_seconds(bare.insert, 1))
    return statistics.median(adds), statistics.median(inserts)


def bench_sizes(folder: Path, sizes: list[int], repeats: int) -> None:
    print("\n## Adding and listing by journal size (cheap KDF, so only the store is measured)")
    print(
        "| records | add one (median) | bare SQLite insert+commit, same size | ratio "
        "| ratio once both logs wrapped | list 10 most recent | verify |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for size in sizes:
        path = folder / f"size-{size}.candour"
        build_journal(path, size)
        listing = statistics.median(list_recent_after_unlock(path) for _ in range(repeats))
        verifying = statistics.median(verify_after_unlock(path) for _ in range(3))
        bare = BareSqlite(folder / f"bare-{size}.sqlite", size)
        with Vault.unlock(path, PASSPHRASE, limits=CHEAP_LIMITS) as vault:
            add, insert = add_and_insert(vault, bare, repeats * 5)
            for _ in range(WRAP_WRITES):
                vault.put("reflection", PAYLOAD, sort_key=10**9)
                bare.insert()
            wrapped_add, wrapped_insert = add_and_insert(vault, bare, repeats * 5)
        bare.connection.close()
        print(
            f"| {size:,} | {add * 1000:.2f} ms | {insert * 1000:.2f} ms | {add / insert:.2f}x "
            f"| {wrapped_add / wrapped_insert:.2f}x ({wrapped_add * 1000:.2f} / {wrapped_insert * 1000:.2f} ms) "
            f"| {listing * 1000:.1f} ms | {verifying:.2f} s |"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes and few repeats (a smoke run)")
    options = parser.parse_args()
    sizes = [100, 1_000] if options.quick else [1_000, 10_000, 100_000]
    repeats = 3 if options.quick else 7
    with tempfile.TemporaryDirectory(prefix="candour-bench-") as folder:
        bench_unlock(Path(folder), repeats)
        bench_envelopes(2_000 if options.quick else 20_000)
        bench_sizes(Path(folder), sizes, repeats)


if __name__ == "__main__":
    main()
