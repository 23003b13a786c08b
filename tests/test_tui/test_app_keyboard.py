"""The keyboard model of the app, driven with Textual's Pilot: the focus stays where the user types, and no
binding is one a focused text field also uses."""

from __future__ import annotations

import asyncio
import re
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rich.text import Text
from textual import events
from textual.app import App
from textual.binding import Binding
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Button, Checkbox, Input, ListView, OptionList, Select, Static, TextArea, Tree

import tui.app
from journal import FixedClock, Goal, Journal, Preferences, Reflection, assess_passphrase, draw_recovery_key
from journal.demo import DEMO_PASSPHRASE
from tests.conftest import CHEAP_LIMITS, PASSPHRASE
from tests.test_tui.test_app import SIZE, _focused_id, _unlock_error, app_for, type_text, unlock, wait_for
from tests.test_tui.test_app_lossless import new_journal
from tui.screens.ending import EndEngagementScreen
from tui.screens.export import ExportEverythingScreen, ExportScreen
from tui.screens.forms import CheckInForm, EngagementForm, Form, GoalForm, SessionForm
from tui.screens.goals import GoalsScreen
from tui.screens.help import HelpScreen, key_name
from tui.screens.main import MainScreen
from tui.screens.records import DeletedScreen, NamesScreen, RecordForm, TemplatesScreen
from tui.screens.search import SearchScreen
from tui.screens.settings import SettingsScreen
from tui.screens.setup import RecoveryKeyScreen
from tui.screens.unlock import UnlockScreen
from tui.widgets.goal_chart import GoalChart
from tui.widgets.passphrase import meter


async def test_a_wrong_passphrase_keeps_the_focus_in_its_field_and_a_space_typed_meanwhile_stays_text(
    demo_path: Path, clock: FixedClock
) -> None:
    app = app_for(demo_path, clock)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, UnlockScreen) and _focused_id(app) == "passphrase")
        screen = app.screen
        assert isinstance(screen, UnlockScreen)
        unlocking = screen
        for attempt in range(3):
            await type_text(pilot, f"not it {attempt}")
            await pilot.press("enter")
            # Typed while the key is checked: it goes to the field, never to the "Forgot passphrase?" link.
            await type_text(pilot, " next")
            assert _focused_id(app) == "passphrase"
            await wait_for(pilot, lambda: "Wrong passphrase" in _unlock_error(app) and unlocking._tried is None)
            assert app.screen is screen and _focused_id(app) == "passphrase"
            field = screen.query_one("#passphrase", Input)
            assert field.value == " next"  # the wrong one went; what was typed after it stayed
            field.value = ""


def _keys(bindings: list[Binding | tuple[str, ...]]) -> set[str]:
    """Every key a list of bindings takes ("ctrl+w,ctrl+backspace" is two)."""
    keys = (binding.key if isinstance(binding, Binding) else binding[0] for binding in bindings)
    return {key for listed in keys for key in listed.split(",")}


def test_the_summary_keys_are_not_ones_a_text_field_uses() -> None:
    used_by_fields = _keys(list(Input.BINDINGS)) | _keys(list(TextArea.BINDINGS))
    assert "ctrl+w" in used_by_fields  # the key that deleted a word instead of writing the file
    # Escape is the one shared key, with one meaning everywhere: back out (of a field's selection, of a screen).
    assert not (_keys(list(ExportScreen.BINDINGS)) - {"escape"}) & used_by_fields


def test_the_strength_meter_reads_without_colour() -> None:
    weakest = meter(assess_passphrase("password"))
    assert weakest.startswith("□□□□") and "very weak" in weakest and "too weak" in weakest  # visible at score 0
    strong = meter(assess_passphrase("quokka marmalade zeppelin lantern"))
    assert strong.startswith("■■■") and "too weak" not in strong
    assert meter(None).startswith("□□□□")


