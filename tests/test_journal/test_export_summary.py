"""The sponsor summary model: default deny, level caps, sponsor wording rules, periods, and non-interference."""

from __future__ import annotations

import tempfile
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from journal import DateRange, Engagement, FixedClock, Goal, GoalStatus, InvalidInput, Session, SharingLevel, Theme
from journal.export import (
    EXPORT_FORMATS,
    Choice,
    ItemKind,
    LevelExceeded,
    Proposal,
    Trend,
    Variant,
    WordingNeeded,
    keep_wordings,
    parse_period,
    propose,
    render,
)
from tests.test_journal.test_export_fixtures import TODAY, GoalShape, Private, Sample, Shape, build, sample_journal

Q3 = DateRange(date(2026, 7, 1), date(2026, 9, 30))


@pytest.fixture
def sample(tmp_path: Path) -> Sample:
    return sample_journal(tmp_path / "journal.candour")


def _every_override(proposal: Proposal) -> frozenset[str]:
    """Each item above the agreed level, each overridden explicitly."""
    return frozenset(item.item_id for item in proposal.items if item.above_level)


def test_the_proposal_offers_what_the_journal_holds_and_ticks_only_logistics(sample: Sample) -> None:
    proposal = propose(sample.journal, sample.engagement, Q3)
    by_id = {item.item_id: item for item in proposal.items}
    # The engagement has no label for the sponsor yet: its private title is offered to no one.
    assert proposal.default_choice().ticked == {"period", "sessions"}
    assert by_id["label"].needs_wording and by_id["label"].private_wording == "Leadership with Ana"
    assert by_id["sessions"].content.count == 3  # the cancelled session is not counted
    assert by_id["sessions"].content.planned == 6
    used = by_id["sessions-used"].content
    assert (used.count, used.planned) == (3, 6) and not by_id["sessions-used"].default
    assert by_id["ends"].content.dates == (date(2026, 12, 31),)
    assert by_id["session-dates"].content.dates == (date(2026, 7, 3), date(2026, 8, 14), date(2026, 9, 20))
    assert by_id["coach"].content.text == "Ana Ruiz" and not by_id["coach"].default
    delegation = by_id[f"theme:{sample.delegation.saved_id}"]
    assert delegation.content.text == "Empowering the team"
    assert delegation.content.months == ("2026-07", "2026-09")
    trust = by_id[f"theme:{sample.trust.saved_id}"]
    # Months come from held sessions only: the free entry of August adds nothing, the cancelled session's
    # theme is not offered at all.
    assert trust.needs_wording and trust.content.months == ("2026-09",)
    assert len([item for item in proposal.items if item.kind is ItemKind.THEME]) == 2
    goal = by_id[f"goal:{sample.goal.saved_id}"].content
    assert (goal.first, goal.latest, goal.trend, goal.status) == (3, 7, Trend.UP, GoalStatus.ACTIVE)
    statement = by_id[f"statement:{sample.statement.saved_id}"]
    assert statement.above_level and statement.content.months == ("2026-09",)
    for ahead in ("focus", "support"):
        assert by_id[ahead].needs_wording and by_id[ahead].above_level  # L3 statements, at L2
    assert not any(item.default for item in proposal.items if item.needs_wording or item.above_level)


def test_a_period_narrows_months_ratings_and_sessions(sample: Sample) -> None:
    proposal = propose(sample.journal, sample.engagement, DateRange(date(2026, 8, 1), date(2026, 9, 30)))
    by_id = {item.item_id: item.content for item in proposal.items}
    assert by_id["sessions"].count == 2
    assert by_id["sessions-used"].count == 3  # used so far, over the whole engagement
    assert by_id[f"theme:{sample.delegation.saved_id}"].months == ("2026-09",)
    goal = by_id[f"goal:{sample.goal.saved_id}"]
    assert (goal.first, goal.latest) == (3, 7)  # the baseline is the engagement's, not reset each period
    until_august = propose(sample.journal, sample.engagement, DateRange(date(2026, 8, 1), date(2026, 8, 31)))
    goal = {item.item_id: item.content for item in until_august.items}[f"goal:{sample.goal.saved_id}"]
    assert (goal.first, goal.latest) == (3, 5)  # nothing after the period's end
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
    assert not any(item.beyond_level for item in summary.items)
    every_override = _every_override(proposal)
    overridden = proposal.build(Choice(everything.ticked, override=every_override, wording=worded))
    assert len(overridden.items) == len(proposal.items)
    assert overridden.origin.override == (level < SharingLevel.L3)
    assert [item.beyond_level for item in overridden.items] == [item.kind.level > level for item in overridden.items]
    assert any(
        "beyond the agreed sharing level" in note
        for note in proposal.warnings(Choice(everything.ticked, override=every_override, wording=worded))
    ) == (level < SharingLevel.L3)
    # An override is one item's: it lets no other item above the level in.
    if len(every_override) > 1:
        with pytest.raises(LevelExceeded):
            proposal.build(Choice(everything.ticked, override=frozenset(sorted(every_override)[:1]), wording=worded))


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


def test_the_label_is_never_the_private_title_unless_chosen_explicitly(sample: Sample) -> None:
    proposal = propose(sample.journal, sample.engagement, Q3)
    default = proposal.default_choice()
    assert "Leadership with Ana" not in render(proposal.build(default)).decode()
    with pytest.raises(WordingNeeded):
        proposal.build(Choice(default.ticked | {"label"}))
    labelled = Choice(default.ticked | {"label"}, wording={"label": "Leadership coaching"})
    assert proposal.build(labelled).items[0].text == "Leadership coaching"
    assert not proposal.warnings(labelled)
    private = Choice(default.ticked | {"label"}, use_private=frozenset({"label"}))
    assert proposal.build(private).items[0].text == "Leadership with Ana"
    assert any("private wording" in note for note in proposal.warnings(private))
    # With a label written for the sponsor, the label is ticked by default.
    sample.journal.save(replace(sample.engagement, sponsor_label="Leadership development"))
    labelled_engagement = sample.journal.get(Engagement, sample.engagement.saved_id)
    again = propose(sample.journal, labelled_engagement, Q3)
    assert again.default_choice().ticked == {"label", "period", "sessions"}
    assert again.build(again.default_choice()).items[0].text == "Leadership development"


