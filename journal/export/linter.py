"""The export linter: flags sponsor-facing text that names someone, holds contact details or touches a sensitive topic.

Small, fast and without dependencies. No library recognises names offline (the ones that
try need models downloaded at run time, or flag "Grace under pressure"), so the linter
relies on what the coachee knows and on shipped data:

- the coachee's people (names and aliases) block; a name that is also an ordinary word (Will,
  Grace, Mark) blocks where it is capitalised and warns where it is in lower case, unless the
  coachee marked that person's name as an ordinary word: then it warns only where capitalised;
- the coachee's confidential terms (projects, clients) block, also by each distinctive word alone;
- email addresses (also written out, "jane at acme dot com"), phone numbers, URLs (also on a
  company's own network) and @handles block;
- versioned packs of sensitive terms (health, family and life events, HR risk, job search, faith and sexuality,
  money and legal matters) warn,
  except inside the ordinary business phrases each pack lists ("fired up", "family of products");
- a capitalised word that is not an ordinary English word (a likely untagged name or company) warns.

Matching ignores case, accents and a possessive 's; findings give spans in the original text.
"""

from __future__ import annotations

import enum
import functools
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib import resources
from typing import TYPE_CHECKING

from journal.errors import InvalidInput
from journal.models import ConfidentialTerm, Person
from journal.text import Folded, fold

if TYPE_CHECKING:
    from journal.store import Journal


class Severity(enum.Enum):
    """What a finding means for the item it is in."""

    BLOCK = "block"
    """The item stays out of the summary until it is reworded or the finding is explicitly kept."""
    WARN = "warn"
    """Shown to the coachee; the item may go out as it is."""


class Rule(enum.Enum):
    """Why a piece of text was flagged."""

    EMAIL = "email"
    URL = "url"
    PHONE = "phone"
    HANDLE = "handle"
    CONFIDENTIAL = "confidential"
    PERSON = "person"
    NAME_WORD = "name-word"
    """A person's name that is also an ordinary word (Will, Grace), where it is probably the word: in lower
    case, or capitalised when the coachee marked the name as a word they use."""
    SENSITIVE = "sensitive"
    UNKNOWN_WORD = "unknown-word"
    """A capitalised word that is not an ordinary English word: perhaps a name or a company."""

    @property
    def severity(self) -> Severity:
        """Whether findings of this rule block or warn."""
        return Severity.WARN if self in _WARNING_RULES else Severity.BLOCK

    @property
    def explanation(self) -> str:
        """What a finding of this rule is, in words for the coachee."""
        return _EXPLANATIONS[self]


_WARNING_RULES = frozenset({Rule.NAME_WORD, Rule.SENSITIVE, Rule.UNKNOWN_WORD})

_EXPLANATIONS = {
    Rule.EMAIL: "an email address",
    Rule.URL: "a web address",
    Rule.PHONE: "a phone number",
    Rule.HANDLE: "an @handle",
    Rule.CONFIDENTIAL: "one of your confidential terms",
    Rule.PERSON: "someone in your journal",
    Rule.NAME_WORD: "perhaps the name of someone in your journal (also an ordinary word)",
    Rule.SENSITIVE: "a sensitive topic",
    Rule.UNKNOWN_WORD: "a capitalised word that is not an ordinary English word (a name or a company?)",
}

_PRIORITY = tuple(Rule)
"""When findings overlap, the one whose rule comes first is kept (an email address is not also a name)."""


@dataclass(frozen=True)
class Finding:
    """One thing the linter flagged in a text."""

    rule: Rule
    start: int
    """Index of the first flagged character in the original text."""
    end: int
    """Index one past the last flagged character."""
    matched: str
    """The flagged text, as written."""
    topic: str = ""
    """For a sensitive term: the title of the pack it comes from (e.g. "health and wellbeing")."""

    @property
    def severity(self) -> Severity:
        """Whether it blocks or warns."""
        return self.rule.severity

    @property
    def blocks(self) -> bool:
        """Whether it keeps its item out of the summary unless kept."""
        return self.severity is Severity.BLOCK

    @property
    def key(self) -> str:
        """What identifies this finding across runs (rule and folded text): dismissals are remembered by it."""
        return f"{self.rule.value}:{fold(self.matched)}"

    def describe(self) -> str:
        """The finding in words, e.g. `"Sam": someone in your journal`."""
        topic = f" ({self.topic})" if self.topic else ""
        return f'"{self.matched}": {self.rule.explanation}{topic}'


