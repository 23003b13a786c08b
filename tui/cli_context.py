"""What every `candour` command shares: the journal's location, where passphrases and text come from,
how the journal is opened, and how a user's words ("session 3", "the delegation goal") find a record.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import os
import re
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, TypeVar

import click

from journal import (
    DEFAULT_KDF_LIMITS,
    DamagedJournal,
    Engagement,
    Goal,
    InvalidInput,
    Journal,
    KdfLimits,
    KdfParams,
    Person,
    RecordNotFound,
    Session,
    Theme,
    assess_passphrase,
    normalize,
    probe_journal,
    require_strong_passphrase,
    resolve_journal_path,
)

PASSPHRASE_ENV = "CANDOUR_PASSPHRASE"  # noqa: S105 - the name of a variable, not a secret
NEW_PASSPHRASE_ATTEMPTS = 3

T = TypeVar("T")


@dataclass(frozen=True)
class KdfSettings:
    """Key-derivation costs the command line uses: the defaults, except in the project's own tests."""

    params: KdfParams | None = None
    """Costs for a new journal; None calibrates on this machine."""
    limits: KdfLimits = DEFAULT_KDF_LIMITS


class Context:
    """Shared by the commands of one `candour` run."""

    def __init__(self, journal: str | None, passphrase_file: str | None, kdf: KdfSettings) -> None:
        self.journal_path: Path = resolve_journal_path(journal)
        self.passphrase_file = passphrase_file
        self.kdf = kdf
        self._lines: PassphraseLines | None = None

    # --- input --------------------------------------------------------------------------------

    @property
    def passphrases_from_stdin(self) -> bool:
        return self.passphrase_file == "-"  # noqa: S105 - "-" means standard input

    def passphrase(self, prompt: str) -> str:
        """The next passphrase: from the file (one per line), the environment, or a prompt without echo."""
        if self.passphrase_file is not None:
            return self._passphrase_lines().take(prompt)
        from_env = os.environ.get(PASSPHRASE_ENV)
        if from_env is not None:
            return from_env
        value: str = click.prompt(prompt, hide_input=True)
        return value

    def new_passphrase(self, prompt: str) -> str:
        """A new passphrase, refused if weak. Typed at a prompt: judged before it is repeated, and asked
        again (up to three times) when weak or mistyped, so nobody types a refused passphrase twice.

        Raises:
            WeakPassphrase: a weak passphrase from a file or the environment, or a weak third try.
            InvalidInput: the two entries of the third try differed.
        """
        if self.passphrase_file is not None or os.environ.get(PASSPHRASE_ENV) is not None:
            given = self.passphrase(prompt)
            require_strong_passphrase(given)
            return given
        for attempt in range(1, NEW_PASSPHRASE_ATTEMPTS + 1):
            chosen: str = click.prompt(prompt, hide_input=True)
            strength = assess_passphrase(chosen)
            if not strength.acceptable:
                if attempt == NEW_PASSPHRASE_ATTEMPTS:
                    require_strong_passphrase(chosen)
                click.echo(f"That passphrase is {strength.label}. {strength.advice}", err=True)
                continue
            click.echo(f"Strength: {strength.label} (an attacker would need {strength.crack_time}).", err=True)
            if click.prompt("Type it again", hide_input=True) == chosen:
                return chosen
            if attempt < NEW_PASSPHRASE_ATTEMPTS:
                click.echo("The two entries differ; let's start again.", err=True)
        # Weak tries count too, and a weak last try was refused above: the last two entries differed.
        raise InvalidInput(
            f"The two entries differed on the last of {NEW_PASSPHRASE_ATTEMPTS} tries, so no passphrase was set; "
            "nothing was changed."
        )

    def typed_back(self, prompt: str) -> str:
        """Something shown to the user and typed back: the next line of the passphrase input when there is
        one (so a script answers what it has just read), else typed at a prompt that shows it."""
        if self.passphrase_file is not None:
            return self._passphrase_lines().take(prompt, "answer")
        typed: str = click.prompt(prompt)
        return typed

    def _passphrase_lines(self) -> PassphraseLines:
        if self._lines is None:
            if self.passphrases_from_stdin:
                # Read as lines are needed, so a script can answer a prompt after reading what was printed
                # before it (a new recovery key, to type back).
                self._lines = PassphraseLines("", "standard input", more=sys.stdin.buffer)
            else:
                path = Path(self.passphrase_file or "")
                self._lines = PassphraseLines(_read_text(path), f"the passphrase file {path}")
        return self._lines

    def text_from_stdin(self, what: str) -> str:
        """Text typed or piped on standard input (after the passphrase lines when both come from there)."""
        if self.passphrases_from_stdin:
            return self._passphrase_lines().rest()
        if sys.stdin.isatty():
            click.echo(f"Type the {what}; finish with Ctrl-D on an empty line.", err=True)
        return sys.stdin.read()

    # --- the journal ------------------------------------------------------------------------

    @contextlib.contextmanager
    def journal(self) -> Iterator[Journal]:
        """The journal, unlocked with the next passphrase, and locked again when the command ends."""
        probe_journal(self.journal_path)  # a missing, busy or newer-format file fails before the passphrase
        journal = Journal.open(self.journal_path, self.passphrase("Passphrase"), limits=self.kdf.limits)
        try:
            _ID_LENGTH.set(functools.cache(lambda: journal.unambiguous_id_length(SHORT_ID_LENGTH)))
            yield journal
            left_out = journal.unreadable_summary()
            if left_out is not None:  # shown all that opens; the exit status still says the journal is damaged
                raise DamagedJournal(left_out)
        finally:
            journal.close()