async def test_settings_start_in_their_first_field_and_enter_does_what_the_section_button_does(
    demo_path: Path, clock: FixedClock
) -> None:
    app = app_for(demo_path, clock)
    new = "another passphrase for the demo"
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        await pilot.press("comma")
        await wait_for(pilot, lambda: isinstance(app.screen, SettingsScreen) and _focused_id(app) == "auto-lock")
        screen = app.screen
        screen.query_one("#auto-lock", Input).value = "9"
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.auto_lock_seconds == 9 * 60)
        screen.query_one("#current", Input).focus()
        await type_text(pilot, DEMO_PASSPHRASE)
        await pilot.press("enter")
        assert _focused_id(app) == "first"
        await type_text(pilot, new)
        await pilot.press("enter")
        assert _focused_id(app) == "second"
        await type_text(pilot, new)
        await pilot.press("enter")  # changes the passphrase, showing it is under way where the user typed
        await wait_for(pilot, lambda: notified_passphrase_changed(app))
    Journal.open(demo_path, new, limits=CHEAP_LIMITS).close()


def notified_passphrase_changed(app: object) -> bool:
    return any("Passphrase changed" in str(note.message) for note in getattr(app, "_notifications", []))


async def test_search_goes_down_to_its_results_and_enter_shows_one_in_the_journal(
    demo_path: Path, clock: FixedClock
) -> None:
    app = app_for(demo_path, clock)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        await pilot.press("slash")
        await wait_for(pilot, lambda: isinstance(app.screen, SearchScreen) and _focused_id(app) == "query")
        search = app.screen
        await type_text(pilot, "delegated hiring")  # the letters of the screen's keys (e, d) are text here
        assert search.query_one("#query", Input).value == "delegated hiring"
        results = search.query_one("#results", OptionList)
        await wait_for(pilot, lambda: results.option_count > 0)
        first = results.get_option_at_index(0)
        marked = first.prompt
        assert isinstance(marked, Text) and any("underline" in str(span.style) for span in marked.spans)
        await pilot.press("down")
        assert _focused_id(app) == "results" and results.highlighted == 0
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, MainScreen))
        main = app.screen
        assert isinstance(main, MainScreen)
        selected = main.selected
        assert isinstance(selected, Reflection) and selected.saved_id == first.id


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_the_recovery_key_screen_shows_its_button_and_says_a_wrong_group_beside_the_field(
    size: tuple[int, int],
) -> None:
    key = draw_recovery_key()

    class ShowsTheKey(App[int]):
        CSS_PATH = Path(tui.app.__file__).parent / "app.tcss"  # the app's own styles

        def on_mount(self) -> None:
            self.push_screen(RecoveryKeyScreen(key))

    app = ShowsTheKey()
    async with app.run_test(size=size) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, RecoveryKeyScreen) and _focused_id(app) == "last-group")
        screen = app.screen
        button = screen.query_one("#confirm")
        field = screen.query_one("#last-group")
        shown = screen.region
        assert button.region.height > 0 and shown.contains_region(button.region)
        await type_text(pilot, "ZZZZ" if not key.endswith("ZZZZ") else "YYYY")
        await pilot.press("enter")
        error = screen.query_one("#recovery-error", Static)
        await wait_for(pilot, lambda: "not the last group" in str(error.render()))
        assert 0 <= error.region.y - field.region.bottom <= 2  # just under the field, not far below


async def test_high_contrast_and_reduced_motion_are_kept_and_put_in_force_at_each_unlock(
    demo_path: Path, clock: FixedClock
) -> None:
    app = app_for(demo_path, clock)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        await pilot.press("comma")
        await wait_for(pilot, lambda: isinstance(app.screen, SettingsScreen) and _focused_id(app) == "auto-lock")
        screen = app.screen
        screen.query_one("#theme", Select).value = "high-contrast"
        screen.query_one("#reduced-motion", Checkbox).value = True
        screen.query_one("#save-preferences", Button).press()
        await wait_for(pilot, lambda: app.theme == tui.app.HIGH_CONTRAST.name and app.animation_level == "none")
        await pilot.press("ctrl+l")
        await wait_for(pilot, lambda: isinstance(app.screen, UnlockScreen))
        app.apply_preferences(Preferences())  # as a new process starts, before the journal's are read
        assert app.animation_level != "none"
        await unlock(pilot)
        await wait_for(pilot, lambda: app.theme == tui.app.HIGH_CONTRAST.name and app.animation_level == "none")


async def goals_chart_after_unlock(pilot: Pilot[int]) -> GoalChart:
    """Unlock the journal and open Goals with `g`: its chart, once the goal list has the focus."""
    app = pilot.app
    await unlock(pilot)
    await pilot.press("g")
    await wait_for(pilot, lambda: isinstance(app.screen, GoalsScreen) and _focused_id(app) == "goals")
    return app.screen.query_one(GoalChart)


