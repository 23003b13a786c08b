"""Argon2id from argon2-cffi, with its working memory on huge pages where the system offers them.

At the default cost Argon2id fills 256 MiB. Taken from `malloc`, that memory arrives as 65,536
pages of 4 KiB, each faulted in by the kernel on first touch: on a two-core virtual machine the
faults are about a fifth of the derivation. Mapped here and marked for transparent huge pages
(`madvise(MADV_HUGEPAGE)`), it arrives as 128 pages of 2 MiB. The same mapping is kept out of
core dumps (`MADV_DONTDUMP`): the blocks are derived from the passphrase.

Only where the memory comes from changes. The derivation is libargon2's, run through
argon2-cffi's documented low-level entry (`argon2.low_level.core`) with the allocation hooks of
its context; libargon2 wipes the memory before handing it back, and it is unmapped at once.
Where the hooks cannot be used (no `madvise` advice on this system, a binding whose context has
changed, no room for a C callback), `hash_secret_raw` derives the same bytes from `malloc`'d memory.
"""

from __future__ import annotations

import contextlib
import mmap
from typing import Any

from argon2.exceptions import HashingError
from argon2.low_level import ARGON2_VERSION, Type, core, error_to_str, ffi, hash_secret_raw

_ARGON2_OK = 0
_ARGON2_MEMORY_ALLOCATION_ERROR = -22
"""libargon2's code for a failed allocation (argon2.h): what a failing hook makes it return."""

_ADVICE = tuple(
    advice for advice in (getattr(mmap, "MADV_HUGEPAGE", None), getattr(mmap, "MADV_DONTDUMP", None)) if advice
)
_CONTEXT_FIELDS = {
    "out", "outlen", "pwd", "pwdlen", "salt", "saltlen", "secret", "secretlen", "ad", "adlen",
    "t_cost", "m_cost", "lanes", "threads", "version", "allocate_cbk", "free_cbk", "flags",
}  # fmt: skip

_mapped: dict[int, tuple[mmap.mmap, Any]] = {}
"""Each working memory in use (a derivation may run in several threads at once), by address:
the mapping and the C view of it that libargon2 writes through."""


def _address(pointer: Any) -> int:
    return int(ffi.cast("uintptr_t", pointer))


def _allocate(memory: Any, size: int) -> int:
    """libargon2's allocation hook: map `size` bytes of private memory and advise the kernel on it."""
    area = mmap.mmap(-1, size, flags=mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS)
    for advice in _ADVICE:
        # A kernel without transparent huge pages refuses the advice: ordinary pages, the same derivation.
        with contextlib.suppress(OSError):
            area.madvise(advice)
    view = ffi.from_buffer("uint8_t[]", area)
    _mapped[_address(view)] = (area, view)
    memory[0] = view
    return _ARGON2_OK


def _free(memory: Any, size: int) -> None:
    """libargon2's release hook, called after it wiped the memory: unmap it."""
    area, view = _mapped.pop(_address(memory))
    ffi.release(view)
    area.close()


def _ignore(*_exception: object) -> None:
    """A hook that fails must not print a traceback from inside C: libargon2 sees no memory and says so."""


def _hooks() -> tuple[Any, Any] | None:
    """The two hooks as C callbacks, or None where they cannot be used."""
    if not _ADVICE or not hasattr(mmap, "MAP_ANONYMOUS"):
        return None
    try:
        if not {name for name, _ in ffi.typeof("argon2_context").fields} >= _CONTEXT_FIELDS:
            return None
        return (
            ffi.callback("int(uint8_t **, size_t)", _allocate, error=_ARGON2_MEMORY_ALLOCATION_ERROR, onerror=_ignore),
            ffi.callback("void(uint8_t *, size_t)", _free, onerror=_ignore),
        )
    except (ffi.error, MemoryError, TypeError, KeyError):
        return None  # e.g. a system that forbids the executable memory a C callback needs


HOOKS = _hooks()
"""The allocation hooks in use, or None when every derivation uses `malloc`'d memory."""


def argon2id(secret: bytes, salt: bytes, time_cost: int, memory_kib: int, lanes: int, length: int) -> bytes:
    """Argon2id (version 1.3) of `secret`: the same bytes as argon2-cffi's `hash_secret_raw`.

    Raises:
        HashingError: libargon2 refused the parameters or could not get the memory.
    """
    if HOOKS is None:
        return hash_secret_raw(secret, salt, time_cost, memory_kib, lanes, length, Type.ID, ARGON2_VERSION)
    out = ffi.new("uint8_t[]", length)
    password = ffi.new("uint8_t[]", secret)
    salt_bytes = ffi.new("uint8_t[]", salt)
    context = ffi.new(
        "argon2_context *",
        {
            "out": out,
            "outlen": length,
            "pwd": password,
            "pwdlen": len(secret),
            "salt": salt_bytes,
            "saltlen": len(salt),
            "secret": ffi.NULL,
            "secretlen": 0,
            "ad": ffi.NULL,
            "adlen": 0,
            "t_cost": time_cost,
            "m_cost": memory_kib,
            "lanes": lanes,
            "threads": lanes,
            "version": ARGON2_VERSION,
            "allocate_cbk": HOOKS[0],
            "free_cbk": HOOKS[1],
            "flags": 0,  # libargon2's default: the caller's buffers are left as they are, as hash_secret_raw does
        },
    )
    result = core(context, Type.ID.value)
    if result != _ARGON2_OK:
        raise HashingError(error_to_str(result))
    return bytes(ffi.buffer(out, length))
