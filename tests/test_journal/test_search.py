"""Search: case- and accent-insensitive terms and phrases, every filter and their combinations, order and snippets."""

from __future__ import annotations

import re
import unicodedata
import uuid
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path
from typing import TypeVar

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from journal import search
from journal.clock import FixedClock
from journal.dates import parse_range
from journal.models import Action, CheckIn, Engagement, Goal, Model, Person, Reflection, Session, Template, Theme
from journal.search import (
    SNIPPET_WIDTH,
    Query,
    SearchFilters,
    SearchIndex,
    _containing,
    normalize,
    parse_query,
    query_terms,
    snippet,
)
from journal.store import Journal
from journal.text import Folded
from journal.vault import search_pages
from journal.vault.search_pages import PAGE_COUNT, decode_page, encode_page
from tests.conftest import CHEAP_KDF, CHEAP_LIMITS, PASSPHRASE

TODAY = date(2026, 9, 15)
CLOCK = FixedClock.on(TODAY)
M = TypeVar("M", bound=Model)


def saved(value: M, record_id: str | None = None) -> M:
    """`value` as the store hands it back: with a record id."""
    return replace(value, record_id=record_id or uuid.uuid4().hex)


def at(day: int, hour: int = 12, month: int = 9) -> datetime:
    return datetime(2026, month, day, hour)


def ids(index: SearchIndex, query: str = "", filters: SearchFilters | None = None) -> list[str]:
    return [hit.record_id for hit in index.search(query, filters or SearchFilters(), limit=None)]


def index_of(*values: Model) -> SearchIndex:
    index = SearchIndex()
    index.add(values)
    return index


# --- folding and query terms -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Café", "cafe"),
        ("ZOË", "zoe"),
        ("Straße", "strasse"),
        ("ﬁnal", "final"),
        ("Ångström", "angstrom"),
        ("ПРИВЕТ", "привет"),
        ("Ἀθῆναι", "αθηναι"),
        ("日本語", "日本語"),
        ("plain ASCII", "plain ascii"),
    ],
)
def test_normalize_folds_case_accents_and_ligatures(text: str, folded: str) -> None:
    assert normalize(text) == folded


def test_query_terms_are_words_and_quoted_phrases() -> None:
    assert query_terms('  Hard "Difficult  Conversation" Zoë  ""  ') == ["hard", "difficult  conversation", "zoe"]
    assert query_terms("   ") == []


# --- matching ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "text"),
    [
        ("cafe", "Coffee at the Café with the team."),
        ("CAFÉ", "the cafe downstairs"),
        ("ZOE", "Zoë pushed back on the plan."),
        ("zoë", "ZOE pushed back on the plan."),
        ("strasse", "Meeting at the Hauptstraße office."),
        ("STRASSE", "hauptstraße"),
        ("final", "The ﬁnal review."),
        ("привет", "Она сказала: ПРИВЕТ."),
        ("日本", "日本語のミーティング"),
        ("naïve", "A naive question, and I asked it."),
    ],
)
def test_matching_ignores_case_and_accents(query: str, text: str) -> None:
    reflection = saved(Reflection(text, at(1)))
    assert ids(index_of(reflection), query) == [reflection.record_id]


def test_every_word_must_match() -> None:
    both = saved(Reflection("Delegation felt hard with the new team.", at(1)))
    one = saved(Reflection("Delegation went fine.", at(2)))
    index = index_of(both, one)
    assert ids(index, "delegation hard") == [both.record_id]
    assert set(ids(index, "delegation")) == {both.record_id, one.record_id}
    assert ids(index, "delegation nowhere") == []


def test_a_quoted_phrase_matches_only_as_a_phrase() -> None:
    phrase = saved(Reflection("I had a hard conversation with my manager.", at(1)))
    apart = saved(Reflection("The conversation was hard.", at(2)))
    index = index_of(phrase, apart)
    assert ids(index, '"hard conversation"') == [phrase.record_id]
    assert set(ids(index, "hard conversation")) == {phrase.record_id, apart.record_id}
    assert ids(index, '"HARD CONVERSATION" manager') == [phrase.record_id]


