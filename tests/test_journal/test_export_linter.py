"""The export linter on realistic sponsor wordings: names (and the homograph traps), contact details, sensitive
terms, unknown capitalised words; spans in the original text; and no false alarms on ordinary coaching words."""

from __future__ import annotations

import itertools
import json
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from journal import InvalidInput, Person
from journal.export import (
    Choice,
    Linter,
    Review,
    Rule,
    Severity,
    TermPack,
    WordList,
    default_packs,
    default_words,
    dismissed_findings,
    finding_code,
    keep_findings,
    propose,
    review_summary,
)
from tests.test_journal.test_export_fixtures import sample_journal
from tests.test_journal.test_export_summary import Q3

PEOPLE = ["Sam Okafor", "Sammy", "Priya", "Zoë Müller", "Will", "Grace", "Mark Jensen", "Łukasz", "José García"]
CONFIDENTIAL = ["Project Atlas", "Globex"]


@pytest.fixture(scope="module")
def linter() -> Linter:
    return Linter(PEOPLE, CONFIDENTIAL)


EXPECTED: list[tuple[str, list[tuple[Rule, str]]]] = [
    # Names that are also ordinary words: capitalised, used as a name, they block; in lower case they warn.
    ("Grace under pressure", [(Rule.PERSON, "Grace")]),
    ("Resilience and grace under pressure", [(Rule.NAME_WORD, "grace")]),
    ("Will to lead", [(Rule.PERSON, "Will")]),
    ("Building the will to lead", [(Rule.NAME_WORD, "will")]),
    ("Mark milestones", [(Rule.PERSON, "Mark")]),
    ("Mark's handover", [(Rule.PERSON, "Mark")]),
    ("mark milestones with the team", [(Rule.NAME_WORD, "mark")]),
    # The people list: names, aliases, surnames, any case, accents or not, possessives.
    ("Mark Jensen's handover", [(Rule.PERSON, "Mark Jensen")]),
    ("Supporting Jensen's team", [(Rule.PERSON, "Jensen")]),
    ("Giving Sam ownership of the contract", [(Rule.PERSON, "Sam")]),
    ("Sammy’s first project", [(Rule.PERSON, "Sammy")]),
    ("Trust between sam and okafor", [(Rule.PERSON, "sam"), (Rule.PERSON, "okafor")]),
    ("Priya's peers", [(Rule.PERSON, "Priya")]),
    ("Working with Zoe on scope", [(Rule.PERSON, "Zoe")]),
    ("Zoë’s feedback loop", [(Rule.PERSON, "Zoë")]),
    ("Aligning with ZOË MÜLLER", [(Rule.PERSON, "ZOË MÜLLER")]),
    ("Coaching Lukasz through the change", [(Rule.PERSON, "Lukasz")]),
    ("Łukasz's onboarding", [(Rule.PERSON, "Łukasz")]),
    ("Agreeing priorities with José", [(Rule.PERSON, "José")]),
    ("Same approach, sampled weekly", []),
    ("Mentoring Samuel", [(Rule.UNKNOWN_WORD, "Samuel")]),
    # Confidential terms.
    ("Project Atlas rollout", [(Rule.CONFIDENTIAL, "Project Atlas")]),
    ("Globex's board and project  atlas", [(Rule.CONFIDENTIAL, "Globex"), (Rule.CONFIDENTIAL, "project  atlas")]),
    ("Atlas turnaround coaching", [(Rule.CONFIDENTIAL, "Atlas")]),  # the phrase's distinctive word, alone
    ("Project planning", []),
    # Contact details.
    ("Email sam.o@example.org for details", [(Rule.EMAIL, "sam.o@example.org")]),
    ("Call +44 20 7946 0958 or 020 7946 0958", [(Rule.PHONE, "+44 20 7946 0958"), (Rule.PHONE, "020 7946 0958")]),
    ("Call (555) 123-4567 or 555.123.4567", [(Rule.PHONE, "(555) 123-4567"), (Rule.PHONE, "555.123.4567")]),
    ("Reach +33 6 12 34 56 78", [(Rule.PHONE, "+33 6 12 34 56 78")]),
    ("See https://intranet.example.com/okr.", [(Rule.URL, "https://intranet.example.com/okr")]),
    ("Notes on www.acme.co.uk/team and acme.io", [(Rule.URL, "www.acme.co.uk/team"), (Rule.URL, "acme.io")]),
    ("Ping @sokafor on chat", [(Rule.HANDLE, "@sokafor")]),
    # Contact details written to slip past a filter, and addresses on a company's own network.
    ("Write to jane at acme dot com", [(Rule.EMAIL, "jane at acme dot com")]),
    ("jane [at] acme [dot] co [dot] uk", [(Rule.EMAIL, "jane [at] acme [dot] co [dot] uk")]),
    ("Mail j.doe(at)acme.io", [(Rule.EMAIL, "j.doe(at)acme.io")]),
    ("Meet at noon, then at the office", []),
    ("Call 447700900123 tonight", [(Rule.PHONE, "447700900123")]),
    ("Case notes on hr.corp/cases/114", [(Rule.URL, "hr.corp/cases/114")]),
    ("Tracked in wiki.acme.internal:8080/pip", [(Rule.URL, "wiki.acme.internal:8080/pip")]),
    ("Portal hr-portal:8443/me and 10.2.0.14/admin", [(Rule.URL, "hr-portal:8443/me"), (Rule.URL, "10.2.0.14/admin")]),
    ("See go/pip-plan", [(Rule.URL, "go/pip-plan")]),
    ("Moving from ASP.NET to Node.js", []),
    ("Mail jane -at- acme -dot- com", [(Rule.EMAIL, "jane -at- acme -dot- com")]),
    ("Mail jane.doe @ acme . com", [(Rule.EMAIL, "jane.doe @ acme . com")]),
    ("Write to jane dot doe at acme dot com", [(Rule.EMAIL, "jane dot doe at acme dot com")]),
    ("Plans on notion.so/acme and acme[.]com/jobs", [(Rule.URL, "notion.so/acme"), (Rule.URL, "acme[.]com/jobs")]),
    ("I delegated more.It worked", []),  # two sentences run together, not a host
    ("Call 555-0134 after six", [(Rule.PHONE, "555-0134")]),  # a local number, announced
    ("Call about 2025-2026 budgets", []),
    # Numbers that are not phone numbers.
    ("Budget of 1,250,000 for 2025-2026", []),
    ("Review on 2026-09-01, 01/09/2026 or 1.9.2026", []),
    ("Growing revenue from 120 000 000 to 150 000 000", []),
    ("Reference 5551234567 in the plan", []),
    # Sensitive terms, with care for stems.
    ("Hospital visits", [(Rule.SENSITIVE, "Hospital")]),
    ("Hospitality sector growth", []),
    ("Returning after maternity leave", [(Rule.SENSITIVE, "maternity leave")]),
    ("Handling a job offer elsewhere", [(Rule.SENSITIVE, "job offer")]),
    ("Weighing an offer elsewhere", [(Rule.SENSITIVE, "offer elsewhere")]),
    ("Pregnancy announcement to the team", [(Rule.SENSITIVE, "Pregnancy")]),
    ("Preparing for the disciplinary meeting", [(Rule.SENSITIVE, "disciplinary")]),
    ("Balancing work and family", [(Rule.SENSITIVE, "family")]),
    ("Feeling burnt-out after the launch", [(Rule.SENSITIVE, "burnt-out")]),  # a term's words hyphenated
    ("Taking baby steps on delegation", []),
    ("Retiring the legacy CRM", []),
    ("Retiring next spring", [(Rule.SENSITIVE, "Retiring")]),
    ("Cutting technical debt", []),
    ("Fasting during Ramadan", [(Rule.SENSITIVE, "Fasting"), (Rule.SENSITIVE, "Ramadan")]),
    # Acronyms, tools and places of working life are ordinary words.
    ("Agreeing SLAs before the QBR in Germany", []),
    # A capitalised word that is not an ordinary word: perhaps a company.
    ("Building trust with McKinsey", [(Rule.UNKNOWN_WORD, "McKinsey")]),
]


