"""The sponsor summary screen under Pilot: ticking, lint findings, the exact preview, confirming and cancelling."""

from __future__ import annotations

import hashlib
import re
from datetime import date
from pathlib import Path

from textual.widgets import (
    Checkbox,
    DataTable,
    Input,
    OptionList,
    Select,
    SelectionList,
    Static,
    TabbedContent,
    TextArea,
)

from journal import FixedClock, Journal
from journal.demo import DEMO_PASSPHRASE
from journal.export import UNCONFIRMED, ExportRecord, ExportStatus, export_log
from tests.conftest import CHEAP_LIMITS
from tests.test_tui.test_app import _focused_id, type_text, unlock, wait_for
from tui.app import make_app
from tui.screens.confirm import ConfirmScreen
from tui.screens.export import STEP_FOCUS, ExportLogScreen, ExportScreen
from tui.screens.main import MainScreen
from tui.widgets.ticks import EMPTY, TICKED

CLOCK = FixedClock.on(date(2026, 11, 26))
SIZE = (130, 42)


def preview_text(screen: ExportScreen) -> str:
    return screen.query_one("#preview", TextArea).text


def tick(screen: ExportScreen, item_id: str) -> None:
    screen.query_one("#items", SelectionList).select(item_id)


async def open_export(pilot: object, app: object) -> ExportScreen:
    from textual.pilot import Pilot

    assert isinstance(pilot, Pilot)
    await unlock(pilot, DEMO_PASSPHRASE)
    await pilot.press("x")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, ExportScreen) and preview_text(pilot.app.screen))
    screen = pilot.app.screen
    assert isinstance(screen, ExportScreen)
    return screen


async def test_only_ticked_items_reach_the_preview_and_blocked_words_stay_out(demo_path: Path) -> None:
    app = make_app(demo_path, limits=CHEAP_LIMITS, clock=CLOCK)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_export(pilot, app)
        assert "Sessions held" in preview_text(screen)
        assert "Ana Ruiz" not in preview_text(screen)  # the coach's name only when ticked
        tick(screen, "coach")
        await wait_for(pilot, lambda: "Ana Ruiz" in preview_text(screen))
        assert "Ana Ruiz" in preview_text(screen)

        session = screen.session
        assert session is not None
        items = screen.query_one("#items", SelectionList)
        theme = next(index for index, item in enumerate(session.proposal.items) if item.item_id.startswith("theme:"))
        theme_id = session.proposal.items[theme].item_id
        items.highlighted = theme
        await wait_for(pilot, lambda: screen.worded_item == session.proposal.items[theme])
        # A wording that names someone in the journal: the linter must keep the item out.
        screen.query_one("#wording", Input).value = "Supporting Sam's promotion"
        await wait_for(pilot, lambda: theme_id in session.wording)
        tick(screen, theme_id)
        await wait_for(pilot, lambda: theme_id in session.ticked and bool(session.check().left_out))
        assert "Sam" not in preview_text(screen)  # blocked by the linter: a person in the journal
        findings = screen.query_one("#findings", SelectionList)
        assert findings.option_count >= 1
        code = next(flag.code for flag in session.check().flags if "Sam" in flag.finding.matched)
        findings.select(code)  # the coachee keeps it, knowingly
        await wait_for(pilot, lambda: "Supporting Sam" in preview_text(screen))
        assert "Supporting Sam" in preview_text(screen)

        screen.load_proposal()  # another engagement or period: nothing kept carries over
        await wait_for(pilot, lambda: screen.session is not session)
        assert screen.session is not None and screen.session.kept == ()


async def test_confirmed_export_writes_exactly_the_preview_and_logs_it(demo_path: Path, tmp_path: Path) -> None:
    target = tmp_path / "summary.md"
    app = make_app(demo_path, limits=CHEAP_LIMITS, clock=CLOCK)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_export(pilot, app)
        screen.query_one("#recipient", Input).value = "Dee"
        screen.query_one("#destination", Input).value = str(target)
        previewed = preview_text(screen).encode()
        await pilot.press("f5")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.click("#yes")
        await wait_for(pilot, lambda: isinstance(app.screen, MainScreen))
        assert target.read_bytes() == previewed
        assert app.journal is not None
        (record,) = export_log(app.journal)
        assert record.recipient == "Dee" and record.sha256 == hashlib.sha256(previewed).hexdigest()
        assert not record.shown_only