def test_a_blank_query_lists_everything_that_passes_the_filters() -> None:
    values = [saved(Reflection(f"Entry {n}", at(n))) for n in range(1, 4)]
    assert len(ids(index_of(*values), "  ")) == 3


def test_titles_and_every_kind_of_text_are_searched() -> None:
    engagement = saved(Engagement("Leadership", coach="Ana Ruiz", sponsor="Acme Corp"))
    values: list[Model] = [
        engagement,
        saved(Session(engagement.saved_id, date(2026, 9, 1), 1, agenda="Bring the budget question")),
        saved(Reflection("Body text", at(1), title="Quarterly budget")),
        saved(Theme("Influence", "Stakeholder influence", "Getting heard on the budget")),
        saved(Goal("Own the budget", "Lead budgeting", success_criteria="Budget signed off")),
        saved(Action("Draft the budget memo")),
        saved(Person("Bea", aliases=("Budget Bea",), note="Runs the budget")),
    ]
    index = index_of(*values)
    assert set(ids(index, "budget")) == {value.saved_id for value in values[1:]}
    assert ids(index, "acme") == [engagement.record_id]
    assert ids(index, "ruiz") == [engagement.record_id]


def test_templates_are_not_search_results() -> None:
    assert ids(index_of(saved(Template("Budget prompts", ("What about the budget?",)))), "budget") == []


def test_limit_keeps_the_newest() -> None:
    values = [saved(Reflection(f"Entry {n}", at(n))) for n in range(1, 6)]
    hits = index_of(*values).search("entry", limit=2)
    assert [hit.record_id for hit in hits] == [values[4].record_id, values[3].record_id]


# --- order -------------------------------------------------------------------------------------


def test_results_are_newest_first() -> None:
    engagement = saved(Engagement("Leadership"))
    goal = saved(Goal("Speak up", engagement_id=engagement.record_id))
    old = saved(Reflection("speak up, early", at(2)))
    session = saved(Session(engagement.saved_id, date(2026, 9, 9), 2, agenda="speak up in the review"))
    check_in = saved(CheckIn(goal.saved_id, date(2026, 9, 12), 6, note="speak up more"))
    new = saved(Reflection("speak up, lately", at(14)))
    index = index_of(session, goal, engagement, old, check_in, new)
    assert ids(index, '"speak up"') == [
        new.record_id,
        check_in.record_id,
        session.record_id,
        old.record_id,
        goal.record_id,  # no date: last
    ]


def test_reflections_of_one_day_are_newest_first_by_time() -> None:
    # Ids chosen so that ordering by id would give the opposite order.
    morning = saved(Reflection("standup notes, morning", at(10, hour=9)), "f" * 32)
    evening = saved(Reflection("standup notes, evening", at(10, hour=18)), "0" * 32)
    assert ids(index_of(morning, evening), "standup") == [evening.record_id, morning.record_id]


# --- snippets ----------------------------------------------------------------------------------


def test_snippet_holds_the_match_even_when_folding_shifts_offsets() -> None:
    """ß folds to two letters, ﬁ to two, é loses its accent: the snippet must still centre on the original match."""
    # Each repetition folds two characters longer: offsets in folded text run 60 ahead by the match.
    text = "Straße, ﬁnal café, Ærøskøbing. " * 30 + "Then Zoë said the plan would not work." + " And more." * 20
    reflection = saved(Reflection(text, at(1)))
    (hit,) = index_of(reflection).search("zoe")
    assert "Zoë said" in hit.snippet
    assert hit.snippet.startswith("…") and hit.snippet.endswith("…")
    assert len(hit.snippet) <= SNIPPET_WIDTH + 2


