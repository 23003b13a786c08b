"""The HTML summary in a real browser (headless Chromium): printed, it holds every wording and rating whole, away
from the paper's edges, with no header or footer of the browser's own (the file's path, the date, page numbers);
on a phone's screen or a wide one, no text is cut off.

Without Chromium and poppler-utils' `pdftotext` these tests are skipped, saying so; in CI (`CI` set), which
installs both, their absence fails instead, so CI cannot pass without looking.
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
import tempfile
import unicodedata
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from journal import GoalStatus
from journal.export import ItemKind, Summary, SummaryItem, render, suggested_name
from tests.test_journal.test_export_render import _summary

LONG_WORDING = (
    "Making room for the team to decide, and saying so out loud in the Monday meeting instead of quietly taking "
    "the decision back when it is slow, even when the quarter's numbers are at stake"
)

RICH = _summary(
    SummaryItem(
        ItemKind.LABEL, "Führungskräfteentwicklungsprogramm 2026: leading the regional team through the merger"
    ),
    SummaryItem(ItemKind.PERIOD, dates=(date(2026, 7, 1), date(2026, 9, 30))),
    SummaryItem(ItemKind.SESSIONS, count=10, planned=10),
    SummaryItem(ItemKind.SESSION_DATES, dates=tuple(date(2026, month, day) for month in (7, 8, 9) for day in (3, 17))),
    SummaryItem(ItemKind.COACH, "Ana Ruiz"),
    SummaryItem(ItemKind.THEME, "Empowering the team", months=("2026-07", "2026-09")),
    SummaryItem(ItemKind.THEME, LONG_WORDING, months=("2026-08",)),
    SummaryItem(ItemKind.GOAL, "Delegating decisions", status=GoalStatus.ACHIEVED, first=10, latest=10),
    SummaryItem(ItemKind.GOAL, LONG_WORDING, status=GoalStatus.ACTIVE, first=3, latest=10),
    SummaryItem(ItemKind.GOAL, "Speaking up in board meetings", status=GoalStatus.ACTIVE, first=3),
    SummaryItem(ItemKind.GOAL, "Saying no to the third project", status=GoalStatus.ACTIVE, first=0, latest=3),
    SummaryItem(ItemKind.GOAL, "Leaving at six twice a week", status=GoalStatus.NOT_STARTED),
    *(
        SummaryItem(
            ItemKind.GOAL, f"One-to-one with each report, round {n}", status=GoalStatus.ACTIVE, first=n, latest=10
        )
        for n in range(1, 9)
    ),
    SummaryItem(ItemKind.STATEMENT, "Steady progress on delegation", months=("2026-09",)),
    SummaryItem(ItemKind.STATEMENT, LONG_WORDING, months=("2026-09",)),
)
"""A summary of every kind, with ratings of 10/10 and 3/10 and long wordings, that runs to a second printed page
(so that every page's header and footer is looked for)."""

CI = os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")
"""Whether this is CI, which installs Chromium and poppler-utils: there, a missing one fails the tests."""

HANG_GUARD = 120
"""Seconds after which a browser or pdftotext that never finishes fails its test: a guard, not a wait."""


def _program(names: tuple[str, ...], package: str) -> str:
    for name in names:
        found = shutil.which(name)
        if found:
            return found
    reason = f"{names[0]} is not installed (on Debian: apt-get install {package}); the HTML summary is checked with it"
    if CI:
        pytest.fail(f"{reason}, and CI installs it (.ci/run): its absence there is a failure", pytrace=False)
    pytest.skip(reason)


@dataclass(frozen=True)
class Browser:
    """Headless Chromium with a new profile for every run, and pdftotext to read what it prints."""

    chromium: str
    pdftotext: str
    folder: Path

    def run(self, *arguments: str) -> str:
        """Chromium's standard output for one page, after it exits successfully."""
        profile = Path(tempfile.mkdtemp(prefix="profile-", dir=self.folder))
        command = [
            self.chromium,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={profile}",
            *arguments,
        ]
        done = _run(command, home=profile)
        return done.stdout

    def print_pdf(self, page: Path) -> Path:
        """The page printed as the browser prints it by default: with its header and footer, unless the page leaves
        them no room (no --no-pdf-header-footer here, on purpose)."""
        pdf = page.with_suffix(".pdf")
        self.run(f"--print-to-pdf={pdf}", page.as_uri())
        assert pdf.is_file() and pdf.stat().st_size > 0, f"Chromium printed nothing for {page.name}"
        return pdf

    def read_pdf(self, pdf: Path) -> Printed:
        """Every word of the PDF, with where it stands on its page."""
        done = _run([self.pdftotext, "-bbox", "-enc", "UTF-8", str(pdf), "-"], home=self.folder)
        document = ElementTree.fromstring(done.stdout)
        pages = []
        for page in document.iter("{http://www.w3.org/1999/xhtml}page"):
            words = tuple(
                Word(
                    _read(word.text or ""),
                    float(word.attrib["xMin"]),
                    float(word.attrib["yMin"]),
                    float(word.attrib["xMax"]),
                    float(word.attrib["yMax"]),
                )
                for word in page.iter("{http://www.w3.org/1999/xhtml}word")
            )
            pages.append(Page(float(page.attrib["width"]), float(page.attrib["height"]), words))
        return Printed(tuple(pages))


def _run(command: list[str], home: Path) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "HOME": str(home), "XDG_CONFIG_HOME": str(home / "config")}
    environment["XDG_CACHE_HOME"] = str(home / "cache")
    done = subprocess.run(
        command,
        capture_output=True,
        text=True,
        timeout=HANG_GUARD,
        env=environment,
        stdin=subprocess.DEVNULL,
        check=False,
    )
    assert done.returncode == 0, f"{Path(command[0]).name} failed ({done.returncode}): {done.stderr[-2000:]}"
    return done


