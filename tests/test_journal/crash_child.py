"""Child process for the crash tests: writes to a journal and acknowledges each commit on stdout.

Usage: python -m tests.test_journal.crash_child MODE JOURNAL
  writes     create the journal if needed, then put records forever, printing each id after commit
  passwd     unlock with the passphrase on stdin's first line, print READY, and once stdin says `go`, change
             it to the second line and print DONE
  disk-full  limit the file size, put large records until the disk refuses, print the error
  reflect    save reflections as the editor does (draft, then save with a new theme, person and action)
  add        write reflections as `candour add` does, each with a new theme and a new person
  migrate    print READY, and once stdin says `go`, unlock an older-format journal with the sample
             journal's passphrase (which migrates it) and print DONE
  new-recovery-key, rotate
             unlock to change the keys, draw a new recovery key and print `KEY` and the key (what the user
             sees), and once stdin says `go` (the user typed it back), commit it as `candour new-recovery-key`
             or `candour rotate-keys` does (noting it confirmed in the same transaction) and print DONE
  first-run  print START, create the journal as `candour init` and the app's first run do (noted unconfirmed),
             print `KEY` and its recovery key, and once stdin says `go` (the user typed it back), note it
             confirmed and print DONE
  resume     unlock as the app does after a first run stopped before its key was confirmed: print `KEY` and
             the replacement drawn (or CONFIRMED when there is nothing to resume), and once stdin says `go`
             (the user typed it back), confirm it and print DONE
"""

from __future__ import annotations

import os
import resource
import signal
import sys
from collections.abc import Callable
from pathlib import Path

from journal import (
    AFTER_SESSION,
    CandourError,
    Journal,
    JournalKeyChange,
    JournalNotFound,
    RecoveryKeyToConfirm,
    Vault,
    draw_recovery_key,
)
from tests.conftest import CHEAP_KDF, CHEAP_LIMITS, PASSPHRASE


def _say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def writes(path: Path) -> None:
    try:
        vault = Vault.unlock(path, PASSPHRASE, limits=CHEAP_LIMITS)
    except JournalNotFound:
        vault, _ = Vault.create(path, PASSPHRASE, kdf=CHEAP_KDF, limits=CHEAP_LIMITS)
    n = 0
    while True:
        n += 1
        entry = vault.put("note", f"entry {n} ".encode() * 40, sort_key=n)
        if n % 3 == 0:
            vault.put("note", b"edited", record_id=entry.id_hex, sort_key=n)
        _say(entry.id_hex)


def passwd(path: Path) -> None:
    old, new = sys.stdin.readline().rstrip("\n"), sys.stdin.readline().rstrip("\n")
    vault = Vault.unlock(path, old, limits=CHEAP_LIMITS)
    _say("READY")
    sys.stdin.readline()  # the test's `go`: it kills before, during or after the change as it chooses
    vault.change_passphrase(old, new)
    _say("DONE")


def disk_full(path: Path) -> None:
    vault = Vault.unlock(path, PASSPHRASE, limits=CHEAP_LIMITS)
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # get EFBIG from write() instead of being killed
    limit = path.stat().st_size + 200_000
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    try:
        while True:
            _say(vault.put("note", b"z" * 20_000).id_hex)
    except CandourError as error:
        _say(f"ERROR {type(error).__name__}: {error}")
    vault.close()


def _journal(path: Path) -> Journal:
    try:
        return Journal.open(path, PASSPHRASE, limits=CHEAP_LIMITS)
    except JournalNotFound:
        return Journal.create(path, PASSPHRASE, kdf=CHEAP_KDF, limits=CHEAP_LIMITS)[0]


def reflect(path: Path) -> None:
    journal, run = _journal(path), os.urandom(4).hex()  # names new in every run, so each save creates them
    n = 0
    while True:
        n += 1
        draft = journal.new_draft(AFTER_SESSION).with_content(
            text=f"## What did I explore?\nsaved {run}x{n} with @M{run}x{n}",
            themes=(f"T{run}x{n}",),
            people=(f"P{run}x{n}",),
            actions=(f"A{run}x{n}",),
        )
        journal.save_draft(draft)
        _say(journal.save_reflection_from(journal.current_draft() or draft).saved_id)


def add(path: Path) -> None:
    journal, run = _journal(path), os.urandom(4).hex()
    n = 0
    while True:
        n += 1
        _say(journal.write_reflection(f"added {run}x{n} with @M{run}x{n}", themes=[f"T{run}x{n}"]).saved_id)


def migrate(path: Path) -> None:
    from tests.vectors import PASSPHRASE as VECTOR_PASSPHRASE

    _say("READY")
    sys.stdin.readline()  # the test's `go`: it kills before, during or after the migration as it chooses
    Vault.unlock(path, VECTOR_PASSPHRASE, limits=CHEAP_LIMITS).close()
    _say("DONE")


def _change_recovery_key(path: Path, commit: Callable[[JournalKeyChange, str], None]) -> None:
    with Journal.open_to_change_keys(path, PASSPHRASE, limits=CHEAP_LIMITS) as keys:
        recovery_key = draw_recovery_key()
        _say(f"KEY {recovery_key}")
        sys.stdin.readline()  # the test's `go`: it kills before, during or after the commit as it chooses
        commit(keys, recovery_key)
    _say("DONE")


def new_recovery_key(path: Path) -> None:
    _change_recovery_key(path, JournalKeyChange.new_recovery_key)


def rotate(path: Path) -> None:
    _change_recovery_key(path, JournalKeyChange.rotate_keys)


def first_run(path: Path) -> None:
    _say("START")
    journal, recovery_key = Journal.create(
        path, PASSPHRASE, kdf=CHEAP_KDF, limits=CHEAP_LIMITS, recovery_key_confirmed=False
    )
    with journal:
        _say(f"KEY {recovery_key}")
        sys.stdin.readline()  # the test's `go`: it kills before, during or after the note as it chooses
        RecoveryKeyToConfirm(journal, recovery_key).confirm()
    _say("DONE")


def resume(path: Path) -> None:
    journal, replacement = Journal.open_resuming_first_run(path, PASSPHRASE, limits=CHEAP_LIMITS)
    with journal:
        if replacement is None:
            _say("CONFIRMED")
            return
        _say(f"KEY {replacement.recovery_key}")
        sys.stdin.readline()  # the test's `go`: it kills before, during or after the commit as it chooses
        replacement.confirm()
    _say("DONE")


if __name__ == "__main__":
    mode, journal = sys.argv[1], Path(sys.argv[2])
    {
        "writes": writes,
        "passwd": passwd,
        "disk-full": disk_full,
        "reflect": reflect,
        "add": add,
        "migrate": migrate,
        "new-recovery-key": new_recovery_key,
        "rotate": rotate,
        "first-run": first_run,
        "resume": resume,
    }[mode](journal)
