"""What an attacker or an unlucky client sends: deep JSON, text no database stores, huge numbers,
file names that break headers, bodies past the limits, repeated credential headers."""

from __future__ import annotations

import json
from email.message import Message
from urllib.parse import unquote

import pytest

from tests.support.helpers import key_headers
from traciqo_rpc.untrusted import MAX_JSON_DEPTH

PING = "/api/method/traciqo_rpc.api.ping"
ECHO = "/api/method/tests.support.methods.echo"
WHOAMI = "/api/method/traciqo_rpc.api.whoami"
PRODUCTS = "/api/method/doctypes.product.api."
DEEP = "[" * 10_000 + "]" * 10_000


def nested(depth: int) -> str:
    return '{"a":' * depth + "1" + "}" * depth


# -- JSON nesting -------------------------------------------------------------------------------

@pytest.mark.parametrize("path", [PING, ECHO, PRODUCTS + "upsert_product"])
def test_deeply_nested_body_is_400(client, workspace, path):
    response = client.post(path, content=DEEP, headers={"Content-Type": "application/json", **key_headers(workspace)})
    assert response.status_code == 400, response.text
    assert response.json()["error_code"] == "invalid_request"


def test_deeply_nested_guest_body_is_400(client):
    response = client.post(PING, content=DEEP, headers={"Content-Type": "application/json"})
    assert response.status_code == 400 and response.json()["error_code"] == "invalid_request"


def test_an_argument_may_nest_up_to_the_limit(client):
    ok = client.post(ECHO, content=f'{{"name": "a", "options": {nested(MAX_JSON_DEPTH)}}}',
                     headers={"Content-Type": "application/json"})
    assert ok.status_code == 200, ok.text
    for deeper in (nested(MAX_JSON_DEPTH + 1), nested(500)):  # one past it; within the parser's reach
        response = client.post(ECHO, content=f'{{"name": "a", "options": {deeper}}}',
                               headers={"Content-Type": "application/json"})
        assert response.status_code == 400 and response.json()["error_code"] == "invalid_request"


def test_brackets_inside_strings_do_not_count(client):
    name = "[{" * 10
    response = client.post(ECHO, json={"name": name, "tags": ["]" * 40, "[" * 40]})
    assert response.status_code == 200 and response.json()["message"]["tags"] == ["]" * 40, "[" * 40]


def test_deep_json_in_a_query_or_form_value_is_400(client):
    assert client.get(ECHO, params={"name": "a", "tags": DEEP}).status_code == 400
    assert client.post(ECHO, data={"name": "a", "options": DEEP}).status_code == 400


def test_an_unterminated_string_is_not_quadratic(client):
    import time

    body = '{"name": "a", "tags": [' + '"\\' * 30_000 + "[" * 40
    started = time.perf_counter()
    response = client.post(ECHO, content=body, headers={"Content-Type": "application/json"})
    assert response.status_code == 400 and time.perf_counter() - started < 2


def test_nan_and_infinity_are_not_json(client):
    response = client.post(ECHO, content=b'{"name": "a", "options": {"x": NaN}}',
                           headers={"Content-Type": "application/json"})
    assert response.status_code == 400


# -- Text a database cannot store ------------------------------------------------------------------

@pytest.mark.parametrize("text, problem", [("\ud800x", "surrogate"), ("a\x00b", "NUL")])
def test_unstorable_text_is_417_naming_the_field(client, workspace, text, problem):
    body = json.dumps({"name": text})  # ASCII escapes: the surrogate travels as \ud800
    response = client.post(PRODUCTS + "upsert_product", content=body,
                           headers={"Content-Type": "application/json", **key_headers(workspace)})
    assert response.status_code == 417, response.text
    assert problem in response.json()["field_errors"]["name"][0]


def test_unstorable_text_anywhere_in_the_arguments(client, workspace):
    headers = {"Content-Type": "application/json", **key_headers(workspace)}
    nested_serial = json.dumps({"serial_numbers": [{"serial_number": "ok"}, {"serial_number": "x\x00"}]})
    response = client.post("/api/method/doctypes.serial_number.api.add_serial_numbers", content=nested_serial,
                           headers=headers)
    assert response.status_code == 417
    assert response.json()["field_errors"] == {"serial_numbers": {"1": {"serial_number": [
        "Must not contain a NUL character."]}}}
    bad_key = client.post(ECHO, content=json.dumps({"name": "a", "\ud800": 1}), headers=headers)
    assert bad_key.status_code == 417 and "\\ud800" in bad_key.json()["field_errors"]


