"""The `candour` command end to end, in a subprocess at the real default key-derivation cost."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import click
import pytest

from crypto import KdfParams
from journal import Journal, Vault
from journal.errors import InvalidInput, JournalBusy, JournalNotFound, NotEnoughMemory, WrongPassphrase
from tests.conftest import CHEAP_LIMITS, MakeVault
from tui.cli_context import Context, KdfSettings
from tui.exit_codes import exit_code_for

ROOT = Path(__file__).resolve().parents[2]
GOOD = "a long enough passphrase"


def candour(
    journal: Path,
    *args: str,
    stdin: str = "",
    env: dict[str, str] | None = None,
    entry: tuple[str, ...] = ("-m", "tui.cli"),
) -> subprocess.CompletedProcess[str]:
    """Run the command line in a subprocess; `entry` says how Python starts it (the real costs by default)."""
    return subprocess.run(
        [sys.executable, *entry, "--journal", str(journal), *args],
        cwd=ROOT,
        input=stdin,
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=120,
        check=False,
    )


@pytest.mark.slow
def test_init_verify_passwd_and_recover_at_the_real_cost(tmp_path: Path) -> None:
    journal = tmp_path / "journal.candour"
    created = candour(journal, "--passphrase-file", "-", "init", stdin=f"{GOOD}\n")
    assert created.returncode == 0, created.stderr
    match = re.search(r"([A-Z2-7]{4}(?:-[A-Z2-7]{4}){7})", created.stdout)
    assert match, created.stdout
    recovery_key = match.group(1)

    verified = candour(journal, "--passphrase-file", "-", "verify", stdin=f"{GOOD}\n")
    assert verified.returncode == 0 and "intact" in verified.stdout

    wrong = candour(journal, "--passphrase-file", "-", "verify", stdin="not the passphrase\n")
    assert wrong.returncode == exit_code_for(WrongPassphrase)
    assert "Wrong passphrase" in wrong.stderr and "Traceback" not in wrong.stderr

    changed = candour(journal, "passwd", env={"CANDOUR_PASSPHRASE": GOOD})
    assert changed.returncode == 0, changed.stderr  # same passphrase again: allowed, re-salted

    recovered = candour(
        journal, "--passphrase-file", "-", "recover", stdin=f"{recovery_key}\nanother long passphrase\n"
    )
    assert recovered.returncode == 0, recovered.stderr
    assert candour(journal, "verify", env={"CANDOUR_PASSPHRASE": "another long passphrase"}).returncode == 0


@pytest.mark.parametrize("weak", ["short", "password123456", "Password2026!", "qwertyuiopasdf", "candour journal"])
def test_weak_passphrase_is_refused_with_advice(tmp_path: Path, weak: str) -> None:
    journal = tmp_path / "journal.candour"
    result = candour(journal, "--passphrase-file", "-", "init", stdin=f"{weak}\n")
    assert result.returncode == 2
    assert "would not protect your journal" in result.stderr
    assert weak not in result.stderr
    assert not journal.exists()


def test_missing_journal_has_its_own_exit_code(tmp_path: Path) -> None:
    result = candour(tmp_path / "nothing.candour", "verify", env={"CANDOUR_PASSPHRASE": GOOD})
    assert result.returncode == exit_code_for(JournalNotFound)
    assert "candour init" in result.stderr


def test_an_empty_file_is_not_a_journal_and_the_advice_works(tmp_path: Path) -> None:
    empty = tmp_path / "journal.candour"
    empty.touch()
    opened = candour(empty, "verify", env={"CANDOUR_PASSPHRASE": GOOD})
    assert opened.returncode == exit_code_for(JournalNotFound) and "delete it, then run `candour init`" in opened.stderr
    assert candour(empty, "init", env={"CANDOUR_PASSPHRASE": GOOD}).returncode == 2  # never overwritten
    empty.unlink()
    created = candour(empty, "init", env={"CANDOUR_PASSPHRASE": GOOD}, entry=("-m", "tests.cheap_cli"))
    assert created.returncode == 0, created.stderr


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs a device whose writes fail")
def test_init_that_could_not_show_the_recovery_key_leaves_it_unconfirmed(tmp_path: Path) -> None:
    journal = tmp_path / "journal.candour"
    with Path("/dev/full").open("w") as full:  # every write fails: the key never reaches anyone
        stopped = subprocess.run(
            [sys.executable, "-m", "tests.cheap_cli", "--journal", str(journal), "init"],
            cwd=ROOT,
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "CANDOUR_PASSPHRASE": GOOD},
            timeout=120,
            check=False,
        )
    assert stopped.returncode != 0 and journal.exists(), stopped.stderr
    with Journal.open(journal, GOOD, limits=CHEAP_LIMITS) as opened:
        assert not opened.preferences().recovery_key_confirmed  # the app offers a new key at the next unlock

    shown = tmp_path / "shown.candour"
    created = candour(shown, "init", env={"CANDOUR_PASSPHRASE": GOOD}, entry=("-m", "tests.cheap_cli"))
    assert created.returncode == 0, created.stderr
    with Journal.open(shown, GOOD, limits=CHEAP_LIMITS) as opened:
        assert opened.preferences().recovery_key_confirmed


def test_busy_journal_has_its_own_exit_code(make_vault: MakeVault, journal_path: Path) -> None:
    make_vault()
    result = candour(journal_path, "verify", env={"CANDOUR_PASSPHRASE": GOOD})
    assert result.returncode == exit_code_for(JournalBusy)
    assert "already open" in result.stderr


def test_where_honours_option_and_environment(tmp_path: Path) -> None:
    chosen = tmp_path / "elsewhere.candour"
    assert candour(chosen, "where").stdout.strip() == str(chosen)
    from_env = subprocess.run(
        [sys.executable, "-m", "tui.cli", "where"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "CANDOUR_JOURNAL": str(chosen)},
        check=False,
    )
    assert from_env.stdout.strip() == str(chosen)


def test_default_location_is_in_the_user_data_folder(isolated_home: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "tui.cli", "where"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.stdout.strip().startswith(str(isolated_home))
    assert result.stdout.strip().endswith("journal.candour")


def test_the_export_commands_load_only_when_used() -> None:
    from tui import cli_export
    from tui.cli import CandourGroup

    assert set(CandourGroup.LAZY_COMMANDS) == {command.name for command in cli_export.COMMANDS}


def test_every_command_has_help(tmp_path: Path) -> None:
    import click

    from tui.cli import cli

    names = cli.list_commands(click.Context(cli))
    assert {"export", "exports", "export-all", "confidential", "add", "search"} <= set(names)
    commands = [[name] for name in names] + [["new", name] for name in ("engagement", "session", "goal")]
    for command in commands:
        result = candour(tmp_path / "j.candour", *command, "--help")
        assert result.returncode == 0 and "Usage" in result.stdout, command


LOW_MEMORY = """
import resource
from tests.conftest import CHEAP_LIMITS
from tui.cli import main
from tui.cli_context import KdfSettings

