"""A new-passphrase field: typed twice, masked, with a strength meter that refuses weak passphrases."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input, Static

from journal import Strength, assess_passphrase
from tui.widgets.field import Field

METER_CELLS = 4


def meter(strength: Strength | None) -> str:
    """The strength as filled and empty squares and a word, so it reads the same without colour:
    "■■■□ strong (3 of 4)"; every square empty, and "very weak", for a score of 0."""
    if strength is None:
        return "□" * METER_CELLS + " strength: type a passphrase"
    filled = strength.score
    verdict = "" if strength.acceptable else ", too weak"
    return f"{'■' * filled}{'□' * (METER_CELLS - filled)} {strength.label} ({filled} of {METER_CELLS}){verdict}"


class NewPassphrase(Vertical):
    """Two masked inputs and a meter. `chosen()` is the passphrase once it is strong and typed twice alike."""

    DEFAULT_CSS = """
    NewPassphrase { height: auto; }
    NewPassphrase #strength-meter { margin: 0 1; height: 1; }
    NewPassphrase #strength-advice { color: $text-muted; margin: 0 1; height: 3; }
    """
    # The advice keeps three lines whatever it says, so the card does not jump as it grows.

    class Chosen(Message):
        """Enter was pressed in the second field with an acceptable passphrase."""

    def compose(self) -> ComposeResult:
        yield Field(placeholder="New passphrase (a few unrelated words work well)", password=True, id="first")
        yield Static(meter(None), id="strength-meter")
        yield Static("", id="strength-advice")
        yield Field(placeholder="Type it again", password=True, id="second")

    def on_mount(self) -> None:
        self._strength: Strength | None = None

    @on(Input.Changed, "#first")
    def _judge(self, event: Input.Changed) -> None:
        event.stop()
        self._strength = assess_passphrase(event.value) if event.value else None
        self.query_one("#strength-meter", Static).update(meter(self._strength))
        advice = self.query_one("#strength-advice", Static)
        if self._strength is None:
            advice.update("")
        elif self._strength.acceptable:
            advice.update(
                f"Strong enough. Someone holding your journal file and guessing 10,000 times a second (more than "
                f"Candour's slow key derivation lets them) would need {self._strength.crack_time} to find it."
            )
        else:
            advice.update(f"Too weak to protect your journal. {self._strength.advice}")

    @on(Input.Submitted, "#first")
    def _next(self, event: Input.Submitted) -> None:
        event.stop()
        if self._strength is not None and self._strength.acceptable:
            self.query_one("#second", Input).focus()

    @on(Input.Submitted, "#second")
    def _done(self, event: Input.Submitted) -> None:
        event.stop()
        if self.chosen() is None and self._strength is not None and self._strength.acceptable:
            self.query_one("#strength-advice", Static).update("The two entries differ.")
            return
        self.post_message(self.Chosen())

    def chosen(self) -> str | None:
        """The passphrase, when it is acceptable and both fields agree; else None."""
        first = self.query_one("#first", Input).value
        second = self.query_one("#second", Input).value
        if self._strength is None or not self._strength.acceptable or first != second:
            return None
        return first

    def clear(self) -> None:
        """Forget what was typed."""
        for field in self.query(Input):
            field.value = ""