@pytest.mark.parametrize(("text", "expected"), EXPECTED, ids=[text for text, _ in EXPECTED])
def test_findings_on_realistic_wordings(linter: Linter, text: str, expected: list[tuple[Rule, str]]) -> None:
    found = linter.lint(text)
    assert [(finding.rule, finding.matched) for finding in found] == expected
    for finding in found:
        assert text[finding.start : finding.end] == finding.matched  # spans in the original text


DATA = Path(__file__).parent / "data"


def phrases(name: str) -> list[str]:
    """The phrases of one fixture file in tests/test_journal/data (one a line, `#` starts a comment)."""
    lines = (DATA / name).read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


ORDINARY = phrases("ordinary-phrases.txt")
"""Ordinary coaching and business phrasing, the words that trip linters included (fired up, family of products)."""

SENSITIVE = phrases("sensitive-phrases.txt")
"""Phrases touching health, family and life events, HR risk or a job search."""


def test_ordinary_phrasing_is_never_blocked_and_rarely_flagged(linter: Linter) -> None:
    assert len(ORDINARY) >= 200
    found = {text: linter.lint(text) for text in ORDINARY}
    assert [text for text, findings in found.items() if any(finding.blocks for finding in findings)] == []
    flagged = {text: [finding.describe() for finding in findings] for text, findings in found.items() if findings}
    assert len(flagged) <= 0.02 * len(ORDINARY), flagged


