"""jrnl's exports: its JSON (`jrnl --export json`) and its Markdown as one file (`jrnl --export markdown`),
and the hint given for a jrnl journal file, which only jrnl can read."""

from __future__ import annotations

import functools
import json
import re
from datetime import date, datetime, time
from pathlib import Path

from journal.errors import InvalidInput
from journal.importers.source import (
    ACCEPTED_FORMATS,
    FORMAT_JRNL,
    FORMAT_JRNL_MARKDOWN,
    ImportBatch,
    ImportedEntry,
    not_utf8,
    read_bytes,
    shown_path,
    tag_labels,
    when,
)
from journal.text import without_controls

EXPORT_HINT = "export it with `jrnl --export json > export.json` and import that file"
"""What to do with a jrnl journal file, which only jrnl itself can read."""


_JRNL_JOURNAL = re.compile(r"\[\d{4}-\d{2}-\d{2}[ T]\d{1,2}:\d{2}[^\]\n]*\][ \n]")
"""The first line of a plain-text jrnl journal: `[2024-01-05 09:30] Title.` (any time format jrnl writes)."""


_JRNL_ENCRYPTED = re.compile(r"gAAAAA[A-Za-z0-9_=-]*\s*")
"""An encrypted jrnl journal (jrnl 2 and later): one Fernet token, URL-safe base64 that starts `gAAAAA`."""


_JRNL_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
"""A jrnl `date`: `YYYY-MM-DD`, as `jrnl --export json` writes it."""


_JRNL_TIME = re.compile(r"(\d{2}):(\d{2})(?::(\d{2}))?")
"""A jrnl `time`: `HH:MM` on a 24-hour clock (seconds accepted too)."""


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


def read_jrnl(path: Path) -> ImportBatch:
    shown = shown_path(path)
    looks_like_json = path.suffix.lower() == ".json"
    raw = read_bytes(path, shown)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        if looks_like_json:
            raise not_utf8(shown, error) from None
        raise InvalidInput(
            f"{shown} is neither a jrnl JSON export nor Markdown. If it is a jrnl journal file, {EXPORT_HINT}. "
            f"{ACCEPTED_FORMATS}"
        ) from None
    start = text.lstrip()
    if _JRNL_JOURNAL.match(start):
        raise InvalidInput(f"{shown} is a jrnl journal file, not an export: {EXPORT_HINT}.")
    if _JRNL_ENCRYPTED.fullmatch(start):
        raise InvalidInput(f"{shown} looks like an encrypted jrnl journal: {EXPORT_HINT} (jrnl asks for its password).")
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
            skipped.append(f"entry {number}, {when(entry.written_at)} (no title): no title and no text, not imported.")
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
        tags = tag_labels(tags_value, jrnl=True)
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


def is_jrnl_markdown_export(lines: list[str]) -> bool:
    """Whether `lines` are a whole journal from `jrnl --export markdown`: a year, a month, then an entry."""
    content = [line.rstrip() for line in lines if line.strip()][:3]
    return (
        len(content) == 3
        and _JRNL_YEAR.fullmatch(content[0]) is not None
        and content[1].startswith("## ")
        and _JRNL_ENTRY_HEADING.fullmatch(content[2]) is not None
    )


def read_jrnl_markdown_export(lines: list[str], shown: str) -> ImportBatch:
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
            skipped.append(f"the entry at line {number}, {when(entry.written_at)}: empty, not imported.")

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


def jrnl_markdown_file(lines: list[str], name: str, source: str, shown: str) -> ImportedEntry | None:
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
        tags=tag_labels((tag.lower() for tag in found), jrnl=True),
        starred=False,
        source=source,
    )
