"""The interface layer asks `Journal` and never reaches into the vault beneath it: keys, backup and verify
go through `Journal`'s own methods, so the vault's parts can change without the app or the command line."""

from __future__ import annotations

import ast
from pathlib import Path

TUI = Path(__file__).resolve().parents[2] / "tui"


def test_the_interface_never_reaches_the_vault() -> None:
    sources = sorted(TUI.rglob("*.py"))
    assert len(sources) > 10
    for source in sources:
        for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
            where = f"{source.relative_to(TUI.parent)}:{getattr(node, 'lineno', '?')}"
            assert not (isinstance(node, ast.Attribute) and node.attr == "vault"), f"{where} reaches .vault"
            if isinstance(node, ast.ImportFrom):
                assert not (node.module or "").startswith("journal.vault"), f"{where} imports {node.module}"
                assert "Vault" not in {alias.name for alias in node.names}, f"{where} imports Vault"
            if isinstance(node, ast.Import):
                assert not any(alias.name.startswith("journal.vault") for alias in node.names), where
