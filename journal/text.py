"""Candour's rules for text, each in one place: cleaning what is stored, neutralising what leaves the journal,
folding for matching (search and the export linter alike, with the way back to the original's positions),
shortening for narrow places, and reading Markdown headings.

Functions over `str` and two small values (a folded text, a heading); no I/O, and no other journal module beneath.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

# --- cleaning: what is stored, and what is read from a file ---------------------------------

_CONTROL_CHARACTERS = "\x00-\x08\x0b-\x1f\x7f-\x9f"
"""C0 and C1 control characters, tab and newline aside (\\x9b starts a terminal escape sequence too)."""

_BIDI_CONTROLS = "\u202a-\u202e\u2066-\u2069"
"""Bidi embeddings, overrides and isolates: they make text read other than it is stored."""

_CONTROLS = re.compile(f"[{_CONTROL_CHARACTERS}]")
"""What text read from a file loses before it is parsed further."""

_CONTROLS_AND_BIDI = re.compile(f"[{_CONTROL_CHARACTERS}{_BIDI_CONTROLS}]")
"""What stored text never holds: never meaningful in a journal, and able to disguise text."""

_UNICODE_LINE_BREAKS = str.maketrans({"\x85": "\n", "\u2028": "\n", "\u2029": "\n"})
"""Unicode's own line breaks, which `str.splitlines` and some terminals honour."""


def _unified_line_ends(text: str) -> str:
    """`text` with Windows (\\r\\n) and old Mac (\\r) line ends as newlines."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def clean(text: str) -> str:
    """`text` as it is stored: every kind of line end a newline, without control characters (tab and newline
    aside) or bidi controls, composed (NFC).

    Args:
        text: what the user typed, or what a file held.
    Returns:
        The cleaned text; cleaning it again changes nothing, so what is stored reads back unchanged.
    """
    if not text.isascii():
        # They become newlines, so a one-line value cannot hide one.
        text = text.translate(_UNICODE_LINE_BREAKS)
    cleaned = _CONTROLS_AND_BIDI.sub("", _unified_line_ends(text))
    if not cleaned.isascii():
        # Composed only once the controls are gone: a control between a letter and its accent would
        # otherwise leave the pair uncomposed, and cleaning the stored text again would change it.
        cleaned = unicodedata.normalize("NFC", cleaned)
    return cleaned


def without_controls(text: str, *, one_line: bool = False) -> str:
    """`text` as read from another program's file: line ends unified and control characters removed (tab and
    newline aside), nothing else changed. It is cleaned for storing (`clean`) when it becomes a journal value.

    A NEL (U+0085) goes with the other C1 controls rather than being read as a line break: in a
    file it is most often a Windows-1252 "…" misread as Latin-1.

    Args:
        text: a title, tag or text as the file holds it.
        one_line: read line breaks and tabs as spaces, and remove surrounding spaces (a title, a tag).
    """
    if _CONTROLS.search(text) is not None:  # one scan in the common case (a \r is a control too)
        text = _CONTROLS.sub("", _unified_line_ends(text))
    return text.replace("\n", " ").replace("\t", " ").strip() if one_line else text


# --- neutralising: what leaves the journal ----------------------------------------------------

_INVISIBLE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e"
    "\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufffb\U000e0000-\U000e007f]"
)
"""Control characters, bidi overrides, isolates and marks, zero-width and other invisible format characters, and
Unicode tag characters (invisible letters that can smuggle text): more than stored text loses, since a
zero-width joiner that belongs in a journal has no place in a summary.
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


# --- folding: what matching compares ----------------------------------------------------------

_COMBINING_ACCENTS = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")
"""The combining diacritical mark blocks: the accents of Latin, Greek and Cyrillic letters once decomposed.
Vowel signs of other scripts are letters there, and are kept."""

_BASE_LETTERS = str.maketrans(
    {"ł": "l", "ø": "o", "đ": "d", "ð": "d", "ħ": "h", "ı": "i", "ŀ": "l", "ŧ": "t", "þ": "th", "æ": "ae", "œ": "oe"}
)
"""Letters that Unicode does not decompose into a base letter and an accent, folded by hand ("Łukasz" → "lukasz"),
so that a name typed with them is still found when written without them."""


