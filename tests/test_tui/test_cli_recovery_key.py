"""`candour new-recovery-key` and `candour rotate-keys` in a real process: the new recovery key is printed, typed
back, and only then committed; until then the old key works. Each test answers the prompts as a script would,
reading the printed key before typing it back, and kills the command at each step."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from journal import InvalidInput, Journal, ReadOnlyJournal, WrongRecoveryKey
from tests.conftest import CHEAP_KDF, CHEAP_LIMITS, PASSPHRASE
from tui.exit_codes import exit_code_for

ROOT = Path(__file__).resolve().parents[2]
KEY = re.compile(r"\b([A-Z2-7]{4}(?:-[A-Z2-7]{4}){7})\b")
COMMANDS = ["new-recovery-key", "rotate-keys"]


@pytest.fixture
def created(journal_path: Path) -> tuple[Path, str]:
    """A journal and its recovery key, noted unconfirmed (as a first run stopped on the key's screen leaves it)."""
    journal, recovery_key = Journal.create(journal_path, PASSPHRASE, kdf=CHEAP_KDF, limits=CHEAP_LIMITS)
    with journal:
        journal.note_recovery_key_confirmed(False)
    return journal_path, recovery_key


def start(journal: Path, command: str, *options: str, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    """`candour COMMAND` at the cheap key-derivation cost, its prompts answered on standard input."""
    return subprocess.Popen(
        [sys.executable, "-m", "tests.cheap_cli", "--journal", str(journal), *options, command],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **(env or {})},
    )


def read_shown_key(process: subprocess.Popen[str]) -> str:
    """Read the command's output up to the new recovery key it shows, as the user would."""
    assert process.stdout is not None
    for line in process.stdout:
        found = KEY.search(line)
        if found:
            return found.group(1)
    raise AssertionError("the command ended without showing a recovery key")


def answer(process: subprocess.Popen[str], line: str) -> None:
    assert process.stdin is not None
    process.stdin.write(line + "\n")
    process.stdin.flush()


def keys_that_open(journal: Path, *candidates: str) -> list[str]:
    works = []
    for candidate in candidates:
        try:
            Journal.recover(journal, candidate, PASSPHRASE, limits=CHEAP_LIMITS).close()
            works.append(candidate)
        except WrongRecoveryKey:
            pass
    return works


def confirmed(journal: Path) -> bool:
    with Journal.open(journal, PASSPHRASE, limits=CHEAP_LIMITS) as opened:
        assert opened.verify().ok
        return opened.preferences().recovery_key_confirmed


@pytest.mark.parametrize("command", COMMANDS)
def test_the_key_typed_back_replaces_the_old_one(created: tuple[Path, str], command: str) -> None:
    journal, old = created
    process = start(journal, command, "--passphrase-file", "-")
    answer(process, PASSPHRASE)
    new = read_shown_key(process)
    answer(process, new.lower().replace("-", " "))  # case, spaces and dashes do not matter
    stdout, stderr = process.communicate(timeout=120)
    assert process.returncode == 0, stderr
    assert "no longer" in stdout and new not in stdout  # shown once, before it was typed back
    assert keys_that_open(journal, old, new) == [new]
    assert confirmed(journal)


@pytest.mark.parametrize("command", COMMANDS)
def test_a_key_typed_back_wrong_changes_nothing(created: tuple[Path, str], command: str) -> None:
    journal, old = created
    process = start(journal, command, "--passphrase-file", "-")
    answer(process, PASSPHRASE)
    new = read_shown_key(process)
    answer(process, new[:-1] + ("A" if new[-1] != "A" else "B"))
    _, stderr = process.communicate(timeout=120)
    assert process.returncode == exit_code_for(InvalidInput)
    assert "nothing was changed" in stderr and "old recovery key still works" in stderr
    assert "Traceback" not in stderr and new not in stderr
    assert keys_that_open(journal, old, new) == [old]
    assert not confirmed(journal)


@pytest.mark.parametrize("command", COMMANDS)
def test_input_that_ends_before_the_key_is_typed_back_changes_nothing(created: tuple[Path, str], command: str) -> None:
    journal, old = created
    process = start(journal, command, "--passphrase-file", "-")
    answer(process, PASSPHRASE)
    new = read_shown_key(process)
    _, stderr = process.communicate(timeout=120)  # closes standard input: no line follows the passphrase
    assert process.returncode == 2 and "No answer was given" in stderr, stderr
    assert keys_that_open(journal, old, new) == [old]


@pytest.mark.parametrize("command", COMMANDS)
def test_at_a_prompt_a_mistyped_key_is_asked_for_again(created: tuple[Path, str], command: str) -> None:
    journal, old = created
    # The passphrase from the environment, so the key is typed at the prompt, which allows more than one try.
    process = start(journal, command, env={"CANDOUR_PASSPHRASE": PASSPHRASE})
    new = read_shown_key(process)
    answer(process, "not the key")
    answer(process, new)
    _, stderr = process.communicate(timeout=120)
    assert process.returncode == 0, stderr
    assert "That is not the key shown" in stderr
    assert keys_that_open(journal, old, new) == [new]


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("moment", ["shown", "typed back"])
def test_killed_after_showing_the_key_a_seen_key_works(created: tuple[Path, str], command: str, moment: str) -> None:
    journal, old = created
    process = start(journal, command, "--passphrase-file", "-")
    answer(process, PASSPHRASE)
    new = read_shown_key(process)
    if moment == "typed back":
        answer(process, new)
    else:
        assert process.poll() is None  # it waits for the key to be typed back, having committed nothing
    process.send_signal(signal.SIGKILL)
    process.communicate()
    works = keys_that_open(journal, old, new)
    if moment == "shown":
        assert works == [old]
    else:  # killed before, during or after the commit
        assert works in ([old], [new])


@pytest.mark.parametrize("command", COMMANDS)
def test_a_read_only_journal_is_refused_before_any_key_is_shown(created: tuple[Path, str], command: str) -> None:
    journal, old = created
    journal.chmod(0o400)
    process = start(journal, command, "--passphrase-file", "-")
    answer(process, PASSPHRASE)
    stdout, stderr = process.communicate(timeout=120)
    assert process.returncode == exit_code_for(ReadOnlyJournal), stderr
    assert "can only be read" in stderr and "Traceback" not in stderr
    assert not KEY.search(stdout)  # no key to write down that could never be saved
    journal.chmod(0o600)
    assert keys_that_open(journal, old) == [old]
