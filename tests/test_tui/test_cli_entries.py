"""The journal commands of `candour` end to end, each in a subprocess with the cheap key derivation."""

from __future__ import annotations

import json
import os
import re
import sqlite3
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest

from journal import Engagement, Goal, Journal, Person, Reflection, Theme
from journal.errors import DamagedJournal, JournalBusy, JournalNotFound, RecordNotFound, WrongPassphrase
from tests.conftest import CHEAP_LIMITS, PASSPHRASE, journal_files, unlock
from tests.core_dumps import allow_core_dumps, core_size_limit, require_core_dumps_allowable
from tui.exit_codes import exit_code_for

ROOT = Path(__file__).resolve().parents[2]


class Candour:
    """Runs `candour` (cheap KDF) against one journal, with the passphrase in the environment."""

    def __init__(self, journal: Path) -> None:
        self.journal = journal

    def __call__(
        self, *args: str, stdin: str = "", env: dict[str, str] | None = None, ok: bool = True
    ) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(
            [sys.executable, "-m", "tests.cheap_cli", "--journal", str(self.journal), *args],
            cwd=ROOT,
            input=stdin,
            capture_output=True,
            text=True,
            env={**os.environ, "CANDOUR_PASSPHRASE": PASSPHRASE, **(env or {})},
            timeout=60,
            check=False,
        )
        assert "Traceback" not in result.stderr, result.stderr
        if ok:
            assert result.returncode == 0, (args, result.stdout, result.stderr)
        return result

    def new_id(self, *args: str, stdin: str = "") -> str:
        """Run a creating command and return the short id it printed."""
        output = self(*args, stdin=stdin).stdout
        found = re.search(r"\b([0-9a-f]{8})\b", output)
        assert found, output
        return found.group(1)


@pytest.fixture
def candour(journal_path: Path) -> Candour:
    run = Candour(journal_path)
    run("init")
    run("new", "engagement", "Leadership 2026", "--coach", "Ana Ruiz", "--sponsor", "Acme", "--start", "2026-09-01")
    return run


def test_a_coachee_records_a_session_and_finds_it_again(candour: Candour) -> None:
    candour("new", "session", "--date", "2026-09-10", "--agenda", "Delegation")
    reflection = (
        "## What did I explore?\nWhy I hold on to work at the café meeting.\n\n"
        "## What will I do differently?\nAsk @Sam for feedback.\n\n"
        "## What do I want to bring next time?\nThe tension with @Zoë"
    )
    saved = candour("add", reflection, "--session", "1", "--theme", "Delegation", "--mood", "4")
    assert "session 1" in saved.stdout

    listed = candour("list").stdout
    assert "Why I hold on to work" in listed

    found = candour("search", "CAFE").stdout
    assert "café" in found
    # A phrase: quoted in the shell, or typed with its quotes inside one argument, beside other words.
    assert "reflection" in candour("search", "hold on to work").stdout
    assert "reflection" in candour("search", '"hold on to work" cafe').stdout
    assert "Nothing matches" in candour("search", '"hold to work on"').stderr
    unknown_kind = candour("search", "cafe", "--kind", "banana", ok=False)
    assert unknown_kind.returncode == 2 and "banana" in unknown_kind.stderr
    assert candour("search", "zoe", "--person", "Zoë").stdout.count("reflection") == 1
    assert "reflection" in candour("search", "feedback", "--theme", "delegation").stdout
    assert "Nothing matches" in candour("search", "feedback", "--date", "last year").stderr

    short = listed.split()[0]
    shown = candour("show", short).stdout
    assert "Themes: Delegation" in shown and "People: Sam, Zoë" in shown and "Mood 4/5" in shown

    prep = candour("prep").stdout
    assert "Ask @Sam for feedback." in prep and "The tension with @Zoë" in prep


def test_text_can_come_from_standard_input_after_the_passphrase(candour: Candour) -> None:
    candour("--passphrase-file", "-", "add", "--date", "yesterday", stdin=f"{PASSPHRASE}\nFirst line\nsecond line\n")
    listed = candour("list").stdout
    assert "First line" in listed
    shown = candour("show", listed.split()[0]).stdout
    assert "First line\nsecond line" in shown


