"""The sponsor summary model: default deny, level caps, sponsor wording rules, periods, and non-interference."""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from journal import DateRange, FixedClock, GoalStatus, InvalidInput, SharingLevel
from journal.export import (
    EXPORT_FORMATS,
    Choice,
    ItemKind,
    LevelExceeded,
    Trend,
    WordingNeeded,
    parse_period,
    propose,
    remember_wording,
    render,
)
from tests.test_journal.test_export_fixtures import TODAY, GoalShape, Private, Sample, Shape, build, sample_journal

Q3 = DateRange(date(2026, 7, 1), date(2026, 9, 30))


@pytest.fixture
def sample(tmp_path: Path) -> Sample:
    return sample_journal(tmp_path / "journal.candour")


def test_the_proposal_offers_what_the_journal_holds_and_ticks_only_logistics(sample: Sample) -> None:
    proposal = propose(sample.journal, sample.engagement, Q3)
    by_id = {item.item_id: item for item in proposal.items}
    assert proposal.default_choice().ticked == {"label", "period", "sessions"}
    assert by_id["sessions"].content.count == 3  # the cancelled session is not counted
    assert by_id["sessions"].content.planned == 6
    assert by_id["session-dates"].content.dates == (date(2026, 7, 3), date(2026, 8, 14), date(2026, 9, 20))
    assert by_id["coach"].content.text == "Ana Ruiz" and not by_id["coach"].default
    delegation = by_id[f"theme:{sample.delegation.saved_id}"]
    assert delegation.content.text == "Empowering the team"
    assert delegation.content.months == ("2026-07", "2026-09")
    assert by_id[f"theme:{sample.trust.saved_id}"].needs_wording
    goal = by_id[f"goal:{sample.goal.saved_id}"].content
    assert (goal.first, goal.latest, goal.trend, goal.status) == (3, 7, Trend.UP, GoalStatus.ACTIVE)
    statement = by_id[f"statement:{sample.statement.saved_id}"]
    assert statement.above_level and statement.content.months == ("2026-09",)


def test_a_period_narrows_months_ratings_and_sessions(sample: Sample) -> None:
    proposal = propose(sample.journal, sample.engagement, DateRange(date(2026, 8, 1), date(2026, 9, 30)))
    by_id = {item.item_id: item.content for item in proposal.items}
    assert by_id["sessions"].count == 2
    assert by_id[f"theme:{sample.delegation.saved_id}"].months == ("2026-09",)
    goal = by_id[f"goal:{sample.goal.saved_id}"]
    assert (goal.first, goal.latest) == (5, 7)
    only_july = propose(sample.journal, sample.engagement, DateRange(date(2026, 7, 9), date(2026, 7, 31)))
    goal = {item.item_id: item.content for item in only_july.items}[f"goal:{sample.goal.saved_id}"]
    assert (goal.first, goal.latest, goal.trend) == (3, None, None)
    # A period that starts before the engagement is clipped to it; one outside it is refused.
    assert propose(sample.journal, sample.engagement, DateRange(date(2026, 1, 1), Q3.end)).period == Q3
    with pytest.raises(InvalidInput):
        propose(sample.journal, sample.engagement, DateRange(date(2025, 1, 1), date(2025, 12, 31)))


