"""Entries written elsewhere (a jrnl JSON or Markdown export, Markdown files): read as plain values
(`read_import`), then stored as reflections in one transaction (`import_batch`), losing nothing and never twice.
"""

from __future__ import annotations

import functools
import json
import os
import re
import stat
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import date, datetime, time
from pathlib import Path
from typing import TYPE_CHECKING

from journal.errors import InvalidInput
from journal.export.personal import PERSONAL_MARKDOWN_TITLE
from journal.models import MAX_TITLE_LENGTH, Engagement, Reflection, Theme
from journal.text import read_heading, without_controls

if TYPE_CHECKING:
    from journal.store import Journal

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

STARRED_THEME = "Starred"
"""The theme a starred entry gets: Candour has no stars, and a theme can be searched and filtered on."""

_EXPORT_HINT = "export it with `jrnl --export json > export.json` and import that file"
"""What to do with a jrnl journal file, which only jrnl itself can read."""

_JRNL_JOURNAL = re.compile(r"\[\d{4}-\d{2}-\d{2}[ T]\d{1,2}:\d{2}[^\]\n]*\][ \n]")
"""The first line of a plain-text jrnl journal: `[2024-01-05 09:30] Title.` (any time format jrnl writes)."""

_JRNL_ENCRYPTED = re.compile(r"gAAAAA[A-Za-z0-9_=-]*\s*")
"""An encrypted jrnl journal (jrnl 2 and later): one Fernet token, URL-safe base64 that starts `gAAAAA`."""

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
"""Every control character, newline and tab included: what a file name shown in a message must not hold."""

_LINE_BREAK = re.compile(r"\r\n?")
"""Windows and old Mac line ends, read as newlines when a file is split into lines."""

_JRNL_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
"""A jrnl `date`: `YYYY-MM-DD`, as `jrnl --export json` writes it."""

_JRNL_TIME = re.compile(r"(\d{2}):(\d{2})(?::(\d{2}))?")
"""A jrnl `time`: `HH:MM` on a 24-hour clock (seconds accepted too)."""

_FRONT_MATTER_DATE = re.compile(
    r"\d{4}-\d{2}-\d{2}(?:[ T]\d{2}:\d{2}(?::\d{2}(?:[.,]\d{1,6})?)?(?:Z|[+-]\d{2}(?::?\d{2})?)?)?"
)
"""`YYYY-MM-DD`, optionally with a time, seconds and offset: the shapes `datetime.fromisoformat` then reads."""

_NAME_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?!\d)")
"""A date at the start of a file name, such as `2026-09-01 Session three.md`."""

_FRONT_MATTER_FENCE = "---"
"""The first line of a file with front matter."""

_FRONT_MATTER_CLOSERS = frozenset({"---", "..."})
"""Lines that end the front matter (YAML allows `...` too)."""

_FRONT_MATTER_LINE = re.compile(r"([^\W\d][\w -]*?)[ \t]*:(?:[ \t]+(.*)|[ \t]*)")
"""`key: value`; keys may hold spaces (`date created`), as some Markdown editors write them."""

_FRONT_MATTER_ITEM = re.compile(r"[ \t]*-[ \t]+(.*)")
"""`- item`: one item of a list whose key has nothing after its colon."""

_FRONT_MATTER_KEYS = frozenset({"title", "date", "tags", "starred"})
"""Front matter keys that become part of the entry; any other key is reported as not imported."""

_JRNL_STAMP = r"(\d{4})-(\d{2})-(\d{2})[ T](\d{1,2}):(\d{2})(?::(\d{2}))?(?: ?([AaPp])\.?[Mm]\.?)?"
"""The date and time jrnl writes before a title, in the shapes of its usual `timeformat`s: `2024-03-01 09:30`,
`2024-03-01 09:30:00` and its default `2024-03-01 09:30:00 AM`."""

_JRNL_FILE_HEADING = re.compile(rf"# {_JRNL_STAMP}(?: (.*))?")
"""The first line of a file from `jrnl --export markdown --file FOLDER`: `# <date and time> <title>`."""

