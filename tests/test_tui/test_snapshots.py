"""SVG snapshots of the app's main screens: a seeded demo journal, a fixed clock, 120x40.

Update after an intended change with `python -m pytest tests/test_tui/test_snapshots.py --snapshot-update`,
and look at the report before committing.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Awaitable, Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from textual.app import App
from textual.pilot import Pilot
from textual.widgets import Input, ListView, Markdown, OptionList, Static, TextArea, Tree

from journal import Engagement, FixedClock, Person, Reflection, Session, Theme
from journal.demo import DEMO_PASSPHRASE, create_demo
from tests.conftest import CHEAP_KDF, CHEAP_LIMITS
from tests.test_tui.test_app import TIMEOUT
from tui.app import CandourApp, make_app
from tui.screens.editor import EditorScreen
from tui.screens.ending import EndEngagementScreen
from tui.screens.goals import GoalsScreen
from tui.screens.main import MainScreen
from tui.screens.prep import PrepScreen
from tui.screens.records import DeletedScreen, HistoryScreen, ManageScreen, NamesScreen, RecordForm, RecordRow
from tui.screens.search import SearchScreen

SIZE = (120, 40)
CLOCK = FixedClock.on(date(2026, 11, 26))

SnapCompare = Callable[..., bool]
State = Callable[[App[Any]], bool]


@pytest.fixture(autouse=True)
def steady_cursors(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Every text cursor is drawn steadily, so a picture never depends on when in a blink it is taken.

    As in Textual's own snapshot apps, the blink is turned off as each field is made, before it is first drawn:
    turned off later, a text area can keep the line it drew with the cursor blinked away (its line cache does
    not tell the two apart), and the picture then depends on the moment.
    """
    for field_class in (Input, TextArea):
        made = field_class.__init__

        def make_steady(self: Input | TextArea, *args: Any, __made: Any = made, **kwargs: Any) -> None:
            __made(self, *args, **kwargs)
            self.cursor_blink = False

        monkeypatch.setattr(field_class, "__init__", make_steady)
    yield


@pytest.fixture
def demo_app(journal_path: Path) -> CandourApp:
    create_demo(journal_path, CLOCK, kdf=CHEAP_KDF, limits=CHEAP_LIMITS).close()
    return make_app(journal_path, kdf=CHEAP_KDF, limits=CHEAP_LIMITS, clock=CLOCK, demo_passphrase=DEMO_PASSPHRASE)


def focused(app: App[Any], widget_id: str) -> bool:
    return app.focused is not None and app.focused.id == widget_id


def _drawn(app: App[Any]) -> bool:
    """Nothing left to draw: no worker running, every Markdown document parsed and mounted."""
    documents = app.screen.query(Markdown)
    return not app.workers and all(not md.lock.is_locked and bool(md.children) == bool(md.source) for md in documents)


async def settle(pilot: Pilot[Any], state: State) -> None:
    """Let the app run until it shows `state` with nothing left to draw, checked each time the framework has
    processed every message pending on the screen and finished its animations."""
    deadline = time.monotonic() + TIMEOUT
    while True:
        await pilot.wait_for_scheduled_animations()
        if state(pilot.app) and _drawn(pilot.app):
            return
        if time.monotonic() > deadline:
            raise AssertionError("the app did not reach the state to picture in time")


def showing(state: State) -> Callable[[Pilot[Any]], Awaitable[None]]:
    """Before the picture: wait for `state`."""

    async def run_before(pilot: Pilot[Any]) -> None:
        await settle(pilot, state)

    return run_before


def unlocked_then(*keys: str, then_type: str = "", shows: State) -> Callable[[Pilot[Any]], Awaitable[None]]:
    """Unlock the demo journal, wait for the main view and its background loading, press `keys`, type
    `then_type` into whatever has focus followed by Tab, and wait until the app `shows` the state pictured."""

    async def run_before(pilot: Pilot[Any]) -> None:
        app = pilot.app
        await settle(pilot, lambda app: focused(app, "passphrase"))
        app.screen.query_one("#passphrase", Input).value = DEMO_PASSPHRASE
        await pilot.press("enter")
        await settle(pilot, _timeline_focused)
        if keys:
            await pilot.press(*keys)
        if then_type:
            await pilot.press(*then_type, "tab")
        await settle(pilot, shows)

    return run_before


def _timeline_focused(app: App[Any]) -> bool:
    return isinstance(app.screen, MainScreen) and focused(app, "timeline")


def _tree_on_line(line: int) -> State:
    return lambda app: isinstance(app.screen, MainScreen) and app.screen.query_one(Tree).cursor_line == line