@pytest.mark.parametrize("level", list(SharingLevel))
def test_items_above_the_agreed_level_never_appear_without_the_override(tmp_path: Path, level: SharingLevel) -> None:
    sample = sample_journal(tmp_path / "journal.candour", level)
    proposal = propose(sample.journal, sample.engagement, Q3)
    for item in proposal.items:
        assert item.above_level == (item.kind.level > level)
        assert not (item.above_level and item.default)
    worded = {item.item_id: "Sponsor wording" for item in proposal.items if item.needs_wording}
    everything = Choice(frozenset(item.item_id for item in proposal.items), wording=worded)
    if level < SharingLevel.L3:
        with pytest.raises(LevelExceeded):
            proposal.build(everything)
    allowed = Choice(frozenset(item.item_id for item in proposal.items if not item.above_level), wording=worded)
    summary = proposal.build(allowed)
    assert all(item.kind.level <= level for item in summary.items)
    assert not summary.origin.override
    overridden = proposal.build(Choice(everything.ticked, override=True, wording=worded))
    assert len(overridden.items) == len(proposal.items)
    assert overridden.origin.override == (level < SharingLevel.L3)
    assert any(
        "beyond the agreed sharing level" in note
        for note in proposal.warnings(Choice(everything.ticked, override=True, wording=worded))
    ) == (level < SharingLevel.L3)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_any_choice_without_override_stays_within_the_level(
    tmp_path_factory: pytest.TempPathFactory, data: st.DataObject
) -> None:
    sample = _shared_sample(tmp_path_factory, SharingLevel.L1)
    proposal = propose(sample.journal, sample.engagement, Q3)
    ticked = data.draw(st.frozensets(st.sampled_from([item.item_id for item in proposal.items])))
    worded = {item.item_id: "Written for the sponsor" for item in proposal.items if item.needs_wording}
    try:
        summary = proposal.build(Choice(ticked, wording=worded))
    except LevelExceeded:
        assert any(proposal.item(item_id).above_level for item_id in ticked)
        return
    assert all(item.kind.level <= SharingLevel.L1 for item in summary.items)
    for format in EXPORT_FORMATS:
        output = render(summary, format).decode()
        assert "Delegating decisions" not in output and "Steady progress" not in output


_SAMPLES: dict[SharingLevel, Sample] = {}


def _shared_sample(factory: pytest.TempPathFactory, level: SharingLevel) -> Sample:
    """One journal for every example of a property test (building one per example would dominate its time)."""
    if level not in _SAMPLES:
        _SAMPLES[level] = sample_journal(factory.mktemp("shared") / "journal.candour", level)
    return _SAMPLES[level]


def test_an_item_without_sponsor_wording_needs_one_or_the_private_wording_explicitly(sample: Sample) -> None:
    proposal = propose(sample.journal, sample.engagement, Q3)
    trust = f"theme:{sample.trust.saved_id}"
    with pytest.raises(WordingNeeded) as refused:
        proposal.build(Choice(frozenset({trust})))
    assert "Trust" not in str(refused.value)  # errors never quote private text
    written = proposal.build(Choice(frozenset({trust}), wording={trust: " Building\u202e trust\n"}))
    assert written.items[0].text == "Building trust"
    private = Choice(frozenset({trust}), use_private=frozenset({trust}))
    assert proposal.build(private).items[0].text == "Trust"
    assert any("private wording" in note for note in proposal.warnings(private))
    with pytest.raises(InvalidInput):
        proposal.build(Choice(frozenset({"period"}), wording={"period": "Always"}))
    with pytest.raises(InvalidInput):
        proposal.build(Choice(frozenset({trust}), wording={trust: " \u200b "}))


def test_the_label_defaults_to_the_title_with_a_warning_and_can_be_reworded(sample: Sample) -> None:
    proposal = propose(sample.journal, sample.engagement, Q3)
    default = proposal.default_choice()
    assert proposal.build(default).items[0].text == "Leadership with Ana"
    assert any("title" in note for note in proposal.warnings(default))
    labelled = Choice(default.ticked, wording={"label": "Leadership coaching"})
    assert proposal.build(labelled).items[0].text == "Leadership coaching"
    assert not proposal.warnings(labelled)


def test_references_resolve_ids_prefixes_and_plurals(sample: Sample) -> None:
    proposal = propose(sample.journal, sample.engagement, Q3)
    goal_id = f"goal:{sample.goal.saved_id}"
    assert [item.item_id for item in proposal.resolve(goal_id[:9])] == [goal_id]
    assert [item.item_id for item in proposal.resolve(proposal.item(goal_id).short_id)] == [goal_id]
    assert len(proposal.resolve("themes")) == 2
    assert len(proposal.resolve("all")) == len(proposal.items)
    with pytest.raises(InvalidInput):
        proposal.resolve("theme:zzzz")


def test_a_wording_written_during_an_export_is_remembered(sample: Sample) -> None:
    proposal = propose(sample.journal, sample.engagement, Q3)
    remember_wording(sample.journal, proposal.item(f"theme:{sample.trust.saved_id}"), "Building trust")
    again = propose(sample.journal, sample.engagement, Q3)
    assert again.item(f"theme:{sample.trust.saved_id}").content.text == "Building trust"
    with pytest.raises(InvalidInput):
        remember_wording(sample.journal, proposal.item("label"), "Label")


