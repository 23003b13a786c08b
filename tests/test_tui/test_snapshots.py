"""SVG snapshots of every screen of the app, each at 80x24 and at 120x40: a seeded demo journal, a fixed clock.

Update after an intended change with `python -m pytest tests/test_tui/test_snapshots.py --snapshot-update`,
and look at the report before committing.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Awaitable, Callable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
import textual.constants
from textual.app import App
from textual.pilot import Pilot
from textual.widgets import (
    Input,
    ListView,
    Markdown,
    OptionList,
    SelectionList,
    Static,
    TabbedContent,
    TextArea,
    Tree,
)
from textual.widgets._footer import FooterKey

from journal import (
    Engagement,
    ExportRecord,
    FixedClock,
    Person,
    Preferences,
    Reflection,
    Session,
    SharingLevel,
    Theme,
)
from journal.demo import DEMO_PASSPHRASE, create_demo
from tests.conftest import CHEAP_KDF, CHEAP_LIMITS
from tests.test_tui.test_app import TIMEOUT
from tui.app import CandourApp, make_app
from tui.screens.actions import ActionsScreen
from tui.screens.confirm import ConfirmScreen
from tui.screens.editor import EditorScreen
from tui.screens.ending import EndEngagementScreen
from tui.screens.export import STEP_FOCUS, ExportEverythingScreen, ExportLogScreen, ExportScreen, ShownSummary
from tui.screens.forms import CheckInForm, EngagementForm, GoalForm, SessionForm
from tui.screens.goals import GoalsScreen
from tui.screens.help import HelpScreen
from tui.screens.main import MainScreen
from tui.screens.prep import PrepScreen
from tui.screens.records import (
    DeletedScreen,
    HistoryScreen,
    ManageScreen,
    NamesScreen,
    PickScreen,
    RecordForm,
    RecordRow,
    TemplatesScreen,
)
from tui.screens.search import SearchScreen
from tui.screens.settings import NewRecoveryKeyScreen, SettingsScreen
from tui.screens.setup import RecoveryKeyScreen
from tui.screens.unlock import RecoverScreen

SIZES = {"80x24": (80, 24), "120x40": (120, 40)}
"""The smallest terminal the app is made for, and a common larger one: every screen is pictured at both."""
CLOCK = FixedClock.on(date(2026, 11, 26))

SnapCompare = Callable[..., bool]
State = Callable[[App[Any]], bool]


@pytest.fixture(autouse=True)
def no_animations(monkeypatch: pytest.MonkeyPatch) -> None:
    """Nothing moves while a picture is taken (a step's tab underline slides to it): as with reduced motion, which
    the app offers, every app made here starts with animations off."""
    monkeypatch.setattr(textual.constants, "TEXTUAL_ANIMATIONS", "none")


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


@pytest.fixture(params=list(SIZES.values()), ids=list(SIZES))
def size(request: pytest.FixtureRequest) -> tuple[int, int]:
    """The terminal's columns and lines."""
    value: tuple[int, int] = request.param
    return value


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


def _footer_keys(app: App[Any]) -> list[int]:
    """Which key widgets the footer shows now: it rebuilds them after the focus moves, a refresh later."""
    return [id(key) for key in app.screen.query(FooterKey)]


async def settle(pilot: Pilot[Any], state: State) -> None:
    """Let the app run until it shows `state` with nothing left to draw, checked each time the framework has
    processed every message pending on the screen and finished its animations; and until a further pass
    leaves the footer as it was (it rebuilds its keys a refresh after the bindings change)."""
    deadline = time.monotonic() + TIMEOUT
    while True:
        await pilot.wait_for_scheduled_animations()
        if state(pilot.app) and _drawn(pilot.app):
            footer = _footer_keys(pilot.app)
            await pilot.pause()
            await pilot.wait_for_scheduled_animations()
            if state(pilot.app) and _drawn(pilot.app) and _footer_keys(pilot.app) == footer:
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


def test_unlock_screen(snap_compare: SnapCompare, size: tuple[int, int], demo_app: CandourApp) -> None:
    """You should see a centred card saying the journal is locked, a masked passphrase field, the demo
    journal's passphrase hint, an Unlock button and a "Forgot passphrase?" link."""
    assert snap_compare(demo_app, terminal_size=size, run_before=showing(lambda app: focused(app, "passphrase")))


def test_main_view(snap_compare: SnapCompare, size: tuple[int, int], demo_app: CandourApp) -> None:
    """You should see the timeline on the left (Recent entries, then "Leadership coaching · 5 of 8 sessions
    held" with sessions 6 (planned) to 1 and reflections under sessions 2, 4 and 5), and on the right the
    engagement: coach Ana Ruiz, sponsor Northwind Ltd, level L2 and the limits of confidentiality."""
    assert snap_compare(demo_app, terminal_size=size, run_before=unlocked_then(shows=_timeline_focused))


def test_reflection_in_the_main_view(snap_compare: SnapCompare, size: tuple[int, int], demo_app: CandourApp) -> None:
    """You should see the first recent reflection selected, and on the right its date, session 5, theme
    "Conflict with peers", people Priya, mood and energy, and its Markdown text with headings."""

    def reflection_shown(app: App[Any]) -> bool:
        return isinstance(app.screen, MainScreen) and "Conflict with peers" in app.screen.query_one(Markdown).source

    shown = on_record_then(lambda data: isinstance(data, Reflection), shows=reflection_shown)
    assert snap_compare(demo_app, terminal_size=size, run_before=shown)


def _editing(app: App[Any]) -> bool:
    return isinstance(app.screen, EditorScreen) and isinstance(app.focused, TextArea)


def test_editor_with_template(snap_compare: SnapCompare, size: tuple[int, int], demo_app: CandourApp) -> None:
    """You should see "New reflection · After session 5 (12 Nov 2026)", an empty title, the four
    after-session prompts as headings in the text area, theme and people fields, mood and energy, the
    actions field, and the footer with Save, Close and Discard."""
    assert snap_compare(demo_app, terminal_size=size, run_before=unlocked_then("home", "n", shows=_editing))


def _goals_listed(app: App[Any]) -> bool:
    return isinstance(app.screen, GoalsScreen) and app.screen.query_one(ListView).index == 0 and focused(app, "goals")


def test_goals_view(snap_compare: SnapCompare, size: tuple[int, int], demo_app: CandourApp) -> None:
    """You should see three goals with status and latest rating, a sparkline of each goal's ratings, and on
    the right the first goal's sponsor wording and its ratings over time."""
    assert snap_compare(demo_app, terminal_size=size, run_before=unlocked_then("g", shows=_goals_listed))


def _results_listed(app: App[Any]) -> bool:
    """The search for what was typed has run and listed its results, the focus gone on to the first filter."""
    if not isinstance(app.screen, SearchScreen) or not focused(app, "theme"):
        return False
    status = str(app.screen.query_one("#search-status", Static).render())
    return app.screen.query_one(OptionList).option_count > 0 and status.endswith("results")


def test_search_with_results(snap_compare: SnapCompare, size: tuple[int, int], demo_app: CandourApp) -> None:
    """You should see the query "priya" with filters for theme, goal, person, engagement and dates, the
    matching reflections, person and action listed with snippets, and the first result previewed."""
    searched = unlocked_then("slash", then_type="priya", shows=_results_listed)
    assert snap_compare(demo_app, terminal_size=size, run_before=searched)


def _prep_shown(app: App[Any]) -> bool:
    return isinstance(app.screen, PrepScreen) and focused(app, "prep-pane")


def test_prep_view(snap_compare: SnapCompare, size: tuple[int, int], demo_app: CandourApp) -> None:
    """You should see the digest: next session 6 on 30 November 2026 with its agenda, open actions with the
    overdue one marked, what I said I would do, goals not rated recently, and what I want to bring."""
    assert snap_compare(demo_app, terminal_size=size, run_before=unlocked_then("p", shows=_prep_shown))


def test_first_run(snap_compare: SnapCompare, size: tuple[int, int], journal_path: Path) -> None:
    """You should see the welcome card explaining in two sentences what Candour protects, and the new
    passphrase field with its strength meter and the field to type it again."""
    app = make_app(journal_path, kdf=CHEAP_KDF, limits=CHEAP_LIMITS, clock=CLOCK)
    assert snap_compare(app, terminal_size=size, run_before=showing(lambda app: focused(app, "first")))


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


def test_manage_menu_of_a_reflection(snap_compare: SnapCompare, size: tuple[int, int], demo_app: CandourApp) -> None:
    """You should see a centred card naming the reflection by its first words, and the choices: edit the text,
    edit the date, title, mood and energy, history, and delete."""
    managed = on_record_then(lambda data: isinstance(data, Reflection), "m", shows=_on(ManageScreen, "manage-choices"))
    assert snap_compare(demo_app, terminal_size=size, run_before=managed)


def test_record_form_of_a_session(snap_compare: SnapCompare, size: tuple[int, int], demo_app: CandourApp) -> None:
    """You should see "Edit the session" with its date (2026-11-30), number 6, status "planned" and its agenda
    "How it went with Priya", each field with a hint of what to type, and Save and Cancel."""
    planned = on_record_then(
        lambda data: isinstance(data, Session) and data.number == 6, "e", shows=_on(RecordForm, "field-held_on")
    )
    assert snap_compare(demo_app, terminal_size=size, run_before=planned)


def test_history_of_an_edited_theme(snap_compare: SnapCompare, size: tuple[int, int], journal_path: Path) -> None:
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

    assert snap_compare(app, terminal_size=size, run_before=run_before)


def test_deleted_records(snap_compare: SnapCompare, size: tuple[int, int], journal_path: Path) -> None:
    """You should see "Deleted records (Enter restores one)" and one deleted record: the person “Alex”."""
    with create_demo(journal_path, CLOCK, kdf=CHEAP_KDF, limits=CHEAP_LIMITS) as journal:
        unlinked = journal.save(Person("Alex"))
        journal.delete(unlinked.saved_id)
    app = make_app(journal_path, kdf=CHEAP_KDF, limits=CHEAP_LIMITS, clock=CLOCK, demo_passphrase=DEMO_PASSPHRASE)

    async def run_before(pilot: Pilot[Any]) -> None:
        await unlocked_then(shows=_timeline_focused)(pilot)
        await pilot.app.run_action("main('deleted')")
        await settle(pilot, _on(DeletedScreen, "deleted"))

    assert snap_compare(app, terminal_size=size, run_before=run_before)


def test_end_of_an_engagement(snap_compare: SnapCompare, size: tuple[int, int], demo_app: CandourApp) -> None:
    """You should see "End “Leadership coaching”", what archiving, a copy and erasing each do, and the buttons
    Archive (focused), Export a copy…, Erase for good… and Cancel."""

    async def run_before(pilot: Pilot[Any]) -> None:
        await on_record_then(lambda data: isinstance(data, Engagement), "m", shows=_on(ManageScreen, "manage-choices"))(
            pilot
        )
        await pilot.press("down", "enter")
        await settle(pilot, _on(EndEngagementScreen, "archive"))

    assert snap_compare(demo_app, terminal_size=size, run_before=run_before)


def _screen(screen: type) -> State:
    return lambda app: isinstance(app.screen, screen)


def test_keys(snap_compare: SnapCompare, size: tuple[int, int], demo_app: CandourApp) -> None:
    """You should see the card of keys: what each key does on the main view, in the editor, on the summary and
    everywhere, grouped by where they work, scrolling when the terminal is small."""
    assert snap_compare(demo_app, terminal_size=size, run_before=unlocked_then("f1", shows=_screen(HelpScreen)))


def test_settings(snap_compare: SnapCompare, size: tuple[int, int], demo_app: CandourApp) -> None:
    """You should see Settings: auto-lock minutes (focused) and the theme, Save preferences; then changing the
    passphrase (current, new with its strength meter, again); a new recovery key; rotating keys."""
    shown = unlocked_then("comma", shows=_on(SettingsScreen, "auto-lock"))
    assert snap_compare(demo_app, terminal_size=size, run_before=shown)


def test_actions(snap_compare: SnapCompare, size: tuple[int, int], demo_app: CandourApp) -> None:
    """You should see the open actions with a box each (space ticks it done), their due dates, the overdue one
    marked in words, and the footer's Manage, Edit and Back."""
    shown = unlocked_then("t", shows=_on(ActionsScreen, "actions"))
    assert snap_compare(demo_app, terminal_size=size, run_before=shown)


def _summary_at(step: str) -> State:
    def shown(app: App[Any]) -> bool:
        screen = app.screen
        if not isinstance(screen, ExportScreen) or not screen.data:
            return False
        tabs = screen.query_one("#steps", TabbedContent)
        if tabs.active != f"step-{step}" or not focused(app, STEP_FOCUS[step].lstrip("#")):
            return False
        # The tab is chosen before its pane is laid out and the footer has its keys again: wait for both.
        laid_out = app.focused is not None and app.focused.region.height > 0
        return laid_out and bool(_footer_keys(app))

    return shown


def _summary_step(step: str, *, tick: str = "") -> Callable[[Pilot[Any]], Awaitable[None]]:
    """Open the sponsor summary, tick the item `tick` names (an item id's start), go on to `step`."""

    async def run_before(pilot: Pilot[Any]) -> None:
        await unlocked_then("x", shows=_summary_at("choose"))(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, ExportScreen) and screen.session is not None
        if tick:
            session = screen.session
            (item,) = [item for item in session.items if item.item_id.startswith(tick)]
            screen.query_one("#items", SelectionList).select(item.item_id)
            await settle(pilot, lambda app: item.item_id in session.ticked)
        screen.query_one("#destination", Input).value = "coaching-summary.md"  # not this machine's home
        await pilot.press(*["f3"] * list(STEP_FOCUS).index(step))
        await settle(pilot, _summary_at(step))

    return run_before


def test_summary_choose(snap_compare: SnapCompare, size: tuple[int, int], demo_app: CandourApp) -> None:
    """You should see step 1 of 5 of the sponsor summary: the engagement, "Coaching summary", an empty period
    field saying that empty is all of it, and the items with the engagement label, period and sessions held
    ticked; the statement and "focus for the next period" say they are above L2 and need a wording."""
    assert snap_compare(demo_app, terminal_size=size, run_before=_summary_step("choose"))


def test_summary_word(snap_compare: SnapCompare, size: tuple[int, int], demo_app: CandourApp) -> None:
    """You should see step 2 with "2 Word (1 waiting)": "waiting: focus for the next period" first and
    highlighted, then the label, ready; the wording field for it, and "Let it in beyond the agreed level"
    enabled; the status line naming the focus as needing level L3, without any id."""
    assert snap_compare(demo_app, terminal_size=size, run_before=_summary_step("word", tick="focus"))


def test_summary_check(snap_compare: SnapCompare, size: tuple[int, int], demo_app: CandourApp) -> None:
    """You should see step 3 with the findings of the check for the coach's name ticked: "your coach's name"
    named, what was found and whether it keeps the item out."""
    assert snap_compare(demo_app, terminal_size=size, run_before=_summary_step("check", tick="coach"))


def test_summary_preview(snap_compare: SnapCompare, size: tuple[int, int], demo_app: CandourApp) -> None:
    """You should see step 4: "Exactly what will be written, as markdown", and the Markdown of the label,
    period and sessions held, after the agreed sharing level, with the note that the coachee approved it."""
    assert snap_compare(demo_app, terminal_size=size, run_before=_summary_step("preview"))


def test_summary_write(snap_compare: SnapCompare, size: tuple[int, int], demo_app: CandourApp) -> None:
    """You should see step 5: "For whom" (focused, empty: the sponsor), "Where to write it" with
    coaching-summary.md, "Keep my new wordings for next time", and Write file, Show only, Preparation sheet,
    Cancel, all on screen."""
    assert snap_compare(demo_app, terminal_size=size, run_before=_summary_step("write"))


def test_summary_shown_on_screen_only(snap_compare: SnapCompare, size: tuple[int, int], demo_app: CandourApp) -> None:
    """You should see the summary shown on screen (a card over the summary screen) and below it that no file
    was written and the showing is in the export log."""

    async def run_before(pilot: Pilot[Any]) -> None:
        await _summary_step("preview")(pilot)
        await pilot.press("f4")
        await settle(pilot, _screen(ShownSummary))

    assert snap_compare(demo_app, terminal_size=size, run_before=run_before)


def test_what_i_disclosed(snap_compare: SnapCompare, size: tuple[int, int], journal_path: Path) -> None:
    """You should see the export log: one summary for Dee on 20 November 2026 at L2, markdown, 3 items,
    written to summary.md, with the start of its SHA-256."""
    with create_demo(journal_path, CLOCK, kdf=CHEAP_KDF, limits=CHEAP_LIMITS) as journal:
        when = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)
        journal.save(
            ExportRecord(
                when, "Dee", "markdown", "ab" * 32, items=("a", "b", "c"), level=SharingLevel.L2, path="summary.md"
            )
        )
    app = make_app(journal_path, kdf=CHEAP_KDF, limits=CHEAP_LIMITS, clock=CLOCK, demo_passphrase=DEMO_PASSPHRASE)
    assert snap_compare(
        app, terminal_size=size, run_before=unlocked_then("X", shows=_on(ExportLogScreen, "export-log"))
    )


