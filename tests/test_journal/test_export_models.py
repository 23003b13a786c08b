"""The record kinds the export adds (confidential terms, kept findings, the export log): validation and round trips."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from journal import EXPORT_FORMATS, ConfidentialTerm, ExportRecord, InvalidInput, LintDismissal, SharingLevel, codec
from journal.search import SearchIndex

IDS = st.binary(min_size=16, max_size=16).map(bytes.hex)
LINES = st.text(max_size=30).filter(lambda text: not any(char in text for char in "\n\r\x85\u2028\u2029"))
RECORD_ID = "5f0c4e8a9b7d4e2f8a1c3b5d7e9f0a1b"


def _export_record(**changes: object) -> ExportRecord:
    fields: dict[str, object] = {
        "exported_at": datetime(2026, 10, 5, 12, 30, 15, 999, tzinfo=UTC),
        "recipient": "Acme",
        "format": "markdown",
        "sha256": "ab" * 32,
        "items": ("label: Leadership coaching",),
        "level": SharingLevel.L2,
        "path": "summary.md",
    }
    fields.update(changes)
    return ExportRecord(**fields)  # type: ignore[arg-type]


def test_an_export_record_is_checked_and_cleaned() -> None:
    record = _export_record()
    assert record.exported_at == datetime(2026, 10, 5, 12, 30, 15)  # wall clock, to the second
    assert repr(record) == "<ExportRecord unsaved>"  # never its content
    for changes in (
        {"format": "pdf"},
        {"sha256": "xyz"},
        {"items": "one"},
        {"shown_only": True},  # shown on screen, yet with a file
        {"override": 1},
        {"level": 2},
        {"recipient": "two\nlines"},
    ):
        with pytest.raises(InvalidInput):
            _export_record(**changes)


@given(
    exported_at=st.datetimes(),
    recipient=LINES,
    format=st.sampled_from(EXPORT_FORMATS),
    digest=st.binary(min_size=32, max_size=32),
    items=st.lists(LINES, max_size=3),
    engagement_id=st.none() | IDS,
    level=st.sampled_from(SharingLevel),
    flags=st.tuples(st.booleans(), st.booleans()),
)
def test_export_records_round_trip(
    exported_at: datetime,
    recipient: str,
    format: str,
    digest: bytes,
    items: list[str],
    engagement_id: str | None,
    level: SharingLevel,
    flags: tuple[bool, bool],
) -> None:
    shown_only, personal = flags
    record = ExportRecord(
        exported_at, recipient, format, digest.hex(), tuple(items), engagement_id, level, flags[0], "",
        shown_only, personal, record_id=RECORD_ID,
    )  # fmt: skip
    assert codec.decode(record.KIND, codec.encode(record), RECORD_ID) == record


WORDS = st.text(st.characters(categories=["L", "N", "P", "Zs"]), min_size=1, max_size=30).map(lambda text: f"w{text}")
"""Printable one-line text that is never blank."""


@given(term=WORDS, item_id=WORDS, key=WORDS, at=st.datetimes())
def test_terms_and_dismissals_round_trip(term: str, item_id: str, key: str, at: datetime) -> None:
    for value in (ConfidentialTerm(term, RECORD_ID), LintDismissal(RECORD_ID, item_id, key, at, RECORD_ID)):
        assert codec.decode(value.KIND, codec.encode(value), RECORD_ID) == value
    with pytest.raises(InvalidInput):
        ConfidentialTerm(" ")


def test_the_new_kinds_are_not_searchable_journal_content() -> None:
    index = SearchIndex()
    index.add([ConfidentialTerm("Project Atlas", RECORD_ID)])
    index.add([_export_record(record_id="1" * 32)])
    assert len(index) == 0