# --- data -------------------------------------------------------------------------------------

PACK_FILES = (
    "sensitive-health.json",
    "sensitive-life-events.json",
    "sensitive-hr-risk.json",
    "sensitive-job-search.json",
    "sensitive-identity.json",
    "sensitive-money-legal.json",
)
"""The sensitive-term packs shipped in `journal/export/data`."""

PACK_SCHEMA = 1
"""The layout version of a pack file this code reads."""


_TERM_GAP = r"[\s-]+"
"""Between the words of a term: spaces or a hyphen ("burnt out" matches "burnt-out")."""


def _hyphenated(word: str) -> str:
    """A pattern for one word of a term, its hyphens matching a hyphen, a space or nothing ("self-harm" matches
    "self harm" and "selfharm", "counter-offer" matches "counteroffer")."""
    return r"[\s-]?".join(re.escape(part) for part in word.split("-"))


@dataclass(frozen=True)
class TermPack:
    """A versioned list of sensitive terms on one topic.

    A term is a word or phrase matched whole, also in its regular plural and possessive
    ("hospital" matches "hospitals" and "hospital's", never "hospitality"), its words joined by spaces or
    a hyphen ("burnt out", "burnt-out"), a hyphen inside a word optional ("counter-offer", "counteroffer").
    A term ending in `*` is a stem matching any ending ("pregnan*": pregnant, pregnancy); stems are used only
    where no ordinary word shares them. `exceptions` lists words and phrases in which a term is
    ordinary business language ("fired up", "family of products", "death by PowerPoint"): a match
    inside one of them is not a finding.
    """

    name: str
    title: str
    version: int
    terms: tuple[str, ...]
    exceptions: frozenset[str] = frozenset()

    @classmethod
    def from_json(cls, data: bytes) -> TermPack:
        """Read a pack file.

        Raises:
            InvalidInput: the file is not a pack of a known layout.
        """
        try:
            body = json.loads(data)
            if body["schema"] != PACK_SCHEMA:
                raise ValueError("schema")
            terms = tuple(str(term) for term in body["terms"] if str(term).strip())
            pack = cls(
                str(body["pack"]),
                str(body["title"]),
                int(body["version"]),
                terms,
                frozenset(fold(str(word)) for word in body.get("not", ())),
            )
        except (ValueError, TypeError, KeyError, AttributeError) as error:
            raise InvalidInput(f"A sensitive-term pack could not be read ({type(error).__name__}).") from None
        return pack

    @functools.cached_property
    def pattern(self) -> re.Pattern[str]:
        """One pattern for every term, to run over folded text."""
        alternatives = []
        for term in sorted(self.terms, key=len, reverse=True):
            words = fold(term).split()
            # A stem takes any ending; a word its regular plural only ("hospital(s)", never "hospitality").
            stem = words[-1].endswith("*")
            last = _hyphenated(words[-1][:-1]) + r"\w*" if stem else _hyphenated(words[-1]) + "(?:e?s)?"
            alternatives.append(_TERM_GAP.join([*(_hyphenated(word) for word in words[:-1]), last]))
        return re.compile(r"(?<!\w)(?:" + "|".join(alternatives) + r")(?!\w)")

    @functools.cached_property
    def exception_pattern(self) -> re.Pattern[str] | None:
        """One pattern for every exception, to run over folded text (None without exceptions)."""
        if not self.exceptions:
            return None
        ordered = sorted(self.exceptions, key=len, reverse=True)
        phrases = (_TERM_GAP.join(map(_hyphenated, phrase.split())) for phrase in ordered)
        return re.compile(r"(?<!\w)(?:" + "|".join(phrases) + r")(?!\w)")

    def matches(self, folded: str) -> Iterable[re.Match[str]]:
        """The pack's terms in `folded` text, leaving out those inside an exception."""
        excepted = [] if self.exception_pattern is None else [m.span() for m in self.exception_pattern.finditer(folded)]
        for match in self.pattern.finditer(folded):
            if not any(start <= match.start() and match.end() <= end for start, end in excepted):
                yield match


@functools.cache
def default_packs() -> tuple[TermPack, ...]:
    """The sensitive-term packs shipped with Candour."""
    folder = resources.files("journal.export") / "data"
    return tuple(TermPack.from_json((folder / name).read_bytes()) for name in PACK_FILES)


