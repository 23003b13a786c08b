"""A round trip through the real jrnl: entries written with jrnl, exported with `jrnl --export json`,
imported into a fresh Candour journal, and every one found again whole.

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
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from journal import MAX_TITLE_LENGTH, Journal, Reflection, Theme
from journal.importers import STARRED_THEME, import_batch, read_import
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


def _config(home: Path, journal_file: Path) -> dict[str, str]:
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
        f"timeformat: '{TIME_FORMAT}'\n"
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


def _expected(entry: dict[str, Any]) -> tuple[datetime, str, str, frozenset[str]]:
    """An exported jrnl entry as the import stores it (the rule in `import_batch`'s docstring), composed (NFC)."""
    title = unicodedata.normalize("NFC", entry["title"])
    body = unicodedata.normalize("NFC", entry["body"])
    if not body.strip():
        title, body = "", title
    elif len(title) > MAX_TITLE_LENGTH:
        title, body = "", f"{title}\n\n{body}"
    themes = {unicodedata.normalize("NFC", tag[1:]) for tag in entry["tags"]}
    if entry["starred"]:
        themes.add(STARRED_THEME)
    written_at = datetime.strptime(f"{entry['date']} {entry['time']}", "%Y-%m-%d %H:%M")
    return written_at, title, body, frozenset(themes)


def _stored(journal: Journal) -> Counter[tuple[datetime, str, str, frozenset[str]]]:
    labels = {theme.saved_id: theme.label for theme in journal.all(Theme)}
    return Counter(
        (reflection.written_at, reflection.title, reflection.text, frozenset(labels[i] for i in reflection.theme_ids))
        for reflection in journal.all(Reflection)
    )


@pytest.mark.timeout(60)
def test_entries_written_with_jrnl_come_back_whole(tmp_path: Path, make_vault: MakeVault) -> None:
    assert JRNL.exists(), "jrnl is missing: install the test extras"
    journal_file = tmp_path / "jrnl.txt"
    env = _config(tmp_path / "home", journal_file)
    journal_file.write_text(_plain_text_entries(320), encoding="utf-8")
    # Through jrnl's own command line: it splits the first sentence off as the title, and reads `*` as a star.
    _jrnl(env, "2025-02-01 07:45:", "Quick one. Written through jrnl with @work, 日本語 and 🎉.")
    _jrnl(env, "2025-02-01 07:45:", "Same minute, another entry *")
    _jrnl(env, "2025-02-02 21:00:", "A long first sentence " + "that keeps going " * 20 + "to its end. Then the rest.")
    export = tmp_path / "export.json"
    export.write_text(_jrnl(env, "--export", "json"), encoding="utf-8")
    exported = json.loads(export.read_text(encoding="utf-8"))["entries"]
    assert len(exported) == 323
    assert sum(len(entry["title"]) > MAX_TITLE_LENGTH for entry in exported) >= 30
    assert sum(entry["starred"] for entry in exported) >= 50 and any(entry["tags"] for entry in exported)
    same_minute_and_body = Counter((entry["date"], entry["time"], entry["body"]) for entry in exported)
    assert sum(count > 1 for count in same_minute_and_body.values()) >= 50
    assert any(unicodedata.normalize("NFC", entry["body"]) != entry["body"] for entry in exported)  # NFD came through

    vault, _ = make_vault()
    journal = Journal(vault)
    report = import_batch(journal, read_import(export))

    assert len(report.imported) == 323 and report.skipped == ()
    assert _stored(journal) == Counter(_expected(entry) for entry in exported)
    # Every word jrnl holds is in Candour, after composing accents the way the journal stores them.
    stored_text = "\n".join(reflection.title + "\n" + reflection.text for reflection in journal.all(Reflection))
    for entry in exported:
        assert unicodedata.normalize("NFC", entry["title"]) in stored_text
        assert unicodedata.normalize("NFC", entry["body"]) in stored_text

    again = import_batch(journal, read_import(export))
    assert again.imported == () and len(again.skipped) == 323
