"""Fixtures of the interface tests: the day they live on, and the demo journal most of them open."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from journal import FixedClock
from journal.demo import create_demo
from tests.conftest import CHEAP_KDF, CHEAP_LIMITS

TODAY = date(2026, 11, 26)
"""The app's today in these tests."""


@pytest.fixture
def clock() -> FixedClock:
    """A fresh clock at noon on TODAY (each test may move its own)."""
    return FixedClock.on(TODAY)


@pytest.fixture
def demo_path(journal_path: Path, clock: FixedClock) -> Path:
    """A demo journal (cheap KDF) whose sample engagements, sessions, reflections and goals fall before TODAY."""
    create_demo(journal_path, clock, kdf=CHEAP_KDF, limits=CHEAP_LIMITS).close()
    return journal_path
