"""The journal's values: validation with clear messages that never echo private text, cleaning, and private reprs."""

from __future__ import annotations

import dataclasses
import unicodedata
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from journal.errors import InvalidInput
from journal.models import (
    AFTER_SESSION,
    MAX_TEXT_LENGTH,
    MAX_TITLE_LENGTH,
    Action,
    CheckIn,
    Draft,
    Engagement,
    Goal,
    GoalStatus,
    Model,
    Person,
    Preferences,
    Reflection,
    Session,
    SessionStatus,
    SharingAgreement,
    SharingLevel,
    Template,
    Theme,
    clean_text,
    mentioned_names,
    tagged_themes,
)

SECRET = "Priya-told-me-about-her-divorce"
"""Private text given to a field; it must never appear in an error message or a repr."""

ID = "0123456789abcdef0123456789abcdef"
WHEN = datetime(2026, 9, 15, 18, 30)
DAY = date(2026, 9, 15)

INVALID: list[tuple[str, Callable[[], object], str]] = [
    # Blank, multi-line and overlong titles.
    ("blank engagement title", lambda: Engagement("   \t "), "engagement title"),
    ("multi-line engagement title", lambda: Engagement(f"{SECRET}\nsecond line"), "engagement title"),
    ("overlong engagement title", lambda: Engagement(SECRET * 10), "engagement title"),
    ("multi-line coach", lambda: Engagement("Leadership", coach=f"{SECRET}\nx"), "coach"),
    ("blank goal title", lambda: Goal(""), "goal title"),
    ("multi-line goal title", lambda: Goal(f"{SECRET}\r\nmore"), "goal title"),
    ("overlong goal sponsor wording", lambda: Goal("Delegate", sponsor_wording=SECRET * 10), "sponsor wording"),
    ("blank theme label", lambda: Theme("\n\n"), "theme label"),
    ("multi-line reflection title", lambda: Reflection("text", WHEN, title=f"{SECRET}\nx"), "reflection title"),
    ("blank action", lambda: Action("  "), "action"),
    ("multi-line action", lambda: Action(f"{SECRET}\nx"), "action"),
    ("blank person name", lambda: Person(" "), "person's name"),
    ("blank alias", lambda: Person("Sam", aliases=(" ",)), "alias"),
    ("blank template name", lambda: Template("", ("What?",)), "template name"),
    ("blank template prompt", lambda: Template("Mine", ("What?", " ")), "template prompt"),
    ("template without prompts", lambda: Template("Mine", ()), "prompt"),
    ("multi-line sponsor statement", lambda: CheckIn(ID, DAY, 5, sponsor_statement=f"{SECRET}\nx"), "sponsor"),
    ("multi-line 'agreed with'", lambda: SharingAgreement(agreed_with=f"{SECRET}\nx"), "agreed with"),
    # Overlong text.
    ("overlong reflection", lambda: Reflection(SECRET + "x" * MAX_TEXT_LENGTH, WHEN), "reflection text"),
    ("overlong check-in note", lambda: CheckIn(ID, DAY, 5, note=SECRET + "x" * MAX_TEXT_LENGTH), "check-in note"),
    # Blank text.
    ("blank reflection", lambda: Reflection(" \n\t\n", WHEN), "reflection text"),
    ("reflection of control characters only", lambda: Reflection("\x00\x1b\u202e", WHEN), "reflection text"),
    # Lone surrogates (hypothesis' text() never makes them).
    ("lone surrogate in reflection", lambda: Reflection(f"{SECRET}\ud800", WHEN), "reflection text"),
    ("lone surrogate in title", lambda: Engagement(f"{SECRET}\udfff"), "engagement title"),
    ("lone surrogate in person's note", lambda: Person("Sam", note=f"\udc80{SECRET}"), "note about the person"),
    ("lone surrogate in agenda", lambda: Session(ID, DAY, 1, agenda=f"{SECRET}\ud83d"), "agenda"),
    ("lone surrogate in criteria", lambda: Goal("Delegate", success_criteria=f"\ud800{SECRET}"), "success criteria"),
    ("lone surrogate in description", lambda: Theme("Voice", description=f"{SECRET}\ud800"), "theme description"),
    ("lone surrogate in a draft", lambda: Draft(f"{SECRET}\ud800"), "draft"),
    ("lone surrogate in a draft's starting text", lambda: Draft(starting_text=f"{SECRET}\ud800"), "draft"),
    ("lone surrogate in a draft's theme", lambda: Draft(themes=(f"{SECRET}\ud800",)), "themes"),
    ("lone surrogate in confidentiality note", lambda: SharingAgreement(confidentiality_note="\ud800"), "confidential"),
    # Text that is not text.
    ("bytes as a title", lambda: Theme(SECRET.encode()), "theme label"),  # type: ignore[arg-type]
    ("None as reflection text", lambda: Reflection(None, WHEN), "reflection text"),  # type: ignore[arg-type]
    # Bad dates.
    ("text as a session date", lambda: Session(ID, "2026-09-15", 1), "session date"),  # type: ignore[arg-type]
    ("datetime as a session date", lambda: Session(ID, WHEN, 1), "session date"),
    ("datetime as a start date", lambda: Engagement("Leadership", starts_on=WHEN), "start date"),
    ("text as an end date", lambda: Engagement("Leadership", ends_on="soon"), "end date"),  # type: ignore[arg-type]
    ("datetime as a due date", lambda: Action("Book the 1:1", due_on=WHEN), "due date"),
    ("datetime as a target date", lambda: Goal("Delegate", target_date=WHEN), "target date"),
    ("datetime as a check-in date", lambda: CheckIn(ID, WHEN, 5), "check-in date"),
    ("date as a check-in's recording time", lambda: CheckIn(ID, DAY, 5, recorded_at=DAY), "recording time"),  # type: ignore[arg-type]
    ("date as a reflection's time", lambda: Reflection(SECRET, DAY), "reflection's date"),  # type: ignore[arg-type]
    ("datetime as an agreement date", lambda: SharingAgreement(agreed_on=WHEN), "agreement"),
    (
        "engagement ending before it starts",
        lambda: Engagement(SECRET, starts_on=date(2026, 9, 1), ends_on=date(2026, 8, 31)),
        "end before it starts",
    ),
    # Ratings outside 0–10, mood and energy outside 1–5, bools where ints are expected.
    ("rating below 0", lambda: CheckIn(ID, DAY, -1, note=SECRET), "rating"),
    ("rating above 10", lambda: CheckIn(ID, DAY, 11, note=SECRET), "rating"),
    ("rating as a bool", lambda: CheckIn(ID, DAY, True, note=SECRET), "rating"),
    ("rating as a float", lambda: CheckIn(ID, DAY, 5.0, note=SECRET), "rating"),  # type: ignore[arg-type]
    ("rating as text", lambda: CheckIn(ID, DAY, "7", note=SECRET), "rating"),  # type: ignore[arg-type]
    ("mood 0", lambda: Reflection(SECRET, WHEN, mood=0), "mood"),
    ("mood 6", lambda: Reflection(SECRET, WHEN, mood=6), "mood"),
    ("mood as a bool", lambda: Reflection(SECRET, WHEN, mood=True), "mood"),
    ("energy 0", lambda: Reflection(SECRET, WHEN, energy=0), "energy"),
    ("energy 6", lambda: Reflection(SECRET, WHEN, energy=6), "energy"),
    ("energy as a bool", lambda: Reflection(SECRET, WHEN, energy=False), "energy"),
    ("session number 0", lambda: Session(ID, DAY, 0, agenda=SECRET), "session number"),
    ("session number as a bool", lambda: Session(ID, DAY, True, agenda=SECRET), "session number"),
    ("no planned sessions", lambda: Engagement(SECRET, planned_sessions=0), "planned sessions"),
    ("planned sessions as a bool", lambda: Engagement(SECRET, planned_sessions=True), "planned sessions"),
    ("done as an int", lambda: Action(SECRET, done=1), "done"),  # type: ignore[arg-type]
    ("draft mood 6", lambda: Draft(SECRET, mood=6), "mood"),
    ("auto-lock after 0 minutes", lambda: Preferences(auto_lock_minutes=0), "auto-lock"),
    ("auto-lock as a bool", lambda: Preferences(auto_lock_minutes=True), "auto-lock"),
    ("unknown colour theme", lambda: Preferences(theme="neon"), "theme"),
    # Enumerations given as plain values.
    ("status as text", lambda: Session(ID, DAY, 1, status="held"), "session status"),  # type: ignore[arg-type]
    ("goal status as text", lambda: Goal(SECRET, status="active"), "goal status"),  # type: ignore[arg-type]
    ("sharing level as an int", lambda: SharingAgreement(level=2), "sharing level"),  # type: ignore[arg-type]
    ("agreement missing", lambda: Engagement(SECRET, agreement=None), "agreement"),  # type: ignore[arg-type]
    # Invalid linked ids.
    ("session of no engagement", lambda: Session("", DAY, 1), "engagement"),
    ("uppercase engagement id", lambda: Session(ID.upper(), DAY, 1), "engagement"),
    ("short goal id", lambda: CheckIn(ID[:-1], DAY, 5), "goal"),
    ("goal id with a newline", lambda: CheckIn(ID + "\n", DAY, 5), "goal"),
    ("None as goal id", lambda: CheckIn(None, DAY, 5), "goal"),  # type: ignore[arg-type]
    ("bad theme id", lambda: Reflection(SECRET, WHEN, theme_ids=(ID, "delegation")), "theme"),
    ("bad person id", lambda: Reflection(SECRET, WHEN, person_ids=("sam",)), "person"),
    ("bad goal id in a reflection", lambda: Reflection(SECRET, WHEN, goal_ids=(ID + "0",)), "goal"),
    ("ids given as text", lambda: Reflection(SECRET, WHEN, theme_ids=ID), "theme"),  # type: ignore[arg-type]
    ("no theme ids at all", lambda: Reflection(SECRET, WHEN, theme_ids=None), "theme"),  # type: ignore[arg-type]
    ("bad session id in a reflection", lambda: Reflection(SECRET, WHEN, session_id="3"), "session"),
    ("bad engagement id in a goal", lambda: Goal(SECRET, engagement_id="x" * 32), "engagement"),
    ("bad session id in an action", lambda: Action(SECRET, session_id=ID[:8]), "session"),
    ("bad reflection id in a draft", lambda: Draft(SECRET, reflection_id="r1"), "reflection"),
    ("int as an action's goal id", lambda: Action(SECRET, goal_id=7), "goal"),  # type: ignore[arg-type]
]