def _read(text: str) -> str:
    """Text as read back from a PDF, comparable with what was written: compatibility forms (a ligature "ﬁ" for
    "fi") unfolded, every run of spaces one space."""
    return " ".join(unicodedata.normalize("NFKC", text).split())


@dataclass(frozen=True)
class Word:
    text: str
    left: float
    top: float
    right: float
    bottom: float


@dataclass(frozen=True)
class Page:
    width: float
    height: float
    words: tuple[Word, ...]


@dataclass(frozen=True)
class Printed:
    pages: tuple[Page, ...]

    @property
    def text(self) -> str:
        return " ".join(word.text for page in self.pages for word in page.words)


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Browser:
    chromium = _program(("chromium", "chromium-browser"), "chromium")
    pdftotext = _program(("pdftotext",), "poppler-utils")
    return Browser(chromium, pdftotext, tmp_path_factory.mktemp("browser"))


def _written(browser: Browser, name: str, page: str) -> Path:
    """The page as a file in a folder of its own, named as the app names the summary."""
    folder = browser.folder / name
    folder.mkdir()
    path = folder / suggested_name(RICH, "html")
    path.write_text(page, encoding="utf-8")
    return path


# --- printed -------------------------------------------------------------------------------------------------

CM = 72 / 2.54
"""A centimetre in PDF points."""

EDGE = 1 * CM
"""How near a word may come to the paper's edge: printers cannot print the outer few millimetres."""


def _ratings(summary: Summary) -> list[str]:
    """The labels of the progress pictures ("3/10"), one per rating drawn."""
    goals = summary.of_kind(ItemKind.GOAL)
    return sorted(f"{rating}/10" for goal in goals for rating in (goal.first, goal.latest) if rating is not None)


def _wordings(summary: Summary) -> list[str]:
    return [item.text for item in summary.items if item.text]


