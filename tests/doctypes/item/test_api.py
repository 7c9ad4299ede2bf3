"""Items through their methods: answers as the OpenAPI document says, every bad input, duplicate
SKUs, absences, (de)activation, the product link, tenancy and the sandbox."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from tests.support.conformance import check_answer
from tests.support.helpers import key_headers
from traciqo_rpc.untrusted import MAX_JSON_DEPTH

API = "/api/method/doctypes.item.api."
PRODUCTS = "/api/method/doctypes.product.api."


@pytest.fixture
def headers(workspace):
    return key_headers(workspace)


@pytest.fixture
def call(client):
    """Call a method (JSON body for POST, query for GET) and hold a 2xx answer to the OpenAPI document."""
    document = client.get("/api/openapi.json").json()

    def send(verb: str, method: str, headers: dict[str, str], **arguments: Any):
        if verb == "GET":
            response = client.get(API + method, params=arguments, headers=headers)
        else:
            response = client.post(API + method, json=arguments, headers=headers)
        if response.status_code < 300:
            check_answer(document, verb, API + method, response.status_code, response.headers["content-type"],
                         response.content, response.json())
        return response

    return send


def create(call, headers, sku: str = "BOLT-M6", name: str = "Bolt M6", **more: Any) -> dict[str, Any]:
    response = call("POST", "create_item", headers, sku=sku, name=name, **more)
    assert response.status_code == 200, response.text
    return response.json()["message"]


def product(client, headers, name: str = "Bike") -> dict[str, Any]:
    return client.post(PRODUCTS + "upsert_product", json={"name": name}, headers=headers).json()["message"]


# -- Happy paths ---------------------------------------------------------------------------------

def test_create_with_defaults(call, headers):
    made = create(call, headers)
    assert len(made["id"]) == 32 and made["sku"] == "BOLT-M6" and made["name"] == "Bolt M6"
    assert (made["gtin"], made["unit"], made["attributes"], made["tracking"], made["reorder_level"]) == (
        None, "pcs", {}, "none", 0)
    assert (made["allow_negative_stock"], made["active"], made["product_id"]) == (False, True, None)
    assert made["created_at"] == made["updated_at"]


def test_create_with_everything_and_find_by_id_or_sku(call, client, headers):
    linked = product(client, headers)
    made = create(call, headers, sku=" paint.blue_5l ", name=" Paint, blue ", gtin=" 4006381333931 ", unit=" l ",
                  attributes={" colour ": " blue ", "size": "5 l"}, tracking="batch", reorder_level="2.5", allow_negative_stock=True, product_id=linked["sku"])
    assert (made["sku"], made["name"], made["gtin"], made["unit"]) == ("PAINT.BLUE_5L", "Paint, blue",
                                                                       "04006381333931", "l")
    assert made["attributes"] == {"colour": "blue", "size": "5 l"}
    assert (made["tracking"], made["reorder_level"], made["allow_negative_stock"]) == ("batch", 2.5, True)
    assert made["product_id"] == linked["id"]  # named by SKU, kept by id
    for ref in (made["id"], "PAINT.BLUE_5L", "paint.blue_5l", " Paint.Blue_5L "):
        got = call("GET", "get_item", headers, item=ref)
        assert got.status_code == 200, (ref, got.text)
        assert got.json()["message"] == made


def test_quantities_are_thousandths_answered_as_numbers(call, headers):
    assert create(call, headers, sku="A", reorder_level=10)["reorder_level"] == 10
    assert create(call, headers, sku="B", reorder_level="0.001")["reorder_level"] == 0.001
    assert create(call, headers, sku="C", reorder_level=12.25)["reorder_level"] == 12.25
    assert create(call, headers, sku="D", reorder_level="999999999999.999")["reorder_level"] == 999999999999.999
    from doctypes.item.model import Item

    assert Item.get(Item.sku == "B").reorder_level == 1 and Item.get(Item.sku == "C").reorder_level == 12250


def test_update_changes_only_what_is_sent(call, client, headers):
    made = create(call, headers, attributes={"colour": "red"}, gtin="4006381333931")
    changed = call("POST", "update_item", headers, item="bolt-m6", name="Bolt M6 zinc", reorder_level=5)
    changed = changed.json()["message"]
    assert (changed["name"], changed["reorder_level"], changed["sku"], changed["unit"]) == ("Bolt M6 zinc", 5,
                                                                                           "BOLT-M6", "pcs")
    assert changed["attributes"] == {"colour": "red"} and changed["gtin"] == "04006381333931"
    assert changed["updated_at"] >= made["updated_at"] and changed["created_at"] == made["created_at"]
    linked = product(client, headers)
    changed = call("POST", "update_item", headers, item=made["id"], attributes={"size": "M"}, gtin=None,
                   tracking="serial", allow_negative_stock=True, unit="box", product_id=linked["id"]).json()["message"]
    assert changed["attributes"] == {"size": "M"}  # replaced, not merged
    assert (changed["gtin"], changed["tracking"], changed["allow_negative_stock"], changed["unit"]) == (
        None, "serial", True, "box")
    assert changed["product_id"] == linked["id"]
    unlinked = call("POST", "update_item", headers, item="BOLT-M6", product_id=None, attributes={}).json()["message"]
    assert (unlinked["product_id"], unlinked["attributes"]) == (None, {})
    assert call("GET", "get_item", headers, item="BOLT-M6").json()["message"] == unlinked


def test_an_update_that_changes_nothing_keeps_updated_at(call, headers):
    made = create(call, headers, reorder_level=3)
    same = call("POST", "update_item", headers, item="BOLT-M6", name="Bolt M6", reorder_level="3.000").json()["message"]
    assert same == made


def test_deactivate_and_activate(call, headers):
    made = create(call, headers)
    off = call("POST", "deactivate_item", headers, item="bolt-m6").json()["message"]
    assert off["active"] is False and off["id"] == made["id"]
    again = call("POST", "deactivate_item", headers, item="BOLT-M6")  # already inactive: the same answer
    assert again.status_code == 200 and again.json()["message"]["active"] is False
    still = call("GET", "get_item", headers, item="BOLT-M6").json()["message"]  # still readable and changeable
    assert still["active"] is False
    renamed = call("POST", "update_item", headers, item="BOLT-M6", name="Old bolt").json()["message"]
    assert (renamed["name"], renamed["active"]) == ("Old bolt", False)
    on = call("POST", "activate_item", headers, item=made["id"]).json()["message"]
    assert on["active"] is True
    assert call("POST", "update_item", headers, item="BOLT-M6", active=False).json()["message"]["active"] is False


def test_list_items_searches_filters_orders_and_pages(call, headers):
    first = create(call, headers, sku="ZETA", name="Washer")
    create(call, headers, sku="ALPHA", name="Bolt", tracking="serial")
    create(call, headers, sku="MID-1", name="Nut, zinc", tracking="batch")
    call("POST", "deactivate_item", headers, item="MID-1")

    def skus(**params: Any) -> list[str]:
        response = call("GET", "list_items", headers, **params)
        assert response.status_code == 200, response.text
        return [i["sku"] for i in response.json()["message"]["data"]]

    assert skus() == ["ALPHA", "MID-1", "ZETA"]
    assert skus(order="-sku") == ["ZETA", "MID-1", "ALPHA"]
    assert skus(order="created") == ["ZETA", "ALPHA", "MID-1"] and skus(order="-created") == ["MID-1", "ALPHA", "ZETA"]
    assert skus(search="zinc") == ["MID-1"] and skus(search="alp") == ["ALPHA"] and skus(search="T") == ["ALPHA", "MID-1", "ZETA"]
    assert skus(search="%") == [] and skus(search="_") == []
    assert skus(tracking="serial") == ["ALPHA"] and skus(tracking="none") == ["ZETA"]
    assert skus(active="false") == ["MID-1"] and skus(active="true") == ["ALPHA", "ZETA"]
    assert skus(active="true", tracking="batch") == [] and skus(active="true", order="-created") == ["ALPHA", "ZETA"]
    page = call("GET", "list_items", headers, limit=1, offset=2).json()["message"]
    assert page["total"] == 3 and [i["id"] for i in page["data"]] == [first["id"]]
    assert (page["limit"], page["offset"]) == (1, 2)
    empty = call("GET", "list_items", headers, offset=50).json()["message"]
    assert empty["data"] == [] and empty["total"] == 3


# -- Bad input: 417 naming the argument ------------------------------------------------------------

ODD_SKUS = ["", " ", "x" * 65, "a b", "a/b", "a,b", "a:b", "ÉTÉ", "ﬀ", "١٢", "a\nb", "a\tb", "a%", "a*", "'--",
            "<b>", "a#1", "a+b", 7, 12.5, True, None, [], ["A"], {"a": 1}]


@pytest.mark.parametrize("sku", ODD_SKUS)
def test_create_refuses_odd_skus(call, headers, sku):
    response = call("POST", "create_item", headers, sku=sku, name="A")
    assert response.status_code == 417, response.text
    assert "sku" in response.json()["field_errors"]


def _attributes(count: int) -> dict[str, str]:
    return {f"k{i}": "v" for i in range(count)}


@pytest.mark.parametrize("body,field", [
    ({"name": "A"}, "sku"),
    ({"sku": "A"}, "name"), ({"sku": "A", "name": "  "}, "name"), ({"sku": "A", "name": "x" * 256}, "name"),
    ({"sku": "A", "name": ["x"]}, "name"), ({"sku": "A", "name": 5}, "name"),
    ({"sku": "A", "name": "A", "gtin": "4006381333932"}, "gtin"), ({"sku": "A", "name": "A", "gtin": "12ab"}, "gtin"),
    ({"sku": "A", "name": "A", "gtin": ""}, "gtin"), ({"sku": "A", "name": "A", "gtin": "٤٠٠٦٣٨١٣٣٣٩٣١"}, "gtin"),
    ({"sku": "A", "name": "A", "gtin": 4006381333931}, "gtin"), ({"sku": "A", "name": "A", "gtin": "9" * 40}, "gtin"),
    ({"sku": "A", "name": "A", "unit": ""}, "unit"), ({"sku": "A", "name": "A", "unit": "x" * 17}, "unit"),
    ({"sku": "A", "name": "A", "unit": None}, "unit"),
    ({"sku": "A", "name": "A", "tracking": "lot"}, "tracking"), ({"sku": "A", "name": "A", "tracking": None}, "tracking"),
    ({"sku": "A", "name": "A", "tracking": "SERIAL"}, "tracking"),
    ({"sku": "A", "name": "A", "reorder_level": -1}, "reorder_level"),
    ({"sku": "A", "name": "A", "reorder_level": "0.0001"}, "reorder_level"),
    ({"sku": "A", "name": "A", "reorder_level": 10**12}, "reorder_level"),
    ({"sku": "A", "name": "A", "reorder_level": "1e999"}, "reorder_level"),
    ({"sku": "A", "name": "A", "reorder_level": "NaN"}, "reorder_level"),
    ({"sku": "A", "name": "A", "reorder_level": "Infinity"}, "reorder_level"),
    ({"sku": "A", "name": "A", "reorder_level": "9" * 5000}, "reorder_level"),
    ({"sku": "A", "name": "A", "reorder_level": True}, "reorder_level"),
    ({"sku": "A", "name": "A", "reorder_level": "lots"}, "reorder_level"),
    ({"sku": "A", "name": "A", "reorder_level": [1]}, "reorder_level"),
    ({"sku": "A", "name": "A", "reorder_level": None}, "reorder_level"),
    ({"sku": "A", "name": "A", "allow_negative_stock": "maybe"}, "allow_negative_stock"),
    ({"sku": "A", "name": "A", "attributes": "colour=blue"}, "attributes"),
    ({"sku": "A", "name": "A", "attributes": ["colour", "blue"]}, "attributes"),
    ({"sku": "A", "name": "A", "attributes": _attributes(21)}, "attributes"),
    ({"sku": "A", "name": "A", "attributes": {"x" * 41: "v"}}, "attributes"),
    ({"sku": "A", "name": "A", "attributes": {"  ": "v"}}, "attributes"),
    ({"sku": "A", "name": "A", "attributes": {"k": "v" * 201}}, "attributes"),
    ({"sku": "A", "name": "A", "attributes": {"k": 5}}, "attributes"),
    ({"sku": "A", "name": "A", "attributes": {"k": None}}, "attributes"),
    ({"sku": "A", "name": "A", "attributes": {"k": {"deeper": "v"}}}, "attributes"),
    ({"sku": "A", "name": "A", "attributes": {"k": ["v"]}}, "attributes"),
    ({"sku": "A", "name": "A", "attributes": {"k": "v", " k ": "w"}}, "attributes"),
    ({"sku": "A", "name": "A", "attributes": None}, "attributes"),
    ({"sku": "A", "name": "A", "product_id": "nope"}, "product_id"),
    ({"sku": "A", "name": "A", "product_id": "PRD-" + "9" * 40}, "product_id"),
    ({"sku": "A", "name": "A", "product_id": "PRD-²"}, "product_id"),
    ({"sku": "A", "name": "A", "product_id": 5}, "product_id"),
    ({"sku": "A", "name": "A", "product_id": "PRD-00001"}, "product_id"),  # no such product yet
    ({"sku": "A", "name": "A", "product_id": "0" * 32}, "product_id"),
    ({"sku": "A", "name": "A", "active": False}, "active"),  # not an argument of create
    ({"sku": "A", "name": "A", "id": "0" * 32}, "id"),
    ({"sku": "x" * 100_000, "name": "A"}, "sku"),
])
def test_create_bad_inputs(call, headers, body, field):
    response = call("POST", "create_item", headers, **body)
    assert response.status_code == 417, response.text
    assert field in response.json()["field_errors"]
    assert call("GET", "list_items", headers).json()["message"]["total"] == 0


def test_attributes_at_their_limits_are_fine(call, headers):
    limits = {**{f"k{i}": "v" for i in range(19)}, "x" * 40: "y" * 200}
    made = create(call, headers, attributes=limits)
    assert made["attributes"] == limits
    odd = create(call, headers, sku="ODD", attributes={"日本": "箱 📦", "<b>": "' OR 1=1 --", "k": ""})
    assert odd["attributes"] == {"日本": "箱 📦", "<b>": "' OR 1=1 --", "k": ""}


def test_unstorable_and_deep_values(client, headers):
    for field, escaped in (("sku", '"A\\u0000"'), ("name", '"\\ud800"'), ("attributes", '{"k\\u0000": "v"}'),
                           ("attributes", '{"k": "\\udfff"}')):
        body = {"sku": '"A"', "name": '"A"', field: escaped}
        text = "{" + ", ".join(f'"{key}": {value}' for key, value in body.items()) + "}"
        response = client.post(API + "create_item", content=text, headers={**headers, "Content-Type": "application/json"})
        assert response.status_code == 417 and field in response.json()["field_errors"], (field, response.text)
    shallow = client.post(API + "create_item", json={"sku": [[["A"]]], "name": "A"}, headers=headers)
    assert shallow.status_code == 417 and "sku" in shallow.json()["field_errors"]
    deep: Any = "v"
    for _ in range(MAX_JSON_DEPTH + 2):
        deep = {"k": deep}
    too_deep = client.post(API + "create_item", json={"sku": "A", "name": "A", "attributes": deep}, headers=headers)
    assert too_deep.status_code == 400 and too_deep.json()["error_code"] == "invalid_request"


@pytest.mark.parametrize("method,verb,body,field", [
    ("update_item", "POST", {"item": "BOLT-M6"}, "item"),  # nothing to change
    ("update_item", "POST", {"name": "A"}, "item"),
    ("update_item", "POST", {"item": "BOLT-M6", "name": " "}, "name"),
    ("update_item", "POST", {"item": "BOLT-M6", "sku": "NEW"}, "sku"),  # SKUs stay
    ("update_item", "POST", {"item": "BOLT-M6", "active": "maybe"}, "active"),
    ("update_item", "POST", {"item": "BOLT-M6", "tracking": "lot"}, "tracking"),
    ("update_item", "POST", {"item": "BOLT-M6", "reorder_level": -0.5}, "reorder_level"),
    ("update_item", "POST", {"item": "BOLT-M6", "reorder_level": None}, "reorder_level"),
    ("update_item", "POST", {"item": "BOLT-M6", "unit": None}, "unit"),
    ("update_item", "POST", {"item": "BOLT-M6", "name": None}, "name"),
    ("update_item", "POST", {"item": "BOLT-M6", "attributes": _attributes(21)}, "attributes"),
    ("update_item", "POST", {"item": "BOLT-M6", "gtin": "123"}, "gtin"),
    ("update_item", "POST", {"item": "BOLT-M6", "product_id": "PRD-00042"}, "product_id"),
    ("update_item", "POST", {"item": "BOLT-M6", "id": "x"}, "id"),
    ("get_item", "GET", {}, "item"),
    ("get_item", "GET", {"item": ""}, "item"),
    ("get_item", "GET", {"item": "x" * 65}, "item"),
    ("get_item", "GET", {"item": "../etc"}, "item"),
    ("get_item", "GET", {"item": "' OR 1=1 --"}, "item"),
    ("get_item", "GET", {"item": "BOLT\x00"}, "item"),
    ("list_items", "GET", {"limit": 0}, "limit"), ("list_items", "GET", {"limit": 1001}, "limit"),
    ("list_items", "GET", {"offset": -1}, "offset"), ("list_items", "GET", {"offset": "9" * 40}, "offset"),
    ("list_items", "GET", {"order": "name"}, "order"), ("list_items", "GET", {"search": ""}, "search"),
    ("list_items", "GET", {"search": "x" * 256}, "search"), ("list_items", "GET", {"active": "x"}, "active"),
    ("list_items", "GET", {"tracking": "lot"}, "tracking"),
    ("deactivate_item", "POST", {}, "item"), ("activate_item", "POST", {"item": "a b"}, "item"),
    ("deactivate_item", "POST", {"item": "BOLT-M6", "active": True}, "active"),
])
def test_other_bad_inputs(call, headers, method, verb, body, field):
    made = create(call, headers)
    response = call(verb, method, headers, **body)
    assert response.status_code == 417, response.text
    assert field in response.json()["field_errors"]
    assert call("GET", "get_item", headers, item="BOLT-M6").json()["message"] == made  # untouched


# -- Duplicates: 409 -------------------------------------------------------------------------------

def test_an_sku_is_taken_in_any_case(call, headers):
    made = create(call, headers, sku="BOLT-M6")
    again = call("POST", "create_item", headers, sku=" bolt-m6 ", name="Another")
    assert again.status_code == 409 and again.json()["error_code"] == "duplicated"
    assert again.json()["exc_type"] == "SkuTaken" and "sku" in again.json()["field_errors"]
    listed = call("GET", "list_items", headers).json()["message"]
    assert listed["total"] == 1 and listed["data"][0] == made


def test_concurrent_creations_of_one_sku_make_one_item(app, workspace):
    from starlette.testclient import TestClient

    headers = key_headers(workspace)
    with TestClient(app) as client, ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(lambda i: client.post(API + "create_item", headers=headers, json={
            "sku": "RACE", "name": f"Racer {i}"}), range(8)))
        listed = client.get(API + "list_items", headers=headers).json()["message"]
    assert sorted(a.status_code for a in answers) == [200] + [409] * 7
    assert all(a.json()["error_code"] == "duplicated" for a in answers if a.status_code == 409)
    assert listed["total"] == 1


# -- Absent: 404 -----------------------------------------------------------------------------------

@pytest.mark.parametrize("verb,method,body", [
    ("GET", "get_item", {"item": "NOPE"}),
    ("GET", "get_item", {"item": "0" * 32}),
    ("POST", "update_item", {"item": "NOPE", "name": "A"}),
    ("POST", "deactivate_item", {"item": "NOPE"}),
    ("POST", "activate_item", {"item": "NOPE"}),
])
def test_absent_items_are_404(call, headers, verb, method, body):
    create(call, headers)
    response = call(verb, method, headers, **body)
    assert response.status_code == 404, response.text
    answer = response.json()
    assert (answer["error_code"], answer["exception"], answer["exc_type"]) == ("no_content", "Item not found",
                                                                               "ItemNotFound")
    assert "item" in answer["field_errors"]


def test_an_absent_item_is_404_before_a_bad_product_is_417(call, headers):
    response = call("POST", "update_item", headers, item="NOPE", product_id="PRD-00042")
    assert response.status_code == 404


# -- The product link ------------------------------------------------------------------------------

def test_a_product_of_another_workspace_or_environment_is_refused(call, client, workspace, make_workspace):
    live = key_headers(workspace)
    create(call, live)
    for other in (key_headers(workspace, "sandbox"), key_headers(make_workspace("other"))):
        theirs = product(client, other, "Their bike")
        for ref in (theirs["id"], theirs["sku"]):
            refused = call("POST", "create_item", live, sku="NEW", name="A", product_id=ref)
            assert refused.status_code == 417 and refused.json()["exc_type"] == "UnknownProduct", refused.text
            assert "product_id" in refused.json()["field_errors"]
            refused = call("POST", "update_item", live, item="BOLT-M6", product_id=ref)
            assert refused.status_code == 417 and "product_id" in refused.json()["field_errors"]
    assert call("GET", "get_item", live, item="BOLT-M6").json()["message"]["product_id"] is None
    assert call("GET", "list_items", live).json()["message"]["total"] == 1
    ours = product(client, live, "Our bike")  # PRD-00001 here, as theirs were there
    linked = call("POST", "update_item", live, item="BOLT-M6", product_id="prd-00001").json()["message"]
    assert linked["product_id"] == ours["id"]


# -- Who may call ----------------------------------------------------------------------------------

def test_guests_read_keys_and_wrong_verbs(client, call, headers):
    assert client.post(API + "create_item", json={"sku": "A", "name": "A"}).status_code == 403
    assert client.get(API + "list_items").status_code == 403
    assert client.get(API + "create_item", params={"sku": "A", "name": "A"}, headers=headers).status_code == 405
    assert client.post(API + "get_item", json={"item": "A"}, headers=headers).status_code == 405
    reader = client.post("/api/method/doctypes.api_key.api.create_api_key", headers=headers,
                         json={"name": "reader", "scopes": ["read"]}).json()["message"]
    read_only = {"Authorization": f"token {reader['api_key']}:{reader['api_secret']}"}
    create(call, headers)
    assert call("GET", "get_item", read_only, item="BOLT-M6").status_code == 200
    assert call("GET", "list_items", read_only).status_code == 200
    for method, body in (("create_item", {"sku": "B", "name": "B"}), ("update_item", {"item": "BOLT-M6", "name": "B"}),
                         ("deactivate_item", {"item": "BOLT-M6"}), ("activate_item", {"item": "BOLT-M6"})):
        refused = call("POST", method, read_only, **body)
        assert refused.status_code == 403 and refused.json()["exc_type"] == "KeyScopeMissing", method


# -- Tenancy and the sandbox -------------------------------------------------------------------------

def test_another_workspace_or_environment_sees_and_changes_nothing(call, workspace, make_workspace):
    live = key_headers(workspace)
    made = create(call, live, attributes={"colour": "red"})
    for other in (key_headers(workspace, "sandbox"), key_headers(make_workspace("other"))):
        for ref in (made["id"], "BOLT-M6", "bolt-m6"):
            assert call("GET", "get_item", other, item=ref).status_code == 404
            assert call("POST", "update_item", other, item=ref, name="Mine", tracking="serial").status_code == 404
            assert call("POST", "deactivate_item", other, item=ref).status_code == 404
            assert call("POST", "activate_item", other, item=ref).status_code == 404
        assert call("GET", "list_items", other).json()["message"]["total"] == 0
        assert call("GET", "list_items", other, search="BOLT").json()["message"]["total"] == 0
        # The same SKU is theirs to take: another item.
        theirs = create(call, other, sku="bolt-m6", name="Theirs")
        assert theirs["id"] != made["id"] and theirs["sku"] == "BOLT-M6"
        call("POST", "deactivate_item", other, item="BOLT-M6")
        assert call("GET", "list_items", other).json()["message"]["total"] == 1
    assert call("GET", "get_item", live, item="BOLT-M6").json()["message"] == made  # untouched
    assert call("GET", "list_items", live).json()["message"]["total"] == 1
    # The other side's item is not reachable by its id from here either, nor ours from there.
    sandbox_one = call("GET", "get_item", key_headers(workspace, "sandbox"), item="BOLT-M6").json()["message"]
    assert call("GET", "get_item", live, item=sandbox_one["id"]).status_code == 404
    assert call("POST", "update_item", live, item=sandbox_one["id"], name="x").status_code == 404


# -- Generated input on real rows ------------------------------------------------------------------

ITEM_METHODS = ["create_item", "get_item", "list_items", "update_item", "deactivate_item", "activate_item"]


@pytest.mark.parametrize("method", ITEM_METHODS)
def test_generated_arguments_on_real_rows_are_never_a_server_error(client, rt, headers, method):
    """The framework's fuzz test draws made-up references; this one names real items and products
    (by id and SKU, in any case) among odd values, so calls get past the schema to the rules."""
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st
    from marshmallow import fields

    linked = product(client, headers)
    made = client.post(API + "create_item", json={"sku": "BOLT", "name": "A"}, headers=headers).json()["message"]
    client.post(API + "create_item", json={"sku": "OFF", "name": "Off"}, headers=headers)
    client.post(API + "deactivate_item", json={"item": "OFF"}, headers=headers)
    spec = rt.registry.method(f"doctypes.item.api.{method}")
    odd = st.one_of(st.sampled_from(["", " ", "a" * 70, "a b", "ﬀ", "-1", "9" * 30, "null", "%", "_", "\u202e",
                                     "1e999", "NaN", "-0", "0.0001"]),
                    st.booleans(), st.integers(min_value=-(2**70), max_value=2**70), st.none(),
                    st.floats(), st.lists(st.just("A"), max_size=2), st.dictionaries(st.just("a"), st.just(1)))
    skus = st.sampled_from(["BOLT", "bolt", "OFF", "NEW", "new-1", "x_y", "A.B"])

    def plausible(name: str, field: fields.Field) -> st.SearchStrategy[Any]:
        if name == "item":
            return st.sampled_from(["BOLT", "bolt", made["id"], "OFF", "NOPE"])
        if name == "product_id":
            return st.sampled_from([linked["id"], linked["sku"], "PRD-00009", "0" * 32, None])
        if name == "attributes":
            return st.dictionaries(st.text(max_size=45), st.text(max_size=10), max_size=22)
        if name == "tracking":
            return st.sampled_from(["none", "batch", "serial"])
        if name == "reorder_level":
            return st.decimals(min_value=0, max_value=10**13, places=4).map(str) | st.integers(-5, 10**13)
        if isinstance(field, fields.Boolean):
            return st.booleans()
        if isinstance(field, fields.Integer):
            return st.integers(min_value=1, max_value=1000)
        if name == "sku":
            return skus
        if name == "order":
            return st.sampled_from(["sku", "-sku", "created", "-created"])
        return st.text(min_size=1, max_size=20)

    def mostly_plausible(name: str, field: fields.Field) -> st.SearchStrategy[Any]:
        good = plausible(name, field)
        return st.integers(0, 9).flatmap(lambda n: odd if n == 0 else good)

    drawn = st.fixed_dictionaries({field.data_key or name: mostly_plausible(field.data_key or name, field)
                                   for name, field in spec.schema.fields.items()})

    @settings(max_examples=80, deadline=None, derandomize=True, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
    @given(args=drawn)
    def check(args: dict[str, Any]) -> None:
        if "POST" in spec.methods:
            response = client.post(API + method, json=args, headers=headers)
        else:
            response = client.get(API + method, params={k: v if isinstance(v, str) else json.dumps(v)
                                                         for k, v in args.items()}, headers=headers)
        assert response.status_code < 500, (args, response.text[:300])
        if response.status_code >= 400:
            assert response.json()["error_code"]

    check()
