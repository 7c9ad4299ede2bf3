"""/api/resource/<DocType> and frappe.client.*: reads, filters, writes through the methods, errors."""

from __future__ import annotations

import json

import pytest

from tests.support.helpers import key_headers

RESOURCE = "/api/resource/"
METHOD = "/api/method/"


@pytest.fixture
def headers(workspace):
    return key_headers(workspace, form="token")


def push_products(client, headers, count: int = 3) -> None:
    for i in range(1, count + 1):
        response = client.post(METHOD + "doctypes.product.api.upsert_product", headers=headers,
                               json={"name": f"Rod {i}", "brand": "Acme" if i % 2 else "Bolt", "price": i * 10})
        assert response.status_code == 200, response.text


def listed(client, headers, doctype: str, **params) -> list:
    encoded = {k: v if isinstance(v, (str, int)) else json.dumps(v) for k, v in params.items()}
    response = client.get(RESOURCE + doctype, headers=headers, params=encoded)
    assert response.status_code == 200, response.text
    return response.json()["data"]


def test_list_defaults_to_names_in_the_declared_order(client, headers):
    push_products(client, headers)
    assert listed(client, headers, "Product") == [{"name": "Rod 1"}, {"name": "Rod 2"}, {"name": "Rod 3"}]


def test_list_fields_filters_order_and_pages(client, headers):
    push_products(client, headers, 5)
    rows = listed(client, headers, "Product", fields=["name", "sku", "price"], filters={"sku": ["in", ["PRD-00002", "PRD-00004"]]},
                  order_by="sku desc")
    assert rows == [{"name": "Rod 4", "sku": "PRD-00004", "price": 40.0}, {"name": "Rod 2", "sku": "PRD-00002", "price": 20.0}]
    page = listed(client, headers, "Product", limit_start=1, limit_page_length=2)
    assert [r["name"] for r in page] == ["Rod 2", "Rod 3"]
    assert [r["name"] for r in listed(client, headers, "Product", limit=1)] == ["Rod 1"]
    everything = listed(client, headers, "Product", fields=["*"], filters=[["Product", "name", "=", "Rod 3"]])
    assert everything[0]["brand"] == "Acme" and everything[0]["creation"] and everything[0]["id"]
    either = listed(client, headers, "Product", or_filters=[["name", "=", "Rod 1"], ["name", "like", "%5"]])
    assert [r["name"] for r in either] == ["Rod 1", "Rod 5"]
    assert listed(client, headers, "Product", filters={"name": ["like", "rod%"]}, limit=2) == [{"name": "Rod 1"},
                                                                                                   {"name": "Rod 2"}]


def test_list_as_lists_and_frappe_field_spellings(client, headers):
    push_products(client, headers, 2)
    response = client.get(METHOD + "frappe.client.get_list", headers=headers,
                          params={"doctype": "Product", "fields": '["name", "`price`"]', "as_dict": "0"})
    assert response.json()["message"] == [["Rod 1", 10.0], ["Rod 2", 20.0]]
    by_string = client.get(METHOD + "frappe.client.get_list", headers=headers,
                           params={"doctype": "Product", "fields": "name, sku", "order_by": "`tabProduct`.`sku` desc"})
    assert by_string.json()["message"][0] == {"name": "Rod 2", "sku": "PRD-00002"}


def test_get_one_document(client, headers):
    push_products(client, headers, 1)
    doc = client.get(RESOURCE + "Product/Rod 1", headers=headers).json()["data"]
    assert doc["doctype"] == "Product" and doc["name"] == "Rod 1" and doc["sku"] == "PRD-00001"
    assert client.get(RESOURCE + "Product/Nope", headers=headers).status_code == 404
    by_method = client.get(METHOD + "frappe.client.get", headers=headers,
                           params={"doctype": "Product", "filters": '{"sku": "PRD-00001"}'}).json()["message"]
    assert by_method == doc


def test_names_with_slashes_and_spaces(client, headers):
    client.post(METHOD + "doctypes.product.api.upsert_product", headers=headers, json={"name": "Bolt 3/8 in"})
    response = client.get(RESOURCE + "Product/Bolt%203%2F8%20in", headers=headers)
    assert response.status_code == 200 and response.json()["data"]["name"] == "Bolt 3/8 in"
    # A name ending in a newline is that name, not the product without it.
    assert client.get(RESOURCE + "Product/Bolt%203%2F8%20in%0A", headers=headers).status_code == 404