def test_a_running_command_cannot_dump_core(candour: Candour) -> None:
    require_core_dumps_allowable()
    terminal, typing_side = os.openpty()  # `candour add` asks for the text only when it comes from a terminal
    adding = subprocess.Popen(
        [sys.executable, "-m", "tests.cheap_cli", "--journal", str(candour.journal), "add"],
        cwd=ROOT,
        stdin=typing_side,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "CANDOUR_PASSPHRASE": PASSPHRASE},
        preexec_fn=allow_core_dumps,  # so only the command can be what forbids core dumps
    )
    os.close(typing_side)
    try:
        assert adding.stderr is not None
        asked = adding.stderr.readline()
        assert asked.startswith("Type the reflection"), asked  # unlocked, the keys in memory, waiting for text
        assert core_size_limit(adding.pid) == ("0", "0")
        os.write(terminal, b"Written by a process that cannot dump core\n\x04")  # then Ctrl-D
        stdout, stderr = adding.communicate(timeout=60)
    finally:
        os.close(terminal)
        if adding.poll() is None:
            adding.kill()
            adding.wait(60)
    assert adding.returncode == 0 and "Saved reflection" in stdout, stderr
    assert "Written by a process that cannot dump core" in candour("list").stdout


def test_goals_ratings_and_actions(candour: Candour) -> None:
    goal = candour.new_id("new", "goal", "Delegate more", "--sponsor-wording", "Empowering the team")
    candour("rate", "delegate", "3", "--note", "slow start")
    candour("rate", goal, "6")
    rated = candour("rate", "Delegate more", "7", "--for-sponsor", "Steady progress")
    assert "3 → 6 → 7" in rated.stdout
    assert re.search(r"active\s+7/10\s+\S{3}\s+Delegate more", candour("goals").stdout)

    candour("new", "action", "Book one-to-ones", "--due", "2026-01-05", "--goal", goal)
    assert "OVERDUE" in candour("prep").stdout
    candour("done", "one-to-ones")
    assert "Book one-to-ones" not in candour("prep").stdout
    assert candour("rate", goal, "11", ok=False).returncode == 2


def test_a_due_weekday_is_the_coming_one_never_one_already_gone(candour: Candour) -> None:
    # Two days on: still ahead should the day change while the command runs.
    ahead = date.today() + timedelta(days=2)
    candour("new", "action", "Book the one-to-ones", "--due", f"{ahead:%A}".lower())
    listed = candour("actions").stdout
    assert "OVERDUE" not in listed and f"due {ahead.isoformat()}" in listed


def test_an_engagement_has_a_label_for_the_sponsor_and_a_goal_a_target(candour: Candour) -> None:
    candour("new", "engagement", "Exit plan with Ana", "--sponsor", "Acme", "--sponsor-label", "Leadership development")
    candour("new", "goal", "Find a new role", "--target-rating", "8", "--engagement", "Exit plan")
    assert candour("new", "goal", "Too far", "--target-rating", "11", ok=False).returncode == 2
    with Journal.open(candour.journal, PASSPHRASE, limits=CHEAP_LIMITS) as journal:
        engagement = next(engagement for engagement in journal.all(Engagement) if engagement.title.startswith("Exit"))
        (goal,) = journal.all(Goal)
    assert engagement.sponsor_label == "Leadership development"
    assert goal.target_rating == 8 and goal.engagement_id == engagement.record_id


def test_edits_can_be_undone_and_deletes_restored(candour: Candour) -> None:
    theme = candour.new_id("new", "theme", "Conflict")
    full_id = candour("show", theme).stdout.split("id ")[-1].strip()
    assert candour("list", "--deleted").stdout == "Nothing is deleted: there is nothing to restore.\n"
    candour("delete", theme)
    assert "Conflict" not in candour("themes").stdout
    assert re.fullmatch(rf"{theme}\S*\s+theme\s+Conflict\n", candour("list", "--deleted").stdout)
    assert "Restored theme" in candour("restore", theme).stdout  # the short id printed is enough
    candour("delete", theme)
    assert "Restored theme" in candour("restore", full_id).stdout
    assert "was not deleted: nothing to restore" in candour("restore", full_id).stdout
    assert "Conflict" in candour("themes").stdout
    assert "revision 2: deleted\nrevision 3: Conflict" in candour("history", theme).stdout
    candour("revert", theme, "1")
    candour("purge", full_id, "--yes")
    assert candour("show", theme, ok=False).returncode == 6