@pytest.mark.parametrize(("build", "field"), [case[1:] for case in INVALID], ids=[case[0] for case in INVALID])
def test_invalid_input_names_the_field_and_never_the_private_text(build: Callable[[], object], field: str) -> None:
    with pytest.raises(InvalidInput) as raised:
        build()
    message = str(raised.value)
    assert field in message
    assert SECRET not in message and SECRET not in repr(raised.value)
    assert "\ud800" not in message and "divorce" not in message.lower()


def test_the_longest_title_is_accepted_and_one_more_character_is_not() -> None:
    assert Theme("x" * MAX_TITLE_LENGTH).label == "x" * MAX_TITLE_LENGTH
    with pytest.raises(InvalidInput, match="too long"):
        Theme("x" * (MAX_TITLE_LENGTH + 1))


def test_an_engagement_may_start_and_end_on_the_same_day() -> None:
    assert Engagement("One day", starts_on=DAY, ends_on=DAY).ends_on == DAY


@pytest.mark.parametrize("rating", [0, 10])
def test_ratings_at_the_ends_of_the_scale_are_accepted(rating: int) -> None:
    assert CheckIn(ID, DAY, rating).rating == rating


def test_text_loses_control_characters_and_bidi_overrides_but_keeps_tabs_and_line_breaks() -> None:
    dirty = "Mor\x00ning\x1b[31m\x7f\r\nI said \u202eno\u202c\t\u2066quietly\u2069.\rDone\x9b2J   \n\n"
    # Trailing spaces and line breaks are typed text: kept.
    assert Reflection(dirty, WHEN).text == "Morning[31m\nI said no\tquietly.\nDone2J   \n\n"


