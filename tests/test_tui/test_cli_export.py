"""`candour export`, `exports`, `export-all` and `confidential` end to end, each in a subprocess (cheap KDF)."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from journal import Journal
from journal.export import UNCONFIRMED, ExportRecord, ExportStatus, export_log
from tests.conftest import CHEAP_LIMITS, PASSPHRASE
from tests.full_disk import FILLER, full_disk
from tests.test_tui.test_cli_entries import ROOT, Candour

PRIVATE = ("Stop rescuing", "@Sam", "Leadership with Ana", "Took the contract back", "Delegation")


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A journal three months into an engagement, built once per module (each command is a subprocess)."""
    path = tmp_path_factory.mktemp("prepared") / "journal.candour"
    run = Candour(path)
    run("init")
    run(
        "new", "engagement", "Leadership with Ana", "--coach", "Ana Ruiz", "--sponsor", "Acme",
        "--start", "2026-07-01", "--sessions", "6", "--level", "L1",
    )  # fmt: skip
    run("new", "session", "--date", "2026-07-03")
    run("new", "session", "--date", "2026-08-14")
    run(
        "add",
        "Why I rescue @Sam when deadlines slip",
        "--theme",
        "Delegation",
        "--date",
        "2026-07-03",
        "--session",
        "1",
    )
    run("new", "goal", "Stop rescuing Sam", "--sponsor-wording", "Delegating decisions")
    run("rate", "rescuing", "3", "--note", "Took the contract back", "--date", "2026-07-10")
    run("rate", "rescuing", "6", "--for-sponsor", "Good progress", "--date", "2026-08-10")
    return path


@pytest.fixture
def candour(prepared: Path, journal_path: Path) -> Candour:
    """The prepared journal, copied for this test alone."""
    journal_path.parent.mkdir(parents=True)
    shutil.copy2(prepared, journal_path)
    return Candour(journal_path)


@pytest.fixture
def out(tmp_path: Path) -> Path:
    """An empty folder to export into."""
    folder = tmp_path / "out"
    folder.mkdir()
    return folder


def _item_id(listing: str, kind: str) -> str:
    found = re.search(rf"\b({kind}:[0-9a-f]{{8}})\b", listing)
    assert found, listing
    return found.group(1)


def _export(candour: Candour, *args: str, stdin: str = "", ok: bool = True) -> subprocess.CompletedProcess[str]:
    return candour("export", "--period", "Q3 2026", *args, stdin=stdin, ok=ok)


def test_a_coachee_ticks_previews_writes_and_finds_the_export_in_the_log(candour: Candour, out: Path) -> None:
    listing = _export(candour, "--list")
    assert listing.stdout == ""  # the conversation goes to standard error
    # The engagement has no label for the sponsor yet: its private title is ticked for no one.
    assert "[ ]  1 label" in listing.stderr and "your title stays private" in listing.stderr
    assert "[ ]  5 session-dates" in listing.stderr and "[ ] 11 support   " in listing.stderr
    assert "support I would like from my sponsor" in listing.stderr
    assert "theme Delegation → (no sponsor wording yet: --word ITEM=TEXT) (July 2026)" in listing.stderr
    assert "(no sponsor wording yet" in listing.stderr  # the theme Delegation has none
    theme = _item_id(listing.stderr, "theme")

    refused = _export(candour, "--include", theme, "--yes", "-o", str(out), ok=False)
    assert refused.returncode == 2 and "no wording for the sponsor" in refused.stderr
    done = _export(
        candour,
        "--include",
        theme,
        "--word",
        f"{theme}=Empowering the team",
        "--label",
        "Leadership coaching",
        "--yes",
        "-o",
        str(out),
    )
    written = out / "coaching-summary-2026-09-30.md"
    data = written.read_bytes()
    assert data == done.stdout.encode()  # the preview is exactly what was written
    assert stat.S_IMODE(written.stat().st_mode) == 0o600
    text = data.decode()
    assert "# Coaching summary: Leadership coaching" in text and "Empowering the team — July 2026" in text
    assert "Sessions held:** 2 of 6 planned" in text and "prepared and approved by the coachee" in text
    assert not any(private in text for private in PRIVATE)
    assert "Kept" not in done.stderr  # wordings typed for one export are not kept unasked (--yes never asks)
    again_worded = _export(candour, "--include", theme, "--show", "--yes", ok=False)
    assert "no wording for the sponsor" in again_worded.stderr

    log = candour("exports", "--items").stdout
    assert "file" in log and "L1" in log and "for Acme" in log and str(written) in log
    assert hashlib.sha256(data).hexdigest() in log and "- theme: Empowering the team (July 2026)" in log
    again = _export(
        candour, "--include", theme, "--word", f"{theme}=Empowering the team", "--yes", "-o", str(out), ok=False
    )
    assert again.returncode == 2 and "already exists" in again.stderr and again.stdout == ""
    assert written.read_bytes() == data


