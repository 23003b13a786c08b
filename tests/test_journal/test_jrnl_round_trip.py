"""A round trip through the real jrnl: entries written with jrnl, exported with `jrnl --export json` and
`--export markdown` (one file, and a folder of files), imported into a fresh Candour journal, and every
one found again whole.

jrnl starts in about 0.15 s, so writing each of 300 entries with its command line would take most of
a minute: a few entries go through `jrnl DATE: TEXT` (its own sentence splitting and file writing),
and the rest are written straight in jrnl's plain-text format, which jrnl itself then reads and exports.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import unicodedata
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from jrnl.plugins.text_exporter import TextExporter  # type: ignore[import-untyped]  # jrnl ships no type hints

from journal import MAX_TITLE_LENGTH, Journal, Reflection, Theme
from journal.importers import FORMAT_JRNL_MARKDOWN, FORMAT_MARKDOWN_FOLDER, STARRED_THEME, import_batch, read_import
from tests.conftest import MakeVault

JRNL = Path(sys.executable).parent / "jrnl"
"""jrnl installed beside the Python running the tests (the `test` extras pin it)."""

TIME_FORMAT = "%Y-%m-%d %H:%M"
"""How the test's jrnl writes and reads its dates."""

SAMPLES = (
    "日本語の文章も書きます。",
    "שלום, זה טקסט מימין לשמאל",
    "مرحبا، هذا نص من اليمين إلى اليسار",
    "A day with emoji 🎉👩🏽‍💻 and a flag 🇵🇹",
    unicodedata.normalize("NFD", "Zoë at the café, déjà vu in São Paulo"),
)
"""Text that must come through unchanged (NFD accents: unchanged once composed)."""

TAGS = ("@work", "#feedback", "@health", "#team")


def _config(home: Path, journal_file: Path, time_format: str = TIME_FORMAT) -> dict[str, str]:
    """The environment of a jrnl whose only journal is `journal_file`, in plain text, never opening an editor."""
    config = home / ".config" / "jrnl" / "jrnl.yaml"
    config.parent.mkdir(parents=True)
    config.write_text(
        "colors: {body: none, date: none, tags: none, title: none}\n"
        "default_hour: 9\n"
        "default_minute: 0\n"
        "editor: ''\n"
        "encrypt: false\n"
        "highlight: false\n"
        "indent_character: '|'\n"
        f"journals:\n  default:\n    journal: {json.dumps(str(journal_file))}\n"
        "linewrap: 79\n"
        "tagsymbols: '#@'\n"
        "template: false\n"
        f"timeformat: '{time_format}'\n"
        "version: v4.6\n",
        encoding="utf-8",
    )
    return {**os.environ, "HOME": str(home), "XDG_CONFIG_HOME": str(home / ".config"), "NO_COLOR": "1"}


