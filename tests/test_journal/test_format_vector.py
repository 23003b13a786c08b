"""The sample journal of every format, committed when that format was current, still opens with the
contents it was made with: through the passphrase and through the recovery key, and `verify` finds it
intact. A journal of an earlier format is migrated as it opens, with a copy of it kept beside."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from journal import Journal, Vault
from journal.vault import SCHEMA_VERSION
from tests.conftest import CHEAP_LIMITS
from tests.vectors import as_read_now, records_of, vector_paths

VERSIONS = (2, 3)
"""Every format a committed vector was made in."""


@pytest.fixture(params=VERSIONS, ids=lambda version: f"format-{version}")
def version(request: pytest.FixtureRequest) -> int:
    number: int = request.param
    return number


@pytest.fixture
def expected(version: int) -> dict[str, object]:
    document: dict[str, Any] = json.loads(vector_paths(version)[1].read_text(encoding="utf-8"))
    return {**document, "records": as_read_now(document["records"])}


@pytest.fixture
def copy(tmp_path: Path, version: int) -> Path:
    """The vector copied, so that opening it (which may write) never changes the committed file."""
    path = tmp_path / "journal.candour"
    shutil.copyfile(vector_paths(version)[0], path)
    return path


def _user_version(path: Path) -> int:
    """The format a file says it is, read without adding side files beside it (a committed vector too)."""
    connection = sqlite3.connect(f"file:{path}?immutable=1", uri=True)
    try:
        number: int = connection.execute("PRAGMA user_version").fetchone()[0]
        return number
    finally:
        connection.close()


def test_the_vectors_cover_the_current_format() -> None:
    assert SCHEMA_VERSION in VERSIONS
    assert all(_user_version(vector_paths(version)[0]) == version for version in VERSIONS)


def test_the_sample_journal_opens_with_every_record_it_was_made_with(
    copy: Path, version: int, expected: dict[str, object]
) -> None:
    with Journal(Vault.unlock(copy, str(expected["passphrase"]), limits=CHEAP_LIMITS)) as journal:
        assert journal.vault.verify().ok
        assert journal.dangling_links() == []
        assert records_of(journal) == expected["records"]
    assert _user_version(copy) == SCHEMA_VERSION
    backups = sorted(path.name for path in copy.parent.glob("*.backup"))
    assert backups == ([] if version == SCHEMA_VERSION else [f"journal.candour.format-{version}.backup"])


def test_the_sample_journal_opens_with_its_recovery_key(copy: Path, expected: dict[str, object]) -> None:
    recovered = Journal.recover(copy, str(expected["recovery_key"]), "a new passphrase for it", limits=CHEAP_LIMITS)
    with recovered as journal:
        assert journal.vault.verify().ok
        assert records_of(journal) == expected["records"]