def test_snippet_of_a_phrase_and_of_a_text_without_match() -> None:
    text = "Straße " * 30 + "a hard  conversation\nabout scope"
    assert "hard conversation" in snippet(text, ["hard  conversation"])
    assert snippet("Short text.", []) == "Short text."
    assert (
        snippet("## What happened?\n\n- **Big** day, `really`\n> quoted", []) == "What happened? Big day, really quoted"
    )
    assert snippet("word " * 40, ["absent"]).startswith("word word")


@settings(max_examples=200)
@given(st.text(alphabet=st.sampled_from("aZ 9.\nßﬁéÆøŒİΣσς\u0301\u2028日本") | st.characters(), max_size=40))
def test_folding_runs_of_accented_text_agrees_with_folding_each_character(text: str) -> None:
    """Snippets fold only the non-ASCII characters one by one; the result must be folding every one."""
    folded = Folded.of(text)
    assert folded.folded == "".join(normalize(char) for char in text)
    assert list(folded.origin) == [index for index, char in enumerate(text) for _ in normalize(char)]


def test_snippet_is_one_line() -> None:
    reflection = saved(Reflection("## What did I explore?\nDelegation.\n\n## What shifted?\nTrust.", at(1)))
    (hit,) = index_of(reflection).search("trust")
    assert "\n" not in hit.snippet and "Trust." in hit.snippet


def test_hits_carry_kind_day_and_title() -> None:
    reflection = saved(Reflection("## What did I explore?\nDelegation to Sam.", at(3)))
    (hit,) = index_of(reflection).search("sam")
    assert (hit.kind, hit.day, hit.title) == ("reflection", date(2026, 9, 3), "Delegation to Sam.")


# --- filters -----------------------------------------------------------------------------------


class World:
    """Two engagements, with themes, goals, people and records of every kind linked across them."""

    def __init__(self, through_cache: bool) -> None:
        self.first = saved(Engagement("Leadership", starts_on=date(2026, 1, 1)))
        self.second = saved(Engagement("Career", starts_on=date(2026, 8, 1)))
        self.session = saved(Session(self.first.saved_id, date(2026, 8, 20), 3, agenda="plan for the offsite"))
        self.other_session = saved(Session(self.second.saved_id, date(2026, 9, 2), 1, agenda="career plan"))
        self.theme = saved(Theme("Delegation"))
        self.goal = saved(Goal("Delegate more", engagement_id=self.first.record_id))
        self.other_goal = saved(Goal("Find a mentor", engagement_id=self.second.record_id))
        self.sam = saved(Person("Sam"))
        self.anna = saved(Person("Anna Lee", aliases=("Annie",)))
        # Tied to a session only (as an import might store it): its engagement comes from the session.
        self.via_session = saved(
            Reflection("Offsite plan with Sam.", at(20, month=8), session_id=self.session.record_id)
        )
        self.linked = saved(
            Reflection(
                "Delegated the plan.",
                at(10),
                engagement_id=self.first.record_id,
                theme_ids=(self.theme.saved_id,),
                person_ids=(self.sam.saved_id,),
                goal_ids=(self.goal.saved_id,),
            )
        )
        self.mentions_anna = saved(Reflection("Lunch, then @Anna_Lee wrote the plan up.", at(3)))
        self.by_name = saved(Reflection("Anna Lee and I drafted a plan.", at(5, month=8)))
        self.samantha = saved(Reflection("Samantha's plan, not Sam's.", at(12)))
        self.check_in = saved(CheckIn(self.goal.saved_id, date(2026, 9, 8), 4, note="plan slipping"))
        self.action = saved(Action("Share the plan", due_on=date(2026, 9, 18), goal_id=self.goal.record_id))
        self.session_action = saved(Action("Book plan review", session_id=self.other_session.record_id))
        values: list[Model] = [self.session, self.other_session, self.goal, self.other_goal, self.sam, self.anna]
        values += [self.first, self.second, self.theme, self.via_session, self.linked, self.mentions_anna]
        values += [self.by_name, self.samantha, self.check_in, self.action, self.session_action]
        self.index = SearchIndex()
        self.index.add(values)
        if through_cache:
            # As a later session indexes them: the kinds that grow with the journal come from the
            # sealed cache's documents, the others are decrypted (their documents on the pages are
            # empty, as the journal writes them). Every filter must agree.
            documents = {
                bytes.fromhex(value.saved_id): (1, self.index.cached_form(value.saved_id) or b"")
                for value in values
                if value.KIND in CACHED_KINDS
            }
            empty = {bytes.fromhex(value.saved_id): (1, b"") for value in values if value.KIND not in CACHED_KINDS}
            self.index = SearchIndex()
            self.index.add(value for value in values if value.KIND not in CACHED_KINDS)
            for number in range(PAGE_COUNT):
                on_page = {
                    record_id: doc
                    for record_id, doc in (documents | empty).items()
                    if record_id[0] % PAGE_COUNT == number
                }
                page = decode_page(encode_page(on_page))
                self.index.add_cached(number, page, dict.fromkeys(documents, 1))
                if on_page:
                    assert self.index._pages[number] is page  # nothing stale to drop: kept, not copied
            assert all(self.index.has_cached(record_id) for record_id in documents)
            assert not any(self.index.has_cached(record_id) for record_id in empty)

    def find(self, query: str = "", **filters: object) -> set[str]:
        return set(ids(self.index, query, SearchFilters(**filters)))  # type: ignore[arg-type]


