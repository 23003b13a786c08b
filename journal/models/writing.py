"""What the coachee writes: reflections and the templates they start from, drafts, and the themes and
people a reflection names."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import ClassVar

from journal.errors import InvalidInput
from journal.models.base import (
    Private,
    check_id,
    check_scale,
    clean_text,
)
from journal.text import headline, read_heading, shortened


@dataclass(frozen=True, repr=False)
class Template(Private):
    """A reflection template: prompts that become the headings of a new reflection."""

    KIND: ClassVar[str] = "template"
    name: str
    prompts: tuple[str, ...]
    record_id: str | None = None

    def __post_init__(self) -> None:
        self._clean("name", "template name", required=True, one_line=True)
        prompts = tuple(clean_text(p, "template prompt", required=True, one_line=True) for p in self.prompts)
        if not prompts:
            raise InvalidInput("A template needs at least one prompt.")
        object.__setattr__(self, "prompts", prompts)

    def render(self) -> str:
        """The start of a reflection written from this template: one Markdown heading per prompt."""
        return "\n\n".join(f"## {prompt}\n" for prompt in self.prompts)

    @property
    def sort_key(self) -> date:
        return date.min


AFTER_SESSION = Template(
    "After a session",
    (
        "What did I explore?",
        "What shifted for me?",
        "What will I do differently?",
        "What do I want to bring next time?",
    ),
)
"""The default template for a reflection written after a coaching session."""


BETWEEN_SESSIONS = Template(
    "Between sessions",
    (
        "What happened?",
        "What did I notice in myself?",
        "What did I try, and how did it go?",
        "What do I want to bring next time?",
    ),
)
"""The default template for a free entry between sessions."""


BUILT_IN_TEMPLATES = (AFTER_SESSION, BETWEEN_SESSIONS)


WHAT_WILL_I_DO = AFTER_SESSION.prompts[2]
"""The prompt whose answer the pre-session digest brings back."""


BRING_NEXT_TIME = AFTER_SESSION.prompts[3]
"""The prompt, shared by both built-in templates, collecting what to bring to the next session."""


def drop_untouched_prompts(text: str, template: Template | None) -> str:
    """`text` without the template's prompts that were left exactly as the template wrote them, with
    nothing at all typed under them (up to the next of its prompts). Everything else is kept as typed:
    a heading the coachee wrote, text typed on a prompt's line, even a space under a prompt.

    Args:
        text: what the editor holds.
        template: the template the text started from; None keeps the text whole.
    """
    if template is None:
        return text
    prompt_lines = {line for line in template.render().split("\n") if read_heading(line) is not None}
    lines = text.split("\n")
    starts = [index for index, line in enumerate(lines) if line in prompt_lines]
    if not starts:
        return text  # every prompt was rewritten or removed: nothing of the template is left to drop
    dropped: set[int] = set()
    for start, end in zip(starts, [*starts[1:], len(lines)], strict=True):
        if all(line == "" for line in lines[start + 1 : end]):
            dropped.update(range(start, end))
    if not dropped:
        return text
    kept = [line for index, line in enumerate(lines) if index not in dropped]
    if len(lines) - 1 in dropped:
        # The last prompt went: the blank lines the template put before it go too (only template
        # separators are blank there, and every typed line above them stays).
        while kept and kept[-1] == "":
            kept.pop()
    return "\n".join(kept)


@dataclass(frozen=True, repr=False)
class Reflection(Private):
    """What the coachee writes: after a session (tied to it) or between sessions (free entry)."""

    KIND: ClassVar[str] = "reflection"
    text: str
    """Markdown; `@Name` mentions link people."""
    written_at: datetime
    """Local wall-clock time, as the coachee saw it."""
    title: str = ""
    engagement_id: str | None = None
    session_id: str | None = None
    theme_ids: tuple[str, ...] = ()
    person_ids: tuple[str, ...] = ()
    goal_ids: tuple[str, ...] = ()
    mood: int | None = None
    """1 (low) to 5 (high), optional."""
    energy: int | None = None
    """1 (low) to 5 (high), optional."""
    template: str = ""
    """The name of the template it was written from, if any."""
    record_id: str | None = None

    def __post_init__(self) -> None:
        self._clean("text", "reflection text", required=True)
        if not isinstance(self.written_at, datetime):
            raise InvalidInput("The reflection's date must be a date and time.")
        object.__setattr__(self, "written_at", self.written_at.replace(tzinfo=None, microsecond=0))
        self._clean("title", "reflection title", one_line=True)
        self._clean("template", "template name", one_line=True)
        check_id(self.engagement_id, "engagement", optional=True)
        check_id(self.session_id, "session", optional=True)
        for name in ("theme_ids", "person_ids", "goal_ids"):
            given, what = getattr(self, name), name.removesuffix("_ids")
            if not isinstance(given, (tuple, list)):  # None would raise TypeError; one id would be read as characters
                raise InvalidInput(f"The linked {what} ids must be a list of record ids.")
            for linked in given:
                check_id(linked, what)
            object.__setattr__(self, name, tuple(dict.fromkeys(given)))  # deduplicated, order kept
        check_scale(self.mood, "mood", 1, 5)
        check_scale(self.energy, "energy", 1, 5)

    @property
    def day(self) -> date:
        return self.written_at.date()

    @property
    def sort_key(self) -> datetime:
        return self.written_at

    def heading(self, length: int = 80) -> str:
        """The title, or else the first line of text that is not a template prompt (`journal.text.headline`);
        cut to `length` characters, the last of them an ellipsis that says so."""
        return shortened(self.title or headline(self.text), length)


MENTION = re.compile(r"(?<![\w@])@([^\W\d_][\w'’.-]*(?<![.'’-]))")
"""`@Name` in reflection text links a person; underscores stand for spaces (`@Anna_Lee`)."""


def mentioned_names(text: str) -> list[str]:
    """The people mentioned as `@Name` in `text`, in order of first mention, underscores read as spaces."""
    # "@Sam's manager" mentions Sam: a possessive is not part of the name.
    names = (_POSSESSIVE.sub("", match.group(1)).replace("_", " ") for match in MENTION.finditer(text))
    return list(dict.fromkeys(names))


_POSSESSIVE = re.compile(r"['’]s$")

HASHTAG = re.compile(r"(?<![\w#&/])#([^\W\d_][\w-]*(?<!-))")
"""`#theme` in text added from the command line names a theme, as in jrnl; underscores stand for spaces
(`#work_life`). A letter must follow the `#`: Markdown headings ("## What did I explore?"), "#1", "C#" and
"page#part" are not tags."""


def tagged_themes(text: str) -> list[str]:
    """The themes named as `#theme` in `text`, in order of first use, underscores read as spaces."""
    return list(dict.fromkeys(match.group(1).replace("_", " ") for match in HASHTAG.finditer(text)))


def _clean_aliases(aliases: tuple[str, ...]) -> tuple[str, ...]:
    """Aliases each cleaned to one line, the first of those equal but for case kept."""
    if not isinstance(aliases, (tuple, list)):
        raise InvalidInput("Aliases must be a list of names.")
    cleaned = (clean_text(alias, "alias", required=True, one_line=True) for alias in aliases)
    return tuple({alias.casefold(): alias for alias in reversed(list(cleaned))}.values())[::-1]


@dataclass(frozen=True, repr=False)
class Theme(Private):
    """A topic the coachee works on; the sponsor wording is what an export may show."""

    KIND: ClassVar[str] = "theme"
    label: str
    """Private label."""
    sponsor_wording: str = ""
    description: str = ""
    aliases: tuple[str, ...] = ()
    """Other labels that mean this theme (a merged theme's label among them): `#alias` links this one."""
    record_id: str | None = None

    def __post_init__(self) -> None:
        self._clean("label", "theme label", required=True, one_line=True)
        self._clean("sponsor_wording", "sponsor wording", one_line=True)
        self._clean("description", "theme description")
        object.__setattr__(self, "aliases", _clean_aliases(self.aliases))

    @property
    def names(self) -> tuple[str, ...]:
        """The label and every alias."""
        return (self.label, *self.aliases)

    @property
    def sort_key(self) -> date:
        return date.min


@dataclass(frozen=True, repr=False)
class Person(Private):
    """Someone the coachee mentions; always private. Feeds the export linter."""

    KIND: ClassVar[str] = "person"
    name: str
    aliases: tuple[str, ...] = ()
    note: str = ""
    ordinary_word: bool = False
    """The name is also an ordinary word the coachee uses (Will, Grace, Mark): the export linter then only
    warns where it is capitalised, and says nothing where it is written in lower case."""
    record_id: str | None = None

    def __post_init__(self) -> None:
        self._clean("name", "person's name", required=True, one_line=True)
        object.__setattr__(self, "aliases", _clean_aliases(self.aliases))
        self._clean("note", "note about the person")

    @property
    def names(self) -> tuple[str, ...]:
        """The name and every alias."""
        return (self.name, *self.aliases)

    @property
    def sort_key(self) -> date:
        return date.min


@dataclass(frozen=True, repr=False)
class Draft(Private):
    """A reflection being written, saved encrypted every few seconds and on lock so nothing typed is lost.

    Themes and people are kept as typed (names), since they may not exist until the reflection is saved.
    """

    KIND: ClassVar[str] = "draft"
    text: str = ""
    title: str = ""
    themes: tuple[str, ...] = ()
    people: tuple[str, ...] = ()
    actions: tuple[str, ...] = ()
    """Actions typed alongside the reflection, created when it is saved."""
    mood: int | None = None
    energy: int | None = None
    session_id: str | None = None
    engagement_id: str | None = None
    reflection_id: str | None = None
    """The reflection being edited; None for a new one."""
    template: str = ""
    starting_text: str = ""
    """The text the editor opened with (a template's prompts), to tell an untouched draft from a written one."""
    cursor: tuple[int, ...] = (0, 0)
    """Row and column of the cursor, so the editor reopens exactly where it was."""
    saved_at: datetime | None = None
    record_id: str | None = None

    def __post_init__(self) -> None:
        self._clean("text", "draft")
        self._clean("title", "reflection title", one_line=True)
        for name in ("themes", "people", "actions"):
            object.__setattr__(self, name, tuple(clean_text(item, name, one_line=True) for item in getattr(self, name)))
        # Cleaned like every text: broken Unicode is refused here, not when the draft is sealed; the
        # starting text is compared with the (cleaned) text to tell an untouched draft.
        self._clean("template", "template name", one_line=True)
        self._clean("starting_text", "draft")
        check_scale(self.mood, "mood", 1, 5)
        check_scale(self.energy, "energy", 1, 5)
        check_id(self.session_id, "session", optional=True)
        check_id(self.engagement_id, "engagement", optional=True)
        check_id(self.reflection_id, "reflection", optional=True)
        if len(self.cursor) != 2 or any(isinstance(n, bool) or not isinstance(n, int) or n < 0 for n in self.cursor):
            raise InvalidInput("The draft's cursor position must be a row and a column.")
        if self.saved_at is not None and not isinstance(self.saved_at, datetime):
            raise InvalidInput("The draft's saving time must be a date and time.")

    def with_content(self, **changes: object) -> Draft:
        """A copy with some fields changed (what the editor shows now)."""
        return replace(self, **changes)  # type: ignore[arg-type]

    def same_content(self, other: Draft) -> bool:
        """Whether saving `other` instead of this would store the same words and links (cursor aside)."""
        return replace(self, cursor=(0, 0), saved_at=None, record_id=None) == replace(
            other, cursor=(0, 0), saved_at=None, record_id=None
        )

    def is_untouched(self) -> bool:
        """Nothing typed beyond the template it started from."""
        return self.text.strip() == self.starting_text.strip() and not (self.title or self.actions)

    @property
    def slot(self) -> tuple[str | None, ...]:
        """What the draft is for, of which the journal keeps one draft each: the reflection being edited, or a
        new reflection on a session, or one between sessions of an engagement."""
        if self.reflection_id is not None:
            return ("edit", self.reflection_id)
        if self.session_id is not None:
            return ("session", self.session_id)
        return ("between", self.engagement_id)

    @property
    def sort_key(self) -> date:
        return date.min
