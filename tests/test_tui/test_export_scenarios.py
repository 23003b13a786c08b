"""The sponsor summary's scenarios, each run through both faces: the command line and the app must end alike.

A scenario is what a coachee asks for, export after export, in words either face understands;
its outcome is what the journal and the disk hold afterwards: the files, what was shown, the
export log, the sponsor wordings stored and the findings kept. Both faces run on copies of one
journal, on clocks that stand at the same moments, so their outcomes must be equal to the byte.
"""

from __future__ import annotations

import shutil
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

import pytest

from journal import SharingLevel
from tests.test_journal.test_export_fixtures import sample_journal
from tests.test_tui.export_faces import Export, Names, Run, outcome, run_app, run_cli


@dataclass(frozen=True)
class Scenario:
    """Exports in a row, and what must hold after the last."""

    name: str
    exports: tuple[Export, ...]
    shares: tuple[str, ...] = ()
    """Words in the last file written or summary shown."""
    withholds: tuple[str, ...] = ()
    """Words absent from it."""
    log: tuple[str, ...] = ()
    """The export log, oldest first: "file for Acme", "screen for Dana (HR)", "+2 beyond" when two items were let
    in above the agreed level, "(replaced)" when a later export wrote over its file."""
    stored: Mapping[str, str] = field(default_factory=dict)
    """Sponsor wordings the engagement keeps afterwards (item → wording, "label" for its sponsor label) beyond those
    it kept before; the wordings on the themes, goals and check-ins themselves never change in an export."""
    kept: tuple[str, ...] = ()
    """Flagged words of the findings remembered as kept."""


SCENARIOS = [
    Scenario(
        "only the logistics leave unless more is ticked",
        (Export(),),
        shares=("Leadership development", "Sessions held:** 3 of 6 planned", "Sharing level agreed"),
        withholds=("Leadership with Ana", "Ana Ruiz", "Empowering the team", "Delegating decisions"),
        log=("file for Acme",),
    ),
    Scenario(
        "ticked items join, a default can be unticked, and a label for the sponsor replaces the journal's title",
        (
            Export(
                tick=("coach", "delegation"),
                untick=("sessions",),
                words=(("label", "Leadership coaching"),),
                recipient="Dana (HR)",
            ),
        ),
        shares=("Leadership coaching", "Ana Ruiz", "Empowering the team"),
        withholds=("Sessions held", "Leadership with Ana", "Leadership development"),
        log=("file for Dana (HR)",),
    ),
    Scenario(
        "a wording written during an export is used once, and not kept unless the coachee asks",
        (
            Export(tick=("trust",), words=(("trust", "Building trust across the team"),)),
            Export(tick=("trust",), show_only=True, refused="no wording for the sponsor"),
        ),
        log=("file for Acme",),
    ),
    Scenario(
        "a wording the coachee asks to keep is kept for the engagement and used by its next export",
        (
            Export(tick=("trust",), words=(("trust", "Building trust across the team"),), remember=True),
            Export(tick=("trust",), show_only=True),
        ),
        shares=("Building trust across the team",),
        log=("file for Acme", "screen for Acme"),
        stored={"trust": "Building trust across the team"},
    ),
    Scenario(
        "a finding kept when the summary is only shown is remembered for the next export",  # the app forgot it
        (
            Export(
                tick=("trust",),
                words=(("trust", "Trust with Priya"),),
                keep=("Priya",),
                show_only=True,
                remember=True,
            ),
            Export(tick=("trust",), format="text"),
        ),
        shares=("Trust with Priya",),
        log=("screen for Acme", "file for Acme"),
        stored={"trust": "Trust with Priya"},
        kept=("Priya",),
    ),
    Scenario(
        "a wording naming someone is never dropped silently, nor stored, until its finding is kept",
        (
            Export(tick=("trust",), words=(("trust", "Trust with Sam"),), show_only=True, refused="need an answer"),
            Export(show_only=True, format="json"),
        ),
        shares=('"sessions_held"',),
        withholds=("Trust with Sam",),
        log=("screen for Acme",),
    ),
    Scenario(
        "items above the agreed level are refused until each is let in, and the file says which",
        (
            Export(tick=("goals", "statements"), beyond=("goals",), refused="above the L1 agreed"),
            Export(tick=("goals", "statements"), beyond=("goals", "statements"), format="html"),
        ),
        shares=("Delegating decisions", "Steady progress on delegation", "beyond the agreed level"),
        log=("file for Acme +2 beyond",),
    ),
    Scenario(
        "a file written over by a later export is marked replaced in the log",
        (Export(), Export(tick=("coach",), replace=True)),
        log=("file for Acme (replaced)", "file for Acme"),
    ),
    Scenario(
        "an item without a sponsor wording is refused, unless its private wording is sent on purpose",
        (
            Export(tick=("trust",), refused="no wording for the sponsor"),
            Export(tick=("trust",), private=("trust",), show_only=True),
        ),
        shares=("Trust —",),
        log=("screen for Acme",),
    ),
]


# --- the journal both faces start from -----------------------------------------------------------


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Names]:
    """The export tests' realistic journal at level L1 (themes may go out; goals and statements need more)."""
    folder = tmp_path_factory.mktemp("prepared")
    sample = sample_journal(folder / "journal.candour", SharingLevel.L1)
    sample.journal.save(replace(sample.engagement, sponsor_label="Leadership development"))
    names = {
        "label": "label",
        "sessions": "sessions",
        "coach": "coach",
        "trust": f"theme:{sample.trust.saved_id}",
        "delegation": f"theme:{sample.delegation.saved_id}",
        "goals": f"goal:{sample.goal.saved_id}",
        "statements": f"statement:{sample.statement.saved_id}",
    }
    sample.journal.close()
    return folder, names


@pytest.fixture
def copies(prepared: tuple[Path, Names], tmp_path: Path) -> dict[str, Run]:
    """A copy of the prepared journal for each face."""
    runs = {}
    for face in ("cli", "app"):
        shutil.copytree(prepared[0], tmp_path / face / "data")
        (tmp_path / face / "out").mkdir()
        runs[face] = Run(tmp_path / face / "data" / "journal.candour", tmp_path / face / "out")
    return runs


# --- the scenarios -------------------------------------------------------------------------------


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[scenario.name for scenario in SCENARIOS])
async def test_both_faces_end_alike(
    scenario: Scenario,
    prepared: tuple[Path, Names],
    copies: dict[str, Run],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    names = prepared[1]
    before = outcome(copies["cli"].path, copies["cli"].out, [], [])
    by_cli = run_cli(copies["cli"], scenario.exports, names, monkeypatch)
    by_app = await run_app(copies["app"], scenario.exports, names)
    assert by_app == by_cli

    last = by_cli.last_out()
    for words in scenario.shares:
        assert words in last
    for words in scenario.withholds:
        assert words not in last
    assert [entry.describe() for entry in by_cli.log] == list(scenario.log)
    assert by_cli.wordings == before.wordings
    kept_now = {names[name]: wording for name, wording in scenario.stored.items()}
    assert by_cli.kept_wordings == {**before.kept_wordings, **kept_now}
    kept_words = sorted(key.partition(":")[2].partition("|")[0] for _, key in by_cli.kept)  # rule:word|wording digest
    assert kept_words == sorted(word.lower() for word in scenario.kept)
    assert len(by_cli.refusals) == sum(bool(export.refused) for export in scenario.exports)
    assert sorted(by_cli.files) == sorted({entry.file_name for entry in by_cli.log if not entry.shown_only})