CACHED_KINDS = {"reflection", "checkin", "action"}


@pytest.fixture(scope="module", params=["decrypted", "from the search cache"])
def world(request: pytest.FixtureRequest) -> World:
    return World(through_cache=request.param != "decrypted")


def test_engagement_filter_includes_reflections_tied_to_its_sessions(world: World) -> None:
    assert world.find("plan", engagement_id=world.first.saved_id) == {
        world.session.saved_id,
        world.via_session.saved_id,
        world.linked.saved_id,
        world.check_in.saved_id,  # through its goal
        world.action.saved_id,  # through its goal
    }
    assert world.find("plan", engagement_id=world.second.saved_id) == {
        world.other_session.saved_id,
        world.session_action.saved_id,  # through its session
    }


def test_engagement_filter_includes_the_engagement_and_its_goals(world: World) -> None:
    found = world.find(engagement_id=world.first.saved_id)
    assert {world.first.saved_id, world.goal.saved_id} <= found
    assert world.other_goal.saved_id not in found and world.second.saved_id not in found


def test_theme_filter(world: World) -> None:
    assert world.find("plan", theme_id=world.theme.saved_id) == {world.linked.saved_id}
    assert world.find(theme_id=world.theme.saved_id) == {world.linked.saved_id, world.theme.saved_id}


def test_goal_filter_includes_its_check_ins_and_actions(world: World) -> None:
    assert world.find(goal_id=world.goal.saved_id) == {
        world.goal.saved_id,
        world.linked.saved_id,
        world.check_in.saved_id,
        world.action.saved_id,
    }


def test_person_filter_finds_links_and_mentions_by_name(world: World) -> None:
    assert world.find("plan", person_id=world.sam.saved_id) == {
        world.linked.saved_id,  # linked
        world.via_session.saved_id,  # mentioned by name
        world.samantha.saved_id,  # "Sam's" is Sam; "Samantha" alone would not be
    }
    assert world.find(person_id=world.anna.saved_id) == {
        world.anna.saved_id,
        world.mentions_anna.saved_id,  # as @Anna_Lee, never linked (imported)
        world.by_name.saved_id,
    }


def test_person_filter_finds_a_mention_by_alias() -> None:
    anna = saved(Person("Anna Lee", aliases=("Annie",)))
    annie = saved(Reflection("Annie agreed.", at(4)))
    index = index_of(anna, annie, saved(Reflection("Anna agreed.", at(5))))
    assert ids(index, "agreed", SearchFilters(person_id=anna.saved_id)) == [annie.saved_id]