def test_jrnl_export_imports_in_one_go_and_only_once(candour: Candour, tmp_path: Path) -> None:
    export = tmp_path / "export.json"
    entries = [
        {
            "title": f"Day {n}",
            "body": f"Entry {n} about @work and Zoë",
            "date": "2026-08-01",
            "time": "09:00",
            "tags": ["@work"],
            "starred": False,
        }
        for n in range(300)
    ]
    export.write_text(json.dumps({"tags": {"@work": 300}, "entries": entries}), encoding="utf-8")
    entries[0]["starred"] = True
    export.write_text(json.dumps({"tags": {"@work": 300}, "entries": entries}), encoding="utf-8")
    imported = candour("import", str(export))
    assert "Imported 300 entries" in imported.stdout and "1 starred: Candour has no stars" in imported.stdout
    assert "Imported 0 entries" in candour("import", str(export)).stdout
    assert "300" in candour("themes").stdout
    assert candour("search", "zoe", "--limit", "1000").stdout.count("reflection") == 300

    bad = tmp_path / "bad.json"
    bad.write_text('{"entries": [{"title": "x", "body": "private words", "date": "yesterday"}]}', encoding="utf-8")
    refused = candour("import", str(bad), ok=False)
    assert refused.returncode == 2 and "entry 1" in refused.stderr and "private words" not in refused.stderr


def test_backup_is_a_consistent_encrypted_copy(candour: Candour, tmp_path: Path) -> None:
    candour("add", "Something worth keeping")
    copy = tmp_path / "copies" / "backup.candour"
    candour("backup", str(copy))
    assert copy.stat().st_mode & 0o777 == 0o600
    assert b"Something worth keeping" not in copy.read_bytes()
    assert "intact" in Candour(copy)("verify").stdout
    assert "Something worth keeping" in Candour(copy)("list").stdout
    assert candour("backup", str(copy), ok=False).returncode == 2  # never overwrites


HOLD_OPEN = """
import sys, pathlib
from tests.conftest import unlock
vault = unlock(pathlib.Path(sys.argv[1]))
print("open", flush=True)
sys.stdin.read()
"""
"""A second program that keeps the journal open until its standard input closes."""


def test_failures_have_distinct_exit_codes_and_no_traceback(candour: Candour, tmp_path: Path) -> None:
    wrong = candour("list", env={"CANDOUR_PASSPHRASE": "not the passphrase at all"}, ok=False)
    assert wrong.returncode == exit_code_for(WrongPassphrase) and "Wrong passphrase" in wrong.stderr

    missing = Candour(tmp_path / "none.candour")("list", ok=False)
    assert missing.returncode == exit_code_for(JournalNotFound)

    bad_date = candour("add", "text", "--date", "the day after never", ok=False)
    assert bad_date.returncode == 2 and "Cannot read" in bad_date.stderr

    no_session = candour("add", "text", "--session", "9", ok=False)
    assert no_session.returncode == exit_code_for(RecordNotFound) and "no session 9" in no_session.stderr

    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_OPEN, str(candour.journal)],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "open"
        busy = candour("list", ok=False)
        assert busy.returncode == exit_code_for(JournalBusy) and "already open" in busy.stderr
    finally:
        holder.communicate("")

    with sqlite3.connect(candour.journal) as connection:
        connection.execute("UPDATE index_root SET envelope = zeroblob(length(envelope))")
    connection.close()
    damaged = candour("list", ok=False)
    assert damaged.returncode == exit_code_for(DamagedJournal)


def test_nothing_typed_reaches_the_disk_in_clear(candour: Candour, journal_path: Path) -> None:
    canary = "Zebracanary"
    candour("new", "session", "--agenda", f"{canary} agenda")
    goal = candour.new_id(
        "new", "goal", f"{canary} goal", "--sponsor-wording", f"{canary} wording", "--criteria", f"{canary} criteria"
    )
    candour("rate", goal, "5", "--note", f"{canary} note", "--for-sponsor", f"{canary} statement")
    candour("new", "action", f"{canary} action", "--goal", goal)
    candour("new", "person", f"{canary} Person", "--alias", f"{canary}Alias")
    candour("add", f"{canary} text with @{canary}Friend", "--theme", f"{canary} theme", "--title", f"{canary} title")
    candour("new", "template", f"{canary} template", f"{canary} prompt?")
    assert canary in candour("search", canary.lower(), "--limit", "100").stdout
    for name, content in journal_files(journal_path).items():
        assert canary.encode() not in content, name
        assert canary.lower().encode() not in content, name


