"""The exit statuses: one table in the command line, the README's list word for word, every error mapped through
its ancestry, and no error carrying a code of its own."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

import journal.export
from journal import (
    CandourError,
    DamagedRecord,
    FixedClock,
    ForeignFile,
    InvalidInput,
    JournalLocked,
    KdfParametersRefused,
    NotEnoughMemory,
    RecordInUse,
    RecordMissing,
    WeakPassphrase,
    parse_range,
)
from tui.exit_codes import EXIT_BAD_INPUT, EXIT_DAMAGED, EXIT_FAILURE, exit_code_for, exit_statuses

README = Path(__file__).resolve().parents[2] / "README.md"
TABLE_ROW = re.compile(r"^\| (\d+) \| (.+) \|$")


def _readme_table() -> list[tuple[int, str]]:
    """The rows of the README's table of exit codes: the table that follows the line "Exit codes:"."""
    lines = README.read_text(encoding="utf-8").splitlines()
    start = lines.index("Exit codes:")
    rows: list[tuple[int, str]] = []
    for line in lines[start + 1 :]:
        if rows and not line.startswith("|"):
            break
        if match := TABLE_ROW.match(line):
            rows.append((int(match.group(1)), match.group(2)))
    return rows


def test_the_readme_lists_exactly_the_codes_of_the_command_line() -> None:
    assert _readme_table() == [(status.code, status.meaning) for status in exit_statuses()]


def test_each_code_has_one_row_and_each_error_class_one_code() -> None:
    codes = [status.code for status in exit_statuses()]
    assert codes == sorted(set(codes))
    named = [error for status in exit_statuses() for error in status.errors]
    assert len(named) == len(set(named))


@pytest.mark.parametrize(
    ("kind", "code"),
    [
        (ForeignFile, EXIT_DAMAGED),
        (DamagedRecord, EXIT_DAMAGED),
        (KdfParametersRefused, EXIT_DAMAGED),
        (RecordMissing, EXIT_DAMAGED),
        (RecordInUse, EXIT_BAD_INPUT),
        (WeakPassphrase, EXIT_BAD_INPUT),
        (journal.export.LevelExceeded, EXIT_BAD_INPUT),
        (NotEnoughMemory, EXIT_FAILURE),
        (JournalLocked, EXIT_FAILURE),
    ],
)
def test_an_error_exits_with_the_code_of_its_nearest_named_ancestor(kind: type[CandourError], code: int) -> None:
    assert exit_code_for(kind) == code


def test_invalid_input_exits_with_the_usage_status() -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_range("whenever", FixedClock.on(date(2026, 11, 26)))
    assert exit_code_for(type(caught.value)) == 2  # what click gives a usage error too


def _every_error_class(kind: type[CandourError]) -> list[type[CandourError]]:
    return [kind, *(descendant for sub in kind.__subclasses__() for descendant in _every_error_class(sub))]


def test_no_error_carries_an_exit_code_of_its_own() -> None:
    """Exit codes are the command line's business: the journal and the cryptography only say what went wrong."""
    kinds = _every_error_class(CandourError)
    assert journal.export.ExportExists in kinds  # the export's errors are loaded and counted
    assert [kind.__name__ for kind in kinds if hasattr(kind, "exit_code")] == []