def test_a_whole_word_is_needed_for_a_mention_by_name() -> None:
    sam = saved(Person("Sam"))
    index = index_of(sam, saved(Reflection("Samantha and the samples.", at(1))))
    assert ids(index, filters=SearchFilters(person_id=sam.saved_id)) == [sam.saved_id]


def test_date_filter_last_month(world: World) -> None:
    last_month = parse_range("last month", CLOCK)
    assert world.find("plan", dates=last_month) == {
        world.session.saved_id,
        world.via_session.saved_id,
        world.by_name.saved_id,
    }


def test_date_filter_since_a_day(world: World) -> None:
    since = parse_range("since 2026-09-01", CLOCK)
    assert world.find("plan", dates=since) == {
        world.other_session.saved_id,
        world.linked.saved_id,
        world.mentions_anna.saved_id,
        world.samantha.saved_id,
        world.check_in.saved_id,
        # The action due on the 18th is after today: "since" ends today.
    }


def test_date_filter_leaves_out_records_without_a_day(world: World) -> None:
    found = world.find(dates=parse_range("2026", CLOCK))
    assert world.goal.saved_id not in found and world.theme.saved_id not in found
    assert world.sam.saved_id not in found


def test_kinds_filter(world: World) -> None:
    assert world.find("plan", kinds=frozenset({"checkin", "action"})) == {
        world.check_in.saved_id,
        world.action.saved_id,
        world.session_action.saved_id,
    }
    assert world.find(kinds=frozenset({"person"})) == {world.sam.saved_id, world.anna.saved_id}


def test_filters_combine(world: World) -> None:
    assert world.find(
        "plan",
        engagement_id=world.first.saved_id,
        dates=parse_range("since 2026-09-01", CLOCK),
        kinds=frozenset({"reflection"}),
    ) == {world.linked.saved_id}
    assert world.find(goal_id=world.goal.saved_id, person_id=world.sam.saved_id) == {world.linked.saved_id}
    assert world.find(theme_id=world.theme.saved_id, engagement_id=world.second.saved_id) == set()
    assert world.find("plan", dates=parse_range("last month", CLOCK), person_id=world.anna.saved_id) == {
        world.by_name.saved_id
    }


def test_only_saved_values_can_be_indexed() -> None:
    with pytest.raises(ValueError, match="saved"):
        SearchIndex().add([Theme("Unsaved")])


# --- through the journal: deletions, restores and edits -----------------------------------------


def hit_ids(journal: Journal, query: str, **filters: object) -> list[str]:
    return [hit.record_id for hit in journal.search(query, SearchFilters(**filters))]  # type: ignore[arg-type]


def test_deleted_records_disappear_and_restored_ones_come_back(journal: Journal) -> None:
    kept = journal.write_reflection("Feedback from the offsite", written_at=at(1))
    doomed = journal.write_reflection("Offsite budget worries", written_at=at(2))
    assert hit_ids(journal, "offsite") == [doomed.saved_id, kept.saved_id]
    journal.delete(doomed.saved_id)
    assert hit_ids(journal, "offsite") == [kept.saved_id]
    journal.restore(doomed.saved_id)
    assert hit_ids(journal, "offsite") == [doomed.saved_id, kept.saved_id]
    journal.purge(doomed.saved_id)
    assert hit_ids(journal, "offsite") == [kept.saved_id]


def test_a_record_deleted_before_the_first_search_is_not_found(journal: Journal) -> None:
    doomed = journal.save(Theme("Offsite"))
    journal.delete(doomed.saved_id)
    assert hit_ids(journal, "offsite") == []
    journal.restore(doomed.saved_id)
    assert hit_ids(journal, "offsite") == [doomed.saved_id]


def test_edits_are_reindexed(journal: Journal) -> None:
    reflection = journal.write_reflection("Talked about the reorg.", written_at=at(1))
    assert hit_ids(journal, "reorg") == [reflection.saved_id]
    journal.save(replace(reflection, text="Talked about the promotion."))
    assert hit_ids(journal, "reorg") == []
    assert hit_ids(journal, "promotion") == [reflection.saved_id]
    journal.revert(reflection.saved_id, 1)
    assert hit_ids(journal, "reorg") == [reflection.saved_id]
    assert hit_ids(journal, "promotion") == []


