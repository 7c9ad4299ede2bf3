"""Our own source files, parsed for the tests that read code (style, SQL placement)."""

from __future__ import annotations

import ast
from pathlib import Path


def parse(path: Path) -> ast.Module:
    """ast.parse, immune to CPython 3.11's shared AST recursion counter (gh-106905): a thread
    formatting a traceback at the same moment (3.11 parses the line to draw its carets) can make
    a good parse fail with SystemError "AST constructor recursion depth mismatch"; it passes
    when asked again."""
    source = path.read_text()
    for _ in range(4):
        try:
            return ast.parse(source, filename=str(path))
        except SystemError:
            continue
    return ast.parse(source, filename=str(path))
