"""Errors of the export: each says what to do next and never quotes private text."""

from __future__ import annotations

from dataclasses import dataclass

from journal.errors import CandourError, InvalidInput, StorageError


@dataclass(frozen=True)
class ItemNote:
    """A sentence about one item of a summary. `str()` names the item by its short id ("goal:28c28ae2"), as the
    command line and the export log do, so it never quotes private text; `naming` names it as the coachee knows
    it, for their own screen alone."""

    template: str
    """The sentence, with "{item}" where the item is named."""
    item_id: str
    short_id: str

    def __str__(self) -> str:
        return self.naming(self.short_id)

    def naming(self, name: str) -> str:
        """The sentence with `name` for the item (capitalised when it opens the sentence)."""
        text = self.template.replace("{item}", name)
        return text[:1].upper() + text[1:]


class ItemError(CandourError):
    """An export error about one item: `str()` names it by id; `note.naming` lets the app name it."""

    def __init__(self, note: ItemNote) -> None:
        super().__init__(str(note))
        self.note = note


class WordingRefused(ItemError, InvalidInput):
    """A wording for the sponsor that cannot be used: empty, too long, or given for a fact."""


class LevelExceeded(ItemError):
    """An item above the sharing level agreed for the engagement was chosen without the explicit override."""


class WordingNeeded(ItemError):
    """An item was chosen that has no wording for the sponsor yet (write one, or choose the private wording)."""


class FindingsUnanswered(CandourError):
    """Asked to write without questions while a blocking finding holds an item back or a sensitive topic has not
    been acknowledged: nothing is dropped or shared silently."""


class ExportExists(CandourError):
    """The destination file exists; an export never replaces a file unless asked to."""


class ExportUnconfirmed(StorageError):
    """The file was written, but the journal refused to confirm its log entry: the entry stays unconfirmed."""


__all__ = [
    "ExportExists",
    "ExportUnconfirmed",
    "FindingsUnanswered",
    "ItemError",
    "ItemNote",
    "LevelExceeded",
    "WordingNeeded",
    "WordingRefused",
]
