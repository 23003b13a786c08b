"""The real app in a pseudo-terminal, stopped by SIGTERM, SIGHUP or its terminal closing while a draft is open:
what was typed is saved encrypted before the process ends, and the exit message tells the truth about it.
While it runs, locked or unlocked, it cannot dump core.

The app runs as a subprocess (signals and a hung-up terminal cannot be faked inside the test process) with
the autosave pushed out of reach, so only the stop itself can have saved the phrase typed just before it.
"""

from __future__ import annotations

import fcntl
import os
import re
import select
import signal
import stat
import struct
import subprocess
import sys
import termios
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from journal import BETWEEN_SESSIONS, Journal
from journal.demo import DEMO_PASSPHRASE
from tests.conftest import CHEAP_KDF, CHEAP_LIMITS
from tests.core_dumps import allow_core_dumps, core_size_limit, require_core_dumps_allowable
from tui.app import DRAFT_SAVED, NO_JOURNAL_OPEN

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = 60.0
"""Generous: every wait ends as soon as its state is reached; this only bounds a broken run on a busy machine."""

APP = """
import sys
from tests.conftest import CHEAP_KDF, CHEAP_LIMITS
from tui import cli
from tui.cli_context import KdfSettings
from tui.screens import editor

editor.AUTOSAVE_SECONDS = 3600.0  # only the stop under test may save the draft
cli.main(kdf=KdfSettings(params=CHEAP_KDF, limits=CHEAP_LIMITS))
"""

ESCAPE = re.compile(r"\x1b(?:\[([0-?]*)[ -/]*([@-~])|\][^\x07\x1b]*(?:\x07|\x1b\\)|[@-Z\\-_])")
"""Escape sequences: CSI (parameters and final byte captured), OSC and two-character ones."""

ROWS, COLUMNS = 40, 120


def _make_controlling_terminal() -> None:
    """In the child, after `setsid`: make its standard input (the pty) the session's terminal, so
    closing the master hangs it up and the kernel sends SIGHUP, as when a terminal window is closed."""
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)


def _start_in_terminal() -> None:
    """In the child: the pty as its terminal, and core dumps allowed, so only the app can be what forbids them."""
    _make_controlling_terminal()
    allow_core_dumps()


class Screen:
    """The terminal's cells, rebuilt from what the app wrote: it redraws only the part of a line that changed,
    so a phrase is on screen only once its pieces are put back where they were drawn."""

    def __init__(self) -> None:
        self.cells = [[" "] * COLUMNS for _ in range(ROWS)]
        self.row = self.column = 0
        self.pending = ""  # an escape sequence cut between two reads

    def feed(self, text: str) -> None:
        text, self.pending = self.pending + text, ""
        position = 0
        for match in ESCAPE.finditer(text):
            self._print(text[position : match.start()])
            position = match.end()
            if match.group(2) == "H":  # cursor position, 1-based "row;column"
                row, _, column = (match.group(1) or "1;1").partition(";")
                self.row, self.column = int(row or 1) - 1, int(column or 1) - 1
        rest = text[position:]
        cut = rest.find("\x1b")
        if cut >= 0:
            self.pending, rest = rest[cut:], rest[:cut]
        self._print(rest)

    def _print(self, text: str) -> None:
        for char in text:
            if char == "\r":
                self.column = 0
            elif char == "\n":
                self.row += 1
            elif char >= " " and 0 <= self.row < ROWS and 0 <= self.column < COLUMNS:
                self.cells[self.row][self.column] = char
                self.column += 1

    def text(self) -> str:
        return "\n".join("".join(row) for row in self.cells)

    def cursor_below(self, line: str) -> bool:
        """Whether the terminal's cursor (the app puts it at the focused widget's cursor after every update)
        is at the start of the line under the first row showing `line`."""
        for number, row in enumerate(self.text().splitlines()):
            if line in row:
                return (self.row, self.column) == (number + 1, row.index(line))
        return False


@dataclass
class Terminal:
    """The app running in a pseudo-terminal: its screen, everything it wrote, and the keyboard."""

    process: subprocess.Popen[bytes]
    master: int
    screen: Screen = field(default_factory=Screen)
    output: bytearray = field(default_factory=bytearray)

    def _drain(self, seconds: float) -> None:
        """Read what the app wrote (it would block writing to a full pty otherwise)."""
        if self.master < 0:
            time.sleep(seconds)
            return
        ready, _, _ = select.select([self.master], [], [], seconds)
        if ready:
            try:
                chunk = os.read(self.master, 65536)
            except OSError:  # the child closed its side
                chunk = b""
            self.output.extend(chunk)
            self.screen.feed(chunk.decode("utf-8", errors="replace"))
            if not chunk:
                time.sleep(seconds)  # nothing more will come; do not spin

    def wait_until(self, condition: Callable[[], bool], what: str) -> None:
        deadline = time.monotonic() + TIMEOUT
        while not condition():
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out waiting for {what}; the screen showed:\n{self.screen.text()}")
            self._drain(0.05)

    def wait_for_text(self, text: str) -> None:
        self.wait_until(lambda: text in self.screen.text(), repr(text))

    def type(self, keys: str) -> None:
        os.write(self.master, keys.encode())

    def wait_for_exit(self) -> int:
        self.wait_until(lambda: self.process.poll() is not None, "the app to exit")
        self._drain(0.05)
        return self.process.returncode

    def printed(self) -> str:
        """Everything written, escape sequences removed and white space collapsed (the exit message is last)."""
        plain = ESCAPE.sub("", self.output.decode("utf-8", errors="replace"))
        return " ".join(plain.split())

    def close(self) -> None:
        """Close the master side: the terminal window goes away."""
        os.close(self.master)
        self.master = -1


