"""GET /api/openapi.json and /api/docs: every method with its verbs, arguments, answer and
errors; the document is valid OpenAPI 3.1, and real answers are what it says."""

from __future__ import annotations

import datetime as dt
import types
from typing import Any

import pytest
from marshmallow import Schema, fields
from openapi_spec_validator import validate

from tests.support.conformance import check_answer
from tests.support.helpers import key_headers
from traciqo_rpc import openapi, registry, whitelist
from traciqo_rpc.context import RequestContext
from traciqo_rpc.dispatch import PREFIX

KEY_FORMS = [{"apiKey": [], "apiSecret": []}, {"token": []}, {"basic": []}, {"bearer": []}, {"xApiKey": []},
             {"rackoApiKey": [], "rackoSecret": []}]


@pytest.fixture
def document(client) -> dict[str, Any]:
    response = client.get("/api/openapi.json")
    assert response.status_code == 200 and response.headers["content-type"] == "application/json"
    return response.json()


def test_the_document_is_valid_openapi_3_1(document):
    assert document["openapi"] == "3.1.0"
    validate(document)


def test_every_method_and_route_is_there_with_its_verbs(document, rt):
    for path, spec in rt.registry.methods.items():
        operations = document["paths"][PREFIX + path]
        assert set(operations) == {verb.lower() for verb in spec.methods}, path
    routes = rt.rest_router.routes()
    for verb, template, _ in routes:
        assert verb.lower() in document["paths"][template], (verb, template)
    templates = {template for _, template, _ in routes}
    assert "/api/resource/{doctype}/{name}" in templates and "/api/public/v1/products" in templates
    assert len(document["paths"]) == len(rt.registry.methods) + len(templates)


def test_resources_name_their_doctypes_and_answer_under_data(document, rt):
    listing = document["paths"]["/api/resource/{doctype}"]["get"]
    doctype = next(p for p in listing["parameters"] if p.get("name") == "doctype")
    assert doctype == {"in": "path", "name": "doctype", "required": True,
                       "schema": {"type": "string", "enum": sorted(rt.resources)}}
    names = {p["name"] for p in listing["parameters"] if p.get("in") == "query"}
    assert {"fields", "filters", "or_filters", "order_by", "limit_start", "limit_page_length"} <= names
    answer = listing["responses"]["200"]["content"]["application/json"]["schema"]
    assert answer["required"] == ["data"] and answer["properties"]["data"]["type"] == "array"
    assert listing["tags"] == ["Frappe resource"] and "traciqo_rpc.client.get_list" in listing["description"]
    one = document["paths"]["/api/resource/{doctype}/{name}"]
    assert {"get", "put", "delete"} == set(one) and "405" in one["put"]["responses"]
    assert "requestBody" in one["put"] and "requestBody" in document["paths"]["/api/resource/{doctype}"]["post"]
    deleted = one["delete"]["responses"]
    assert "200" not in deleted
    assert deleted["202"]["content"]["application/json"]["schema"]["properties"]["data"]["enum"] == ["ok"]


def test_seed_routes_speak_their_own_dialect(document):
    trakor = document["paths"]["/api/public/v1/products"]["post"]
    assert {"400", "401"} <= set(trakor["responses"]) and "417" not in trakor["responses"]  # Trakor's 400
    assert trakor["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ProductPushed"}  # bare, no envelope
    lookup = document["paths"]["/api/serial_number"]["get"]
    assert "204" in lookup["responses"] and "404" not in lookup["responses"]  # ProductCares' "none"
    assert [p["name"] for p in lookup["parameters"] if p.get("in") == "query"] == ["productId"]
    assert "accessToken" in lookup["description"] and lookup["tags"] == ["ProductCares"]
    serial = document["components"]["schemas"]["ProductCaresSerialInfo"]["properties"]
    assert {"serialNumber", "customerTags", "warranty"} <= set(serial)
    warranty = document["components"]["schemas"]["ProductCaresWarrantyInfo"]["properties"]
    assert "purchaseDate" in warranty and "purchase_date" not in warranty
    update = document["paths"]["/api/registrations/{registration_id}"]["put"]
    assert [p["name"] for p in update["parameters"] if p.get("in") == "path"] == ["registration_id"]
    entry = document["components"]["schemas"]["ProductCaresNewRegistration"]["properties"]
    assert {"firstName", "lastName", "purchaseDate", "receiptUrl"} <= set(entry)
    registration = document["components"]["schemas"]["ProductCaresRegistrationInfo"]["properties"]
    assert "fields" in registration and "warrantyId" in registration  # a form's own fields keep their names