def test_sensitive_phrases_are_flagged(linter: Linter) -> None:
    missed = [text for text in SENSITIVE if not any(f.rule is Rule.SENSITIVE for f in linter.lint(text))]
    assert len(missed) <= 0.05 * len(SENSITIVE), missed


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Coaching Tom on ownership", [(Rule.PERSON, "Tom")]),
        ("coaching john on ownership", [(Rule.NAME_WORD, "john")]),
        ("Smith's team and Baker’s plan", [(Rule.PERSON, "Smith"), (Rule.PERSON, "Baker")]),
        ("A baker's dozen of actions", [(Rule.NAME_WORD, "baker")]),
        # Marked by the coachee as a word they use: capitalised warns, lower case is let be.
        ("Grace under pressure", [(Rule.NAME_WORD, "Grace")]),
        ("Resilience and grace under pressure", []),
        ("Working with Grace Hall", [(Rule.PERSON, "Grace Hall")]),
    ],
)
def test_names_that_are_ordinary_words(text: str, expected: list[tuple[Rule, str]]) -> None:
    linter = Linter(["Tom Baker", "John Smith", "Grace Hall"], ordinary_names=["Grace Hall"])
    assert [(finding.rule, finding.matched) for finding in linter.lint(text)] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Anne Marie's onboarding", [(Rule.PERSON, "Anne Marie")]),
        ("AnneMarie and ONeill", [(Rule.PERSON, "AnneMarie"), (Rule.PERSON, "ONeill")]),
        ("O’Neill's review", [(Rule.PERSON, "O’Neill")]),
        ("Mei Ling Chen on pricing", [(Rule.PERSON, "Mei Ling Chen")]),
        ("Marie-Anne", [(Rule.UNKNOWN_WORD, "Marie"), (Rule.UNKNOWN_WORD, "Anne")]),
    ],
)
def test_names_match_however_their_parts_are_joined(text: str, expected: list[tuple[Rule, str]]) -> None:
    linter = Linter(["Anne-Marie O'Neill", "Mei-Ling Chen"])
    assert [(finding.rule, finding.matched) for finding in linter.lint(text)] == expected


def test_a_person_marked_as_an_ordinary_word_reaches_the_linter(tmp_path: Path) -> None:
    sample = sample_journal(tmp_path / "journal.candour")
    sample.journal.save(Person("Will Hart", ordinary_word=True))
    sample.journal.save(Person("Mark"))
    found = Linter.for_journal(sample.journal).lint("Will to lead, Mark milestones")
    assert [(finding.rule, finding.matched) for finding in found] == [(Rule.NAME_WORD, "Will"), (Rule.PERSON, "Mark")]


def test_severities() -> None:
    blocking = {Rule.EMAIL, Rule.URL, Rule.PHONE, Rule.HANDLE, Rule.CONFIDENTIAL, Rule.PERSON}
    assert {rule for rule in Rule if rule.severity is Severity.BLOCK} == blocking


def test_overlapping_findings_keep_the_most_serious() -> None:
    linter = Linter(["Sam"], ["acme"])
    found = linter.lint("Write to sam@acme.com")
    assert [(finding.rule, finding.matched) for finding in found] == [(Rule.EMAIL, "sam@acme.com")]


def test_the_word_list_keeps_case_apart() -> None:
    words = default_words()
    for ordinary in ("will", "Will", "grace", "Mark", "Milestones", "Stakeholders", "Monday", "CEO", "OKRs"):
        assert words.is_ordinary(ordinary), ordinary
    for name in ("Sarah", "Priya", "Zoë", "McKinsey", "Okafor", "IBM"):
        assert not words.is_ordinary(name), name
    custom = WordList.parse("# a comment\nteam\nNASA\n")
    assert custom.is_ordinary("Team") and custom.is_ordinary("NASA") and not custom.is_ordinary("Nasa")


