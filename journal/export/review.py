"""The linter's findings on a summary, item by item, and the findings the coachee kept (remembered, encrypted)."""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field

from journal.errors import InvalidInput
from journal.export.linter import Finding, Linter
from journal.export.summary import Summary
from journal.models import LintDismissal
from journal.store import Journal

CODE_LENGTH = 6
"""Hex characters of a finding's code, typed back to keep it (`--keep 3f9a1c`)."""


def finding_code(item_id: str, finding: Finding) -> str:
    """A short code naming one finding in one item, the same on every run while the text says the same thing.

    Args:
        item_id: the summary item.
        finding: a finding in its text.
    """
    digest = hashlib.sha256(f"{item_id}\n{finding.key}".encode()).hexdigest()
    return digest[:CODE_LENGTH]


def kept_finding_key(finding: Finding, wording: str) -> str:
    """What a kept finding is remembered by: what it matched, and the exact wording of its item.

    A finding kept in one wording is not kept in another: "Sarah's feedback" kept once must not let
    "Sarah's PIP and Sarah's sick leave" through. The digest is stored encrypted, with the dismissal.
    """
    return f"{finding.key}|{hashlib.sha256(wording.encode()).hexdigest()}"


@dataclass(frozen=True)
class Review:
    """What the linter found in each item of a summary, and which findings were dismissed before."""

    findings: Mapping[str, tuple[Finding, ...]]
    """Item id → its findings (items with none are absent)."""
    dismissed: frozenset[tuple[str, str]] = frozenset()
    """(item id, kept finding key) pairs the coachee kept on an earlier export (see `kept_finding_key`)."""
    wordings: Mapping[str, str] = field(default_factory=dict)
    """Item id → the exact text linted, for items with findings."""

    def kept_key(self, item_id: str, finding: Finding) -> str:
        """What keeping this finding in this item's current wording is remembered by."""
        return kept_finding_key(finding, self.wordings.get(item_id, ""))

    def is_dismissed(self, item_id: str, finding: Finding) -> bool:
        """Whether the coachee kept this finding, in this item's exact wording, before."""
        return (item_id, self.kept_key(item_id, finding)) in self.dismissed

    def codes(self) -> dict[str, tuple[str, Finding]]:
        """Every finding by its code: code → (item id, finding)."""
        return {
            finding_code(item_id, finding): (item_id, finding)
            for item_id, findings in self.findings.items()
            for finding in findings
        }

    def blocking(self, kept: Collection[str] = ()) -> dict[str, list[Finding]]:
        """Item id → the findings that keep it out: blocking, not dismissed before, and not kept now.

        Args:
            kept: codes of findings the coachee keeps for this export.
        """
        kept_codes = {code.strip().lower() for code in kept}
        blocked: dict[str, list[Finding]] = {}
        for item_id, findings in self.findings.items():
            for finding in findings:
                if not finding.blocks or self.is_dismissed(item_id, finding):
                    continue
                if finding_code(item_id, finding) not in kept_codes:
                    blocked.setdefault(item_id, []).append(finding)
        return blocked

    def resolve(self, kept: Collection[str]) -> list[tuple[str, Finding]]:
        """The findings named by codes the coachee typed.

        Raises:
            InvalidInput: a code that names no finding of this summary.
        """
        codes = self.codes()
        wanted = list(dict.fromkeys(code.strip().lower() for code in kept))
        unknown = [code for code in wanted if code not in codes]
        if unknown:
            raise InvalidInput(f"No finding of this summary has the code {', '.join(unknown)}.")
        return [codes[code] for code in wanted]


def review_summary(summary: Summary, linter: Linter, dismissed: Collection[tuple[str, str]] = ()) -> Review:
    """Lint exactly the words of the summary that would leave, item by item.

    Args:
        summary: the summary as built from the coachee's choice.
        linter: the coachee's linter (`Linter.for_journal`).
        dismissed: findings kept before, as from `dismissed_findings`.
    """
    texts = dict(summary.texts())
    found = {item_id: findings for item_id, text in texts.items() if (findings := linter.lint(text))}
    return Review(found, frozenset(dismissed), {item_id: texts[item_id] for item_id in found})


def dismissed_findings(journal: Journal, engagement_id: str) -> frozenset[tuple[str, str]]:
    """The (item id, finding key) pairs the coachee kept in earlier exports of an engagement."""
    return frozenset(
        (dismissal.item_id, dismissal.finding_key)
        for dismissal in journal.all(LintDismissal)
        if dismissal.engagement_id == engagement_id
    )


def keep_findings(journal: Journal, engagement_id: str, review: Review, codes: Collection[str]) -> list[LintDismissal]:
    """Remember (encrypted, in the journal) that the coachee kept these findings, so they are not raised again.

    Args:
        journal: the unlocked journal.
        engagement_id: the engagement the summary is about.
        review: the review the codes come from.
        codes: the codes of the findings kept.
    Returns:
        The dismissals saved (findings already dismissed are not saved twice).
    Raises:
        InvalidInput: a code names no finding of the review.
    """
    saved = []
    for item_id, finding in review.resolve(codes):
        if review.is_dismissed(item_id, finding):
            continue
        key = review.kept_key(item_id, finding)
        dismissal = LintDismissal(engagement_id, item_id, key, journal.clock.now().replace(tzinfo=None))
        saved.append(journal.save(dismissal))
    return saved


__all__ = [
    "CODE_LENGTH",
    "Review",
    "dismissed_findings",
    "finding_code",
    "keep_findings",
    "kept_finding_key",
    "review_summary",
]
