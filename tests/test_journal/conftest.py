"""Fixtures of the journal tests: a new journal on a fixed day."""

from __future__ import annotations

from datetime import date

import pytest

from journal import FixedClock, Journal
from tests.conftest import MakeVault

TODAY = date(2026, 9, 15)
"""The journal's today in these tests."""


@pytest.fixture
def journal(make_vault: MakeVault) -> Journal:
    """A new journal (cheap KDF) whose clock stands at noon on TODAY; closed at teardown."""
    vault, _ = make_vault()
    return Journal(vault, FixedClock.on(TODAY))