def _browser_marks(printed: Printed, page: Path) -> list[str]:
    """What a browser adds when it prints a page in its margins: the page's address, its title, the date and
    time, page numbers. Empty when nothing of the kind was printed."""
    text = printed.text
    marks = [f"the file's address or name: {found!r}" for found in ("file:", page.name) if found in text]
    if text.count("Coaching summary") != 1:
        marks.append(f"the title {text.count('Coaching summary')} times, where the page shows it once")
    time = re.search(r".{0,20}\b\d{1,2}:\d{2}\b.{0,10}", text)
    if time:
        marks.append(f"a time of day: {time[0]!r}")
    fractions = sorted(re.findall(r"\d+/\d+", text))
    if fractions != _ratings(RICH):
        marks.append(f"numbers with a slash other than the ratings (a date, page numbers): {fractions}")
    return marks


@pytest.fixture(scope="module")
def printed(browser: Browser) -> tuple[Printed, Path]:
    page = _written(browser, "printed", render(RICH, "html").decode("utf-8"))
    return browser.read_pdf(browser.print_pdf(page)), page


def test_the_printed_summary_holds_every_wording_and_rating_whole(printed: tuple[Printed, Path]) -> None:
    pdf, _ = printed
    assert len(pdf.pages) >= 2  # a second page, whose header and footer are looked for too
    missing = [wording for wording in _wordings(RICH) if _read(wording) not in pdf.text]
    assert not missing, f"not printed whole: {missing}\nprinted: {pdf.text}"
    ratings = re.findall(r"(?<![\d/])\d+/10(?![\d/])", pdf.text)
    assert sorted(ratings) == _ratings(RICH)  # "10/10" and "3/10" among them, each whole
    assert {"10/10", "3/10"} <= set(ratings)


def test_the_browser_prints_no_header_or_footer(printed: tuple[Printed, Path]) -> None:
    pdf, page = printed
    marks = _browser_marks(pdf, page)
    assert not marks, "printed as well as the page:\n" + "\n".join(marks)


def test_printed_words_keep_clear_of_the_paper_edges(printed: tuple[Printed, Path]) -> None:
    pdf, _ = printed
    lines: dict[tuple[int, int], list[Word]] = {}
    for number, page in enumerate(pdf.pages, start=1):
        for word in page.words:
            if min(word.left, word.top, page.width - word.right, page.height - word.bottom) < EDGE:
                lines.setdefault((number, round(word.top)), []).append(word)
    too_near = [
        f"page {number}, {top / CM:.1f} cm from the top: {' '.join(word.text for word in words)}"
        for (number, top), words in lines.items()
    ]
    heading = f"within {EDGE / CM:.0f} cm of the paper's edge, where printers cut off:"
    assert not too_near, "\n".join([heading, *too_near])


def test_without_its_page_rule_the_browser_header_and_footer_would_show(browser: Browser) -> None:
    """The check above can fail: the same page without its `@page` rule prints the browser's header and footer."""
    page, removed = re.subn(r"@page\s*\{[^}]*\}", "", render(RICH, "html").decode("utf-8"))
    assert removed == 1
    path = _written(browser, "no-page-rule", page)
    marks = _browser_marks(browser.read_pdf(browser.print_pdf(path)), path)
    assert any("file:" in mark for mark in marks), marks


# --- on screen -----------------------------------------------------------------------------------------------

MEASURE = """
addEventListener("load", () => document.fonts.ready.then(() => {
  const problems = [];
  const named = (element) =>
    element.tagName.toLowerCase() + " " + JSON.stringify(element.textContent.trim().slice(0, 50));
  const root = document.documentElement;
  if (root.scrollWidth > root.clientWidth) {
    problems.push("the page is wider than the screen: " + root.scrollWidth + " > " + root.clientWidth + " px");
  }
  for (const element of document.body.querySelectorAll("*")) {
    if (element.closest("svg") || getComputedStyle(element).display === "inline") continue;
    if (element.scrollWidth > element.clientWidth) {
      problems.push(named(element) + " overflows: " + element.scrollWidth + " > " + element.clientWidth + " px");
    }
  }
  let texts = 0;
  for (const svg of document.querySelectorAll("svg")) {
    const box = svg.getBoundingClientRect();
    const view = svg.viewBox.baseVal;
    for (const text of svg.querySelectorAll("text")) {
      texts += 1;
      const drawn = text.getBoundingClientRect();
      const own = text.getBBox();
      const outside = drawn.left < box.left - 0.5 || drawn.right > box.right + 0.5
        || drawn.top < box.top - 0.5 || drawn.bottom > box.bottom + 0.5
        || own.x < view.x || own.y < view.y
        || own.x + own.width > view.x + view.width || own.y + own.height > view.y + view.height;
      if (outside) problems.push(named(text) + " is cut off by its picture");
    }
  }
  parent.postMessage(JSON.stringify({ width: root.clientWidth, texts: texts, problems: problems }), "*");
}));
"""
"""Measures, once laid out, what overflows its box, and sends it to the page the summary is shown in."""

