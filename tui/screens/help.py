"""The keys screen: every binding of the screen underneath and of the app, in one table."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Markdown

# The footers leave the command palette out, so that an 80-column footer has room for the screen's own keys;
# this list is where it is found.
ALWAYS = [
    ("Ctrl+L", "Lock the journal now (it also locks by itself when idle)"),
    ("Ctrl+P", "Command palette: every action by name"),
    ("F1", "This list of keys"),
    ("Ctrl+Q", "Quit (a draft is saved first)"),
]


class HelpScreen(ModalScreen[None]):
    """Lists the keys; any key closes it."""

    BINDINGS = [Binding("escape,f1,q", "dismiss", "Close")]

    def compose(self) -> ComposeResult:
        rows = ["| key | what it does |", "| --- | --- |"]
        # The screen this one was opened over (it is already on the stack itself while composing).
        underneath = next((screen for screen in reversed(self.app.screen_stack) if screen is not self), None)
        if underneath is not None:
            for binding in getattr(underneath, "BINDINGS", []):
                if isinstance(binding, Binding) and binding.description:
                    rows.append(f"| {self.app.get_key_display(binding)} | {binding.description} |")
                elif isinstance(binding, tuple) and len(binding) >= 3:
                    rows.append(f"| {binding[0]} | {binding[2]} |")
        rows += [f"| {key} | {what} |" for key, what in ALWAYS]
        with VerticalScroll(id="help", classes="card"):
            yield Markdown("# Keys\n\n" + "\n".join(rows))
