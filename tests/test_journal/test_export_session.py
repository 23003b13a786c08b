"""The export session: choosing, wording and keeping, the check it makes, and what writing or showing remembers."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from journal import Engagement, ExportRecord, Goal, InvalidInput, Journal, LintDismissal, Theme
from journal.export import (
    PRIVATE_NOTICE,
    QUESTIONS,
    TEMPORARY_SUFFIX,
    ExportExists,
    ExportSession,
    FindingsUnanswered,
    Flag,
    LevelExceeded,
    Variant,
    WordingNeeded,
    clean_export_folders,
    export_log,
    kept_finding_key,
    preparation_sheet,
    render,
    resolve_destination,
)
from tests.test_journal.test_export_fixtures import Sample, sample_journal

Q3 = "Q3 2026"


@pytest.fixture
def sample(tmp_path: Path) -> Sample:
    """The sample journal, its engagement given a label for the sponsor (one that names the coach)."""
    sample = sample_journal(tmp_path / "journal.candour")
    sample.engagement = sample.journal.save(replace(sample.engagement, sponsor_label="Leadership with Ana"))
    return sample


@pytest.fixture
def session(sample: Sample) -> ExportSession:
    return ExportSession.start(sample.journal, sample.engagement, Q3)


def _theme(theme: Theme) -> str:
    return f"theme:{theme.saved_id}"


def _flag(session: ExportSession, word: str) -> Flag:
    """The finding on `word` (the label "Leadership with Ana" always carries a warning on "Ana")."""
    (flag,) = [flag for flag in session.check().flags if flag.finding.matched == word]
    return flag


def test_a_session_starts_from_the_logistics_and_previews_exactly_what_the_choice_builds(
    session: ExportSession,
) -> None:
    assert session.ticked == {"label", "period", "sessions"}
    assert session.proposal.period.describe() == "1 July – 30 September 2026"
    check = session.check()
    assert [flag.finding.matched for flag in check.flags] == ["Ana"]  # a warning: nothing is left out
    assert check.left_out == () and check.kept == () and not check.flags[0].holds_back
    assert session.preview() == render(session.proposal.build(session.choice()), "markdown")
    session.format = "json"
    assert session.preview() == render(check.summary, "json")
    assert session.suggested_name() == "coaching-summary-2026-09-30.json"


def test_ticking_follows_references_and_refuses_what_the_rules_refuse(sample: Sample, session: ExportSession) -> None:
    session.tick("themes")
    with pytest.raises(WordingNeeded):  # Trust has no sponsor wording yet
        session.check()
    session.untick(_theme(sample.trust))
    assert "Empowering the team" in session.preview().decode()
    session.tick("goals")
    with pytest.raises(InvalidInput):
        session.choose(["label", "theme:nothing"])
    session.choose(["label", f"goal:{sample.goal.saved_id}"])
    assert session.ticked == {"label", f"goal:{sample.goal.saved_id}"}
    session.tick("statements")
    with pytest.raises(LevelExceeded):  # a statement needs L3; the engagement agreed L2
        session.check()
    statement = f"statement:{sample.statement.saved_id}"
    session.allow_beyond_level("goals")  # within the level: nothing to allow
    assert session.overridden == frozenset()
    session.allow_beyond_level(statement)
    assert session.overridden == {statement}
    preview = session.preview().decode()
    assert "Steady progress on delegation" in preview and "beyond the agreed level" in preview
    assert any("beyond the agreed sharing level" in warning for warning in session.check().warnings)
    session.tick("focus")
    session.set_wording("focus", "Pace of delivery")
    with pytest.raises(LevelExceeded):  # the override was the statement's alone
        session.check()
    session.allow_beyond_level(statement, allowed=False)
    session.untick("focus")
    with pytest.raises(LevelExceeded):
        session.check()


def test_a_wording_can_be_written_cleared_or_replaced_by_the_private_one(
    sample: Sample, session: ExportSession
) -> None:
    trust = _theme(sample.trust)
    session.tick(trust)
    session.set_wording(trust, "Building trust")
    assert "Building trust" in session.preview().decode()
    session.clear_wording(trust)
    with pytest.raises(WordingNeeded):
        session.check()
    session.send_private(trust)
    assert "Trust" in session.preview().decode()
    assert any("private wording" in warning for warning in session.check().warnings)
    session.send_private(trust, chosen=False)
    assert session.use_private == frozenset()
    session.untick(trust)
    session.set_wording("label", "")
    with pytest.raises(InvalidInput, match="empty"):
        session.check()


def test_a_blocked_item_goes_out_only_once_its_finding_is_kept(sample: Sample, session: ExportSession) -> None:
    trust = _theme(sample.trust)
    session.tick(trust)
    session.set_wording(trust, "Trust with Sam")
    check = session.check()
    flag = _flag(session, "Sam")
    assert flag.holds_back and not flag.kept_now and not flag.kept_before and flag.item.item_id == trust
    assert check.left_out == (flag.item,) and "Trust with Sam" not in session.preview().decode()
    with pytest.raises(InvalidInput, match="000000"):
        session.keep("000000")
    session.keep(flag.code.upper())  # as typed: the code's case does not matter
    check = session.check()
    assert check.kept == (flag.code,) and check.left_out == () and _flag(session, "Sam").kept_now
    assert "Trust with Sam" in session.preview().decode()
    # Reworded without the name, the finding is gone, and so is its keeping: it named that finding only.
    session.set_wording(trust, "Trust across the team")
    assert [flag.finding.matched for flag in session.check().flags] == ["Ana"] and session.kept == ()
    session.set_wording(trust, "Trust with Sam")
    assert session.check().left_out == (flag.item,)
    session.set_kept([flag.code])
    assert session.check().left_out == ()
    session.set_kept([])
    assert session.check().left_out == (flag.item,)


def test_writing_logs_then_keeps_the_wordings_that_went_out_when_asked_and_the_findings_kept(
    sample: Sample, session: ExportSession, tmp_path: Path
) -> None:
    trust, delegation = _theme(sample.trust), _theme(sample.delegation)
    session.tick("themes")
    session.set_wording(trust, "Trust with Priya")
    session.set_wording(delegation, "Handing work to Sam")  # held back, then unticked: not kept
    session.remember_wordings = True
    priya = _flag(session, "Priya")
    session.keep(priya.code)
    with pytest.raises(FindingsUnanswered):  # the item held back is never dropped silently
        session.write(tmp_path / "summary.md", recipient=" Dee ")
    assert not (tmp_path / "summary.md").exists() and sample.journal.all(ExportRecord) == []
    session.untick(delegation)
    done = session.write(tmp_path / "summary.md", recipient=" Dee ")
    assert (tmp_path / "summary.md").read_bytes() == render(session.check().summary, "markdown")
    assert done.record.recipient == "Dee" and done.record.path == str(tmp_path / "summary.md")
    assert [item.item_id for item in done.reworded] == [trust]
    assert [(kept.item_id, kept.finding_key) for kept in done.kept] == [
        (trust, kept_finding_key(priya.finding, "Trust with Priya"))
    ]
    journal = sample.journal
    engagement = journal.get(Engagement, sample.engagement.saved_id)
    assert engagement.kept_wording(trust) == "Trust with Priya" and not engagement.kept_wording(delegation)
    assert journal.get(Theme, sample.trust.saved_id).sponsor_wording == ""  # kept for this engagement only
    assert done.record.kept_findings == (f"{priya.item.short_id}: {priya.finding.describe()}",)
    assert not any("Ana" in line for line in done.record.warnings)  # warnings name items, never their text
    # The same session now sees the kept finding as kept before.
    assert _flag(session, "Priya").kept_before


def test_a_wording_typed_during_an_export_is_kept_only_when_asked(sample: Sample, session: ExportSession) -> None:
    goal = f"goal:{sample.goal.saved_id}"
    session.tick(goal)
    session.set_wording(goal, "Delegating to Priya")
    session.keep(_flag(session, "Priya").code)
    data, done = session.show()
    assert done.record.shown_only and done.record.path == "" and done.record.recipient == "Acme"
    assert "Delegating to Priya" in data.decode() and done.reworded == ()
    assert sample.journal.get(Goal, sample.goal.saved_id).sponsor_wording == "Delegating decisions"
    later = ExportSession.start(sample.journal, sample.engagement, Q3)
    later.tick(goal)
    assert "Delegating decisions" in later.preview().decode()  # the typed wording was not kept


def test_showing_logs_and_remembers_as_writing_does(sample: Sample, session: ExportSession) -> None:
    goal = f"goal:{sample.goal.saved_id}"
    session.tick(goal)
    session.set_wording(goal, "Delegating to Priya")
    session.remember_wordings = True
    session.keep(_flag(session, "Priya").code)
    data, done = session.show()
    assert "Delegating to Priya" in data.decode() and [item.item_id for item in done.reworded] == [goal]
    later = ExportSession.start(sample.journal, sample.journal.get(Engagement, sample.engagement.saved_id), Q3)
    later.tick(goal)
    assert _flag(later, "Priya").kept_before and "Delegating to Priya" in later.preview().decode()


def test_the_log_records_overrides_private_wordings_and_which_file_was_replaced(
    sample: Sample, session: ExportSession, tmp_path: Path
) -> None:
    statement, trust = f"statement:{sample.statement.saved_id}", _theme(sample.trust)
    session.tick(statement)
    session.allow_beyond_level(statement)
    session.tick(trust)
    session.send_private(trust)
    first = session.write(tmp_path / "summary.md").record
    assert first.override and first.beyond_level == ("statement (September 2026): Steady progress on delegation",)
    assert first.private_wordings == (session.proposal.item(trust).short_id,)
    assert any("beyond the agreed sharing level" in line for line in first.warnings)
    assert any("private wording" in line for line in first.warnings)
    assert first.sha256 and not first.replaced_by
    session.untick(statement)
    second = session.write(tmp_path / "summary.md", overwrite=True).record
    by_id = {record.saved_id: record for record in export_log(sample.journal)}
    assert by_id[first.saved_id].replaced_by == second.saved_id and not by_id[second.saved_id].replaced_by
    assert not second.override and second.beyond_level == ()


def test_a_refused_write_logs_and_remembers_nothing(sample: Sample, session: ExportSession, tmp_path: Path) -> None:
    trust = _theme(sample.trust)
    session.tick(trust)
    session.set_wording(trust, "Trust with Priya")
    session.keep(_flag(session, "Priya").code)
    (tmp_path / "summary.md").write_text("someone else's file")
    with pytest.raises(ExportExists):
        session.write(tmp_path / "summary.md")
    journal: Journal = sample.journal
    assert export_log(journal) == [] and journal.all(LintDismissal) == []
    assert journal.get(Engagement, sample.engagement.saved_id).wordings == ()


def test_the_recipient_is_the_one_given_else_the_sponsor(sample: Sample, session: ExportSession) -> None:
    assert session.recipient("Dana (HR)") == "Dana (HR)"
    assert session.recipient("  ") == "Acme"
    nobody = sample.journal.save(Engagement("Another", starts_on=sample.engagement.starts_on))
    assert ExportSession.start(sample.journal, nobody, Q3).recipient() == "sponsor"


def test_a_destination_is_the_file_given_or_the_suggested_name_in_a_folder(tmp_path: Path) -> None:
    assert resolve_destination(None, "summary.md", folder=tmp_path) == tmp_path / "summary.md"
    assert resolve_destination(tmp_path, "summary.md", folder=Path("/elsewhere")) == tmp_path / "summary.md"
    assert resolve_destination(tmp_path / "mine.md", "summary.md", folder=tmp_path) == tmp_path / "mine.md"


def test_leftovers_go_from_the_next_folder_and_every_folder_exported_to_before(
    session: ExportSession, tmp_path: Path
) -> None:
    earlier, later = tmp_path / "earlier", tmp_path / "later"
    earlier.mkdir()
    later.mkdir()
    session.write(earlier / "summary.md")
    gone = 2**22 + 1  # one above the largest process id Linux hands out: no writer can be running under it
    leftovers = [folder / f".summary.md.{gone}.{'0' * 12}{TEMPORARY_SUFFIX}" for folder in (earlier, later)]
    for leftover in leftovers:
        leftover.write_text("half a summary")
    assert sorted(clean_export_folders(session.journal, later)) == sorted(leftovers)
    assert not any(leftover.exists() for leftover in leftovers)


def test_the_preparation_sheet_is_the_coachees_alone_and_leaves_nothing_behind(
    sample: Sample, session: ExportSession
) -> None:
    session.variant = Variant.MID_POINT
    sheet = preparation_sheet(session)
    assert sheet.startswith(PRIVATE_NOTICE + "\n")  # never to be mistaken for the summary
    assert "Preparing the mid-point review of Leadership with Ana" in sheet
    assert "Agreed sharing level: L2." in sheet and "Sessions used: 3 of 6 (3 remaining)." in sheet
    # In the coachee's own words, with what the sponsor could be shown beside each.
    assert '- Delegation (July and September 2026; for the sponsor: "Empowering the team")' in sheet
    assert "- Trust (September 2026; no sponsor wording yet)" in sheet
    assert "- Stop rescuing Sam (active; 3 → 7 out of 10, up;" in sheet
    assert all(question in sheet for question in QUESTIONS)
    assert export_log(sample.journal) == []  # shown, never logged
    assert Variant.MID_POINT.title in session.preview().decode()  # the summary itself is the review's


def test_a_review_variant_titles_the_summary_and_is_logged_like_any_export(
    sample: Sample, session: ExportSession
) -> None:
    session.variant = Variant.parse("Final")
    shown, done = session.show(recipient="Dee")
    assert shown.decode().startswith("# Final review: Leadership with Ana")
    assert done.record.shown_only and export_log(sample.journal) == [done.record]
    with pytest.raises(InvalidInput, match="mid-point"):
        Variant.parse("quarterly")
