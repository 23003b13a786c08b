"""SVG snapshots of the app's main screens: a seeded demo journal, a fixed clock, 120x40.

Update after an intended change with `python -m pytest tests/test_tui/test_snapshots.py --snapshot-update`,
and look at the report before committing.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, TextArea

from journal import FixedClock
from journal.demo import DEMO_PASSPHRASE, create_demo
from tests.conftest import CHEAP_KDF, CHEAP_LIMITS
from tui.app import CandourApp, make_app
from tui.screens.main import MainScreen

SIZE = (120, 40)
CLOCK = FixedClock.on(date(2026, 11, 26))

SnapCompare = Callable[..., bool]


@pytest.fixture
def demo_app(journal_path: Path) -> CandourApp:
    create_demo(journal_path, CLOCK, kdf=CHEAP_KDF, limits=CHEAP_LIMITS).close()
    return make_app(journal_path, kdf=CHEAP_KDF, limits=CHEAP_LIMITS, clock=CLOCK, demo_passphrase=DEMO_PASSPHRASE)


async def _settle(pilot: Pilot[Any], until: Callable[[], bool]) -> None:
    for _ in range(200):
        if until():
            break
        await pilot.pause(0.05)
    await pilot.wait_for_scheduled_animations()
    await pilot.pause(0.3)


def unlocked_then(*keys: str, then_type: str = "") -> Callable[[Pilot[Any]], Awaitable[None]]:
    """Unlock the demo journal, wait for the main view and its background loading, press `keys`, and once
    the new screen has settled type `then_type` into whatever has focus."""

    async def run_before(pilot: Pilot[Any]) -> None:
        app = pilot.app
        app.screen.query_one("#passphrase", Input).value = DEMO_PASSPHRASE
        await pilot.press("enter")
        await _settle(pilot, lambda: isinstance(app.screen, MainScreen) and not app.workers)
        if keys:
            await pilot.press(*keys)
            await pilot.pause(0.2)  # the new screen mounts and starts its workers
            await _settle(pilot, lambda: not app.workers)
        if then_type:
            await pilot.press(*then_type, "tab")
            await _settle(pilot, lambda: not app.workers)
        await hold_cursors_steady(pilot)

    return run_before


async def hold_cursors_steady(pilot: Pilot[Any]) -> None:
    """A blinking cursor is drawn or not depending on when the picture is taken: show it steadily."""
    for field in pilot.app.screen.query(Input):
        field.cursor_blink = False
    for area in pilot.app.screen.query(TextArea):
        area.cursor_blink = False
    await pilot.pause()


def test_unlock_screen(snap_compare: SnapCompare, demo_app: CandourApp) -> None:
    """You should see a centred card saying the journal is locked, a masked passphrase field, the demo
    journal's passphrase hint, an Unlock button and a "Forgot passphrase?" link."""
    assert snap_compare(demo_app, terminal_size=SIZE, run_before=hold_cursors_steady)


def test_main_view(snap_compare: SnapCompare, demo_app: CandourApp) -> None:
    """You should see the timeline on the left (Recent entries, then "Leadership coaching · 5 of 8 sessions
    held" with sessions 6 (planned) to 1 and reflections under sessions 2, 4 and 5), and on the right the
    engagement: coach Ana Ruiz, sponsor Northwind Ltd, level L2 and the limits of confidentiality."""
    assert snap_compare(demo_app, terminal_size=SIZE, run_before=unlocked_then())


def test_reflection_in_the_main_view(snap_compare: SnapCompare, demo_app: CandourApp) -> None:
    """You should see the first recent reflection selected, and on the right its date, session 5, theme
    "Conflict with peers", people Priya, mood and energy, and its Markdown text with headings."""
    assert snap_compare(demo_app, terminal_size=SIZE, run_before=unlocked_then("home"))


def test_editor_with_template(snap_compare: SnapCompare, demo_app: CandourApp) -> None:
    """You should see "New reflection · After session 5 (12 Nov 2026)", an empty title, the four
    after-session prompts as headings in the text area, theme and people fields, mood and energy, the
    actions field, and the footer with Save, Close and Discard."""
    assert snap_compare(demo_app, terminal_size=SIZE, run_before=unlocked_then("home", "n"))


def test_goals_view(snap_compare: SnapCompare, demo_app: CandourApp) -> None:
    """You should see three goals with status and latest rating, a sparkline of each goal's ratings, and on
    the right the first goal's sponsor wording and its ratings over time."""
    assert snap_compare(demo_app, terminal_size=SIZE, run_before=unlocked_then("g"))


def test_search_with_results(snap_compare: SnapCompare, demo_app: CandourApp) -> None:
    """You should see the query "priya" with filters for theme, goal, person, engagement and dates, the
    matching reflections, person and action listed with snippets, and the first result previewed."""
    assert snap_compare(demo_app, terminal_size=SIZE, run_before=unlocked_then("slash", then_type="priya"))


def test_prep_view(snap_compare: SnapCompare, demo_app: CandourApp) -> None:
    """You should see the digest: next session 6 on 30 November 2026 with its agenda, open actions with the
    overdue one marked, what I said I would do, goals not rated recently, and what I want to bring."""
    assert snap_compare(demo_app, terminal_size=SIZE, run_before=unlocked_then("p"))


def test_first_run(snap_compare: SnapCompare, journal_path: Path) -> None:
    """You should see the welcome card explaining in two sentences what Candour protects, and the new
    passphrase field with its strength meter and the field to type it again."""
    app = make_app(journal_path, kdf=CHEAP_KDF, limits=CHEAP_LIMITS, clock=CLOCK)
    assert snap_compare(app, terminal_size=SIZE, run_before=hold_cursors_steady)