def test_journal_commands_do_not_load_the_ui_framework(candour: Candour) -> None:
    # Nor what only a few commands need: each module costs every command its start-up time.
    rarely_needed = {"textual", "rich", "zxcvbn", "journal.importers", "journal.demo", "journal.export"}
    probe = (
        "import sys\n"
        "from tests.cheap_cli import main, KdfSettings, CHEAP_KDF, CHEAP_LIMITS\n"
        "for args in (['list'], ['add', 'quick note'], ['search', 'note'], ['prep']):\n"
        "    try:\n"
        f"        main(['--journal', {str(candour.journal)!r}, *args], kdf=KdfSettings(CHEAP_KDF, CHEAP_LIMITS))\n"
        "    except SystemExit as exit:\n"
        "        assert not exit.code, exit.code\n"
        f"loaded = [m for m in {sorted(rarely_needed)!r} if any(n == m or n.startswith(m + '.') for n in sys.modules)]"
        "\n"
        "print(loaded)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "CANDOUR_PASSPHRASE": PASSPHRASE},
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith("[]"), result.stdout


def test_a_limit_below_one_is_refused_with_a_usage_error(candour: Candour) -> None:
    refused = candour("list", "-n", "0", ok=False)
    assert refused.returncode == 2
    assert "0 is not in the range x>=1" in refused.stderr


def _export(path: Path, entries: object) -> Path:
    path.write_text(json.dumps({"tags": {}, "entries": entries}, ensure_ascii=False), encoding="utf-8")
    return path


def test_a_long_jrnl_title_is_kept_whole_as_the_first_paragraph(candour: Candour, tmp_path: Path) -> None:
    title = "A first sentence that goes on " + "and on " * 40 + "until it ends."
    export = _export(tmp_path / "long.json", [{"title": title, "body": "The rest.", "date": "2024-03-01"}])
    candour("import", str(export))
    shown = candour("show", candour("list").stdout.split()[0]).stdout
    assert f"{title}\n\nThe rest." in shown and "…" not in shown


def test_same_minute_entries_with_other_titles_are_not_duplicates(candour: Candour, tmp_path: Path) -> None:
    same = {"body": "Same words, café.", "date": "2024-03-01", "time": "10:15"}
    export = _export(tmp_path / "same.json", [{**same, "title": "Morning"}, {**same, "title": "Evening"}])
    assert "Imported 2 entries" in candour("import", str(export)).stdout
    again = candour("import", str(export))
    assert "Imported 0 entries" in again.stdout
    assert "2024-03-01 10:15 Morning: already in the journal" in again.stderr
    assert "2024-03-01 10:15 Evening: already in the journal" in again.stderr
    # NFD accents compare as the NFC the journal stores: still the same entry.
    nfd = _export(tmp_path / "nfd.json", [{**same, "title": "Morning", "body": "Same words, cafe\u0301."}])
    assert "Imported 0 entries" in candour("import", str(nfd)).stdout


def test_a_refused_import_names_the_entry_and_leaves_the_file_untouched(candour: Candour, tmp_path: Path) -> None:
    entries = [
        {"title": "Fine", "body": "private words", "date": "2024-03-01", "tags": ["@brandnew"]},
        {"title": "Bad", "body": "private words", "date": "2024-03-02", "tags": ["@" + "x" * 300]},
    ]
    export = _export(tmp_path / "refused.json", entries)
    before = journal_files(candour.journal)
    refused = candour("import", str(export), ok=False)
    assert refused.returncode == 2
    assert f"{export}, entry 2" in refused.stderr and "theme label" in refused.stderr
    assert "private words" not in refused.stderr and "xxxx" not in refused.stderr
    assert journal_files(candour.journal) == before
    assert "brandnew" not in candour("themes").stdout


def test_empty_and_starred_entries_are_reported(candour: Candour, tmp_path: Path) -> None:
    entries = [
        {"title": "Shining", "body": "A good day.", "date": "2024-03-01", "time": "08:00", "starred": True},
        {"title": "", "body": " ", "date": "2024-03-02", "time": "09:30"},
    ]
    imported = candour("import", str(_export(tmp_path / "stars.json", entries)))
    assert "Imported 1 entry" in imported.stdout
    assert "2024-03-02 09:30 (no title): no title and no text" in imported.stderr
    assert 'theme "Starred"' in imported.stdout
    assert "Themes: Starred" in candour("show", candour("list").stdout.split()[0]).stdout


@pytest.mark.parametrize(
    "content",
    [
        "[2024-01-05 09:30] Title. body\n\n[2024-01-06 10:00] Another *\nMore.\n",
        "[2024-01-05 09:30:00 AM] Title.\nbody\n",
        "gAAAAABlx2Vv1f6Xk3vYx0u3o0Zt4mW2sFQ==",
    ],
)
def test_a_jrnl_journal_file_points_to_its_json_export(candour: Candour, tmp_path: Path, content: str) -> None:
    journal_file = tmp_path / "journal.txt"
    journal_file.write_text(content, encoding="utf-8")
    refused = candour("import", str(journal_file), ok=False)
    assert refused.returncode == 2 and "jrnl journal" in refused.stderr and "jrnl --export json" in refused.stderr
    assert "not valid JSON" not in refused.stderr and "Title" not in refused.stderr


def test_a_journal_exported_whole_imports_into_a_new_one(candour: Candour, tmp_path: Path) -> None:
    candour("add", "Talked with @Sam about the contract", "--theme", "Delegation")
    candour("new", "goal", "Delegate the hiring panel")
    export = tmp_path / "everything.json"
    candour("export-all", str(export), "--format", "json", "--yes")
    other = Candour(tmp_path / "other" / "journal.candour")
    other("init")

    imported = other("import", str(export))

    assert imported.stdout.startswith("Imported ") and "from a Candour export" in imported.stdout
    assert "1 reflection" in imported.stdout and "1 engagement" in imported.stdout
    assert "Talked with @Sam" in other("search", "contract").stdout
    again = other("import", str(export))
    assert "Imported 0 records" in again.stdout and "Already in the journal" in again.stdout
    markdown = tmp_path / "everything.md"
    candour("export-all", str(markdown), "--yes")
    refused = other("import", str(markdown), ok=False)
    assert refused.returncode == 2 and "--format json" in refused.stderr


def _purge_beneath_the_journal(path: Path, *record_ids: str) -> None:
    """Erase records straight from the vault, below `Journal.delete`'s refusal to leave a link dangling, as an
    older version of Candour could have (the technique of test_lossless's dangling-link test)."""
    with unlock(path) as vault:
        for record_id in record_ids:
            vault.purge(record_id)


def _linked_ids(path: Path) -> tuple[str, str | None, str, str]:
    """The ids of the only reflection, and of the session (if any), theme and person it links to."""
    with unlock(path) as vault:
        journal = Journal(vault)
        [reflection] = journal.all(Reflection)
        [theme], [person] = journal.all(Theme), journal.all(Person)
        assert reflection.theme_ids == (theme.saved_id,) and reflection.person_ids == (person.saved_id,)
        return reflection.saved_id, reflection.session_id, theme.saved_id, person.saved_id


def test_show_prints_a_reflection_whose_linked_records_are_gone_with_a_note_for_each(candour: Candour) -> None:
    candour("new", "session", "--date", "2026-09-10", "--agenda", "Delegation")
    candour("add", "Why I hold on to work, said to @Dee", "--session", "1", "--theme", "Conflict")
    reflection, session, theme, person = _linked_ids(candour.journal)
    assert session is not None
    _purge_beneath_the_journal(candour.journal, theme)

    shown = candour("show", reflection[:8])

    assert shown.returncode == 0 and "Why I hold on to work, said to @Dee" in shown.stdout
    assert f"Themes: (missing theme {theme[:8]})" in shown.stdout
    assert "People: Dee" in shown.stdout and "Session 1" in shown.stdout  # the links still there still show
    assert f"id {reflection}" in shown.stdout

    _purge_beneath_the_journal(candour.journal, person, session)
    shown = candour("show", reflection[:8])
    assert "Why I hold on to work, said to @Dee" in shown.stdout
    for kind, missing in (("session", session), ("theme", theme), ("person", person)):
        assert f"(missing {kind} {missing[:8]})" in shown.stdout, shown.stdout


def test_verify_reports_a_dangling_link_and_exits_4(candour: Candour) -> None:
    candour("add", "About @Dee", "--theme", "Conflict")
    assert "Journal intact" in candour("verify").stdout
    reflection, _, theme, _ = _linked_ids(candour.journal)
    _purge_beneath_the_journal(candour.journal, theme)

    verified = candour("verify", ok=False)

    assert verified.returncode == 4, (verified.stdout, verified.stderr)
    assert "Journal intact" not in verified.stdout
    assert f"reflection {reflection[:8]} links to theme {theme[:8]}, which is gone." in verified.stderr


def test_a_reader_that_leaves_early_is_no_failure(candour: Candour) -> None:
    """`candour show ID | head -1`: the output is larger than a pipe holds, so the write meets the closed pipe."""
    saved = candour.new_id("add", "A long reflection. " * 5000)  # about 95 KB: more than a pipe holds
    reading = subprocess.Popen(
        [sys.executable, "-m", "tests.cheap_cli", "--journal", str(candour.journal), "show", saved],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "CANDOUR_PASSPHRASE": PASSPHRASE},
    )
    assert reading.stdout is not None and reading.stderr is not None
    assert reading.stdout.read(10)  # as `head` does: a little, then gone
    reading.stdout.close()
    stderr = reading.stderr.read().decode()
    assert reading.wait(60) == 0 and stderr == ""


