"""Registrations and forms (ProductCares): extra fields by form, warranties started, tenancy."""

from __future__ import annotations

import pytest

from doctypes.warranty.model import Warranty
from tests.support.helpers import key_headers

API = "/api/method/doctypes.registration.api."
JANE = {"email": "jane@example.com", "name": "Jane Buyer"}
FORM = {"slug": "bike-registration", "title": "Bike registration", "fields": [
    {"name": "frame_size", "type": "select", "options": ["S", "M", "L"], "required": True},
    {"name": "bought_at", "type": "text"}, {"name": "newsletter", "type": "boolean"},
]}


@pytest.fixture
def headers(client, workspace):
    headers = key_headers(workspace)
    client.post("/api/method/doctypes.serial_number.api.add_serial_numbers", headers=headers,
                json={"serial_numbers": [{"serial_number": "SN-1"}, {"serial_number": "SN-2"}]})
    return headers


def register(client, headers, *entries):
    return client.post(API + "add_registrations", json={"registrations": list(entries)}, headers=headers)


def test_default_form_and_warranty(client, headers):
    response = register(client, headers, {**JANE, "serial_number": "SN-1", "purchase_date": "2026-02-01"},
                        {**JANE, "phone": "+1 555"})
    assert response.status_code == 200
    first, second = response.json()["message"]["registrations"]
    assert first["type"] == "product-registration" and first["warranty_id"]
    assert Warranty.get_by_id(first["warranty_id"]).starts_on.isoformat() == "2026-02-01"
    assert second["warranty_id"] is None and second["phone"] == "+1 555"
    listed = client.get(API + "get_registrations", params={"email": "JANE@example.com"}, headers=headers)
    assert {r["id"] for r in listed.json()["message"]} == {first["id"], second["id"]}


def test_custom_form_extra_fields(client, headers):
    assert client.post(API + "create_registration_form", json=FORM, headers=headers).status_code == 200
    assert client.post(API + "create_registration_form", json=FORM, headers=headers).status_code == 409
    ok = register(client, headers, {**JANE, "type": "bike-registration", "frame_size": "M", "newsletter": True})
    registration = ok.json()["message"]["registrations"][0]
    assert registration["fields"] == {"frame_size": "M", "newsletter": True}
    by_form = client.get(API + "get_registrations", params={"email": JANE["email"], "form_slug": "bike-registration"},
                         headers=headers).json()["message"]
    assert [r["id"] for r in by_form] == [registration["id"]]
    forms = client.get(API + "list_registration_forms", headers=headers).json()["message"]
    assert [f["slug"] for f in forms] == ["bike-registration"]


@pytest.mark.parametrize(
    "entry,problem",
    [({"frame_size": "XL"}, "frame_size"), ({}, "frame_size"), ({"frame_size": "M", "colour": "red"}, "colour"),
     ({"frame_size": "M", "newsletter": "yes"}, "newsletter")],
)
def test_extra_fields_are_checked(client, headers, entry, problem):
    client.post(API + "create_registration_form", json=FORM, headers=headers)
    response = register(client, headers, {**JANE, "type": "bike-registration", **entry})
    assert response.status_code == 417
    assert problem in response.json()["field_errors"]["registrations"]["0"]


def test_unknown_extra_field_on_the_default_form(client, headers):
    response = register(client, headers, {**JANE, "colour": "red"})
    assert response.status_code == 417 and "colour" in response.json()["field_errors"]["registrations"]["0"]


def test_all_or_nothing(client, headers):
    response = register(client, headers, {**JANE, "serial_number": "SN-1"}, {**JANE, "type": "no-such-form"})
    assert response.status_code == 417
    assert client.get(API + "get_registrations", params={"email": JANE["email"]}, headers=headers).json()["message"] == []
    assert Warranty.select().count() == 0