LINE_ENDING = re.compile(r"\r\n|\r|\n")
"""What ends a line of passphrases: LF, CRLF (Windows, and many a terminal's paste) or a lone CR (old Mac)."""


class PassphraseLines:
    """The lines of a passphrase file or of standard input, taken one at a time.

    Each line loses exactly one line ending and nothing else: spaces are part of a passphrase. What follows the
    lines taken stays as it came, for the text of `candour add`.
    """

    def __init__(self, text: str, source: str, *, more: BinaryIO | None = None) -> None:
        self._text = text
        self._position = 0
        self._taken = 0
        self._source = source
        """Where the lines come from, as a message names it ("standard input", "the passphrase file PATH")."""
        self._more = more
        """Where more of the text is read from, a line at a time, when it is needed (standard input)."""

    def _read_up_to_a_line_ending(self) -> None:
        """Read on until the text holds a line ending after the lines taken, or nothing is left to read.

        `readline` stops at LF, so a CRLF is never split between two reads, and a lone CR inside what was
        read is found by `LINE_ENDING` like any other ending."""
        while self._more is not None and not LINE_ENDING.search(self._text, self._position):
            chunk = self._more.readline()
            if not chunk:
                self._more = None
                return
            self._text += _decode(chunk, self._source)

    def take(self, prompt: str, what: str = "passphrase") -> str:
        """The next line, for the passphrase (or other `what`) that `prompt` asks for.

        Raises:
            InvalidInput: there is no next line, or it is empty: none was given.
        """
        self._read_up_to_a_line_ending()
        if self._position >= len(self._text):
            if self._taken == 0:
                raise InvalidInput(f"No {what} was given: {self._source} is empty.")
            raise InvalidInput(
                f"No {what} was given for “{prompt}”: {self._source} ends after line {self._taken}, "
                "and this command needs one more."
            )
        ending = LINE_ENDING.search(self._text, self._position)
        end, after = (ending.start(), ending.end()) if ending else (len(self._text), len(self._text))
        line = self._text[self._position : end]
        self._position = after
        self._taken += 1
        if not line:
            raise InvalidInput(f"No {what} was given for “{prompt}”: line {self._taken} of {self._source} is empty.")
        return line

    def rest(self) -> str:
        """Everything after the lines taken, line endings included."""
        if self._more is not None:
            self._text += _decode(self._more.read(), self._source)
            self._more = None
        return self._text[self._position :]


def _read_text(path: Path) -> str:
    try:
        # Bytes, not text mode: universal newlines would turn a CR inside the text into a line break.
        content = path.read_bytes()
    except OSError as error:
        raise click.UsageError(f"Cannot read the passphrase file {path}: {error.strerror}.") from None
    return _decode(content, f"the passphrase file {path}")


def _decode(content: bytes, source: str) -> str:
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError:
        raise InvalidInput(f"Cannot read {source}: it is not UTF-8 text.") from None


