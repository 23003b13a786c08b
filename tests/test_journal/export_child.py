"""Child process for the export log's crash and full-disk tests: exports the sample journal's summary.

Usage: python -m tests.test_journal.export_child MODE JOURNAL FOLDER
  loop         print READY, then export summaries into FOLDER forever, printing `LOGGED <name> <sha256>`
               after each export returned
  full-first   fill the journal's disk (RLIMIT_FSIZE) before exporting into FOLDER, print the outcome, then
               write the same bytes alone into FOLDER/room to show that the destination had room
  full-after   fill the journal's disk just after the file is in place, then print the outcome
Outcomes are `OK <sha256>` or `ERROR <class>: <message>`.
"""

from __future__ import annotations

import os
import resource
import signal
import sys
from pathlib import Path

from journal import CandourError, DateRange, Engagement, Journal
from journal.export import DEFAULT_MODE, Choice, Summary, export_summary, propose, render, write_export
from journal.export import log as log_module
from tests.conftest import CHEAP_LIMITS, PASSPHRASE
from tests.test_journal.test_export_fixtures import TODAY

QUARTER = DateRange(TODAY.replace(month=7, day=1), TODAY.replace(month=9, day=30))
"""The period summarised: the sample journal's third quarter."""


def _say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def sponsor_summary(journal: Journal) -> Summary:
    """The summary every export of these tests writes: the default items, with a label for the sponsor."""
    (engagement,) = journal.all(Engagement)
    proposal = propose(journal, engagement, QUARTER)
    return proposal.build(Choice(proposal.default_choice().ticked, wording={"label": "Leadership coaching"}))


def _fill_journal_disk() -> None:
    """From now on the disk refuses every write past the first KiB of a file: SQLite's next page, in the WAL
    or the database, does not fit, while a summary of a few hundred bytes still does."""
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # get EFBIG from write() instead of being killed
    resource.setrlimit(resource.RLIMIT_FSIZE, (1024, 1024))


def _export(journal: Journal, summary: Summary, destination: Path) -> None:
    try:
        record = export_summary(journal, summary, "markdown", destination, recipient="Acme")
    except CandourError as error:
        _say(f"ERROR {type(error).__name__}: {error}")
    else:
        _say(f"OK {record.sha256}")


def loop(journal: Journal, folder: Path) -> None:
    summary, run = sponsor_summary(journal), os.urandom(4).hex()  # names new in every run
    _say("READY")
    n = 0
    while True:
        n += 1
        name = f"summary-{run}-{n}.md"
        record = export_summary(journal, summary, "markdown", folder / name, recipient="Acme")
        _say(f"LOGGED {name} {record.sha256}")


def full_first(journal: Journal, folder: Path) -> None:
    summary = sponsor_summary(journal)
    data = render(summary, "markdown")
    assert len(data) < 1024, "the summary must fit on the journal's nearly full disk"
    _fill_journal_disk()
    _export(journal, summary, folder / "summary.md")
    (folder / "room").mkdir()
    write_export(data, folder / "room" / "summary.md")  # what the export would have written, had it been logged
    _say("ROOM")


def full_after(journal: Journal, folder: Path) -> None:
    # The log's own reference to the writer: the disk fills between the file and the entry's confirmation.
    real_write = log_module.write_export  # type: ignore[attr-defined]

    def write_then_fill(data: bytes, destination: Path, *, overwrite: bool = False, mode: int = DEFAULT_MODE) -> Path:
        written = real_write(data, destination, overwrite=overwrite, mode=mode)
        _fill_journal_disk()
        return written

    log_module.write_export = write_then_fill  # type: ignore[attr-defined]
    _export(journal, sponsor_summary(journal), folder / "summary.md")


if __name__ == "__main__":
    mode, path, destination = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
    opened = Journal.open(path, PASSPHRASE, limits=CHEAP_LIMITS)
    {"loop": loop, "full-first": full_first, "full-after": full_after}[mode](opened, destination)