def test_a_renamed_person_is_found_by_the_new_name(journal: Journal) -> None:
    person = journal.save(Person("Bea"))
    reflection = journal.save(Reflection("Lunch with Beatrice.", at(1)))
    assert hit_ids(journal, "", person_id=person.saved_id) == [person.saved_id]
    journal.save(replace(person, name="Beatrice"))
    assert hit_ids(journal, "lunch", person_id=person.saved_id) == [reflection.saved_id]


def test_search_through_the_journal_uses_session_links(journal: Journal) -> None:
    engagement = journal.save(Engagement("Leadership"))
    session = journal.save(Session(engagement.saved_id, date(2026, 9, 1), 1))
    journal.search("warm up the index")  # built before the next records exist
    reflection = journal.save(Reflection("After session one", at(1), session_id=session.record_id))
    assert hit_ids(journal, "after", engagement_id=engagement.saved_id) == [reflection.saved_id]


# --- the fold and the sealed search cache -------------------------------------------------------


def _fold_of_layout_2(text: str) -> str:
    """How search folded text when the cache's pages were in layout 2: case and accents only, "ł" stayed "ł"."""
    if text.isascii():
        return text.lower()
    return re.sub("[\u0300-\u036f]", "", unicodedata.normalize("NFKD", text)).casefold()


def _reopen(path: Path) -> Journal:
    return Journal.open(path, PASSPHRASE, limits=CHEAP_LIMITS, clock=CLOCK)


def _cached_text(journal: Journal) -> bytes:
    return b"".join(page.data for page in journal.vault.cached_pages().values())


def test_lukasz_finds_lukasz_with_its_stroke_on_a_fresh_journal(journal_path: Path) -> None:
    journal, _ = Journal.create(journal_path, PASSPHRASE, kdf=CHEAP_KDF, limits=CHEAP_LIMITS, clock=CLOCK)
    with journal:
        reflection = journal.save(Reflection("Coaching Łukasz through the change", at(1)))
        assert hit_ids(journal, "lukasz") == [reflection.saved_id]
    with _reopen(journal_path) as reopened:  # now from the sealed cache
        assert hit_ids(reopened, "lukasz") == hit_ids(reopened, "Łukasz") == [reflection.saved_id]
        assert b"lukasz" in _cached_text(reopened)