def test_version_and_no_app_without_a_terminal(candour: Candour) -> None:
    from importlib.metadata import version

    assert candour("--version").stdout == f"candour {version('candour')}\n"
    bare = candour(ok=False)  # standard input and output are pipes here: no app could be used
    assert bare.returncode == 2 and "Commands:" in bare.stdout and "export" in bare.stdout
    assert "needs a terminal" in bare.stderr


def test_several_records_are_shown_with_one_unlock(candour: Candour) -> None:
    first = candour.new_id("add", "First reflection of the week")
    second = candour.new_id("add", "Second reflection, about @Sam")
    shown = candour("show", first, second).stdout
    assert shown.index("First reflection") < shown.index("\n---\n") < shown.index("Second reflection")
    assert shown.count("\nid ") == 2
    missing = candour("show", first, "ffffffff", ok=False)
    assert missing.returncode == 6 and missing.stdout == ""  # every id is checked before anything is printed
    both = candour("show", first, second, "--revision", "1", ok=False)
    assert both.returncode == 2 and "give one id" in both.stderr


def test_hashtags_in_added_text_name_themes_as_in_jrnl(candour: Candour) -> None:
    text = "## What did I explore?\nThe #Delegation habit, #work_life balance and #delegation; C# and #1 are not tags."
    candour("add", text, "--theme", "Delegation")
    with Journal.open(candour.journal, PASSPHRASE, limits=CHEAP_LIMITS) as journal:
        (reflection,) = journal.all(Reflection)
        labels = sorted(journal.get(Theme, theme_id).label for theme_id in reflection.theme_ids)
        assert reflection.text == text  # the words stay as typed
    assert labels == ["Delegation", "work life"]


