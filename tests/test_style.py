"""The tree stays ruff-clean (rules in pyproject.toml); CI runs this with the rest."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support import sources

ROOT = Path(__file__).resolve().parent.parent


def test_ruff_clean():
    ruff = shutil.which("ruff", path=str(Path(sys.executable).parent)) or shutil.which("ruff")
    if ruff is None:
        pytest.skip("ruff is not installed (pip install -e '.[dev]')")
    result = subprocess.run([ruff, "check", "traciqo_rpc", "doctypes", "tests", "bench", "hooks.py"],
                            cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_clean():
    """traciqo_rpc and doctypes type-check (settings in pyproject.toml); `make lint` runs it too."""
    mypy = shutil.which("mypy", path=str(Path(sys.executable).parent)) or shutil.which("mypy")
    if mypy is None:
        pytest.skip("mypy is not installed (pip install -e '.[dev]')")
    result = subprocess.run([mypy], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_framework_never_imports_doctypes():
    offenders = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "traciqo_rpc").rglob("*.py")
        if any(line.lstrip().startswith(("from doctypes", "import doctypes")) for line in path.read_text().splitlines())
    ]
    assert offenders == []


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _import_graph() -> dict[str, set[str]]:
    """Module -> the project modules it imports, anywhere in it (inside functions too: that
    hides a cycle, it does not remove it); imports only for type checkers do not count."""
    import ast

    paths = {_module_name(p): p for package in ("traciqo_rpc", "doctypes") for p in (ROOT / package).rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in paths.items():
        tree = sources.parse(path)
        type_only = {id(node) for block in ast.walk(tree)
                     if isinstance(block, ast.If) and getattr(block.test, "id", getattr(block.test, "attr", "")) == "TYPE_CHECKING"
                     for statement in block.body for node in ast.walk(statement)}
        package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
        imported: set[str] = set()
        for node in ast.walk(tree):
            if id(node) in type_only:
                continue
            if isinstance(node, ast.Import):
                imported.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom):
                base = package[:len(package) - node.level + 1] if node.level else []
                module = ".".join(base + ([node.module] if node.module else []))
                imported.update(f"{module}.{a.name}" if f"{module}.{a.name}" in paths else module for a in node.names)
        graph[name] = {module for module in imported if module in paths and module != name}
    return graph


def test_no_import_cycles():
    graph = _import_graph()
    cycles = []

    def visit(module: str, trail: list[str], done: set[str]) -> None:
        for imported in sorted(graph[module]):
            if imported in trail:
                cycles.append(" -> ".join(trail[trail.index(imported):] + [imported]))
            elif imported not in done:
                visit(imported, trail + [imported], done)
        done.add(module)

    done: set[str] = set()
    for module in sorted(graph):
        if module not in done:
            visit(module, [module], done)
    assert cycles == []


def test_doctypes_never_import_the_runtime():
    """Doctypes reach settings, caches, the queue and the clock through ctx.services."""
    graph = _import_graph()
    offenders = sorted(name for name, imported in graph.items()
                       if name.startswith("doctypes.") and imported & {"traciqo_rpc.runtime", "traciqo_rpc.process"})
    assert offenders == []


def test_doctypes_name_their_refusals():
    """A refusal is a class named by its condition (WarrantyNotTransferable), so callers and tests
    match on the class and its error_code; a doctype never raises the framework's bases bare."""
    import ast

    bases = {"TraciqoError", "InvalidRequest", "AuthenticationError", "PermissionError", "DoesNotExistError",
             "DuplicateEntryError", "ValidationError", "LimitExceeded", "RateLimitExceeded"}
    bare = []
    for path in (ROOT / "doctypes").rglob("*.py"):
        for node in ast.walk(sources.parse(path)):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in bases
                    and isinstance(node.func.value, ast.Name) and node.func.value.id == "errors"):
                bare.append(f"{path.relative_to(ROOT)}:{node.lineno} errors.{node.func.attr}(...)")
    assert bare == []
