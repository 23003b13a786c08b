"""What every import reads into, and the helpers all readers share: entries not yet stored, the batch read
from one path, tags, and paths and reasons shown safely in messages."""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from journal.errors import InvalidInput
from journal.text import without_controls

FORMAT_JRNL = "jrnl JSON"
"""`ImportBatch.format` of an export made with `jrnl --export json`."""


FORMAT_MARKDOWN_FOLDER = "Markdown folder"
"""`ImportBatch.format` of a folder of Markdown files, one entry each."""


FORMAT_MARKDOWN_FILE = "Markdown file"
"""`ImportBatch.format` of a single Markdown file, one entry."""


FORMAT_JRNL_MARKDOWN = "jrnl Markdown export"
"""`ImportBatch.format` of one file made with `jrnl --export markdown`: every entry of a jrnl journal."""


MARKDOWN_SUFFIXES = (".md", ".markdown")
"""File name endings read as Markdown (in any letter case)."""


ACCEPTED_FORMATS = (
    "Candour imports a jrnl export (made with `jrnl --export json` or `--export markdown`), "
    "a Markdown file (.md, .markdown) or a folder of Markdown files."
)
"""The sentence that ends every message about an unrecognised file."""


CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
"""Every control character, newline and tab included: what a file name shown in a message must not hold."""


LINE_BREAK = re.compile(r"\r\n?")
"""Windows and old Mac line ends, read as newlines when a file is split into lines."""


@dataclass(frozen=True)
class ImportedEntry:
    """One entry read from another journal, not yet stored."""

    written_at: datetime
    """Naive local time, as written in the source."""
    title: str
    """One line; empty when the source has none."""
    body: str
    """Markdown."""
    tags: tuple[str, ...]
    """Without the leading tag symbol, deduplicated, in order of first appearance."""
    starred: bool
    source: str
    """Where the entry came from, for messages: `entry 12` or the file's path relative to the folder."""


@dataclass(frozen=True)
class ImportBatch:
    """Everything read from one import path."""

    entries: tuple[ImportedEntry, ...]
    format: str
    """`FORMAT_JRNL`, `FORMAT_MARKDOWN_FOLDER` or `FORMAT_MARKDOWN_FILE`."""
    skipped: tuple[str, ...]
    """One readable sentence per thing left out (an empty file, a hidden folder, an unknown front matter key)."""
    origin: str = ""
    """The path read, as it can appear in a message."""
    notes: tuple[str, ...] = ()
    """What the user should know about the source itself (a jrnl Markdown export carries no stars)."""


def tag_labels(raw: Iterable[str], *, jrnl: bool) -> tuple[str, ...]:
    """Tags without their leading symbol, blank ones dropped, deduplicated in order of first appearance."""
    cleaned = (_tag(tag, jrnl) for tag in raw)
    return tuple(dict.fromkeys(tag for tag in cleaned if tag))


@functools.lru_cache(maxsize=4096)
def _tag(tag: str, jrnl: bool) -> str:
    """One tag without its symbol.

    jrnl lets each journal choose its tag symbols (`@` and `#` by default), so any leading
    character that is not a letter or digit is taken as the symbol; Markdown tags may carry `#`.
    """
    text = without_controls(tag, one_line=True)
    has_symbol = not text[:1].isalnum() if jrnl else text[:1] == "#"
    return text[1:].strip() if text and has_symbol else text


def when(moment: datetime) -> str:
    """A date and time as an entry is listed in messages: `2024-03-01 10:15`."""
    return moment.strftime("%Y-%m-%d %H:%M")


def counted(number: int, noun: str) -> str:
    return f"{number:,} {noun}" if number == 1 else f"{number:,} {noun}s"


def read_bytes(path: Path, shown: str) -> bytes:
    try:
        return path.read_bytes()
    except OSError as error:
        raise InvalidInput(f"Cannot read {shown}: {reason(error)}.") from None


def not_utf8(shown: str, error: UnicodeDecodeError) -> InvalidInput:
    return InvalidInput(
        f"{shown} is not valid UTF-8 text (at byte {error.start:,}); save it as UTF-8 and import it again."
    )


def reason(error: OSError) -> str:
    return (error.strerror or type(error).__name__).lower()


def shown_path(path: Path) -> str:
    """A path as it can safely appear in a message."""
    return shown_name(str(path))


def shown_name(name: str) -> str:
    """`name` printable: undecodable bytes of a file name become `\\ufffd`, control characters `?`.

    File names are bytes on most systems; Python keeps the undecodable ones as lone surrogates,
    which could not be stored or printed. Control characters could rewrite the user's terminal.
    """
    printable = os.fsencode(name).decode("utf-8", errors="replace")
    return CONTROL.sub("?", printable)
