"""Receipt uploads: signed URL, PUT, the file served back; expired, tampered, oversized, wrong type."""

from __future__ import annotations

import time

import pytest

from tests.support.helpers import key_headers

URL = "/api/method/doctypes.upload.api.get_upload_url"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 100


@pytest.fixture
def headers(workspace):
    return key_headers(workspace)


def signed(client, headers, **args):
    body = {"file_name": "receipt.png", "file_type": "image/png", "file_size": len(PNG), **args}
    return client.get(URL, params=body, headers=headers).json()["message"]


def path_of(url: str) -> str:
    return url.removeprefix("http://testserver")


def test_upload_then_read_back(client, headers):
    grant = signed(client, headers)
    put = client.put(path_of(grant["signedRequest"]), content=PNG, headers={"Content-Type": "image/png"})
    assert put.status_code == 200 and put.json()["message"]["size"] == len(PNG)
    file = client.get(path_of(grant["url"]))
    assert file.status_code == 200 and file.content == PNG and file.headers["content-type"] == "image/png"
    assert file.headers["x-content-type-options"] == "nosniff"
    again = client.put(path_of(grant["signedRequest"]), content=PNG, headers={"Content-Type": "image/png"})
    assert again.status_code == 409


def test_the_url_can_be_a_registration_receipt(client, headers):
    grant = signed(client, headers)
    client.put(path_of(grant["signedRequest"]), content=PNG, headers={"Content-Type": "image/png"})
    response = client.post("/api/method/doctypes.registration.api.add_registrations", headers=headers,
                           json={"registrations": [{"email": "a@example.com", "name": "A", "receipt_url": grant["url"]}]})
    assert response.json()["message"]["registrations"][0]["receipt_url"] == grant["url"]


def test_wrong_type_and_oversized_bodies_are_refused(client, headers):
    grant = signed(client, headers, file_size=50)
    wrong_type = client.put(path_of(grant["signedRequest"]), content=PNG[:10], headers={"Content-Type": "image/jpeg"})
    assert wrong_type.status_code == 417
    too_big = client.put(path_of(grant["signedRequest"]), content=PNG, headers={"Content-Type": "image/png"})
    assert too_big.status_code == 413  # refused before reading: the URL allows 50 bytes
    empty = client.put(path_of(grant["signedRequest"]), content=b"", headers={"Content-Type": "image/png"})
    assert empty.status_code == 417


def test_tampered_and_expired_urls_are_refused(client, headers, monkeypatch):
    grant = signed(client, headers)
    prefix, token = grant["signedRequest"].rsplit("/", 1)
    tampered = token[:-2] + ("AA" if token[-2:] != "AA" else "BB")
    assert client.put(path_of(f"{prefix}/{tampered}"), content=PNG,
                      headers={"Content-Type": "image/png"}).status_code == 403
    real_time = time.time
    monkeypatch.setattr(time, "time", lambda: real_time() + 601)  # itsdangerous reads the clock here
    expired = client.put(path_of(grant["signedRequest"]), content=PNG, headers={"Content-Type": "image/png"})
    assert expired.status_code == 403


def test_bodies_past_the_server_limit_are_413(make_app, settings, make_workspace):
    from starlette.testclient import TestClient

    app = make_app(settings.with_changes(max_upload_bytes=64))
    keys = make_workspace("limited")  # after make_app: a new app starts from empty tables
    with TestClient(app) as client:
        grant = signed(client, key_headers(keys))
        response = client.put(path_of(grant["signedRequest"]), content=PNG, headers={"Content-Type": "image/png"})
    assert response.status_code == 413 and response.json()["error_code"] == "too_large"


@pytest.mark.parametrize(
    "args,field",
    [({"file_type": "text/html"}, "file_type"), ({"file_size": 10 * 1024 * 1024 + 1}, "file_size"),
     ({"file_size": 0}, "file_size"), ({"file_name": "../etc/passwd"}, "file_name"), ({"file_name": ""}, "file_name")],
)
def test_get_upload_url_bad_inputs(client, headers, args, field):
    body = {"file_name": "r.png", "file_type": "image/png", "file_size": 10, **args}
    response = client.get(URL, params=body, headers=headers)
    assert response.status_code == 417 and field in response.json()["field_errors"]


def test_needs_a_key_and_unknown_files_are_404(client):
    assert client.get(URL, params={"file_name": "r.png", "file_type": "image/png", "file_size": 1}).status_code == 403
    assert client.get("/files/00000000000000000000000000000000/r.png").status_code == 404


def test_uploads_belong_to_the_callers_environment(client, workspace):
    from doctypes.upload.model import Upload

    grant = signed(client, key_headers(workspace, "sandbox"))
    client.put(path_of(grant["signedRequest"]), content=PNG, headers={"Content-Type": "image/png"})
    assert Upload.get().is_sandbox is True
