"""Markdown files, one entry each, alone or in a folder: front matter, a first `# heading` as the title, the
date from the front matter, the file name or its modification time. A file jrnl wrote is read as jrnl's."""

from __future__ import annotations

import os
import re
import stat
from collections import Counter
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

from journal.errors import InvalidInput
from journal.export.personal import PERSONAL_MARKDOWN_TITLE
from journal.importers.jrnl import jrnl_markdown_file
from journal.importers.source import (
    ACCEPTED_FORMATS,
    FORMAT_MARKDOWN_FOLDER,
    LINE_BREAK,
    MARKDOWN_SUFFIXES,
    ImportBatch,
    ImportedEntry,
    counted,
    not_utf8,
    read_bytes,
    reason,
    shown_name,
    shown_path,
    tag_labels,
)
from journal.text import read_heading, without_controls

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


_TRUE_WORDS = frozenset({"true", "yes", "on"})
"""Front matter values read as true (YAML's spellings, in any letter case)."""


_FALSE_WORDS = frozenset({"false", "no", "off"})
"""Front matter values read as false."""


def read_markdown_folder(folder: Path) -> ImportBatch:
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
        source = shown_name(relative.as_posix())
        entry = read_markdown_file(folder / relative, shown_path(folder / relative), source, skipped, unknown_keys)
        if entry is not None:
            entries.append(entry)
    if other_files:
        skipped.append(f"{counted(other_files, 'file')} not in Markdown (.md, .markdown) left out.")
    for key, count in sorted(unknown_keys.items()):
        skipped.append(f'Front matter "{key}" is not imported ({counted(count, "file")}).')
    return ImportBatch(
        entries=tuple(entries), format=FORMAT_MARKDOWN_FOLDER, skipped=tuple(skipped), origin=shown_folder
    )


def _walk(folder: Path, shown_folder: str, skipped: list[str]) -> Iterator[tuple[Path, bool]]:
    """Every file under `folder` as (path relative to it, is Markdown); hidden files and folders are left out."""

    def refuse(error: OSError) -> None:
        where = shown_path(Path(error.filename)) if error.filename else shown_folder
        raise InvalidInput(f"Cannot read the folder {where}: {reason(error)}.")

    # Symbolic links to folders are not followed, so a link back up the tree cannot loop forever.
    for root, folders, files in os.walk(folder, onerror=refuse):
        base = Path(root).relative_to(folder)
        for name in sorted(folders):
            if name.startswith("."):
                # Version control, editor settings and trash folders (.git, .obsidian, .trash).
                skipped.append(f"{shown_name((base / name).as_posix())}/: hidden folder, not searched.")
        folders[:] = [name for name in folders if not name.startswith(".")]
        for name in files:
            relative = base / name
            is_markdown = relative.suffix.lower() in MARKDOWN_SUFFIXES
            if name.startswith("."):
                if is_markdown:
                    # Includes macOS "._name.md" resource files, which are binary.
                    skipped.append(f"{shown_name(relative.as_posix())}: hidden file, not imported.")
                continue
            yield relative, is_markdown


def read_markdown_file(
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
        raise InvalidInput(f"Cannot read {shown}: {reason(error)}.") from None
    if not stat.S_ISREG(status.st_mode):
        skipped.append(f"{source}: not a regular file, not imported.")
        return None
    if lines is None:
        lines = markdown_lines(path, shown)
    if (jrnl_entry := jrnl_markdown_file(lines, path.name, source, shown)) is not None:
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
        tags=tag_labels(_list(fields.get("tags", "")), jrnl=False),
        starred=_starred(fields.get("starred", ""), shown),
        source=source,
    )


def markdown_lines(path: Path, shown: str) -> list[str]:
    """The lines of a Markdown file, with every kind of line end read as one."""
    raw = read_bytes(path, shown)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise not_utf8(shown, error) from None
    lines = LINE_BREAK.sub("\n", text).split("\n")
    if lines[0].rstrip() == PERSONAL_MARKDOWN_TITLE:
        raise InvalidInput(
            f"{shown} is Candour's own Markdown export, which is for reading: to bring a journal back, "
            "export it with `candour export-all --format json` and import that file."
        )
    return lines


#
# jrnl writes an entry as `<heading> <date and time> <title>`, a blank line, its text with every
# heading of the text moved down (by one level in a file per entry, by three in one file for the
# journal, where `#` is the year and `##` the month), and a line holding one space. Reading undoes
# exactly that, so the text comes back as jrnl holds it (jrnl itself turns underlined headings into
# `#` ones). jrnl finds tags in the words of the text; they are found the same way here.


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