@pytest.fixture
def terminal(demo_path: Path) -> Iterator[Terminal]:
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLUMNS, 0, 0))
    process = subprocess.Popen(
        [sys.executable, "-c", APP, "--journal", str(demo_path)],
        cwd=ROOT,
        stdin=slave,
        stdout=slave,
        stderr=slave,
        env={**os.environ, "TERM": "xterm-256color", "COLUMNS": str(COLUMNS), "LINES": str(ROWS)},
        start_new_session=True,
        preexec_fn=_start_in_terminal,  # the child has one thread at that point
    )
    os.close(slave)
    running = Terminal(process, master)
    try:
        yield running
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(TIMEOUT)
        if running.master >= 0:
            running.close()


PHRASE = "quokka7marmalade3zeppelin"
FIRST_PROMPT = f"## {BETWEEN_SESSIONS.prompts[0]}"


def _type_a_draft(terminal: Terminal) -> None:
    """Unlock, open a free entry and type the phrase, until it is on screen (so the app has it)."""
    terminal.wait_for_text("Your journal is locked.")
    terminal.type(DEMO_PASSPHRASE + "\r")
    terminal.wait_for_text("Free entry")
    terminal.type("f")
    # The title field has the focus for a moment before the text does: type only once the cursor is in the
    # text, under the free entry's first prompt.
    terminal.wait_until(lambda: terminal.screen.cursor_below(FIRST_PROMPT), "the cursor in the text")
    terminal.type(PHRASE)
    terminal.wait_for_text(PHRASE)


def _saved_draft(path: Path) -> str:
    journal = Journal.open(path, DEMO_PASSPHRASE, limits=CHEAP_LIMITS)
    try:
        draft = journal.current_draft()
        return draft.text if draft is not None else ""
    finally:
        journal.close()


def test_sigterm_saves_the_draft_and_says_so(terminal: Terminal, demo_path: Path) -> None:
    _type_a_draft(terminal)
    terminal.process.send_signal(signal.SIGTERM)
    assert terminal.wait_for_exit() == 128 + signal.SIGTERM
    assert PHRASE in _saved_draft(demo_path)
    assert DRAFT_SAVED in terminal.printed()
    assert "Traceback" not in terminal.printed()


def test_sigterm_before_unlocking_does_not_claim_a_draft_was_saved(terminal: Terminal) -> None:
    terminal.wait_for_text("Your journal is locked.")
    terminal.process.send_signal(signal.SIGTERM)
    assert terminal.wait_for_exit() == 128 + signal.SIGTERM
    printed = terminal.printed()
    assert NO_JOURNAL_OPEN in printed and DRAFT_SAVED not in printed


def test_sighup_saves_the_draft(terminal: Terminal, demo_path: Path) -> None:
    _type_a_draft(terminal)
    terminal.process.send_signal(signal.SIGHUP)
    assert terminal.wait_for_exit() == 128 + signal.SIGHUP
    assert PHRASE in _saved_draft(demo_path)


def test_closing_the_terminal_saves_the_draft(terminal: Terminal, demo_path: Path) -> None:
    _type_a_draft(terminal)
    terminal.close()
    assert terminal.wait_for_exit() == 128 + signal.SIGHUP
    assert PHRASE in _saved_draft(demo_path)


def test_the_running_app_cannot_dump_core(terminal: Terminal) -> None:
    require_core_dumps_allowable()
    terminal.wait_for_text("Your journal is locked.")
    assert core_size_limit(terminal.process.pid) == ("0", "0")
    terminal.type(DEMO_PASSPHRASE + "\r")
    terminal.wait_for_text("Free entry")  # unlocked: the keys are in its memory now
    assert core_size_limit(terminal.process.pid) == ("0", "0")
    terminal.process.send_signal(signal.SIGTERM)
    assert terminal.wait_for_exit() == 128 + signal.SIGTERM


async def test_the_exit_message_says_the_draft_is_lost_when_saving_it_failed(
    demo_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from textual.widgets import TextArea

    from journal import StorageError
    from tests.test_tui.test_app import unlock, wait_for
    from tui.app import DRAFT_NOT_SAVED, make_app
    from tui.screens.editor import EditorScreen

    app = make_app(demo_path, kdf=CHEAP_KDF, limits=CHEAP_LIMITS)
    async with app.run_test(size=(COLUMNS, ROWS)) as pilot:
        await unlock(pilot)
        await pilot.press("f")
        await wait_for(pilot, lambda: isinstance(app.focused, TextArea), seconds=TIMEOUT)
        assert isinstance(app.screen, EditorScreen) and app.journal is not None
        app.screen.query_one("#text", TextArea).insert(PHRASE)

        def fail(*_: object) -> None:
            raise StorageError("the disk is full")

        monkeypatch.setattr(app.journal, "save_draft", fail)
        assert app.save_and_close() == DRAFT_NOT_SAVED
        assert app.journal is None  # closed all the same: the keys are gone


def test_the_demo_journal_is_new_each_time_and_removed_on_quit(tmp_path: Path) -> None:
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLUMNS, 0, 0))
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.cheap_cli", "demo"],
        cwd=ROOT,
        stdin=slave,
        stdout=slave,
        stderr=slave,
        env={**os.environ, "TERM": "xterm-256color", "TMPDIR": str(temporary)},
        start_new_session=True,
        preexec_fn=_make_controlling_terminal,
    )
    os.close(slave)
    running = Terminal(process, master)
    try:
        running.wait_for_text("Your journal is locked")
        [folder] = list(temporary.glob("candour-demo-*"))
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700  # only its owner can look inside
        assert (folder / "demo.candour").exists()
        running.type("\x11")  # Ctrl+Q
        assert running.wait_for_exit() == 0
        assert not list(temporary.iterdir())
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(TIMEOUT)
        running.close()
