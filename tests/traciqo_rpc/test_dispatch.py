"""The dispatcher: resolve, verbs, arguments, wrapping, error bodies, request ids."""

from __future__ import annotations

import json
import sys

from tests.support.helpers import key_headers

ECHO = "/api/method/tests.support.methods.echo"


def test_ping_is_guest_and_wrapped(client):
    response = client.get("/api/method/traciqo_rpc.api.ping")
    assert response.status_code == 200
    assert response.json() == {"message": "pong"}
    assert response.headers["x-request-id"]


def test_unknown_path_is_404_and_imports_nothing(client):
    assert "antigravity" not in sys.modules
    for path in ("os.system", "antigravity.fly", "traciqo_rpc.api.nope", "hooks.doctypes"):
        response = client.post(f"/api/method/{path}")
        assert response.status_code == 404, path
        body = response.json()
        assert body["exc_type"] == "MethodNotFound"
        assert body["error_code"] == "no_content"
    assert "antigravity" not in sys.modules


def test_error_body_has_frappe_keys(client):
    body = client.get("/api/method/os.system").json()
    assert set(body) == {"exc_type", "exception", "error_code", "_server_messages", "exc"}
    messages = [json.loads(m) for m in json.loads(body["_server_messages"])]
    assert messages == [{"message": body["exception"]}]
    assert json.loads(body["exc"]) == [f"MethodNotFound: {body['exception']}"]


def test_a_trailing_slash_names_the_same_method(client):
    """Frappe accepts /api/method/<path>/ (one Python client always sends it)."""
    assert client.get("/api/method/traciqo_rpc.api.ping/").json() == {"message": "pong"}
    assert client.get("/api/method/traciqo_rpc.api.ping//").status_code == 404


def test_wrong_verb_is_405_with_allow(client):
    response = client.get("/api/method/tests.support.methods.boom")
    assert response.status_code == 405
    assert response.headers["allow"] == "POST"
    assert response.json()["error_code"] == "method_not_allowed"


def test_query_string_arguments(client):
    response = client.get(ECHO, params={"name": "a", "count": "3", "tags": '["x","y"]', "options": '{"k": 1}'})
    assert response.json()["message"] == {"name": "a", "count": 3, "tags": ["x", "y"], "options": {"k": 1}}


def test_repeated_query_keys_make_a_list(client):
    response = client.get(ECHO + "?name=a&tags=x&tags=y")
    assert response.json()["message"]["tags"] == ["x", "y"]


def test_form_body_with_json_encoded_list(client):
    response = client.post(ECHO, data={"name": "a", "tags": '["x"]', "options": '{"k": "v"}'})
    assert response.json()["message"] == {"name": "a", "count": 1, "tags": ["x"], "options": {"k": "v"}}


def test_multipart_form_body(client):
    response = client.post(ECHO, data={"name": "m"}, files={"unused": ("f.txt", b"x")})
    # The file is an unknown argument of echo: refused, not ignored.
    assert response.status_code == 417
    assert "unused" in response.json()["field_errors"]


def test_body_wins_over_query_string(client):
    response = client.post(ECHO + "?name=query&count=2", json={"name": "body"})
    assert response.json()["message"]["name"] == "body"
    assert response.json()["message"]["count"] == 2


def test_schema_errors_are_417_with_field_messages(client):
    response = client.post(ECHO, json={"count": 99, "surprise": 1})
    assert response.status_code == 417
    body = response.json()
    assert body["exc_type"] == "ValidationError"
    assert body["error_code"] == "validation_error"
    assert set(body["field_errors"]) == {"name", "count", "surprise"}
    assert body["field_errors"]["surprise"] == ["Unknown field."]


def test_wrong_types_are_417(client):
    response = client.post(ECHO, json={"name": ["not", "a", "string"], "tags": "x", "options": [1]})
    assert response.status_code == 417
    assert {"name", "tags", "options"} <= set(response.json()["field_errors"])


def test_method_without_schema_refuses_arguments(client):
    response = client.get("/api/method/traciqo_rpc.api.ping?x=1")
    assert response.status_code == 417


def test_malformed_json_is_400(client):
    response = client.post(ECHO, content=b"{nope", headers={"Content-Type": "application/json"})
    assert response.status_code == 400
    assert response.json()["error_code"] == "invalid_request"


def test_json_array_body_is_400(client):
    response = client.post(ECHO, json=[1, 2])
    assert response.status_code == 400


def test_unsupported_content_type_is_400(client):
    response = client.post(ECHO, content=b"name=a", headers={"Content-Type": "text/plain"})
    assert response.status_code == 400


def test_unexpected_error_is_500_without_traceback(client):
    response = client.post("/api/method/tests.support.methods.boom")
    assert response.status_code == 500
    body = response.json()
    assert body["error_code"] == "internal"
    assert "secret internals" not in response.text and "Traceback" not in body["exc"]
    assert json.loads(body["exc"]) == [f"TraciqoError: {body['exception']}"]
    assert response.headers["x-request-id"] in body["exception"]


def test_developer_mode_shows_traceback(make_app, settings):
    from starlette.testclient import TestClient

    app = make_app(settings.with_changes(developer_mode=True))
    with TestClient(app, raise_server_exceptions=False) as client:
        body = client.post("/api/method/tests.support.methods.boom").json()
    assert "secret internals" in json.loads(body["exc"])[0]


def test_request_id_is_echoed_when_sane(client):
    assert client.get("/api/method/traciqo_rpc.api.ping", headers={"X-Request-Id": "abc-123"}).headers[
        "x-request-id"
    ] == "abc-123"
    assert client.get("/api/method/traciqo_rpc.api.ping", headers={"X-Request-Id": "bad id\n"}).headers[
        "x-request-id"
    ] != "bad id\n"


def test_unknown_route_is_json_404(client):
    response = client.get("/nothing/here")
    assert response.status_code == 404
    assert response.json()["error_code"] == "no_content"
    assert response.headers["x-request-id"]


def test_authenticated_response_carries_rate_limit_headers(client, workspace):
    response = client.get("/api/method/traciqo_rpc.api.whoami", headers=key_headers(workspace))
    assert response.status_code == 200
    assert int(response.headers["x-ratelimit-limit"]) == 300
    assert int(response.headers["x-ratelimit-remaining"]) == 299
