"""The sponsor summary as bytes: Markdown (the default), JSON, self-contained printable HTML, or plain text.

Rendering is a pure function of a `Summary`, which holds only what the coachee approved;
every piece of text is neutralised (no control or invisible characters, no bidi overrides)
and escaped for the format, so what the coachee previews is exactly what is written.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable
from datetime import date

from journal.dates import format_day
from journal.errors import InvalidInput
from journal.export.summary import (
    LOOKING_AHEAD_NAMES,
    ItemKind,
    Summary,
    SummaryItem,
    describe_months,
    describe_period,
    describe_progress,
    describe_sessions,
    describe_sessions_used,
)
from journal.export.text import neutralise
from journal.models import EXPORT_FORMATS, SharingLevel

DEFAULT_FORMAT = "markdown"

FORMAT_SUFFIXES = {"markdown": ".md", "json": ".json", "html": ".html", "text": ".txt"}
"""The file name ending each format is written with."""

SCHEMA_ID = "candour.sponsor-summary"
"""The `schema` of the JSON format (see SCHEMA.md)."""

SCHEMA_VERSION = 2
"""The `version` of the JSON format; raised whenever a key changes meaning or disappears."""

APPROVAL = "This summary was prepared and approved by the coachee, who chose every item in it and its wording."
"""Stated in every format."""

CONFIDENTIALITY = "Session content stays confidential under the coaching agreement."
"""Stated in every format."""

BEYOND_LEVEL = "shared beyond the agreed level, by the coachee's choice"
"""Said of each item the coachee let in above the agreed sharing level."""

SHARING_LEVELS = {
    SharingLevel.L0: "L0 (logistics only)",
    SharingLevel.L1: "L1 (logistics and themes)",
    SharingLevel.L2: "L2 (themes, goals and progress)",
    SharingLevel.L3: "L3 (themes, goals, progress and the coachee's own statements)",
}
"""The agreed sharing level as every summary states it."""

SECTIONS = {
    "Themes": (ItemKind.THEME,),
    "Goals and progress": (ItemKind.GOAL,),
    "In the coachee's words": (ItemKind.STATEMENT,),
    "Looking ahead": (ItemKind.FOCUS, ItemKind.SUPPORT),
}
"""The heading of each section that lists several items, and the kinds it lists."""

LOGISTICS = (
    ItemKind.PERIOD,
    ItemKind.SESSIONS,
    ItemKind.SESSIONS_USED,
    ItemKind.ENDS,
    ItemKind.SESSION_DATES,
    ItemKind.COACH,
)


def render(summary: Summary, format: str = DEFAULT_FORMAT) -> bytes:
    """The summary in one format, as the exact bytes to preview and write (UTF-8, LF line ends).

    Args:
        summary: what the coachee approved.
        format: "markdown", "json", "html" or "text".
    Raises:
        InvalidInput: an unknown format.
    """
    renderer = _RENDERERS.get(format)
    if renderer is None:
        raise InvalidInput(f"Unknown format {format!r}: use one of {', '.join(EXPORT_FORMATS)}.")
    return renderer(summary).encode("utf-8")


def _prepared(summary: Summary) -> str:
    return f"Prepared on {format_day(summary.prepared_on)}."


def _title(summary: Summary) -> str:
    labels = summary.of_kind(ItemKind.LABEL)
    title = summary.variant.title
    return f"{title}: {neutralise(labels[0].text)}" if labels else title


def _facts(summary: Summary) -> list[tuple[str, str]]:
    """The logistics as (name, value) in words, after the sharing level every summary states."""
    facts = [("Sharing level agreed", SHARING_LEVELS[summary.sharing_level])]
    return facts + [_fact(item) for item in summary.items if item.kind in LOGISTICS]


def _fact(item: SummaryItem) -> tuple[str, str]:
    """A logistics item as (name, value) in words."""
    match item.kind:
        case ItemKind.PERIOD:
            return "Period", describe_period(item.dates)
        case ItemKind.SESSIONS:
            return "Sessions held", describe_sessions(item)
        case ItemKind.SESSIONS_USED:
            return "Sessions used", describe_sessions_used(item)
        case ItemKind.ENDS:
            return "Engagement ends", format_day(item.dates[0])
        case ItemKind.SESSION_DATES:
            return "Session dates", ", ".join(format_day(day) for day in item.dates)
        case _:
            return "Coach", neutralise(item.text)


def _sections(summary: Summary) -> list[tuple[str, list[SummaryItem]]]:
    """Each section that has items: its heading and its items, in order."""
    listed = [(heading, [item for item in summary.items if item.kind in kinds]) for heading, kinds in SECTIONS.items()]
    return [(heading, items) for heading, items in listed if items]


def _leads(item: SummaryItem) -> bool:
    """Whether the item's detail comes before its words (a statement's month, "Focus for the next period")."""
    return item.kind in (ItemKind.STATEMENT, *LOOKING_AHEAD_NAMES)


def _line(item: SummaryItem) -> tuple[str, str]:
    """A theme, goal, statement, focus or request as (wording, its detail), the detail saying when an item was
    shared beyond the agreed level. A theme met between sessions only has no months: its detail may be empty."""
    match item.kind:
        case ItemKind.GOAL:
            detail = describe_progress(item)
        case ItemKind.FOCUS | ItemKind.SUPPORT:
            detail = LOOKING_AHEAD_NAMES[item.kind]
        case _:
            detail = describe_months(item.months)
    if item.beyond_level:
        detail = f"{detail} ({BEYOND_LEVEL})" if detail else BEYOND_LEVEL
    return neutralise(item.text), detail


# --- Markdown ----------------------------------------------------------------------------------

_MARKDOWN_INLINE = re.compile(r"[\\`*_\[\]<~]|&(?=#?[0-9A-Za-z]+;)")
"""What starts emphasis, code, a link, HTML, a strikethrough or an entity anywhere in a line."""

_MARKDOWN_BLOCK = re.compile(r"^(?:[#>+-]|\d+(?=[.)]))")
"""What starts a heading, quote or list where a value begins a list item."""

_HEADING_CLOSE = re.compile(r"(?:^|(?<=[ \t]))#+[ \t]*$")
"""A run of "#" ending a heading after a space: Markdown drops it as the heading's closing sequence."""


