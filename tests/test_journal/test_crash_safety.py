"""Crash safety with real processes: SIGKILL during writes, during a passphrase change and while a new recovery
key is shown or committed, and a full disk.

Each kill waits for a state the child acknowledges (so many commits, READY, DONE), then adds a small random
delay so that kills also land in the middle of a write: what the tests assert never depends on timing.
"""

from __future__ import annotations

import random
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from journal import (
    Action,
    Journal,
    JournalNotFound,
    Person,
    Reflection,
    StorageError,
    Theme,
    WrongPassphrase,
    WrongRecoveryKey,
)
from tests.conftest import CHEAP_KDF, CHEAP_LIMITS, PASSPHRASE, MakeVault, unlock

ROOT = Path(__file__).resolve().parents[2]


def _child(mode: str, journal: Path, stdin: str | None = None) -> subprocess.Popen[str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.test_journal.crash_child", mode, str(journal)],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    if stdin is not None:
        assert process.stdin is not None
        process.stdin.write(stdin)
        process.stdin.flush()
    return process


def _kill(process: subprocess.Popen[str], after: int = 0, jitter: float = 0.0) -> list[str]:
    """Kill the child once it has acknowledged `after` commits (and `jitter` seconds more); return every
    id it acknowledged."""
    assert process.stdout is not None
    acknowledged = [process.stdout.readline().strip() for _ in range(after)]
    assert all(acknowledged), "the child ended before acknowledging its writes"
    time.sleep(jitter)
    process.send_signal(signal.SIGKILL)
    stdout, _ = process.communicate()
    return acknowledged + stdout.split()


def test_sigkill_during_writes_keeps_every_acknowledged_write(journal_path: Path) -> None:
    rng = random.Random(7)
    acknowledged: list[str] = []
    waited_for = 0
    for round_number in range(30):
        process = _child("writes", journal_path)
        # Early rounds die before or during creation; later ones after some commits, mid-write.
        after = 0 if round_number < 3 else rng.randint(1, 4)
        waited_for += after
        acknowledged += _kill(process, after, rng.uniform(0.0, 0.02))
        try:
            vault = unlock(journal_path)
        except JournalNotFound:
            assert not acknowledged, "a journal with acknowledged writes vanished"
            continue
        with vault:
            report = vault.verify()
            assert report.ok, [str(problem) for problem in report.problems]
            stored = {entry.id_hex for entry in vault.entries()}
            assert set(acknowledged) <= stored
            for record_id in acknowledged:
                vault.get(record_id)
    assert len(acknowledged) >= waited_for > 30


def test_sigkill_during_passphrase_change_leaves_exactly_one_working(make_vault: MakeVault, journal_path: Path) -> None:
    make_vault()[0].close()
    rng = random.Random(11)
    current = PASSPHRASE
    outcomes = set()
    for round_number in range(21):
        new = f"new passphrase {round_number}"
        process = _child("passwd", journal_path, stdin=f"{current}\n{new}\n")
        assert process.stdin is not None and process.stdout is not None
        assert process.stdout.readline().strip() == "READY"
        moment = ("before", "during", "after")[round_number % 3]
        if moment != "before":
            process.stdin.write("go\n")
            process.stdin.flush()
        if moment == "after":
            assert process.stdout.readline().strip() == "DONE"
        time.sleep(rng.uniform(0.0, 0.01) if moment == "during" else 0.0)
        process.send_signal(signal.SIGKILL)
        process.communicate()
        works = []
        for candidate in (current, new):
            try:
                unlock(journal_path, candidate).close()
                works.append(candidate)
            except WrongPassphrase:
                pass
        assert len(works) == 1, works
        outcomes.add(works[0] == new)
        current = works[0]
    assert outcomes == {True, False}  # killed before the change, the old one works; after it, the new one
    with unlock(journal_path, current) as vault:
        assert vault.verify().ok


def _recovery_keys_that_open(path: Path, candidates: list[str]) -> list[str]:
    """The candidates that open the journal through recovery (each success sets the passphrase again)."""
    works = []
    for candidate in candidates:
        try:
            Journal.recover(path, candidate, PASSPHRASE, limits=CHEAP_LIMITS).close()
            works.append(candidate)
        except WrongRecoveryKey:
            pass
    return works


@pytest.mark.parametrize("mode", ["new-recovery-key", "rotate"])
def test_sigkill_while_a_new_recovery_key_is_shown_or_committed_leaves_a_seen_one_working(
    make_vault: MakeVault, journal_path: Path, mode: str
) -> None:
    vault, seen = make_vault()
    vault.put_many(("note", f"note {n}".encode() * 20, n) for n in range(200))  # a rotation re-seals them all
    vault.close()
    with Journal.open(journal_path, PASSPHRASE, limits=CHEAP_LIMITS) as journal:
        journal.note_recovery_key_confirmed(False)  # so that a committed change is seen to note it confirmed
    rng = random.Random(19 if mode == "rotate" else 23)
    outcomes = set()
    for round_number in range(30):
        process = _child(mode, journal_path)
        assert process.stdin is not None and process.stdout is not None
        shown = process.stdout.readline().split()
        assert shown[:1] == ["KEY"], shown
        drawn = shown[1]
        # Killed while the key is on the screen, while it is committed, or once it is.
        moment = ("shown", "during", "after")[round_number % 3]
        if moment != "shown":
            process.stdin.write("go\n")
            process.stdin.flush()
        if moment == "after":
            assert process.stdout.readline().strip() == "DONE"
        time.sleep(rng.uniform(0.0, 0.03) if moment == "during" else 0.0)
        process.send_signal(signal.SIGKILL)
        process.communicate()
        works = _recovery_keys_that_open(journal_path, [seen, drawn])
        assert len(works) == 1, f"round {round_number} ({moment}): {len(works)} of the keys seen open the journal"
        if moment == "shown":
            assert works == [seen]  # nothing was committed before the user typed the key back
        if moment == "after":
            assert works == [drawn]
        outcomes.add(works[0] == drawn)
        with Journal.open(journal_path, PASSPHRASE, limits=CHEAP_LIMITS) as journal:
            report = journal.verify()
            assert report.ok, [str(problem) for problem in report.problems]
            # The key and its confirmation are one transaction: noted confirmed exactly when the key is in force.
            assert journal.preferences().recovery_key_confirmed == (works == [drawn])
            journal.note_recovery_key_confirmed(False)
        seen = works[0]
    assert outcomes == {True, False}  # before the commit the old key works; after it, the new one


def _go(process: subprocess.Popen[str]) -> None:
    assert process.stdin is not None
    process.stdin.write("go\n")
    process.stdin.flush()


def test_sigkill_during_a_first_run_never_leaves_a_journal_that_looks_confirmed(journal_path: Path) -> None:
    """`candour init` and the app's first run, killed at any moment: no journal, or one noted unconfirmed (so the
    next unlock resumes at the key) whose key is the one printed, or once the key was typed back, confirmed."""
    rng = random.Random(29)
    outcomes = set()
    for round_number in range(30):
        journal_path.unlink(missing_ok=True)
        process = _child("first-run", journal_path)
        assert process.stdout is not None
        assert process.stdout.readline().strip() == "START"
        # Killed while the journal is created, while its key is on the screen, while it is noted confirmed,
        # or once it is.
        moment = ("creating", "shown", "during", "after")[round_number % 4]
        shown: list[str] = []
        if moment != "creating":
            shown = process.stdout.readline().split()
            assert shown[:1] == ["KEY"], shown
        if moment in ("during", "after"):
            _go(process)
        if moment == "after":
            assert process.stdout.readline().strip() == "DONE"
        time.sleep(rng.uniform(0.0, 0.05) if moment in ("creating", "during") else 0.0)
        process.send_signal(signal.SIGKILL)
        process.communicate()
        try:
            journal = Journal.open(journal_path, PASSPHRASE, limits=CHEAP_LIMITS)
        except JournalNotFound:
            assert moment == "creating", f"round {round_number} ({moment}): the journal whose key was shown is gone"
            outcomes.add("none")
            continue
        with journal:
            assert journal.verify().ok
            confirmed = journal.preferences().recovery_key_confirmed
        assert confirmed or moment != "after"
        assert not confirmed or moment in ("during", "after"), "confirmed before the key was typed back"
        outcomes.add("confirmed" if confirmed else "unconfirmed")
        if shown:
            assert _recovery_keys_that_open(journal_path, [shown[1]]) == [shown[1]]
    assert {"unconfirmed", "confirmed"} <= outcomes  # "none" too, when a kill lands before the file is linked


def test_sigkill_while_resuming_a_first_run_leaves_a_seen_key_working(journal_path: Path) -> None:
    """The first run was stopped after showing its key (maybe written down) and before it was typed back; the
    next unlock shows a replacement. Killed while it is shown, while it is confirmed, or once it is, a key the
    user has seen opens the journal: the first run's until the replacement is typed back, the replacement after,
    noted confirmed in the same transaction."""
    journal, seen = Journal.create(
        journal_path, PASSPHRASE, kdf=CHEAP_KDF, limits=CHEAP_LIMITS, recovery_key_confirmed=False
    )
    journal.close()
    rng = random.Random(31)
    outcomes = set()
    for round_number in range(30):
        process = _child("resume", journal_path)
        assert process.stdout is not None
        shown = process.stdout.readline().split()
        assert shown[:1] == ["KEY"], shown  # unconfirmed: every unlock resumes at the key
        drawn = shown[1]
        moment = ("shown", "during", "after")[round_number % 3]
        if moment != "shown":
            _go(process)
        if moment == "after":
            assert process.stdout.readline().strip() == "DONE"
        time.sleep(rng.uniform(0.0, 0.01) if moment == "during" else 0.0)
        process.send_signal(signal.SIGKILL)
        process.communicate()
        works = _recovery_keys_that_open(journal_path, [seen, drawn])
        assert len(works) == 1, f"round {round_number} ({moment}): {len(works)} of the keys seen open the journal"
        if moment == "shown":
            assert works == [seen]  # nothing was written before the user typed the replacement back
        if moment == "after":
            assert works == [drawn]
        outcomes.add(works[0] == drawn)
        with Journal.open(journal_path, PASSPHRASE, limits=CHEAP_LIMITS) as journal:
            report = journal.verify()
            assert report.ok, [str(problem) for problem in report.problems]
            assert journal.preferences().recovery_key_confirmed == (works == [drawn])
            journal.note_recovery_key_confirmed(False)  # as if this run too stopped before its key: resume again
        seen = works[0]
    assert outcomes == {True, False}
    process = _child("resume", journal_path)
    _go(process)
    stdout, _ = process.communicate()
    assert stdout.split()[-1] == "DONE"
    assert _child("resume", journal_path).communicate()[0].strip() == "CONFIRMED"  # nothing left to resume


@pytest.mark.skipif(not hasattr(signal, "SIGXFSZ"), reason="needs RLIMIT_FSIZE and SIGXFSZ (POSIX)")
def test_full_disk_gives_a_clear_error_and_loses_nothing(make_vault: MakeVault, journal_path: Path) -> None:
    vault, _ = make_vault()
    before = vault.put("note", b"written before the disk filled").id_hex
    vault.close()
    process = _child("disk-full", journal_path)
    stdout, stderr = process.communicate(timeout=60)
    lines = stdout.splitlines()
    assert lines and lines[-1].startswith(f"ERROR {StorageError.__name__}"), (stdout, stderr)
    assert "disk is full" in lines[-1]
    assert "Traceback" not in stderr
    acknowledged = lines[:-1]
    assert acknowledged
    with unlock(journal_path) as vault:
        assert vault.verify().ok
        assert vault.get(before).payload == b"written before the disk filled"
        for record_id in acknowledged:
            assert vault.get(record_id).payload == b"z" * 20_000
        vault.put("note", b"space again")  # once space is back, writing works


_NAME = re.compile(r"[TPAM]([0-9a-f]{8}x\d+)")
"""The run and number a child writes into every name it creates (`T1a2b3c4dx7`)."""


@pytest.mark.parametrize("mode", ["reflect", "add"])
def test_sigkill_during_a_save_with_new_links_leaves_no_orphan(journal_path: Path, mode: str) -> None:
    """The editor's save and `candour add` each create themes, people (and actions) with the reflection:
    killed at any moment, every acknowledged reflection is there, and nothing created for a reflection
    exists without it."""
    rng = random.Random(13 if mode == "add" else 17)
    acknowledged: list[str] = []
    for round_number in range(30):
        process = _child(mode, journal_path)
        after = 0 if round_number < 3 else rng.randint(1, 3)
        acknowledged += _kill(process, after, rng.uniform(0.0, 0.02))
        try:
            journal = Journal.open(journal_path, PASSPHRASE, limits=CHEAP_LIMITS)
        except JournalNotFound:
            assert not acknowledged
            continue
        with journal:
            assert journal.vault.verify().ok
            reflections = journal.all(Reflection)
            assert set(acknowledged) <= {reflection.saved_id for reflection in reflections}
            saved = {match for reflection in reflections for match in _NAME.findall(reflection.text)}
            created = [theme.label for theme in journal.all(Theme)] + [person.name for person in journal.all(Person)]
            created += [action.text for action in journal.all(Action)]
            orphans = [name for name in created if (match := _NAME.fullmatch(name)) and match[1] not in saved]
            assert not orphans, f"created without their reflection: {orphans}"
    assert len(acknowledged) > 30