def test_export_everything(snap_compare: SnapCompare, size: tuple[int, int], demo_app: CandourApp) -> None:
    """You should see "Export everything for yourself", the warning that the file is not encrypted, the
    format (markdown), the file to write, and the buttons "Write unencrypted file" and Cancel."""

    async def run_before(pilot: Pilot[Any]) -> None:
        await unlocked_then(shows=_timeline_focused)(pilot)
        await pilot.app.run_action("main('export_everything')")
        app = pilot.app
        await settle(pilot, _screen(ExportEverythingScreen))
        app.screen.query_one("#destination", Input).value = "candour-journal-export.md"  # not this machine's home
        await settle(pilot, _screen(ExportEverythingScreen))

    assert snap_compare(demo_app, terminal_size=size, run_before=run_before)


def test_new_engagement_form(snap_compare: SnapCompare, size: tuple[int, int], demo_app: CandourApp) -> None:
    """You should see "New engagement": title (focused), coach, sponsor, the sponsor's label, dates, planned
    sessions, the sharing level and its explanation, and the limits of confidentiality with five lines."""
    shown = unlocked_then("E", shows=_screen(EngagementForm))
    assert snap_compare(demo_app, terminal_size=size, run_before=shown)


def test_new_session_form(snap_compare: SnapCompare, size: tuple[int, int], demo_app: CandourApp) -> None:
    """You should see "Add a session" to "Leadership coaching": the date, number 7, whether it is planned or
    held, and the agenda, with Save and Cancel."""
    assert snap_compare(demo_app, terminal_size=size, run_before=unlocked_then("a", shows=_screen(SessionForm)))