def _md(text: str) -> str:
    """Text that Markdown shows as written (no emphasis, links, HTML, entities or blocks of its own), escaping
    only what could start markup: "CFO conflict & possible exit" stays as it reads. Text is one line
    (`neutralise` joins lines)."""
    return _MARKDOWN_BLOCK.sub(_escaped_block_start, _MARKDOWN_INLINE.sub(lambda found: "\\" + found.group(), text))


def _escaped_block_start(found: re.Match[str]) -> str:
    marker = found.group()
    return marker + "\\" if marker[0].isdigit() else "\\" + marker  # "1\." is not a list; "\#" not a heading


def _md_heading(text: str) -> str:
    """`_md` for a heading's text, keeping a trailing "#" run ("Team #") visible."""
    return _HEADING_CLOSE.sub(lambda found: "\\" + found.group(), _md(text))


def _markdown(summary: Summary) -> str:
    lines = [f"# {_md_heading(_title(summary))}", ""]
    lines += [f"- **{name}:** {_md(value)}" for name, value in _facts(summary)]
    for heading, items in _sections(summary):
        lines += ["", f"## {heading}", ""]
        for item in items:
            wording, detail = _line(item)
            if _leads(item):
                lines.append(f"- {_md(detail)}: {_md(wording)}")
            else:
                lines.append(f"- {_md(wording)}" + (f" — {_md(detail)}" if detail else ""))
    lines += ["", "---", "", f"*{_md(APPROVAL)} {_md(CONFIDENTIALITY)} {_md(_prepared(summary))}*"]
    return "\n".join(lines).lstrip("\n") + "\n"


# --- plain text ---------------------------------------------------------------------------------


def _text(summary: Summary) -> str:
    title = _title(summary)
    lines = [title, "=" * len(title), ""]
    lines += [f"{name}: {value}" for name, value in _facts(summary)]
    for heading, items in _sections(summary):
        lines += ["", heading, "-" * len(heading)]
        for item in items:
            wording, detail = _line(item)
            if _leads(item):
                lines.append(f"- {detail}: {wording}")
            else:
                lines.append(f"- {wording}" + (f" ({detail})" if detail else ""))
    lines += ["", APPROVAL, CONFIDENTIALITY, _prepared(summary)]
    return "\n".join(lines) + "\n"


