"""Benchmark of the coachee's journal as a person uses it: whole `candour` commands on realistic journals.

Run with `python -m tests.benchmark_journal` (`--quick` for a smoke run, `--sizes 1000 10000`
to choose sizes). For journals of 1k, 10k and 50k reflections (100-300 words each, with
engagements, sessions, themes, goals and check-ins) at the default key-derivation cost,
it measures medians of:
- whole-process `candour add`, `candour list` (last 10) and `candour search WORD`,
  with each process's peak memory (Argon2id alone needs 256 MiB while it runs);
- in-process search after unlock: the first search (which loads the sealed search cache) and later ones;
- steady memory of a process that has unlocked the journal and searched it.
"""

from __future__ import annotations

import argparse
import os
import random
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


def run_command(path: Path, *args: str) -> tuple[float, float]:
    """Wall seconds and peak memory (MiB) of one whole `candour` process."""
    env = as_installed()
    began = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "tui.cli", "--journal", str(path), *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - began
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise SystemExit(f"candour {' '.join(args)} failed: {process.stderr.read() if process.stderr else ''!r}")
    return elapsed, usage.ru_maxrss / 1024


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


def steady_memory(path: Path) -> float:
    """MiB resident in a process that unlocked the journal and searched it."""
    output = subprocess.run(
        [sys.executable, "-c", MEMORY_PROBE, str(path), PASSPHRASE],
        cwd=ROOT,
        env=as_installed(),
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return float(output.strip())


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


def _derive_once() -> float:
    header = crypto.Header.new(crypto.DEFAULT_PARAMS)
    began = time.perf_counter()
    crypto.passphrase_wrapping_key(PASSPHRASE, header)
    return time.perf_counter() - began


def _start_python() -> float:
    began = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import tui.cli"], cwd=ROOT, env=as_installed(), check=True)
    return time.perf_counter() - began


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="one small journal, few repeats (a smoke run)")
    parser.add_argument("--sizes", type=int, nargs="*", help="numbers of reflections (default 1000 10000 50000)")
    options = parser.parse_args()
    sizes = options.sizes or ([300] if options.quick else [1_000, 10_000, 50_000])
    runs = 3 if options.quick else 5
    compile_bytecode()
    print("## Whole commands on realistic journals (default KDF: Argon2id 256 MiB, t=3, 2 lanes)")
    # Every command derives the key once, and on a shared machine that one step varies most: each
    # command is also shown beyond a median of Argon2id alone, measured just before that journal's runs.
    started = statistics.median(_start_python() for _ in range(runs))
    print(f"Starting Python and importing the command line: {started:.2f} s\n")
    print(
        "| reflections | records | Argon2id alone | `add` | `list` | `search` | first search after unlock "
        "| later searches | steady memory | peak memory of a command |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    with tempfile.TemporaryDirectory(prefix="candour-bench-") as folder:
        for size in sizes:
            path = Path(folder) / f"journal-{size}.candour"
            build(path, size)
            with Journal.open(path, PASSPHRASE) as journal:
                records = journal.vault.count()
            kdf = statistics.median(_derive_once() for _ in range(runs))
            add, add_peak = median_of(runs, partial(run_command, path, "add", "A quick note after the session"))
            listing, list_peak = median_of(runs, partial(run_command, path, "list"))
            search, search_peak = median_of(runs, partial(run_command, path, "search", SEARCH_WORD))
            first, later = search_after_unlock(path, runs)
            memory = steady_memory(path)
            peak = max(add_peak, list_peak, search_peak)
            whole = " | ".join(f"{seconds:.2f} s (+{seconds - kdf:.2f})" for seconds in (add, listing, search))
            print(
                f"| {size:,} | {records:,} | {kdf:.2f} s | {whole} | {first * 1000:.0f} ms "
                f"| {later * 1000:.1f} ms | {memory:.0f} MiB | {peak:.0f} MiB |"
            )


if __name__ == "__main__":
    main()