@dataclass(frozen=True)
class WordList:
    """Ordinary English words, told apart by case: "will" is an ordinary word, "Sarah" is not in the list."""

    ordinary: frozenset[str]
    """Lower-case words, folded (accents removed): a capitalised word whose lower case is here is ordinary."""
    exact: frozenset[str]
    """Capitalised words that are ordinary as written (Monday, September, English, CEO, OKR)."""

    @classmethod
    def parse(cls, *texts: str) -> WordList:
        """A word list from files with one word a line (`#` starts a comment line).

        Args:
            texts: the files' contents; entries with a capital letter are kept as written, the others folded.
        """
        ordinary: set[str] = set()
        exact: set[str] = set()
        for text in texts:
            for line in text.splitlines():
                word = line.strip()
                if not word or word.startswith("#"):
                    continue
                if word == word.lower():
                    ordinary.add(fold(word))
                else:
                    exact.add(word)
        return cls(frozenset(ordinary), frozenset(exact))

    def is_ordinary(self, word: str) -> bool:
        """Whether `word` (possessive removed) is an ordinary English word as written.

        Args:
            word: one word, possibly capitalised or in capitals.
        """
        if word in self.exact or fold(word) in self.ordinary:
            return True
        # "KPIs", "OKRs", "Mondays": the plural of a word ordinary as written.
        return len(word) > 2 and word.endswith("s") and word[:-1] in self.exact


WORD_FILES = ("english-words.txt", "extra-words.txt")
"""The word lists shipped in `journal/export/data`: derived from SCOWL, and Candour's own additions."""


@functools.cache
def default_words() -> WordList:
    """The ordinary English words shipped with Candour (read once, on first use)."""
    folder = resources.files("journal.export") / "data"
    return WordList.parse(*((folder / name).read_text(encoding="utf-8") for name in WORD_FILES))


# --- patterns ---------------------------------------------------------------------------------

_EMAIL = re.compile(r"[\w.%+-]+@[\w-]+(?:\.[\w-]+)+")

_TLDS = (
    "com|org|net|io|co|uk|de|fr|nl|eu|gov|edu|info|biz|app|dev|ai|me|ly|us|ca|au|ch|es|it|se|no|dk|fi|ie|be|at|"
    "pl|pt|jp|cn|in|br|ru|nz|za|sg|hk|tv|xyz|online|site|tech|"
    "so|gle|to|gg|fm|cc|ws|is|im|sh|ac|int|mil|mobi|pro|kr|tw|mx|ar|cl|il|tr|gr|cz|hu|ro|ae|sa|ng|ke|my|ph|th|vn|"
    "agency|blog|capital|careers|cloud|company|consulting|design|digital|email|finance|global|group|health|jobs|"
    "law|legal|link|live|media|network|news|page|partners|services|shop|solutions|space|store|studio|systems|team|"
    "ventures|work|works|world|zone"
)
"""Top-level domains a bare address or a written-out email may end in: country codes and the generic ones in use
by companies and link services ("notion.so", "forms.gle", "acme.careers")."""
_URL = re.compile(
    r"(?:\b(?:h[tx]{2}ps?|ftp)://|\bwww\.)[^\s<>\"']+"
    rf"|(?<![\w@.-])(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.|\[\.\]|\(\.\)))+(?:{_TLDS})\b(?:/[^\s<>\"']*)?"
    rf"|\bwww\s+dot\s+[a-z0-9-]+(?:\s+dot\s+[a-z0-9-]+)*"
    rf"|\b[a-z0-9-]+(?:\s+dot\s+[a-z0-9-]+)*\s+dot\s+(?:{_TLDS})\s+slash\b(?:\s+[\w-]+)?",
    re.IGNORECASE,
)
"""A web address with a scheme or `www.`, or a bare domain with a common top-level domain ("acme.co.uk/x"), also
defanged ("acme[.]com", "hxxps://") or read out ("www dot acme dot com", "acme dot com slash careers")."""

_INTERNAL_SUFFIXES = "local|internal|intranet|intra|corp|lan|localdomain|private|home\\.arpa"
_INTERNAL_URL = re.compile(
    rf"(?<![\w@.-])(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+(?:{_INTERNAL_SUFFIXES})\b(?::\d{{2,5}})?(?:/[^\s<>\"']*)?"
    r"|(?<![\w.])(?:\d{1,3}\.){3}\d{1,3}(?::\d{2,5})?(?:/[^\s<>\"']*)?"
    r"|(?<![\w@./-])[a-z][a-z0-9-]{2,}:\d{2,5}(?:/[^\s<>\"']*)?"
    r"|(?<![\w@./-])(?:go|intranet|wiki|jira|confluence|sharepoint)/[\w.#?=&%-][^\s<>\"']*",
    re.IGNORECASE,
)
"""An address on a company's own network, without a scheme: a host under an internal suffix ("hr.corp",
"wiki.acme.internal:8080/x"), an IPv4 address, a host with a port ("hr-portal:8443"), or a short link ("go/pip")."""

