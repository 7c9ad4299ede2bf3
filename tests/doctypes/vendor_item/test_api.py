"""Vendor catalogues over HTTP: an offer set (created, then changed field by field), read,
listed by vendor and item, removed; vendors must have the vendor role; bad inputs; tenancy
and sandbox for every method; and the resource."""

from __future__ import annotations

import pytest

from tests.support.helpers import key_headers

API = "/api/method/doctypes."


@pytest.fixture
def headers(workspace):
    return key_headers(workspace)


@pytest.fixture
def call(client, headers):
    def send(method: str, expect: int = 200, as_headers: dict | None = None, **body):
        if method.rpartition(".")[2].startswith(("get_", "list_")):  # GET methods: arguments in the query
            response = client.get(API + method, params=body, headers=as_headers or headers)
        else:
            response = client.post(API + method, json=body, headers=as_headers or headers)
        assert response.status_code == expect, response.text
        return response.json().get("message", response.json())
    return send


@pytest.fixture
def catalogue(call):
    """Acme Supply (a vendor), Shop (a customer only), items BOLT and NUT."""
    call("party.api.upsert_party", name="Acme Supply", roles=["vendor"])
    call("party.api.upsert_party", name="Shop", roles=["customer"])
    call("item.api.create_item", sku="BOLT", name="Bolt M6")
    call("item.api.create_item", sku="NUT", name="Nut M6", unit="box")
    return call


SET = "vendor_item.api.set_vendor_item"


def test_an_offer_is_created_then_changed_by_the_fields_sent(catalogue):
    made = catalogue(SET, vendor="Acme Supply", item="bolt", price="0.125", vendor_sku="AS-778",
                     lead_time_days=14, minimum_order=100)
    assert made["created"] is True
    assert (made["vendor"], made["item"], made["item_name"], made["price"], made["vendor_sku"],
            made["lead_time_days"], made["minimum_order"]) == ("Acme Supply", "BOLT", "Bolt M6", 0.125, "AS-778", 14, 100)
    changed = catalogue(SET, vendor=made["vendor_id"], item=made["item_id"], price=0.1)
    assert changed["created"] is False and changed["id"] == made["id"]
    assert (changed["price"], changed["vendor_sku"], changed["lead_time_days"], changed["minimum_order"]) == (
        0.1, "AS-778", 14, 100)
    cleared = catalogue(SET, vendor="Acme Supply", item="BOLT", price=0.1, vendor_sku=None, minimum_order=0)
    assert (cleared["vendor_sku"], cleared["minimum_order"]) == (None, 0)
    new = catalogue(SET, vendor="Acme Supply", item="NUT", price=3)
    assert (new["vendor_sku"], new["lead_time_days"], new["minimum_order"], new["unit"]) == (None, 0, 0, "box")
    got = catalogue("vendor_item.api.get_vendor_item", vendor="Acme Supply", item="nut")
    assert {k: v for k, v in got.items() if k != "updated_at"} == {
        k: v for k, v in new.items() if k not in ("created", "updated_at")}


def test_lists_by_vendor_and_item_and_removal(catalogue):
    catalogue("party.api.upsert_party", name="Bolt World", roles=["vendor", "customer"])
    catalogue(SET, vendor="Acme Supply", item="BOLT", price=1)
    catalogue(SET, vendor="Acme Supply", item="NUT", price=2)
    catalogue(SET, vendor="Bolt World", item="BOLT", price="0.9")
    every = catalogue("vendor_item.api.list_vendor_items")
    assert every["total"] == 3 and [o["price"] for o in every["data"]] == [1, 2, 0.9]
    acme = catalogue("vendor_item.api.list_vendor_items", vendor="Acme Supply")
    assert [o["item"] for o in acme["data"]] == ["BOLT", "NUT"]
    bolts = catalogue("vendor_item.api.list_vendor_items", item="BOLT", limit=1, offset=1)
    assert bolts["total"] == 2 and [o["vendor"] for o in bolts["data"]] == ["Bolt World"]
    removed = catalogue("vendor_item.api.remove_vendor_item", vendor="Acme Supply", item="BOLT")
    assert removed["price"] == 1
    catalogue("vendor_item.api.get_vendor_item", 404, vendor="Acme Supply", item="BOLT")
    catalogue("vendor_item.api.remove_vendor_item", 404, vendor="Acme Supply", item="BOLT")
    assert catalogue("vendor_item.api.list_vendor_items", vendor="Acme Supply")["total"] == 1


def test_the_vendor_must_be_a_vendor_and_things_must_exist(catalogue):
    refused = catalogue(SET, 417, vendor="Shop", item="BOLT", price=1)
    assert refused["exc_type"] == "PartyRoleMissing" and "vendor" in refused["field_errors"]
    assert catalogue(SET, 404, vendor="Nobody", item="BOLT", price=1)["field_errors"]["vendor"]
    assert catalogue(SET, 404, vendor="Acme Supply", item="SCREW", price=1)["field_errors"]["item"]
    catalogue("vendor_item.api.list_vendor_items", 404, vendor="Nobody")
    catalogue("vendor_item.api.list_vendor_items", 404, item="SCREW")
    catalogue("vendor_item.api.get_vendor_item", 404, vendor="Shop", item="BOLT")
    # An offer stays readable and removable once its party is no vendor any more.
    catalogue(SET, vendor="Acme Supply", item="BOLT", price=1)
    party = catalogue("party.api.get_party", party_id="Acme Supply")
    catalogue("party.api.remove_party_role", party_id=party["id"], role="vendor")
    assert catalogue("vendor_item.api.get_vendor_item", vendor="Acme Supply", item="BOLT")["price"] == 1
    catalogue(SET, 417, vendor="Acme Supply", item="BOLT", price=2)
    catalogue("vendor_item.api.remove_vendor_item", vendor="Acme Supply", item="BOLT")


