"""Driving the sponsor summary through each face as a coachee would, and reading back what it left behind.

`run_cli` runs `candour export` once per export (in this process, so that it reads the run's clock);
`run_app` ticks, words and keeps on the export screen under Pilot, waiting each time until the screen's
session has the change. Both return an `Outcome`: the files, what was shown, the export log, the
sponsor wordings and the findings kept.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from textual.pilot import Pilot
from textual.widgets import Checkbox, Input, Select, SelectionList, Static

from journal import CheckIn, Engagement, ExportRecord, FixedClock, Goal, Journal, LintDismissal, SharingLevel, Theme
from journal.export import export_log
from tests.conftest import CHEAP_KDF, CHEAP_LIMITS, PASSPHRASE
from tests.test_journal.test_export_fixtures import TODAY
from tests.test_tui.test_app import unlock, wait_for
from tui.app import make_app
from tui.cli import main
from tui.cli_context import PASSPHRASE_ENV, KdfSettings
from tui.screens.confirm import ConfirmScreen
from tui.screens.export import ExportScreen, ShownSummary
from tui.screens.main import MainScreen

SIZE = (130, 42)

Names = Mapping[str, str]
"""Item ids by the names an `Export` uses ("trust", "goals", "label"), in the journal both faces start from."""


@dataclass(frozen=True)
class Export:
    """One export, as the coachee asks for it. Items are named as in `Names` ("trust", "goals", "label")."""

    tick: tuple[str, ...] = ()
    untick: tuple[str, ...] = ()
    words: tuple[tuple[str, str], ...] = ()
    """(item, the wording for the sponsor written now)."""
    private: tuple[str, ...] = ()
    """Items sent in their private wording, on purpose."""
    keep: tuple[str, ...] = ()
    """The flagged words whose findings the coachee keeps ("Priya")."""
    beyond: tuple[str, ...] = ()
    """Items let in above the agreed sharing level, one by one."""
    remember: bool = False
    """Keep the wordings written now for the engagement's next summaries."""
    format: str = "markdown"
    recipient: str = ""
    show_only: bool = False
    replace: bool = False
    """Write over the file of an earlier export (the app asks; the command line needs --replace)."""
    refused: str = ""
    """When the export must be refused: part of the reason given; nothing is then written or logged."""


@dataclass(frozen=True)
class Logged:
    """One entry of the export log, every field but its id (the file by its name: each face has its own folder)."""

    exported_at: datetime
    recipient: str
    format: str
    sha256: str
    items: tuple[str, ...]
    level: SharingLevel
    override: bool
    file_name: str
    shown_only: bool
    beyond_level: tuple[str, ...]
    kept_findings: tuple[str, ...]
    warnings: tuple[str, ...]
    private_wordings: tuple[str, ...]
    replaced: bool

    @classmethod
    def of(cls, record: ExportRecord) -> Logged:
        file_name = Path(record.path).name if record.path else ""
        return cls(
            record.exported_at,
            record.recipient,
            record.format,
            record.sha256,
            record.items,
            record.level,
            record.override,
            file_name,
            record.shown_only,
            record.beyond_level,
            record.kept_findings,
            record.warnings,
            record.private_wordings,
            bool(record.replaced_by),  # the later entry's id: each face has its own
        )

    def describe(self) -> str:
        """E.g. "file for Acme", "screen for Dana (HR)", "file for Acme +2 beyond", "file for Acme (replaced)"."""
        where = "screen" if self.shown_only else "file"
        beyond = f" +{len(self.beyond_level)} beyond" if self.override else ""
        return f"{where} for {self.recipient}{beyond}" + (" (replaced)" if self.replaced else "")


@dataclass(frozen=True)
class Outcome:
    """What the journal and the disk hold after a face ran a scenario."""

    files: Mapping[str, bytes]
    shown: tuple[bytes, ...]
    log: tuple[Logged, ...]
    """Oldest first."""
    wordings: Mapping[str, str]
    """Each theme's, goal's and check-in's own sponsor wording, by record id."""
    kept_wordings: Mapping[str, str]
    """The engagement's sponsor label ("label") and the wordings kept for its summaries, by item id."""
    kept: frozenset[tuple[str, str]]
    """(item id, finding key) of every finding kept."""
    refusals: tuple[str, ...] = field(compare=False)
    """What the face said when it refused an export (its own words: not compared)."""

    def last_out(self) -> str:
        """The last summary that left: the file written or the summary shown, whichever came last."""
        last = self.log[-1]
        data = self.shown[-1] if last.shown_only else self.files[last.file_name]
        return data.decode("utf-8")


