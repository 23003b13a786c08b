"""Passphrases given line by line (`--passphrase-file -` and `--passphrase-file PATH`), in real `candour` processes:
each line drops exactly one line ending (LF, CRLF or CR) and keeps every other character; no line is no passphrase."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from journal import InvalidInput, Journal, WrongPassphrase
from tests.conftest import CHEAP_KDF, CHEAP_LIMITS, PASSPHRASE, journal_files
from tests.test_tui.test_cli_entries import Candour
from tui.exit_codes import exit_code_for

LINE_ENDINGS = {"LF": "\n", "CRLF": "\r\n", "CR": "\r"}

NO_PASSPHRASE = exit_code_for(InvalidInput)


@pytest.fixture
def candour(journal_path: Path) -> Candour:
    run = Candour(journal_path)
    run("init")
    return run


@pytest.mark.parametrize("ending", [*LINE_ENDINGS.values(), ""], ids=[*LINE_ENDINGS, "no final newline"])
def test_a_passphrase_line_from_standard_input_opens_the_journal_whatever_ends_it(
    candour: Candour, ending: str
) -> None:
    not_it = {"CANDOUR_PASSPHRASE": "not the passphrase"}  # only the line on standard input opens the journal
    verified = candour("--passphrase-file", "-", "verify", stdin=f"{PASSPHRASE}{ending}", env=not_it)
    assert "intact" in verified.stdout


@pytest.mark.parametrize("ending", LINE_ENDINGS.values(), ids=LINE_ENDINGS)
def test_two_passphrase_lines_from_a_file_split_at_any_line_ending(
    candour: Candour, tmp_path: Path, ending: str
) -> None:
    new = "a brand new passphrase for the file"
    passphrase_file = tmp_path / "passphrases.txt"
    passphrase_file.write_bytes(f"{PASSPHRASE}{ending}{new}{ending}".encode())
    candour("--passphrase-file", str(passphrase_file), "passwd")
    assert "intact" in candour("verify", env={"CANDOUR_PASSPHRASE": new}).stdout


def test_text_after_a_crlf_passphrase_line_is_the_reflection(candour: Candour) -> None:
    candour("new", "engagement", "Leadership 2026", "--coach", "Ana Ruiz", "--sponsor", "Acme", "--start", "2026-09-01")
    candour("--passphrase-file", "-", "add", stdin=f"{PASSPHRASE}\r\nFirst line\r\nsecond line\r\n")
    listed = candour("list").stdout
    assert "First line" in listed
    assert PASSPHRASE not in listed


def test_spaces_around_a_passphrase_are_part_of_it(journal_path: Path) -> None:
    spaced = "  correct horse  battery staple "
    Journal.create(journal_path, spaced, kdf=CHEAP_KDF, limits=CHEAP_LIMITS)[0].close()
    run = Candour(journal_path)
    assert run("--passphrase-file", "-", "verify", stdin=f"{spaced}\r\n").returncode == 0
    trimmed = run("--passphrase-file", "-", "verify", stdin=f"{spaced.strip()}\r\n", ok=False)
    assert trimmed.returncode == exit_code_for(WrongPassphrase)


@pytest.mark.parametrize(
    ("stdin", "said"),
    [
        ("", "No passphrase was given: standard input is empty."),
        ("\n", "line 1 of standard input is empty"),
        ("\r\n", "line 1 of standard input is empty"),
    ],
    ids=["nothing", "an empty LF line", "an empty CRLF line"],
)
def test_empty_standard_input_says_no_passphrase_was_given(candour: Candour, stdin: str, said: str) -> None:
    before = journal_files(candour.journal)
    result = candour("--passphrase-file", "-", "verify", stdin=stdin, ok=False)
    assert result.returncode == NO_PASSPHRASE
    assert said in result.stderr
    assert "Wrong passphrase" not in result.stderr
    assert journal_files(candour.journal) == before


def test_an_empty_passphrase_file_says_no_passphrase_was_given(candour: Candour, tmp_path: Path) -> None:
    empty = tmp_path / "passphrases.txt"
    empty.write_bytes(b"")
    result = candour("--passphrase-file", str(empty), "verify", ok=False)
    assert result.returncode == NO_PASSPHRASE
    assert f"No passphrase was given: the passphrase file {empty} is empty." in result.stderr
    assert "Wrong passphrase" not in result.stderr


def test_too_few_lines_say_which_passphrase_is_missing(candour: Candour) -> None:
    before = journal_files(candour.journal)
    result = candour("--passphrase-file", "-", "passwd", stdin=f"{PASSPHRASE}\r\n", ok=False)
    assert result.returncode == NO_PASSPHRASE
    assert "No passphrase was given for “New passphrase”: standard input ends after line 1" in result.stderr
    assert PASSPHRASE not in result.stderr
    assert journal_files(candour.journal) == before


def test_a_passphrase_file_that_is_not_utf8_is_refused_clearly(candour: Candour, tmp_path: Path) -> None:
    latin1 = tmp_path / "passphrases.txt"
    latin1.write_bytes("café au lait\n".encode("latin-1"))
    result = candour("--passphrase-file", str(latin1), "verify", ok=False)
    assert result.returncode == NO_PASSPHRASE
    assert "is not UTF-8 text" in result.stderr


# Characters a passphrase may hold: anything but CR and LF (and lone surrogates, which UTF-8 cannot carry), with the
# separators Python's `str.splitlines` would also break at, and spaces, drawn often.
PASSPHRASE_CHARACTERS = st.characters(exclude_categories=["Cs"], exclude_characters="\r\n") | st.sampled_from(
    [" ", "\t", "\x0b", "\x0c", "\x1c", "\x1e", "\x85", "\u2028", "\u2029", "\x00"]
)


@pytest.mark.parametrize("ending", LINE_ENDINGS.values(), ids=LINE_ENDINGS)
@settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(passphrase=st.text(PASSPHRASE_CHARACTERS, min_size=1, max_size=24))
def test_any_passphrase_without_line_breaks_survives_each_line_ending(ending: str, passphrase: str) -> None:
    # Few examples per ending: each starts a process. The environment holds another passphrase (Candour's), so
    # only the line on standard input can open the journal.
    with tempfile.TemporaryDirectory() as folder:
        journal_path = Path(folder) / "journal.candour"
        Journal.create(journal_path, passphrase, kdf=CHEAP_KDF, limits=CHEAP_LIMITS)[0].close()
        result = Candour(journal_path)("--passphrase-file", "-", "verify", stdin=f"{passphrase}{ending}", ok=False)
        assert result.returncode == 0, result.stderr