@pytest.mark.parametrize("bad", [
    {"price": -1}, {"price": "0.00001"}, {"price": "x"}, {"price": None}, {"price": 10**13}, {"price": True},
    {"lead_time_days": -1}, {"lead_time_days": 3651}, {"lead_time_days": "soon"}, {"minimum_order": -1},
    {"minimum_order": "0.0001"}, {"vendor_sku": ""}, {"vendor_sku": "s" * 65}, {"vendor": ""}, {"vendor": "v" * 256},
    {"item": "a b"}, {"item": "x" * 65}, {"colour": "red"},
])
def test_bad_offers_answer_417_naming_the_field(catalogue, bad):
    body = {"vendor": "Acme Supply", "item": "BOLT", "price": 1, **bad}
    refused = catalogue(SET, 417, **body)
    assert set(refused["field_errors"]) & set(bad)
    assert catalogue("vendor_item.api.list_vendor_items")["total"] == 0


def test_missing_arguments_and_bad_pages(catalogue):
    for body in ({"item": "BOLT", "price": 1}, {"vendor": "Acme Supply", "price": 1}, {"vendor": "Acme Supply",
                                                                                      "item": "BOLT"}):
        catalogue(SET, 417, **body)
    catalogue("vendor_item.api.get_vendor_item", 417, vendor="Acme Supply")
    catalogue("vendor_item.api.list_vendor_items", 417, limit=0)
    catalogue("vendor_item.api.list_vendor_items", 417, offset=-1)


def test_other_workspaces_and_the_sandbox_see_nothing(catalogue, make_workspace, workspace):
    catalogue(SET, vendor="Acme Supply", item="BOLT", price=1)
    for other in (key_headers(make_workspace("other")), key_headers(workspace, "sandbox")):
        catalogue(SET, 404, as_headers=other, vendor="Acme Supply", item="BOLT", price=5)
        catalogue("vendor_item.api.get_vendor_item", 404, as_headers=other, vendor="Acme Supply", item="BOLT")
        catalogue("vendor_item.api.remove_vendor_item", 404, as_headers=other, vendor="Acme Supply", item="BOLT")
        catalogue("vendor_item.api.list_vendor_items", 404, as_headers=other, vendor="Acme Supply")
        assert catalogue("vendor_item.api.list_vendor_items", as_headers=other)["total"] == 0
    sandbox = key_headers(workspace, "sandbox")
    catalogue("party.api.upsert_party", as_headers=sandbox, name="Acme Supply", roles=["vendor"])
    catalogue("item.api.create_item", as_headers=sandbox, sku="BOLT", name="Sandbox bolt")
    catalogue(SET, as_headers=sandbox, vendor="Acme Supply", item="BOLT", price=7)
    assert catalogue("vendor_item.api.get_vendor_item", vendor="Acme Supply", item="BOLT")["price"] == 1
    assert catalogue("vendor_item.api.get_vendor_item", as_headers=sandbox, vendor="Acme Supply", item="BOLT")[
        "price"] == 7


def test_a_read_only_key_reads_but_does_not_set(catalogue, client, workspace):
    catalogue(SET, vendor="Acme Supply", item="BOLT", price=1)
    made = client.post(API + "api_key.api.create_api_key", json={"name": "reader", "scopes": ["read"]},
                       headers=key_headers(workspace)).json()["message"]
    reader = {"X-Traciqo-API-Key": made["api_key"], "X-Traciqo-API-Secret": made["api_secret"]}
    catalogue(SET, 403, as_headers=reader, vendor="Acme Supply", item="BOLT", price=2)
    catalogue("vendor_item.api.remove_vendor_item", 403, as_headers=reader, vendor="Acme Supply", item="BOLT")
    assert catalogue("vendor_item.api.get_vendor_item", as_headers=reader, vendor="Acme Supply", item="BOLT")[
        "price"] == 1
    catalogue("vendor_item.api.list_vendor_items", 401, as_headers={"X-Traciqo-API-Key": "tq_live_nope",
                                                                   "X-Traciqo-API-Secret": "nope"})


def test_concurrent_sets_make_one_offer(app, catalogue, headers):
    from concurrent.futures import ThreadPoolExecutor

    from starlette.testclient import TestClient

    with TestClient(app) as client:
        def attempt(price: int) -> int:
            return client.post(API + SET, json={"vendor": "Acme Supply", "item": "BOLT", "price": price},
                               headers=headers).status_code

        with ThreadPoolExecutor(max_workers=8) as pool:
            assert list(pool.map(attempt, range(1, 9))) == [200] * 8
    assert catalogue("vendor_item.api.list_vendor_items")["total"] == 1


def test_as_a_resource(catalogue, client, headers):
    made = catalogue(SET, vendor="Acme Supply", item="BOLT", price="1.5", minimum_order="2.5", vendor_sku="V-1")
    listed = client.get("/api/resource/Vendor Item", params={"fields": '["*"]', "filters": f'[["vendor_id", "=", '
                                                             f'"{made["vendor_id"]}"]]'}, headers=headers).json()
    assert [(d["name"], d["price"], d["minimum_order"], d["vendor_sku"]) for d in listed["data"]] == [
        (made["id"], 1.5, 2.5, "V-1")]
    one = client.get(f"/api/resource/Vendor Item/{made['id']}", headers=headers).json()["data"]
    assert (one["item_id"], one["lead_time_days"]) == (made["item_id"], 0)
    assert client.post("/api/resource/Vendor Item", json={"vendor_id": made["vendor_id"]}, headers=headers
                       ).status_code == 417