_JRNL_ENTRY_HEADING = re.compile(rf"### {_JRNL_STAMP}(?: (.*))?")
"""An entry's heading in one file from `jrnl --export markdown`, under its year (`#`) and month (`##`)."""

_JRNL_YEAR = re.compile(r"# \d{4}")
"""The first line of a whole journal exported by `jrnl --export markdown`."""

_JRNL_STRUCTURE = re.compile(r"#{1,3} ")
"""A year, month or entry heading in a jrnl Markdown export; jrnl moves the text's own headings below these."""

_JRNL_FILE_NAME = re.compile(r"(\d{4}-\d{2}-\d{2})_.*")
"""jrnl's name for one entry's file: its day, `_` and its title made into a slug."""

_JRNL_TAG = re.compile(r"(?<!\S)([#@][-+*#/\w]+)")
"""A tag as jrnl finds it in an entry's title and text (its own pattern, with its default symbols `#` and `@`)."""

_JRNL_MARKDOWN_NOTE = (
    "jrnl's Markdown export records no stars (and tags only as the words in the text): "
    "import `jrnl --export json` to keep stars."
)
"""Said after a jrnl Markdown import, where the export itself has left the stars out."""

_TRUE_WORDS = frozenset({"true", "yes", "on"})
"""Front matter values read as true (YAML's spellings, in any letter case)."""

_FALSE_WORDS = frozenset({"false", "no", "off"})
"""Front matter values read as false."""


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
        raise InvalidInput(f"Cannot read {shown_path(path)}: {_reason(error)}.") from None
    if stat.S_ISDIR(mode):
        return _read_markdown_folder(path)
    if not stat.S_ISREG(mode):
        # Reading a pipe or a device would wait forever or never end.
        raise InvalidInput(f"{shown_path(path)} is not a regular file or folder. {ACCEPTED_FORMATS}")
    if path.suffix.lower() in MARKDOWN_SUFFIXES:
        skipped: list[str] = []
        lines = _markdown_lines(path, shown_path(path))
        if _is_jrnl_markdown_export(lines):
            return _read_jrnl_markdown_export(lines, shown_path(path))
        entry = _read_markdown_file(path, shown_path(path), _shown_name(path.name), skipped, lines=lines)
        return ImportBatch(
            entries=() if entry is None else (entry,),
            format=FORMAT_MARKDOWN_FILE,
            skipped=tuple(skipped),
            origin=shown_path(path),
        )
    return _read_jrnl(path)


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
            skipped.append(f"{_when(entry.written_at)} {reflection.heading()}: already in the journal, not imported.")
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


# --- jrnl ------------------------------------------------------------------------------------------