def test_new_goal_form(snap_compare: SnapCompare, size: tuple[int, int], demo_app: CandourApp) -> None:
    """You should see "New goal": the private title, the wording for the sponsor, the target on 0-10, with a
    hint for each field, and Save and Cancel."""
    assert snap_compare(demo_app, terminal_size=size, run_before=unlocked_then("g", "n", shows=_screen(GoalForm)))


def test_check_in_form(snap_compare: SnapCompare, size: tuple[int, int], demo_app: CandourApp) -> None:
    """You should see the check-in on the first goal: the rating 0-10, notes, and a statement for the sponsor,
    each with its hint, and Save and Cancel."""
    shown = unlocked_then("g", shows=_goals_listed)

    async def run_before(pilot: Pilot[Any]) -> None:
        await shown(pilot)
        await pilot.press("r")
        await settle(pilot, _screen(CheckInForm))

    assert snap_compare(demo_app, terminal_size=size, run_before=run_before)


def test_themes_and_people(snap_compare: SnapCompare, size: tuple[int, int], demo_app: CandourApp) -> None:
    """You should see "Themes and people": each theme and person with its aliases and how many records name
    it, and the footer's Edit, Merge another in, Delete, History and Back."""

    async def run_before(pilot: Pilot[Any]) -> None:
        await unlocked_then(shows=_timeline_focused)(pilot)
        await pilot.app.run_action("main('names')")
        await settle(pilot, _on(NamesScreen, "names"))

    assert snap_compare(demo_app, terminal_size=size, run_before=run_before)