def test_count_and_value(client, headers):
    push_products(client, headers, 3)
    count = client.get(METHOD + "frappe.client.get_count", headers=headers,
                       params={"doctype": "Product", "filters": '[["sku", ">=", "PRD-00002"]]'})
    assert count.json()["message"] == 2
    value = client.get(METHOD + "frappe.client.get_value", headers=headers,
                       params={"doctype": "Product", "fieldname": "price", "filters": "Rod 2"})
    assert value.json()["message"] == {"price": 20.0}
    several = client.post(METHOD + "frappe.client.get_value", headers=headers,
                          json={"doctype": "Product", "fieldname": ["sku", "brand"], "filters": {"name": "Rod 3"}})
    assert several.json()["message"] == {"sku": "PRD-00003", "brand": "Acme"}
    none = client.post(METHOD + "frappe.client.get_value", headers=headers,
                       json={"doctype": "Product", "fieldname": "price", "filters": {"name": "Rod 9"}})
    assert none.json()["message"] == {}


def test_insert_save_and_delete_go_through_the_methods(client, headers):
    created = client.post(RESOURCE + "Product", headers=headers, json={"name": "Kettle", "price": 12.5})
    assert created.status_code == 200, created.text
    doc = created.json()["data"]
    assert doc["name"] == "Kettle" and doc["sku"] == "PRD-00001" and doc["price"] == 12.5
    assert client.post(RESOURCE + "Product", headers=headers, json={"name": "Kettle"}).status_code == 409
    # Saving back what was read changes only what differs; read-only fields sent unchanged are fine.
    saved = client.put(RESOURCE + "Product/Kettle", headers=headers, json={**doc, "brand": "Acme"})
    assert saved.status_code == 200, saved.text
    assert saved.json()["data"]["brand"] == "Acme"
    refused = client.put(RESOURCE + "Product/Kettle", headers=headers, json={"sku": "PRD-00009"})
    assert refused.status_code == 417 and "sku" in refused.json()["field_errors"]
    by_schema = client.put(RESOURCE + "Product/Kettle", headers=headers, json={"gtin": "123"})
    assert by_schema.status_code == 417 and "gtin" in by_schema.json()["field_errors"]
    set_value = client.post(METHOD + "frappe.client.set_value", headers=headers,
                            json={"doctype": "Product", "name": "Kettle", "fieldname": "warranty_months", "value": 24})
    assert set_value.json()["message"]["warranty_months"] == 24
    assert client.delete(RESOURCE + "Product/Kettle", headers=headers).status_code == 417  # not deleted this way
    assert client.put(RESOURCE + "Product/Nope", headers=headers, json={"brand": "x"}).status_code == 404


def test_frappe_client_insert_and_save_take_a_doc(client, headers):
    inserted = client.post(METHOD + "frappe.client.insert", headers=headers,
                           json={"doc": {"doctype": "Party", "name": "Acme Ltd", "email": "Ops@Acme.test"}})
    assert inserted.json()["message"]["email"] == "ops@acme.test"
    form = client.post(METHOD + "frappe.client.save", headers=headers,
                       data={"doc": json.dumps({"doctype": "Party", "name": "Acme Ltd", "phone": "+1 555"})})
    assert form.status_code == 200 and form.json()["message"]["phone"] == "+1 555"


def test_registration_lifecycle_and_its_events(client, headers):
    created = client.post(RESOURCE + "Registration", headers=headers,
                          json={"email": "tom@example.com", "customer_name": "Tom"}).json()["data"]
    assert created["customer_name"] == "Tom" and created["type"] == "product-registration"
    name = created["name"]
    updated = client.put(RESOURCE + f"Registration/{name}", headers=headers, json={"phone": "+1 555"})
    assert updated.json()["data"]["phone"] == "+1 555"
    deleted = client.delete(RESOURCE + f"Registration/{name}", headers=headers)
    assert deleted.status_code == 202 and deleted.json() == {"data": "ok"}  # as Frappe answers a DELETE
    assert client.get(RESOURCE + f"Registration/{name}", headers=headers).status_code == 404
    assert client.delete(RESOURCE + f"Registration/{name}", headers=headers).status_code == 404