def test_a_back_dated_entry_keeps_the_time_given(candour: Candour) -> None:
    candour("add", "After the session", "--date", "2026-09-10 14:30")
    candour("add", "Before the board", "--date", "10 September 2026 at 8am")
    listed = candour("list").stdout
    assert "2026-09-10 14:30  After the session" in listed and "2026-09-10 08:00  Before the board" in listed
    refused = candour("add", "Never saved", "--date", "yesterday 25:00", ok=False)
    assert refused.returncode == 2 and "no such time of day" in refused.stderr


def test_edit_saves_a_new_revision_and_never_blanks_the_words(candour: Candour) -> None:
    saved = candour.new_id("add", "First draft of the reflection", "--mood", "2")
    edited = candour("edit", saved, stdin="Rewritten after talking to @Priya\n")
    assert "as revision 2" in edited.stdout
    candour("edit", saved, "--set", "mood=4", "--set", "title=After the board")  # no text comes: kept
    candour("edit", saved, "--set", "energy=3", stdin="   \n")  # blank text is no text: kept
    with Journal.open(candour.journal, PASSPHRASE, limits=CHEAP_LIMITS) as journal:
        (reflection,) = journal.all(Reflection)
        assert reflection.text == "Rewritten after talking to @Priya\n"
        assert (reflection.mood, reflection.energy, reflection.title) == (4, 3, "After the board")
        assert [person.name for person in journal.all(Person)] == ["Priya"]
        assert reflection.person_ids == (journal.all(Person)[0].saved_id,)
        saved_id = reflection.saved_id
        assert [old.text for _, old in journal.history(saved_id) if isinstance(old, Reflection)] == [
            "First draft of the reflection",
            "Rewritten after talking to @Priya\n",
            "Rewritten after talking to @Priya\n",
            "Rewritten after talking to @Priya\n",
        ]
    assert "revision 1: First draft" in candour("history", saved_id[:8]).stdout

    goal = candour.new_id("new", "goal", "Delegate more")
    candour("edit", goal, "--set", "status=achieved", "--set", "target-rating=8")
    action = candour.new_id("new", "action", "Book the one-to-ones")
    ahead = date.today() + timedelta(days=2)
    candour("edit", action, "--set", f"due_on={ahead:%A}")
    assert f"due {ahead.isoformat()}" in candour("actions").stdout
    with Journal.open(candour.journal, PASSPHRASE, limits=CHEAP_LIMITS) as journal:
        (saved_goal,) = journal.all(Goal)
        assert (saved_goal.status.value, saved_goal.target_rating) == ("achieved", 8)

    for args, said in [
        (("--set", "colour=blue"), "no field 'colour'"),
        (("--set", "mood=9"), "mood"),
        (("--set", "mood"), "FIELD=VALUE"),
        ((), "Nothing to change"),
        (("--set", "session_id=abcd"), "no field 'session_id'"),  # links are managed where they are made
    ]:
        refused = candour("edit", saved, *args, ok=False)
        assert refused.returncode == 2 and said in refused.stderr, (args, refused.stderr)