def test_references_resolve_ids_prefixes_and_plurals(sample: Sample) -> None:
    proposal = propose(sample.journal, sample.engagement, Q3)
    goal_id = f"goal:{sample.goal.saved_id}"
    assert [item.item_id for item in proposal.resolve(goal_id[:9])] == [goal_id]
    assert [item.item_id for item in proposal.resolve(proposal.item(goal_id).short_id)] == [goal_id]
    assert len(proposal.resolve("themes")) == 2
    assert len(proposal.resolve("all")) == len(proposal.items)
    with pytest.raises(InvalidInput):
        proposal.resolve("theme:zzzz")


def test_a_kept_wording_is_this_engagements_alone(sample: Sample) -> None:
    proposal = propose(sample.journal, sample.engagement, Q3)
    trust = f"theme:{sample.trust.saved_id}"
    kept = keep_wordings(sample.journal, proposal, {trust: "Building trust", "label": "Leadership", "focus": "Pace"})
    assert {item.item_id for item in kept} == {trust, "label", "focus"}
    engagement = sample.journal.get(Engagement, sample.engagement.saved_id)
    assert engagement.sponsor_label == "Leadership"
    again = propose(sample.journal, engagement, Q3)
    assert again.item(trust).content.text == "Building trust" and again.item("focus").content.text == "Pace"
    assert sample.journal.get(Theme, sample.trust.saved_id).sponsor_wording == ""  # not on the theme itself
    # Another sponsor's engagement, where the same theme was worked on, does not inherit it.
    other = sample.journal.save(Engagement("Second contract", sponsor="Globex", starts_on=date(2026, 7, 1)))
    session = sample.journal.save(Session(other.saved_id, date(2026, 9, 1), 1))
    sample.journal.write_reflection("Trust, again.", session=session, themes=["Trust"])
    elsewhere = propose(sample.journal, other, Q3)
    assert elsewhere.item(trust).needs_wording and elsewhere.item("focus").needs_wording
    with pytest.raises(InvalidInput):
        keep_wordings(sample.journal, proposal, {"period": "Always"})


def test_themes_worded_alike_are_one_line_with_the_months_of_both(sample: Sample) -> None:
    proposal = propose(sample.journal, sample.engagement, Q3)
    delegation, trust = f"theme:{sample.delegation.saved_id}", f"theme:{sample.trust.saved_id}"
    summary = proposal.build(Choice(frozenset({delegation, trust}), wording={trust: "empowering the TEAM"}))
    themes = summary.of_kind(ItemKind.THEME)
    assert len(themes) == 1 and themes[0].months == ("2026-07", "2026-09")


def test_a_theme_met_only_between_sessions_is_offered_without_months(sample: Sample) -> None:
    sample.journal.write_reflection(
        "Boundaries, on a quiet Sunday.", written_at=datetime(2026, 8, 9, 20), themes=["Boundaries"]
    )
    sample.journal.write_reflection("Boundaries in October.", written_at=datetime(2026, 10, 2, 9), themes=["Later"])
    theme = sample.journal.theme_named("Boundaries")
    proposal = propose(sample.journal, sample.engagement, Q3)
    item = proposal.item(f"theme:{theme.saved_id}")
    assert item.content.months == () and not item.default  # no "August": a free entry's date is the coachee's own
    assert "Later" not in [item.private_wording for item in proposal.items]  # written after the period
    summary = proposal.build(Choice(frozenset({item.item_id}), wording={item.item_id: "Setting boundaries"}))
    text = {format: render(summary, format).decode() for format in ("markdown", "text", "html")}
    assert "- Setting boundaries\n" in text["markdown"] and "- Setting boundaries\n" in text["text"]
    assert "<li>Setting boundaries</li>" in text["html"] and "August" not in "".join(text.values())


def test_a_goal_shows_its_baseline_latest_and_target(sample: Sample) -> None:
    sample.journal.save(replace(sample.goal, target_rating=8))
    goal = sample.journal.get(Goal, sample.goal.saved_id)
    proposal = propose(sample.journal, sample.engagement, DateRange(date(2026, 9, 1), date(2026, 9, 30)))
    content = proposal.item(f"goal:{goal.saved_id}").content
    assert (content.first, content.latest, content.target) == (3, 7, 8)
    text = render(proposal.build(Choice(frozenset({f"goal:{goal.saved_id}"}))), "text").decode()
    assert "3 → 7 out of 10, up; target 8" in text


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
        override=_every_override(proposal),
        wording={"label": "Coaching", "focus": "Pace", "support": "Air cover"},
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
                wording = {"label": "Leadership coaching", "focus": "Pace", "support": "Air cover"}
                choice = Choice(ticked, _every_override(proposal), wording, variant=Variant.MID_POINT)
                summary = proposal.build(choice)
                outputs.append({format: render(summary, format) for format in EXPORT_FORMATS})
        finally:
            with_canary.close()
            other.close()
    assert outputs[0] == outputs[1]
    for data in outputs[0].values():
        assert CANARY.lower().encode() not in data.lower()
        assert OTHER.lower().encode() not in data.lower()