def test_templates(snap_compare: SnapCompare, size: tuple[int, int], demo_app: CandourApp) -> None:
    """You should see "Templates": the built-in templates and the coachee's own (none in the demo), and the
    footer's New template, Edit, Delete and Back."""

    async def run_before(pilot: Pilot[Any]) -> None:
        await unlocked_then(shows=_timeline_focused)(pilot)
        await pilot.app.run_action("main('templates')")
        await settle(pilot, _screen(TemplatesScreen))

    assert snap_compare(demo_app, terminal_size=size, run_before=run_before)


def test_asked_before_deleting(snap_compare: SnapCompare, size: tuple[int, int], demo_app: CandourApp) -> None:
    """You should see a card asking whether to delete the reflection, named by its first words, saying that it
    can be restored from Deleted records, with the focus on Cancel."""
    asked = on_record_then(lambda data: isinstance(data, Reflection), "d", shows=_screen(ConfirmScreen))
    assert snap_compare(demo_app, terminal_size=size, run_before=asked)


def test_moving_a_draft(snap_compare: SnapCompare, size: tuple[int, int], demo_app: CandourApp) -> None:
    """You should see, over the editor, "Move this draft to…" and the places it can go: the other sessions of
    the engagement by number and date, and "Between sessions"."""
    moving = unlocked_then("home", "n", "f3", shows=_screen(PickScreen))
    assert snap_compare(demo_app, terminal_size=size, run_before=moving)