def _read_jrnl(path: Path) -> ImportBatch:
    shown = shown_path(path)
    looks_like_json = path.suffix.lower() == ".json"
    raw = _read_bytes(path, shown)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        if looks_like_json:
            raise _not_utf8(shown, error) from None
        raise InvalidInput(
            f"{shown} is neither a jrnl JSON export nor Markdown. If it is a jrnl journal file, {_EXPORT_HINT}. "
            f"{ACCEPTED_FORMATS}"
        ) from None
    start = text.lstrip()
    if _JRNL_JOURNAL.match(start):
        raise InvalidInput(f"{shown} is a jrnl journal file, not an export: {_EXPORT_HINT}.")
    if _JRNL_ENCRYPTED.fullmatch(start):
        raise InvalidInput(
            f"{shown} looks like an encrypted jrnl journal: {_EXPORT_HINT} (jrnl asks for its password)."
        )
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        # A file that starts like JSON was meant to be JSON: say where it breaks. `error.msg` names
        # the problem only ("Expecting value"), never the text around it.
        if looks_like_json or text.lstrip()[:1] in ("{", "["):
            raise InvalidInput(
                f"{shown} is not valid JSON ({error.msg} at line {error.lineno}, column {error.colno}). "
                f"{ACCEPTED_FORMATS}"
            ) from None
        raise InvalidInput(f"{shown} is neither a jrnl JSON export nor Markdown. {ACCEPTED_FORMATS}") from None
    except (ValueError, RecursionError):
        # Numbers too long to convert, or nesting too deep to parse: no jrnl export looks like this.
        raise InvalidInput(f"{shown} is JSON, but not a jrnl export. {ACCEPTED_FORMATS}") from None
    if not isinstance(document, dict) or not isinstance(document.get("entries"), list):
        raise InvalidInput(
            f'{shown} is JSON, but not a jrnl export: expected an object with an "entries" list. {ACCEPTED_FORMATS}'
        )
    entries: list[ImportedEntry] = []
    skipped: list[str] = []
    for number, item in enumerate(document["entries"], start=1):
        entry = _jrnl_entry(item, f"entry {number}", f"{shown}, entry {number}")
        if entry.title or entry.body.strip():
            entries.append(entry)
        else:
            skipped.append(f"entry {number}, {_when(entry.written_at)} (no title): no title and no text, not imported.")
    return ImportBatch(entries=tuple(entries), format=FORMAT_JRNL, skipped=tuple(skipped), origin=shown)


def _jrnl_entry(item: object, source: str, where: str) -> ImportedEntry:
    if not isinstance(item, dict):
        raise InvalidInput(f"{where} must be an object with a title, body and date.")
    title = _required_text(item, "title", where)
    body = _required_text(item, "body", where)
    day = _jrnl_date(item, where)
    moment = _jrnl_time(item, where)
    tags_value = item.get("tags")
    if tags_value is None:
        tags: tuple[str, ...] = ()
    elif isinstance(tags_value, list) and all(isinstance(tag, str) for tag in tags_value):
        tags = _tags(tags_value, jrnl=True)
    else:
        raise InvalidInput(f'{where}: "tags" must be a list of words such as ["@work", "@health"].')
    starred = item.get("starred")
    if starred is None:
        starred = False
    elif not isinstance(starred, bool):
        raise InvalidInput(f'{where}: "starred" must be true or false.')
    return ImportedEntry(
        written_at=datetime.combine(day, moment),
        title=without_controls(title, one_line=True),
        body=without_controls(body),
        tags=tags,
        starred=starred,
        source=source,
    )


def _required_text(item: dict[str, object], key: str, where: str) -> str:
    value = item.get(key)
    if value is None:
        raise InvalidInput(f'{where}: "{key}" is missing.')
    if not isinstance(value, str):
        raise InvalidInput(f'{where}: "{key}" must be text.')
    return value


def _jrnl_date(item: dict[str, object], where: str) -> date:
    value = item.get("date")
    if value is None:
        raise InvalidInput(f'{where}: "date" is missing.')
    day = _parse_jrnl_date(value) if isinstance(value, str) else None
    if day is None:
        raise InvalidInput(f'{where}: "date" must look like 2026-09-01 (a real day, year-month-day).')
    return day


def _jrnl_time(item: dict[str, object], where: str) -> time:
    value = item.get("time")
    if value is None or value == "":
        return time()
    moment = _parse_jrnl_time(value) if isinstance(value, str) else None
    if moment is None:
        raise InvalidInput(f'{where}: "time" must look like 14:30 (24-hour clock).')
    return moment


# A journal repeats the same days, times and tags across thousands of entries: parsing each once
# keeps a large export fast.
@functools.lru_cache(maxsize=8192)
def _parse_jrnl_date(value: str) -> date | None:
    if not _JRNL_DATE.fullmatch(value):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


@functools.lru_cache(maxsize=2048)
def _parse_jrnl_time(value: str) -> time | None:
    match = _JRNL_TIME.fullmatch(value)
    if match is None:
        return None
    hour, minute, second = (int(part or 0) for part in match.groups())
    if hour < 24 and minute < 60 and second < 60:
        return time(hour, minute, second)
    return None