FRAME = """<!DOCTYPE html>
<html><head><meta charset="utf-8"></head><body style="margin: 0">
<iframe style="border: 0; width: {width}px; height: 800px" srcdoc="{page}"></iframe>
<script>
addEventListener("message", (event) => {{
  const result = document.createElement("pre");
  result.id = "measured";
  result.textContent = event.data;
  document.body.append(result);
}});
</script>
</body></html>
"""
"""A screen `width` CSS pixels wide (a frame: Chromium's own window is at least 500 wide) showing the summary."""

SCREENS = {"phone": 360, "desktop": 1280}


def _measured_copy(page: str) -> str:
    """The page with the measuring script, which its Content-Security-Policy is relaxed to allow (and only that)."""
    policy = re.compile(r'(<meta http-equiv="Content-Security-Policy" content=")([^"]*)(")')
    assert len(policy.findall(page)) == 1
    page = policy.sub(lambda found: found[1] + found[2] + "; script-src 'unsafe-inline'" + found[3], page)
    return page.replace("</body>", f"<script>{MEASURE}</script>\n</body>", 1)


def _measure(browser: Browser, name: str, page: str, width: int) -> tuple[int, list[str]]:
    """How many texts the progress pictures hold, and what is cut off, on a screen `width` pixels wide."""
    frame = _written(browser, name, FRAME.format(width=width, page=html.escape(_measured_copy(page), quote=True)))
    window = f"--window-size={width + 100},900"
    dom = browser.run(window, "--hide-scrollbars", "--virtual-time-budget=10000", "--dump-dom", frame.as_uri())
    found = re.search(r'<pre id="measured">(.*?)</pre>', dom, re.DOTALL)
    assert found, f"the page was not measured (its script did not run): {dom[-500:]}"
    result = json.loads(html.unescape(found[1]))
    assert result["width"] == width  # the summary was laid out as wide as the screen asked for
    return result["texts"], result["problems"]


@pytest.mark.parametrize("screen", SCREENS)
def test_no_text_is_cut_off_on_screen(browser: Browser, screen: str) -> None:
    texts, problems = _measure(browser, f"screen-{screen}", render(RICH, "html").decode("utf-8"), SCREENS[screen])
    assert texts == 2 * len(_ratings(RICH))  # a name ("First") and a rating ("3/10") for each rating drawn
    assert not problems, "\n".join(problems)


def test_a_picture_too_narrow_for_its_rating_is_caught(browser: Browser) -> None:
    """The check above can fail: progress pictures made narrower than their ratings cut them off."""
    picture = re.compile(r'<svg width="(\d+)" (height="\d+") viewBox="0 0 (\d+) ')
    page, narrowed = picture.subn(
        lambda found: f'<svg width="{int(found[1]) - 40}" {found[2]} viewBox="0 0 {int(found[3]) - 40} ',
        render(RICH, "html").decode("utf-8"),
    )
    assert narrowed == len([goal for goal in RICH.of_kind(ItemKind.GOAL) if goal.first is not None])
    _, problems = _measure(browser, "narrowed-pictures", page, SCREENS["desktop"])
    assert any('"10/10" is cut off' in problem for problem in problems), problems