def test_titles_lose_control_characters_and_outer_spaces() -> None:
    assert Theme("  \u202eDele\x07gation\x85  ").label == "Delegation"


@pytest.mark.parametrize("separator", ["\u2028", "\u2029", "\x85"])
def test_unicode_line_breaks_are_line_breaks(separator: str) -> None:
    """Python's splitlines (and some terminals) break lines on these: a title holding one would span two lines."""
    with pytest.raises(InvalidInput, match="goal title must fit on one line"):
        Goal(f"Speak up{separator}in meetings")
    assert Reflection(f"Speak up{separator}in meetings", WHEN).text == "Speak up\nin meetings"


def test_text_is_stored_in_composed_form() -> None:
    assert Person("Zoe\u0308").name == "Zoë"


TEXT_FIELDS: list[tuple[Callable[[str], Model], str]] = [
    (lambda t: Engagement(t), "title"),
    (lambda t: Engagement("E", coach=t), "coach"),
    (lambda t: Engagement("E", sponsor=t), "sponsor"),
    (lambda t: Engagement("E", agreement=SharingAgreement(agreed_with=t)), "agreement.agreed_with"),
    (lambda t: Engagement("E", agreement=SharingAgreement(confidentiality_note=t)), "agreement.confidentiality_note"),
    (lambda t: Session(ID, DAY, 1, agenda=t), "agenda"),
    (lambda t: Reflection(t, WHEN), "text"),
    (lambda t: Reflection("x", WHEN, title=t), "title"),
    (lambda t: Reflection("x", WHEN, template=t), "template"),
    (lambda t: Theme(t), "label"),
    (lambda t: Theme("T", sponsor_wording=t), "sponsor_wording"),
    (lambda t: Theme("T", description=t), "description"),
    (lambda t: Goal(t), "title"),
    (lambda t: Goal("G", sponsor_wording=t), "sponsor_wording"),
    (lambda t: Goal("G", success_criteria=t), "success_criteria"),
    (lambda t: CheckIn(ID, DAY, 5, note=t), "note"),
    (lambda t: CheckIn(ID, DAY, 5, sponsor_statement=t), "sponsor_statement"),
    (lambda t: Action(t), "text"),
    (lambda t: Person(t), "name"),
    (lambda t: Person("P", aliases=(t,)), "aliases.0"),
    (lambda t: Person("P", note=t), "note"),
    (lambda t: Template(t, ("Q?",)), "name"),
    (lambda t: Template("T", (t,)), "prompts.0"),
    (lambda t: Draft(t), "text"),
    (lambda t: Draft(title=t), "title"),
    (lambda t: Draft(themes=(t,)), "themes.0"),
    (lambda t: Draft(people=(t,)), "people.0"),
    (lambda t: Draft(actions=(t,)), "actions.0"),
    (lambda t: Draft(template=t), "template"),
    (lambda t: Draft(starting_text=t), "starting_text"),
]
"""Every text field of every model (as a path into the value), to check that all are cleaned alike."""