def test_forgot_passphrase(snap_compare: SnapCompare, size: tuple[int, int], demo_app: CandourApp) -> None:
    """You should see "Recover with your recovery key": the recovery key field (focused), the new passphrase
    with its strength meter and the field to type it again, and Recover and Back."""

    async def run_before(pilot: Pilot[Any]) -> None:
        await settle(pilot, lambda app: focused(app, "passphrase"))
        await pilot.click("#recover-button")
        await settle(pilot, _on(RecoverScreen, "recovery-key"))

    assert snap_compare(demo_app, terminal_size=size, run_before=run_before)


SHOWN_KEY = "ABCD-EFGH-JKLM-NPQR-STUV-WXYZ-2345-6789"
"""A recovery key as the screens show one (a real one is random, and a picture must not change)."""


def test_first_recovery_key(snap_compare: SnapCompare, size: tuple[int, int], journal_path: Path) -> None:
    """You should see "Your recovery key", why to write it down, the key in groups of four, the field for its
    last group beside "I have written it down", all within the card."""
    app = make_app(journal_path, kdf=CHEAP_KDF, limits=CHEAP_LIMITS, clock=CLOCK)

    async def run_before(pilot: Pilot[Any]) -> None:
        await settle(pilot, lambda app: focused(app, "first"))
        pilot.app.push_screen(RecoveryKeyScreen(SHOWN_KEY))
        await settle(pilot, _on(RecoveryKeyScreen, "last-group"))

    assert snap_compare(app, terminal_size=size, run_before=run_before)


