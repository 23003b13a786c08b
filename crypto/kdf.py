"""Passphrase key derivation: Argon2id parameters, their floor and cap, calibration.

The parameters travel in the file header (see FORMAT.md), so a journal created on
a fast machine opens anywhere. A header is checked against `KdfLimits` before any
work is done: a hostile header must neither weaken the derivation (floor) nor hang
or exhaust the machine (cap).
"""

from __future__ import annotations

import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, replace

from argon2.exceptions import HashingError
from argon2.low_level import Type, hash_secret_raw

from crypto.errors import InvalidInput, KdfParametersRefused, NotEnoughMemory

KEY_SIZE = 32
"""Bytes of key the derivation yields: one XChaCha20-Poly1305 key."""

SALT_SIZE = 16
"""Bytes of random salt per derivation (RFC 9106 recommends 16)."""

MIB = 1024
"""KiB in one MiB; Argon2 counts memory in KiB."""


@dataclass(frozen=True)
class KdfParams:
    """Argon2id cost parameters, as stored in the header."""

    time_cost: int
    """Passes over memory (Argon2 `t`)."""
    memory_kib: int
    """Memory in KiB (Argon2 `m`)."""
    lanes: int
    """Parallel lanes (Argon2 `p`); two lanes halve unlock time on two cores."""

    @property
    def cost(self) -> int:
        """Relative work: memory times passes (lanes split the work, they do not add to it)."""
        return self.time_cost * self.memory_kib


@dataclass(frozen=True)
class KdfLimits:
    """The range of parameters a header may ask for."""

    floor: KdfParams
    """Weakest parameters accepted: a header below this was not written by Candour."""
    cap: KdfParams
    """Strongest parameters accepted: above this a header could hang or exhaust the machine."""

    def check(self, params: KdfParams) -> None:
        """Refuse parameters outside the limits, before deriving anything.

        Raises:
            KdfParametersRefused: with the offending parameter named.
        """
        for field, value, low, high in (
            ("memory KiB", params.memory_kib, self.floor.memory_kib, self.cap.memory_kib),
            ("passes", params.time_cost, self.floor.time_cost, self.cap.time_cost),
            ("lanes", params.lanes, self.floor.lanes, self.cap.lanes),
        ):
            if value < low:
                raise KdfParametersRefused(
                    f"The journal header asks for a weaker key derivation than Candour accepts "
                    f"({field} {value} < {low}): the file was not written by Candour or was altered."
                )
            if value > high:
                raise KdfParametersRefused(
                    f"The journal header asks for a key derivation too costly to run "
                    f"({field} {value} > {high}): the file was altered or is not a Candour journal."
                )


DEFAULT_PARAMS = KdfParams(time_cost=3, memory_kib=256 * MIB, lanes=2)
"""Starting point at creation: 256 MiB, 3 passes, 2 lanes (the README's benchmark gives its time)."""

DEFAULT_LIMITS = KdfLimits(
    floor=replace(DEFAULT_PARAMS, lanes=1),
    # 1 GiB x 8 passes is about 4 s on a slow laptop: slow, but it finishes, and a
    # laptop can spare the memory. Calibration never goes beyond this either.
    cap=KdfParams(time_cost=8, memory_kib=1024 * MIB, lanes=8),
)
"""What Candour accepts in a header: calibration only goes up from the default, so the default's
memory and passes are the floor (lanes only split the work, so one lane is allowed)."""

TARGET_UNLOCK_SECONDS = 0.4
"""Calibration aims for this derivation time on the creating machine.

Unlocking happens once per sitting, so 0.4 s is unnoticeable next to typing the
passphrase, yet it keeps headroom under the 0.5 s budget on a noisy machine, and
each guess costs an attacker the same 0.4 s of two cores and >= 256 MiB.
"""


def normalise_passphrase(passphrase: str) -> bytes:
    """Encode a passphrase as NFC UTF-8 so the same words typed on any OS derive the same key.

    Raises:
        InvalidInput: the text holds characters no keyboard produces (lone surrogates).
    """
    try:
        return unicodedata.normalize("NFC", passphrase).encode("utf-8")
    except UnicodeEncodeError:
        raise InvalidInput("The passphrase contains characters that are not valid text; type it again.") from None


def derive_key(passphrase: str, salt: bytes, params: KdfParams) -> bytes:
    """Derive a 32-byte key-encryption key from a passphrase with Argon2id.

    Args:
        passphrase: as typed; normalised to NFC here.
        salt: `SALT_SIZE` random bytes from the header.
        params: cost parameters, already checked against `KdfLimits`.
    Returns:
        `KEY_SIZE` bytes.
    Raises:
        InvalidInput: the passphrase holds characters that are not text.
        NotEnoughMemory: the system refused the memory or threads the derivation needs.
    """
    if len(salt) != SALT_SIZE:
        raise ValueError(f"salt must be {SALT_SIZE} bytes")
    # libargon2 takes its 256 MiB from malloc: 65,536 page faults, about a quarter of the derivation
    # on a two-core virtual machine. Transparent huge pages would cut most of that,
    # but the memory can only be supplied through libargon2's allocation hooks, that is a cffi
    # callback, and every cffi or ctypes callback lives in a writable and executable page for the
    # rest of the process: not a trade to make in the process that holds the journal key.
    secret = normalise_passphrase(passphrase)
    try:
        return hash_secret_raw(
            secret=secret,
            salt=salt,
            time_cost=params.time_cost,
            memory_cost=params.memory_kib,
            parallelism=params.lanes,
            hash_len=KEY_SIZE,
            type=Type.ID,
            version=19,
        )
    except HashingError:
        # The costs were checked against the limits, so libargon2 failing means the system refused it
        # the memory (or the threads) it needs.
        raise NotEnoughMemory(
            f"Not enough free memory to derive the key: it needs {params.memory_kib // MIB} MiB. "
            "Close other programs and try again; nothing was changed."
        ) from None


def _stronger(params: KdfParams, cap: KdfParams) -> KdfParams | None:
    """The next calibration step: double memory up to the cap, then add passes."""
    if params.memory_kib * 2 <= cap.memory_kib:
        return replace(params, memory_kib=params.memory_kib * 2)
    if params.time_cost + 1 <= cap.time_cost:
        return replace(params, time_cost=params.time_cost + 1)
    return None


def calibrate(
    target_seconds: float = TARGET_UNLOCK_SECONDS,
    start: KdfParams = DEFAULT_PARAMS,
    limits: KdfLimits = DEFAULT_LIMITS,
    timer: Callable[[KdfParams], float] | None = None,
) -> KdfParams:
    """Choose parameters at creation: the start, made stronger while it stays within the target.

    One derivation at `start` is timed; stronger steps are predicted from their cost
    (time grows linearly with memory x passes). Memory is raised first because it is
    what makes guessing expensive on GPUs.

    Args:
        timer: measures one derivation in seconds (injected by tests).
    Returns:
        Parameters never weaker than `start` and never beyond `limits.cap`.
    """
    measure = timer or _time_derivation
    elapsed = measure(start)
    chosen = start
    while (candidate := _stronger(chosen, limits.cap)) is not None:
        predicted = elapsed * candidate.cost / start.cost
        if predicted > target_seconds:
            break
        chosen = candidate
    return chosen


def _time_derivation(params: KdfParams) -> float:
    began = time.perf_counter()
    derive_key("calibration", bytes(SALT_SIZE), params)
    return time.perf_counter() - began
