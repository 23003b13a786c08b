"""A new recovery key, drawn before it is committed, and the check of the copy the user types back.

A key operation that replaces the recovery key takes one drawn here, after the user has seen it and typed
it back, so the recovery key that works is always one the user has seen: the old one until the commit,
the new one after.
"""

from __future__ import annotations

import crypto
from journal.errors import InvalidRecoveryKey


def draw_recovery_key() -> str:
    """A fresh recovery key, formatted for a human (`ABCD-EFGH-...`, 8 groups of 4); nothing is written."""
    return crypto.new_recovery_key()


def recovery_key_matches(shown: str, typed: str) -> bool:
    """Whether `typed` is the key `shown`, read as recovery reads it (case, spaces and dashes ignored), so a
    copy that passes here opens the journal."""
    try:
        return crypto.parse_recovery_key(typed) == crypto.parse_recovery_key(shown)
    except InvalidRecoveryKey:
        return False
