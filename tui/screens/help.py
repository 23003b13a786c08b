"""The keys screen: every binding of the screen underneath and of the app, in one table."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static

# The footers leave the command palette out, so that an 80-column footer has room for the screen's own keys;
# this list is where it is found.
ALWAYS = [
    ("Ctrl+L", "Lock the journal now (it also locks by itself when idle)"),
    ("Ctrl+P", "Command palette: every action by name"),
    ("F1", "This list of keys"),
    ("Ctrl+Q", "Quit (a draft is saved first)"),
]


class HelpScreen(ModalScreen[None]):
    """Lists the keys of the screen underneath, then the ones that work everywhere; the list has the focus, so
    the arrow keys scroll it on a small terminal, and Escape closes it."""

    BINDINGS = [Binding("escape,f1,q", "dismiss", "Close")]

    def compose(self) -> ComposeResult:
        with Vertical(id="help", classes="card form"):
            yield Static("Keys", classes="title")
            yield DataTable(id="keys", cursor_type="row", zebra_stripes=True)
            yield Static("↑ ↓ PgUp PgDn to scroll · Esc closes", classes="muted")

    def on_mount(self) -> None:
        table = self.query_one("#keys", DataTable)
        table.add_columns("key", "what it does")
        # The screen this one was opened over.
        underneath = self.app.screen_stack[-2] if len(self.app.screen_stack) > 1 else None
        listed: set[str] = set()
        for binding in getattr(underneath, "BINDINGS", []):
            if isinstance(binding, Binding):
                key, what = binding.key, binding.description
            else:  # (key, action) or (key, action, description)
                key, what = binding[0], binding[2] if len(binding) > 2 else ""
            if what and key_name(key) not in listed:
                listed.add(key_name(key))
                table.add_row(key_name(key), what)
        everywhere = [(key, what) for key, what in ALWAYS if key not in listed]
        if everywhere:
            table.add_row("", Text("Everywhere:", style="bold italic"))
            for key, what in everywhere:
                table.add_row(key, what)
        table.focus()


NAMED_KEYS = {"slash": "/", "comma": ",", "escape": "Esc", "space": "Space", "enter": "Enter", "delete": "Del"}


def key_name(key: str) -> str:
    """A binding's (first) key as the keys list writes it: "Ctrl+L", "F1", "/", "X"."""
    first = key.split(",")[0]
    *modifiers, last = first.split("+")
    if last in NAMED_KEYS:
        last = NAMED_KEYS[last]
    elif len(last) > 1:
        last = last.upper() if last[0] == "f" and last[1:].isdigit() else last.capitalize()  # F1, Home
    elif modifiers:
        last = last.upper()  # Ctrl+L; a letter alone keeps its case, as "x" and "X" are different keys
    return "+".join([*(modifier.capitalize() for modifier in modifiers), last])