pass_context = click.make_pass_decorator(Context)


class CommandList(list[click.Command]):
    """Commands a module defines for the `candour` group, which `tui.cli` registers."""

    def command(
        self, name: str | None = None, *, context_settings: dict[str, bool] | None = None
    ) -> Callable[[Callable[..., None]], click.Command]:
        """`click.command` that also adds the command to this list."""

        def register(function: Callable[..., None]) -> click.Command:
            made: click.Command = click.command(name, context_settings=context_settings)(function)
            self.append(made)
            return made

        return register


# --- finding what the user means ------------------------------------------------------------


def pick(candidates: Sequence[T], wanted: str, what: str, names: Callable[[T], Sequence[str]]) -> T:
    """The one candidate that `wanted` names: by id prefix, exact name, or else a unique part of a name.

    Raises:
        InvalidInput: nothing or several things match (the message gives ids, never private names).
    """
    folded = normalize(wanted.strip())
    if not folded:
        raise InvalidInput(f"Say which {what}.")

    def record_id(candidate: T) -> str:
        return getattr(candidate, "record_id", None) or ""

    by_id = [c for c in candidates if len(folded) >= 4 and record_id(c).startswith(folded)]
    exact = [c for c in candidates if any(normalize(name) == folded for name in names(c))]
    partial = [c for c in candidates if any(folded in normalize(name) for name in names(c))]
    for found in (by_id, exact, partial):
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            ids = ", ".join(short_id(record_id(c)) for c in found[:6])
            raise InvalidInput(f"Several {what}s match ({ids}); give more of the name or an id.")
    listing = "people" if what == "person" else f"{what}s"
    raise RecordNotFound(f"No {what} matches that; list them with `candour {listing}`.")


def find_engagement(journal: Journal, wanted: str | None) -> Engagement:
    """The engagement named, or the current one.

    Raises:
        InvalidInput: none matches, or there is no engagement yet.
    """
    if wanted:
        return pick(journal.all(Engagement), wanted, "engagement", lambda e: (e.title, e.sponsor))
    current = journal.current_engagement()
    if current is None:
        raise InvalidInput("There is no engagement yet: create one with `candour new engagement TITLE`.")
    return current


def find_session(journal: Journal, wanted: str, engagement: str | None) -> Session:
    """A session by number in the engagement ("3", "last") or by id."""
    chosen = find_engagement(journal, engagement)
    sessions = journal.sessions_of(chosen)
    if wanted.strip().lower() in ("last", "latest"):
        if not sessions:
            raise InvalidInput("This engagement has no sessions yet: add one with `candour new session`.")
        return sessions[-1]
    if wanted.strip().isdigit():
        numbered = [session for session in sessions if session.number == int(wanted)]
        if numbered:
            return numbered[0]
        raise RecordNotFound(f"The engagement has no session {int(wanted)}.")
    found = journal.find(wanted)
    if not isinstance(found, Session):
        raise RecordNotFound(f"{short_id(found.saved_id)} is not a session.")
    return found


def find_goal(journal: Journal, wanted: str) -> Goal:
    return pick(journal.all(Goal), wanted, "goal", lambda goal: (goal.title, goal.sponsor_wording))


def find_theme(journal: Journal, wanted: str) -> Theme:
    return pick(journal.all(Theme), wanted, "theme", lambda theme: (*theme.names, theme.sponsor_wording))


def find_person(journal: Journal, wanted: str) -> Person:
    return pick(journal.all(Person), wanted.lstrip("@").replace("_", " "), "person", lambda person: person.names)


# --- output ---------------------------------------------------------------------------------

SHORT_ID_LENGTH = 8
"""The fewest characters of an id shown in lists; any unambiguous prefix of four or more is accepted back."""

_ID_LENGTH: contextvars.ContextVar[Callable[[], int]] = contextvars.ContextVar(
    "id_length", default=lambda: SHORT_ID_LENGTH
)
"""How many characters this command prints (more than eight when the journal holds ids that share eight),
worked out the first time an id is printed."""


def short_id(record_id: str) -> str:
    """An id as lists print it: long enough to name one record in the journal the command opened."""
    return record_id[: _ID_LENGTH.get()()]
