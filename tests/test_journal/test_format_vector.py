"""The sample journal of format 2, committed when that format was current, still opens with the contents
it was made with: through the passphrase and through the recovery key, and `verify` finds it intact."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from journal import Journal, Vault
from tests.conftest import CHEAP_LIMITS
from tests.vectors import records_of, vector_paths

JOURNAL_FILE, EXPECTED_FILE = vector_paths(2)


@pytest.fixture
def expected() -> dict[str, object]:
    document: dict[str, object] = json.loads(EXPECTED_FILE.read_text(encoding="utf-8"))
    return document


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    """The vector copied, so that opening it (which may write) never changes the committed file."""
    path = tmp_path / "journal.candour"
    shutil.copyfile(JOURNAL_FILE, path)
    return path


def test_the_format_2_sample_journal_opens_with_every_record_it_was_made_with(
    copy: Path, expected: dict[str, object]
) -> None:
    with Journal(Vault.unlock(copy, str(expected["passphrase"]), limits=CHEAP_LIMITS)) as journal:
        assert journal.vault.verify().ok
        assert journal.dangling_links() == []
        assert records_of(journal) == expected["records"]


def test_the_format_2_sample_journal_opens_with_its_recovery_key(copy: Path, expected: dict[str, object]) -> None:
    recovered = Journal.recover(copy, str(expected["recovery_key"]), "a new passphrase for it", limits=CHEAP_LIMITS)
    with recovered as journal:
        assert records_of(journal) == expected["records"]
