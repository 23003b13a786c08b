"""The architecture as a test: layer contracts, import hygiene, lint and strict types."""

from __future__ import annotations

import ast
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def _run(*command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)


def test_layer_contracts_hold() -> None:
    """tui -> journal -> crypto; journal/crypto never import the UI; tui never touches keys."""
    result = _run(str(BIN / "lint-imports"), "--no-cache")
    assert result.returncode == 0, result.stdout + result.stderr


def test_journal_loads_without_the_ui_framework() -> None:
    code = (
        "import sys, journal, crypto; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in {'textual', 'rich', 'click'}))"
    )
    result = _run(sys.executable, "-c", code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_command_line_loads_without_the_ui_framework() -> None:
    """Commands that do not open the app must not pay Textual's start-up cost."""
    code = "import sys, tui.cli; print(sorted(m for m in sys.modules if m.split('.')[0] in {'textual', 'rich'}))"
    result = _run(sys.executable, "-c", code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def _modules(package: str) -> list[str]:
    """Every module of `package`, by its dotted name, the package's own `__init__` included."""
    names = []
    for source in sorted((ROOT / package).rglob("*.py")):
        parts = source.relative_to(ROOT).with_suffix("").parts
        names.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return names


def test_every_ui_module_imports_on_its_own() -> None:
    """Each module of `tui` (each screen among them) in a fresh interpreter: none relies on another having been
    imported first, which is how an import circle hides."""
    modules = _modules("tui")
    assert {"tui.app", "tui.cli", "tui.screens.editor", "tui.screens.base"} <= set(modules)
    with ThreadPoolExecutor(max_workers=2) as pool:
        runs = pool.map(lambda name: _run(sys.executable, "-c", f"import {name}"), modules)
        results = dict(zip(modules, runs, strict=True))
    failed = {name: result.stderr.strip().splitlines()[-1:] for name, result in results.items() if result.returncode}
    assert not failed


def test_the_ui_has_no_import_cycle() -> None:
    """No module of `tui` imports, however indirectly (inside functions and for type checking too), one that
    imports it back."""
    graph = grimp.build_graph("tui", cache_dir=None)
    cycles = sorted(
        (importer, imported)
        for importer in graph.modules
        for imported in graph.find_modules_directly_imported_by(importer)
        if imported.startswith("tui") and graph.chain_exists(importer=imported, imported=importer)
    )
    assert not cycles


def test_ruff_is_clean() -> None:
    result = _run(str(BIN / "ruff"), "check", ".")
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_strict_is_clean() -> None:
    result = _run(sys.executable, "-m", "mypy")
    assert result.returncode == 0, result.stdout + result.stderr


NETWORK_MODULES = {"socket", "ssl", "http", "urllib", "ftplib", "smtplib", "xmlrpc", "asyncio"}
"""What the packages never import: Candour has no network code (asyncio runs only inside the UI framework)."""

EDITOR_CALLS = {"edit", "launch", "system", "popen"}
"""Ways to hand text to another program (an editor's swap files would hold it in clear)."""


def test_no_network_code_and_no_external_editor() -> None:
    sources = sorted(path for package in ("crypto", "journal", "tui") for path in (ROOT / package).rglob("*.py"))
    assert len(sources) > 30
    for source in sources:
        tree = ast.parse(source.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            else:
                names = []
            for name in names:
                assert name.split(".")[0] not in NETWORK_MODULES | {"subprocess"}, f"{source}: imports {name}"
            if isinstance(node, ast.Attribute) and node.attr in EDITOR_CALLS:
                assert not (isinstance(node.value, ast.Name) and node.value.id in {"click", "os"}), (
                    f"{source}:{node.lineno}: {node.value.id}.{node.attr}"
                )