async def test_a_goals_chart_has_the_dates_and_the_scale_and_follows_the_selection(
    demo_path: Path, clock: FixedClock
) -> None:
    app = app_for(demo_path, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        chart = await goals_chart_after_unlock(pilot)

        def drawn() -> str:
            picture = chart.render()
            return picture.plain if isinstance(picture, Text) else ""

        await wait_for(pilot, lambda: "2026-09-18" in drawn())  # the first goal's first check-in, as ISO dates
        assert "10┤" in drawn() and "0┤" in drawn()  # the whole 0-10 scale, whatever the ratings
        first = drawn()
        await pilot.press("down")
        await wait_for(pilot, lambda: drawn() != first)
        goals = app.screen.query_one("#goals", ListView)
        await pilot.press("r")  # a check-in on the second goal, and the selection stays on it
        await wait_for(pilot, lambda: isinstance(app.screen, CheckInForm))
        form = app.screen
        assert isinstance(form, CheckInForm) and form.goal.title == "Stop rescuing: let the team own decisions"
        await type_text(pilot, "9")
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, GoalsScreen))
        assert goals.index == 1
        # Drawn again at once, with the new rating, without moving the selection.
        await wait_for(pilot, lambda: chart.points[-1:] == ((clock.today(), 9),))
        assert goals.index == 1


async def test_a_very_long_reflection_shows_its_first_pages_and_opens_whole_with_ctrl_end_at_its_end(
    demo_path: Path, clock: FixedClock
) -> None:
    paragraph = "What I did not say to Priya, and why it matters more than what I said. " * 12
    text = "\n\n".join(f"## Part {number}\n\n{paragraph}" for number in range(200)) + "\n\nThe very last words."
    assert len(text) > 150_000
    with Journal.open(demo_path, DEMO_PASSPHRASE, limits=CHEAP_LIMITS, clock=clock) as journal:
        journal.save(Reflection(text=text, written_at=clock.now(), title="A long evening"))
    app = app_for(demo_path, clock)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        await wait_for(pilot, lambda: isinstance(app.screen, MainScreen) and _focused_id(app) == "timeline")
        tree = app.screen.query_one(Tree)
        lines = [tree.get_node_at_line(line) for line in range(tree.last_line + 1)]
        long_one = next(
            n for n, node in enumerate(lines) if node and getattr(node.data, "title", "") == "A long evening"
        )
        tree.cursor_line = long_one
        plain = app.screen.query_one("#detail-text", TextArea)
        await wait_for(pilot, lambda: plain.display and "e opens the whole text" in plain.text)
        assert plain.text.startswith("# A long evening") and "The very last words." not in plain.text
        assert not app.screen.query_one("#detail-pane").display
        tree.cursor_line = long_one + 1  # a short record: formatted again
        await wait_for(pilot, lambda: not plain.display and not plain.text)
        tree.cursor_line = long_one
        await pilot.press("e")
        await wait_for(pilot, lambda: _focused_id(app) == "text")
        area = app.screen.query_one("#text", TextArea)
        assert area.text == text  # the editor has all of it
        await pilot.press("ctrl+end")
        await wait_for(pilot, lambda: area.cursor_location == area.document.end)
        assert "The very last words." in area.document.get_line(area.cursor_location[0])
        await pilot.press("ctrl+home")
        await wait_for(pilot, lambda: area.cursor_location == (0, 0))


async def test_a_name_after_at_in_the_text_is_offered_and_ctrl_n_completes_it(
    demo_path: Path, clock: FixedClock
) -> None:
    app = app_for(demo_path, clock)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        await pilot.press("f")
        await wait_for(pilot, lambda: _focused_id(app) == "text")
        await type_text(pilot, "Lunch with @pr")
        status = app.screen.query_one("#editor-status", Static)
        await wait_for(pilot, lambda: "@priya? Ctrl+N completes it." in str(status.render()))
        await pilot.press("ctrl+n")
        area = app.screen.query_one("#text", TextArea)
        await wait_for(pilot, lambda: "Lunch with @priya" in area.text)
        await type_text(pilot, " today")  # nothing left to complete: Ctrl+N types nothing
        await pilot.press("ctrl+n")
        assert "Lunch with @priya today" in area.text