def outcome(path: Path, out: Path, shown: list[bytes], refusals: list[str]) -> Outcome:
    """Read back what a face left in its journal and its folder."""
    with Journal.open(path, PASSPHRASE, limits=CHEAP_LIMITS) as journal:
        log = tuple(Logged.of(record) for record in reversed(export_log(journal)))
        wordings = {theme.saved_id: theme.sponsor_wording for theme in journal.all(Theme)}
        wordings |= {goal.saved_id: goal.sponsor_wording for goal in journal.all(Goal)}
        wordings |= {check_in.saved_id: check_in.sponsor_statement for check_in in journal.all(CheckIn)}
        kept_wordings: dict[str, str] = {}
        for engagement in journal.all(Engagement):
            kept_wordings |= {"label": engagement.sponsor_label} if engagement.sponsor_label else {}
            kept_wordings |= {kept.item_id: kept.text for kept in engagement.wordings}
        kept = frozenset((kept.item_id, kept.finding_key) for kept in journal.all(LintDismissal))
    files = {child.name: child.read_bytes() for child in sorted(out.iterdir())}
    return Outcome(files, tuple(shown), log, wordings, kept_wordings, kept, tuple(refusals))


@dataclass
class Run:
    """One face's copy of the journal, its folder to export into, and its clock."""

    path: Path
    out: Path
    clock: FixedClock = field(default_factory=lambda: FixedClock.on(TODAY))

    def next_moment(self) -> None:
        """Each export an hour after the one before, on both faces alike, so the log has an order."""
        self.clock.advance(timedelta(hours=1))


# --- the command line ----------------------------------------------------------------------------


def run_cli(run: Run, exports: tuple[Export, ...], names: Names, monkeypatch: pytest.MonkeyPatch) -> Outcome:
    # The command line reads the system clock; here it reads the run's, so that both faces stamp the same moments.
    opened_by_the_cli = Journal.open

    def open_on_the_runs_clock(path: Path, passphrase: str, **options: Any) -> Journal:
        return opened_by_the_cli(path, passphrase, **{**options, "clock": run.clock})

    shown: list[bytes] = []
    refusals: list[str] = []
    with monkeypatch.context() as patched:
        patched.setattr(Journal, "open", staticmethod(open_on_the_runs_clock))
        for export in exports:
            run.next_moment()
            args = _cli_args(export, names)
            codes = [_cli_code(run, args, word) for word in export.keep]
            args += [option for code in codes for option in ("--keep", code)]
            args += ["--show"] if export.show_only else ["-o", str(run.out)]
            status, stdout, stderr = _candour(run, [*args, "--yes"])
            if export.refused:
                assert status == 2 and export.refused in stderr, stderr
                refusals.append(stderr)
                continue
            assert status == 0, stderr
            if export.show_only:
                shown.append(stdout)
    return outcome(run.path, run.out, shown, refusals)


def _cli_args(export: Export, names: Names) -> list[str]:
    args = ["export", "--format", export.format]
    args += [option for name in export.tick for option in ("--include", names[name])]
    args += [option for name in export.untick for option in ("--exclude", names[name])]
    for name, wording in export.words:
        args += ["--label", wording] if name == "label" else ["--word", f"{names[name]}={wording}"]
    args += [option for name in export.private for option in ("--private-wording", names[name])]
    args += [option for name in export.beyond for option in ("--override", names[name])]
    args += ["--remember-wordings"] if export.remember else []
    args += ["--replace"] if export.replace else []
    args += ["--for", export.recipient] if export.recipient else []
    return args


def _cli_code(run: Run, args: list[str], word: str) -> str:
    """The code of the finding on `word`, as a coachee learns it: from the report of an export they decline."""
    peek = run.out.parent / "peek"
    peek.mkdir(exist_ok=True)
    _, _, stderr = _candour(run, [*args, "-o", str(peek)], stdin="n\n")
    found = re.search(rf'BLOCKS\s+"{re.escape(word)}":.*\[code ([0-9a-f]+)\]', stderr)
    assert found, stderr
    return found.group(1)


def _candour(run: Run, args: list[str], stdin: str = "") -> tuple[int, bytes, str]:
    """`candour --journal PATH ARGS` in this process: (exit status, standard output, standard error)."""
    kdf = KdfSettings(params=CHEAP_KDF, limits=CHEAP_LIMITS)
    with CliRunner().isolation(input=stdin, env={PASSPHRASE_ENV: PASSPHRASE}) as (stdout, stderr, _):
        try:
            main(["--journal", str(run.path), *args], kdf=kdf)
            status = 0
        except SystemExit as leaving:
            status = int(leaving.code or 0)
        return status, stdout.getvalue(), stderr.getvalue().decode()


# --- the app ---------------------------------------------------------------------------------------