async def test_cancelling_writes_nothing_and_logs_nothing(demo_path: Path, tmp_path: Path) -> None:
    target = tmp_path / "summary.md"
    app = make_app(demo_path, limits=CHEAP_LIMITS, clock=CLOCK)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_export(pilot, app)
        screen.query_one("#destination", Input).value = str(target)
        await pilot.press("f5")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("enter")  # the focus starts on Cancel: Enter writes nothing, and says so
        await wait_for(pilot, lambda: app.screen is screen)
        status = screen.query_one("#export-status", Static)
        await wait_for(pilot, lambda: "Nothing written" in str(status.render()))
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, MainScreen))
    assert not target.exists() and [child.name for child in tmp_path.iterdir()] == ["data"]
    with Journal.open(demo_path, DEMO_PASSPHRASE, limits=CHEAP_LIMITS) as journal:
        assert export_log(journal) == []


async def test_the_log_marks_an_export_never_confirmed(demo_path: Path, tmp_path: Path) -> None:
    with Journal.open(demo_path, DEMO_PASSPHRASE, limits=CHEAP_LIMITS) as journal:
        when = CLOCK.now().replace(tzinfo=None)
        journal.save(ExportRecord(when, "Acme", "markdown", "ab" * 32, path=str(tmp_path / "written.md")))
        stopped = tmp_path / "stopped.md"
        journal.save(ExportRecord(when, "Acme", "markdown", "cd" * 32, path=str(stopped), status=ExportStatus.PENDING))
    app = make_app(demo_path, limits=CHEAP_LIMITS, clock=CLOCK)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot, DEMO_PASSPHRASE)
        await pilot.press("X")
        await wait_for(pilot, lambda: isinstance(app.screen, ExportLogScreen))
        table = app.screen.query_one("#export-log", DataTable)
        await wait_for(pilot, lambda: table.row_count == 2)
        where = {str(table.get_row_at(row)[-1]): str(table.get_row_at(row)[-2]) for row in range(2)}
        assert where == {
            "abababababababab": str(tmp_path / "written.md"),
            "cdcdcdcdcdcdcdcd": f"{stopped} ({UNCONFIRMED})",
        }
        assert any(UNCONFIRMED in notification.message for notification in app._notifications)


async def test_the_preparation_sheet_is_shown_for_the_coachee_alone(demo_path: Path) -> None:
    from textual.widgets import Button, Select

    from journal.export import PRIVATE_NOTICE, Variant
    from tui.screens.export import ShownSummary

    app = make_app(demo_path, limits=CHEAP_LIMITS, clock=CLOCK)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_export(pilot, app)
        screen.query_one("#variant", Select).value = Variant.FINAL.value
        await wait_for(pilot, lambda: preview_text(screen).startswith("# Final review"))
        screen.query_one("#prepare", Button).press()
        await wait_for(pilot, lambda: isinstance(app.screen, ShownSummary))
        assert isinstance(app.screen, ShownSummary)
        assert app.screen.text.startswith(PRIVATE_NOTICE) and "Preparing the final review" in app.screen.text
        assert "nothing was written or logged" in app.screen.note
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is screen)
        assert app.journal is not None and export_log(app.journal) == []


async def test_exporting_everything_warns_and_writes_the_whole_journal(demo_path: Path, tmp_path: Path) -> None:
    from textual.widgets import Static

    from journal.export import WARNING
    from tui.screens.export import ExportEverythingScreen

    target = tmp_path / "everything.md"
    app = make_app(demo_path, limits=CHEAP_LIMITS, clock=CLOCK)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot, DEMO_PASSPHRASE)
        await app.run_action("main('export_everything')")
        await wait_for(
            pilot, lambda: isinstance(app.screen, ExportEverythingScreen) and bool(app.screen.query(".error"))
        )
        assert WARNING in str(app.screen.query_one(".error", Static).render())
        app.screen.query_one("#destination", Input).value = str(target)
        await pilot.click("#write-everything")
        await wait_for(pilot, lambda: isinstance(app.screen, MainScreen))
        assert app.journal is not None
        assert [record.personal for record in export_log(app.journal)] == [True]
    written = target.read_text(encoding="utf-8")
    assert "supplier contract" in written and "NOT encrypted" in written


ID = re.compile(r"\b[a-z-]+:[0-9a-f]{8}")
"""An item's id as the journal's messages give it ("goal:28c28ae2"): the app names items instead."""


def on_screen_text(screen: ExportScreen) -> str:
    """Everything the summary's lists and status say to the coachee."""
    said = [str(screen.query_one("#export-status", Static).render())]
    for selector in ("#items", "#findings", "#to-word"):
        listed = screen.query_one(selector, OptionList)
        said += [str(listed.get_option_at_index(index).prompt) for index in range(listed.option_count)]
    return "\n".join(said)


