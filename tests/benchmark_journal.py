"""Benchmark of the coachee's journal as a person uses it: whole `candour` commands on realistic journals.

Run with `python -m tests.benchmark_journal` (`--quick` for a smoke run, `--sizes 1000 10000`
to choose sizes). For journals of 10k, 50k and 200k reflections (100-300 words each, with
engagements, sessions, themes, goals and check-ins) at the default key-derivation cost, kept in a
temporary folder outside the repository, it measures medians of:
- whole-process `candour add`, `candour list` (last 10) and `candour search WORD`, each against a
  process that starts Python and only derives the key (Argon2id at the same cost), with each process's
  peak memory against that process's;
- in-process search after unlock: the first search (which loads the sealed search cache) and later ones;
- steady memory of a process that has unlocked the journal and searched it;
- the search cache's share of the file;
- the app (headless, 120x40): resident memory once the main view is up, and how long after the key is
  derived the main view appears;
- the first search after importing a jrnl export of as many entries (`--import-size`, 50,000 by default).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta
from functools import partial
from pathlib import Path

import crypto
from journal import (
    CheckIn,
    Engagement,
    Goal,
    Journal,
    Model,
    Reflection,
    Session,
    SharingAgreement,
    SharingLevel,
    Theme,
)

PASSPHRASE = "benchmark passphrase of seven words"
ROOT = Path(__file__).resolve().parents[1]
SEARCH_WORD = "boundaries"
"""A word that appears in about one reflection in eight."""

SAMPLE_TEXT = (
    "I noticed how often I step in before the team has a chance to find its own answer and my coach asked what "
    "that costs them and me we explored delegation trust feedback conflict influence presence energy priorities "
    "meetings stakeholders manager peers board strategy clarity confidence listening pausing curiosity assumptions "
    "patterns habits values purpose career growth resilience stress sleep calendar focus decisions risk courage "
    "café naïve résumé rôle coöperate übung señor"
)
VOCABULARY = tuple(SAMPLE_TEXT.split())
BATCH = 5_000
"""Records saved per transaction while building a journal."""
THEMES = ("Delegation", "Difficult conversations", "Executive presence", "Prioritising", "Influence", "Resilience")


def build(path: Path, reflections: int, seed: int = 7) -> None:
    """Create a journal at the default KDF cost holding a realistic generated journal of `reflections` entries:
    engagements of twelve sessions, three goals each, six themes, reflections of 100-300 words (one in
    five tied to a session, one in eight containing `SEARCH_WORD`) and a check-in every tenth reflection.
    """
    rng = random.Random(seed)
    journal, _ = Journal.create(path, PASSPHRASE, kdf=crypto.DEFAULT_PARAMS)
    with journal:
        first_day = date(2020, 1, 6)
        engagements = journal.save_many(
            Engagement(
                f"Engagement {n + 1}",
                coach="Coach",
                sponsor="Sponsor Ltd",
                starts_on=first_day + timedelta(days=120 * n),
                planned_sessions=12,
                agreement=SharingAgreement(SharingLevel.L2),
            )
            for n in range(max(1, reflections // 2_000))
        )
        themes = journal.save_many(Theme(label) for label in THEMES)
        sessions = journal.save_many(
            Session(engagement.saved_id, first_day + timedelta(days=120 * n + 14 * number), number, agenda="agenda")
            for n, engagement in enumerate(engagements)
            for number in range(1, 13)
        )
        goals = journal.save_many(
            Goal(f"Goal {n}", f"Sponsor goal {n}", engagement_id=engagement.saved_id)
            for engagement in engagements
            for n in range(3)
        )
        later: list[Model] = []
        start = datetime(2020, 1, 6, 18, 0)
        for n in range(reflections):
            if len(later) >= BATCH:  # bulk inserts, a batch per transaction, so memory stays flat at any size
                journal.save_many(later)
                later = []
            words = rng.choices(VOCABULARY, k=rng.randint(100, 300))
            if n % 8 == 0:
                words[rng.randrange(len(words))] = SEARCH_WORD
            text = "## What did I explore?\n" + " ".join(words) + "\n\n## What will I do differently?\nPause first."
            written_at = start + timedelta(hours=6 * n)
            later.append(
                Reflection(
                    text,
                    written_at,
                    session_id=sessions[n % len(sessions)].saved_id if n % 5 == 0 else None,
                    theme_ids=tuple(theme.saved_id for theme in rng.sample(themes, 2)),
                    mood=rng.randint(1, 5),
                )
            )
            if n % 10 == 0:
                later.append(CheckIn(goals[n % len(goals)].saved_id, written_at.date(), rng.randint(0, 10), "note"))
        journal.save_many(later)


def as_installed() -> dict[str, str]:
    """The environment a command runs in, with its bytecode compiled as `pip install` leaves it.

    A shell that forbids writing bytecode (PYTHONDONTWRITEBYTECODE) would time compiling
    Candour's source on every run, about 80 ms that no installed copy pays.
    """
    env = {**os.environ, "CANDOUR_PASSPHRASE": PASSPHRASE}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def compile_bytecode() -> None:
    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", "crypto", "journal", "tui"], cwd=ROOT, env=as_installed(), check=True
    )


def run_process(argv: list[str]) -> tuple[float, float]:
    """Wall seconds and peak memory (MiB) of one whole Python process run as installed."""
    began = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, *argv], cwd=ROOT, env=as_installed(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - began
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed: {process.stderr.read() if process.stderr else ''!r}")
    return elapsed, usage.ru_maxrss / 1024


def run_command(path: Path, *args: str) -> tuple[float, float]:
    """Wall seconds and peak memory (MiB) of one whole `candour` process."""
    return run_process(["-m", "tui.cli", "--journal", str(path), *args])


BUILD = """
import sys
from pathlib import Path
from tests.benchmark_journal import build
build(Path(sys.argv[1]), int(sys.argv[2]))
"""

ARGON2ID_ONLY = """
import crypto
crypto.passphrase_wrapping_key("benchmark passphrase of seven words", crypto.Header.new(crypto.DEFAULT_PARAMS))
"""
"""A process that starts Python and derives a key at the default cost, and does nothing else: what every
command must pay, and so the yardstick of each one."""


def argon2id_process() -> tuple[float, float]:
    return run_process(["-c", ARGON2ID_ONLY])


def median_of(runs: int, action: Callable[[], tuple[float, float]]) -> tuple[float, float]:
    results = [action() for _ in range(runs)]
    return statistics.median(r[0] for r in results), max(r[1] for r in results)


MEMORY_PROBE = """
import sys, resource
from journal import Journal
journal = Journal.open(__import__("pathlib").Path(sys.argv[1]), sys.argv[2])
journal.search("warm up")
status = open("/proc/self/status").read()
rss = next(line for line in status.splitlines() if line.startswith("VmRSS"))
print(int(rss.split()[1]) / 1024)
journal.close()
"""


def probe(script: str, *args: str) -> list[str]:
    """Run `script` in a Python process of its own, as installed, and return the words of its last line."""
    output = subprocess.run(
        [sys.executable, "-c", script, *args], cwd=ROOT, env=as_installed(), capture_output=True, text=True, check=True
    ).stdout
    return output.strip().splitlines()[-1].split()


def steady_memory(path: Path) -> float:
    """MiB resident in a process that unlocked the journal and searched it."""
    return float(probe(MEMORY_PROBE, str(path), PASSPHRASE)[0])


def cache_share(path: Path) -> float:
    """The sealed search cache's share of the journal file's bytes."""
    with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as connection:
        (cached,) = connection.execute("SELECT coalesce(sum(length(envelope)), 0) FROM search_pages").fetchone()
    return float(cached) / path.stat().st_size


APP_PROBE = """
import asyncio, sys, time
from pathlib import Path
from tests.test_tui.test_app import unlock, wait_for
from tui.app import make_app
from tui.screens import unlock as unlocking
from tui.screens.main import MainScreen