# --- Markdown --------------------------------------------------------------------------------------


def _read_markdown_folder(folder: Path) -> ImportBatch:
    shown_folder = shown_path(folder)
    skipped: list[str] = []
    other_files = 0
    found: list[Path] = []
    for relative, is_markdown in _walk(folder, shown_folder, skipped):
        if is_markdown:
            found.append(relative)
        else:
            other_files += 1
    if not found:
        raise InvalidInput(f"There are no Markdown files (.md, .markdown) in {shown_folder}. {ACCEPTED_FORMATS}")
    entries: list[ImportedEntry] = []
    unknown_keys: Counter[str] = Counter()
    for relative in sorted(found, key=lambda relative: relative.parts):
        source = _shown_name(relative.as_posix())
        entry = _read_markdown_file(folder / relative, shown_path(folder / relative), source, skipped, unknown_keys)
        if entry is not None:
            entries.append(entry)
    if other_files:
        skipped.append(f"{_count(other_files, 'file')} not in Markdown (.md, .markdown) left out.")
    for key, count in sorted(unknown_keys.items()):
        skipped.append(f'Front matter "{key}" is not imported ({_count(count, "file")}).')
    return ImportBatch(
        entries=tuple(entries), format=FORMAT_MARKDOWN_FOLDER, skipped=tuple(skipped), origin=shown_folder
    )


def _walk(folder: Path, shown_folder: str, skipped: list[str]) -> Iterator[tuple[Path, bool]]:
    """Every file under `folder` as (path relative to it, is Markdown); hidden files and folders are left out."""

    def refuse(error: OSError) -> None:
        where = shown_path(Path(error.filename)) if error.filename else shown_folder
        raise InvalidInput(f"Cannot read the folder {where}: {_reason(error)}.")

    # Symbolic links to folders are not followed, so a link back up the tree cannot loop forever.
    for root, folders, files in os.walk(folder, onerror=refuse):
        base = Path(root).relative_to(folder)
        for name in sorted(folders):
            if name.startswith("."):
                # Version control, editor settings and trash folders (.git, .obsidian, .trash).
                skipped.append(f"{_shown_name((base / name).as_posix())}/: hidden folder, not searched.")
        folders[:] = [name for name in folders if not name.startswith(".")]
        for name in files:
            relative = base / name
            is_markdown = relative.suffix.lower() in MARKDOWN_SUFFIXES
            if name.startswith("."):
                if is_markdown:
                    # Includes macOS "._name.md" resource files, which are binary.
                    skipped.append(f"{_shown_name(relative.as_posix())}: hidden file, not imported.")
                continue
            yield relative, is_markdown


def _read_markdown_file(
    path: Path,
    shown: str,
    source: str,
    skipped: list[str],
    unknown_keys: Counter[str] | None = None,
    *,
    lines: list[str] | None = None,
) -> ImportedEntry | None:
    try:
        status = path.stat()
    except FileNotFoundError:
        # A link whose target is gone, or a file removed while the folder was read.
        skipped.append(f"{source}: no longer there (or a broken link), not imported.")
        return None
    except OSError as error:
        raise InvalidInput(f"Cannot read {shown}: {_reason(error)}.") from None
    if not stat.S_ISREG(status.st_mode):
        skipped.append(f"{source}: not a regular file, not imported.")
        return None
    if lines is None:
        lines = _markdown_lines(path, shown)
    if (jrnl_entry := _jrnl_markdown_file(lines, path.name, source, shown)) is not None:
        return jrnl_entry
    fields, body_start = _front_matter(lines, shown)
    if unknown_keys is not None:
        unknown_keys.update(key for key in fields if key not in _FRONT_MATTER_KEYS)
    elif unknown := sorted(key for key in fields if key not in _FRONT_MATTER_KEYS):
        skipped.extend(f'{source}: front matter "{key}" is not imported.' for key in unknown)
    body_lines = lines[body_start:]
    title = without_controls(_scalar(fields.get("title", "")), one_line=True)
    if not title:
        title, body_lines = _heading_title(body_lines)
    body = without_controls("\n".join(_without_leading_blank_lines(body_lines))).rstrip()
    if not title and not body.strip():
        skipped.append(f"{source}: empty, not imported.")
        return None
    return ImportedEntry(
        written_at=_markdown_date(fields, path.name, status.st_mtime, shown),
        title=title,
        body=body,
        tags=_tags(_list(fields.get("tags", "")), jrnl=False),
        starred=_starred(fields.get("starred", ""), shown),
        source=source,
    )