def _jrnl(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [str(JRNL), *args], env=env, capture_output=True, text=True, timeout=30, check=False, stdin=subprocess.DEVNULL
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def _plain_text_entries(count: int) -> str:
    """`count` entries in jrnl's file format: `[date time] title` (a trailing ` *` stars it), then the body."""
    start = datetime(2024, 1, 1, 8, 0)
    blocks: list[str] = []
    for number in range(count):
        # Every fifth entry shares the minute of the one before: jrnl keeps both, and so must Candour.
        moment = start + timedelta(hours=7 * (number - (number % 5 == 1)))
        sample = SAMPLES[number % len(SAMPLES)]
        title = f"Entry {number}: {sample}"
        if number % 7 == 0:
            title = f"Entry {number}, a first sentence that runs long: " + " ".join([sample] * 12)
        star = " *" if number % 6 == 0 else ""
        tags = " ".join(TAGS[: number % (len(TAGS) + 1)])
        body = f"{sample}\n\nWhat I noticed {tags} on day {number}.\n  indented line\n\n{SAMPLES[(number + 2) % 5]}"
        if number % 11 == 0:
            body = ""  # a title alone
        if number % 5 == 1:
            body = blocks[-1].split("\n", 1)[1].strip() if number else body  # same minute, same body, own title
        blocks.append(f"[{moment.strftime(TIME_FORMAT)}] {title}{star}\n{body}\n")
    return "\n".join(blocks)


def _expected(entry: dict[str, Any], *, markdown: bool = False) -> tuple[datetime, str, str, frozenset[str]]:
    """An exported jrnl entry as the import stores it (the rule in `import_batch`'s docstring), composed (NFC).

    jrnl's Markdown export has no stars: read from it, no entry carries the theme for them.
    """
    title = unicodedata.normalize("NFC", entry["title"])
    body = unicodedata.normalize("NFC", entry["body"])
    if not body.strip():
        title, body = "", title
    elif len(title) > MAX_TITLE_LENGTH:
        title, body = "", f"{title}\n\n{body}"
    themes = {unicodedata.normalize("NFC", tag[1:]) for tag in entry["tags"]}
    if entry["starred"] and not markdown:
        themes.add(STARRED_THEME)
    written_at = datetime.strptime(f"{entry['date']} {entry['time']}", "%Y-%m-%d %H:%M")
    return written_at, title, body, frozenset(themes)


def _title_in_jrnl_file(title: str, day: str) -> str:
    """The title as jrnl's own folder export writes it: jrnl halves a title until its file name fits the file
    system (255 bytes), and writes the shortened title into the file too. Those words are lost by jrnl."""
    while len(os.fsencode(f"{day}_{TextExporter._slugify(title)}.md")) > 255 and len(title) > 1:
        title = title[: len(title) // 2]
    return title.rstrip()  # a title cut after a space: the space ends the heading line, where it is not kept


def _stored(journal: Journal) -> Counter[tuple[datetime, str, str, frozenset[str]]]:
    labels = {theme.saved_id: theme.label for theme in journal.all(Theme)}
    return Counter(
        (reflection.written_at, reflection.title, reflection.text, frozenset(labels[i] for i in reflection.theme_ids))
        for reflection in journal.all(Reflection)
    )


@dataclass(frozen=True)
class Exports:
    """One jrnl journal of 323 entries, exported by jrnl itself in each of its formats Candour reads."""

    json_file: Path
    markdown_file: Path
    markdown_folder: Path
    entries: list[dict[str, Any]]
    """The entries as jrnl's JSON export holds them: the truth every import is compared with."""


@pytest.fixture(scope="module")
def exports(tmp_path_factory: pytest.TempPathFactory) -> Exports:
    assert JRNL.exists(), "jrnl is missing: install the test extras"
    tmp_path = tmp_path_factory.mktemp("jrnl")
    journal_file = tmp_path / "jrnl.txt"
    env = _config(tmp_path / "home", journal_file)
    journal_file.write_text(_plain_text_entries(320), encoding="utf-8")
    # Through jrnl's own command line: it splits the first sentence off as the title, and reads `*` as a star.
    _jrnl(env, "2025-02-01 07:45:", "Quick one. Written through jrnl with @work, 日本語 and 🎉.")
    _jrnl(env, "2025-02-01 07:45:", "Same minute, another entry *")
    _jrnl(env, "2025-02-02 21:00:", "A long first sentence " + "that keeps going " * 20 + "to its end. Then the rest.")
    # Headings in the text, which jrnl's Markdown export moves down a level (or three) and the import moves back.
    _jrnl(env, "2025-03-04 18:05:", "Headings inside. # Not a heading\n\n# What shifted\n\n## Detail #team\n\n#tag")
    json_file = tmp_path / "export.json"
    json_file.write_text(_jrnl(env, "--export", "json"), encoding="utf-8")
    markdown_file = tmp_path / "export.md"
    markdown_file.write_text(_jrnl(env, "--export", "markdown"), encoding="utf-8")
    markdown_folder = tmp_path / "markdown"
    markdown_folder.mkdir()
    _jrnl(env, "--export", "markdown", "--file", str(markdown_folder))
    entries = json.loads(json_file.read_text(encoding="utf-8"))["entries"]
    return Exports(json_file, markdown_file, markdown_folder, entries)


@pytest.mark.timeout(60)
def test_entries_written_with_jrnl_come_back_whole(exports: Exports, make_vault: MakeVault) -> None:
    exported = exports.entries
    assert len(exported) == 324
    assert sum(len(entry["title"]) > MAX_TITLE_LENGTH for entry in exported) >= 30
    assert sum(entry["starred"] for entry in exported) >= 50 and any(entry["tags"] for entry in exported)
    same_minute_and_body = Counter((entry["date"], entry["time"], entry["body"]) for entry in exported)
    assert sum(count > 1 for count in same_minute_and_body.values()) >= 50
    assert any(unicodedata.normalize("NFC", entry["body"]) != entry["body"] for entry in exported)  # NFD came through

    vault, _ = make_vault()
    journal = Journal(vault)
    report = import_batch(journal, read_import(exports.json_file))

    assert len(report.imported) == 324 and report.skipped == ()
    assert _stored(journal) == Counter(_expected(entry) for entry in exported)
    # Every word jrnl holds is in Candour, after composing accents the way the journal stores them.
    stored_text = "\n".join(reflection.title + "\n" + reflection.text for reflection in journal.all(Reflection))
    for entry in exported:
        assert unicodedata.normalize("NFC", entry["title"]) in stored_text
        assert unicodedata.normalize("NFC", entry["body"]) in stored_text

    again = import_batch(journal, read_import(exports.json_file))
    assert again.imported == () and len(again.skipped) == 324


@pytest.mark.timeout(60)
def test_a_journal_exported_by_jrnl_as_one_markdown_file_comes_back_whole(
    exports: Exports, make_vault: MakeVault
) -> None:
    batch = read_import(exports.markdown_file)
    assert batch.format == FORMAT_JRNL_MARKDOWN and batch.notes  # it says the stars are not in the file

    journal = Journal(make_vault()[0])
    report = import_batch(journal, batch)

    assert len(report.imported) == 324 and report.skipped == ()
    # Exact times (not midnight), titles that do not begin with the date, text with its headings as typed,
    # tags from the words of the text.
    assert _stored(journal) == Counter(_expected(entry, markdown=True) for entry in exports.entries)
    headings = next(r for r in journal.all(Reflection) if r.title.startswith("Headings inside"))
    assert headings.text.startswith("# What shifted\n") and "\n## Detail #team\n" in headings.text
    assert import_batch(journal, read_import(exports.markdown_file)).imported == ()


@pytest.mark.timeout(60)
def test_a_journal_exported_by_jrnl_as_a_folder_of_markdown_files_comes_back_whole(
    exports: Exports, make_vault: MakeVault
) -> None:
    batch = read_import(exports.markdown_folder)
    assert batch.format == FORMAT_MARKDOWN_FOLDER

    journal = Journal(make_vault()[0])
    report = import_batch(journal, batch)

    assert len(report.imported) == 324 and report.skipped == ()
    expected = (
        _expected({**entry, "title": _title_in_jrnl_file(entry["title"], entry["date"])}, markdown=True)
        for entry in exports.entries
    )
    assert _stored(journal) == Counter(expected)


@pytest.mark.timeout(60)
def test_jrnl_markdown_in_its_default_twelve_hour_time_format_keeps_the_times(
    tmp_path: Path, make_vault: MakeVault
) -> None:
    journal_file = tmp_path / "jrnl.txt"
    env = _config(tmp_path / "home", journal_file, time_format="%F %r")  # jrnl's default: 2024-03-01 09:30:00 PM
    moments = ("2025-05-01 00:10", "2025-05-01 12:05", "2025-05-01 23:59", "2025-05-02 09:30")
    for number, moment in enumerate(moments):
        _jrnl(env, f"{moment}:", f"Entry {number} at {moment}. With @work.")
    folder = tmp_path / "markdown"
    folder.mkdir()
    _jrnl(env, "--export", "markdown", "--file", str(folder))
    single = tmp_path / "export.md"
    single.write_text(_jrnl(env, "--export", "markdown"), encoding="utf-8")

    for source in (single, folder):
        journal = Journal(make_vault(tmp_path / f"{source.name}.candour")[0])
        import_batch(journal, read_import(source))
        stored = sorted(journal.all(Reflection), key=lambda reflection: reflection.written_at)
        assert [reflection.written_at for reflection in stored] == [datetime.fromisoformat(m) for m in moments]
        assert [reflection.title for reflection in stored] == [f"Entry {n} at {m}." for n, m in enumerate(moments)]
        assert {theme.label for theme in journal.all(Theme)} == {"work"}