marks = {}
opened = unlocking.Journal.open_resuming_first_run
def timed_open(*args, **options):
    result = opened(*args, **options)
    marks["key"] = time.perf_counter()  # the key derived and the journal open
    return result
unlocking.Journal.open_resuming_first_run = timed_open
mounted = MainScreen.on_mount
def timed_mount(self):
    mounted(self)
    self.call_after_refresh(lambda: marks.setdefault("shown", time.perf_counter()))  # its first picture
MainScreen.on_mount = timed_mount

async def main():
    app = make_app(Path(sys.argv[1]))
    async with app.run_test(size=(120, 40)) as pilot:
        await unlock(pilot, sys.argv[2])
        await wait_for(pilot, lambda: "shown" in marks and not app.workers, seconds=600)
        status = open("/proc/self/status").read()
        rss = next(line for line in status.splitlines() if line.startswith("VmRSS"))
        print(marks["shown"] - marks["key"], int(rss.split()[1]) / 1024)

asyncio.run(main())
"""


def app_after_unlock(path: Path) -> tuple[float, float]:
    """Seconds from the journal being open (the key derived) to the main view's first picture, and MiB resident
    once the app has finished what it does after unlock (its background work included), headless at 120x40."""
    shown, resident = probe(APP_PROBE, str(path), PASSPHRASE)
    return float(shown), float(resident)


def jrnl_export(path: Path, entries: int, seed: int = 11) -> None:
    """A jrnl JSON export of `entries` entries of 100-300 words, one in eight holding `SEARCH_WORD`."""
    rng = random.Random(seed)
    start = datetime(2016, 1, 4, 8, 30)
    items = []
    for n in range(entries):
        words = rng.choices(VOCABULARY, k=rng.randint(100, 300))
        if n % 8 == 0:
            words[rng.randrange(len(words))] = SEARCH_WORD
        moment = start + timedelta(hours=5 * n)
        items.append(
            {
                "date": moment.date().isoformat(),
                "time": moment.strftime("%H:%M"),
                "title": f"Entry {n}",
                "body": " ".join(words),
                "tags": ["@work"] if n % 3 == 0 else [],
                "starred": n % 50 == 0,
            }
        )
    path.write_text(json.dumps({"tags": {"@work": entries // 3}, "entries": items}))


def search_after_import(folder: Path, entries: int) -> tuple[float, float]:
    """Seconds of `candour import` of a jrnl export of `entries` entries into a new journal, then of the
    first `candour search` after it (both whole processes)."""
    export = folder / f"jrnl-{entries}.json"
    jrnl_export(export, entries)
    path = folder / f"imported-{entries}.candour"
    Journal.create(path, PASSPHRASE, kdf=crypto.DEFAULT_PARAMS)[0].close()
    imported, _ = run_command(path, "import", str(export))
    searched, _ = run_command(path, "search", SEARCH_WORD)
    return imported, searched


def search_after_unlock(path: Path, repeats: int) -> tuple[float, float]:
    """Seconds for the first search after unlock (it loads the search cache) and the median of later ones."""
    with Journal.open(path, PASSPHRASE) as journal:
        began = time.perf_counter()
        journal.search(SEARCH_WORD)
        first = time.perf_counter() - began
        later = []
        for word in (SEARCH_WORD, "delegation trust", "cafe", "stakeholders", '"my coach asked"')[:repeats]:
            began = time.perf_counter()
            journal.search(word)
            later.append(time.perf_counter() - began)
        return first, statistics.median(later)


SEARCH_PROBE = """
import sys
from pathlib import Path
from journal import Journal
from tests.benchmark_journal import PASSPHRASE, search_after_unlock
path = Path(sys.argv[1])
with Journal.open(path, PASSPHRASE) as journal:
    records = journal.vault.count()
