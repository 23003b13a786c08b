"""The sealed payloads: every model survives encode → decode, and a payload that does not fit is a DamagedJournal."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from journal import codec
from journal.errors import DamagedJournal, InvalidInput
from journal.models import (
    EXPORT_FORMATS,
    MODEL_TYPES,
    Action,
    CheckIn,
    ConfidentialTerm,
    Draft,
    Engagement,
    ExportRecord,
    ExportStatus,
    Goal,
    GoalStatus,
    LintDismissal,
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
)

RECORD_ID = "5f0c4e8a9b7d4e2f8a1c3b5d7e9f0a1b"

IDS = st.binary(min_size=16, max_size=16).map(bytes.hex)
TEXT = st.text(max_size=60)
"""Any text, control characters and accents included: the models clean it, and cleaning must survive a round trip."""
LINE = st.text(max_size=30)
DATES = st.dates()
ZONES = st.sampled_from([None, UTC, timezone(timedelta(hours=5, minutes=30))])
DATETIMES = st.datetimes(timezones=ZONES)


def _valid(build: Callable[..., Model], **fields: st.SearchStrategy[Any]) -> st.SearchStrategy[Model]:
    """Values of a model from field strategies, leaving out the combinations the model refuses."""

    def attempt(kwargs: dict[str, Any]) -> Model | None:
        try:
            return build(**kwargs)
        except InvalidInput:
            return None

    return st.fixed_dictionaries(fields).map(attempt).filter(lambda value: value is not None)  # type: ignore[return-value]


AGREEMENTS = st.builds(
    SharingAgreement,
    level=st.sampled_from(SharingLevel),
    agreed_on=st.none() | DATES,
    # Every line break the models honour, Unicode's own included: SharingAgreement refuses them.
    agreed_with=st.just("") | LINE.filter(lambda text: not any(char in text for char in "\n\r\x85\u2028\u2029")),
    confidentiality_note=TEXT,
)

STRATEGIES: dict[type[Model], st.SearchStrategy[Model]] = {
    Engagement: _valid(
        Engagement,
        title=LINE,
        coach=LINE,
        sponsor=LINE,
        starts_on=st.none() | DATES,
        ends_on=st.none() | DATES,
        planned_sessions=st.none() | st.integers(1, 200),
        agreement=AGREEMENTS,
        record_id=st.none() | IDS,
    ),
    Session: _valid(
        Session,
        engagement_id=IDS,
        held_on=DATES,
        number=st.integers(1, 999),
        status=st.sampled_from(SessionStatus),
        agenda=TEXT,
    ),
    Reflection: _valid(
        Reflection,
        text=TEXT,
        written_at=DATETIMES,
        title=LINE,
        engagement_id=st.none() | IDS,
        session_id=st.none() | IDS,
        theme_ids=st.lists(IDS, max_size=3).map(tuple),
        person_ids=st.lists(IDS, max_size=3).map(tuple),
        goal_ids=st.lists(IDS, max_size=3).map(tuple),
        mood=st.none() | st.integers(1, 5),
        energy=st.none() | st.integers(1, 5),
        template=LINE,
    ),
    Theme: _valid(Theme, label=LINE, sponsor_wording=LINE, description=TEXT),
    Goal: _valid(
        Goal,
        title=LINE,
        sponsor_wording=LINE,
        status=st.sampled_from(GoalStatus),
        success_criteria=TEXT,
        target_date=st.none() | DATES,
        engagement_id=st.none() | IDS,
    ),
    CheckIn: _valid(
        CheckIn,
        goal_id=IDS,
        rated_on=DATES,
        rating=st.integers(0, 10),
        note=TEXT,
        sponsor_statement=LINE,
        recorded_at=st.none() | DATETIMES,
    ),
    Action: _valid(
        Action,
        text=LINE,
        due_on=st.none() | DATES,
        done=st.booleans(),
        session_id=st.none() | IDS,
        goal_id=st.none() | IDS,
        created_on=st.none() | DATES,
    ),
    Person: _valid(Person, name=LINE, aliases=st.lists(LINE, max_size=3).map(tuple), note=TEXT),
    Template: _valid(Template, name=LINE, prompts=st.lists(LINE, min_size=1, max_size=4).map(tuple)),
    Draft: _valid(
        Draft,
        text=TEXT,
        title=LINE,
        themes=st.lists(LINE, max_size=3).map(tuple),
        people=st.lists(LINE, max_size=3).map(tuple),
        actions=st.lists(LINE, max_size=3).map(tuple),
        mood=st.none() | st.integers(1, 5),
        energy=st.none() | st.integers(1, 5),
        session_id=st.none() | IDS,
        engagement_id=st.none() | IDS,
        reflection_id=st.none() | IDS,
        template=LINE,
        starting_text=TEXT,
        cursor=st.tuples(st.integers(0, 10**6), st.integers(0, 10**6)),
        saved_at=st.none() | DATETIMES,
    ),
    Preferences: _valid(Preferences, auto_lock_minutes=st.integers(1, 240), theme=st.sampled_from(["dark", "light"])),
    ConfidentialTerm: _valid(ConfidentialTerm, term=LINE),
    LintDismissal: _valid(LintDismissal, engagement_id=IDS, item_id=LINE, finding_key=LINE, dismissed_at=DATETIMES),
    ExportRecord: _valid(
        ExportRecord,
        exported_at=DATETIMES,
        recipient=LINE,
        format=st.sampled_from(EXPORT_FORMATS),
        sha256=st.binary(min_size=32, max_size=32).map(bytes.hex),
        items=st.lists(LINE, max_size=3).map(tuple),
        engagement_id=st.none() | IDS,
        level=st.sampled_from(SharingLevel),
        override=st.booleans(),
        path=LINE,
        shown_only=st.booleans(),
        personal=st.booleans(),
        status=st.sampled_from(ExportStatus),
    ),
}


def test_every_model_type_has_a_strategy() -> None:
    assert set(STRATEGIES) == set(MODEL_TYPES)


@pytest.mark.parametrize("model", MODEL_TYPES, ids=lambda model: model.__name__)
@settings(max_examples=60, suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow])
@given(data=st.data())
def test_round_trip_gives_an_equal_value(model: type[Model], data: st.DataObject) -> None:
    value = data.draw(STRATEGIES[model])
    payload = codec.encode(value)
    decoded = codec.decode(value.KIND, payload, RECORD_ID)
    assert decoded == dataclasses.replace(value, record_id=RECORD_ID)
    assert type(decoded) is model


def test_the_payload_is_versioned_json_without_the_record_id() -> None:
    payload = codec.encode(Theme("Délégation", record_id=RECORD_ID))
    body = json.loads(payload)
    assert body["v"] == codec.PAYLOAD_VERSION
    assert "record_id" not in body and RECORD_ID.encode() not in payload
    assert "Délégation".encode() in payload  # UTF-8, not \u escapes: the padded size stays small


def test_a_nested_agreement_and_enums_round_trip() -> None:
    agreement = SharingAgreement(SharingLevel.L3, date(2026, 9, 1), "Coach and Priya's manager", "Safeguarding only")
    engagement = Engagement("Leadership", "Ana", "Acme", date(2026, 9, 1), date(2027, 2, 28), 6, agreement)
    decoded = codec.decode("engagement", codec.encode(engagement), RECORD_ID)
    assert isinstance(decoded, Engagement)
    assert decoded.agreement == agreement and decoded.agreement.level is SharingLevel.L3


def _body(value: Model) -> dict[str, Any]:
    body: dict[str, Any] = json.loads(codec.encode(value))
    return body


REFLECTION = _body(
    Reflection("What shifted: I said no.", datetime(2026, 9, 15, 18, 30), mood=3, theme_ids=(RECORD_ID,))
)
ENGAGEMENT = _body(Engagement("Leadership", agreement=SharingAgreement(SharingLevel.L2)))
CHECK_IN = _body(CheckIn(RECORD_ID, date(2026, 9, 15), 7))
SESSION = _body(Session(RECORD_ID, date(2026, 9, 15), 2))


def _with(body: dict[str, Any], **changes: Any) -> bytes:
    return json.dumps({**body, **changes}).encode()


def _without(body: dict[str, Any], name: str) -> bytes:
    return json.dumps({key: value for key, value in body.items() if key != name}).encode()


WRONG_PAYLOADS: list[tuple[str, str, bytes]] = [
    ("empty", "reflection", b""),
    ("not UTF-8", "reflection", b"\xff\xfe{}"),
    ("not JSON", "reflection", b"{text: hello}"),
    ("null", "reflection", b"null"),
    ("a list", "reflection", b"[]"),
    ("a string", "reflection", b'"hello"'),
    ("a newer version", "reflection", _with(REFLECTION, v=2)),
    ("a far newer version", "reflection", _with(REFLECTION, v=10**30)),
    ("no version", "reflection", _without(REFLECTION, "v")),
    ("version as text", "reflection", _with(REFLECTION, v="1")),
    ("version as a bool", "reflection", _with(REFLECTION, v=True)),
    ("version as a float", "reflection", _with(REFLECTION, v=1.0)),
    ("missing text", "reflection", _without(REFLECTION, "text")),
    ("text as a number", "reflection", _with(REFLECTION, text=42)),
    ("text as null", "reflection", _with(REFLECTION, text=None)),
    ("blank text", "reflection", _with(REFLECTION, text="  ")),
    ("lone surrogate", "reflection", _with(REFLECTION, text="\ud800")),
    ("time not a time", "reflection", _with(REFLECTION, written_at="yesterday")),
    ("time as a number", "reflection", _with(REFLECTION, written_at=20260915)),
    ("mood as text", "reflection", _with(REFLECTION, mood="3")),
    ("mood out of range", "reflection", _with(REFLECTION, mood=9)),
    ("mood infinite", "reflection", _with(REFLECTION, mood=float("inf"))),
    ("ids as a string", "reflection", _with(REFLECTION, theme_ids=RECORD_ID)),
    ("ids holding a number", "reflection", _with(REFLECTION, theme_ids=[1])),
    ("ids holding an object", "reflection", _with(REFLECTION, theme_ids=[{}])),
    ("deep nesting", "reflection", b'{"v":1,"text":' + b"[" * 100_000 + b"]" * 100_000 + b"}"),
    ("huge number", "reflection", b'{"v":1,"mood":' + b"9" * 5000 + b"}"),
    ("rating as a bool", "checkin", _with(CHECK_IN, rating=True)),
    ("rating as a float", "checkin", _with(CHECK_IN, rating=7.0)),
    ("impossible date", "checkin", _with(CHECK_IN, rated_on="2026-02-30")),
    ("datetime for a date", "checkin", _with(CHECK_IN, rated_on="2026-09-15T10:00:00")),
    ("unknown status", "session", _with(SESSION, status="postponed")),
    ("status as a bool", "session", _with(SESSION, status=True)),
    ("status as a list", "session", _with(SESSION, status=["held"])),
    ("agreement as a list", "engagement", _with(ENGAGEMENT, agreement=[])),
    ("agreement level as a name", "engagement", _with(ENGAGEMENT, agreement={"level": "L2"})),
    ("agreement level as a bool", "engagement", _with(ENGAGEMENT, agreement={"level": True})),
    ("agreement level as a float", "engagement", _with(ENGAGEMENT, agreement={"level": 2.0})),
    ("agreement level out of range", "engagement", _with(ENGAGEMENT, agreement={"level": 4})),
    ("ends before it starts", "engagement", _with(ENGAGEMENT, starts_on="2026-09-02", ends_on="2026-09-01")),
    ("a reflection read as a goal", "goal", _with(REFLECTION)),
    ("an unknown kind", "dream", _with(REFLECTION)),
]


@pytest.mark.parametrize(("kind", "payload"), [case[1:] for case in WRONG_PAYLOADS], ids=[c[0] for c in WRONG_PAYLOADS])
def test_a_payload_that_does_not_fit_is_a_damaged_journal(kind: str, payload: bytes) -> None:
    with pytest.raises(DamagedJournal) as raised:
        codec.decode(kind, payload, RECORD_ID)
    assert RECORD_ID in str(raised.value)  # says which record, so `candour verify` can point at it
    assert "said no" not in str(raised.value)


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=8,
)

BODIES = {
    "reflection": REFLECTION,
    "engagement": ENGAGEMENT,
    "checkin": CHECK_IN,
    "session": SESSION,
    "person": _body(Person("Sam", aliases=("Samuel",))),
    "template": _body(Template("Mine", ("What?",))),
    "action": _body(Action("Book the 1:1", due_on=date(2026, 9, 20))),
    "draft": _body(Draft("Half written", themes=("Voice",), cursor=(3, 4), saved_at=datetime(2026, 9, 15, 9))),
    "preferences": _body(Preferences(auto_lock_minutes=10, theme="light")),
}


@settings(max_examples=200)
@given(kind=st.sampled_from(sorted(BODIES)), field=st.text(max_size=12), value=JSON_VALUES, data=st.data())
def test_any_field_replaced_by_any_json_is_decoded_or_refused_as_damage(
    kind: str, field: str, value: object, data: st.DataObject
) -> None:
    """Whatever a broken program wrote, decoding gives a valid value or DamagedJournal, never another exception."""
    body = BODIES[kind]
    name = data.draw(st.sampled_from([*body, field]))
    payload = json.dumps({**body, name: value}).encode()
    try:
        decoded = codec.decode(kind, payload, RECORD_ID)
    except DamagedJournal:
        return
    assert (decoded.KIND, decoded.record_id) == (kind, RECORD_ID)


@given(payload=st.binary(max_size=200), kind=st.sampled_from(sorted(codec.KINDS)))
def test_random_bytes_are_a_damaged_journal(payload: bytes, kind: str) -> None:
    try:
        decoded = codec.decode(kind, payload, RECORD_ID)
    except DamagedJournal:
        return
    assert type(decoded) is codec.KINDS[kind]  # only possible if the bytes happen to be a valid payload