def _markdown_lines(path: Path, shown: str) -> list[str]:
    """The lines of a Markdown file, with every kind of line end read as one."""
    raw = _read_bytes(path, shown)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise _not_utf8(shown, error) from None
    lines = _LINE_BREAK.sub("\n", text).split("\n")
    if lines[0].rstrip() == PERSONAL_MARKDOWN_TITLE:
        raise InvalidInput(
            f"{shown} is Candour's own Markdown export, which is for reading: to bring a journal back, "
            "export it with `candour export-all --format json` and import that file."
        )
    return lines


# --- jrnl's Markdown export ------------------------------------------------------------------------
#
# jrnl writes an entry as `<heading> <date and time> <title>`, a blank line, its text with every
# heading of the text moved down (by one level in a file per entry, by three in one file for the
# journal, where `#` is the year and `##` the month), and a line holding one space. Reading undoes
# exactly that, so the text comes back as jrnl holds it (jrnl itself turns underlined headings into
# `#` ones). jrnl finds tags in the words of the text; they are found the same way here.


def _is_jrnl_markdown_export(lines: list[str]) -> bool:
    """Whether `lines` are a whole journal from `jrnl --export markdown`: a year, a month, then an entry."""
    content = [line.rstrip() for line in lines if line.strip()][:3]
    return (
        len(content) == 3
        and _JRNL_YEAR.fullmatch(content[0]) is not None
        and content[1].startswith("## ")
        and _JRNL_ENTRY_HEADING.fullmatch(content[2]) is not None
    )


def _read_jrnl_markdown_export(lines: list[str], shown: str) -> ImportBatch:
    """Every entry of one file from `jrnl --export markdown`; a line outside any entry is refused, not dropped."""
    entries: list[ImportedEntry] = []
    skipped: list[str] = []
    heading: tuple[int, re.Match[str]] | None = None
    body: list[str] = []

    def close_entry() -> None:
        if heading is None:
            return
        number, match = heading
        entry = _jrnl_markdown_entry(match, body, 3, f"the entry at line {number}", f"{shown}, line {number}")
        if entry.title or entry.body.strip():
            entries.append(entry)
        else:
            skipped.append(f"the entry at line {number}, {_when(entry.written_at)}: empty, not imported.")

    for number, line in enumerate(lines, start=1):
        if _JRNL_STRUCTURE.match(line) is None:
            if heading is not None:
                body.append(line)
            elif line.strip():
                raise InvalidInput(
                    f"{shown}, line {number}: text outside any entry, which jrnl's Markdown export never writes. "
                    "Import `jrnl --export json` instead. Nothing was imported."
                )
            continue
        close_entry()
        heading, body = None, []
        if line.startswith("### "):
            match = _JRNL_ENTRY_HEADING.fullmatch(line.rstrip())
            if match is None:
                raise InvalidInput(
                    f"{shown}, line {number}: an entry heading that does not start with a date and time "
                    "Candour reads (2024-03-01 09:30). Import `jrnl --export json` instead. Nothing was imported."
                )
            heading = (number, match)
    close_entry()
    return ImportBatch(
        entries=tuple(entries),
        format=FORMAT_JRNL_MARKDOWN,
        skipped=tuple(skipped),
        origin=shown,
        notes=(_JRNL_MARKDOWN_NOTE,),
    )