print(records, *search_after_unlock(path, int(sys.argv[2])))
"""


def records_and_searches(path: Path, repeats: int) -> tuple[int, float, float]:
    """The journal's number of records and `search_after_unlock`, measured by a process of its own (so that
    what it holds does not count in the peak of the commands run after it)."""
    records, first, later = probe(SEARCH_PROBE, str(path), str(repeats))
    return int(records), float(first), float(later)


def _start_python() -> float:
    began = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import tui.cli"], cwd=ROOT, env=as_installed(), check=True)
    return time.perf_counter() - began


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small journals, few repeats (a smoke run)")
    parser.add_argument("--sizes", type=int, nargs="*", help="numbers of reflections (default 10000 50000 200000)")
    parser.add_argument("--import-size", type=int, help="entries of the jrnl export imported (default 50000)")
    options = parser.parse_args()
    sizes = options.sizes or ([300] if options.quick else [10_000, 50_000, 200_000])
    import_size = options.import_size or (300 if options.quick else 50_000)
    runs = 3 if options.quick else 5
    compile_bytecode()
    print("## Whole commands on realistic journals (default KDF: Argon2id 256 MiB, t=3, 2 lanes)")
    # Every command derives the key once, and on a shared machine that one step varies most: each command is
    # shown as a ratio to a median of processes that only start Python and derive the key, measured just before
    # that journal's runs.
    started = statistics.median(_start_python() for _ in range(runs))
    print(f"Starting Python and importing the command line: {started:.2f} s\n")
    print(
        "| reflections | records | build | Argon2id-only process (peak) | `add` | `list` | `search` "
        "| first search after unlock | later searches | steady memory | peak memory of a command "
        "| search cache's share of the file | app: main view after the key | app: memory after unlock |"
    )
    print("| --- " * 14 + "|")
    with tempfile.TemporaryDirectory(prefix="candour-bench-") as folder:
        for size in sizes:
            path = Path(folder) / f"journal-{size}.candour"
            # Built by a process of its own: the memory it takes would otherwise count in every command's peak
            # (a child's peak starts from the parent it was forked from).
            built, _ = run_process(["-c", BUILD, str(path), str(size)])
            argon, argon_peak = median_of(runs, argon2id_process)
            add, add_peak = median_of(runs, partial(run_command, path, "add", "A quick note after the session"))
            listing, list_peak = median_of(runs, partial(run_command, path, "list"))
            search, search_peak = median_of(runs, partial(run_command, path, "search", SEARCH_WORD))
            records, first, later = records_and_searches(path, runs)
            memory = steady_memory(path)
            share = cache_share(path)
            shown, resident = app_after_unlock(path)
            peak = max(add_peak, list_peak, search_peak)
            whole = " | ".join(f"{seconds:.2f} s ({seconds / argon:.2f}x)" for seconds in (add, listing, search))
            print(
                f"| {size:,} | {records:,} | {built:.0f} s | {argon:.2f} s ({argon_peak:.0f} MiB) | {whole} "
                f"| {first * 1000:.0f} ms | {later * 1000:.1f} ms | {memory:.0f} MiB | {peak:.0f} MiB "
                f"| {share:.0%} | {shown:.2f} s | {resident:.0f} MiB |"
            )
        imported, searched = search_after_import(Path(folder), import_size)
        argon, _ = median_of(runs, argon2id_process)
        print(
            f"\nImporting a jrnl export of {import_size:,} entries: {imported:.1f} s; the first `search` after it: "
            f"{searched:.2f} s ({searched / argon:.2f}x an Argon2id-only process, {argon:.2f} s)."
        )


if __name__ == "__main__":
    main()
