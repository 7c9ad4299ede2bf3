"""Generated arguments, plausible and hostile, to every registered method: never a 5xx.

Each method's arguments are drawn from its own schema: a value of the field's type, a known id
(so that calls reach the database), or something hostile (NUL, lone surrogates, huge numbers,
deep or odd JSON, far dates), plus unknown names; sent as a JSON body, a query string or a
form, with a live, sandbox, made-up or no key. Examples are derandomised so CI is repeatable;
TRACIQO_FUZZ_EXAMPLES=500 (and TRACIQO_FUZZ_RANDOM=1) turns it into a longer search.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from typing import Any
from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from marshmallow import Schema, fields

from tests.support.helpers import issue_code, key_headers
from traciqo_rpc import registry, wiring

EXAMPLES = int(os.environ.get("TRACIQO_FUZZ_EXAMPLES", "40"))
RANDOM = os.environ.get("TRACIQO_FUZZ_RANDOM") == "1"


def _method_paths() -> list[str]:
    wired = wiring.load()
    return sorted(registry.collect(wired.modules, wired.method_aliases).methods)


HOSTILE_TEXT = st.sampled_from([
    "", " ", "\x00", "a\x00b", "\ud800", "x\udfffy", "\u202e\u0000", "💥" * 200, "a" * 5000, "../../etc/passwd",
    "' OR 1=1 --", "<script>alert(1)</script>", "%00", "NaN", "Infinity", "-0", "1e999", "9" * 40, "-9" * 20,
    "[]", "{}", "null", "true", "[[[[[[[[", '{"a":', "0001-01-01T00:00:00+05:00", "9999-12-31T23:59:59-05:00",
    "http://169.254.169.254/", "mailto:x", "\r\nX-Injected: 1", "*", "PRD-00001\x00",
])
SCALARS = (st.none() | st.booleans() | st.integers(min_value=-(2**80), max_value=2**80)
           | st.floats(allow_nan=True, allow_infinity=True) | st.text(max_size=30) | HOSTILE_TEXT)
ANY_JSON = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=4)
                        | st.dictionaries(st.text(max_size=8) | HOSTILE_TEXT, inner, max_size=4), max_leaves=12)
ZONES = st.builds(dt.timezone, st.timedeltas(min_value=dt.timedelta(hours=-23, minutes=-59),
                                             max_value=dt.timedelta(hours=23, minutes=59)))


def plausible(field: fields.Field, known: dict[str, list[str]], name: str) -> st.SearchStrategy[Any]:
    """A value of the field's type (ids the test created, for the names that take them)."""
    if isinstance(field, fields.Nested):
        return arguments(field.schema, known)
    if isinstance(field, fields.List):
        return st.lists(plausible(field.inner, known, name), max_size=4)
    if isinstance(field, fields.Dict):
        return st.dictionaries(st.text(max_size=10), SCALARS, max_size=4)
    if isinstance(field, fields.Boolean):
        return st.booleans() | st.sampled_from(["true", "0", "yes"])
    if isinstance(field, fields.Integer):
        return st.integers(min_value=-5, max_value=2000) | st.integers()
    if isinstance(field, (fields.Float, fields.Decimal)):
        return st.floats(allow_nan=False, allow_infinity=False) | st.decimals(allow_nan=False).map(str)
    if isinstance(field, fields.DateTime):  # the ends of the calendar, with offsets, come first
        edges = st.sampled_from(["0001-01-01T00:00:00+05:00", "9999-12-31T23:59:59-05:00", "0001-01-01T00:00:00"])
        return edges | st.datetimes(timezones=st.none() | ZONES).map(lambda value: value.isoformat())
    if isinstance(field, fields.Date):
        return st.sampled_from(["0001-01-01", "9999-12-31"]) | st.dates().map(lambda value: value.isoformat())
    if isinstance(field, fields.Email):
        return st.emails() | st.sampled_from(["a@example.com", "a@b", "@"])
    if isinstance(field, fields.Url):
        return st.sampled_from(["http://127.0.0.1:9/hook", "https://example.com/x", "http://10.0.0.1/", "x"])
    if name in known:
        return st.sampled_from(known[name]) | st.text(max_size=20)
    return st.text(max_size=40)