_NOT_HOSTS = frozenset({"asp.net", "vb.net", "ado.net", "node.js", "vue.js", "next.js"})
"""Technology names shaped like a domain: a web address must name a plausible host."""

_AT = r"(?:[\[({<*#_-]\s*(?:at|@)\s*[\])}>*#_-]|\s+at\s+|\s*@\s*)"
_DOT = r"(?:[\[({<*#_-]\s*(?:dot|\.)\s*[\])}>*#_-]|\s+dot\s+|\.)"
_OBFUSCATED_EMAIL = re.compile(
    rf"(?<![\w.])[\w.+-]+(?:\s+dot\s+[\w+-]+)*\s*{_AT}\s*[\w-]+(?:\s*{_DOT}\s*[\w-]+)*\s*{_DOT}\s*(?:{_TLDS})\b",
    re.IGNORECASE,
)
"""An email address written out to dodge filters: "jane at acme dot com", "jane [at] acme [dot] co [dot] uk",
"jane -at- acme -dot- com", "jane.doe @ acme . com", "jane dot doe at acme dot com"."""

_HANDLE = re.compile(r"(?<![\w@.])@\w[\w.]*")

_PHONE_CANDIDATE = re.compile(r"(?<![\w+/.,:-])(?:\+|\(\+?)?\d(?:[\d \u00a0().-]*\d)?(?![\w/]|[.,-]\d)")
"""A run of digits with the separators phone numbers use; `_is_phone` decides whether it is one."""

_DATE_SHAPES = re.compile(r"\d{4}[-./]\d{1,2}[-./]\d{1,2}|\d{1,2}[-./]\d{1,2}[-./](?:\d{2}|\d{4})")
_THOUSANDS = re.compile(r"\d{1,3}(?:[ \u00a0.,]\d{3})+")
_NORTH_AMERICAN = re.compile(r"\d{3}[-. ]\d{3}[-. ]\d{4}")
_YEAR_RANGE = re.compile(r"(?:19|20)\d\d\s*[-./]\s*(?:19|20)\d\d")
_PHONE_CUE = re.compile(
    r"\b(?:call|ring|phone|telephone|tel|mobile|mob|cell|text|whatsapp|fax|dial)\b"
    r"\W{0,3}(?:(?:me|him|her|them|us)\s+)?(?:(?:on|at)\s+)?$",
    re.IGNORECASE,
)
"""A word announcing a phone number, just before it: "call 555-0134", "Mobile: 07700 900123", "ring me on"."""

_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
_POSSESSIVE = re.compile(r"['’]s$", re.IGNORECASE)
_TRAILING = ".,;:!?)]}'\""
_APOSTROPHES = str.maketrans({"’": "'", "ʼ": "'"})
"""Typographic apostrophes, matched as `'` ("Zoë’s" is a possessive too): one character for one, so positions stay."""


def _is_phone(candidate: str, cued: bool = False) -> bool:
    """Whether a run of digits and separators is shaped like a phone number rather than a date or an amount.

    Args:
        candidate: the run of digits.
        cued: it follows a word that announces a number ("call", "mobile", "tel:"): then a local number without
            an area code ("555-0134") is one too.
    """
    digits = sum(char.isdigit() for char in candidate)
    if not 7 <= digits <= 15 or _DATE_SHAPES.fullmatch(candidate) or _YEAR_RANGE.fullmatch(candidate):
        return False
    if cued and not _THOUSANDS.fullmatch(candidate):
        return True
    if candidate.startswith("+"):
        return digits >= 8
    if candidate.startswith("("):
        return digits >= 9
    if candidate.startswith("0"):
        # A national number with its trunk prefix: "020 7946 0958", "06 12 34 56 78", "07700900123".
        return digits >= 10 or (digits >= 9 and not candidate.isdigit())
    if _THOUSANDS.fullmatch(candidate):
        return False  # "120 000 000", "1,250,000": an amount
    if candidate.isdigit():
        return digits >= 11  # "447700900123": an international number without its "+" (ten digits may be a reference)
    groups = [group for group in re.split(r"\D+", candidate) if group]
    # "555-123-4567", "555 12 34 567": grouped like a phone; a plain large number has no groups.
    return bool(_NORTH_AMERICAN.fullmatch(candidate)) or (len(groups) >= 3 and digits >= 9)


