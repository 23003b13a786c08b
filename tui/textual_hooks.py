"""Where Candour bends the Textual framework, in one place and on its public API wherever it has one.

`GuardedApp` closes the framework's paths for the screen's text to leave behind the user's back:

- a crash ends with one plain message, never the framework's report, which is a traceback with local variables
  (journal text, a passphrase);
- screenshots are refused: the palette loses its "Screenshot" command and the methods that write one do nothing;
- copied text stays inside the app instead of going to the terminal as an escape sequence (OSC 52), which
  terminals, multiplexers and remote sessions may log or forward.

It also ends the app with a chosen exit code even when the framework cannot shut down (`exit_or_leave`), and
`SignalRelay` runs a handler on the app's thread when the process receives a signal.

One private method is overridden, because Textual (8.2.8) has no public hook for it: `_fatal_error`, which prints
the traceback. The tests of this module fail if an upgrade stops routing crashes through it.
"""

from __future__ import annotations

import contextlib
import os
import queue
import signal
import threading
from collections.abc import Callable, Iterable
from types import FrameType
from typing import Any

from rich.console import RenderableType
from textual.app import App, SystemCommand
from textual.screen import Screen

SCREENSHOT_COMMAND = "Screenshot"
"""Title of the framework's palette command that writes the screen to an SVG file."""

SCREENSHOTS_REFUSED = "Screenshots are turned off in Candour: they would save your journal in clear."


class GuardedApp(App[int]):
    """An app whose crashes, screenshots and clipboard never copy the screen's text elsewhere."""

    def __init__(self) -> None:
        super().__init__()
        self._copied = ""
        self._crash_reported = False

    def crash_report(self) -> str:
        """Called once as the app stops after an unhandled error, to save what can be saved: never raises, and
        returns the one message the terminal shows instead of the framework's traceback."""
        return "The app stopped after an internal error."

    # --- crashes --------------------------------------------------------------------------------

    def panic(self, *renderables: RenderableType) -> None:
        """The framework stopping after an unhandled error (the only caller of `panic` in Textual): save what can
        be saved, then print the crash message alone.

        The renderables are dropped: for an error that renders itself, the framework passes the error, whose
        rendering could quote journal text.
        """
        if self._crash_reported:  # a second error on the way down: the first report stands alone
            super().panic()
            return
        self._crash_reported = True
        super().panic(self.crash_report())

    def _fatal_error(self) -> None:
        # Textual's `_handle_exception` records the error (exit code 1, and the test harness re-raises it), then
        # calls this to print a traceback with `show_locals=True`. Only the printing is replaced.
        self.panic()

    # --- ending with an exit code -----------------------------------------------------------------

    def exit_or_leave(self, return_code: int, message: str | None, grace_seconds: float) -> None:
        """Exit with `return_code` (and `message` on the terminal); if the framework has not shut down within
        `grace_seconds`, end the process without it, with the same code.

        With the terminal gone, the framework's output thread dies on its first write and its shutdown then
        waits for it forever: call this only once the user's work is saved.
        """
        watchdog = threading.Timer(grace_seconds, os._exit, (return_code,))
        watchdog.daemon = True
        watchdog.start()
        self.exit(return_code=return_code, message=message)

    # --- paths by which the framework could copy the screen elsewhere ---------------------------

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        """The framework's palette commands, without "Screenshot" (it writes the screen to a file)."""
        for command in super().get_system_commands(screen):
            if command.title != SCREENSHOT_COMMAND:
                yield command

    def deliver_screenshot(self, *args: object, **kwargs: object) -> str | None:
        """Refused: a screenshot is the journal's text in a file."""
        self.notify(SCREENSHOTS_REFUSED)
        return None

    def save_screenshot(self, *args: object, **kwargs: object) -> str:
        raise PermissionError("Candour does not write screenshots")

    def action_screenshot(self, *args: object, **kwargs: object) -> None:
        self.deliver_screenshot()

    def copy_to_clipboard(self, text: str) -> None:
        """Copy within the app only (text fields paste from `clipboard`), never through the terminal."""
        self._copied = text

    @property
    def clipboard(self) -> str:
        """What was last copied in the app."""
        return self._copied


class SignalRelay:
    """Runs `handler(number)` on the app's thread for each signal of `numbers` the process receives, from
    `start()` until `stop()`, when the handlers found at the start are put back.

    Textual has no public way to add a signal handler to its event loop (and the UI does not import asyncio).
    Python runs a signal handler on the main thread between two bytecodes, wherever the loop happens to be, so
    the handler only queues the number (`SimpleQueue.put` is safe there), and a relay thread hands it to the app
    through `call_from_thread`, the framework's way in from other threads.
    """

    def __init__(self, app: App[Any], numbers: Iterable[int], handler: Callable[[int], object]) -> None:
        self._app = app
        self._numbers = tuple(numbers)
        self._handler = handler
        self._received: queue.SimpleQueue[int | None] = queue.SimpleQueue()
        self._previous: dict[int, Callable[[int, FrameType | None], Any] | int | None] = {}

    def start(self) -> bool:
        """Catch the signals; False (and nothing caught) when not on the main thread, where Python refuses."""
        try:
            for number in self._numbers:
                self._previous[number] = signal.signal(number, self._caught)
        except ValueError:  # not the main thread (a test harness running the app elsewhere)
            self._put_back()
            return False
        threading.Thread(target=self._relay, name="signal relay", daemon=True).start()
        return True

    def stop(self) -> None:
        """Put back the handlers found at the start and end the relay thread."""
        if self._previous:
            self._put_back()
            self._received.put(None)

    def _put_back(self) -> None:
        for number, previous in self._previous.items():
            signal.signal(number, signal.SIG_DFL if previous is None else previous)
        self._previous.clear()

    def _caught(self, number: int, frame: FrameType | None) -> None:
        self._received.put(number)

    def _relay(self) -> None:
        while (number := self._received.get()) is not None:
            with contextlib.suppress(RuntimeError):  # the app stopped running meanwhile: nothing left to tell
                self._app.call_from_thread(self._handler, number)
