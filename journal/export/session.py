"""One sponsor summary being prepared, from the first proposal to the file: the flow every face drives.

The command line and the app only show what a session holds and pass on what the coachee
decides; the rules (what is ticked, what the linter holds back, what is remembered) live here::

    session = ExportSession.start(journal, engagement, "last quarter")
    session.tick("themes")
    session.set_wording("theme:3f9a", "Empowering the team")
    check = session.check()                # built and linted: findings, items left out, warnings
    session.keep(check.flags[0].code)      # a blocking finding the coachee keeps, knowingly
    data = session.preview()               # the exact bytes
    done = session.write(path, recipient="Dee")    # or session.show(): logged either way

Writing or showing logs the export (with its overrides, kept findings, warnings and private
wordings), then remembers (encrypted, in the journal) the findings kept, and, only when the
coachee asked (`remember_wordings`), the sponsor wordings written for the items that went out,
kept for this engagement alone, so its next summary starts from them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from journal.dates import DateRange
from journal.export.errors import FindingsUnanswered, ItemError, ItemNote
from journal.export.linter import Finding, Linter, Rule
from journal.export.log import Disclosure, export_summary, show_summary
from journal.export.period import WHOLE_ENGAGEMENT, parse_period
from journal.export.proposal import Choice, Item, Proposal, keep_wordings, propose
from journal.export.render import DEFAULT_FORMAT, render, suggested_name
from journal.export.review import Review, dismissed_findings, keep_findings, review_summary
from journal.export.summary import ItemKind, Summary, Variant
from journal.export.write import DEFAULT_MODE
from journal.models import Engagement, ExportRecord, LintDismissal
from journal.store import Journal


@dataclass(frozen=True)
class Flag:
    """One finding of the linter in one item, with where it stands in this export."""

    item: Item
    code: str
    """What the coachee gives back to keep it (`finding_code`)."""
    finding: Finding
    kept_before: bool
    """Kept on an earlier export of the engagement: it no longer holds anything back."""
    kept_now: bool
    """Kept by the coachee for this export."""
    holds_back: bool
    """It keeps its item out of the summary: blocking, and kept neither before nor now."""

    @property
    def unacknowledged(self) -> bool:
        """A sensitive topic the coachee has not yet said may go out as written (kept neither before nor now):
        a warning, but one that needs an answer before the summary is written."""
        return self.finding.rule is Rule.SENSITIVE and not (self.kept_before or self.kept_now)


@dataclass(frozen=True)
class Check:
    """The summary the current choice builds, linted: exactly what would leave, and what is held back and why."""

    summary: Summary
    """What would leave: the ticked items, in their wordings, without those the linter holds back."""
    review: Review
    flags: tuple[Flag, ...]
    """Every finding, item by item, in the order the items were linted."""
    left_out: tuple[Item, ...]
    """Ticked items the linter holds back until they are reworded or their findings kept."""
    notes: tuple[ItemNote, ...]
    """What the coachee should know before approving (beyond-level items, private wordings)."""
    kept: tuple[str, ...]
    """Codes of the findings kept for this export."""
    private_wordings: tuple[Item, ...] = ()
    """Items that go out in the journal's private wording, chosen explicitly."""

    @property
    def warnings(self) -> tuple[str, ...]:
        """The notes as the command line and the log give them: items named by id."""
        return tuple(str(note) for note in self.notes)

    @property
    def unanswered(self) -> tuple[Flag, ...]:
        """Findings to answer before anything leaves: each blocking one that holds its item back (an item is never
        dropped silently: reword it, untick it or keep the finding) and each sensitive topic not acknowledged."""
        return tuple(flag for flag in self.flags if flag.holds_back or flag.unacknowledged)

    def require_answers(self) -> None:
        """Refuse while a finding has no answer (see `unanswered`).

        Raises:
            FindingsUnanswered: naming the findings by code, never by their text.
        """
        if unanswered := self.unanswered:
            codes = ", ".join(flag.code for flag in unanswered)
            raise FindingsUnanswered(
                f"{len(unanswered)} finding(s) need an answer before anything leaves ({codes}): reword or untick "
                "the item, or keep the finding."
            )