def test_a_failed_warranty_rolls_the_call_back(client, headers):
    register(client, headers, {**JANE, "serial_number": "SN-1"})
    again = register(client, headers, {**JANE, "serial_number": "SN-2"}, {**JANE, "serial_number": "SN-1"})
    assert again.status_code == 409
    assert Warranty.select().count() == 1  # SN-2's warranty was rolled back with the call


@pytest.mark.parametrize(
    "body,field",
    [({}, "registrations"), ({"registrations": []}, "registrations"),
     ({"registrations": [{"name": "A"}]}, "registrations"), ({"registrations": [{**JANE, "email": "x"}]}, "registrations"),
     ({"registrations": [{**JANE, "purchase_date": "tomorrow"}]}, "registrations"),
     ({"registrations": [{**JANE, "receipt_url": "not a url"}]}, "registrations")],
)
def test_add_bad_inputs(client, headers, body, field):
    response = client.post(API + "add_registrations", json=body, headers=headers)
    assert response.status_code == 417 and field in response.json()["field_errors"]


@pytest.mark.parametrize(
    "form,field",
    [({**FORM, "slug": "Bad Slug"}, "slug"), ({**FORM, "fields": [{"name": "x", "type": "color"}]}, "fields"),
     ({**FORM, "fields": [{"name": "x", "type": "select"}]}, "fields"),
     ({**FORM, "fields": [{"name": "email", "type": "text"}]}, "fields"), ({"slug": "a"}, "title")],
)
def test_form_bad_inputs(client, headers, form, field):
    response = client.post(API + "create_registration_form", json=form, headers=headers)
    assert response.status_code == 417 and field in response.json()["field_errors"]


def test_update_and_delete(client, headers):
    client.post(API + "create_registration_form", json=FORM, headers=headers)
    registration = register(client, headers, {**JANE, "type": "bike-registration", "frame_size": "S"}).json()
    registration_id = registration["message"]["registrations"][0]["id"]
    updated = client.post(API + "update_registration", headers=headers,
                          json={"registration_id": registration_id, "fields": {"frame_size": "L"}, "phone": "+44"})
    assert updated.json()["message"]["fields"] == {"frame_size": "L"} and updated.json()["message"]["phone"] == "+44"
    bad = client.post(API + "update_registration", headers=headers,
                      json={"registration_id": registration_id, "fields": {"wheels": 3}})
    assert bad.status_code == 417
    assert client.post(API + "update_registration", json={"registration_id": "nope"}, headers=headers).status_code == 404
    assert client.delete(API + "delete_registration", params={"registration_id": registration_id},
                         headers=headers).json()["message"] == {"deleted": registration_id}
    assert client.post(API + "delete_registration", json={"registration_id": registration_id},
                       headers=headers).status_code == 404


def test_get_registrations_needs_an_email(client, headers):
    assert client.get(API + "get_registrations", headers=headers).status_code == 417
    assert client.get(API + "get_registrations", params={"email": "x", "limit": 5}, headers=headers).status_code == 417


def test_tenancy_and_sandbox(client, headers, workspace, make_workspace):
    registration_id = register(client, headers, JANE).json()["message"]["registrations"][0]["id"]
    for other in (key_headers(workspace, "sandbox"), key_headers(make_workspace("other"))):
        assert client.get(API + "get_registrations", params={"email": JANE["email"]}, headers=other).json()["message"] == []
        assert client.post(API + "delete_registration", json={"registration_id": registration_id},
                           headers=other).status_code == 404


def test_forms_are_per_workspace_and_environment(client, headers, workspace, make_workspace):
    client.post(API + "create_registration_form", json=FORM, headers=headers)
    for other in (key_headers(workspace, "sandbox"), key_headers(make_workspace("other"))):
        assert client.get(API + "list_registration_forms", headers=other).json()["message"] == []
        refused = register(client, other, {**JANE, "type": "bike-registration", "frame_size": "M"})
        assert refused.status_code == 417  # the form does not exist there
        assert client.post(API + "create_registration_form", json=FORM, headers=other).status_code == 200
