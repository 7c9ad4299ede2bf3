"""What every client-sent value passes before a schema sees it: JSON of bounded depth, and
text a database can store.

Python's JSON parser recurses once per level of nesting, so a body of 10,000 brackets ends in
RecursionError; a lone surrogate (a JSON escape such as \\ud800) cannot be encoded to UTF-8
for SQLite, and PostgreSQL refuses NUL in text. Both are refused here, for every argument,
before anything else runs.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from .errors import InvalidRequest, ValidationError

# Deep enough for any argument we take (Frappe filters are three levels), shallow enough that
# nothing downstream (schemas, rendering) comes near the interpreter's recursion limit.
MAX_JSON_DEPTH = 32

# The closing quote is optional so that an unterminated string ends the match instead of
# making the engine retry from every later quote (quadratic on a body of `"\"\"...`).
_JSON_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"?', re.DOTALL)
_NOT_A_BRACKET = re.compile(r"[^\[\]{}]+")
_INNERMOST_PAIR = re.compile(r"\[\]|\{\}")


class NotJson(InvalidRequest):
    """The text does not parse as JSON."""


class JsonTooDeep(InvalidRequest):
    """Nested deeper than MAX_JSON_DEPTH (or its brackets do not balance)."""


def loads_json(text: str | bytes, what: str = "The request body") -> Any:
    """Parse client JSON: 400 when it is not JSON, is nested deeper than MAX_JSON_DEPTH or uses
    NaN/Infinity (not JSON, though Python's parser takes them)."""
    try:
        if isinstance(text, bytes):
            text = text.decode(json.detect_encoding(text))
        check_json_depth(text, what)
        return json.loads(text, parse_constant=_refuse_constant)
    except ValueError:  # JSONDecodeError and UnicodeDecodeError are ValueErrors
        raise NotJson(f"{what} is not valid JSON") from None


def _refuse_constant(name: str) -> None:
    raise ValueError(f"{name} is not JSON")


def check_json_depth(text: str, what: str) -> None:
    """Refuse nesting deeper than MAX_JSON_DEPTH without recursing: strip the strings, keep the
    brackets, and remove the innermost pairs one level at a time."""
    if text.count("[") + text.count("{") <= MAX_JSON_DEPTH:
        return  # cannot be deeper than it has brackets: most bodies stop here
    brackets = _NOT_A_BRACKET.sub("", _JSON_STRING.sub("", text))
    for _ in range(MAX_JSON_DEPTH):
        brackets, removed = _INNERMOST_PAIR.subn("", brackets)
        if not brackets or not removed:
            break
    if brackets:  # deeper than the limit, or unbalanced (which is not JSON either)
        raise JsonTooDeep(f"{what} is not valid JSON or is nested deeper than {MAX_JSON_DEPTH} levels")


def refuse_unstorable_text(args: Mapping[str, Any]) -> None:
    """417 naming the argument when any string in `args` (keys included, at any depth) holds a
    NUL character or a lone surrogate."""
    for name, value in args.items():
        problem = _text_problem(name) if isinstance(name, str) else None
        where: list[Any] = [printable(name)]
        if problem is None:
            found = _find_problem(value)
            if found is not None:
                problem, inner = found
                where += inner
        if problem is not None:
            raise ValidationError(f"Invalid arguments: {'.'.join(map(str, where))}: {problem}",
                                  field_errors=_nested(where, [problem]))


def _find_problem(value: Any) -> tuple[str, list[Any]] | None:
    """The first unstorable string inside `value` and the path to it."""
    if isinstance(value, str):
        problem = _text_problem(value)
        return (problem, []) if problem else None
    if isinstance(value, dict):
        for key, item in value.items():
            problem = _text_problem(key) if isinstance(key, str) else None
            if problem:
                return problem, [printable(key)]
            found = _find_problem(item)
            if found:
                return found[0], [key, *found[1]]
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found = _find_problem(item)
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