# --- the linter -------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Term:
    pattern: re.Pattern[str]
    rule: Rule
    folded: bool
    """Matched in folded text (case and accents ignored) rather than as written."""
    homograph: bool = False
    """A name that is also an ordinary word: its case decides the finding (see `_homograph_rule`)."""
    marked: bool = False
    """A homograph the coachee marked as a word they use."""


def _homograph_rule(term: _Term, matched: str) -> Rule | None:
    """The finding for a name that is also an ordinary word: capitalised, it is used as a name and blocks;
    in lower case it is probably the word, and warns. Marked by the coachee as a word they use, it warns
    where capitalised and is let be in lower case."""
    if matched[:1].isupper():
        return Rule.NAME_WORD if term.marked else Rule.PERSON
    return None if term.marked else Rule.NAME_WORD


class Linter:
    """Checks sponsor-facing text. Build one per export (it holds the coachee's people and terms).

    Args:
        people: names and aliases of the coachee's people.
        confidential: the coachee's confidential terms.
        ordinary_names: names (among `people`) the coachee marked as ordinary words they use.
        packs: sensitive-term packs (default: the shipped ones).
        words: ordinary English words (default: the shipped list).
    """

    def __init__(
        self,
        people: Iterable[str] = (),
        confidential: Iterable[str] = (),
        *,
        ordinary_names: Iterable[str] = (),
        packs: Sequence[TermPack] | None = None,
        words: WordList | None = None,
    ) -> None:
        self.packs = tuple(default_packs() if packs is None else packs)
        self.words = default_words() if words is None else words
        marked = set(ordinary_names)
        wanted = [found for name in people for found in self._name_terms(name, name in marked)]
        wanted += [
            _Term(_phrase_pattern(phrase), Rule.CONFIDENTIAL, True)
            for term in confidential
            for phrase in _confidential_phrases(term)
        ]
        # dict.fromkeys: a name given twice (as a name and as an alias) is matched once.
        self._terms = tuple(dict.fromkeys(wanted))

    @classmethod
    def for_journal(cls, journal: Journal) -> Linter:
        """A linter knowing the journal's people (names and aliases) and confidential terms."""
        people = journal.all(Person)
        return cls(
            [name for person in people for name in person.names],
            [term.term for term in journal.all(ConfidentialTerm)],
            ordinary_names=[name for person in people if person.ordinary_word for name in person.names],
        )

    def _name_terms(self, name: str, marked: bool) -> list[_Term]:
        """What one name is matched by: the whole name, and each of its capitalised words."""
        words = name.replace("_", " ").split()
        if not words:
            return []
        found: list[_Term] = []
        if len(words) > 1:
            found.append(_Term(_phrase_pattern(fold(" ".join(words)), name=True), Rule.PERSON, True))
        for word in words:
            word = _POSSESSIVE.sub("", word).strip(_TRAILING)
            letters = sum(char.isalpha() for char in word)
            if letters < 2 or (len(words) > 1 and not word[0].isupper()):
                continue  # initials, and particles such as "van" or "de" in a longer name
            homograph = self.words.is_ordinary(word.lower())  # "Will", "Grace": its case decides
            found.append(
                _Term(_phrase_pattern(fold(word), name=True), Rule.PERSON, True, homograph, homograph and marked)
            )
        return found

    def lint(self, text: str) -> tuple[Finding, ...]:
        """Everything flagged in `text`, in order of position; overlapping findings keep the more serious one.

        Args:
            text: exactly the text that would leave the journal.
        """
        folded = Folded.of(text.translate(_APOSTROPHES))
        found: list[Finding] = []
        addresses = (
            (_EMAIL, Rule.EMAIL),
            (_OBFUSCATED_EMAIL, Rule.EMAIL),
            (_URL, Rule.URL),
            (_INTERNAL_URL, Rule.URL),
            (_HANDLE, Rule.HANDLE),
        )
        for pattern, rule in addresses:
            for match in pattern.finditer(text):
                start, end = match.start(), match.end()
                while end > start + 1 and text[end - 1] in _TRAILING:
                    end -= 1  # "see acme.com." ends the sentence, not the address
                if rule is Rule.URL and not _plausible_address(text[start:end]):
                    continue
                found.append(Finding(rule, start, end, text[start:end]))
        for match in _PHONE_CANDIDATE.finditer(text):
            if _is_phone(match.group(), _PHONE_CUE.search(text, max(0, match.start() - 24), match.start()) is not None):
                found.append(Finding(Rule.PHONE, match.start(), match.end(), match.group()))
        for term in self._terms:
            haystack = folded.folded if term.folded else text
            for match in term.pattern.finditer(haystack):
                start, end = folded.span(match.start(), match.end()) if term.folded else match.span()
                term_rule = _homograph_rule(term, text[start:end]) if term.homograph else term.rule
                if term_rule is not None:
                    found.append(Finding(term_rule, start, end, text[start:end]))
        for pack in self.packs:
            for match in pack.matches(folded.folded):
                start, end = folded.span(match.start(), match.end())
                found.append(Finding(Rule.SENSITIVE, start, end, text[start:end], pack.title))
        for match in _WORD.finditer(text):
            word = _POSSESSIVE.sub("", match.group())
            if word[0].isupper() and not self.words.is_ordinary(word):
                found.append(Finding(Rule.UNKNOWN_WORD, match.start(), match.start() + len(word), word))
        return _without_overlaps(found)