def test_webhook_secret_is_answered_once(client, headers):
    created = client.post(RESOURCE + "Webhook", headers=headers,
                          json={"url": "http://127.0.0.1:9/hook", "events": ["Code Created"]}).json()["data"]
    assert created["secret"].startswith("whsec_")
    read_back = client.get(RESOURCE + f"Webhook/{created['name']}", headers=headers).json()["data"]
    assert "secret" not in read_back and read_back["events"] == ["Code Created"]
    everything = listed(client, headers, "Webhook", fields=["*"])
    assert all("secret" not in row for row in everything)


def test_codes_serials_and_warranties(client, headers):
    push_products(client, headers, 1)
    code = client.post(RESOURCE + "Authentication Code", headers=headers,
                       json={"batch_name": "B1", "product_id": "PRD-00001"}).json()["data"]
    assert code["status"] == "active" and "-" in code["name"]
    voided = client.put(RESOURCE + f"Authentication Code/{code['name']}", headers=headers, json={"status": "void"})
    assert voided.json()["data"]["status"] == "void"
    assert client.put(RESOURCE + f"Authentication Code/{code['name']}", headers=headers,
                      json={"status": "active"}).status_code == 417
    batch = listed(client, headers, "Code Batch", fields=["name", "quantity"])
    assert batch == [{"name": "B1", "quantity": 1}]
    serial = client.post(RESOURCE + "Serial Number", headers=headers, json={"name": "SN-1"}).json()["data"]
    assert serial["status"] == "unregistered"
    assert client.post(RESOURCE + "Serial Number", headers=headers, json={"name": "SN-1"}).status_code == 409
    warranty = client.post(RESOURCE + "Warranty", headers=headers, json={
        "serial_number": "SN-1", "customer_name": "Ann", "customer_email": "ann@example.com"}).json()["data"]
    assert warranty["serial_number"] == "SN-1" and warranty["status"] == "active"
    assert listed(client, headers, "Serial Number", fields=["name", "status"], filters={"status": "registered"}) == [
        {"name": "SN-1", "status": "registered"}]


@pytest.mark.parametrize("doctype", ["Product", "Party", "Authentication Code", "Code Batch", "Scan", "Serial Number",
                                     "Warranty", "Registration", "Registration Form", "Webhook", "Webhook Delivery"])
def test_every_doctype_lists_empty_and_all_fields(client, headers, doctype):
    assert listed(client, headers, doctype, fields=["*"]) == []
    assert client.get(METHOD + "frappe.client.get_count", headers=headers, params={"doctype": doctype}).json() == {
        "message": 0}


def test_tenancy_and_environments(client, make_workspace):
    first, second = make_workspace("first"), make_workspace("second")
    live, sandbox = key_headers(first), key_headers(first, "sandbox")
    client.post(RESOURCE + "Product", headers=live, json={"name": "Live rod"})
    client.post(RESOURCE + "Product", headers=sandbox, json={"name": "Test rod"})
    assert listed(client, key_headers(second), "Product") == []
    assert listed(client, sandbox, "Product") == [{"name": "Test rod"}]
    assert listed(client, {**live, "X-Traciqo-Sandbox": "true"}, "Product") == [{"name": "Test rod"}]
    assert client.get(RESOURCE + "Product/Live rod", headers=key_headers(second)).status_code == 404
    assert client.get(RESOURCE + "Product/Live rod", headers=sandbox).status_code == 404
    assert client.put(RESOURCE + "Product/Live rod", headers=sandbox, json={"brand": "x"}).status_code == 404
    # Another workspace may use the same name: its own document.
    assert client.post(RESOURCE + "Product", headers=key_headers(second), json={"name": "Live rod"}).status_code == 200
    assert listed(client, live, "Product", fields=["name", "brand"]) == [{"name": "Live rod", "brand": ""}]


def test_scopes_apply_to_resources(client, headers):
    reader = client.post(METHOD + "doctypes.api_key.api.create_api_key", headers=headers,
                         json={"name": "reader", "scopes": ["read"]}).json()["message"]
    read_only = {"Authorization": f"token {reader['api_key']}:{reader['api_secret']}"}
    assert client.get(RESOURCE + "Product", headers=read_only).status_code == 200
    assert client.post(RESOURCE + "Product", headers=read_only, json={"name": "x"}).status_code == 403
    assert client.get(METHOD + "frappe.auth.get_logged_user", headers=read_only).json() == {"message": "reader"}
    assert client.get(METHOD + "frappe.auth.get_logged_user", headers=headers).json() == {"message": "default"}


