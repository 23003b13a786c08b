"""The four formats: what every one states, escaping, neutralised characters, a self-contained HTML page."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from journal import GoalStatus, InvalidInput, SharingLevel
from journal.export import (
    APPROVAL,
    BEYOND_LEVEL,
    CONFIDENTIALITY,
    EXPORT_FORMATS,
    SCHEMA_ID,
    SCHEMA_VERSION,
    ItemKind,
    Origin,
    Summary,
    SummaryItem,
    Variant,
    neutralise,
    render,
    suggested_name,
)

HOSTILE = "<script>alert(1)</script> [link](javascript:x) *bold* & \u202eevil\u202c\x1b[31m \u200bhidden\x00 `code`"


def _summary(*items: SummaryItem) -> Summary:
    return Summary(
        items=items,
        ids=tuple(f"{item.kind.value}:{index}" for index, item in enumerate(items)),
        prepared_on=date(2026, 10, 5),
        origin=Origin("0" * 32, SharingLevel.L3, False),
    )


FULL = _summary(
    SummaryItem(ItemKind.LABEL, "Leadership coaching"),
    SummaryItem(ItemKind.PERIOD, dates=(date(2026, 7, 1), date(2026, 9, 30))),
    SummaryItem(ItemKind.SESSIONS, count=3, planned=6),
    SummaryItem(ItemKind.SESSION_DATES, dates=(date(2026, 7, 3), date(2026, 8, 14))),
    SummaryItem(ItemKind.COACH, "Ana Ruiz"),
    SummaryItem(ItemKind.THEME, "Empowering the team", months=("2026-07", "2026-09")),
    SummaryItem(ItemKind.GOAL, "Delegating decisions", status=GoalStatus.ACTIVE, first=3, latest=7),
    SummaryItem(ItemKind.GOAL, "Speaking up in board meetings", status=GoalStatus.NOT_STARTED),
    SummaryItem(ItemKind.STATEMENT, "Steady progress on delegation", months=("2026-09",)),
)


@pytest.mark.parametrize("format", EXPORT_FORMATS)
def test_every_format_states_approval_and_confidentiality(format: str) -> None:
    for summary in (FULL, _summary()):
        text = render(summary, format).decode("utf-8")
        assert APPROVAL in text and CONFIDENTIALITY in text
        assert text.endswith("\n") and "\r" not in text


def test_markdown_reads_as_a_summary() -> None:
    text = render(FULL).decode()
    assert text.startswith("# Coaching summary: Leadership coaching\n")
    assert "- **Sessions held:** 3 of 6 planned" in text
    assert "- Empowering the team — July and September 2026" in text
    assert "- Delegating decisions — active; 3 → 7 out of 10, up" in text
    assert "- Speaking up in board meetings — not started; not rated yet" in text
    assert "- September 2026: Steady progress on delegation" in text
    assert "- **Sharing level agreed:** L3 (themes, goals, progress and the coachee's own statements)" in text


def test_the_level_variant_overrides_and_what_lies_ahead_are_stated_in_every_format() -> None:
    summary = Summary(
        items=(
            SummaryItem(ItemKind.LABEL, "Leadership coaching"),
            SummaryItem(ItemKind.SESSIONS_USED, count=5, planned=8),
            SummaryItem(ItemKind.ENDS, dates=(date(2026, 12, 31),)),
            SummaryItem(ItemKind.GOAL, "Delegating", status=GoalStatus.ACTIVE, first=3, latest=6, target=8),
            SummaryItem(ItemKind.STATEMENT, "Steady progress", months=("2026-09",), beyond_level=True),
            SummaryItem(ItemKind.FOCUS, "Pace of delivery"),
            SummaryItem(ItemKind.SUPPORT, "Air cover with the board"),
        ),
        ids=("label", "sessions-used", "ends", "goal:1", "statement:1", "focus", "support"),
        prepared_on=date(2026, 10, 5),
        origin=Origin("0" * 32, SharingLevel.L2, True),
        variant=Variant.MID_POINT,
    )
    text = render(summary, "text").decode()
    assert text.startswith("Mid-point review: Leadership coaching\n")
    assert "Sharing level agreed: L2 (themes, goals and progress)" in text
    assert "Sessions used: 5 of 8 (3 remaining)" in text and "Engagement ends: 31 December 2026" in text
    assert "- Delegating (active; 3 → 6 out of 10, up; target 8)" in text
    assert f"- September 2026 ({BEYOND_LEVEL}): Steady progress" in text
    assert "Looking ahead" in text and "- Focus for the next period: Pace of delivery" in text
    assert "- Support I would like from my sponsor: Air cover with the board" in text
    for format in ("markdown", "html"):
        page = render(summary, format).decode()
        assert "Mid-point review" in page and BEYOND_LEVEL.replace("'", "&#x27;" if format == "html" else "'") in page
        assert "Looking ahead" in page and "L2 (themes, goals and progress)" in page
    body = json.loads(render(summary, "json"))
    assert body["kind"] == "mid-point" and body["sharing_level"] == "L2"
    assert body["sessions_used"] == {"count": 5, "planned": 8, "remaining": 3} and body["ends_on"] == "2026-12-31"
    assert body["goals"][0]["baseline_rating"] == 3 and body["goals"][0]["target_rating"] == 8
    assert body["statements"][0]["beyond_agreed_level"] is True and body["beyond_agreed_level"] == ["statement"]
    assert body["looking_ahead"] == [
        {"kind": "focus", "text": "Pace of delivery", "beyond_agreed_level": False},
        {"kind": "support", "text": "Air cover with the board", "beyond_agreed_level": False},
    ]


def _documented_keys(table_heading: str) -> set[str]:
    """The keys a table of `journal/export/SCHEMA.md` documents: the first column of the table after a line."""
    schema = (Path(__file__).parents[2] / "journal" / "export" / "SCHEMA.md").read_text(encoding="utf-8")
    table = schema[schema.index(table_heading) :].split("\n\n")[1]
    return set(re.findall(r"^\| `([a-z_]+)` \|", table, flags=re.MULTILINE))


def test_schema_md_documents_every_key_the_json_has() -> None:
    everything = replace(
        FULL,
        items=(
            *FULL.items,
            SummaryItem(ItemKind.SESSIONS_USED, count=3, planned=6),
            SummaryItem(ItemKind.ENDS, dates=(date(2026, 12, 31),)),
            SummaryItem(ItemKind.FOCUS, "Delegating the budget", beyond_level=True),
        ),
    )
    body = json.loads(render(everything, "json"))
    assert set(body) == _documented_keys("`candour export --format json` writes")
    assert set(body["goals"][0]) == _documented_keys("A goal:")


def test_plain_text_has_no_markup() -> None:
    text = render(FULL, "text").decode()
    assert "**" not in text and "#" not in text
    assert "Coach: Ana Ruiz" in text and "- Delegating decisions (active; 3 → 7 out of 10, up)" in text


def test_json_follows_its_versioned_schema() -> None:
    body = json.loads(render(FULL, "json"))
    assert body["schema"] == SCHEMA_ID and body["version"] == SCHEMA_VERSION == 2
    assert body["kind"] == "summary" and body["sharing_level"] == "L3"
    assert body["approved_by"] == "coachee" and body["prepared_on"] == "2026-10-05"
    assert body["period"] == {"start": "2026-07-01", "end": "2026-09-30"}
    assert body["sessions_held"] == {"count": 3, "planned": 6}
    assert body["themes"] == [
        {"wording": "Empowering the team", "months": ["2026-07", "2026-09"], "beyond_agreed_level": False}
    ]
    assert body["goals"][0] == {
        "wording": "Delegating decisions",
        "status": "active",
        "baseline_rating": 3,
        "latest_rating": 7,
        "target_rating": None,
        "trend": "up",
        "beyond_agreed_level": False,
    }
    assert body["goals"][1]["baseline_rating"] is None and body["goals"][1]["trend"] is None
    assert body["statements"] == [
        {"month": "2026-09", "text": "Steady progress on delegation", "beyond_agreed_level": False}
    ]
    # Only what was shared has a key, and the level agreed, which every summary states.
    assert set(json.loads(render(_summary(), "json"))) == {
        "schema",
        "version",
        "kind",
        "sharing_level",
        "prepared_on",
        "approved_by",
        "notice",
    }


def test_html_is_self_contained_printable_and_draws_each_goal() -> None:
    page = render(FULL, "html").decode()
    assert page.startswith("<!DOCTYPE html>") and "@media print" in page
    assert "@page { size: A4; margin: 0; }" in page  # no room for the browser's header and footer (the file path)
    assert "Content-Security-Policy" in page and "default-src 'none'" in page
    for external in ("http:", "https:", "src=", "href=", "<script", "<link", "url(", "@import"):
        assert external not in page
    assert page.count("<svg") == 1  # one goal was rated; the other has nothing to draw
    assert 'aria-label="Rating out of 10: baseline 3, latest 7"' in page


@pytest.mark.parametrize("format", EXPORT_FORMATS)
def test_user_text_is_neutralised_and_escaped(format: str) -> None:
    summary = _summary(
        SummaryItem(ItemKind.LABEL, HOSTILE),
        SummaryItem(ItemKind.THEME, HOSTILE, months=("2026-07",)),
        SummaryItem(ItemKind.GOAL, HOSTILE, status=GoalStatus.ACTIVE, first=1, latest=2),
        SummaryItem(ItemKind.STATEMENT, HOSTILE, months=("2026-08",)),
    )
    text = render(summary, format).decode()
    for invisible in ("\u202e", "\u202c", "\x1b", "\u200b", "\x00"):
        assert invisible not in text
    if format == "html":
        assert "<script>" not in text and "&lt;script&gt;" in text and "&amp;" in text
    if format == "markdown":
        assert "\\<script>" in text and "\\[link\\]" in text and "\\*bold\\*" in text
        assert _read_markdown(text).tags <= _STRUCTURE  # no script, link or emphasis of the wording's own
    if format == "json":
        assert json.loads(text)["label"] == neutralise(HOSTILE)


def test_neutralise_keeps_words_and_drops_what_hides_or_reorders_them() -> None:
    assert neutralise("  Sa\u200bm\u00ad's\tteam\n\u2066x\u2069 ") == "Sam's team x"
    assert neutralise("Zoe\u0308") == "Zoë"
    assert neutralise("Sam\U000e0041\U000e0042 ok") == "Sam ok"
    assert neutralise("broken \ud800 surrogate") == "broken ? surrogate"
    assert neutralise(neutralise(HOSTILE)) == neutralise(HOSTILE)


def test_an_unknown_format_is_refused() -> None:
    with pytest.raises(InvalidInput):
        render(FULL, "pdf")


def test_suggested_names_end_with_the_period() -> None:
    assert suggested_name(FULL, "html") == "coaching-summary-2026-09-30.html"
    assert re.fullmatch(r"coaching-summary-2026-10-05\.md", suggested_name(_summary()))
    ongoing = _summary(SummaryItem(ItemKind.PERIOD, dates=(date(2026, 9, 1), date(2027, 3, 31))))
    assert suggested_name(ongoing) == "coaching-summary-2026-10-05.md"  # the day it was prepared, not one to come


# --- Markdown as a reader's renderer reads it ------------------------------------------------------

_COMMONMARK = MarkdownIt("commonmark").enable("strikethrough")
"""CommonMark with GitHub's strikethrough: what a sponsor's viewer most likely renders."""

_STRUCTURE = {"h1", "h2", "ul", "li", "strong", "em", "hr", "p"}
"""The only elements the summary's own Markdown makes."""


