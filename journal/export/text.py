"""Text hygiene for what leaves the journal: neutralising invisible characters, and folding for matching."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from journal.search import normalize

_INVISIBLE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e"
    "\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufffb\U000e0000-\U000e007f]"
)
"""Control characters, bidi overrides, isolates and marks, zero-width and other invisible format characters, and
Unicode tag characters (invisible letters that can smuggle text).
In a summary they could reorder what a reader sees, hide a word from the linter ("S\u200bam"), or drive
the terminal of whoever prints the file."""

_SPACES = re.compile(r"\s+")


def neutralise(text: str) -> str:
    """`text` as it may leave the journal: one line, composed (NFC), without invisible or control characters.

    Line breaks and tabs become single spaces: every sponsor-facing wording is one line.

    Args:
        text: a wording the coachee wrote.
    Returns:
        The cleaned text (idempotent: neutralising it again changes nothing).
    """
    spaced = _SPACES.sub(" ", text)  # before removing controls, so a tab or newline still separates words
    cleaned = _INVISIBLE.sub("", spaced)
    # Lone surrogates cannot be encoded; they never come from the models (which refuse them), but a
    # wording typed now must not crash the renderer.
    cleaned = cleaned.encode("utf-8", "replace").decode("utf-8")
    return _SPACES.sub(" ", unicodedata.normalize("NFC", cleaned)).strip()


_BASE_LETTERS = str.maketrans(
    {"ł": "l", "ø": "o", "đ": "d", "ð": "d", "ħ": "h", "ı": "i", "ŀ": "l", "ŧ": "t", "þ": "th", "æ": "ae", "œ": "oe"}
)
"""Letters that Unicode does not decompose into a base letter and an accent, folded by hand ("Łukasz" → "lukasz"),
so that a name typed with them is still found when written without them."""


def fold(text: str) -> str:
    """`text` folded for the linter's matching: the journal's search folding (case, accents), plus `_BASE_LETTERS`.

    Args:
        text: any text.
    """
    return normalize(text).translate(_BASE_LETTERS)


@dataclass(frozen=True)
class Folded:
    """A text folded for matching (case, accents, ligatures), with the way back to the original's positions."""

    original: str
    folded: str
    origin: tuple[int, ...]
    """For each character of `folded`, the index of the character of `original` it came from."""

    @classmethod
    def of(cls, text: str) -> Folded:
        """Fold `text` character by character, so that every match maps back to a span of the original.

        Args:
            text: the text as written.
        Returns:
            Its folded form and position map.
        """
        parts: list[str] = []
        origin: list[int] = []
        for index, char in enumerate(text):
            part = fold(char) if not char.isascii() else char.lower()
            if char in "’ʼ":
                part = "'"  # a typographic apostrophe is still a possessive
            parts.append(part)
            origin.extend([index] * len(part))
        return cls(text, "".join(parts), tuple(origin))

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The span of the original text that folded characters `start` to `end` (exclusive) came from.

        Args:
            start: first folded index.
            end: one past the last folded index (greater than `start`).
        Returns:
            (start, end) in the original text.
        """
        return self.origin[start], self.origin[end - 1] + 1