def test_theme_filters_combine(candour: Candour) -> None:
    candour("add", "Only delegation", "--theme", "Delegation")
    candour("add", "Only presence", "--theme", "Presence")
    candour("add", "Both of them", "--theme", "Delegation", "--theme", "Presence")
    candour("add", "Neither")

    def listed(*filters: str) -> list[str]:
        return sorted(line.split("  ")[-1].strip() for line in candour("list", *filters).stdout.splitlines())

    assert listed("--theme", "Delegation", "--theme", "Presence") == ["Both of them"]
    assert listed("--any-theme", "Delegation", "--any-theme", "Presence") == [
        "Both of them",
        "Only delegation",
        "Only presence",
    ]
    assert listed("--theme", "Delegation", "--not-theme", "Presence") == ["Only delegation"]
    found = candour("search", "only", "--not-theme", "Delegation").stdout
    assert "Only presence" in found and "Only delegation" not in found


def test_search_understands_or_and_minus(candour: Candour) -> None:
    candour("add", "Delegation and the budget")
    candour("add", "Trust and the budget, and my salary")
    candour("add", "Presence in the room")

    def found(*words: str) -> list[str]:
        lines = candour("search", *words, ok=False).stdout.splitlines()
        return sorted(line.split("  ")[-1].strip() for line in lines if not line.startswith(" "))

    assert found("delegation", "OR", "trust") == ["Delegation and the budget", "Trust and the budget, and my salary"]
    assert found("budget", "-salary") == ["Delegation and the budget"]
    # OR joins the terms beside it: (budget or presence), without "my salary".
    assert found("budget", '-"my salary"', "OR", "presence") == ["Delegation and the budget", "Presence in the room"]
    assert found("--kind", "reflection", "--", "-budget") == ["Presence in the room"]


def test_quarters_filter_lists_and_searches(candour: Candour) -> None:
    candour("add", "In the third quarter", "--date", "2026-08-10")
    candour("add", "In the fourth quarter", "--date", "2026-11-10")
    listed = candour("list", "--date", "Q3 2026").stdout
    assert "In the third quarter" in listed and "fourth" not in listed
    assert "In the fourth quarter" in candour("search", "quarter", "--date", "2026-Q4").stdout