def test_nul_in_query_string_and_form_is_417(client, workspace):
    headers = key_headers(workspace)
    assert client.get(PRODUCTS + "list_products?name=a%00b", headers=headers).status_code == 417
    assert client.post(PRODUCTS + "upsert_product", data={"name": "a\x00b"}, headers=headers).status_code == 417


def test_nul_in_a_page_or_route_path_is_refused(client):
    page = client.get("/v/AB%00CD")
    assert page.status_code == 417 and "NUL" in page.text
    assert client.get("/files/abc%00/r.png").status_code == 417


# -- Numbers -------------------------------------------------------------------------------------

@pytest.mark.parametrize("value", ["9223372036854775808", "-1", "1" * 5000, "1e400"])
def test_out_of_range_offsets_are_417(client, workspace, value):
    response = client.get(PRODUCTS + "list_products", params={"offset": value}, headers=key_headers(workspace))
    assert response.status_code == 417 and "offset" in response.json()["field_errors"]


def test_every_number_argument_is_bounded(rt):
    """Each integer (and number) argument of every method has a Range with both ends, inside
    what both databases store."""
    from marshmallow import fields, validate

    def schemas(schema, path):
        for name, field in schema.fields.items():
            inner = field.inner if isinstance(field, fields.List) else field
            if isinstance(inner, fields.Nested):
                yield from schemas(inner.schema, f"{path}.{name}")
            elif isinstance(inner, fields.Number):
                yield f"{path}.{name}", inner

    unbounded = []
    for method, spec in rt.registry.methods.items():
        for where, field in schemas(spec.schema, method):
            ranges = [v for v in field.validators if isinstance(v, validate.Range)]
            if not any(r.min is not None and r.max is not None and -(2**63) <= r.min and r.max < 2**63 for r in ranges):
                unbounded.append(where)
    assert unbounded == []


# -- File names in headers -------------------------------------------------------------------------

@pytest.mark.parametrize("batch", ['Été 2026', 'a"; filename=evil.exe', "日本の箱", "back\\slash/and/slash"])
def test_export_file_names_are_safe_headers(client, workspace, batch):
    headers = key_headers(workspace)
    created = client.post("/api/method/doctypes.auth_code.api.create_code", json={"batch_name": batch}, headers=headers)
    assert created.status_code == 200, created.text
    response = client.get("/api/method/doctypes.auth_code.api.export_batch", params={"batch": batch}, headers=headers)
    assert response.status_code == 200, response.text
    disposition = response.headers["content-disposition"]
    assert disposition.isascii() and "evil.exe\"" not in disposition
    parsed = Message()
    parsed["content-disposition"] = disposition
    params = dict(parsed.get_params(header="content-disposition"))
    assert set(params) <= {"attachment", "filename", "filename*"}
    assert "/" not in params["filename"] and "\\" not in params["filename"]
    if "filename*" in params:
        assert params["filename*"].startswith("UTF-8''")
        assert unquote(params["filename*"][len("UTF-8''"):]).endswith(".csv")


def test_batch_names_with_nul_never_reach_a_header(client, workspace):
    response = client.get("/api/method/doctypes.auth_code.api.export_batch", params={"batch": "a\x00b"},
                          headers=key_headers(workspace))
    assert response.status_code == 417


# -- Body size -------------------------------------------------------------------------------------

def test_guest_bodies_stop_at_64_kb(client):
    response = client.post(PING, content=b"{" + b" " * (64 * 1024) + b"}", headers={"Content-Type": "application/json"})
    assert response.status_code == 413 and response.json()["error_code"] == "too_large"
    assert response.headers["connection"] == "close"


def test_a_declared_length_past_the_limit_is_refused_unread(client):
    response = client.post(PING, content=b"{}", headers={"Content-Type": "application/json",
                                                           "Content-Length": str(10**9)})
    assert response.status_code in (400, 413)  # the test client may refuse the mismatch itself


def test_streamed_bodies_are_counted(client):
    def chunks():
        for _ in range(100):
            yield b" " * 1024

    response = client.post(PING, content=chunks(), headers={"Content-Type": "application/json"})
    assert response.status_code == 413