def test_guests_and_unknown_keys(client):
    assert client.get(RESOURCE + "Product").status_code == 403
    assert client.get(RESOURCE + "Product", headers={"Authorization": "token a:b"}).status_code == 401


@pytest.mark.parametrize(
    "params,field",
    [({"filters": '{"brand": "Acme"}'}, "filters"),  # not indexed
     ({"filters": '[["name", "~", "x"]]'}, "filters"), ({"filters": '[["sku", "=", "SKU-1"]]'}, "filters"),
     ({"filters": '[["name"]]'}, "filters"), ({"filters": "{not json"}, "filters"), ({"filters": "5"}, "filters"),
     ({"filters": json.dumps([["name", "in", list(range(1001))]])}, "filters"),
     ({"filters": json.dumps([["name", "=", "x"]] * 21)}, "filters"),
     ({"filters": '[["Party", "name", "=", "x"]]'}, "filters"), ({"filters": '[["creation", ">", "yesterday"]]'}, "filters"),
     ({"filters": '[["name", "between", ["a"]]]'}, "filters"), ({"filters": '[["name", "is", "maybe"]]'}, "filters"),
     ({"or_filters": '[["price", ">", 1]]'}, "or_filters"),
     ({"fields": '["nope"]'}, "fields"), ({"fields": '{"a": 1}'}, "fields"), ({"fields": json.dumps(["x"] * 101)}, "fields"),
     ({"order_by": "brand desc"}, "order_by"), ({"order_by": "name sideways"}, "order_by"),
     ({"order_by": "name; drop table product"}, "order_by"),
     ({"limit_page_length": "1001"}, "limit_page_length"), ({"limit_start": "-1"}, "limit_start"),
     ({"group_by": "brand"}, "group_by"), ({"surprise": "1"}, "surprise")],
)
def test_list_bad_inputs(client, headers, params, field):
    response = client.get(RESOURCE + "Product", headers=headers, params=params)
    assert response.status_code == 417, response.text
    assert field in response.json()["field_errors"]


def test_write_bad_inputs(client, headers):
    assert client.get(RESOURCE + "Nothing").status_code in (403, 404)
    assert client.get(RESOURCE + "Nothing", headers=headers).status_code == 404
    assert client.post(RESOURCE + "Product", headers=headers, content=b"{",
                       ).status_code == 400
    assert client.post(RESOURCE + "Product", headers=headers, json={"name": "x", "sku": "PRD-1"}).status_code == 417
    assert client.post(RESOURCE + "Scan", headers=headers, json={"code_id": 1}).status_code == 417
    assert client.post(METHOD + "frappe.client.insert", headers=headers, json={"doc": {"name": "x"}}).status_code == 417
    assert client.post(METHOD + "frappe.client.insert", headers=headers, json={"doc": "[1]"}).status_code == 417
    assert client.post(METHOD + "frappe.client.save", headers=headers,
                       json={"doc": {"doctype": "Product"}}).status_code == 417
    assert client.post(METHOD + "frappe.client.set_value", headers=headers,
                       json={"doctype": "Product", "name": "x", "fieldname": 5}).status_code == 417
    assert client.patch(RESOURCE + "Product/x", headers=headers).status_code == 405
    assert client.post(RESOURCE + "Product/x", headers=headers, json={}).status_code == 405
    nested = {"name": "x", "description": [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["deep"]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}
    assert client.post(RESOURCE + "Product", headers=headers, json=nested).status_code in (400, 417)


def test_a_filter_whose_pages_cannot_read_in_order_stops_start_up():
    """An index on the field alone is not enough: a filtered page must read in the list's order."""
    from doctypes.warranty.model import WarrantyOwner
    from traciqo_rpc.resource import Resource

    owners = Resource(model=WarrantyOwner, fields={"name": WarrantyOwner.id, "warranty_id": WarrantyOwner.warranty_id},
                      filterable=("name", "warranty_id"), order_by="name asc")
    with pytest.raises(ValueError, match=r"'warranty_id' needs an index on \(workspace_id, is_sandbox, warranty_id, id\)"):
        owners.check("Warranty Owner", lambda path: True)
    by_id = Resource(model=WarrantyOwner, fields={"name": WarrantyOwner.id}, order_by="name asc")
    by_id.check("Warranty Owner", lambda path: True)  # the key is the order's own column