def _screens_to_fit(journal: Journal) -> dict[str, Screen[Any]]:
    """Every modal card and form, built over the demo journal, by name."""
    engagement = journal.current_engagement()
    assert engagement is not None
    goal = journal.all(Goal)[0]
    session = journal.sessions_of(engagement)[0]
    screens: dict[str, Screen[Any]] = {
        "new engagement": EngagementForm(),
        "edit engagement": EngagementForm(existing=engagement),
        "new session": SessionForm(engagement),
        "new goal": GoalForm(),
        "check-in": CheckInForm(goal),
        "edit session": RecordForm(session),
        "edit goal": RecordForm(goal),
        "end engagement": EndEngagementScreen(engagement),
        "export everything": ExportEverythingScreen(),
        "keys": HelpScreen(),
        "settings": SettingsScreen(),
    }
    assert set(screens) == set(CARDS)
    return screens


def _fully_shown(widget: Widget) -> bool:
    """Whether all of a widget is on screen: inside the screen and inside the shown part of every container that
    scrolls it."""
    region = widget.region
    if region.height == 0 or not widget.screen.region.contains_region(region):
        return False
    return all(ancestor.region.contains_region(region) for ancestor in widget.ancestors if isinstance(ancestor, Widget))


CARDS = [
    "new engagement",
    "edit engagement",
    "new session",
    "new goal",
    "check-in",
    "edit session",
    "edit goal",
    "end engagement",
    "export everything",
    "keys",
    "settings",
]


@pytest.mark.parametrize("name", CARDS)
async def test_every_field_and_button_of_a_card_is_reached_by_tab_and_shown_at_80_by_24(
    demo_path: Path, clock: FixedClock, name: str
) -> None:
    app = app_for(demo_path, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await unlock(pilot)
        await wait_for(pilot, lambda: isinstance(app.screen, MainScreen))
        assert app.journal is not None
        screen = _screens_to_fit(app.journal)[name]
        app.push_screen(screen)
        await wait_for(pilot, lambda: app.screen is screen and app.focused is not None)
        reachable = list(screen.focus_chain)
        assert reachable
        seen: list[Widget] = []
        for _ in reachable:
            focused = app.focused
            assert focused is not None
            await wait_for(pilot, lambda: _fully_shown(focused))  # noqa: B023 (awaited at once)
            seen.append(focused)
            await pilot.press("tab")
        assert set(seen) == set(reachable)
        if isinstance(screen, Form):  # a form's error line is brought into view when it says something
            screen.show_error("Something to say.")
            error = screen.query_one(".error", Static)
            await wait_for(pilot, lambda: _fully_shown(error))


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(first=st.text(alphabet="abcxyz ", min_size=1, max_size=6), second=st.text(alphabet="abcxyz", max_size=6))
def test_keys_typed_in_one_burst_after_tab_go_to_the_next_field(first: str, second: str) -> None:
    """Tab, then a key at once (a fast typist, a paste): the key goes to the field Tab moved to, never to the
    one it left."""

    async def type_in_one_burst(path: Path, clock: FixedClock) -> tuple[str, str]:
        app = app_for(path, clock)
        async with app.run_test(size=SIZE) as pilot:
            await unlock(pilot, PASSPHRASE)
            await wait_for(pilot, lambda: isinstance(app.screen, MainScreen))
            app.push_screen(GoalForm())
            await wait_for(pilot, lambda: _focused_id(app) == "title")
            for key in [*first, "tab", *second]:
                app.post_message(events.Key("space" if key == " " else key, key if len(key) == 1 else None))
            await wait_for(pilot, lambda: _focused_id(app) == "sponsor-wording")
            await pilot.pause()
            title, wording = (app.screen.query_one(f"#{name}", Input).value for name in ("title", "sponsor-wording"))
            return title, wording

    with tempfile.TemporaryDirectory() as folder:
        assert asyncio.run(type_in_one_burst(*new_journal(Path(folder)))) == (first, second)


async def test_unlocking_opens_again_the_screen_that_showed_when_the_journal_locked(
    demo_path: Path, clock: FixedClock
) -> None:
    app = app_for(demo_path, clock)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        await wait_for(pilot, lambda: isinstance(app.screen, MainScreen))
        await pilot.press("g")
        await wait_for(pilot, lambda: isinstance(app.screen, GoalsScreen))
        locked_over = app.screen
        await pilot.press("ctrl+l")
        await unlock(pilot)
        await wait_for(pilot, lambda: isinstance(app.screen, GoalsScreen) and app.screen is not locked_over)
        assert [type(screen) for screen in app.screen_stack[-2:]] == [MainScreen, GoalsScreen]
        await pilot.press("escape")  # back to the main view underneath, as before the lock
        await wait_for(pilot, lambda: isinstance(app.screen, MainScreen))
        await pilot.press("ctrl+l")  # from the main view: the main view again, nothing over it
        await unlock(pilot)
        await wait_for(pilot, lambda: isinstance(app.screen, MainScreen))
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)


