"""Reading jrnl JSON exports and Markdown files: formats, front matter, dates, errors that name the place
and never the private text, and a round trip over generated entries."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import tempfile
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from journal import MAX_TITLE_LENGTH, Journal, Theme
from journal.errors import InvalidInput, StorageError
from journal.importers import (
    FORMAT_JRNL,
    FORMAT_MARKDOWN_FILE,
    FORMAT_MARKDOWN_FOLDER,
    ImportBatch,
    ImportedEntry,
    import_batch,
    read_import,
)
from tests.conftest import MakeVault, journal_files

CANARY = "CANARY-private-4b1d"
"""Private text placed in titles and bodies; no error message may ever contain it."""


def _write_jrnl(folder: Path, entries: list[dict[str, Any]], name: str = "journal.json") -> Path:
    tags: dict[str, int] = {}
    for entry in entries:
        listed = entry.get("tags")
        for tag in listed if isinstance(listed, list) else []:
            if isinstance(tag, str):
                tags[tag] = tags.get(tag, 0) + 1
    path = folder / name
    path.write_text(json.dumps({"tags": tags, "entries": entries}, ensure_ascii=False, indent=1), encoding="utf-8")
    return path


def _raises(path: Path) -> str:
    with pytest.raises(InvalidInput) as caught:
        read_import(path)
    message = str(caught.value)
    assert CANARY not in message
    return message


def _jrnl_entry(**fields: Any) -> dict[str, Any]:
    entry: dict[str, Any] = {"title": f"Title {CANARY}", "body": f"Body {CANARY}", "date": "2026-09-01"}
    entry.update(fields)
    return entry


# --- jrnl ------------------------------------------------------------------------------------------


def test_jrnl_export_with_tags_stars_and_missing_optional_fields(tmp_path: Path) -> None:
    path = _write_jrnl(
        tmp_path,
        [
            {
                "title": "Session three with Zoë",
                "body": "Met at the café. @work felt lighter.\n\nNext: ask about the #feedback loop.",
                "date": "2026-09-01",
                "time": "14:30",
                "tags": ["@work", "#feedback", "@work"],
                "starred": True,
            },
            {"title": "Quick note", "body": "", "date": "2026-09-02"},
            {"title": "", "body": "Only a body, no title.", "date": "2026-09-03", "time": "07:05", "starred": False},
        ],
    )

    batch = read_import(path)

    assert batch.format == FORMAT_JRNL
    assert batch.skipped == ()
    assert batch.entries == (
        ImportedEntry(
            written_at=datetime(2026, 9, 1, 14, 30),
            title="Session three with Zoë",
            body="Met at the café. @work felt lighter.\n\nNext: ask about the #feedback loop.",
            tags=("work", "feedback"),
            starred=True,
            source="entry 1",
        ),
        ImportedEntry(datetime(2026, 9, 2), "Quick note", "", (), False, "entry 2"),
        ImportedEntry(datetime(2026, 9, 3, 7, 5), "", "Only a body, no title.", (), False, "entry 3"),
    )


def test_jrnl_tags_with_other_symbols_and_null_optional_fields(tmp_path: Path) -> None:
    path = _write_jrnl(
        tmp_path,
        [
            {"title": "T", "body": "B", "date": "2026-01-31", "time": None, "tags": ["+home", "%café", "plain", "+"]},
            {"title": "T", "body": "B", "date": "2026-01-31", "tags": None, "starred": None},
        ],
    )

    first, second = read_import(path).entries

    assert first.tags == ("home", "café", "plain")
    assert first.written_at == datetime(2026, 1, 31)
    assert second.tags == ()
    assert not second.starred


def test_jrnl_text_loses_control_characters_and_keeps_everything_else(tmp_path: Path) -> None:
    body = "Line one\r\nLine two\rLine three\n\tindented\x00\x07\x1b[31m red\x7f\x85 — Zoë 😊 \u200d"
    path = _write_jrnl(tmp_path, [{"title": "A\x1btitle\nsplit\tby tab ", "body": body, "date": "2026-09-01"}])

    (entry,) = read_import(path).entries

    assert entry.body == "Line one\nLine two\nLine three\n\tindented[31m red — Zoë 😊 \u200d"
    assert entry.title == "Atitle split by tab"


def test_jrnl_empty_entries_are_skipped_with_a_reason(tmp_path: Path) -> None:
    path = _write_jrnl(
        tmp_path,
        [
            {"title": "Kept", "body": "", "date": "2026-09-01"},
            {"title": "  ", "body": "\n\n", "date": "2026-09-02"},
        ],
    )

    batch = read_import(path)

    assert [entry.title for entry in batch.entries] == ["Kept"]
    assert batch.skipped == ("entry 2, 2026-09-02 00:00 (no title): no title and no text, not imported.",)


def test_jrnl_export_with_a_byte_order_mark_and_no_json_suffix(tmp_path: Path) -> None:
    path = tmp_path / "export.txt"
    document = {"tags": {}, "entries": [{"title": "T", "body": "B", "date": "2026-09-01", "time": "09:00"}]}
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps(document).encode())

    batch = read_import(path)

    assert batch.format == FORMAT_JRNL
    assert batch.entries[0].written_at == datetime(2026, 9, 1, 9)


def test_an_empty_jrnl_export_has_no_entries(tmp_path: Path) -> None:
    path = _write_jrnl(tmp_path, [])

    assert read_import(path) == ImportBatch(entries=(), format=FORMAT_JRNL, skipped=(), origin=str(path))


def test_twenty_thousand_jrnl_entries_parse(tmp_path: Path) -> None:
    entries = [
        {
            "title": f"Entry {number}",
            "body": f"What shifted for me on day {number}?\n\nA paragraph of reflection. " * 3,
            "date": f"{2000 + number // 365 % 50}-{number % 12 + 1:02}-{number % 28 + 1:02}",
            "time": f"{number % 24:02}:{number % 60:02}",
            "tags": ["@work", f"@topic{number % 40}"],
            "starred": number % 7 == 0,
        }
        for number in range(20_000)
    ]
    path = _write_jrnl(tmp_path, entries)

    batch = read_import(path)

    assert len(batch.entries) == 20_000
    assert batch.entries[-1].source == "entry 20000"
    assert batch.entries[-1].tags == ("work", "topic39")


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"date": "01/09/2026"}, 'entry 2: "date" must look like 2026-09-01'),
        ({"date": "2026-02-30"}, 'entry 2: "date" must look like 2026-09-01'),
        ({"date": 20260901}, 'entry 2: "date" must look like 2026-09-01'),
        ({"date": None}, 'entry 2: "date" is missing'),
        ({"time": "2pm"}, 'entry 2: "time" must look like 14:30'),
        ({"time": "24:00"}, 'entry 2: "time" must look like 14:30'),
        ({"tags": "@work"}, 'entry 2: "tags" must be a list'),
        ({"tags": ["@work", 3]}, 'entry 2: "tags" must be a list'),
        ({"starred": "yes"}, 'entry 2: "starred" must be true or false'),
        ({"title": None}, 'entry 2: "title" is missing'),
        ({"body": ["a", "b"]}, 'entry 2: "body" must be text'),
    ],
)
def test_jrnl_field_errors_name_the_file_entry_and_field(tmp_path: Path, fields: dict[str, Any], expected: str) -> None:
    path = _write_jrnl(tmp_path, [_jrnl_entry(), _jrnl_entry(**fields)])

    message = _raises(path)

    assert message.startswith(f"{path}, {expected}")


def test_a_jrnl_entry_that_is_not_an_object_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "journal.json"
    path.write_text(json.dumps({"entries": [_jrnl_entry(), f"{CANARY}"]}))

    assert _raises(path) == f"{path}, entry 2 must be an object with a title, body and date."


def test_bad_json_says_where_it_breaks(tmp_path: Path) -> None:
    path = tmp_path / "journal.json"
    path.write_text('{"entries": [\n  {"title": "' + CANARY + '", "body": "x" "date": "2026-09-01"}\n]}')

    message = _raises(path)

    assert message.startswith(f"{path} is not valid JSON (Expecting ',' delimiter at line 2, column")
    assert "jrnl --export json" in message


@pytest.mark.parametrize(
    "document",
    [[{"title": CANARY}], {"entries": {"title": CANARY}}, {"journal": [CANARY]}, "just a string", 42],
)
def test_json_of_another_shape_is_not_a_jrnl_export(tmp_path: Path, document: object) -> None:
    path = tmp_path / "other.json"
    path.write_text(json.dumps(document))

    message = _raises(path)

    assert message.startswith(f'{path} is JSON, but not a jrnl export: expected an object with an "entries" list.')


def test_deeply_nested_json_is_refused_cleanly(tmp_path: Path) -> None:
    path = tmp_path / "deep.json"
    path.write_text("[" * 100_000 + "]" * 100_000)

    assert "is JSON, but not a jrnl export" in _raises(path)


def test_a_json_file_that_is_not_utf8_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "journal.json"
    path.write_bytes(json.dumps({"entries": [_jrnl_entry()]}).encode("utf-16"))

    message = _raises(path)

    assert message.startswith(f"{path} is not valid UTF-8 text (at byte 0)")


@pytest.mark.parametrize(
    "content", [f"Dear diary, {CANARY}\n".encode(), b"\x89PNG\r\n\x1a\n\x00\x00" + CANARY.encode()]
)
def test_a_file_that_is_neither_json_nor_markdown_lists_the_accepted_formats(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "notes.txt"
    path.write_bytes(content)

    message = _raises(path)

    assert message.startswith(f"{path} is neither a jrnl JSON export nor Markdown.")
    assert "jrnl --export json" in message
    assert ".md" in message
    assert "folder of Markdown files" in message


def test_a_missing_path_is_named(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere" / "export.json"
    under_a_file = _write_jrnl(tmp_path, []) / "export.json"

    assert _raises(missing) == f"There is no file or folder at {missing}."
    assert _raises(under_a_file) == f"There is no file or folder at {under_a_file}."


# --- Markdown --------------------------------------------------------------------------------------


def _write(path: Path, text: str, *, mtime: datetime | None = None) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    if mtime is not None:
        os.utime(path, (mtime.timestamp(), mtime.timestamp()))
    return path


@pytest.mark.parametrize(
    ("front_matter", "title", "written_at", "tags"),
    [
        (
            "title: Session one\ndate: 2026-09-01\ntags: [work, growth]",
            "Session one",
            datetime(2026, 9, 1),
            ("work", "growth"),
        ),
        (
            'title: "Session: two"\ndate: 2026-09-01 14:30\ntags: work, growth, work',
            "Session: two",
            datetime(2026, 9, 1, 14, 30),
            ("work", "growth"),
        ),
        (
            "Title: 'Zoë'\nDate: 2026-09-01T14:30:15\ntags: ['#work', \"#café\"]",
            "Zoë",
            datetime(2026, 9, 1, 14, 30, 15),
            ("work", "café"),
        ),
        (
            "date: 2026-09-01T23:30:00+02:00\ntags:\n  - work\n  - '#growth'\n# a comment\n",
            "",
            datetime(2026, 9, 1, 23, 30),
            ("work", "growth"),
        ),
        ("date: 2026-09-01T06:00:00.123456Z\ntags:", "", datetime(2026, 9, 1, 6), ()),
        ("title:\ndate: '2026-09-01'\ntags: []", "", datetime(2026, 9, 1), ()),
    ],
)
def test_front_matter_variants(
    tmp_path: Path, front_matter: str, title: str, written_at: datetime, tags: tuple[str, ...]
) -> None:
    path = _write(tmp_path / "note.md", f"---\n{front_matter}\n---\n\nWhat shifted for me?\n")

    batch = read_import(path)

    assert batch.format == FORMAT_MARKDOWN_FILE
    assert batch.entries == (ImportedEntry(written_at, title, "What shifted for me?", tags, False, "note.md"),)


def test_front_matter_with_spaced_keys_nested_values_and_continued_lines(tmp_path: Path) -> None:
    text = (
        "---\n"
        "date created: 2025-01-01\n"
        "author:\n"
        "  name: Zoë\n"
        "  role: coachee\n"
        "summary: >\n"
        "  folded text\n"
        "  over two lines\n"
        "date: 2026-09-01 08:00\n"
        "---\n"
        "Text"
    )
    batch = read_import(_write(tmp_path / "note.md", text))

    assert batch.entries[0].written_at == datetime(2026, 9, 1, 8)
    assert batch.entries[0].body == "Text"
    assert batch.skipped == tuple(
        f'note.md: front matter "{key}" is not imported.' for key in ("author", "date created", "summary")
    )


def test_starred_in_front_matter(tmp_path: Path) -> None:
    _write(tmp_path / "a.md", "---\nstarred: true\ndate: 2026-09-01\n---\nText")
    _write(tmp_path / "b.md", "---\nstarred: no\ndate: 2026-09-01\n---\nText")

    assert [entry.starred for entry in read_import(tmp_path).entries] == [True, False]


def test_a_first_line_heading_is_the_title_and_leaves_the_body(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "2026-09-01.md",
        "\n# After session three #\n\n## What did I explore?\n\nBoundaries at work.\n\n# Later heading\n",
    )

    (entry,) = read_import(path).entries

    assert entry.title == "After session three"
    assert entry.body == "## What did I explore?\n\nBoundaries at work.\n\n# Later heading"


def test_a_heading_below_the_text_is_not_the_title(tmp_path: Path) -> None:
    path = _write(tmp_path / "2026-09-01.md", "Some words first.\n\n# A section\n\nMore.")

    (entry,) = read_import(path).entries

    assert entry.title == ""
    assert entry.body == "Some words first.\n\n# A section\n\nMore."


def test_a_front_matter_title_wins_over_the_heading(tmp_path: Path) -> None:
    path = _write(tmp_path / "2026-09-01.md", "---\ntitle: From front matter\n---\n# Heading\nText")

    (entry,) = read_import(path).entries

    assert entry.title == "From front matter"
    assert entry.body == "# Heading\nText"


def test_the_date_comes_from_the_file_name_else_the_modification_time(tmp_path: Path) -> None:
    modified = datetime(2024, 3, 5, 8, 15, 42)
    _write(tmp_path / "2026-09-01 Session three.md", "# Named\nText", mtime=modified)
    _write(tmp_path / "2026-09-02.markdown", "Text", mtime=modified)
    _write(tmp_path / "untitled.MD", "Text", mtime=modified)
    _write(tmp_path / "20260903.md", "Text", mtime=modified)

    batch = read_import(tmp_path)

    assert {entry.source: entry.written_at for entry in batch.entries} == {
        "2026-09-01 Session three.md": datetime(2026, 9, 1),
        "2026-09-02.markdown": datetime(2026, 9, 2),
        "untitled.MD": modified,
        "20260903.md": modified,
    }


def test_nested_folders_are_read_in_path_order_with_relative_sources(tmp_path: Path) -> None:
    root = tmp_path / "notes"
    for relative in ("b.md", "2026/09/z.md", "2026/09/a.md", "2026/10.md", "a/deep/er/x.md"):
        _write(root / relative, f"---\ndate: 2026-01-01\n---\n{relative}")
    _write(root / "picture.png", "not text")
    _write(root / "2026/readme.txt", "not Markdown")

    batch = read_import(root)

    assert batch.format == FORMAT_MARKDOWN_FOLDER
    expected = ["2026/09/a.md", "2026/09/z.md", "2026/10.md", "a/deep/er/x.md", "b.md"]
    assert [entry.source for entry in batch.entries] == expected
    assert [entry.body for entry in batch.entries] == expected
    assert batch.skipped == ("2 files not in Markdown (.md, .markdown) left out.",)


def test_empty_hidden_and_unknown_parts_are_reported_as_skipped(tmp_path: Path) -> None:
    _write(tmp_path / "kept.md", "---\ndate: 2026-09-01\nmood: 4\naliases: [x]\n---\nText")
    _write(tmp_path / "other.md", "---\ndate: 2026-09-01\nmood: 2\n---\nText")
    _write(tmp_path / "empty.md", "")
    _write(tmp_path / "blank.md", "---\ndate: 2026-09-01\ntags: [a]\n---\n\n   \n")
    _write(tmp_path / ".obsidian" / "workspace.md", "settings")
    (tmp_path / "._kept.md").write_bytes(b"\x00\x05\x16\x07\xff")

    batch = read_import(tmp_path)

    assert [entry.source for entry in batch.entries] == ["kept.md", "other.md"]
    assert batch.skipped == (
        ".obsidian/: hidden folder, not searched.",
        "._kept.md: hidden file, not imported.",
        "blank.md: empty, not imported.",
        "empty.md: empty, not imported.",
        'Front matter "aliases" is not imported (1 file).',
        'Front matter "mood" is not imported (2 files).',
    )


def test_a_single_file_reports_its_own_unknown_keys_and_emptiness(tmp_path: Path) -> None:
    keys = read_import(_write(tmp_path / "a.md", "---\ndate: 2026-09-01\ncoach: Sam\n---\nText"))
    empty = read_import(_write(tmp_path / "b.md", "\n\n"))

    assert keys.skipped == ('a.md: front matter "coach" is not imported.',)
    assert empty == ImportBatch(
        entries=(), format=FORMAT_MARKDOWN_FILE, skipped=("b.md: empty, not imported.",), origin=str(tmp_path / "b.md")
    )


def test_windows_line_ends_byte_order_mark_and_control_characters(tmp_path: Path) -> None:
    path = tmp_path / "2026-09-01.md"
    path.write_bytes("\ufeff---\r\ntitle: Zoë\x07\r\n---\r\n\r\nOne\x1b\r\nTwo\tcafé\r\n".encode())

    (entry,) = read_import(path).entries

    assert (entry.title, entry.body) == ("Zoë", "One\nTwo\tcafé")


def test_an_unclosed_front_matter_fence_is_a_horizontal_rule(tmp_path: Path) -> None:
    path = _write(tmp_path / "2026-09-01.md", "---\ntitle: not front matter\n")

    (entry,) = read_import(path).entries

    assert entry.title == ""
    assert entry.body == "---\ntitle: not front matter"


def test_a_non_utf8_file_in_a_folder_is_named(tmp_path: Path) -> None:
    _write(tmp_path / "2026" / "fine.md", "Text")
    (tmp_path / "2026" / "latin1.md").write_bytes(f"# Café {CANARY}\n".encode("latin-1"))

    message = _raises(tmp_path)

    assert message.startswith(f"{tmp_path / '2026' / 'latin1.md'} is not valid UTF-8 text (at byte 5)")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (f"---\ndate: next Tuesday\n---\n{CANARY}", '"date" in the front matter must look like 2026-09-01'),
        (f"---\ndate: 2026-02-30\n---\n{CANARY}", '"date" in the front matter must look like 2026-09-01'),
        (f"---\nstarred: maybe\n---\n{CANARY}", '"starred" in the front matter must be true or false'),
        (
            f"---\ndate: 2026-09-01\n{CANARY} without a colon\n---\nText",
            'line 3: front matter lines must look like "key: value"',
        ),
    ],
)
def test_front_matter_errors_name_the_file(tmp_path: Path, text: str, expected: str) -> None:
    path = _write(tmp_path / "notes" / "entry.md", text)

    message = _raises(tmp_path / "notes")

    assert message.startswith(f"{path}")
    assert expected in message


def test_a_file_name_with_an_impossible_date_is_named(tmp_path: Path) -> None:
    path = _write(tmp_path / "2026-13-01 review.md", CANARY)

    assert _raises(path) == (
        f"{path}: the name starts with 2026-13-01, which is not a real day; "
        'rename the file or give a "date" in its front matter.'
    )


def test_a_folder_without_markdown_is_refused(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    only_text = tmp_path / "text"
    _write(only_text / "notes.txt", CANARY)

    for folder in (empty, only_text):
        assert _raises(folder).startswith(f"There are no Markdown files (.md, .markdown) in {folder}.")


def test_a_file_name_with_control_characters_is_shown_safely(tmp_path: Path) -> None:
    _write(tmp_path / "evil\x1b[2J.md", "Text")
    _write(tmp_path / ".hidden\x07.md", "Text")

    batch = read_import(tmp_path)

    assert batch.entries[0].source == "evil?[2J.md"
    assert batch.skipped == (".hidden?.md: hidden file, not imported.",)


def test_imported_values_are_frozen(tmp_path: Path) -> None:
    batch = read_import(_write(tmp_path / "2026-09-01.md", "Text"))

    with pytest.raises(dataclasses.FrozenInstanceError):
        batch.entries[0].title = "changed"  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        batch.format = "other"  # type: ignore[misc]


# --- Properties ------------------------------------------------------------------------------------

_PRINTABLE = st.characters(exclude_categories=("Cc", "Cs"))
_WORDS = st.text(st.characters(categories=("Ll", "Lu", "Lo", "Nd")), min_size=1, max_size=12)
_JRNL_ENTRIES = st.lists(
    st.fixed_dictionaries(
        {
            "title": st.text(_PRINTABLE, max_size=40),
            "body": st.text(st.one_of(_PRINTABLE, st.sampled_from("\n\t")), max_size=200),
            "written_at": st.datetimes(datetime(1900, 1, 1), datetime(2100, 12, 31)),
            "tags": st.lists(st.tuples(st.sampled_from("@#+"), _WORDS), max_size=5),
        },
        optional={"starred": st.booleans(), "has_time": st.booleans()},
    ),
    max_size=20,
)


@settings(max_examples=100)
@given(_JRNL_ENTRIES)
def test_jrnl_round_trip(generated: list[dict[str, Any]]) -> None:
    exported: list[dict[str, Any]] = []
    expected: list[ImportedEntry] = []
    for number, item in enumerate(generated, start=1):
        written_at: datetime = item["written_at"].replace(second=0, microsecond=0)
        if not item.get("has_time", True):
            written_at = written_at.replace(hour=0, minute=0)
        entry: dict[str, Any] = {"title": item["title"], "body": item["body"], "date": written_at.date().isoformat()}
        if item.get("has_time", True):
            entry["time"] = written_at.strftime("%H:%M")
        if item["tags"]:
            entry["tags"] = [symbol + word for symbol, word in item["tags"]]
        if "starred" in item:
            entry["starred"] = item["starred"]
        exported.append(entry)
        if item["title"].strip() or item["body"].strip():
            tags = tuple(dict.fromkeys(word for _, word in item["tags"]))
            title = item["title"].strip()
            expected.append(
                ImportedEntry(written_at, title, item["body"], tags, item.get("starred", False), f"entry {number}")
            )
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "journal.json"
        path.write_text(json.dumps({"tags": {}, "entries": exported}), encoding="utf-8")
        batch = read_import(path)

    assert batch.entries == tuple(expected)
    assert len(batch.skipped) == len(generated) - len(expected)


@settings(max_examples=100)
@given(st.text(max_size=300))
def test_only_control_characters_are_removed(text: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "journal.json"
        path.write_text(json.dumps({"entries": [{"title": "T", "body": text, "date": "2026-09-01"}]}))
        (entry,) = read_import(path).entries

    kept = text.replace("\r\n", "\n").replace("\r", "\n")
    assert entry.body == "".join(
        char for char in kept if char in "\n\t" or not (char < "\x20" or "\x7f" <= char <= "\x9f")
    )


# --- Storing ---------------------------------------------------------------------------------------


def _digest(journal: Journal) -> dict[str, str]:
    """A hash of each of the journal's files but SQLite's `-shm`, a shared-memory index of the write-ahead
    log that every transaction touches (even one rolled back) and that holds none of the journal."""
    files = journal_files(journal.vault.path)
    return {name: hashlib.sha256(data).hexdigest() for name, data in files.items() if not name.endswith("-shm")}


def test_a_title_too_long_for_the_field_opens_the_text_and_a_short_one_stays(journal: Journal, tmp_path: Path) -> None:
    long_title = "é" * MAX_TITLE_LENGTH + " and then some."
    fitting = "e\u0301" * MAX_TITLE_LENGTH  # 400 code points written, 200 once composed as stored
    path = _write_jrnl(
        tmp_path,
        [
            {"title": long_title, "body": "Body.", "date": "2024-03-01"},
            {"title": long_title, "body": "", "date": "2024-03-02"},
            {"title": fitting, "body": "Body.", "date": "2024-03-03"},
        ],
    )

    first, second, third = import_batch(journal, read_import(path)).imported

    assert (first.title, first.text) == ("", f"{long_title}\n\nBody.")
    assert (second.title, second.text) == ("", long_title)
    assert (third.title, third.text) == ("é" * MAX_TITLE_LENGTH, "Body.")


def test_identical_entries_in_one_file_are_each_kept_once(journal: Journal, tmp_path: Path) -> None:
    same = {"title": "Same", "body": "Same.", "date": "2024-03-01", "time": "10:15"}
    path = _write_jrnl(tmp_path, [same, same, {**same, "title": "Other"}])

    assert len(import_batch(journal, read_import(path)).imported) == 3
    again = import_batch(journal, read_import(path))
    assert again.imported == ()
    assert again.skipped == (
        "2024-03-01 10:15 Same: already in the journal, not imported.",
        "2024-03-01 10:15 Same: already in the journal, not imported.",
        "2024-03-01 10:15 Other: already in the journal, not imported.",
    )


def test_an_import_that_fails_while_saving_leaves_file_and_memory_as_they_were(
    journal: Journal, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    journal.write_reflection("Already here", themes=["Old"])
    before = _digest(journal)
    path = _write_jrnl(tmp_path, [_jrnl_entry(tags=["@new"], starred=True)])

    def refuse(values: object) -> list[object]:
        raise StorageError("the disk is full")

    monkeypatch.setattr(journal, "save_many", refuse)
    with pytest.raises(StorageError):
        import_batch(journal, read_import(path))

    assert [theme.label for theme in journal.all(Theme)] == ["Old"]
    assert _digest(journal) == before
    assert [theme.label for theme in Journal(journal.vault).all(Theme)] == ["Old"]


def test_an_entry_that_cannot_be_stored_is_named_before_anything_is_saved(journal: Journal, tmp_path: Path) -> None:
    before = _digest(journal)
    path = tmp_path / "journal.json"
    # A lone surrogate, which JSON can spell (as `\ud800`) but no journal can store.
    path.write_text(json.dumps({"entries": [_jrnl_entry(tags=["@fresh"]), _jrnl_entry(body="\ud800 " + CANARY)]}))

    with pytest.raises(InvalidInput) as caught:
        import_batch(journal, read_import(path))

    message = str(caught.value)
    assert message.startswith(f"{path}, entry 2: The reflection text contains characters that cannot be stored")
    assert CANARY not in message
    assert _digest(journal) == before and journal.all(Theme) == []


# --- jrnl's Markdown export (the real jrnl's output is read in test_jrnl_round_trip.py) ----------------


_JRNL_MARKDOWN = (
    "# 2024\n\n## March\n\n"
    f"### 2024-03-01 09:30 First {CANARY}\n\nText {CANARY}\n#### A heading of the text\n \n"
    "### 2024-03-01 09:30:15 PM Second\n\n \n"
)
"""Two entries as `jrnl --export markdown` writes them (the second in jrnl's default time format, no text)."""


def test_a_jrnl_markdown_export_keeps_times_titles_and_the_texts_own_headings(tmp_path: Path) -> None:
    path = tmp_path / "journal.md"
    path.write_text(_JRNL_MARKDOWN, encoding="utf-8")

    batch = read_import(path)

    assert [(e.written_at, e.title, e.body) for e in batch.entries] == [
        (datetime(2024, 3, 1, 9, 30), f"First {CANARY}", f"Text {CANARY}\n# A heading of the text"),
        (datetime(2024, 3, 1, 21, 30, 15), "Second", ""),
    ]


_ENTRY = "### 2024-03-01 09:30 T\n\n \n"


@pytest.mark.parametrize(
    ("text", "said"),
    [
        (f"# 2024\n\n## March\n\n{_ENTRY}## April\n\nStray {CANARY}\n", "line 10: text outside any entry"),
        (f"# 2024\n\n## March\n\n{_ENTRY}### 1 March {CANARY}\n", "line 8: an entry heading"),
        ("# 2024\n\n## March\n\n### 2024-02-30 09:30 T\n\nText\n \n", "line 5: the heading's date and time"),
    ],
)
def test_a_jrnl_markdown_export_that_cannot_be_read_whole_is_refused_at_its_line(
    tmp_path: Path, text: str, said: str
) -> None:
    path = tmp_path / "journal.md"
    path.write_text(text, encoding="utf-8")
    assert said in _raises(path)


def test_a_markdown_file_not_written_by_jrnl_keeps_its_headings_as_typed(tmp_path: Path) -> None:
    # Named like jrnl's files, but its heading is not on the file's day: the user's own file, read as written.
    path = tmp_path / "2024-03-01_notes.md"
    path.write_text("# 2024-03-02 10:00 Notes\n\n## My section\n", encoding="utf-8")

    (entry,) = read_import(path).entries

    assert entry.title == "2024-03-02 10:00 Notes" and entry.body == "## My section"


def test_candours_own_markdown_export_is_refused_with_the_way_to_bring_it_back(
    tmp_path: Path, make_vault: MakeVault
) -> None:
    from journal.export.personal import render_everything

    journal = Journal(make_vault()[0])
    journal.write_reflection(f"Private {CANARY}")
    path = tmp_path / "everything.md"
    path.write_bytes(render_everything(journal, "markdown", exported_at="2026-09-01 10:00:00"))

    assert "export-all --format json" in _raises(path)