# --- JSON ---------------------------------------------------------------------------------------


def _json(summary: Summary) -> str:
    body: dict[str, object] = {
        "schema": SCHEMA_ID,
        "version": SCHEMA_VERSION,
        "kind": summary.variant.value,
        "sharing_level": summary.sharing_level.name,
        "prepared_on": summary.prepared_on.isoformat(),
        "approved_by": "coachee",
        "notice": f"{APPROVAL} {CONFIDENTIALITY}",
    }
    listed: dict[str, list[dict[str, object]]] = {"themes": [], "goals": [], "statements": [], "looking_ahead": []}
    beyond: list[str] = []
    for item in summary.items:
        if item.beyond_level:
            beyond.append(item.kind.value)
        match item.kind:
            case ItemKind.LABEL:
                body["label"] = neutralise(item.text)
            case ItemKind.PERIOD:
                body["period"] = {"start": item.dates[0].isoformat(), "end": item.dates[-1].isoformat()}
            case ItemKind.SESSIONS:
                body["sessions_held"] = {"count": item.count, "planned": item.planned}
            case ItemKind.SESSIONS_USED:
                remaining = max(item.planned - (item.count or 0), 0) if item.planned else None
                body["sessions_used"] = {"count": item.count, "planned": item.planned, "remaining": remaining}
            case ItemKind.ENDS:
                body["ends_on"] = item.dates[0].isoformat()
            case ItemKind.SESSION_DATES:
                body["session_dates"] = [day.isoformat() for day in item.dates]
            case ItemKind.COACH:
                body["coach"] = neutralise(item.text)
            case ItemKind.THEME:
                listed["themes"].append(
                    {
                        "wording": neutralise(item.text),
                        "months": list(item.months),
                        "beyond_agreed_level": item.beyond_level,
                    }
                )
            case ItemKind.GOAL:
                listed["goals"].append(
                    {
                        "wording": neutralise(item.text),
                        "status": item.status.value if item.status else None,
                        "baseline_rating": item.first,
                        "latest_rating": item.latest,
                        "target_rating": item.target,
                        "trend": item.trend.value if item.trend else None,
                        "beyond_agreed_level": item.beyond_level,
                    }
                )
            case ItemKind.STATEMENT:
                listed["statements"].append(
                    {"month": item.months[0], "text": neutralise(item.text), "beyond_agreed_level": item.beyond_level}
                )
            case ItemKind.FOCUS | ItemKind.SUPPORT:
                listed["looking_ahead"].append(
                    {"kind": item.kind.value, "text": neutralise(item.text), "beyond_agreed_level": item.beyond_level}
                )
    body.update({key: values for key, values in listed.items() if values})  # only what was shared
    if beyond:
        body["beyond_agreed_level"] = sorted(set(beyond))
    return json.dumps(body, ensure_ascii=False, indent=2) + "\n"


# --- HTML ---------------------------------------------------------------------------------------

_STYLE = """
body { font: 11pt/1.5 Georgia, "Times New Roman", serif; color: #1d1d1f; margin: 2.5em auto; max-width: 42em;
       padding: 0 1.5em; overflow-wrap: anywhere; }
h1 { font-size: 1.6em; margin-bottom: 0.6em; }
h2 { font-size: 1.15em; border-bottom: 1px solid #bbb; padding-bottom: 0.2em; margin-top: 1.8em; }
dl { display: grid; grid-template-columns: max-content auto; gap: 0.2em 1.2em; }
dt { font-weight: bold; }
dd { margin: 0; }
ul { padding-left: 1.2em; }
li { margin: 0.5em 0; break-inside: avoid; }
.detail { color: #555; }
svg { display: block; margin-top: 0.3em; }
footer { margin-top: 2.5em; border-top: 1px solid #bbb; padding-top: 0.8em; font-size: 0.9em; color: #444; }
@page { size: A4; margin: 0; }
@media print { body { margin: 0; max-width: none; padding: 1.8cm 2cm; box-decoration-break: clone; }
               a { color: inherit; } }
"""