class _Reading(HTMLParser):
    """The elements and the text a rendered page holds."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: set[str] = set()
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _read_markdown(text: str) -> _Reading:
    reading = _Reading()
    reading.feed(_COMMONMARK.render(text))
    return reading


def test_ordinary_text_in_markdown_has_no_escapes() -> None:
    summary = _summary(
        SummaryItem(ItemKind.GOAL, "Exec coaching yr2 - CFO conflict & possible exit!", status=GoalStatus.ACTIVE)
    )
    text = render(summary).decode()
    assert "- Exec coaching yr2 - CFO conflict & possible exit! — active" in text


@settings(max_examples=300, deadline=None)
@given(
    wording=st.text(
        alphabet=st.sampled_from("#>+-=*_[]()<>`~&;!|\\:/.1 aZé") | st.characters(codec="utf-8"),
        min_size=1,
        max_size=60,
    )
)
@example(wording="#")  # a heading's closing sequence, dropped by Markdown unless escaped
@example(wording="Team # ##")
def test_no_wording_makes_markdown_of_its_own(wording: str) -> None:
    shown = neutralise(wording)
    assume(shown)
    summary = _summary(
        SummaryItem(ItemKind.LABEL, wording),
        SummaryItem(ItemKind.THEME, wording, months=("2026-07",)),
        SummaryItem(ItemKind.GOAL, wording, status=GoalStatus.ACTIVE, first=1, latest=2),
        SummaryItem(ItemKind.STATEMENT, wording, months=("2026-08",)),
    )
    reading = _read_markdown(render(summary).decode())
    assert reading.tags <= _STRUCTURE
    # Each wording reads back exactly as written, once in the title and in each of its three lines.
    assert "".join(reading.text).count(shown) >= 4