def _jrnl_markdown_file(lines: list[str], name: str, source: str, shown: str) -> ImportedEntry | None:
    """The entry of a file jrnl wrote with `--export markdown --file FOLDER`, or None for any other file.

    Only a file named as jrnl names them (`2024-03-01_title.md`) whose first line is its heading on the
    same day is read this way: in any other file, `## ` lines are the user's own and must stay as written.
    """
    name_match = _JRNL_FILE_NAME.fullmatch(name)
    heading = _JRNL_FILE_HEADING.fullmatch(lines[0].rstrip())
    if name_match is None or heading is None or not heading.group(0).startswith(f"# {name_match.group(1)}"):
        return None
    return _jrnl_markdown_entry(heading, lines[1:], 1, source, shown)


def _jrnl_markdown_entry(
    heading: re.Match[str], lines: list[str], moved_by: int, source: str, where: str
) -> ImportedEntry:
    """One jrnl entry from its heading and the lines under it, the text's headings moved back up `moved_by`."""
    year, month, day, hour, minute, second, half, title = heading.groups()
    hours = int(hour)
    if half is not None and 1 <= hours <= 12:
        hours = hours % 12 + (12 if half in "Pp" else 0)
    try:
        written_at = datetime(int(year), int(month), int(day), hours, int(minute), int(second or 0))
    except ValueError:
        raise InvalidInput(f"{where}: the heading's date and time is not a real day and time.") from None
    if lines and not lines[0].strip():
        lines = lines[1:]  # the blank line jrnl writes under the heading
    while lines and not lines[-1]:
        lines = lines[:-1]  # the end of the file (jrnl prints a newline after the export)
    if lines and not lines[-1].strip():
        lines = lines[:-1]  # the line of one space that closes every entry
    moved = "#" * moved_by
    text = "\n".join(
        line[moved_by:] if line.startswith(moved) and re.match(r"#+ ", line[moved_by:]) else line for line in lines
    )
    clean_title, body = without_controls(title or "", one_line=True), without_controls(text)
    found = _JRNL_TAG.findall(f"{clean_title} {body}")
    return ImportedEntry(
        written_at=written_at,
        title=clean_title,
        body=body,
        tags=_tags((tag.lower() for tag in found), jrnl=True),
        starred=False,
        source=source,
    )


def _front_matter(lines: list[str], shown: str) -> tuple[dict[str, str | list[str]], int]:
    """The `key: value` pairs between `---` lines at the top, and the index of the first body line.

    A key with nothing after the colon starts a list written one `- item` per line; other indented
    lines (nested values, continued text) belong to the key above and are not read. A file whose
    first `---` is never closed has no front matter: it starts with a horizontal rule.
    """
    if not lines or lines[0].rstrip() != _FRONT_MATTER_FENCE:
        return {}, 0
    end = next((index for index in range(1, len(lines)) if lines[index].rstrip() in _FRONT_MATTER_CLOSERS), None)
    if end is None:
        return {}, 0
    fields: dict[str, str | list[str]] = {}
    open_list: list[str] | None = None
    for index in range(1, end):
        line = lines[index]
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        item = _FRONT_MATTER_ITEM.fullmatch(line)
        if item is not None and open_list is not None:
            open_list.append(item.group(1))
            continue
        if line[0] in " \t" and fields:
            # Nested values and continued lines belong to the key above; only simple keys are read.
            continue
        match = _FRONT_MATTER_LINE.fullmatch(line)
        if match is None:
            raise InvalidInput(f'{shown}, line {index + 1}: front matter lines must look like "key: value".')
        value = (match.group(2) or "").strip()
        open_list = None if value else []
        fields[match.group(1).strip().lower()] = value if open_list is None else open_list
    return fields, end + 1


def _scalar(value: str | list[str]) -> str:
    if isinstance(value, list):
        return ", ".join(value)
    return _unquote(value)


