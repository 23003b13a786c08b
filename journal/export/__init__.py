"""The sponsor summary and the personal export: propose, choose, lint, preview, write atomically, log.

The flow, the same in the app and on the command line::

    proposal = propose(journal, engagement, parse_period("last quarter", journal.clock, engagement))
    choice = Choice(proposal.default_choice().ticked | {"theme:..."}, wording={"label": "Leadership coaching"})
    summary = proposal.build(choice)                      # LevelExceeded, WordingNeeded
    review = review_summary(summary, Linter.for_journal(journal), dismissed_findings(journal, proposal.engagement_id))
    summary = summary.without(review.blocking(kept=codes))
    preview = render(summary, "markdown")                 # the exact bytes
    export_summary(journal, summary, "markdown", path, recipient="Acme")   # written atomically, then logged
"""

from journal.export.errors import ExportExists, LevelExceeded, WordingNeeded
from journal.export.linter import Finding, Linter, Rule, Severity, TermPack, WordList, default_packs, default_words
from journal.export.log import export_log, export_summary, sha256_hex, show_summary
from journal.export.period import PERIOD_EXAMPLES, WHOLE_ENGAGEMENT, parse_period
from journal.export.personal import PERSONAL_FORMATS, WARNING, export_everything, render_everything
from journal.export.proposal import DEFAULT_TICKED, Choice, Item, Proposal, propose, remember_wording
from journal.export.render import (
    APPROVAL,
    CONFIDENTIALITY,
    DEFAULT_FORMAT,
    FORMAT_SUFFIXES,
    SCHEMA_ID,
    SCHEMA_VERSION,
    render,
    suggested_name,
)
from journal.export.review import Review, dismissed_findings, finding_code, keep_findings, review_summary
from journal.export.summary import (
    ItemKind,
    Origin,
    Summary,
    SummaryItem,
    Trend,
    describe_months,
    describe_period,
    describe_progress,
    describe_sessions,
)
from journal.export.text import neutralise
from journal.export.write import DEFAULT_MODE, TEMPORARY_SUFFIX, clean_leftovers, write_export
from journal.models import EXPORT_FORMATS, ConfidentialTerm, ExportRecord, LintDismissal

__all__ = [
    "APPROVAL",
    "CONFIDENTIALITY",
    "DEFAULT_FORMAT",
    "DEFAULT_MODE",
    "DEFAULT_TICKED",
    "EXPORT_FORMATS",
    "FORMAT_SUFFIXES",
    "PERIOD_EXAMPLES",
    "PERSONAL_FORMATS",
    "SCHEMA_ID",
    "SCHEMA_VERSION",
    "TEMPORARY_SUFFIX",
    "WARNING",
    "WHOLE_ENGAGEMENT",
    "Choice",
    "ConfidentialTerm",
    "ExportExists",
    "ExportRecord",
    "Finding",
    "Item",
    "ItemKind",
    "LevelExceeded",
    "LintDismissal",
    "Linter",
    "Origin",
    "Proposal",
    "Review",
    "Rule",
    "Severity",
    "Summary",
    "SummaryItem",
    "TermPack",
    "Trend",
    "WordList",
    "WordingNeeded",
    "clean_leftovers",
    "default_packs",
    "default_words",
    "describe_months",
    "describe_period",
    "describe_progress",
    "describe_sessions",
    "dismissed_findings",
    "export_everything",
    "export_log",
    "export_summary",
    "finding_code",
    "keep_findings",
    "neutralise",
    "parse_period",
    "propose",
    "remember_wording",
    "render",
    "render_everything",
    "review_summary",
    "sha256_hex",
    "show_summary",
    "suggested_name",
    "write_export",
]