def test_unlock_screen(snap_compare: SnapCompare, demo_app: CandourApp) -> None:
    """You should see a centred card saying the journal is locked, a masked passphrase field, the demo
    journal's passphrase hint, an Unlock button and a "Forgot passphrase?" link."""
    assert snap_compare(demo_app, terminal_size=SIZE, run_before=showing(lambda app: focused(app, "passphrase")))


def test_main_view(snap_compare: SnapCompare, demo_app: CandourApp) -> None:
    """You should see the timeline on the left (Recent entries, then "Leadership coaching · 5 of 8 sessions
    held" with sessions 6 (planned) to 1 and reflections under sessions 2, 4 and 5), and on the right the
    engagement: coach Ana Ruiz, sponsor Northwind Ltd, level L2 and the limits of confidentiality."""
    assert snap_compare(demo_app, terminal_size=SIZE, run_before=unlocked_then(shows=_timeline_focused))


def test_reflection_in_the_main_view(snap_compare: SnapCompare, demo_app: CandourApp) -> None:
    """You should see the first recent reflection selected, and on the right its date, session 5, theme
    "Conflict with peers", people Priya, mood and energy, and its Markdown text with headings."""
    assert snap_compare(demo_app, terminal_size=SIZE, run_before=unlocked_then("home", shows=_tree_on_line(0)))


def _editing(app: App[Any]) -> bool:
    return isinstance(app.screen, EditorScreen) and isinstance(app.focused, TextArea)


def test_editor_with_template(snap_compare: SnapCompare, demo_app: CandourApp) -> None:
    """You should see "New reflection · After session 5 (12 Nov 2026)", an empty title, the four
    after-session prompts as headings in the text area, theme and people fields, mood and energy, the
    actions field, and the footer with Save, Close and Discard."""
    assert snap_compare(demo_app, terminal_size=SIZE, run_before=unlocked_then("home", "n", shows=_editing))


def _goals_listed(app: App[Any]) -> bool:
    return isinstance(app.screen, GoalsScreen) and app.screen.query_one(ListView).index == 0 and focused(app, "goals")


def test_goals_view(snap_compare: SnapCompare, demo_app: CandourApp) -> None:
    """You should see three goals with status and latest rating, a sparkline of each goal's ratings, and on
    the right the first goal's sponsor wording and its ratings over time."""
    assert snap_compare(demo_app, terminal_size=SIZE, run_before=unlocked_then("g", shows=_goals_listed))


def _results_listed(app: App[Any]) -> bool:
    """The search for what was typed has run and listed its results, the focus gone on to the first filter."""
    if not isinstance(app.screen, SearchScreen) or not focused(app, "theme"):
        return False
    status = str(app.screen.query_one("#search-status", Static).render())
    return app.screen.query_one(OptionList).option_count > 0 and status.endswith("results")


def test_search_with_results(snap_compare: SnapCompare, demo_app: CandourApp) -> None:
    """You should see the query "priya" with filters for theme, goal, person, engagement and dates, the
    matching reflections, person and action listed with snippets, and the first result previewed."""
    searched = unlocked_then("slash", then_type="priya", shows=_results_listed)
    assert snap_compare(demo_app, terminal_size=SIZE, run_before=searched)


def _prep_shown(app: App[Any]) -> bool:
    return isinstance(app.screen, PrepScreen) and focused(app, "prep-pane")


def test_prep_view(snap_compare: SnapCompare, demo_app: CandourApp) -> None:
    """You should see the digest: next session 6 on 30 November 2026 with its agenda, open actions with the
    overdue one marked, what I said I would do, goals not rated recently, and what I want to bring."""
    assert snap_compare(demo_app, terminal_size=SIZE, run_before=unlocked_then("p", shows=_prep_shown))


def test_first_run(snap_compare: SnapCompare, journal_path: Path) -> None:
    """You should see the welcome card explaining in two sentences what Candour protects, and the new
    passphrase field with its strength meter and the field to type it again."""
    app = make_app(journal_path, kdf=CHEAP_KDF, limits=CHEAP_LIMITS, clock=CLOCK)
    assert snap_compare(app, terminal_size=SIZE, run_before=showing(lambda app: focused(app, "first")))


def _on(screen: type, widget_id: str) -> State:
    """The screen is showing with `widget_id` focused."""
    return lambda app: isinstance(app.screen, screen) and focused(app, widget_id)


def _cursor_on(app: App[Any], wanted: Callable[[object], bool]) -> None:
    """Put the timeline's cursor on the first node whose record `wanted` accepts."""
    tree = app.screen.query_one(Tree)
    for line in range(tree.last_line + 1):
        node = tree.get_node_at_line(line)
        if node is not None and wanted(node.data):
            tree.move_cursor(node)
            return
    raise AssertionError("no such record in the timeline")