def test_a_cache_folded_the_old_way_is_rebuilt(journal_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A journal whose cache an earlier Candour wrote (pages in layout 2, "Łukasz" folded to "łukasz")."""
    with monkeypatch.context() as earlier:
        earlier.setattr(search_pages, "PAGE_LAYOUT", b"CSP\x02")
        earlier.setattr(search, "fold", _fold_of_layout_2)
        journal, _ = Journal.create(journal_path, PASSPHRASE, kdf=CHEAP_KDF, limits=CHEAP_LIMITS, clock=CLOCK)
        with journal:
            reflection = journal.save(Reflection("Coaching Łukasz through the change", at(1)))
            other = journal.save(Reflection("Zoë on scope", at(2)))
            assert hit_ids(journal, "lukasz") == []  # the bug this layout had
            journal.search("warm")  # builds and saves the cache
            assert "łukasz".encode() in _cached_text(journal)
    with _reopen(journal_path) as reopened:
        assert reopened.vault.cached_pages() == {}  # the old pages are not trusted: they are rebuilt
        assert hit_ids(reopened, "lukasz") == [reflection.saved_id]
        assert hit_ids(reopened, "zoe") == [other.saved_id]
        rebuilt = _cached_text(reopened)
        assert b"lukasz" in rebuilt and "łukasz".encode() not in rebuilt
    with _reopen(journal_path) as again:
        assert hit_ids(again, "lukasz") == [reflection.saved_id]


@settings(max_examples=300)
@given(
    st.lists(st.text(alphabet="ab é", max_size=12), max_size=8),
    st.lists(st.text(alphabet="ab é", min_size=1, max_size=3), max_size=3),
)
def test_a_cache_page_yields_every_document_holding_every_term(texts: list[str], terms: list[str]) -> None:
    # A tiny alphabet makes matches that run from one document into the next common.
    documents = {bytes([n]) * 16: (1, text.encode()) for n, text in enumerate(texts)}
    page = decode_page(encode_page(documents))
    encoded = [term.encode() for term in terms]
    found = list(_containing(page, encoded))
    stored = [page.document(index) for index in range(len(texts))]
    exact = {index for index, text in enumerate(stored) if all(term in text for term in encoded)}
    assert len(found) == len(set(found))
    assert exact <= set(found)
    for index in set(found) - exact:  # only where the first term runs on into the documents after it
        start, end = page.bounds[index], page.bounds[index + 1]
        assert encoded[0] in page.data[start : end + len(encoded[0]) - 1]
        assert all(term in stored[index] for term in encoded[1:])


@pytest.mark.parametrize("through_cache", [False, True], ids=["decrypted", "from the search cache"])
def test_a_session_moved_while_open_moves_what_links_to_it(through_cache: bool) -> None:
    world = World(through_cache)
    world.find("plan")  # parses the cached documents that match, before the move
    world.index.add([replace(world.session, engagement_id=world.second.saved_id)])
    assert world.via_session.saved_id in world.find("plan", engagement_id=world.second.saved_id)
    assert world.via_session.saved_id not in world.find("plan", engagement_id=world.first.saved_id)


def test_a_removed_or_reindexed_record_leaves_no_cached_text_in_memory() -> None:
    world = World(through_cache=True)
    world.index.remove(world.linked.saved_id)
    world.index.add([replace(world.check_in, note="rescheduled")])
    held = b"".join(page.data for page in world.index._pages.values())
    assert b"delegated the plan" not in held
    assert b"plan slipping" not in held
    assert b"offsite plan with sam" in held  # the others stay, and are still found
    assert world.find("slipping") == set()
    assert world.find("rescheduled") == {world.check_in.saved_id}
    assert world.via_session.saved_id in world.find("offsite")


@pytest.mark.parametrize(
    ("query", "parsed"),
    [
        ("delegation OR trust budget -salary", Query((("delegation", "trust"), ("budget",)), ("salary",))),
        ('"Team Lead" -"pay rise" self-esteem', Query((("team lead",), ("self-esteem",)), ("pay rise",))),
        ("OR first", Query((("or",), ("first",)))),  # OR with nothing before it is a word
        ("Zoë OR zoe", Query((("zoe", "zoe"),))),
        ("", Query()),
    ],
)
def test_queries_read_or_and_minus(query: str, parsed: Query) -> None:
    assert parse_query(query) == parsed
    assert parse_query("a OR b").matches("just b here") and not parse_query("a -b").matches("a and b")


@given(st.dictionaries(st.binary(min_size=16, max_size=16), st.tuples(st.integers(1, 2**32 - 1), st.binary())))
def test_a_cache_page_gives_back_every_document_it_was_made_of(documents: dict[bytes, tuple[int, bytes]]) -> None:
    assert decode_page(encode_page(documents)).documents() == documents


def test_a_cache_page_is_compressed_and_one_that_does_not_decompress_is_refused() -> None:
    text = b"what I want from the next session is to pause before I answer, " * 40
    documents = {bytes([n]) * 16: (1, text + bytes([n])) for n in range(50)}
    encoded = encode_page(documents)
    assert len(encoded) < sum(len(document) for _, document in documents.values()) / 10
    with pytest.raises(ValueError, match="does not decompress"):
        decode_page(search_pages.PAGE_LAYOUT + b"not zlib at all")
    with pytest.raises(ValueError, match="another layout"):
        decode_page(b"CSP\x04" + encoded[4:])  # a page written before its contents were compressed: rebuilt