def _list(value: str | list[str]) -> list[str]:
    if isinstance(value, list):
        return [_unquote(item.strip()) for item in value]
    text = value.strip()
    if text.startswith("[") and text.endswith("]"):
        text = text[1:-1]
    return [_unquote(item.strip()) for item in text.split(",")]


def _unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return value[1:-1]
    return value


def _heading_title(lines: list[str]) -> tuple[str, list[str]]:
    """The title from a `# Heading` that is the first non-blank line, and the lines after it.

    Only the very first line counts: a heading further down is a section of the text, not its title.
    """
    for index, line in enumerate(lines):
        if not line.strip():
            continue
        found = read_heading(line)
        if found is None or found.level != 1:
            return "", lines
        return without_controls(found.title, one_line=True), lines[index + 1 :]
    return "", lines


def _without_leading_blank_lines(lines: list[str]) -> list[str]:
    for index, line in enumerate(lines):
        if line.strip():
            return lines[index:]
    return []


def _markdown_date(fields: dict[str, str | list[str]], name: str, mtime: float, shown: str) -> datetime:
    written = _scalar(fields.get("date", "")).strip()
    if written:
        if _FRONT_MATTER_DATE.fullmatch(written):
            try:
                # An offset is dropped, not converted: the entry keeps the wall-clock time it was written at.
                return datetime.fromisoformat(written).replace(tzinfo=None, microsecond=0)
            except ValueError:
                pass
        raise InvalidInput(
            f'{shown}: "date" in the front matter must look like 2026-09-01, 2026-09-01 14:30 '
            "or 2026-09-01T14:30:00 (a real day and time)."
        )
    if match := _NAME_DATE.match(name):
        try:
            return datetime(int(match.group(1)), int(match.group(2)), int(match.group(3)))
        except ValueError:
            raise InvalidInput(
                f"{shown}: the name starts with {match.group(0)}, which is not a real day; "
                'rename the file or give a "date" in its front matter.'
            ) from None
    try:
        return datetime.fromtimestamp(mtime).replace(microsecond=0)
    except (OverflowError, OSError, ValueError):
        raise InvalidInput(
            f'{shown}: its modification time is not a usable date; give a "date" in its front matter.'
        ) from None


def _starred(value: str | list[str], shown: str) -> bool:
    word = _scalar(value).strip().lower()
    if not word or word in _FALSE_WORDS:
        return False
    if word in _TRUE_WORDS:
        return True
    raise InvalidInput(f'{shown}: "starred" in the front matter must be true or false.')


# --- Shared ----------------------------------------------------------------------------------------


def _tags(raw: Iterable[str], *, jrnl: bool) -> tuple[str, ...]:
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


def _when(moment: datetime) -> str:
    """A date and time as an entry is listed in messages: `2024-03-01 10:15`."""
    return moment.strftime("%Y-%m-%d %H:%M")


def _count(number: int, noun: str) -> str:
    return f"{number:,} {noun}" if number == 1 else f"{number:,} {noun}s"


def _read_bytes(path: Path, shown: str) -> bytes:
    try:
        return path.read_bytes()
    except OSError as error:
        raise InvalidInput(f"Cannot read {shown}: {_reason(error)}.") from None


def _not_utf8(shown: str, error: UnicodeDecodeError) -> InvalidInput:
    return InvalidInput(
        f"{shown} is not valid UTF-8 text (at byte {error.start:,}); save it as UTF-8 and import it again."
    )


def _reason(error: OSError) -> str:
    return (error.strerror or type(error).__name__).lower()


def shown_path(path: Path) -> str:
    """A path as it can safely appear in a message."""
    return _shown_name(str(path))


def _shown_name(name: str) -> str:
    """`name` printable: undecodable bytes of a file name become `\\ufffd`, control characters `?`.

    File names are bytes on most systems; Python keeps the undecodable ones as lone surrogates,
    which could not be stored or printed. Control characters could rewrite the user's terminal.
    """
    printable = os.fsencode(name).decode("utf-8", errors="replace")
    return _CONTROL.sub("?", printable)