# Leave this process 16 MiB more than it uses once loaded: far less than the journal's key derivation asks for.
status = open("/proc/self/status").read().splitlines()
used = next(int(line.split()[1]) for line in status if line.startswith("VmData:")) * 1024
resource.setrlimit(resource.RLIMIT_DATA, (used + 16 * 2**20, resource.RLIM_INFINITY))
main(kdf=KdfSettings(limits=CHEAP_LIMITS))
"""


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads the process's memory use from /proc")
def test_too_little_memory_to_derive_the_key_is_a_clear_message(journal_path: Path) -> None:
    asks_64_mib = KdfParams(time_cost=1, memory_kib=64 * 1024, lanes=1)
    vault, _ = Vault.create(journal_path, GOOD, kdf=asks_64_mib, limits=CHEAP_LIMITS)
    vault.close()
    result = candour(journal_path, "verify", env={"CANDOUR_PASSPHRASE": GOOD}, entry=("-c", LOW_MEMORY))
    assert result.returncode == exit_code_for(NotEnoughMemory), result.stderr
    assert "Not enough free memory to derive the key: it needs 64 MiB" in result.stderr
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr


def test_a_typo_after_weak_tries_says_what_happened(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    # Two weak passphrases, then a strong one whose repetition differs: three tries, one mismatch.
    typed = iter(["password123", "correct horse", GOOD + " indeed", GOOD + " indeeed"])
    monkeypatch.setattr(click, "prompt", lambda *_args, **_options: next(typed))
    monkeypatch.delenv("CANDOUR_PASSPHRASE", raising=False)
    context = Context(str(tmp_path / "journal.candour"), None, KdfSettings())
    with pytest.raises(InvalidInput, match="differed on the last of 3 tries"):
        context.new_passphrase("Passphrase")


def test_completion_completes_commands_and_options_in_a_real_bash() -> None:
    installed = Path(sys.executable).parent  # where the package's `candour` command is installed
    script = (
        'eval "$(candour completion bash)"; '
        "COMP_WORDS=(candour exp); COMP_CWORD=1; _candour_completion candour; printf '%s\\n' \"${COMPREPLY[@]}\"; "
        "COMPREPLY=(); COMP_WORDS=(candour export --var); COMP_CWORD=2; _candour_completion candour; "
        "printf '%s\\n' \"${COMPREPLY[@]}\""
    )
    completed = subprocess.run(
        ["bash", "--noprofile", "--norc", "-c", script],
        capture_output=True,
        text=True,
        env={**os.environ, "PATH": f"{installed}{os.pathsep}{os.environ['PATH']}"},
        timeout=60,
        check=True,
    )
    assert completed.stdout.split() == ["export", "export-all", "exports", "--variant"]
    for shell in ("zsh", "fish"):
        assert "_CANDOUR_COMPLETE" in candour(Path("unused.candour"), "completion", shell).stdout