_GENERIC_TERM_WORDS = frozenset(
    """a an and the of for in on at to with project projects programme program operation initiative plan deal
    account client clients team phase stream workstream review group company ltd inc limited llc plc gmbh co corp
    partners holdings new internal confidential secret""".split()  # noqa: SIM905 - a word list reads better as text
)
"""Words that name what a confidential phrase is rather than which one: "Falcon" is what gives "Project Falcon"
away, "project" is not."""


def _confidential_phrases(term: str) -> list[str]:
    """What a confidential term is matched by (folded): the whole phrase, and each of its distinctive words
    alone ("Falcon" for "Project Falcon"), which say as much on their own."""
    phrase = fold(term.strip())
    if not phrase:
        return []
    words = phrase.split()
    distinctive = [word for word in words if sum(c.isalnum() for c in word) >= 3 and word not in _GENERIC_TERM_WORDS]
    return [phrase, *(distinctive if len(words) > 1 else [])]


def _plausible_address(candidate: str) -> bool:
    """Whether a bare domain names a host rather than a technology or two sentences run together: "ASP.NET" and
    "Node.js" are not web addresses, nor is "more.It" ("I delegated more.It worked")."""
    if "/" in candidate.split("//", 1)[-1] or ":" in candidate or candidate.lower().startswith("www."):
        return True
    *labels, last = candidate.split(".")
    if labels and last.istitle() and len(last) > 1 and labels[-1].islower():
        return False  # a sentence ending without its space: hosts are written in one case, or capitalised first
    return candidate.lower() not in _NOT_HOSTS


_NAME_JOINS = re.compile(r"[-'.]+")
"""What joins the parts of one word of a name ("Anne-Marie", "O'Neill"): written also as a space, or not at all."""


def _phrase_pattern(phrase: str, *, name: bool = False) -> re.Pattern[str]:
    """A whole-word pattern for a phrase whose words may be separated by any spaces or underscores.

    Args:
        phrase: folded.
        name: a person's name, whose hyphenated or apostrophised words match however they are joined
            ("Anne-Marie" matches "Anne Marie" and "AnneMarie", "O'Neill" matches "ONeill").
    """

    def word_pattern(word: str) -> str:
        if not name:
            return re.escape(word)
        return r"[-'.\s_]?".join(re.escape(part) for part in _NAME_JOINS.split(word) if part)

    words = r"[\s_]+".join(word_pattern(word) for word in phrase.split())
    return re.compile(rf"(?<!\w){words}(?!\w)")


def _without_overlaps(findings: list[Finding]) -> tuple[Finding, ...]:
    """Drop every finding that overlaps a more serious (or, for equals, longer or earlier) one; sort by position."""
    ranked = sorted(findings, key=lambda f: (_PRIORITY.index(f.rule), -(f.end - f.start), f.start))
    kept: list[Finding] = []
    for finding in ranked:
        if all(finding.end <= other.start or other.end <= finding.start for other in kept):
            kept.append(finding)
    return tuple(sorted(kept, key=lambda f: (f.start, f.end)))


__all__ = [
    "PACK_FILES",
    "WORD_FILES",
    "Finding",
    "Linter",
    "Rule",
    "Severity",
    "TermPack",
    "WordList",
    "default_packs",
    "default_words",
]