def fold(text: str) -> str:
    """`text` as search and the export linter compare it: case ignored, accents removed (é→e), compatibility
    forms and ligatures split (ß→ss, ﬁ→fi), and the letters Unicode keeps whole folded by hand (ł→l, ø→o, æ→ae).

    The sealed search cache holds folded text: whenever what this returns changes, change
    `journal.vault.search_pages.PAGE_LAYOUT` too, so that caches folded the old way are rebuilt.

    Args:
        text: any text.
    Returns:
        The folded text; folding it again changes nothing.
    """
    if text.isascii():
        return text.lower()  # the common case
    # Decompose, then drop the combining accents (one regex pass in C, not a Python loop over characters:
    # folding every reflection is part of opening the search).
    return _COMBINING_ACCENTS.sub("", unicodedata.normalize("NFKD", text)).casefold().translate(_BASE_LETTERS)


_NON_ASCII = re.compile(r"[^\x00-\x7f]+")


@dataclass(frozen=True)
class Folded:
    """A text folded for matching, with the way back from each folded character to the original's.

    Folded character by character, so that each folded character comes from exactly one original
    one. The result is `fold(original)` but where Unicode would reorder combining marks of other scripts
    across characters.
    """

    original: str
    folded: str
    origin: Sequence[int]
    """For each character of `folded`, the index of the character of `original` it came from."""

    @classmethod
    def of(cls, text: str) -> Folded:
        """Fold `text`, keeping where each folded character comes from.

        Args:
            text: the text as written.
        Returns:
            Its folded form and position map.
        """
        if text.isascii():
            return cls(text, text.lower(), range(len(text)))  # lower-casing ASCII keeps every character in place
        # ASCII folds one to one, so only the other characters are folded one at a time.
        parts: list[str] = []
        origin: list[int] = []
        done = 0
        for run in _NON_ASCII.finditer(text):
            parts.append(text[done : run.start()].lower())
            origin.extend(range(done, run.start()))
            for index in range(run.start(), run.end()):
                part = fold(text[index])
                parts.append(part)
                origin.extend([index] * len(part))
            done = run.end()
        parts.append(text[done:].lower())
        origin.extend(range(done, len(text)))
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


# --- shortening: narrow places ----------------------------------------------------------------

ELLIPSIS = "…"
"""What ends a text that was cut, so that the reader knows."""


def shortened(text: str, width: int) -> str:
    """`text`, cut to `width` characters (at least 1) if it is longer, the last of them an ellipsis that says so."""
    return text if len(text) <= width else text[: width - 1] + ELLIPSIS


# --- Markdown headings ------------------------------------------------------------------------

_HEADING = re.compile(r" {0,3}(#{1,6})(?:[ \t]+(.*?))??(?:[ \t]+#+)?[ \t]*")
"""An ATX heading, per CommonMark: up to three spaces, one to six `#`, then a space and the title (or nothing),
optionally closed by a space and `#`s (`## Title ##`)."""


@dataclass(frozen=True)
class Heading:
    """A Markdown heading line, read."""

    level: int
    """1 for `#`, up to 6 for `######`."""
    title: str
    """Its words, without the `#`s or the spaces around them."""


def read_heading(line: str) -> Heading | None:
    """The heading `line` is, or None when it is not one (`#tag`, `####### seven`, plain text)."""
    match = _HEADING.fullmatch(line)
    return Heading(len(match.group(1)), match.group(2) or "") if match else None


def prompt_key(prompt: str) -> str:
    """A prompt as headings are matched with it: folded, without the punctuation that ends it ("?", ":", ".")."""
    return fold(prompt).strip().rstrip("?:.").strip()


def section(text: str, prompt: str) -> str:
    """The answer under the Markdown heading `prompt` in `text` (up to the next heading of the same or
    a higher level), or "" when there is no such heading or it was left blank."""
    wanted = prompt_key(prompt)
    lines = text.splitlines()
    for index, line in enumerate(lines):
        found = read_heading(line)
        if found is not None and prompt_key(found.title) == wanted:
            answer: list[str] = []
            for following in lines[index + 1 :]:
                other = read_heading(following)
                if other is not None and other.level <= found.level:
                    break
                answer.append(following)
            return "\n".join(answer).strip()
    return ""


def headline(text: str) -> str:
    """The line a Markdown text is known by: its first line that does not start with `#`, else the first line's words.

    A line starting with `#` is a heading (a template's prompt, most often) or starts with a `#tag`:
    neither says what the text is about.
    """
    for line in text.splitlines():
        if line.strip() and not line.startswith("#"):
            return line.strip()
    # Only headings: the first one.
    lines = text.strip().splitlines()
    return lines[0].lstrip("#").strip() if lines else ""
