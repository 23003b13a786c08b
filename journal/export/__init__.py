"""The sponsor summary and the personal export: propose, choose, word, lint, keep findings, preview, write, log.

Both faces (the command line and the app) drive one `ExportSession`::

    session = ExportSession.start(journal, engagement, "last quarter")
    session.tick("theme:3f9a")
    session.set_wording("label", "Leadership coaching")
    check = session.check()                   # LevelExceeded, WordingNeeded; findings and items left out
    session.keep(code)                        # a finding kept knowingly (remembered once the export is done)
    preview = session.preview()               # the exact bytes
    done = session.write(path, recipient="Acme")   # written atomically, logged, findings kept
"""

from journal.export.errors import (
    ExportExists,
    ExportUnconfirmed,
    FindingsUnanswered,
    ItemError,
    ItemNote,
    LevelExceeded,
    WordingNeeded,
)
from journal.export.linter import Finding, Linter, Rule, Severity, TermPack, WordList, default_packs, default_words
from journal.export.log import (
    UNCONFIRMED,
    UNCONFIRMED_MEANING,
    Disclosure,
    clean_export_folders,
    export_log,
    export_summary,
    sha256_hex,
    show_summary,
    write_logged,
)
from journal.export.period import PERIOD_EXAMPLES, WHOLE_ENGAGEMENT, parse_period
from journal.export.personal import (
    PERSONAL_FORMATS,
    WARNING,
    everything_for_output,
    export_everything,
    render_everything,
)
from journal.export.preparation import PRIVATE_NOTICE, QUESTIONS, preparation_sheet
from journal.export.proposal import DEFAULT_TICKED, Choice, Item, Proposal, keep_wordings, propose
from journal.export.render import (
    APPROVAL,
    BEYOND_LEVEL,
    CONFIDENTIALITY,
    DEFAULT_FORMAT,
    FORMAT_SUFFIXES,
    SCHEMA_ID,
    SCHEMA_VERSION,
    SHARING_LEVELS,
    render,
    suggested_name,
)
from journal.export.review import (
    Review,
    dismissed_findings,
    finding_code,
    keep_findings,
    kept_finding_key,
    review_summary,
)
from journal.export.session import Check, Done, ExportSession, Flag, resolve_destination
from journal.export.summary import (
    LOOKING_AHEAD_NAMES,
    ItemKind,
    Origin,
    Summary,
    SummaryItem,
    Trend,
    Variant,
    describe_detail,
    describe_months,
    describe_period,
    describe_progress,
    describe_sessions,
    describe_sessions_used,
)
from journal.export.text import neutralise
from journal.export.write import DEFAULT_MODE, TEMPORARY_SUFFIX, check_destination, clean_leftovers, write_export
from journal.models import EXPORT_FORMATS, ConfidentialTerm, ExportRecord, ExportStatus, LintDismissal

__all__ = [
    "APPROVAL",
    "BEYOND_LEVEL",
    "CONFIDENTIALITY",
    "DEFAULT_FORMAT",
    "DEFAULT_MODE",
    "DEFAULT_TICKED",
    "EXPORT_FORMATS",
    "FORMAT_SUFFIXES",
    "LOOKING_AHEAD_NAMES",
    "PERIOD_EXAMPLES",
    "PERSONAL_FORMATS",
    "PRIVATE_NOTICE",
    "QUESTIONS",
    "SCHEMA_ID",
    "SCHEMA_VERSION",
    "SHARING_LEVELS",
    "TEMPORARY_SUFFIX",
    "UNCONFIRMED",
    "UNCONFIRMED_MEANING",
    "WARNING",
    "WHOLE_ENGAGEMENT",
    "Check",
    "Choice",
    "ConfidentialTerm",
    "Disclosure",
    "Done",
    "ExportExists",
    "ExportRecord",
    "ExportSession",
    "ExportStatus",
    "ExportUnconfirmed",
    "Finding",
    "FindingsUnanswered",
    "Flag",
    "Item",
    "ItemError",
    "ItemKind",
    "ItemNote",
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
    "Variant",
    "WordList",
    "WordingNeeded",
    "check_destination",
    "clean_export_folders",
    "clean_leftovers",
    "default_packs",
    "default_words",
    "describe_detail",
    "describe_months",
    "describe_period",
    "describe_progress",
    "describe_sessions",
    "describe_sessions_used",
    "dismissed_findings",
    "everything_for_output",
    "export_everything",
    "export_log",
    "export_summary",
    "finding_code",
    "keep_findings",
    "keep_wordings",
    "kept_finding_key",
    "neutralise",
    "parse_period",
    "preparation_sheet",
    "propose",
    "render",
    "render_everything",
    "resolve_destination",
    "review_summary",
    "sha256_hex",
    "show_summary",
    "suggested_name",
    "write_export",
    "write_logged",
]
