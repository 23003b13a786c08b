"""The adapter over Textual (`tui.textual_hooks`), on a bare app: a crash prints only its report, screenshots are
refused, copied text stays in the app, the exit code holds even when the framework cannot shut down, and signals
reach the app's thread.

These tests also guard an upgrade of Textual: if it stopped routing crashes through the one private method the
adapter overrides, the framework's traceback would be printed and the crash tests would fail.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import Input

from tests.test_tui.test_app import TIMEOUT, wait_for
from tui.textual_hooks import SCREENSHOT_COMMAND, GuardedApp, SignalRelay

ROOT = Path(__file__).resolve().parents[2]

REPORT = "Probe stopped after an internal error; its work was saved."


class Probe(GuardedApp):
    """The smallest app on the adapter: one text field, and a crash report that counts its calls."""

    def __init__(self) -> None:
        super().__init__()
        self.reports = 0

    def compose(self) -> ComposeResult:
        yield Input(id="field")

    def crash_report(self) -> str:
        self.reports += 1
        return REPORT


class Secretive(Exception):
    """An error that renders itself: the framework would print its rendering instead of a traceback."""

    def __rich__(self) -> Text:
        return Text("CANARY rendered by the error itself")


def _crash_with(error: Exception) -> None:
    secret_words = "CANARY journal text in a local variable"  # noqa: F841 - what a traceback would show
    raise error


@pytest.mark.parametrize("error", [RuntimeError("boom"), Secretive("boom")], ids=["plain", "self-rendering"])
async def test_a_crash_prints_its_report_alone_and_the_harness_still_sees_the_error(
    error: Exception, capsys: pytest.CaptureFixture[str]
) -> None:
    app = Probe()
    with pytest.raises(type(error)):
        async with app.run_test() as pilot:
            app.call_later(_crash_with, error)
            await wait_for(pilot, lambda: app.return_code is not None)
    printed = capsys.readouterr()
    output = printed.out + printed.err
    assert app.return_code == 1
    assert app.reports == 1
    assert REPORT in " ".join(output.split())
    assert "CANARY" not in output and "Traceback" not in output and "secret_words" not in output


async def test_a_second_error_on_the_way_down_adds_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    app = Probe()
    with pytest.raises(RuntimeError):
        async with app.run_test() as pilot:
            app.call_later(_crash_with, RuntimeError("first"))
            app.call_later(_crash_with, RuntimeError("second"))
            await wait_for(pilot, lambda: app.return_code is not None)
    assert app.reports == 1
    assert capsys.readouterr().err.count(REPORT.split(";")[0]) == 1


async def test_screenshots_are_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    app = Probe()
    async with app.run_test() as pilot:
        assert SCREENSHOT_COMMAND not in [command.title for command in app.get_system_commands(app.screen)]
        assert app.deliver_screenshot() is None
        with pytest.raises(PermissionError):
            app.save_screenshot()
        await app.run_action("screenshot")
        await pilot.pause()
    assert list(tmp_path.iterdir()) == []


async def test_copied_text_stays_in_the_app_and_pastes_there() -> None:
    app = Probe()
    async with app.run_test() as pilot:
        written: list[str] = []
        assert app._driver is not None
        original = app._driver.write
        app._driver.write = lambda data: written.append(data) or original(data)  # type: ignore[method-assign,func-returns-value]
        app.copy_to_clipboard("private words")
        assert app.clipboard == "private words"
        field = app.query_one("#field", Input)
        field.focus()
        await pilot.press("ctrl+v")
        await wait_for(pilot, lambda: field.value == "private words")
    assert not any("\x1b]52" in data for data in written)


EXITING_APP = """
import sys, threading
from tui.textual_hooks import GuardedApp

class Stuck(GuardedApp):
    def on_unmount(self):
        if sys.argv[1] == "hang":
            threading.Event().wait()  # a shutdown that never ends, as when the terminal is gone

async def leave(pilot):
    pilot.app.exit_or_leave(42, "Leaving with 42.", grace_seconds=float(sys.argv[2]))

app = Stuck()
app.run(headless=True, auto_pilot=leave)
sys.exit(app.return_code)
"""


@pytest.mark.parametrize(("shutdown", "grace"), [("clean", TIMEOUT), ("hang", 0.5)])
def test_the_exit_code_holds_even_when_the_framework_cannot_shut_down(shutdown: str, grace: float) -> None:
    result = subprocess.run(
        [sys.executable, "-c", EXITING_APP, shutdown, str(grace)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )
    assert result.returncode == 42, result.stderr
    if shutdown == "clean":
        assert "Leaving with 42." in result.stdout + result.stderr


async def test_a_signal_runs_its_handler_on_the_apps_thread_until_stopped() -> None:
    before = signal.getsignal(signal.SIGUSR1)
    received: list[tuple[int, int]] = []
    app = Probe()
    async with app.run_test() as pilot:
        relay = SignalRelay(app, [signal.SIGUSR1], lambda number: received.append((number, threading.get_ident())))
        assert relay.start()
        os.kill(os.getpid(), signal.SIGUSR1)
        await wait_for(pilot, lambda: received)
        relay.stop()
    assert received == [(signal.SIGUSR1, threading.get_ident())]  # the app runs on this (the main) thread
    assert signal.getsignal(signal.SIGUSR1) == before


def test_off_the_main_thread_no_signal_is_caught() -> None:
    before = signal.getsignal(signal.SIGUSR1)
    relay = SignalRelay(Probe(), [signal.SIGUSR1], print)
    started: list[bool] = []
    thread = threading.Thread(target=lambda: started.append(relay.start()))
    thread.start()
    thread.join(TIMEOUT)
    assert started == [False]
    assert signal.getsignal(signal.SIGUSR1) == before