def _read(value: object, path: str) -> object:
    for step in path.split("."):
        value = value[int(step)] if step.isdigit() else getattr(value, step)  # type: ignore[index]
    return value


@pytest.mark.parametrize(("build", "path"), TEXT_FIELDS, ids=[f"{i}-{case[1]}" for i, case in enumerate(TEXT_FIELDS)])
def test_every_text_field_is_cleaned(build: Callable[[str], Model], path: str) -> None:
    # Multi-line texts keep a typed trailing space; one-line values lose surrounding spaces.
    assert _read(build("Dele\x00gation \u202e\u2067\x1f\x9b"), path) in ("Delegation", "Delegation ")
    assert _read(build("Dele\x00gation\u202e\u2067\x1f\x9b"), path) == "Delegation"


DIRTY_TEXT = st.text(
    alphabet=st.sampled_from(
        ["a", "e", "ß", " ", "\n", "\r", "\t", "\x00", "\x1b", "\x85", "\u0301", "\u0308", "\u202e"]
    )
)


@given(text=DIRTY_TEXT)
def test_cleaning_is_idempotent(text: str) -> None:
    """What is stored reads back unchanged: cleaning a cleaned text changes nothing (and it is composed)."""
    for one_line in (False, True):
        try:
            cleaned = clean_text(text, "text", one_line=one_line)
        except InvalidInput:
            continue
        assert clean_text(cleaned, "text", one_line=one_line) == cleaned
        assert unicodedata.is_normalized("NFC", cleaned)