def test_wordings_are_kept_for_the_engagement_only_when_asked(candour: Candour) -> None:
    theme = _item_id(_export(candour, "--list").stderr, "theme")
    worded = ("--include", theme, "--word", f"{theme}=Empowering the team", "--label", "Leadership coaching")
    asked = _export(candour, *worded, "--show", stdin="y\n")  # keep the wordings?
    assert "Keep the wordings you wrote" in asked.stderr and "Kept the new sponsor wording" in asked.stderr
    later = _export(candour, "--show", "--yes", "--include", theme)
    assert "# Coaching summary: Leadership coaching" in later.stdout and "Empowering the team" in later.stdout
    declined = _export(candour, "--include", theme, "--word", f"{theme}=Growing the team", "--show", stdin="n\n")
    assert "Growing the team" in declined.stdout and "Kept the new sponsor wording" not in declined.stderr
    assert "Empowering the team" in _export(candour, "--show", "--yes", "--include", theme).stdout
    flagged = _export(candour, "--include", theme, "--word", f"{theme}=Teams", "--show", "--yes", "--remember-wordings")
    assert "Kept the new sponsor wording" in flagged.stderr
    assert "Teams —" in _export(candour, "--show", "--yes", "--include", theme).stdout


def test_an_export_to_a_full_disk_exits_8_writes_nothing_and_logs_nothing(candour: Candour, tmp_path: Path) -> None:
    with full_disk(tmp_path / "full") as full:
        refused = _export(candour, "--yes", "-o", str(full / "summary.md"), ok=False)
        assert [path.name for path in full.iterdir()] == [FILLER]
    assert refused.returncode == 8 and "the disk is full" in refused.stderr and "No file was written" in refused.stderr
    assert "Nothing has been exported yet." in candour("exports").stdout


def test_an_export_never_confirmed_is_listed_as_unconfirmed(candour: Candour, out: Path) -> None:
    written = _export(candour, "--yes", "-o", str(out / "confirmed.md"))
    assert "Logged in your journal" in written.stderr
    stopped = out / "stopped.md"
    with Journal.open(candour.journal, PASSPHRASE, limits=CHEAP_LIMITS) as journal:
        (confirmed,) = export_log(journal)
        journal.save(
            ExportRecord(
                confirmed.exported_at, "Acme", "markdown", "cd" * 32, path=str(stopped), status=ExportStatus.PENDING
            )
        )
    lines = candour("exports").stdout.splitlines()
    assert len(lines) == 3, lines
    flagged = [line for line in lines if line.endswith(f"[{UNCONFIRMED}]")]
    assert len(flagged) == 1 and str(stopped) in flagged[0] and "sha256 cdcdcdcd" in flagged[0]
    assert lines[lines.index(flagged[0]) + 1].startswith(f"    {UNCONFIRMED}: the export stopped before")
    assert not any(str(out / "confirmed.md") in line and UNCONFIRMED in line for line in lines)


