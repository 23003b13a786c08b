"""How strong a passphrase is, and the refusal of weak ones, shared by the command line and the app.

Strength comes from zxcvbn (pattern matching against common passwords, names, words,
keyboard walks and dates), which judges "correct horse battery staple" strong and
"Password2026!" weak, unlike length-and-symbol rules.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from journal.errors import InvalidInput

MIN_LENGTH = 10
"""Shortest passphrase accepted, whatever its score."""

MIN_SCORE = 3
"""Lowest zxcvbn score accepted (0-4). 3 means about 10^8-10^10 guesses; at Argon2id's target time per
guess (`crypto.kdf.TARGET_UNLOCK_SECONDS`) that is decades of one machine's work, so offline attacks on a
stolen file are slow."""

ESTIMATOR_MAX_LENGTH = 72
"""zxcvbn refuses longer input; beyond this the first 72 characters are judged (the rest only adds strength)."""

CONTEXT_WORDS = ("candour", "journal", "coaching", "coach", "passphrase")
"""Words an attacker would try first against this file."""

SCORE_WORDS = ("very weak", "weak", "fair", "strong", "very strong")


class WeakPassphrase(InvalidInput):
    """A passphrase refused as too easy to guess; the message says why and how to do better."""


@dataclass(frozen=True)
class Strength:
    """What the estimator thinks of a passphrase (never the passphrase itself)."""

    score: int
    """0 (very weak) to 4 (very strong)."""
    acceptable: bool
    """Strong enough to protect a journal."""
    advice: str
    """One or two sentences on why it is weak and how to improve it; empty when acceptable."""
    crack_time: str
    """Rough time an offline attacker with fast hardware would need, e.g. "centuries"."""

    @property
    def label(self) -> str:
        """The score in words, for a strength meter."""
        return SCORE_WORDS[self.score]


def assess_passphrase(passphrase: str, context_words: Iterable[str] = ()) -> Strength:
    """Judge a passphrase.

    Args:
        passphrase: the candidate.
        context_words: words that make it weaker if used (e.g. the user's name or sponsor).
    """
    import zxcvbn  # loads word lists; only the commands that set a passphrase pay for it

    inputs = [*CONTEXT_WORDS, *context_words]
    # zxcvbn prices a space between dictionary words as a brute-forced character, which flatters
    # "candour journal"; judging the words run together as well, and keeping the worse verdict, fixes that.
    result = min(
        (zxcvbn.zxcvbn(candidate[:ESTIMATOR_MAX_LENGTH], user_inputs=inputs) for candidate in _variants(passphrase)),
        key=lambda verdict: float(verdict["guesses"]),
    )
    score = int(result["score"])
    too_short = len(passphrase) < MIN_LENGTH
    acceptable = score >= MIN_SCORE and not too_short
    advice = ""
    if not acceptable:
        feedback = result["feedback"]
        hints = [feedback.get("warning") or "", *feedback.get("suggestions", [])]
        if too_short:
            hints.insert(0, f"Use at least {MIN_LENGTH} characters.")
        hints.append("A few unrelated words you can remember work well.")
        advice = " ".join(hint.rstrip(".") + "." for hint in hints if hint)
    crack_time = str(result["crack_times_display"]["offline_slow_hashing_1e4_per_second"])
    return Strength(score, acceptable, advice, crack_time)


def _variants(passphrase: str) -> list[str]:
    joined = "".join(passphrase.split())
    return [passphrase, joined] if joined and joined != passphrase else [passphrase]


def require_strong_passphrase(passphrase: str, context_words: Iterable[str] = ()) -> None:
    """Refuse a weak passphrase.

    Raises:
        WeakPassphrase: with the estimator's advice.
    """
    strength = assess_passphrase(passphrase, context_words)
    if not strength.acceptable:
        raise WeakPassphrase(
            f"That passphrase is {strength.label} and would not protect your journal. {strength.advice}"
        )
