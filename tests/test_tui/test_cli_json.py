"""`--json` on the listing commands, through the real `candour` command: one versioned document (tui/JSON.md),
full text, stable field names; and merging themes and people, with aliases."""

from __future__ import annotations

import dataclasses
import json
import re
import unicodedata
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from journal import Journal, Reflection
from journal.models import MODEL_TYPES
from tests.conftest import unlock
from tests.test_tui.test_cli_entries import ROOT, Candour
from tui.cli_json import JSON_SCHEMA_ID, JSON_SCHEMA_VERSION

LISTING_COMMANDS = ("list", "search", "show", "goals", "actions", "themes", "people", "engagements", "exports")

SCHEMA_DOC = (ROOT / "tui" / "JSON.md").read_text(encoding="utf-8")


def documented_fields() -> dict[str, set[str]]:
    """kind → the field names tui/JSON.md lists for it (the table 'Fields of a record'); nested objects' keys,
    written in parentheses, are not fields of the record."""
    fields: dict[str, set[str]] = {}
    for kind, listed in re.findall(r"^\| `(\w+)` \| (`.*) \|$", SCHEMA_DOC, flags=re.MULTILINE):
        fields[kind] = set(re.findall(r"`(\w+)`", re.sub(r"\([^()]*\)", "", listed)))
    return fields


def document(candour: Candour, command: str, *args: str) -> list[Any]:
    """Run a command with --json; check the document's frame and return its items."""
    result = candour(command, *args, "--json")
    parsed = json.loads(result.stdout)
    assert parsed["schema"] == JSON_SCHEMA_ID and parsed["version"] == JSON_SCHEMA_VERSION
    assert parsed["command"] == command
    items: list[Any] = parsed["items"]
    for item in items:
        assert re.fullmatch(r"[0-9a-f]{32}", str(item["id"])), item
        assert isinstance(item["record"], dict)
    return items


@pytest.fixture
def candour(journal_path: Path) -> Candour:
    """A new journal with one engagement."""
    run = Candour(journal_path)
    run("init")
    run("new", "engagement", "Leadership 2026", "--coach", "Ana Ruiz", "--sponsor", "Acme", "--start", "2026-09-01")
    return run


@pytest.fixture
def coached(candour: Candour, tmp_path: Path) -> Candour:
    """A journal with one of every kind the listing commands print, and one export logged."""
    candour("new", "session", "--date", "2026-09-10", "--agenda", "Delegation")
    candour("add", "--session", "1", "--theme", "Delegation", stdin="Held on to the launch plan.\nAsked @Sam why.\n")
    goal = candour.new_id("new", "goal", "Stop rescuing the team", "--sponsor-wording", "Empowering the team")
    candour("rate", goal, "4", "--note", "slow start", "--date", "2026-09-12")
    candour("rate", goal, "6", "--date", "2026-09-20")
    candour("new", "action", "Ask Sam for feedback", "--due", "2026-09-18")
    candour("new", "template", "Short", "What happened?")
    candour("export-all", str(tmp_path / "mine.json"), "--format", "json", "--yes")
    return candour


def test_every_listing_command_prints_the_documented_document(coached: Candour) -> None:
    documented = documented_fields()
    # Every kind the journal lets a person see is documented, with exactly its fields.
    for model in MODEL_TYPES:
        if model.KIND in documented:
            sealed = {field.name for field in dataclasses.fields(model)} - {"record_id"}
            assert documented[model.KIND] == sealed, model.KIND
    reflection = document(coached, "list")[0]
    seen = {
        "list": [reflection],
        "search": document(coached, "search", "launch"),
        "show": document(coached, "show", str(reflection["id"])),
        "goals": document(coached, "goals"),
        "actions": document(coached, "actions"),
        "themes": document(coached, "themes"),
        "people": document(coached, "people"),
        "engagements": document(coached, "engagements"),
        "exports": document(coached, "exports"),
    }
    assert set(seen) == set(LISTING_COMMANDS)
    for command, items in seen.items():
        assert items, command
        for item in items:
            record = item["record"]
            assert isinstance(record, dict)
            assert set(record) == documented[str(item["kind"])], (command, item["kind"])
    assert seen["search"][0]["id"] == reflection["id"] and "launch" in str(seen["search"][0]["snippet"])
    [goal] = seen["goals"]
    check_ins = goal["check_ins"]
    assert isinstance(check_ins, list)
    assert [(c["record"]["rated_on"], c["record"]["rating"], c["record"]["note"]) for c in check_ins] == [
        ("2026-09-12", 4, "slow start"),
        ("2026-09-20", 6, ""),
    ]
    [action] = seen["actions"]
    assert action["record"] == {
        "text": "Ask Sam for feedback",
        "due_on": "2026-09-18",
        "done": False,
        "session_id": None,
        "goal_id": None,
        "created_on": action["record"]["created_on"],
    }
    assert action["overdue"] is True  # the tests' clock is today, well after the 18 September 2026
    [theme] = seen["themes"]
    assert theme["record"]["label"] == "Delegation" and sum(theme["reflections_by_month"].values()) == 1
    [engagement] = seen["engagements"]
    assert engagement["progress"] == {"held": 1, "cancelled": 0, "planned": None}
    assert [s["record"]["agenda"] for s in engagement["sessions"]] == ["Delegation"]
    [person] = seen["people"]
    assert person["record"]["name"] == "Sam"
    [export] = seen["exports"]
    assert export["record"]["personal"] is True and len(str(export["record"]["sha256"])) == 64


