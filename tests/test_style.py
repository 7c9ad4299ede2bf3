"""The tree stays ruff-clean (rules in pyproject.toml); CI runs this with the rest."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def test_ruff_clean():
    ruff = shutil.which("ruff", path=str(Path(sys.executable).parent)) or shutil.which("ruff")
    if ruff is None:
        pytest.skip("ruff is not installed (pip install -e '.[dev]')")
    result = subprocess.run([ruff, "check", "traciqo_rpc", "doctypes", "tests", "bench", "hooks.py"],
                            cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_framework_never_imports_doctypes():
    offenders = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "traciqo_rpc").rglob("*.py")
        if any(line.lstrip().startswith(("from doctypes", "import doctypes")) for line in path.read_text().splitlines())
    ]
    assert offenders == []
