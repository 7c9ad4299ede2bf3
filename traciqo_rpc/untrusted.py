"""What every client-sent value passes before a schema sees it: JSON of bounded depth, and
text a database can store.

Python's JSON parser recurses once per level of nesting, so a body of 10,000 brackets ended in
RecursionError (a 500); a lone surrogate (a JSON escape such as \\ud800) cannot be encoded to
UTF-8 for SQLite, and PostgreSQL refuses NUL in text. The parser's own recursion limit stops
the deepest JSON; one walk over every argument (from a body, a query string or a form) then
refuses nesting past MAX_JSON_DEPTH and unstorable text, before the method's schema runs.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from .errors import InvalidRequest, ValidationError

# Deep enough for any argument we take (Frappe filters are three levels), shallow enough that
# nothing downstream (schemas, rendering) comes near the interpreter's recursion limit.
MAX_JSON_DEPTH = 32


class NotJson(InvalidRequest):
    """The text does not parse as JSON."""


class JsonTooDeep(InvalidRequest):
    """Nested deeper than MAX_JSON_DEPTH."""

    def __init__(self) -> None:
        super().__init__(f"Arguments may be nested at most {MAX_JSON_DEPTH} levels deep")


def loads_json(text: str | bytes, what: str = "The request body") -> Any:
    """Parse client JSON: 400 when it is not JSON (NaN and Infinity included, which Python's
    parser takes) or nests past what the parser can recurse into."""
    try:
        return json.loads(text, parse_constant=_refuse_constant)
    except RecursionError:
        raise JsonTooDeep() from None
    except ValueError:  # JSONDecodeError and UnicodeDecodeError are ValueErrors
        raise NotJson(f"{what} is not valid JSON") from None


def _refuse_constant(name: str) -> None:
    raise ValueError(f"{name} is not JSON")


def check_arguments(args: Mapping[str, Any]) -> None:
    """400 when an argument nests deeper than MAX_JSON_DEPTH; 417 naming the argument when a
    string in it (keys included, at any depth) holds a NUL character or a lone surrogate."""
    for name, value in args.items():
        problem = _text_problem(name) if isinstance(name, str) else None
        where: list[Any] = [printable(name)]
        if problem is None:
            found = _find_problem(value, 1)
            if found is not None:
                problem, inner = found
                where += inner
        if problem is not None:
            raise ValidationError(f"Invalid arguments: {'.'.join(map(str, where))}: {problem}",
                                  field_errors=_nested(where, [problem]))


def _find_problem(value: Any, depth: int) -> tuple[str, list[Any]] | None:
    """The first unstorable string inside `value` and the path to it."""
    if isinstance(value, str):
        problem = _text_problem(value)
        return (problem, []) if problem else None
    if isinstance(value, (dict, list)) and depth > MAX_JSON_DEPTH:
        raise JsonTooDeep()
    if isinstance(value, dict):
        for key, item in value.items():
            problem = _text_problem(key) if isinstance(key, str) else None
            if problem:
                return problem, [printable(key)]
            found = _find_problem(item, depth + 1)
            if found:
                return found[0], [key, *found[1]]
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found = _find_problem(item, depth + 1)
            if found:
                return found[0], [index, *found[1]]
    return None


def _text_problem(text: str) -> str | None:
    if "\x00" in text:
        return "Must not contain a NUL character."
    if not text.isascii():
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            return "Must be valid Unicode text (it holds a lone surrogate)."
    return None


def printable(text: Any) -> Any:
    """A string safe to echo back in an answer: NULs and lone surrogates shown as escapes."""
    if not isinstance(text, str):
        return text
    return text.encode("utf-8", "backslashreplace").decode("utf-8").replace("\x00", "\\x00")


def _nested(path: list[Any], leaf: Any) -> dict[Any, Any]:
    """{"a": {0: {"b": leaf}}} for the path ["a", 0, "b"], as marshmallow nests its messages."""
    for step in reversed(path[1:]):
        leaf = {printable(step): leaf}
    return {path[0]: leaf}