def test_items_above_the_agreed_level_need_the_override(candour: Candour, out: Path) -> None:
    refused = _export(candour, "--include", "goals", "--yes", "-o", str(out), ok=False)
    assert refused.returncode == 2 and "above the L1 agreed" in refused.stderr
    assert list(out.iterdir()) == []
    allowed = _export(
        candour, "--include", "goals", "--override", "goals", "--yes", "-o", str(out / "out.html"), "--format", "html"
    )
    assert "goes beyond the agreed sharing level L1" in allowed.stderr
    page = (out / "out.html").read_text(encoding="utf-8")
    assert "Delegating decisions" in page and "<svg" in page and "baseline 3, latest 6" in page
    assert "beyond the agreed level" in page  # the file states the override, item by item
    log = candour("exports", "--items").stdout
    assert "L1+override" in log and "beyond the agreed level, by your choice:\n      - goal: Delegating" in log


def test_a_blocked_item_stays_out_until_its_finding_is_kept_and_the_choice_is_remembered(candour: Candour) -> None:
    args: tuple[str, ...] = ("--include", "goals", "--override", "goals", "--word", "goals=Handing the contract to Sam")
    args += ("--show", "--yes")
    blocked = _export(candour, *args, ok=False)  # --yes never leaves an item out silently: nothing is shown
    assert blocked.returncode == 2 and "need an answer" in blocked.stderr
    assert "BLOCKS" in blocked.stderr and '"Sam": someone in your journal' in blocked.stderr
    assert "Left out: goal:" in blocked.stderr and "Handing the contract" not in blocked.stdout
    code = re.search(r"--keep ([0-9a-f]{6})", blocked.stderr)
    assert code
    wrong = _export(candour, *args, "--keep", "000000", ok=False)
    assert wrong.returncode == 2 and "000000" in wrong.stderr
    kept = _export(candour, *args, "--keep", code.group(1), "--for", "Dana (HR)")
    assert "Handing the contract to Sam" in kept.stdout and "Left out" not in kept.stderr
    later = _export(candour, *args)
    assert "kept before" in later.stderr and "Handing the contract to Sam" in later.stdout
    log = candour("exports").stdout
    assert log.count("screen") == 2 and "L1+override" in log and "for Dana (HR)" in log


def test_confidential_terms_block_and_can_be_removed(candour: Candour) -> None:
    assert "2 confidential terms" in candour("confidential", "Project Atlas", "Globex").stdout
    assert candour("confidential").stdout.splitlines() == ["Globex", "Project Atlas"]
    shown = _export(candour, "--label", "Coaching for Project Atlas", "--show", "--yes", ok=False)
    assert shown.returncode == 2 and "BLOCKS" in shown.stderr and "Project Atlas" not in shown.stdout
    assert "1 confidential term:" in candour("confidential", "--remove", "project atlas").stdout
    assert candour("confidential", "--remove", "Nothing", ok=False).returncode == 2


def test_show_prints_exactly_the_summary(candour: Candour) -> None:
    shown = _export(candour, "--show", "--yes", "--format", "json")
    body = json.loads(shown.stdout)
    assert body["schema"] == "candour.sponsor-summary" and body["sessions_held"] == {"count": 2, "planned": 6}
    assert "label" not in body and "Leadership with Ana" not in shown.stdout  # the private title stays private
    assert body["sharing_level"] == "L1"
    assert "no file written" in shown.stderr


def test_a_review_has_its_title_and_a_private_preparation_sheet_that_leaves_nothing(candour: Candour) -> None:
    sheet = _export(candour, "--prepare", "--variant", "mid-point")
    assert sheet.stdout.startswith("PRIVATE: for you alone") and "Stop rescuing Sam" in sheet.stdout
    assert "Preparing the mid-point review of Leadership with Ana" in sheet.stdout
    assert "Nothing has been exported yet." in candour("exports").stdout  # shown, never logged
    review = _export(candour, "--variant", "final", "--show", "--yes")
    assert review.stdout.startswith("# Final review") and "Stop rescuing" not in review.stdout
    assert "screen" in candour("exports").stdout


