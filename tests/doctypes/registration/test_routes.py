"""ProductCares' API (seeds/001) as its documentation tells integrators to call it."""

from __future__ import annotations

import pytest

from tests.support.helpers import key_headers


@pytest.fixture
def bearer(workspace):
    return {"Authorization": f"Bearer {workspace['live']['api_key']}:{workspace['live']['api_secret']}"}


@pytest.fixture
def token(workspace):
    return f"{workspace['live']['api_key']}:{workspace['live']['api_secret']}"


def test_register_modify_list_and_delete(client, bearer):
    added = client.post("/api/registrations", headers=bearer, json={"registrations": [
        {"email": "tom@example.com", "firstName": "Tom", "lastName": "Smith", "phone": "+1 555",
         "purchaseDate": "2026-11-01", "receiptUrl": "https://example.com/r.png"},
        {"email": "tom@example.com", "name": "Tom S."},
    ]})
    assert added.status_code == 200, added.text
    first, second = added.json()["registrations"]
    assert first["name"] == "Tom Smith" and first["purchaseDate"] == "2026-11-01"
    assert first["receiptUrl"] == "https://example.com/r.png" and "createdAt" in first and second["name"] == "Tom S."
    changed = client.put(f"/api/registrations/{first['id']}", headers=bearer, json={"fields": {}, "phone": "+1 666"})
    assert changed.status_code == 200 and changed.json()["phone"] == "+1 666"
    listed = client.get("/api/registrations", headers=bearer, params={"email": "tom@example.com", "limit": 1})
    assert listed.status_code == 200 and len(listed.json()) == 1
    by_form = client.get("/api/registrations", headers=bearer,
                         params={"email": "tom@example.com", "formSlug": "product-registration"})
    assert len(by_form.json()) == 2
    assert client.delete(f"/api/registrations/{first['id']}", headers=bearer).status_code == 200
    assert client.delete(f"/api/registrations/{first['id']}", headers=bearer).status_code == 404


def test_custom_form_extra_fields_keep_their_names(client, bearer):
    form = {"slug": "bike", "title": "Bike", "fields": [{"name": "frame_size", "type": "text", "required": True}]}
    client.post("/api/method/doctypes.registration.api.create_registration_form", headers=bearer, json=form)
    added = client.post("/api/registrations", headers=bearer, json={"registrations": [
        {"email": "a@example.com", "firstName": "Ann", "type": "bike", "frame_size": "M"}]})
    assert added.json()["registrations"][0]["fields"] == {"frame_size": "M"}
    missing = client.post("/api/registrations", headers=bearer, json={"registrations": [
        {"email": "a@example.com", "firstName": "Ann", "type": "bike"}]})
    assert missing.status_code == 417


def test_the_access_token_may_come_in_the_body(client, token):
    body = {"accessToken": token, "registrations": [{"email": "b@example.com", "firstName": "Bo"}]}
    assert client.post("/api/registrations", json=body).status_code == 200
    assert client.post("/api/registrations", json={**body, "accessToken": "tq_live_x:y"}).status_code == 401
    assert client.post("/api/registrations", json={**body, "accessToken": 5}).status_code == 401
    assert client.post("/api/registrations", json={"registrations": body["registrations"]}).status_code == 403


def test_serial_numbers(client, bearer, workspace):
    client.post("/api/method/doctypes.product.api.upsert_product", headers=bearer, json={"name": "Drill"})
    added = client.post("/api/serial_numbers", headers=bearer, json={
        "serialNumbers": ["SN-1", {"serialNumber": "SN-2", "productId": "PRD-00001"}], "customerTags": "vip, retail"})
    assert added.status_code == 200, added.text
    assert added.json()["added"] == 2
    one = client.get("/api/serial_numbers/SN-2", headers=bearer)
    assert one.status_code == 200 and one.json()["serialNumber"] == "SN-2"
    assert one.json()["customerTags"] == ["vip", "retail"]
    assert client.get("/api/serial_numbers/SN-9", headers=bearer).status_code == 204
    random = client.get("/api/serial_number", headers=bearer)
    assert random.status_code == 200 and random.json()["serialNumber"] in ("SN-1", "SN-2")
    for serial in ("SN-1", "SN-2"):
        client.post("/api/method/doctypes.warranty.api.activate_warranty", headers=bearer, json={
            "serial_number": serial, "customer_name": "Ann", "customer_email": "ann@example.com"})
    none_left = client.get("/api/serial_number", headers=bearer)
    assert none_left.status_code == 204 and none_left.content == b""


def test_upload_url_at_both_spellings(client, bearer):
    params = {"fileName": "receipt.png", "fileType": "image/png", "fileSize": "123"}
    for path in ("/api/upload_file", "/api/upload_fiile"):
        answer = client.get(path, headers=bearer, params=params)
        assert answer.status_code == 200 and set(answer.json()) >= {"signedRequest", "url"}
    assert client.get("/api/upload_file", headers=bearer, params={**params, "fileType": "text/html"}).status_code == 417


@pytest.mark.parametrize("path,body,field", [
    ("/api/registrations", {}, "registrations"),
    ("/api/registrations", {"registrations": "tom"}, "registrations"),
    ("/api/registrations", {"registrations": [{"firstName": "Tom"}]}, "registrations"),
    ("/api/serial_numbers", {}, "serial_numbers"),
    ("/api/serial_numbers", {"serialNumbers": "SN-1"}, "serial_numbers"),
    ("/api/serial_numbers", {"serialNumbers": [5]}, "serial_numbers"),
    ("/api/serial_numbers", {"serialNumbers": ["SN-1"], "surprise": 1}, "surprise"),
])
def test_bad_inputs(client, bearer, path, body, field):
    response = client.post(path, headers=bearer, json=body)
    assert response.status_code == 417, response.text
    assert field in response.json()["field_errors"]


def test_bad_lookups_and_verbs(client, bearer):
    assert client.get("/api/registrations", headers=bearer).status_code == 417  # the email is required
    assert client.put("/api/registrations/nope", headers=bearer, json={"fields": {}}).status_code == 404
    assert client.patch("/api/registrations/nope", headers=bearer).status_code == 405
    assert client.post("/api/serial_number", headers=bearer).status_code == 405


def test_sandbox_and_other_workspaces_see_nothing(client, make_workspace):
    first, second = make_workspace("first"), make_workspace("second")
    live = {"Authorization": f"Bearer {first['live']['api_key']}:{first['live']['api_secret']}"}
    client.post("/api/serial_numbers", headers=live, json={"serialNumbers": ["SN-1"]})
    added = client.post("/api/registrations", headers=live, json={"registrations": [
        {"email": "t@example.com", "name": "T"}]}).json()["registrations"][0]
    for other in (key_headers(second), key_headers(first, "sandbox")):
        assert client.get("/api/serial_numbers/SN-1", headers=other).status_code == 204
        assert client.get("/api/serial_number", headers=other).status_code == 204
        assert client.get("/api/registrations", headers=other, params={"email": "t@example.com"}).json() == []
        assert client.delete(f"/api/registrations/{added['id']}", headers=other).status_code == 404
