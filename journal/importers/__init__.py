"""Entries written elsewhere (a jrnl JSON or Markdown export, Markdown files): read as plain values
(`read_import`), then stored as reflections in one transaction (`import_batch`), losing nothing and never twice.
"""

from __future__ import annotations

import stat
import unicodedata
from collections import Counter
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from journal.errors import InvalidInput
from journal.importers.jrnl import is_jrnl_markdown_export, read_jrnl, read_jrnl_markdown_export
from journal.importers.markdown import markdown_lines, read_markdown_file, read_markdown_folder
from journal.importers.source import (
    ACCEPTED_FORMATS,
    FORMAT_JRNL,
    FORMAT_JRNL_MARKDOWN,
    FORMAT_MARKDOWN_FILE,
    FORMAT_MARKDOWN_FOLDER,
    MARKDOWN_SUFFIXES,
    ImportBatch,
    ImportedEntry,
    reason,
    shown_name,
    shown_path,
    when,
)
from journal.models import MAX_TITLE_LENGTH, Engagement, Reflection, Theme

if TYPE_CHECKING:
    from journal.store import Journal

STARRED_THEME = "Starred"
"""The theme a starred entry gets: Candour has no stars, and a theme can be searched and filtered on."""


def read_import(path: Path) -> ImportBatch:
    """Read a jrnl JSON export, a Markdown file or a folder of Markdown files.

    A folder is read as Markdown (every `.md` and `.markdown` file under it, sorted by
    path; a file jrnl wrote with `--export markdown --file FOLDER` keeps its date, time and
    tags); a file ending in `.md` or `.markdown` as one Markdown entry, unless it is a whole
    journal from `jrnl --export markdown`; any other file must be a jrnl JSON export.

    Args:
        path: the file or folder to read.

    Returns:
        The entries in source order, the format recognised and what was skipped.

    Raises:
        InvalidInput: the path does not exist, is not in a format Candour imports, or holds
            something unreadable; the message names the file (and the jrnl entry and field)
            but never any entry's title or text.
    """
    try:
        mode = path.stat().st_mode
    except (FileNotFoundError, NotADirectoryError):
        raise InvalidInput(f"There is no file or folder at {shown_path(path)}.") from None
    except OSError as error:
        raise InvalidInput(f"Cannot read {shown_path(path)}: {reason(error)}.") from None
    if stat.S_ISDIR(mode):
        return read_markdown_folder(path)
    if not stat.S_ISREG(mode):
        # Reading a pipe or a device would wait forever or never end.
        raise InvalidInput(f"{shown_path(path)} is not a regular file or folder. {ACCEPTED_FORMATS}")
    if path.suffix.lower() in MARKDOWN_SUFFIXES:
        skipped: list[str] = []
        lines = markdown_lines(path, shown_path(path))
        if is_jrnl_markdown_export(lines):
            return read_jrnl_markdown_export(lines, shown_path(path))
        entry = read_markdown_file(path, shown_path(path), shown_name(path.name), skipped, lines=lines)
        return ImportBatch(
            entries=() if entry is None else (entry,),
            format=FORMAT_MARKDOWN_FILE,
            skipped=tuple(skipped),
            origin=shown_path(path),
        )
    return read_jrnl(path)


@dataclass(frozen=True)
class ImportReport:
    """What `import_batch` did."""

    imported: tuple[Reflection, ...]
    """The reflections saved, in source order."""
    skipped: tuple[str, ...]
    """One sentence per thing left out: the batch's own (empty entries, hidden files) and every
    entry already in the journal, named by its date, time and title."""
    starred: int
    """How many imported entries were starred, and so carry the theme `STARRED_THEME`."""


def import_batch(journal: Journal, batch: ImportBatch, *, engagement: Engagement | None = None) -> ImportReport:
    """Store the entries of `batch` as reflections, with their tags (and stars) as themes, in one transaction.

    Nothing is cut: a title that fits Candour's title field (`MAX_TITLE_LENGTH`) stays the title; a
    longer one (jrnl's title is the entry's whole first sentence) becomes the text's first paragraph,
    with an empty title field; an entry with a title and no text keeps its title as the text.

    An entry is already in the journal when a reflection has the same date and time, title and text,
    compared as stored (cleaned, NFC): importing a file twice adds nothing. Each copy counts, so
    identical entries within one file are all kept, once.

    Args:
        journal: the unlocked journal.
        batch: what `read_import` read.
        engagement: the engagement the reflections belong to, if any.

    Raises:
        InvalidInput: an entry cannot be stored (a tag too long for a theme, text that cannot be
            stored); the message names the file, the entry and the field, never the entry's words.
            Every value is built before anything is saved, so nothing is: the journal is as it was.
    """
    built = [(entry, *_reflection_of(entry, batch, engagement)) for entry in batch.entries]
    present = Counter(_identity(reflection) for reflection in journal.all(Reflection))
    fresh: list[tuple[Reflection, list[str]]] = []
    skipped = list(batch.skipped)
    starred = 0
    for entry, reflection, labels in built:
        identity = _identity(reflection)
        if present[identity] > 0:
            present[identity] -= 1  # one stored copy answers for one copy in the file
            skipped.append(f"{when(entry.written_at)} {reflection.heading()}: already in the journal, not imported.")
            continue
        fresh.append((reflection, labels))
        starred += entry.starred
    with journal.transaction("import the entries"):
        themes: dict[str, str] = {}
        for _, labels in fresh:
            for label in labels:
                if label not in themes:
                    themes[label] = journal.theme_named(label).saved_id
        saved = journal.save_many(
            replace(reflection, theme_ids=tuple(themes[label] for label in labels)) for reflection, labels in fresh
        )
    imported = tuple(reflection for reflection in saved if isinstance(reflection, Reflection))
    return ImportReport(imported=imported, skipped=tuple(skipped), starred=starred)


def _reflection_of(
    entry: ImportedEntry, batch: ImportBatch, engagement: Engagement | None
) -> tuple[Reflection, list[str]]:
    """The reflection `entry` becomes (not linked to its themes yet) and its themes' labels, as stored."""
    title, text = entry.title, entry.body
    if not text.strip():
        title, text = "", title
    elif len(unicodedata.normalize("NFC", title)) > MAX_TITLE_LENGTH:
        title, text = "", f"{title}\n\n{text}"
    labels = [*entry.tags, STARRED_THEME] if entry.starred else list(entry.tags)
    try:
        reflection = Reflection(
            text, entry.written_at, title=title, engagement_id=engagement.record_id if engagement else None
        )
        return reflection, list(dict.fromkeys(Theme(label).label for label in labels))
    except InvalidInput as error:
        # The file and the entry say where; the model's message says which field and why, without the words.
        where = batch.origin if batch.format == FORMAT_MARKDOWN_FILE else f"{batch.origin}, {entry.source}"
        raise InvalidInput(f"{where}: {error} Nothing was imported.") from None


def _identity(reflection: Reflection) -> tuple[datetime, str, str]:
    return reflection.written_at, reflection.title, reflection.text


__all__ = [
    "ACCEPTED_FORMATS",
    "FORMAT_JRNL",
    "FORMAT_JRNL_MARKDOWN",
    "FORMAT_MARKDOWN_FILE",
    "FORMAT_MARKDOWN_FOLDER",
    "MARKDOWN_SUFFIXES",
    "STARRED_THEME",
    "ImportBatch",
    "ImportReport",
    "ImportedEntry",
    "import_batch",
    "read_import",
    "shown_path",
]