def test_new_recovery_key(snap_compare: SnapCompare, size: tuple[int, int], demo_app: CandourApp) -> None:
    """You should see "Your new recovery key" over Settings: that it replaces the current key only once typed
    back, the key, the field to type it, and "Use this key" and Cancel."""

    async def run_before(pilot: Pilot[Any]) -> None:
        await unlocked_then("comma", shows=_on(SettingsScreen, "auto-lock"))(pilot)
        pilot.app.push_screen(NewRecoveryKeyScreen(SHOWN_KEY))
        await settle(pilot, _screen(NewRecoveryKeyScreen))

    assert snap_compare(demo_app, terminal_size=size, run_before=run_before)


def test_main_view_in_high_contrast(snap_compare: SnapCompare, size: tuple[int, int], journal_path: Path) -> None:
    """You should see the main view in white and yellow on a black background, the footer's keys in yellow, no
    dimmed grey text anywhere."""
    with create_demo(journal_path, CLOCK, kdf=CHEAP_KDF, limits=CHEAP_LIMITS) as journal:
        journal.save_preferences(Preferences(theme="high-contrast"))
    app = make_app(journal_path, kdf=CHEAP_KDF, limits=CHEAP_LIMITS, clock=CLOCK, demo_passphrase=DEMO_PASSPHRASE)
    assert snap_compare(app, terminal_size=size, run_before=unlocked_then(shows=_timeline_focused))
