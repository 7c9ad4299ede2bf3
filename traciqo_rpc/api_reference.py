"""The API reference page: the OpenAPI document (openapi.py) as plain server-rendered HTML.

One page, no script and nothing fetched from elsewhere: each operation with its arguments
(type, limits, required), its answer's fields and the errors it may answer.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Sequence
from typing import Any

# Only the inline style below: the page loads nothing and runs nothing.
HEADERS = {"Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'",
           "X-Content-Type-Options": "nosniff"}

_STYLE = """
body{font:15px/1.5 system-ui,sans-serif;margin:0 auto;max-width:60rem;padding:1rem 2rem;color:#1d2125}
h1{margin-bottom:0}h2{border-bottom:2px solid #d0d7de;margin-top:2.5rem}
h3{font-family:ui-monospace,monospace;font-size:1rem;margin:2rem 0 .3rem;word-break:break-all}
code{font:13px ui-monospace,monospace;background:#f3f5f7;padding:0 .2rem;border-radius:3px}
table{border-collapse:collapse;width:100%;margin:.4rem 0 .8rem;font-size:14px}
th,td{border:1px solid #d0d7de;padding:.25rem .5rem;text-align:left;vertical-align:top}
th{background:#f6f8fa}.verb{color:#fff;background:#0a6e4f;padding:0 .4rem;border-radius:3px;margin-right:.4rem}
.verb.post,.verb.put{background:#1f5fa8}.verb.delete{background:#a3312a}.muted{color:#59636e}
nav ul{columns:2;padding-left:1.2rem}section{border-top:1px solid #eaeef2}
"""


def render(document: dict[str, Any]) -> str:
    """The whole page for `document`."""
    info = document["info"]
    by_tag: dict[str, list[tuple[str, str, dict[str, Any]]]] = {}
    for path, operations in document.get("paths", {}).items():
        for verb, operation in operations.items():
            by_tag.setdefault((operation.get("tags") or ["other"])[0], []).append((verb, path, operation))
    parts = [
        "<!doctype html><html lang=en><head><meta charset=utf-8>",
        "<meta name=viewport content='width=device-width,initial-scale=1'>",
        f"<title>{_e(info['title'])} API reference</title><style>{_STYLE}</style></head><body>",
        f"<h1>{_e(info['title'])} API</h1><p class=muted>Version {_e(info['version'])} · "
        "OpenAPI document: <a href='/api/openapi.json'><code>/api/openapi.json</code></a></p>",
        _text(info.get("description", "")),
        _authentication(document), _errors(document),
        "<h2>Operations</h2><nav><ul>",
        *(f"<li><a href='#{_anchor(tag)}'>{_e(tag)}</a> ({len(ops)})</li>" for tag, ops in sorted(by_tag.items())),
        "</ul></nav>",
    ]
    for tag, operations in sorted(by_tag.items()):
        parts.append(f"<h2 id='{_anchor(tag)}'>{_e(tag)}</h2>")
        parts += (_operation(document, verb, path, operation) for verb, path, operation in sorted(
            operations, key=lambda entry: (entry[1], entry[0])))
    parts.append("</body></html>")
    return "".join(parts)


def _operation(document: dict[str, Any], verb: str, path: str, operation: dict[str, Any]) -> str:
    parts = [f"<section id='{_anchor(operation['operationId'])}'><h3><span class='verb {verb}'>{verb.upper()}</span>"
             f"{_e(path)}</h3>"]
    if operation.get("summary"):
        parts.append(f"<p><strong>{_inline(operation['summary'])}</strong></p>")
    parts.append(_text(operation.get("description", "")))
    parts.append("<p>Authentication: " + ("an API key (any of the forms above)." if operation.get("security")
                                         else "none needed.") + "</p>")
    arguments = [_parameter_row(document, p) for p in operation.get("parameters", [])
                 if _resolve(document, p).get("in") != "header"]
    body = operation.get("requestBody")
    if body:
        schema = next(iter(body["content"].values()))["schema"]
        arguments += _field_rows(document, schema, "", "body", set())
    parts.append("<h4>Arguments</h4>" + (_table(("name", "in", "type", "required", "limits", "description"), arguments)
                                         if arguments else "<p class=muted>None.</p>"))
    success = next(iter(operation["responses"]))  # the success comes first (202 for a resource's DELETE)
    parts.append(f"<h4>Answer</h4>{'' if success == '200' else f'<p>Status {_e(success)}.</p>'}"
                 + _answer(document, operation["responses"][success]))
    errors = [(status, _resolve(document, response).get("description", ""))
              for status, response in operation["responses"].items() if status != success]
    parts.append("<h4>Errors</h4>" + _table(("status", "when"), [(f"<code>{s}</code>", _inline(d)) for s, d in errors]))
    return "".join(parts) + "</section>"


def _answer(document: dict[str, Any], response: dict[str, Any]) -> str:
    content = response.get("content", {})
    if "application/json" not in content:
        return "<p>The file: " + ", ".join(f"<code>{_e(media_type)}</code>" for media_type in content) + ".</p>"
    rows = _field_rows(document, content["application/json"]["schema"], "", None, set())
    return _table(("field", "type", "always there", "values", "description"),
                  [(name, kind, required, values, description) for name, _, kind, required, values, description in rows])


def _field_rows(document: dict[str, Any], schema: dict[str, Any], prefix: str, where: str | None,
                seen: set[str]) -> list[tuple[str, ...]]:
    """One row per field, nested objects and lists of them spelled out as `a.b` and `a[].b`."""
    ref = _ref_of(schema)
    if ref in seen:  # a schema that holds itself: named once
        return []
    seen = seen | {ref} if ref else seen
    schema = _unwrap(document, schema)
    rows: list[tuple[str, ...]] = []
    required = set(schema.get("required", []))
    for name, prop in schema.get("properties", {}).items():
        resolved = _unwrap(document, prop)
        full = f"{prefix}{name}"
        rows.append((f"<code>{_e(full)}</code>", where or "", _type(document, prop),
                     "yes" if name in required else "no", _limits(resolved), _inline(resolved.get("description", ""))))
        if "object" in _types(resolved) and "properties" in resolved:
            rows += _field_rows(document, _nonnull(prop), full + ".", where, seen)
        elif "array" in _types(resolved):
            items = resolved.get("items", {})
            if "properties" in _unwrap(document, items):
                rows += _field_rows(document, items, full + "[].", where, seen)
    return rows


def _parameter_row(document: dict[str, Any], parameter: dict[str, Any]) -> tuple[str, ...]:
    parameter = _resolve(document, parameter)
    content: dict[str, Any] = next(iter(parameter.get("content", {}).values()), {})
    schema = parameter.get("schema") or content.get("schema", {})
    return (f"<code>{_e(parameter['name'])}</code>", parameter["in"], _type(document, schema),
            "yes" if parameter.get("required") else "no", _limits(_unwrap(document, schema)),
            _inline(parameter.get("description", "")))


def _type(document: dict[str, Any], schema: dict[str, Any]) -> str:
    """`string (date-time)`, `integer or null`, `list of CodeInfo`..."""
    nullable = _is_nullable(schema)
    ref = _ref_of(_nonnull(schema))
    if ref:
        text = _e(ref.rsplit("/", 1)[-1])
    else:
        kinds = [kind for kind in _types(schema) if kind != "null"] or ["any"]
        text = " or ".join(kinds)
        if "array" in kinds:
            text = "list of " + _type(document, schema.get("items", {}))
        elif schema.get("format"):
            text += f" ({_e(schema['format'])})"
    return text + (" or null" if nullable else "")


def _limits(schema: dict[str, Any]) -> str:
    notes = []
    for key, label in (("minimum", "≥"), ("maximum", "≤"), ("minLength", "length ≥"), ("maxLength", "length ≤"),
                       ("minItems", "items ≥"), ("maxItems", "items ≤")):
        if key in schema:
            notes.append(f"{label} {_number(schema[key])}")
    if "enum" in schema:
        notes.append("one of " + ", ".join(f"<code>{_e(_json(value))}</code>" for value in schema["enum"]))
    if "pattern" in schema:
        notes.append(f"matches <code>{_e(schema['pattern'])}</code>")
    if "default" in schema:
        notes.append(f"default <code>{_e(_json(schema['default']))}</code>")
    return "; ".join(notes)


def _authentication(document: dict[str, Any]) -> str:
    schemes = document.get("components", {}).get("securitySchemes", {})
    rows = []
    for name, scheme in schemes.items():
        where = (f"header <code>{_e(scheme['name'])}</code>" if scheme["type"] == "apiKey"
                 else f"<code>Authorization: {_e(scheme['scheme'].capitalize())} ...</code>")
        rows.append((f"<code>{_e(name)}</code>", where, _inline(scheme.get("description", ""))))
    return "<h2>Authentication</h2><p>Send credentials in one of these forms, once:</p>" + _table(
        ("scheme", "where", "what"), rows)


def _errors(document: dict[str, Any]) -> str:
    error = document.get("components", {}).get("schemas", {}).get("Error", {})
    rows = _field_rows(document, error, "", None, set())
    return "<h2>Errors</h2><p>Every error answers with this body and its status:</p>" + _table(
        ("field", "type", "always there", "description"), [(r[0], r[2], r[3], r[5]) for r in rows])


def _table(headings: tuple[str, ...], rows: Sequence[tuple[str, ...]]) -> str:
    head = "".join(f"<th>{heading}</th>" for heading in headings)
    body = "".join("<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>" for row in rows)
    return f"<table><tr>{head}</tr>{body}</table>"


def _resolve(document: dict[str, Any], item: Any) -> dict[str, Any]:
    """Follow a local $ref (#/components/...) to what it names."""
    while isinstance(item, dict) and "$ref" in item:
        node: Any = document
        for part in item["$ref"].removeprefix("#/").split("/"):
            node = node[part]
        item = node
    return item if isinstance(item, dict) else {}


def _unwrap(document: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    return _resolve(document, _nonnull(schema))


def _nonnull(schema: dict[str, Any]) -> dict[str, Any]:
    """`anyOf: [X, {type: null}]` -> X."""
    options = [option for option in schema.get("anyOf", []) if option.get("type") != "null"]
    return options[0] if len(options) == 1 and len(schema.get("anyOf", [])) == 2 else schema


def _is_nullable(schema: dict[str, Any]) -> bool:
    return "null" in _types(schema) or any(option.get("type") == "null" for option in schema.get("anyOf", []))


def _types(schema: dict[str, Any]) -> list[str]:
    kinds = schema.get("type", [])
    return [kinds] if isinstance(kinds, str) else list(kinds)


def _ref_of(schema: dict[str, Any]) -> str:
    return schema.get("$ref", "") if isinstance(schema, dict) else ""


def _text(text: str) -> str:
    return "".join(f"<p>{_inline(paragraph)}</p>" for paragraph in text.split("\n\n") if paragraph.strip())


def _inline(text: str) -> str:
    """Plain text with `code` spans, escaped."""
    return re.sub(r"`([^`]+)`", r"<code>\1</code>", _e(" ".join(text.split())))


def _anchor(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]", "-", text)


def _number(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return f"{value:,}" if isinstance(value, int) else str(value)


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def _e(text: Any) -> str:
    return html.escape(str(text), quote=True)
