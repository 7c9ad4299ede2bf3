"""Trakor's idempotent product push, plus get and list."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.support.helpers import key_headers

API = "/api/method/doctypes.product.api."


@pytest.fixture
def headers(workspace):
    return key_headers(workspace)


def upsert(client, headers, **body):
    return client.post(API + "upsert_product", json=body, headers=headers)


def test_create_then_idempotent(client, headers):
    first = upsert(client, headers, name="Steel Rod 12mm", description="Construction-grade rebar", price=450)
    assert first.status_code == 200
    created = first.json()["message"]
    assert created["created"] is True and created["sku"] == "PRD-00001" and len(created["id"]) == 32
    again = upsert(client, headers, name="Steel Rod 12mm", description="Construction-grade rebar", price=450.0).json()["message"]
    assert (again["id"], again["created"], again["updated"]) == (created["id"], False, False)
    changed = upsert(client, headers, name=" Steel Rod 12mm ", price="460.50").json()["message"]
    assert (changed["id"], changed["created"], changed["updated"]) == (created["id"], False, True)
    product = client.get(API + "get_product", params={"product_id": "PRD-00001"}, headers=headers).json()["message"]
    assert (product["price"], product["description"], product["warranty_months"]) == (460.5, "Construction-grade rebar", 12)


def test_skus_count_up(client, headers):
    skus = [upsert(client, headers, name=f"P{i}").json()["message"]["sku"] for i in range(3)]
    assert skus == ["PRD-00001", "PRD-00002", "PRD-00003"]


def test_gtin_is_checked_and_padded(client, headers):
    ok = upsert(client, headers, name="Pen", gtin="4006381333931").json()["message"]
    product = client.get(API + "get_product", params={"product_id": ok["id"]}, headers=headers).json()["message"]
    assert product["gtin"] == "04006381333931"
    bad = upsert(client, headers, name="Pen 2", gtin="4006381333932")
    assert bad.status_code == 417 and "gtin" in bad.json()["field_errors"]


@pytest.mark.parametrize(
    "body,field",
    [({}, "name"), ({"name": ""}, "name"), ({"name": "   "}, "name"), ({"name": "x" * 256}, "name"),
     ({"name": "A", "price": -1}, "price"), ({"name": "A", "price": "cheap"}, "price"),
     ({"name": "A", "warranty_months": 601}, "warranty_months"), ({"name": "A", "gtin": "12ab"}, "gtin"),
     ({"name": "A", "sku": "PRD-9"}, "sku")],
)
def test_upsert_bad_inputs(client, headers, body, field):
    response = upsert(client, headers, **body)
    assert response.status_code == 417
    assert field in response.json()["field_errors"]


def test_other_verbs_and_guests(client, headers):
    assert client.get(API + "upsert_product", params={"name": "A"}, headers=headers).status_code == 405
    assert client.post(API + "upsert_product", json={"name": "A"}).status_code == 403
    assert client.get(API + "get_product", params={"product_id": "nope"}, headers=headers).status_code == 404
    assert client.get(API + "get_product", headers=headers).status_code == 417
    assert client.get(API + "list_products", params={"limit": 0}, headers=headers).status_code == 417


def test_same_name_in_other_workspace_and_environment_is_another_product(client, workspace, make_workspace):
    live = upsert(client, key_headers(workspace), name="Vase").json()["message"]
    sandbox = upsert(client, key_headers(workspace, "sandbox"), name="Vase").json()["message"]
    other = upsert(client, key_headers(make_workspace("other")), name="Vase").json()["message"]
    assert live["created"] and sandbox["created"] and other["created"]
    assert len({live["id"], sandbox["id"], other["id"]}) == 3
    assert client.get(API + "get_product", params={"product_id": live["id"]},
                      headers=key_headers(workspace, "sandbox")).status_code == 404
    listed = client.get(API + "list_products", headers=key_headers(workspace)).json()["message"]
    assert [p["id"] for p in listed["data"]] == [live["id"]]


def test_list_products_filters_and_pages(client, headers):
    for name in ("Red Vase", "Blue Vase", "Chair"):
        upsert(client, headers, name=name)
    vases = client.get(API + "list_products", params={"name": "Vase"}, headers=headers).json()["message"]
    assert vases["total"] == 2
    page = client.get(API + "list_products", params={"limit": 1, "offset": 2}, headers=headers).json()["message"]
    assert [p["name"] for p in page["data"]] == ["Chair"]


def test_concurrent_pushes_of_one_name_create_one_product(app, workspace):
    from starlette.testclient import TestClient

    headers = key_headers(workspace)
    with TestClient(app) as client, ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda _: upsert(client, headers, name="Racer").json()["message"], range(8)))
    assert len({r["id"] for r in results}) == 1
    assert sum(r["created"] for r in results) == 1


@pytest.mark.parametrize("product_id", ["PRD-²", "PRD-" + "9" * 40, "PRD-٣"])
def test_sku_like_ids_a_column_cannot_hold_are_simply_unknown(client, headers, product_id):
    response = client.get(API + "get_product", params={"product_id": product_id}, headers=headers)
    assert response.status_code == 404, response.text


def test_a_gtin_in_other_digits_is_refused(client, headers):
    response = client.post(API + "upsert_product", json={"name": "Vase", "gtin": "٤٠٠٦٣٨١٣٣٣٩٣١"}, headers=headers)
    assert response.status_code == 417 and "gtin" in response.json()["field_errors"]