def test_guests_need_no_key_and_the_others_any_form_of_one(document):
    schemes = document["components"]["securitySchemes"]
    assert schemes["apiKey"] == {**schemes["apiKey"], "in": "header", "name": "X-Traciqo-API-Key"}
    assert schemes["token"]["name"] == "Authorization" and "token" in schemes["token"]["description"]
    assert (schemes["basic"]["scheme"], schemes["bearer"]["scheme"], schemes["xApiKey"]["name"]) == (
        "basic", "bearer", "X-API-Key")
    verify = document["paths"][PREFIX + "doctypes.auth_code.api.verify_code"]["get"]
    assert "security" not in verify and "security" not in document
    assert {"401", "403"}.isdisjoint(verify["responses"])
    create = document["paths"][PREFIX + "doctypes.auth_code.api.create_code"]["post"]
    assert create["security"] == KEY_FORMS
    assert {"401", "403"} <= set(create["responses"])


def test_get_arguments_travel_in_the_query_with_their_limits(document):
    get_qr = document["paths"][PREFIX + "doctypes.auth_code.api.get_qr"]["get"]
    parameters = {p["name"]: p for p in get_qr["parameters"] if "name" in p}
    assert parameters["size"]["in"] == "query" and not parameters["size"]["required"]
    assert parameters["size"]["schema"] == {"type": "integer", "default": 300, "minimum": 64, "maximum": 2048}
    assert parameters["format"]["schema"]["enum"] == ["png", "svg"]
    assert parameters["code"]["required"] and parameters["code"]["schema"]["maxLength"] == 64
    assert "requestBody" not in get_qr
    # A query string has no null: an argument that may be None is simply left out.
    unregistered = document["paths"][PREFIX + "doctypes.serial_number.api.get_unregistered_serial_number"]["get"]
    product_id = next(p for p in unregistered["parameters"] if p.get("name") == "product_id")
    assert product_id["schema"] == {"type": "string", "minLength": 1, "maxLength": 64}


def test_post_arguments_travel_as_a_json_body(document):
    create = document["paths"][PREFIX + "doctypes.auth_code.api.create_code"]["post"]
    body = create["requestBody"]
    assert body["required"] is True
    assert body["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/CreateCodeArgs"}
    args = document["components"]["schemas"]["CreateCodeArgs"]
    assert args["properties"]["quantity"] == {"type": "integer", "default": 1, "minimum": 1, "maximum": 100_000}
    assert args["properties"]["batch_name"]["maxLength"] == 140 and args["required"] == ["batch_name"]
    assert args["additionalProperties"] is False  # unknown arguments are refused
    assert "form" in create["description"] or "form" in document["info"]["description"]


def test_every_answer_is_declared_in_its_envelope(document):
    for path, operations in document["paths"].items():
        if not path.startswith(PREFIX):
            continue  # REST routes have their own envelopes (above)
        for verb, operation in operations.items():
            content = operation["responses"]["200"]["content"]
            if "application/json" in content:
                schema = content["application/json"]["schema"]
                assert schema["required"] == ["message"] and "message" in schema["properties"], (verb, path)
    get_code = document["paths"][PREFIX + "doctypes.auth_code.api.get_code"]["get"]["responses"]["200"]
    message = get_code["content"]["application/json"]["schema"]["properties"]["message"]
    assert message == {"$ref": "#/components/schemas/CodeInfo"}
    code = document["components"]["schemas"]["CodeInfo"]
    assert code["properties"]["voided_at"]["type"] == ["string", "null"]
    assert code["properties"]["created_at"] == {"type": "string", "format": "date-time"}
    qr = document["paths"][PREFIX + "doctypes.auth_code.api.get_qr"]["get"]["responses"]["200"]["content"]
    assert set(qr) == {"image/png", "image/svg+xml"}
    keys = document["paths"][PREFIX + "doctypes.api_key.api.list_api_keys"]["get"]["responses"]["200"]
    listed = keys["content"]["application/json"]["schema"]["properties"]["message"]
    assert listed == {"type": "array", "items": {"$ref": "#/components/schemas/KeyInfo"}}