async def test_tab_into_a_filled_field_then_typing_adds_to_its_words(demo_path: Path, clock: FixedClock) -> None:
    app = app_for(demo_path, clock)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        await wait_for(pilot, lambda: isinstance(app.screen, MainScreen))
        assert app.journal is not None
        engagement = app.journal.current_engagement()
        assert engagement is not None and engagement.sponsor_label
        app.push_screen(EngagementForm(existing=engagement))
        await wait_for(pilot, lambda: _focused_id(app) == "title")
        await pilot.press("tab")
        await wait_for(pilot, lambda: _focused_id(app) == "sponsor-label")
        await type_text(pilot, " x")
        field = app.screen.query_one("#sponsor-label", Input)
        assert field.value == engagement.sponsor_label + " x"  # nothing it held was replaced


async def test_a_goals_first_check_in_is_charted_on_its_own_week(demo_path: Path, clock: FixedClock) -> None:
    app = app_for(demo_path, clock)
    async with app.run_test(size=(120, 40)) as pilot:
        chart = await goals_chart_after_unlock(pilot)
        await pilot.press("down", "down")  # the demo's third goal has no check-in yet
        await wait_for(pilot, lambda: chart.points == ())
        await pilot.press("r")
        await wait_for(pilot, lambda: isinstance(app.screen, CheckInForm))
        await type_text(pilot, "6")
        await pilot.press("enter")
        await wait_for(pilot, lambda: chart.points == ((clock.today(), 6),))
        picture = chart.render()
        drawn = picture.plain if isinstance(picture, Text) else ""
        assert clock.today().isoformat() in drawn
        assert set(re.findall(r"\b(\d{4})-\d\d-\d\d\b", drawn)) == {str(clock.today().year)}  # no years far off


def test_the_keys_list_names_keys_one_way() -> None:
    assert [key_name(key) for key in ("ctrl+l", "f1", "slash", "comma", "X", "x", "escape,f1,q", "ctrl+home")] == [
        "Ctrl+L",
        "F1",
        "/",
        ",",
        "X",
        "x",
        "Esc",
        "Ctrl+Home",
    ]


async def test_a_new_reflection_shows_its_first_prompt_at_80_by_24(demo_path: Path, clock: FixedClock) -> None:
    app = app_for(demo_path, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await unlock(pilot)
        await wait_for(pilot, lambda: isinstance(app.screen, MainScreen))
        await pilot.press("n")
        await wait_for(pilot, lambda: isinstance(app.focused, TextArea))
        area = app.screen.query_one("#text", TextArea)
        await wait_for(pilot, lambda: area.size.height > 1)
        await pilot.pause()
        assert area.text.startswith("## ") and area.cursor_location[0] >= 1  # the cursor where the answer goes
        assert area.scroll_offset.y == 0  # and the prompt above it in view


async def test_themes_and_people_templates_and_deleted_records_each_have_a_key(
    demo_path: Path, clock: FixedClock
) -> None:
    app = app_for(demo_path, clock)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        for key, screen in (("N", NamesScreen), ("T", TemplatesScreen), ("D", DeletedScreen)):
            await wait_for(pilot, lambda: isinstance(app.screen, MainScreen))
            await pilot.press(key)
            await wait_for(pilot, lambda: isinstance(app.screen, screen))  # noqa: B023 (awaited at once)
            await pilot.press("escape")