def _examples() -> list[Model]:
    agreement = SharingAgreement(SharingLevel.L2, DAY, f"coach and {SECRET}", f"note {SECRET}")
    return [
        Engagement(SECRET, coach=SECRET, sponsor=SECRET, starts_on=DAY, planned_sessions=6, agreement=agreement),
        Session(ID, DAY, 1, agenda=SECRET),
        Reflection(SECRET, WHEN, title=SECRET, mood=3, template=SECRET),
        Theme(SECRET, SECRET, SECRET),
        Goal(SECRET, SECRET, success_criteria=SECRET),
        CheckIn(ID, DAY, 7, SECRET, SECRET, recorded_at=WHEN),
        Action(SECRET, due_on=DAY),
        Person(SECRET, aliases=(SECRET,), note=SECRET),
        Template(SECRET, (SECRET,)),
        Draft(SECRET, SECRET, (SECRET,), (SECRET,), (SECRET,), template=SECRET, starting_text=SECRET),
        Preferences(),
    ]


@pytest.mark.parametrize("value", _examples(), ids=lambda value: type(value).__name__)
def test_repr_shows_the_kind_and_id_but_never_the_content(value: Model) -> None:
    assert SECRET not in repr(value) and SECRET not in str(value) and SECRET not in f"{[value]}"
    assert repr(value) == f"<{type(value).__name__} unsaved>"
    saved = dataclasses.replace(value, record_id=ID)
    assert repr(saved) == f"<{type(value).__name__} {ID}>"


def test_the_agreement_repr_hides_its_note() -> None:
    agreement = SharingAgreement(SharingLevel.L1, DAY, SECRET, SECRET)
    assert SECRET not in repr(agreement)


def test_saved_id_of_an_unsaved_value_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="not saved"):
        _ = Theme("Voice").saved_id
    assert Theme("Voice", record_id=ID).saved_id == ID


def test_models_are_frozen() -> None:
    theme = Theme("Voice")
    with pytest.raises(dataclasses.FrozenInstanceError):
        theme.label = "Other"  # type: ignore[misc]


def test_reflection_time_is_wall_clock_to_the_second() -> None:
    written = datetime(2026, 9, 15, 18, 30, 5, 123456, tzinfo=timezone(timedelta(hours=2)))
    assert Reflection("x", written).written_at == datetime(2026, 9, 15, 18, 30, 5)


def test_check_in_recording_time_is_wall_clock_so_check_ins_compare() -> None:
    aware = CheckIn(ID, DAY, 5, recorded_at=datetime(2026, 9, 15, 9, 0, 0, 10, tzinfo=UTC))
    naive = CheckIn(ID, DAY, 6, recorded_at=datetime(2026, 9, 15, 9, 0, 0, 20))
    assert aware.recorded_at is not None and naive.recorded_at is not None
    assert aware.recorded_at < naive.recorded_at  # would raise TypeError if one kept its time zone


def test_linked_ids_are_deduplicated_in_order() -> None:
    other = "f" * 32
    reflection = Reflection("x", WHEN, theme_ids=(other, ID, other), person_ids=[ID, ID])  # type: ignore[arg-type]
    assert reflection.theme_ids == (other, ID)
    assert reflection.person_ids == (ID,)


def test_person_aliases_are_cleaned_and_deduplicated() -> None:
    person = Person("Samantha", aliases=("Sam", " Sam ", "Sammy"))
    assert person.aliases == ("Sam", "Sammy")
    assert person.names == ("Samantha", "Sam", "Sammy")


@pytest.mark.parametrize(
    ("text", "title", "heading"),
    [
        ("Plain first line\nmore", "", "Plain first line"),
        ("## What did I explore?\nDelegation, again.\n## What shifted?", "", "Delegation, again."),
        ("anything", "The title wins", "The title wins"),
        ("## What did I explore?\n\n## What shifted for me?\n", "", "What did I explore?"),
        ("x" * 80, "", "x" * 80),
        ("x" * 100, "", "x" * 79 + "…"),  # cut, and saying so
    ],
)
def test_heading_is_the_title_or_first_line_that_is_not_a_prompt(text: str, title: str, heading: str) -> None:
    assert Reflection(text, WHEN, title=title).heading() == heading