def test_periods_read_quarters_and_the_whole_engagement(sample: Sample) -> None:
    clock = FixedClock.on(TODAY)
    assert parse_period("last quarter", clock) == Q3
    assert parse_period("this quarter", clock) == DateRange(date(2026, 10, 1), date(2026, 12, 31))
    assert parse_period("Q3 2026", clock) == Q3 == parse_period("2026-q3", clock)
    assert parse_period("engagement", clock, sample.engagement) == DateRange(date(2026, 7, 1), date(2026, 12, 31))
    assert parse_period("September 2026", clock) == DateRange(date(2026, 9, 1), date(2026, 9, 30))
    with pytest.raises(InvalidInput):
        parse_period("the other day", clock)
    assert FixedClock.on(date(2026, 2, 1)) and parse_period("last quarter", FixedClock.on(date(2026, 2, 1))) == (
        DateRange(date(2025, 10, 1), date(2025, 12, 31))
    )


def test_the_summary_order_depends_on_sponsor_content_only(sample: Sample) -> None:
    proposal = propose(sample.journal, sample.engagement, Q3)
    everything = Choice(
        frozenset(item.item_id for item in proposal.items),
        override=True,
        wording={"label": "Coaching"},
        use_private=frozenset(item.item_id for item in proposal.items if item.needs_wording),
    )
    kinds = [item.kind for item in proposal.build(everything).items]
    assert kinds == sorted(kinds, key=list(ItemKind).index)


# --- non-interference ------------------------------------------------------------------------------

CANARY = "Qcanary"
OTHER = "Zother"

_sponsor_text = st.text(alphabet="abcdefghijklmnoprstuvwy ,;'-&<>*_[]()\u00e9\u00fc", min_size=1, max_size=30).map(
    lambda text: "Aim " + text.strip()
)
_months = st.lists(st.integers(1, 12), min_size=1, max_size=3, unique=True).map(lambda months: tuple(sorted(months)))


@st.composite
def _goal_shapes(draw: st.DrawFn) -> GoalShape:
    ratings = draw(st.lists(st.integers(0, 10), max_size=4))
    months = sorted(draw(st.lists(st.integers(1, 12), min_size=len(ratings), max_size=len(ratings))))
    statements = draw(st.lists(_sponsor_text, max_size=len(ratings)))
    return GoalShape(
        draw(_sponsor_text),
        draw(st.sampled_from(GoalStatus)),
        tuple(zip(months, ratings, strict=True)),
        tuple(statements),
    )


_shapes = st.builds(
    Shape,
    level=st.sampled_from(SharingLevel),
    sessions=st.lists(st.integers(1, 12), max_size=4).map(tuple),
    themes=st.lists(st.tuples(_sponsor_text, _months), max_size=3).map(tuple),
    goals=st.lists(_goal_shapes(), max_size=3).map(tuple),
)


@settings(max_examples=30, deadline=None)
@given(shape=_shapes, days=st.lists(st.integers(1, 10), min_size=1, max_size=8))
def test_journals_differing_only_in_private_fields_give_identical_bytes(shape: Shape, days: list[int]) -> None:
    """Private text, people, moods, private wordings, notes and the days of entries within their month never
    change a summary; a canary in every private field never appears in any format."""
    with tempfile.TemporaryDirectory() as folder:
        with_canary, engagement_a = build(Path(folder) / "a.candour", shape, Private(CANARY, [1, 2, 3]))
        other, engagement_b = build(Path(folder) / "b.candour", shape, Private(OTHER, days))
        try:
            outputs = []
            for journal, engagement in ((with_canary, engagement_a), (other, engagement_b)):
                proposal = propose(journal, engagement, DateRange(date(2026, 1, 1), date(2026, 12, 31)))
                # Everything the sponsor may see, except the two logistics that are private unless ticked.
                ticked = frozenset(item.item_id for item in proposal.items) - {"coach", "session-dates"}
                summary = proposal.build(Choice(ticked, override=True, wording={"label": "Leadership coaching"}))
                outputs.append({format: render(summary, format) for format in EXPORT_FORMATS})
        finally:
            with_canary.close()
            other.close()
    assert outputs[0] == outputs[1]
    for data in outputs[0].values():
        assert CANARY.lower().encode() not in data.lower()
        assert OTHER.lower().encode() not in data.lower()