async def test_an_item_waiting_for_words_keeps_the_rest_in_view_and_is_named(demo_path: Path) -> None:
    app = make_app(demo_path, limits=CHEAP_LIMITS, clock=CLOCK)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_export(pilot, app)
        session = screen.session
        assert session is not None
        statement = next(item for item in session.items if item.item_id.startswith("statement:"))
        focus = session.proposal.item("focus")
        assert focus.needs_wording and focus.above_level
        tick(screen, statement.item_id)
        tick(screen, "focus")
        word_tab = screen.query_one("#steps", TabbedContent).get_tab("step-word")
        await wait_for(pilot, lambda: "(2 waiting)" in str(word_tab.label))
        # What waits is named as the coachee knows it; the rest of the summary stays in the preview.
        assert "Sessions held" in preview_text(screen)
        assert statement.hint[:1].upper() + statement.hint[1:] in on_screen_text(screen)
        assert "Focus for the next period needs sharing level" in on_screen_text(screen)
        assert not ID.search(on_screen_text(screen)), on_screen_text(screen)

        await pilot.press("f3")  # step 2: the waiting items come first, the first one is being worded
        await wait_for(pilot, lambda: _focused_id(app) == "to-word" and screen.worded_item is not None)
        while screen.worded_item is not None and screen.worded_item.item_id != "focus":
            await pilot.press("down")
        await pilot.press("tab", "tab")  # past the wording field (it has no private wording to send) to "let it in"
        await wait_for(pilot, lambda: _focused_id(app) == "beyond")
        await pilot.press("space")
        await wait_for(pilot, lambda: "focus" in session.overridden)
        await pilot.press("shift+tab")
        await wait_for(pilot, lambda: _focused_id(app) == "wording")
        await type_text(pilot, "Delegating more")
        await wait_for(pilot, lambda: "Delegating more" in preview_text(screen))
        # The item's line says what it now holds, not that it still needs a wording.
        items = screen.query_one("#items", SelectionList)
        line = str(items.get_option_at_index([item.item_id for item in session.items].index("focus")).prompt)
        assert "Delegating more" in line and "needs a wording" not in line
        assert "(1 waiting)" in str(word_tab.label)

        await pilot.press("f5")  # the statement still waits: nothing is written, and it is named
        assert app.screen is screen
        assert "needs sharing level" in str(screen.query_one("#export-status", Static).render())
        assert not ID.search(on_screen_text(screen))


async def test_every_step_of_the_summary_fits_80_by_24(demo_path: Path) -> None:
    app = make_app(demo_path, limits=CHEAP_LIMITS, clock=CLOCK)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_export(pilot, app)
        tabs = screen.query_one("#steps", TabbedContent)
        for step, field in STEP_FOCUS.items():
            await wait_for(pilot, lambda: tabs.active == f"step-{step}")  # noqa: B023 (awaited at once)
            await wait_for(pilot, lambda: _focused_id(app) == field.lstrip("#"))  # noqa: B023 (awaited at once)
            pane = tabs.get_pane(f"step-{step}")
            shown = pane.query("Input, Select, SelectionList, OptionList, Checkbox, Button, TextArea, .step-help")
            assert shown
            for widget in shown:
                if isinstance(widget.parent, Select):
                    continue  # a drop-down's own list, shown only when it opens
                region = widget.region
                assert region.height > 0 and screen.region.contains_region(region), (step, widget)
            # The footer offers "Back" from the second step on, and "Next step" up to the fourth.
            assert ("f2" in app.active_bindings) == (step != "choose")
            assert ("f3" in app.active_bindings) == (step != "write")
            await pilot.press("f3")
        await pilot.press("f2")
        await wait_for(pilot, lambda: tabs.active == "step-preview")


async def test_ticked_and_empty_boxes_differ_without_colour(demo_path: Path) -> None:
    app = make_app(demo_path, limits=CHEAP_LIMITS, clock=CLOCK)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_export(pilot, app)
        items = screen.query_one("#items", SelectionList)
        order = [item.item_id for item in screen.session.items] if screen.session else []
        lines = {item_id: items.render_line(row).text for row, item_id in enumerate(order[: items.size.height])}
        assert lines["label"].lstrip()[1] == TICKED and lines["coach"].lstrip()[1] == EMPTY
        remember = screen.query_one("#remember", Checkbox)
        assert TICKED not in str(remember.render())
        remember.value = True
        await wait_for(pilot, lambda: TICKED in str(remember.render()))
