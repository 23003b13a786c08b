"""The timeline tree: a label too long for its pane ends in an ellipsis instead of being cut off mid-word."""

from __future__ import annotations

from typing import TypeVar

from rich.style import Style
from rich.text import Text
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

Data = TypeVar("Data")


class FittingTree(Tree[Data]):
    """A tree whose labels fit the width it has: "12 Nov 2026 · The conversation with…", never "The convers"."""

    DEFAULT_CSS = "FittingTree { overflow-x: hidden; }"

    def render_label(self, node: TreeNode[Data], base_style: Style, style: Style) -> Text:
        label = super().render_label(node, base_style, style)
        # The guides take `guide_depth` cells per level above the node (the hidden root takes none).
        levels = 0
        parent = node.parent
        while parent is not None:
            levels += 1
            parent = parent.parent
        if not self.show_root:
            levels -= 1
        room = self.scrollable_content_region.width - max(0, levels) * self.guide_depth
        if room > 1 and label.cell_len > room:
            label.truncate(room, overflow="ellipsis")
        return label