def test_the_coachee_can_tick_interactively_or_cancel(candour: Candour, out: Path) -> None:
    cancelled = _export(candour, "-o", str(out), stdin="6 -3\nn\n")
    assert "[ ]  6 coach" in cancelled.stderr and "Nothing was written" in cancelled.stderr
    assert "Coach:** Ana Ruiz" in cancelled.stdout and "Sessions held" not in cancelled.stdout  # "-3" unticked it
    assert list(out.iterdir()) == []
    confirmed = _export(candour, "-o", str(out), stdin="\ny\n")
    assert "Written to" in confirmed.stderr and len(list(out.iterdir())) == 1


def test_an_interrupted_export_leaves_nothing_after_the_next_start(candour: Candour, out: Path) -> None:
    gone = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True, check=True
    )
    leftover = out / f".coaching-summary.md.{gone.stdout.strip()}.{'0' * 12}.candour-partial"
    leftover.write_text("half a summary")
    result = _export(candour, "--yes", "-o", str(out))
    assert "Removed an unfinished export" in result.stderr
    assert not leftover.exists() and len(list(out.iterdir())) == 1


def test_export_all_warns_asks_and_never_replaces_unasked(candour: Candour, out: Path) -> None:
    target = out / "everything.json"
    declined = candour("export-all", str(target), "--format", "json", stdin="n\n")
    assert "NOT encrypted" in declined.stderr and not target.exists()
    candour("export-all", str(target), "--format", "json", stdin="y\n")
    body = json.loads(target.read_text(encoding="utf-8"))
    assert any("@Sam" in reflection["text"] for reflection in body["records"]["reflection"])
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    again = candour("export-all", str(target), "--yes", ok=False)
    assert again.returncode == 2 and "already exists" in again.stderr
    replaced = candour("export-all", str(target), "--yes", "--replace")
    assert "NOT encrypted" in replaced.stderr
    assert target.read_text(encoding="utf-8").startswith("# My Candour journal")


def test_export_all_to_standard_output_writes_no_file_and_is_logged(candour: Candour) -> None:
    shown = candour("export-all", "-", "--format", "json", "--yes")
    body = json.loads(shown.stdout)
    assert body["schema"] == "candour.personal-export" and body["records"]["reflection"]
    assert not (ROOT / "-").exists()  # never a file named "-" where it ran
    assert "NOT encrypted" in shown.stderr and "Written to standard output" in shown.stderr
    logged = candour("exports").stdout
    assert "personal" in logged and "(standard output)" in logged
    assert hashlib.sha256(shown.stdout.encode()).hexdigest()[:16] in logged


def test_a_sensitive_topic_goes_out_only_once_acknowledged(candour: Candour) -> None:
    worded = "goals=Recovering from burnout and my divorce"
    args = ("--include", "goals", "--override", "goals", "--word", worded, "--show")
    refused = _export(candour, *args, "--yes", ok=False)
    assert refused.returncode == 2 and "need an answer" in refused.stderr
    assert "burnout" not in refused.stdout and "screen" not in candour("exports").stdout
    codes = re.findall(r"a sensitive topic[^\n]*\[code ([0-9a-f]{6})\]", refused.stderr)
    assert len(codes) == 2  # burnout (health) and divorce (life events)
    kept = _export(candour, *args, "--yes", *(option for code in codes for option in ("--keep", code)))
    assert "Recovering from burnout and my divorce" in kept.stdout
    later = _export(candour, *args, "--yes")  # acknowledged in these words: remembered
    assert "kept before" in later.stderr and "Recovering from burnout" in later.stdout


def test_a_summary_others_could_read_is_written_only_when_meant(candour: Candour, out: Path) -> None:
    args = ("--yes", "--permissions", "644", "-o", str(out / "summary.md"))
    refused = _export(candour, *args, ok=False)
    assert refused.returncode == 2 and "--readable-by-others" in refused.stderr
    assert not (out / "summary.md").exists() and "file" not in candour("exports").stdout
    declined = _export(candour, "--permissions", "604", "-o", str(out / "summary.md"), stdin="n\n", ok=False)
    assert "anyone on this computer" in declined.stderr and not (out / "summary.md").exists()
    _export(candour, *args, "--readable-by-others")
    assert stat.S_IMODE((out / "summary.md").stat().st_mode) == 0o644
