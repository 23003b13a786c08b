"""Candour's cryptography: bytes in, bytes out — key derivation, key slots, record envelopes.

Everything here comes from PyNaCl (libsodium) and argon2-cffi; nothing is home-made.
The byte layouts are in FORMAT.md.
"""

from crypto.envelope import (
    DIGEST_SIZE,
    ENVELOPE_VERSION,
    ID_SIZE,
    NONCE_SIZE,
    authenticate_envelope,
    digest,
    envelope_nonce,
    keyed_digest,
    new_record_id,
    open_envelope,
    padded_size,
    seal,
)
from crypto.errors import (
    CandourError,
    DamagedJournal,
    DamagedRecord,
    ForeignFile,
    InvalidInput,
    InvalidRecoveryKey,
    KdfParametersRefused,
    NotEnoughMemory,
    UnsupportedFormat,
    WrongPassphrase,
    WrongRecoveryKey,
)
from crypto.header import FORMAT_VERSION, HEADER_SIZE, Header, decode_header, read_format_version
from crypto.kdf import DEFAULT_LIMITS, DEFAULT_PARAMS, KdfLimits, KdfParams, calibrate, derive_key
from crypto.keyslots import (
    SlotKind,
    new_journal_key,
    new_recovery_key,
    open_slot,
    parse_recovery_key,
    passphrase_wrapping_key,
    recovery_wrapping_key,
    seal_slot,
)
from crypto.subkeys import Purpose, derive_subkey

__all__ = [
    "DEFAULT_LIMITS",
    "DEFAULT_PARAMS",
    "DIGEST_SIZE",
    "ENVELOPE_VERSION",
    "FORMAT_VERSION",
    "HEADER_SIZE",
    "ID_SIZE",
    "NONCE_SIZE",
    "CandourError",
    "DamagedJournal",
    "DamagedRecord",
    "ForeignFile",
    "Header",
    "InvalidInput",
    "InvalidRecoveryKey",
    "KdfLimits",
    "KdfParametersRefused",
    "KdfParams",
    "NotEnoughMemory",
    "Purpose",
    "SlotKind",
    "UnsupportedFormat",
    "WrongPassphrase",
    "WrongRecoveryKey",
    "authenticate_envelope",
    "calibrate",
    "decode_header",
    "derive_key",
    "derive_subkey",
    "digest",
    "envelope_nonce",
    "keyed_digest",
    "new_journal_key",
    "new_record_id",
    "new_recovery_key",
    "open_envelope",
    "open_slot",
    "padded_size",
    "parse_recovery_key",
    "passphrase_wrapping_key",
    "read_format_version",
    "recovery_wrapping_key",
    "seal",
    "seal_slot",
]
