"""Benchmark of the app's responsiveness: the longest the event loop (and so the screen) stalls.

Run with `python -m tests.benchmark_frame_gaps` (`--quick` for one run). By default the demo journal gets one
reflection of about 190,000 characters; the app, under Textual's headless driver at 120x40, moves between it and
its neighbours three times per run while a ticker every 5 ms records how late it wakes. With `--journal 50000`
it measures instead the main view of a generated journal of that many reflections (see `benchmark_journal`),
from its first picture through its background placing of the reflections and a walk down the first 40 lines
of the timeline.
Reports the median over runs of each run's largest gap, and of its 99th percentile.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from datetime import date
from pathlib import Path

from textual.widgets import Input, Tree

from journal import FixedClock, Reflection
from journal.demo import DEMO_PASSPHRASE, create_demo
from tests.benchmark_journal import PASSPHRASE as JOURNAL_PASSPHRASE
from tests.benchmark_journal import build
from tests.conftest import CHEAP_KDF, CHEAP_LIMITS
from tests.test_tui.test_app import unlock, wait_for
from tui.app import make_app
from tui.screens.main import MainScreen
from tui.screens.unlock import UnlockScreen

CLOCK = FixedClock.on(date(2026, 11, 26))
TICK_SECONDS = 0.005


def long_journal(folder: Path) -> Path:
    """The demo journal with one very long reflection, the newest."""
    path = folder / "journal.candour"
    paragraph = "I keep coming back to the conversation with Priya, and what I did not say. " * 12
    text = "\n\n".join(f"## Part {number}\n\n{paragraph}\n\n- a point\n- another point" for number in range(200))
    with create_demo(path, CLOCK, kdf=CHEAP_KDF, limits=CHEAP_LIMITS) as journal:
        journal.save(Reflection(text=text, written_at=CLOCK.now(), title="A very long one"))
    return path


async def ticker(delays: list[float], stop: asyncio.Event) -> None:
    """Wake every `TICK_SECONDS` until `stop` is set, adding to `delays` how late each wake-up was."""
    last = time.perf_counter()
    while not stop.is_set():
        await asyncio.sleep(TICK_SECONDS)
        now = time.perf_counter()
        delays.append(now - last - TICK_SECONDS)
        last = now


async def one_run(path: Path) -> list[float]:
    """The ticker's delays (seconds) while the cursor goes onto and off the long reflection three times."""
    app = make_app(path, limits=CHEAP_LIMITS, clock=CLOCK)
    delays: list[float] = []
    async with app.run_test(size=(120, 40)) as pilot:
        await unlock(pilot, DEMO_PASSPHRASE)
        await wait_for(pilot, lambda: isinstance(app.screen, MainScreen) and not app.workers)
        tree = app.screen.query_one(Tree)
        titles = [getattr(getattr(tree.get_node_at_line(line), "data", None), "title", "") for line in range(20)]
        long_line = titles.index("A very long one")
        stop = asyncio.Event()
        ticking = asyncio.create_task(ticker(delays, stop))
        for _ in range(3):
            for line in (long_line - 1, long_line, long_line + 1):
                tree.cursor_line = line
                await pilot.pause(1.0)
        stop.set()
        await ticking
    return delays


async def large_journal_run(path: Path) -> list[float]:
    """The ticker's delays from the unlock of a generated journal (default key cost) through the main view's
    background placing of the reflections, then while the cursor walks down the first 40 lines of the timeline."""
    app = make_app(path, clock=CLOCK)
    delays: list[float] = []
    stop = asyncio.Event()
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, UnlockScreen) and app.focused is not None)
        app.screen.query_one("#passphrase", Input).value = JOURNAL_PASSPHRASE
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, MainScreen), seconds=600)
        ticking = asyncio.create_task(ticker(delays, stop))  # from the main view's first picture on
        await wait_for(pilot, lambda: not app.workers, seconds=600)
        tree = app.screen.query_one(Tree)
        for line in range(40):
            tree.cursor_line = line
            await pilot.pause(0.1)
        stop.set()
        await ticking
    return delays


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="one run instead of five")
    parser.add_argument(
        "--journal", type=int, metavar="N", help="instead: the main view of a generated journal of N reflections"
    )
    options = parser.parse_args()
    runs = 1 if options.quick else 5
    largest, p99 = [], []
    with tempfile.TemporaryDirectory() as folder:
        if options.journal:
            path = Path(folder) / "journal.candour"
            build(path, options.journal)
        else:
            path = long_journal(Path(folder))
        for _ in range(runs):
            delays = sorted(asyncio.run(large_journal_run(path) if options.journal else one_run(path)))
            largest.append(delays[-1] * 1000)
            p99.append(delays[int(len(delays) * 0.99)] * 1000)
    print(
        f"runs: {runs}; largest frame gap, median: {statistics.median(largest):.0f} ms "
        f"(each run: {', '.join(f'{gap:.0f}' for gap in largest)}); 99th percentile, median: "
        f"{statistics.median(p99):.0f} ms"
    )


if __name__ == "__main__":
    main()