_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'none'; base-uri 'none'"
"""Nothing in the file may load or send anything: it is read offline and printed."""


def _h(text: str) -> str:
    return html.escape(neutralise(text), quote=True)


def _progress_picture(item: SummaryItem) -> str:
    """A small inline SVG of a goal's baseline, latest and target rating on the 0-10 scale (nothing when none)."""
    candidates = [
        ("Baseline", item.first, "#9aa7b0"),
        ("Latest", item.latest, "#2f6f8f"),
        ("Target", item.target, "#c9a227"),
    ]
    rows = [(name, rating, colour) for name, rating, colour in candidates if rating is not None]
    if not rows:
        return ""
    width, left, bar = 290, 64, 176  # room before the bar for "Baseline", after it for "10/10"
    height = 8 + 20 * len(rows)
    label = ", ".join(f"{name.lower()} {rating}" for name, rating, _ in rows)
    parts = [
        f'<svg width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="Rating out of 10: {label}">'
    ]
    for index, (name, rating, colour) in enumerate(rows):
        y = 4 + 20 * index
        parts += [
            f'<text x="0" y="{y + 12}" font-size="11" fill="#444">{name}</text>',
            f'<rect x="{left}" y="{y}" width="{bar}" height="14" fill="#eceff1"/>',
            f'<rect x="{left}" y="{y}" width="{bar * rating // 10}" height="14" fill="{colour}"/>',
            f'<text x="{left + bar + 6}" y="{y + 12}" font-size="11" fill="#444">{rating}/10</text>',
        ]
    parts.append("</svg>")
    return "".join(parts)


def _html(summary: Summary) -> str:
    title = _h(_title(summary))
    body = [f"<h1>{title}</h1>"]
    facts = _facts(summary)
    body.append("<dl>" + "".join(f"<dt>{_h(name)}</dt><dd>{_h(value)}</dd>" for name, value in facts) + "</dl>")
    for heading, items in _sections(summary):
        body.append(f"<section><h2>{_h(heading)}</h2><ul>")
        for item in items:
            wording, detail = _line(item)
            if _leads(item):
                body.append(f'<li><span class="detail">{_h(detail)}:</span> {_h(wording)}</li>')
            else:
                picture = _progress_picture(item) if item.kind is ItemKind.GOAL else ""
                said = f' <span class="detail">— {_h(detail)}</span>' if detail else ""
                body.append(f"<li>{_h(wording)}{said}{picture}</li>")
        body.append("</ul></section>")
    body.append(f"<footer><p>{_h(APPROVAL)} {_h(CONFIDENTIALITY)}</p><p>{_h(_prepared(summary))}</p></footer>")
    return "\n".join(
        [
            "<!DOCTYPE html>",
            '<html lang="en">',
            "<head>",
            '<meta charset="utf-8">',
            f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f"<title>{title}</title>",
            f"<style>{_STYLE}</style>",
            "</head>",
            "<body>",
            "<main>",
            *body,
            "</main>",
            "</body>",
            "</html>",
            "",
        ]
    )


_RENDERERS: dict[str, Callable[[Summary], str]] = {
    "markdown": _markdown,
    "json": _json,
    "html": _html,
    "text": _text,
}


def suggested_name(summary: Summary, format: str = DEFAULT_FORMAT) -> str:
    """A file name for the summary: "coaching-summary-" and the period's end, or the day it was prepared when that
    comes first (a summary halfway through an engagement is not named after a day still to come)."""
    periods = summary.of_kind(ItemKind.PERIOD)
    day: date = min(periods[0].dates[-1], summary.prepared_on) if periods else summary.prepared_on
    return f"coaching-summary-{day.isoformat()}{FORMAT_SUFFIXES.get(format, '.txt')}"


__all__ = [
    "APPROVAL",
    "BEYOND_LEVEL",
    "CONFIDENTIALITY",
    "DEFAULT_FORMAT",
    "FORMAT_SUFFIXES",
    "SCHEMA_ID",
    "SCHEMA_VERSION",
    "SECTIONS",
    "SHARING_LEVELS",
    "render",
    "suggested_name",
]
