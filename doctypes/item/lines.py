"""What orders and BOMs share in their arguments: a document named by its id or its number
(PO-00042), and `lines_text`, a form's textarea of lines, each read as one line of `lines`.

A form cannot post a list of objects, so the dashboard's order and BOM forms send one line a
row ("SKU quantity [price]"); the row is checked by the same schema as a line sent as JSON."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from marshmallow import Schema, ValidationError, fields

_SEPARATORS = re.compile(r"[\s,;]+")
_HEX_ID = "[0-9a-f]{32}"


class NumberedRef(fields.String):
    """A document by its id (32 hex digits) or its number, `prefix`-digits in any case."""

    def __init__(self, prefix: str, what: str, **kwargs: Any) -> None:
        self.pattern = re.compile(f"{_HEX_ID}|{re.escape(prefix)}-[0-9]{{1,12}}", re.IGNORECASE)
        self.example = f"{prefix}-00042"
        self.what = what
        kwargs.setdefault("metadata", {"description": f"The {what}'s id or number ({self.example})."})
        super().__init__(**kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        text = super()._deserialize(value, attr, data, **kwargs).strip()
        if not self.pattern.fullmatch(text):
            raise ValidationError(f"A {self.what}'s id (32 hex digits) or number ({self.example}).")
        return text


def text_lines(text: str, line: type[Schema], columns: Sequence[str], max_lines: int, min_lines: int = 1,
               max_row: int = 200) -> list[dict[str, Any]]:
    """Rows of `text` (blank ones skipped) as lines: each row's words, split at spaces, commas or
    semicolons, are `columns` in order (the first two required), loaded by `line`; an error names
    the row, under `lines_text`."""
    rows = [(number, row.strip()) for number, row in enumerate(text.splitlines(), 1) if row.strip()]
    if not min_lines <= len(rows) <= max_lines:
        raise ValidationError(f"Give {min_lines} to {max_lines} lines, one a row.", "lines_text")
    shape = " ".join(column.upper() for column in columns[:2]) + "".join(f" [{c.upper()}]" for c in columns[2:])
    lines = []
    for number, row in rows:
        words = _SEPARATORS.split(row)
        if len(row) > max_row or not 2 <= len(words) <= len(columns):
            raise ValidationError(f"Row {number}: write '{shape}'.", "lines_text")
        try:
            lines.append(line().load(dict(zip(columns, words, strict=False))))
        except ValidationError as exc:
            messages = exc.normalized_messages()
            problems = "; ".join(f"{name}: {' '.join(map(str, why)) if isinstance(why, list) else why}"
                                 for name, why in (messages.items() if isinstance(messages, dict) else []))
            raise ValidationError(f"Row {number}: {problems}", "lines_text") from None
    return lines