async def run_app(run: Run, exports: tuple[Export, ...], names: Names) -> Outcome:
    shown: list[bytes] = []
    refusals: list[str] = []
    app = make_app(run.path, limits=CHEAP_LIMITS, clock=run.clock)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot, PASSPHRASE)
        for export in exports:
            run.next_moment()
            screen = await _open_export(pilot)
            await _choose(pilot, screen, export, names)
            if export.refused:
                refusals.append(await _refused(pilot, screen))
                assert export.refused in refusals[-1]
            elif export.show_only:
                shown.append(await _show(pilot, screen))
            else:
                await _write(pilot, screen, run.out)
            await wait_for(pilot, lambda: isinstance(app.screen, MainScreen))
    return outcome(run.path, run.out, shown, refusals)


async def _open_export(pilot: Pilot[Any]) -> ExportScreen:
    await pilot.press("x")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, ExportScreen) and pilot.app.screen.data)
    screen = pilot.app.screen
    assert isinstance(screen, ExportScreen)
    return screen


async def _choose(pilot: Pilot[Any], screen: ExportScreen, export: Export, names: Names) -> None:
    """Do on the screen what the export asks, waiting each time until the session has it."""
    session = screen.session
    assert session is not None
    screen.query_one("#recipient", Input).value = export.recipient
    screen.query_one("#format", Select).value = export.format
    await wait_for(pilot, lambda: session.format == export.format)
    screen.query_one("#remember", Checkbox).value = export.remember
    await wait_for(pilot, lambda: session.remember_wordings == export.remember)
    for name, wording in export.words:
        await _word(pilot, screen, names[name], wording)
    for name in export.private:
        await _send_private(pilot, screen, names[name])
    for name in export.tick:
        await _tick(pilot, screen, names[name], True)
    for name in export.untick:
        await _tick(pilot, screen, names[name], False)
    for name in export.beyond:
        await _let_beyond(pilot, screen, names[name])
    for word in export.keep:
        await _keep(pilot, screen, word)


async def _word(pilot: Pilot[Any], screen: ExportScreen, item_id: str, wording: str) -> None:
    await _highlight(pilot, screen, item_id)
    screen.query_one("#wording", Input).value = wording
    await wait_for(pilot, lambda: screen.session is not None and screen.session.wording.get(item_id) == wording)


async def _send_private(pilot: Pilot[Any], screen: ExportScreen, item_id: str) -> None:
    await _highlight(pilot, screen, item_id)
    screen.query_one("#use-private", Checkbox).value = True
    await wait_for(pilot, lambda: screen.session is not None and item_id in screen.session.use_private)


async def _let_beyond(pilot: Pilot[Any], screen: ExportScreen, item_id: str) -> None:
    await _highlight(pilot, screen, item_id)
    screen.query_one("#beyond", Checkbox).value = True
    await wait_for(pilot, lambda: screen.session is not None and item_id in screen.session.overridden)


async def _tick(pilot: Pilot[Any], screen: ExportScreen, item_id: str, ticked: bool) -> None:
    items = screen.query_one("#items", SelectionList)
    if ticked:
        items.select(item_id)
    else:
        items.deselect(item_id)
    await wait_for(pilot, lambda: screen.session is not None and (item_id in screen.session.ticked) == ticked)


async def _highlight(pilot: Pilot[Any], screen: ExportScreen, item_id: str) -> None:
    """Move to an item, until the wording field is the one for it."""
    assert screen.session is not None
    screen.query_one("#items", SelectionList).highlighted = [item.item_id for item in screen.session.items].index(
        item_id
    )
    await wait_for(pilot, lambda: screen.worded_item is not None and screen.worded_item.item_id == item_id)


async def _keep(pilot: Pilot[Any], screen: ExportScreen, word: str) -> None:
    """Tick the finding whose line names the word, as the list of findings shows it."""
    findings = screen.query_one("#findings", SelectionList)
    options = [findings.get_option_at_index(index) for index in range(findings.option_count)]
    (code,) = [str(option.value) for option in options if f'"{word}"' in str(option.prompt)]
    findings.select(code)
    await wait_for(pilot, lambda: screen.session is not None and code in screen.session.kept)


async def _refused(pilot: Pilot[Any], screen: ExportScreen) -> str:
    """What the status line says; asking to write then leaves the screen where it is, and nothing is logged."""
    said = str(screen.query_one("#export-status", Static).render())
    await pilot.press("f5")
    assert pilot.app.screen is screen
    await pilot.press("escape")
    return said


async def _show(pilot: Pilot[Any], screen: ExportScreen) -> bytes:
    await pilot.press("f4")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, ShownSummary))
    modal = pilot.app.screen
    assert isinstance(modal, ShownSummary)
    await pilot.press("escape")
    await wait_for(pilot, lambda: pilot.app.screen is screen)
    await pilot.press("escape")
    return modal.text.encode("utf-8")


async def _write(pilot: Pilot[Any], screen: ExportScreen, folder: Path) -> None:
    screen.query_one("#destination", Input).value = str(folder)  # a folder: the file takes the suggested name
    await pilot.press("f5")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, ConfirmScreen))
    await pilot.click("#yes")