def arguments(schema: Schema, known: dict[str, list[str]]) -> st.SearchStrategy[dict[str, Any]]:
    """Some of the schema's fields, mostly plausible (so that calls get past validation, where
    combinations matter), else hostile, and now and then an unknown one."""
    drawn = {}
    for name, field in schema.fields.items():
        key = field.data_key or name
        value = plausible(field, known, name)
        drawn[key] = st.one_of(value, value, value, st.just(_ABSENT), ANY_JSON, HOSTILE_TEXT)
    extra = st.dictionaries(st.text(max_size=10) | HOSTILE_TEXT, ANY_JSON, max_size=2)
    return st.builds(lambda values, more: {**more, **{k: v for k, v in values.items() if v is not _ABSENT}},
                     st.fixed_dictionaries(drawn), extra)


_ABSENT = object()


def as_text(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value)


def as_bytes(text: str) -> bytes:
    """UTF-8, lone surrogates included (as a client's broken encoder would send them)."""
    return text.encode("utf-8", "surrogatepass")


def send(client, path: str, verbs: frozenset[str], args: dict[str, Any], form: str, headers: dict[str, str]):
    """One call in the chosen form; the form falls back to one the method's verbs accept."""
    if form == "json" and "POST" in verbs:
        body = json.dumps(args, ensure_ascii=True)  # lone surrogates travel as JSON escapes
        return client.post(path, content=body, headers={**headers, "Content-Type": "application/json"})
    pairs = []
    for key, value in args.items():
        values = value if isinstance(value, list) and value and form == "repeated" else [value]
        pairs += [(as_bytes(key), as_bytes(as_text(item))) for item in values]
    if "POST" in verbs and form == "form":
        return client.post(path, content=urlencode(pairs), headers={
            **headers, "Content-Type": "application/x-www-form-urlencoded"})
    query = urlencode(pairs)
    verb = "GET" if "GET" in verbs else sorted(verbs)[0]
    return client.request(verb, f"{path}?{query}", headers=headers)


@pytest.fixture
def known(client, workspace) -> dict[str, list[str]]:
    """Rows for arguments to find: a product, a code and its batch, a serial, a webhook."""
    headers = key_headers(workspace)
    code = issue_code(client, headers, batch="B1", name="Fuzzed")
    client.post("/api/method/doctypes.serial_number.api.add_serial_numbers", headers=headers,
                json={"serial_numbers": [{"serial_number": "SN-1", "product_id": "PRD-00001"}]})
    webhook = client.post("/api/method/doctypes.webhook.api.create_webhook", headers=headers,
                          json={"url": "http://127.0.0.1:9/hook", "events": ["*"]}).json()["message"]["id"]
    return {"product_id": ["PRD-00001"], "code": [code], "batch": ["B1"], "batch_name": ["B1", "B2"],
            "serial_number": ["SN-1"], "webhook_id": [webhook], "status": ["failed", "active", "void"],
            "format": ["png", "svg"], "events": ["Code Created", "*"]}


@pytest.mark.parametrize("path", _method_paths())
def test_no_input_is_a_server_error(client, workspace, known, rt, path):
    spec = rt.registry.method(path)
    credentials = st.sampled_from([key_headers(workspace), key_headers(workspace, "sandbox"), {},
                                   {"Authorization": "token tq_live_made_up:nope"}])

    @hypothesis_settings(max_examples=EXAMPLES, deadline=None, derandomize=not RANDOM, database=None,
                         suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(args=arguments(spec.schema, known), form=st.sampled_from(["json", "query", "repeated", "form"]),
           headers=credentials)
    def call(args: dict[str, Any], form: str, headers: dict[str, str]) -> None:
        response = send(client, f"/api/method/{path}", spec.methods, args, form, headers)
        assert response.status_code < 500, (path, form, args, response.text[:500])
        if response.status_code >= 400:
            assert response.json()["error_code"]

    call()