def test_errors_share_one_body_and_apply_as_they_may(document):
    error = document["components"]["schemas"]["Error"]
    assert set(error["properties"]) == {"exc_type", "exception", "error_code", "field_errors", "_server_messages",
                                        "exc"}
    assert document["components"]["responses"]["Error417"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Error"}
    ping = document["paths"][PREFIX + "traciqo_rpc.api.ping"]
    assert set(ping["get"]["responses"]) == {"200", "400", "429"}
    assert set(ping["post"]["responses"]) == {"200", "400", "413", "429"}
    rotate = document["paths"][PREFIX + "doctypes.api_key.api.rotate_api_secret"]["post"]["responses"]
    assert "417" not in rotate and {"401", "403", "404", "409", "413"} <= set(rotate)
    activate = document["paths"][PREFIX + "doctypes.warranty.api.activate_warranty"]["post"]["responses"]
    assert {"409", "417", "503"} <= set(activate)


def test_a_method_without_returns_stops_start_up():
    module = types.ModuleType("forgetful")

    @whitelist(methods=["GET"])
    def shrug(ctx: RequestContext) -> str:
        return "?"

    shrug.__module__ = module.__name__
    module.shrug = shrug  # type: ignore[attr-defined]
    with pytest.raises(registry.ReturnsMissing, match="test_openapi.shrug does not declare"):
        registry.collect([module], {})


def test_an_operation_with_path_parameters_and_a_bare_answer():
    """How REST routes add theirs: arguments named in the path travel there, the rest in the body."""

    class Change(Schema):
        name = fields.String(required=True)
        price = fields.Float()

    class Changed(Schema):
        name = fields.String(required=True)

    api = openapi.ApiDocument("test", "1")
    api.add_operation("PUT", "/api/resource/Product/{name}", arguments=Change(), arguments_in="body",
                      returns=Changed, envelope=None, errors=[404, 417, 204], guest=False,
                      operation_id="update_product")
    document = api.to_dict()
    validate(document)
    operation = document["paths"]["/api/resource/Product/{name}"]["put"]
    assert [p for p in operation["parameters"] if p.get("in") == "path"] == [
        {"in": "path", "name": "name", "required": True, "schema": {"type": "string"}}]
    assert set(operation["requestBody"]["content"]["application/json"]["schema"]["properties"]) == {"price"}
    assert operation["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Changed"}
    assert "content" not in operation["responses"]["204"] and set(operation["responses"]) == {"200", "204", "404", "417"}


def test_the_document_is_built_once(client, monkeypatch):
    built = []
    original = openapi.build
    monkeypatch.setattr(openapi, "build", lambda *args: built.append(1) or original(*args))
    first = client.get("/api/openapi.json").content
    assert client.get("/api/openapi.json").content == first and client.get("/api/docs").status_code == 200
    assert built == [1]


def test_the_reference_page_lists_every_operation_and_loads_nothing(client, document):
    response = client.get("/api/docs")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    assert response.headers["content-security-policy"] == "default-src 'none'; style-src 'unsafe-inline'"
    page = response.text
    for path in document["paths"]:
        assert path in page
    assert "<script" not in page and "src=" not in page and "http://" not in page and "https://" not in page
    assert "length ≤ 64" in page and "≤ 2,048" in page  # a code's length, a QR image's size
    assert "<code>message.data[].verification_url</code>" in page  # list_codes' answer, spelled out


# Real answers against the document: every method called the way a client would, on real data.

@pytest.fixture
def api(client, document):
    """Call a method and hold its answer to the document; returns the message (or the response)."""

    def call(verb: str, method: str, headers: dict[str, str] | None = None, expect: int = 200,
             **arguments: Any) -> Any:
        path = PREFIX + method
        if verb in ("GET", "DELETE"):
            response = client.request(verb, path, params=arguments, headers=headers)
        else:
            response = client.request(verb, path, json=arguments, headers=headers)
        assert response.status_code == expect, (method, response.text[:500])
        is_json = response.headers["content-type"] == "application/json"
        check_answer(document, verb, path, response.status_code, response.headers["content-type"], response.content,
                     response.json() if is_json else None)
        return response.json().get("message") if is_json else response

    return call


def test_real_answers_are_what_the_document_says(api, workspace):
    h = key_headers(workspace)
    api("GET", "traciqo_rpc.api.ping")
    api("POST", "traciqo_rpc.api.whoami", h)
    api("GET", "traciqo_rpc.api.whoami", h)
    api("GET", "doctypes.auth_code.api.get_code", {}, expect=403, code="X")

    product = "doctypes.product.api."
    api("POST", product + "upsert_product", h, name="Drill", gtin="4006381333931", price=19.99, warranty_months=24)
    api("POST", product + "upsert_product", h, name="Drill", brand="Acme")
    api("GET", product + "get_product", h, product_id="PRD-00001")
    api("GET", product + "list_products", h)
    api("GET", product + "get_product", h, expect=404, product_id="PRD-09999")
    party = "doctypes.party.api."
    pushed = api("POST", party + "upsert_party", h, name="Shop", email="Shop@Example.com", phone=None)
    api("GET", party + "get_party", h, party_id=pushed["id"])
    api("GET", party + "list_parties", h)

    codes = "doctypes.auth_code.api."
    code = api("POST", codes + "create_code", h, batch_name="B1", quantity=2, product_id="PRD-00001")["codes"][0]
    api("POST", "verilink_qr.verilink_qr.api.create_code", h, batch_name="B2")
    api("GET", codes + "get_code", h, code=code)
    api("GET", codes + "list_codes", h, batch="B1")
    api("GET", codes + "list_batches", h)
    api("GET", codes + "get_batch", h, batch="B1")
    first = api("GET", codes + "verify_code", code=code, lat=52.37, lon=4.89, country="nl")
    assert first["status"] == "genuine"
    api("POST", codes + "verify_code", code=code)
    api("GET", codes + "verify_code", code="NOT-A-CODE")
    api("POST", "doctypes.scan.api.attach_location", scan_token=first["scan_token"], lat=48.85, lon=2.35)
    api("GET", "doctypes.scan.api.list_scans", h)
    api("GET", codes + "get_qr", h, code=code)
    api("GET", codes + "get_qr", h, code=code, format="svg", size=64)
    api("GET", codes + "export_batch", h, batch="B1")
    api("POST", codes + "void_code", h, code=code, reason="stolen")
    api("GET", codes + "verify_code", code=code)

    serials = "doctypes.serial_number.api."
    api("POST", serials + "add_serial_numbers", h, serial_numbers=[
        {"serial_number": "SN-1", "product_id": "PRD-00001", "customer_tags": "vip"}, {"serial_number": "SN-2"},
        {"serial_number": "SN-3"}, {"serial_number": "SN-1"}])
    api("GET", serials + "get_serial_number", h, serial_number="SN-1")
    api("GET", serials + "get_unregistered_serial_number", h)
    warranties = "doctypes.warranty.api."
    warranty = api("POST", warranties + "activate_warranty", h, serial_number="SN-1", customer_name="Jane",
                   customer_email="jane@example.com", purchase_date=dt.date.today().isoformat())
    api("POST", "verilink_qr.verilink_qr.api.activate_warranty", h, serial_number="SN-2", customer_name="Bo",
        customer_email="bo@example.com", customer_phone="+31 6 1")
    api("GET", serials + "get_serial_number", h, serial_number="SN-1")
    api("GET", warranties + "get_warranty", h, warranty_id=warranty["id"])
    api("GET", warranties + "get_warranty", h, serial_number="SN-2")
    api("GET", warranties + "list_warranties", h)
    api("POST", warranties + "transfer_warranty", h, warranty_id=warranty["id"], customer_name="Kim",
        customer_email="kim@example.com")
    api("POST", warranties + "void_warranty", h, warranty_id=warranty["id"])
    api("POST", serials + "void_serial_number", h, serial_number="SN-3", reason="scrapped")
    api("GET", "doctypes.email.api.list_emails", h)

    registrations = "doctypes.registration.api."
    api("POST", registrations + "create_registration_form", h, slug="bike", title="Bike",
        fields=[{"name": "colour", "type": "select", "options": ["red", "blue"], "required": True}])
    api("GET", registrations + "list_registration_forms", h)
    added = api("POST", registrations + "add_registrations", h, registrations=[
        {"type": "bike", "email": "ann@example.com", "name": "Ann", "colour": "red", "purchase_date": "2026-01-02",
         "receipt_url": "http://localhost/files/x/receipt.pdf"},
        {"email": "ben@example.com", "name": "Ben", "serial_number": "SN-4"}], expect=404)  # no unit SN-4
    added = api("POST", registrations + "add_registrations", h, registrations=[
        {"type": "bike", "email": "ann@example.com", "name": "Ann", "colour": "red", "purchase_date": "2026-01-02"}])
    registration = added["registrations"][0]["id"]
    api("POST", registrations + "update_registration", h, registration_id=registration, fields={"colour": "blue"},
        phone=None)
    api("GET", registrations + "get_registrations", h, email="ann@example.com")
    api("DELETE", registrations + "delete_registration", h, registration_id=registration)

    webhooks = "doctypes.webhook.api."
    endpoint = api("POST", webhooks + "create_webhook", h, url="http://127.0.0.1:9/hook", events=["*"])["id"]
    api("POST", webhooks + "update_webhook", h, webhook_id=endpoint, enabled=False, description="off")
    api("GET", webhooks + "list_webhooks", h)
    api("POST", webhooks + "rotate_webhook_secret", h, webhook_id=endpoint)
    delivery = api("POST", webhooks + "ping_webhook", h, webhook_id=endpoint)["delivery_id"]
    api("GET", webhooks + "list_deliveries", h)
    api("GET", webhooks + "get_delivery", h, delivery_id=delivery)
    api("POST", webhooks + "redeliver", h, status="failed", since="2020-01-01T00:00:00Z")
    api("GET", webhooks + "list_event_types", h)
    api("POST", webhooks + "delete_webhook", h, webhook_id=endpoint)

    api("GET", "doctypes.upload.api.get_upload_url", h, file_name="r.pdf", file_type="application/pdf", file_size=10)
    keys = "doctypes.api_key.api."
    named = api("POST", keys + "create_api_key", h, name="reader", scopes=["read"])
    api("GET", keys + "list_api_keys", h)
    api("POST", keys + "rotate_api_key", h, api_key=named["api_key"])
    api("POST", keys + "revoke_api_key", h, api_key=named["api_key"])
    api("GET", keys + "get_api_usage", h)
    api("POST", keys + "rotate_api_secret", h)  # last: the key's secret changes


def test_real_rest_answers_are_what_the_document_says(client, document, workspace):
    h = key_headers(workspace)

    def call(verb: str, path: str, template: str, expect: int, **kwargs: Any) -> Any:
        response = client.request(verb, path, headers=h, **kwargs)
        assert response.status_code == expect, (verb, path, response.text[:500])
        json_body = response.json() if response.content else None
        check_answer(document, verb, template, response.status_code, response.headers.get("content-type", ""),
                     response.content, json_body)
        return json_body

    call("POST", "/api/public/v1/products", "/api/public/v1/products", 200, json={"name": "Drill", "price": 9.5})
    call("POST", "/api/public/v1/products", "/api/public/v1/products", 400, json={"name": ""})
    call("POST", "/api/public/v1/parties", "/api/public/v1/parties", 200, json={"name": "Shop"})
    listed = call("GET", "/api/resource/Product", "/api/resource/{doctype}", 200,
                  params={"fields": '["name", "price"]', "filters": '[["name", "=", "Drill"]]'})
    assert listed == {"data": [{"name": "Drill", "price": 9.5}]}
    call("POST", "/api/resource/Product", "/api/resource/{doctype}", 200, json={"name": "Saw"})
    call("GET", "/api/resource/Product/Saw", "/api/resource/{doctype}/{name}", 200)
    call("PUT", "/api/resource/Product/Saw", "/api/resource/{doctype}/{name}", 200, json={"brand": "Acme"})
    call("GET", "/api/resource/Product/Nothing", "/api/resource/{doctype}/{name}", 404)
    call("GET", "/api/resource/Product", "/api/resource/{doctype}", 417, params={"filters": '[["brand", "=", "x"]]'})
    call("POST", "/api/serial_numbers", "/api/serial_numbers", 200,
         json={"serialNumbers": ["SN-1", {"serialNumber": "SN-2"}], "customerTags": "vip"})
    call("GET", "/api/serial_numbers/SN-1", "/api/serial_numbers/{serial_number}", 200)
    call("GET", "/api/serial_numbers/SN-9", "/api/serial_numbers/{serial_number}", 204)
    call("GET", "/api/serial_number", "/api/serial_number", 200)
    added = call("POST", "/api/registrations", "/api/registrations", 200, json={"registrations": [
        {"email": "ann@example.com", "firstName": "Ann", "lastName": "Lee", "serialNumber": "SN-1"}]})
    registration = added["registrations"][0]["id"]
    call("PUT", f"/api/registrations/{registration}", "/api/registrations/{registration_id}", 200,
         json={"phone": "+31 6 1"})
    call("GET", "/api/registrations", "/api/registrations", 200, params={"email": "ann@example.com"})
    call("DELETE", f"/api/registrations/{registration}", "/api/registrations/{registration_id}", 200)
    call("GET", "/api/upload_file", "/api/upload_file", 200,
         params={"fileName": "r.pdf", "fileType": "application/pdf", "fileSize": 10})
    call("DELETE", "/api/resource/Product/Saw", "/api/resource/{doctype}/{name}", 417)  # products are not deleted