def on_record_then(
    wanted: Callable[[object], bool], *keys: str, shows: State
) -> Callable[[Pilot[Any]], Awaitable[None]]:
    """Unlock, put the cursor on the record `wanted` accepts, press `keys`, wait until the app `shows`."""

    async def run_before(pilot: Pilot[Any]) -> None:
        await unlocked_then(shows=_timeline_focused)(pilot)
        _cursor_on(pilot.app, wanted)
        await pilot.press(*keys)
        await settle(pilot, shows)

    return run_before


def test_manage_menu_of_a_reflection(snap_compare: SnapCompare, demo_app: CandourApp) -> None:
    """You should see a centred card naming the reflection by its first words, and the choices: edit the text,
    edit the date, title, mood and energy, history, and delete."""
    managed = on_record_then(lambda data: isinstance(data, Reflection), "m", shows=_on(ManageScreen, "manage-choices"))
    assert snap_compare(demo_app, terminal_size=SIZE, run_before=managed)


def test_record_form_of_a_session(snap_compare: SnapCompare, demo_app: CandourApp) -> None:
    """You should see "Edit the session" with its date (2026-11-30), number 6, status "planned" and its agenda
    "How it went with Priya", each field with a hint of what to type, and Save and Cancel."""
    planned = on_record_then(
        lambda data: isinstance(data, Session) and data.number == 6, "e", shows=_on(RecordForm, "field-held_on")
    )
    assert snap_compare(demo_app, terminal_size=SIZE, run_before=planned)


def test_history_of_an_edited_theme(snap_compare: SnapCompare, journal_path: Path) -> None:
    """You should see the history of the theme "Presence at work": revision 2 (current) and revision 1, and
    below what revision 2 changed: "-label: Presence" and "+label: Presence at work"."""
    with create_demo(journal_path, CLOCK, kdf=CHEAP_KDF, limits=CHEAP_LIMITS) as journal:
        theme = next(theme for theme in journal.all(Theme) if theme.label == "Presence")
        journal.save(dataclasses.replace(theme, label="Presence at work"))
    app = make_app(journal_path, kdf=CHEAP_KDF, limits=CHEAP_LIMITS, clock=CLOCK, demo_passphrase=DEMO_PASSPHRASE)

    def changes_shown(app: App[Any]) -> bool:
        if not _on(HistoryScreen, "revisions")(app):
            return False
        return "+label" in str(app.screen.query_one("#revision-changes", Static).render())

    async def run_before(pilot: Pilot[Any]) -> None:
        await unlocked_then(shows=_timeline_focused)(pilot)
        await pilot.app.run_action("main('names')")
        await settle(pilot, _on(NamesScreen, "names"))
        names = pilot.app.screen
        assert isinstance(names, NamesScreen)
        listing = names.query_one("#names", ListView)
        rows = [row for row in listing.children if isinstance(row, RecordRow)]
        listing.index = next(n for n, row in enumerate(rows) if getattr(row.value, "label", "") == "Presence at work")
        await pilot.press("h")
        await settle(pilot, changes_shown)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_deleted_records(snap_compare: SnapCompare, journal_path: Path) -> None:
    """You should see "Deleted records (Enter restores one)" and one deleted record: the person “Alex”."""
    with create_demo(journal_path, CLOCK, kdf=CHEAP_KDF, limits=CHEAP_LIMITS) as journal:
        unlinked = journal.save(Person("Alex"))
        journal.delete(unlinked.saved_id)
    app = make_app(journal_path, kdf=CHEAP_KDF, limits=CHEAP_LIMITS, clock=CLOCK, demo_passphrase=DEMO_PASSPHRASE)

    async def run_before(pilot: Pilot[Any]) -> None:
        await unlocked_then(shows=_timeline_focused)(pilot)
        await pilot.app.run_action("main('deleted')")
        await settle(pilot, _on(DeletedScreen, "deleted"))

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_end_of_an_engagement(snap_compare: SnapCompare, demo_app: CandourApp) -> None:
    """You should see "End “Leadership coaching”", what archiving, a copy and erasing each do, and the buttons
    Archive (focused), Export a copy…, Erase for good… and Cancel."""

    async def run_before(pilot: Pilot[Any]) -> None:
        await on_record_then(lambda data: isinstance(data, Engagement), "m", shows=_on(ManageScreen, "manage-choices"))(
            pilot
        )
        await pilot.press("down", "enter")
        await settle(pilot, _on(EndEngagementScreen, "archive"))

    assert snap_compare(demo_app, terminal_size=SIZE, run_before=run_before)
