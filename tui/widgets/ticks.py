"""Tick boxes that say ticked or not without colour: a "✓" in a ticked box, nothing in an empty one.

Textual draws an "X" in every box and tells ticked from empty by colour alone, which a terminal without colour
(NO_COLOR), a colour-blind coachee or a screen reader cannot see.
"""

from __future__ import annotations

from typing import TypeVar

from rich.segment import Segment
from textual.content import Content
from textual.strip import Strip
from textual.widgets import Checkbox, SelectionList
from textual.widgets._toggle_button import ToggleButton

TICKED = "✓"
EMPTY = " "

Value = TypeVar("Value")


class TickBox(Checkbox):
    """A checkbox showing "✓" when ticked."""

    def render(self) -> Content:
        self.BUTTON_INNER = TICKED if self.value else EMPTY
        return super().render()


class TickList(SelectionList[Value]):
    """A list of tick boxes showing "✓" by each ticked one."""

    def render_line(self, y: int) -> Strip:
        line = super().render_line(y)
        index = self.scroll_offset.y + y
        segments = list(line)
        # The framework draws each line as the box's left edge, its inside, its right edge, then the prompt.
        if index >= self.option_count or len(segments) < 2 or segments[1].text != ToggleButton.BUTTON_INNER:
            return line
        ticked = self.get_option_at_index(index).value in self.selected
        segments[1] = Segment(TICKED if ticked else EMPTY, segments[1].style)
        return Strip(segments, line.cell_length)