def test_json_is_the_only_output_and_an_empty_result_is_an_empty_document(candour: Candour) -> None:
    for command in ("list", "goals", "actions", "themes", "people", "exports"):
        assert document(candour, command) == [], command
    result = candour("search", "nothing", "--json")
    assert json.loads(result.stdout)["items"] == []
    assert "Nothing matches" not in result.stdout


def test_show_deleted_and_revision_documents(coached: Candour) -> None:
    first = coached.new_id("add", stdin="First words.")
    second = coached.new_id("add", stdin="Second words.")
    shown = document(coached, "show", second, first)
    assert [item["record"]["text"] for item in shown] == ["Second words.", "First words."]
    coached("edit", first, stdin="First words, edited.")
    [older] = document(coached, "show", first, "--revision", "1")
    assert older["record"]["text"] == "First words." and older["revision"] == 1
    coached("delete", second)
    [deleted] = document(coached, "list", "--deleted")
    assert deleted["deleted"] is True and deleted["record"]["text"] == "Second words."
    filtered = document(coached, "list", "--theme", "Delegation")
    assert [item["record"]["text"] for item in filtered] == ["Held on to the launch plan.\nAsked @Sam why.\n"]


# Text as a coachee types it: any letters, marks, symbols, emoji and spaces, on several lines.
typed_text = (
    st.text(st.characters(categories=("L", "M", "N", "P", "S", "Zs"), exclude_characters="\u2028\u2029"), min_size=1)
    .map(str.strip)
    .filter(bool)
)


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(lines=st.lists(typed_text, min_size=1, max_size=4))
def test_the_whole_text_comes_back_as_the_journal_holds_it(candour: Candour, lines: list[str]) -> None:
    text = "\n".join(lines)
    saved = candour.new_id("add", stdin=text)
    [shown] = document(candour, "show", saved)
    with Journal(unlock(candour.journal)) as journal:
        held = journal.find(saved)
    assert isinstance(held, Reflection)
    assert shown["record"]["text"] == held.text
    # What was typed, unchanged but for Unicode's canonical form (NFC: the same text, one way of encoding it).
    assert held.text == unicodedata.normalize("NFC", text)


def test_merging_a_typo_theme_relinks_everything_and_keeps_the_typo_as_an_alias(candour: Candour) -> None:
    typo = candour.new_id("add", stdin="Tense meeting, #Conf again.")
    candour.new_id("add", stdin="Prepared for the #Conflict talk.")
    merged = candour("merge", "theme", "Conflict", "Conf").stdout
    assert "1 record re-linked" in merged
    [theme] = document(candour, "themes")
    assert theme["record"]["label"] == "Conflict" and theme["record"]["aliases"] == ["Conf"]
    [relinked] = document(candour, "show", typo)
    assert relinked["record"]["theme_ids"] == [theme["id"]]
    # The typo, typed again, now means the kept theme; no new theme appears.
    candour("add", stdin="#conf once more")
    assert [t["id"] for t in document(candour, "themes")] == [theme["id"]]
    assert len(document(candour, "list", "--theme", "Conflict")) == 3
    # The merged-away theme is deleted, not erased: it can be restored (linked to nothing).
    [gone] = document(candour, "list", "--deleted")
    assert gone["record"]["label"] == "Conf"


def test_merging_people_and_their_aliases(candour: Candour) -> None:
    candour("add", stdin="Lunch with @Sam.")
    candour("add", stdin="@Samuel pushed back.")
    assert "Sam: Sammy" in candour("alias", "person", "Sam", "Sammy").stdout
    refused = candour("alias", "person", "Sam", "Samuel", ok=False)
    assert refused.returncode != 0 and "merge the two" in refused.stderr
    candour("merge", "person", "Sam", "Samuel")
    [person] = document(candour, "people")
    assert person["record"]["aliases"] == ["Sammy", "Samuel"]
    assert len(document(candour, "list", "--person", "Samuel")) == 2
    assert "no aliases" in candour("alias", "person", "Sam", "--remove", "Sammy", "--remove", "Samuel").stdout
    refused = candour("merge", "person", "Sam", "Sam", ok=False)
    assert refused.returncode != 0 and "two different records" in refused.stderr