def test_a_shorter_heading_for_narrow_places_says_it_was_cut() -> None:
    assert Reflection("y" * 50, WHEN).heading(40) == "y" * 39 + "…"
    assert Reflection("text", WHEN, title="z" * 120).heading() == "z" * 79 + "…"
    assert Reflection("text", WHEN, title="Short").heading(40) == "Short"


def test_template_renders_one_heading_per_prompt() -> None:
    rendered = AFTER_SESSION.render()
    assert rendered.startswith("## What did I explore?\n")
    assert rendered.count("## ") == len(AFTER_SESSION.prompts)


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("Talked to @Sam about it.", ["Sam"]),
        ("@Anna_Lee and @Sam, then @Sam again", ["Anna Lee", "Sam"]),
        ("Lunch with @Zoë.", ["Zoë"]),
        ("Mail sam@example.com or @@nobody", []),
        ("@O'Brien said, and so did @Jean-Luc.", ["O'Brien", "Jean-Luc"]),
        ("I asked @Sam's manager and @Anna_Lee’s peer", ["Sam", "Anna Lee"]),
        ("Numbers are not people: @2026 @_x", []),
    ],
)
def test_mentioned_names(text: str, names: list[str]) -> None:
    assert mentioned_names(text) == names


@pytest.mark.parametrize(
    ("text", "themes"),
    [
        ("A #Delegation habit and #work_life balance", ["Delegation", "work life"]),
        ("## What did I explore?\n# A heading", []),  # Markdown headings are not tags
        ("#1 priority in C#, F# or page#top; it&#39;s", []),
        ("#Zoë-style #feedback-, then #feedback again", ["Zoë-style", "feedback"]),
    ],
)
def test_tagged_themes(text: str, themes: list[str]) -> None:
    assert tagged_themes(text) == themes


@pytest.mark.parametrize(
    ("typed", "level"), [("L2", SharingLevel.L2), ("l0", SharingLevel.L0), (" 3 ", SharingLevel.L3)]
)
def test_sharing_level_parses(typed: str, level: SharingLevel) -> None:
    assert SharingLevel.parse(typed) is level
    assert level.description


@pytest.mark.parametrize("typed", ["L4", "", "two"])
def test_unknown_sharing_level_is_refused(typed: str) -> None:
    with pytest.raises(InvalidInput, match="sharing level"):
        SharingLevel.parse(typed)


@pytest.mark.parametrize("typed", ["not-started", "Not Started", "not_started"])
def test_goal_status_parses_its_spellings(typed: str) -> None:
    assert GoalStatus.parse(typed) is GoalStatus.NOT_STARTED


def test_unknown_goal_status_is_refused() -> None:
    with pytest.raises(InvalidInput, match="goal status"):
        GoalStatus.parse("done")


def test_action_overdue_only_when_open_and_past_due() -> None:
    assert Action("Book", due_on=DAY - timedelta(days=1)).is_overdue(DAY)
    assert not Action("Book", due_on=DAY).is_overdue(DAY)
    assert not Action("Book", due_on=DAY - timedelta(days=1), done=True).is_overdue(DAY)
    assert not Action("Book").is_overdue(DAY)


def test_defaults_are_sensible() -> None:
    session = Session(ID, DAY, 1)
    assert session.status is SessionStatus.HELD
    assert Goal("G").status is GoalStatus.ACTIVE
    assert Engagement("E").agreement == SharingAgreement()
    assert SharingAgreement().level is SharingLevel.L0


def _kwargs_of(value: Model) -> dict[str, Any]:
    return {f.name: getattr(value, f.name) for f in dataclasses.fields(value)}


@pytest.mark.parametrize("value", _examples(), ids=lambda value: type(value).__name__)
def test_a_valid_value_rebuilds_unchanged(value: Model) -> None:
    assert type(value)(**_kwargs_of(value)) == value