def test_the_shipped_packs_are_versioned_and_read_strictly(tmp_path: Path) -> None:
    packs = default_packs()
    names = {"health", "life-events", "hr-risk", "job-search", "identity", "money-legal"}
    assert {pack.name for pack in packs} == names
    assert all(pack.version >= 1 and pack.terms for pack in packs)
    with pytest.raises(InvalidInput):
        TermPack.from_json(json.dumps({"schema": 99, "pack": "x", "title": "x", "version": 1, "terms": []}).encode())
    with pytest.raises(InvalidInput):
        TermPack.from_json(b"[]")
    stems = TermPack.from_json(
        json.dumps(
            {"schema": 1, "pack": "t", "title": "test", "version": 1, "terms": ["therap*"], "not": ["therapod"]}
        ).encode()
    )
    linter = Linter(packs=[stems], words=WordList(frozenset({"therapist", "therapod"}), frozenset()))
    assert [finding.matched for finding in linter.lint("therapist therapod")] == ["therapist"]


@settings(max_examples=200)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=80) | st.sampled_from([t for t, _ in EXPECTED]))
def test_spans_always_point_into_the_original_text(text: str) -> None:
    linter = _LINTER
    found = linter.lint(text)
    for finding in found:
        assert 0 <= finding.start < finding.end <= len(text)
        assert text[finding.start : finding.end] == finding.matched
    for first, second in itertools.pairwise(found):
        assert first.end <= second.start  # no overlaps


_LINTER = Linter(PEOPLE, CONFIDENTIAL)


def test_the_linter_is_fast() -> None:
    started = time.perf_counter()
    for text in ORDINARY * 10:
        _LINTER.lint(text)
    assert time.perf_counter() - started < 1.0


def test_findings_are_reported_per_item_and_kept_findings_are_remembered(tmp_path: Path) -> None:
    sample = sample_journal(tmp_path / "journal.candour")
    journal = sample.journal
    proposal = propose(journal, sample.engagement, Q3)
    statement = f"statement:{sample.statement.saved_id}"
    goal = f"goal:{sample.goal.saved_id}"
    choice = Choice(
        proposal.default_choice().ticked | {goal, statement},
        override=frozenset({statement}),
        wording={goal: "Giving Sam the contract", "label": "Leadership coaching"},
    )
    summary = proposal.build(choice)
    review = review_summary(summary, Linter.for_journal(journal), dismissed_findings(journal, proposal.engagement_id))
    assert set(review.findings) == {goal}
    (finding,) = review.findings[goal]
    assert finding.rule is Rule.PERSON and finding.matched == "Sam"
    assert set(review.blocking()) == {goal}
    code = finding_code(goal, finding)
    assert review.blocking([code]) == {}
    with pytest.raises(InvalidInput):
        review.resolve(["ffffff"])
    assert goal not in summary.without(review.blocking()).ids

    (dismissal,) = keep_findings(journal, proposal.engagement_id, review, [code, code.upper()])
    assert dismissal.item_id == goal
    again = review_summary(summary, Linter.for_journal(journal), dismissed_findings(journal, proposal.engagement_id))
    assert again.is_dismissed(goal, finding) and again.blocking() == {}
    assert keep_findings(journal, proposal.engagement_id, again, [code]) == []  # not saved twice


def test_a_kept_finding_is_asked_again_when_the_wording_changes(tmp_path: Path) -> None:
    sample = sample_journal(tmp_path / "journal.candour")
    journal = sample.journal
    proposal = propose(journal, sample.engagement, Q3)
    goal = f"goal:{sample.goal.saved_id}"

    def review_of(wording: str) -> Review:
        choice = Choice(
            proposal.default_choice().ticked | {goal}, override=frozenset({goal}), wording={goal: wording, "label": "L"}
        )
        summary = proposal.build(choice)
        return review_summary(summary, Linter.for_journal(journal), dismissed_findings(journal, proposal.engagement_id))

    first = review_of("Giving Sam the contract")
    (finding,) = first.findings[goal]
    keep_findings(journal, proposal.engagement_id, first, [finding_code(goal, finding)])
    assert review_of("Giving Sam the contract").blocking() == {}  # the same words: kept
    reworded = review_of("Giving Sam the contract, and Sam's sick leave")
    assert [finding.matched for finding in reworded.blocking()[goal]] == ["Sam", "Sam"]