def test_key_holders_may_send_up_to_a_megabyte(client, workspace):
    headers = {"Content-Type": "application/json", **key_headers(workspace)}
    padding = " " * (900 * 1024)
    assert client.post(WHOAMI, content=f"{{{padding}}}", headers=headers).status_code == 200
    too_big = client.post(WHOAMI, content="{" + " " * (1024 * 1024) + "}", headers=headers)
    assert too_big.status_code == 413


def test_made_up_keys_get_no_large_body_read(client):
    headers = {"Content-Type": "application/json", "X-Traciqo-API-Key": "tq_live_made_up",
               "X-Traciqo-API-Secret": "nope"}
    response = client.post(WHOAMI, content="{" + " " * (500 * 1024) + "}", headers=headers)
    assert response.status_code == 401


def test_a_method_may_take_more(client, workspace):
    serials = [{"serial_number": f"SN-{i:07d}", "customer_tags": "x" * 150} for i in range(10_000)]
    body = json.dumps({"serial_numbers": serials})
    assert len(body) > 1024 * 1024
    response = client.post("/api/method/doctypes.serial_number.api.add_serial_numbers", content=body,
                           headers={"Content-Type": "application/json", **key_headers(workspace)})
    assert response.status_code == 200, response.text[:300]


def test_form_bodies_are_bounded_too(client):
    response = client.post(ECHO, data={"name": "a", "tags": "x" * (70 * 1024)})
    assert response.status_code == 413


# -- Repeated and mixed credential headers ------------------------------------------------------------

def test_repeated_credential_headers_are_400(client, workspace):
    live = workspace["live"]
    valid = f"token {live['api_key']}:{live['api_secret']}"
    cases = [
        [("Authorization", "token garbage:garbage"), ("Authorization", valid)],
        [("X-Traciqo-API-Key", "tq_live_garbage"), ("X-Traciqo-API-Key", live["api_key"]),
         ("X-Traciqo-API-Secret", live["api_secret"])],
        [("X-Traciqo-API-Key", live["api_key"]), ("X-Traciqo-API-Secret", "x"),
         ("X-Traciqo-API-Secret", live["api_secret"])],
        [("Authorization", valid), ("X-Traciqo-Sandbox", "true"), ("X-Traciqo-Sandbox", "false")],
        [("X-API-Key", "garbage:garbage"), ("X-API-KEY", f"{live['api_key']}:{live['api_secret']}")],
    ]
    for headers in cases:
        response = client.get(WHOAMI, headers=headers)
        assert response.status_code == 400, headers
        assert response.json()["error_code"] == "invalid_request"


@pytest.mark.parametrize("first, second", [("headers", "token"), ("x-api-key", "bearer"), ("x-api-key", "headers")])
def test_two_credential_forms_are_400(client, workspace, first, second):
    headers = {**key_headers(workspace, form=first), **key_headers(workspace, form=second)}
    response = client.get(WHOAMI, headers=headers)
    assert response.status_code == 400 and "one form" in response.json()["exception"]


@pytest.mark.parametrize("header", ["X-API-Key", "Authorization"])
@pytest.mark.parametrize("value", ["", "justakey", ":secret", "key:", "Bearer", "\xff:\xfe"])
def test_malformed_one_token_credentials_are_401(client, header, value):
    if header == "Authorization":
        value = f"Bearer {value}"
    response = client.get(WHOAMI, headers={header: value.encode("latin-1")})
    assert response.status_code == 401 and response.json()["error_code"] == "invalid_token"


def test_other_repeated_headers_are_fine(client, workspace):
    headers = [*key_headers(workspace).items(), ("Accept", "text/html"), ("Accept", "application/json")]
    assert client.get(WHOAMI, headers=headers).status_code == 200


def test_invalid_utf8_is_a_client_error(client):
    body = client.post(ECHO, content=b'{"name": "\xff\xfe"}', headers={"Content-Type": "application/json"})
    assert body.status_code == 400
    for response in (client.get(ECHO + "?name=%ff%fe"),
                     client.post(ECHO, content=b"name=%ff%fe", headers={"Content-Type": "application/x-www-form-urlencoded"}),
                     client.post(ECHO, content=b"name=\xff\xfe", headers={"Content-Type": "application/x-www-form-urlencoded"})):
        assert 200 <= response.status_code < 500, response.text
