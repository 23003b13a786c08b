"""A one-line text field that keeps what is in it when the focus arrives."""

from __future__ import annotations

from typing import Any

from textual.widgets import Input


class Field(Input):
    """Textual's Input, without selecting all its text on focus: there, Tab into a filled field and the next
    key typed replaces every word in it, which a coachee tabbing through a form to the field they meant to
    change would not expect (and might not see: a selection is only a shade)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("select_on_focus", False)
        super().__init__(*args, **kwargs)
