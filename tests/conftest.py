"""Shared fixtures: a cheap key derivation for speed, isolated home folders, a journal factory."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

import crypto
from crypto import KdfLimits, KdfParams
from journal import Vault

CHEAP_KDF = KdfParams(time_cost=1, memory_kib=8, lanes=1)
"""argon2-cffi's cheapest costs, still a 32-byte key: fast tests. One test runs the real default."""

CHEAP_LIMITS = KdfLimits(floor=CHEAP_KDF, cap=crypto.DEFAULT_LIMITS.cap)
"""Limits that accept the cheap costs; production code always uses `crypto.DEFAULT_LIMITS`."""

PASSPHRASE = "correct horse battery staple"


@pytest.fixture(autouse=True)
def isolated_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own HOME and XDG folders, so nothing touches the real user's files."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    for name in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
        monkeypatch.setenv(name, str(home / name.lower()))
    monkeypatch.delenv("CANDOUR_JOURNAL", raising=False)
    monkeypatch.delenv("CANDOUR_PASSPHRASE", raising=False)
    return home


@pytest.fixture
def journal_path(tmp_path: Path) -> Path:
    """Where a test's journal lives (inside its own data folder)."""
    return tmp_path / "data" / "journal.candour"


MakeVault = Callable[..., tuple[Vault, str]]
"""The type of the `make_vault` fixture."""


@pytest.fixture
def make_vault(journal_path: Path) -> Iterator[MakeVault]:
    """Create a journal with the cheap KDF; returns (vault, recovery key). Closed at teardown."""
    opened: list[Vault] = []

    def factory(path: Path = journal_path, passphrase: str = PASSPHRASE) -> tuple[Vault, str]:
        vault, recovery_key = Vault.create(path, passphrase, kdf=CHEAP_KDF, limits=CHEAP_LIMITS)
        opened.append(vault)
        return vault, recovery_key

    yield factory
    for vault in opened:
        vault.close()


def unlock(path: Path, passphrase: str = PASSPHRASE) -> Vault:
    """Unlock a cheap-KDF journal."""
    return Vault.unlock(path, passphrase, limits=CHEAP_LIMITS)


def journal_files(path: Path) -> dict[str, bytes]:
    """Bytes of every file in the journal's folder (database, side files, lock file)."""
    return {child.name: child.read_bytes() for child in sorted(path.parent.iterdir()) if child.is_file()}