@dataclass(frozen=True)
class Done:
    """What leaving the journal did: the log entry, and what was remembered for the next export."""

    record: ExportRecord
    kept: tuple[LintDismissal, ...]
    """Findings remembered as kept (those kept before are not saved twice)."""
    reworded: tuple[Item, ...]
    """Items whose new sponsor wording was kept for the engagement's next summaries (only when asked)."""


def resolve_destination(output: Path | None, name: str, *, folder: Path) -> Path:
    """The file an export goes to: `output` itself, or `name` inside it when it is a folder.

    Args:
        output: the file or folder the coachee gave, if any.
        name: the file's name when `output` is a folder or missing.
        folder: where the file goes when no output was given.
    """
    if output is None:
        return folder / name
    return output / name if output.is_dir() else output


class ExportSession:
    """The sponsor summary of one engagement over one period, as the coachee chooses, words and checks it."""

    def __init__(self, journal: Journal, engagement: Engagement, period: DateRange, *, linter: Linter | None = None):
        """Propose the items of `engagement` over `period`; only the L0 logistics start ticked.

        Args:
            journal: the unlocked journal.
            engagement: whose summary (a saved engagement).
            period: which days; clipped to the engagement's dates.
            linter: the coachee's linter, when the caller already has one (`Linter.for_journal`).
        Raises:
            InvalidInput: the period does not overlap the engagement.
        """
        self.journal = journal
        self.engagement = engagement
        self.proposal: Proposal = propose(journal, engagement, period)
        self.linter = linter or Linter.for_journal(journal)
        self.format = DEFAULT_FORMAT
        """"markdown", "json", "html" or "text": what the preview shows and the file holds."""
        self._ticked: set[str] = set(self.proposal.default_choice().ticked)
        self._override: set[str] = set()
        self._variant = Variant.SUMMARY
        self.remember_wordings = False
        """Keep the wordings written in this session for the engagement's next summaries (the coachee's say)."""
        self._wording: dict[str, str] = {}
        self._private: set[str] = set()
        self._kept: set[str] = set()
        self._checked: Check | None = None
        self._ready: tuple[Check, tuple[ItemError, ...]] | None = None

    @classmethod
    def start(
        cls, journal: Journal, engagement: Engagement, period: str = WHOLE_ENGAGEMENT, *, linter: Linter | None = None
    ) -> ExportSession:
        """A session over the period the coachee named ("last quarter", "Q3 2026", "engagement").

        Raises:
            InvalidInput: a period Candour does not read, or one outside the engagement.
        """
        return cls(journal, engagement, parse_period(period, journal.clock, engagement), linter=linter)

    # --- what the coachee chose -----------------------------------------------------------------

    @property
    def items(self) -> tuple[Item, ...]:
        """Every item the coachee could tick, in the order they are offered."""
        return self.proposal.items

    @property
    def ticked(self) -> frozenset[str]:
        """The ids of the ticked items."""
        return frozenset(self._ticked)

    @property
    def wording(self) -> Mapping[str, str]:
        """Item id → the wording for the sponsor written in this session."""
        return dict(self._wording)

    @property
    def use_private(self) -> frozenset[str]:
        """Items to send in their private wording, chosen explicitly."""
        return frozenset(self._private)

    @property
    def kept(self) -> tuple[str, ...]:
        """Codes of the findings kept for this export; a finding the last check no longer found is dropped."""
        return tuple(sorted(self._kept))

    @property
    def overridden(self) -> frozenset[str]:
        """The items allowed above the agreed sharing level, each chosen explicitly."""
        return frozenset(self._override)

    def allow_beyond_level(self, reference: str, allowed: bool = True) -> None:
        """Let the items a reference names go above the agreed sharing level (or stop letting them): one by one,
        never the agreement as a whole; the summary states each.

        Raises:
            InvalidInput: the reference names nothing, or several items by one prefix.
        """
        ids = {item_id for item_id in self._ids(reference) if self.proposal.item(item_id).above_level}
        self._override = self._override | ids if allowed else self._override - ids
        self._changed()

    @property
    def variant(self) -> Variant:
        """A summary, or the mid-point or final three-way review."""
        return self._variant

    @variant.setter
    def variant(self, variant: Variant) -> None:
        self._variant = variant
        self._changed()

    def choice(self) -> Choice:
        """The coachee's decisions so far, as `Proposal.build` takes them."""
        return Choice(
            frozenset(self._ticked),
            frozenset(self._override),
            dict(self._wording),
            frozenset(self._private),
            self._variant,
        )

    def tick(self, reference: str) -> None:
        """Tick the items a reference names: an id, a unique id prefix, "themes", "goals", "statements" or "all".

        Raises:
            InvalidInput: the reference names nothing, or several items by one prefix.
        """
        self._ticked |= self._ids(reference)
        self._changed()

    def untick(self, reference: str) -> None:
        """Untick the items a reference names (see `tick`)."""
        self._ticked -= self._ids(reference)
        self._changed()

    def choose(self, item_ids: Iterable[str]) -> None:
        """Tick exactly these items (as a list of checkboxes holds them).

        Raises:
            InvalidInput: an id that is not an item of this summary.
        """
        chosen = {self.proposal.item(item_id).item_id for item_id in item_ids}
        self._ticked = chosen
        self._changed()

    def set_wording(self, reference: str, text: str) -> None:
        """Word the items a reference names for the sponsor (checked when the summary is built)."""
        for item_id in self._ids(reference):
            self._wording[item_id] = text
        self._changed()

    def clear_wording(self, reference: str) -> None:
        """Go back to the stored wording of the items a reference names."""
        for item_id in self._ids(reference):
            self._wording.pop(item_id, None)
        self._changed()

    def send_private(self, reference: str, chosen: bool = True) -> None:
        """Send (or stop sending) the items a reference names in their private wording, despite the warning."""
        ids = self._ids(reference)
        self._private = self._private | ids if chosen else self._private - ids
        self._changed()

    def keep(self, *codes: str) -> None:
        """Keep findings for this export: their items go out as worded, and they are remembered once it is done.

        Raises:
            InvalidInput: a code that names no finding of the current summary.
            LevelExceeded, WordingNeeded: the current choice builds no summary (see `check`).
        """
        self._kept |= self._known(codes)
        self._changed()

    def set_kept(self, codes: Iterable[str]) -> None:
        """Keep exactly these findings (as a list of checkboxes holds them); see `keep`."""
        self._kept = self._known(codes)
        self._changed()

    def _ids(self, reference: str) -> set[str]:
        return {item.item_id for item in self.proposal.resolve(reference)}

    def _known(self, codes: Iterable[str]) -> set[str]:
        wanted = [code.strip().lower() for code in codes]
        if wanted:
            self.check().review.resolve(wanted)  # every code must name a finding the coachee was shown
        return set(wanted)

    def _changed(self) -> None:
        self._checked = None
        self._ready = None

    # --- what would leave -------------------------------------------------------------------------

    def check(self) -> Check:
        """Build the summary from the choice and lint exactly the words that would leave.

        A kept finding that the summary no longer has (its item reworded or unticked) is no longer kept:
        keeping names one finding, not a code to reuse for another.

        Raises:
            InvalidInput: a wording that is empty, too long, or given for a fact.
            LevelExceeded: an item above the agreed level without the override.
            WordingNeeded: an item with no wording for the sponsor yet.
        """
        if self._checked is None:
            self._checked = self._check()
        return self._checked

    def check_ready(self) -> tuple[Check, tuple[ItemError, ...]]:
        """The check of the ticked items that can go in now, and why each other ticked item cannot yet.

        For a preview while the coachee is still answering: `write` and `show` take `check`, which refuses
        the whole choice while anything ticked is waiting, so nothing ticked is ever dropped silently.
        """
        if self._ready is None:
            choice = self.choice()
            waiting = tuple(self.proposal.waiting(choice))
            ready = replace(choice, ticked=choice.ticked - {error.note.item_id for error in waiting})
            self._ready = (self.check() if not waiting else self._check(ready, drop_stale=False)), waiting
        return self._ready

    def _check(self, choice: Choice | None = None, *, drop_stale: bool = True) -> Check:
        choice = choice or self.choice()
        built = self.proposal.build(choice)
        review = review_summary(built, self.linter, dismissed_findings(self.journal, self.proposal.engagement_id))
        codes = review.codes()
        kept = self._kept & codes.keys()
        if drop_stale:
            self._kept = kept
        blocked = review.blocking(kept)
        flags = tuple(
            Flag(
                item=self.proposal.item(item_id),
                code=code,
                finding=finding,
                kept_before=review.is_dismissed(item_id, finding),
                kept_now=code in kept,
                holds_back=finding in blocked.get(item_id, ()),
            )
            for code, (item_id, finding) in codes.items()
        )
        return Check(
            summary=built.without(blocked),
            review=review,
            flags=flags,
            left_out=tuple(self.proposal.item(item_id) for item_id in blocked),
            notes=tuple(self.proposal.notes(choice)),
            kept=tuple(code for code in codes if code in kept),
            private_wordings=tuple(item for item in self.items if self.proposal.sends_private(item, choice)),
        )

    def preview(self, check: Check | None = None) -> bytes:
        """The exact bytes a file would hold (and a showing would show), in the session's format: of `check`'s
        summary (e.g. `check_ready`'s), else of the whole choice."""
        return render((check or self.check()).summary, self.format)

    def suggested_name(self) -> str:
        """A file name for the summary in the session's format ("coaching-summary-2026-09-30.md")."""
        return suggested_name(self.check().summary, self.format)

    def destination(self, output: Path | None, *, folder: Path) -> Path:
        """The file to write: `output`, or the suggested name inside it when it is a folder (or inside `folder`)."""
        return resolve_destination(output, self.suggested_name(), folder=folder)

    def recipient(self, given: str = "") -> str:
        """For whom, as the log records it: the name given, else the engagement's sponsor."""
        return given.strip() or self.engagement.sponsor or "sponsor"

    # --- leaving the journal ----------------------------------------------------------------------

    def write(
        self, destination: Path, *, recipient: str = "", overwrite: bool = False, mode: int = DEFAULT_MODE
    ) -> Done:
        """Log the previewed bytes, write them to `destination` (atomically, owner-only), confirm, then remember.

        Raises:
            ExportExists, StorageError: see `write_logged`; no file is written and nothing is remembered then.
            ExportUnconfirmed: the file is written but its entry stays unconfirmed; nothing is remembered.
            LevelExceeded, WordingNeeded, InvalidInput: see `check`.
            FindingsUnanswered: a finding holds an item back or a sensitive topic is not acknowledged.
        """
        check = self.check()
        check.require_answers()
        record = export_summary(
            self.journal,
            check.summary,
            self.format,
            destination,
            recipient=self.recipient(recipient),
            disclosure=self._disclosure(check),
            overwrite=overwrite,
            mode=mode,
        )
        return self._remember(check, record)

    def show(self, *, recipient: str = "") -> tuple[bytes, Done]:
        """Log a showing on screen only (for a three-way meeting), then remember; no file is written.

        Returns:
            The bytes to show, and what was done.
        Raises:
            LevelExceeded, WordingNeeded, InvalidInput: see `check`.
            FindingsUnanswered: a finding holds an item back or a sensitive topic is not acknowledged.
        """
        check = self.check()
        check.require_answers()
        data, record = show_summary(
            self.journal,
            check.summary,
            self.format,
            recipient=self.recipient(recipient),
            disclosure=self._disclosure(check),
        )
        return data, self._remember(check, record)

    def _disclosure(self, check: Check) -> Disclosure:
        """What the log records beside the items: each override, finding kept, warning and private wording."""
        beyond = [item.describe() for item in check.summary.items if item.beyond_level]
        kept = [f"{flag.item.short_id}: {flag.finding.describe()}" for flag in check.flags if flag.code in check.kept]
        kept += [
            f"{flag.item.short_id}: {flag.finding.describe()} (kept before)" for flag in check.flags if flag.kept_before
        ]
        private = [item.short_id for item in check.private_wordings if item.item_id in check.summary.ids]
        return Disclosure(tuple(beyond), tuple(kept), check.warnings, tuple(private))

    def _remember(self, check: Check, record: ExportRecord) -> Done:
        """After the coachee approved: the findings kept, and, when asked, the wordings written for items that
        went out."""
        kept = keep_findings(self.journal, self.proposal.engagement_id, check.review, check.kept)
        reworded: list[Item] = []
        if self.remember_wordings:
            sent = {
                item_id: text
                for item_id, text in self._wording.items()
                if item_id in check.summary.ids and self.proposal.item(item_id).kind is not ItemKind.COACH
            }
            reworded = keep_wordings(self.journal, self.proposal, sent)
        self._changed()  # what was kept now counts as kept before
        return Done(record, tuple(kept), tuple(reworded))


__all__ = ["Check", "Done", "ExportSession", "Flag", "resolve_destination"]
