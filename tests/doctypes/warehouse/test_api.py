"""Warehouses and bins through their methods: answers as the OpenAPI document says, every bad
input, duplicates, absences, inactive warehouses and bins, tenancy and the sandbox."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from tests.support.conformance import check_answer
from tests.support.helpers import key_headers
from traciqo_rpc.untrusted import MAX_JSON_DEPTH

API = "/api/method/doctypes.warehouse.api."


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


def create(call, headers, code: str = "WH-1", name: str = "Main store", **more: Any) -> dict[str, Any]:
    response = call("POST", "create_warehouse", headers, code=code, name=name, **more)
    assert response.status_code == 200, response.text
    return response.json()["message"]


def bin_codes(warehouse: dict[str, Any]) -> list[str]:
    return [b["code"] for b in warehouse["bins"]]


# -- Happy paths ---------------------------------------------------------------------------------

def test_create_gives_a_main_bin_and_the_bins_named(call, headers):
    made = create(call, headers, code=" wh-1 ", name=" Pune DC ", address="Plot 4, Chakan MIDC",
                  bins=["a-01", "B.02", "a-01", "main"])
    assert len(made["id"]) == 32 and made["code"] == "WH-1" and made["name"] == "Pune DC" and made["active"]
    assert made["address"] == "Plot 4, Chakan MIDC"
    assert bin_codes(made) == ["A-01", "B.02", "MAIN"]  # repeats and MAIN count once, by code
    assert [b["default"] for b in made["bins"]] == [False, False, True]
    assert all(b["warehouse_id"] == made["id"] and b["active"] and b["name"] == "" for b in made["bins"])
    for ref in (made["id"], "WH-1", "wh-1", " Wh-1 "):
        got = call("GET", "get_warehouse", headers, warehouse=ref).json()["message"]
        assert got == made


def test_a_warehouse_without_bins_named_has_only_main(call, headers):
    made = create(call, headers, code="X")
    assert bin_codes(made) == ["MAIN"] and made["address"] == ""


def test_update_changes_only_what_is_sent(call, headers):
    made = create(call, headers, address="Old road")
    changed = call("POST", "update_warehouse", headers, warehouse="wh-1", name="Renamed").json()["message"]
    assert (changed["name"], changed["address"], changed["code"], changed["active"]) == ("Renamed", "Old road",
                                                                                        "WH-1", True)
    changed = call("POST", "update_warehouse", headers, warehouse=made["id"], address="", active=False).json()["message"]
    assert (changed["name"], changed["address"], changed["active"]) == ("Renamed", "", False)
    assert call("GET", "get_warehouse", headers, warehouse="WH-1").json()["message"]["active"] is False


def test_add_and_list_bins(call, headers):
    made = create(call, headers)
    added = call("POST", "add_bin", headers, warehouse="wh-1", bin="r1-s2", name="Rack 1, shelf 2").json()["message"]
    assert (added["code"], added["name"], added["warehouse_id"], added["default"]) == ("R1-S2", "Rack 1, shelf 2",
                                                                                      made["id"], False)
    for code in ("A", "Z", "M"):
        call("POST", "add_bin", headers, warehouse=made["id"], bin=code)
    page = call("GET", "list_bins", headers, warehouse="WH-1").json()["message"]
    assert [b["code"] for b in page["data"]] == ["A", "M", "MAIN", "R1-S2", "Z"] and page["total"] == 5
    page = call("GET", "list_bins", headers, warehouse="WH-1", limit=2, offset=2).json()["message"]
    assert [b["code"] for b in page["data"]] == ["MAIN", "R1-S2"] and (page["limit"], page["offset"]) == (2, 2)
    assert bin_codes(call("GET", "get_warehouse", headers, warehouse="WH-1").json()["message"]) == [
        "A", "M", "MAIN", "R1-S2", "Z"]


def test_deactivate_and_activate_a_bin(call, headers):
    create(call, headers, bins=["A"])
    off = call("POST", "deactivate_bin", headers, warehouse="WH-1", bin="a").json()["message"]
    assert (off["code"], off["active"]) == ("A", False)
    again = call("POST", "deactivate_bin", headers, warehouse="WH-1", bin="A")  # already inactive: the same answer
    assert again.status_code == 200 and again.json()["message"]["active"] is False
    active = call("GET", "list_bins", headers, warehouse="WH-1", active="true").json()["message"]
    inactive = call("GET", "list_bins", headers, warehouse="WH-1", active="false").json()["message"]
    assert [b["code"] for b in active["data"]] == ["MAIN"] and [b["code"] for b in inactive["data"]] == ["A"]
    on = call("POST", "activate_bin", headers, warehouse="WH-1", bin="A").json()["message"]
    assert on["active"] is True


def test_the_main_bin_stays_active(call, headers):
    create(call, headers)
    refused = call("POST", "deactivate_bin", headers, warehouse="WH-1", bin="main")
    assert refused.status_code == 417 and refused.json()["exc_type"] == "DefaultBinKept"
    assert "bin" in refused.json()["field_errors"]
    assert call("POST", "activate_bin", headers, warehouse="WH-1", bin="MAIN").json()["message"]["active"] is True


def test_list_warehouses_searches_filters_orders_and_pages(call, headers):
    first = create(call, headers, code="PUNE", name="Pune DC")
    create(call, headers, code="BLR", name="Bengaluru store")
    create(call, headers, code="DEL-2", name="Delhi returns")
    call("POST", "update_warehouse", headers, warehouse="DEL-2", active=False)

    def codes(**params: Any) -> list[str]:
        return [w["code"] for w in call("GET", "list_warehouses", headers, **params).json()["message"]["data"]]

    assert codes() == ["BLR", "DEL-2", "PUNE"]
    assert codes(order="-code") == ["PUNE", "DEL-2", "BLR"]
    assert codes(order="created") == ["PUNE", "BLR", "DEL-2"] and codes(order="-created") == ["DEL-2", "BLR", "PUNE"]
    assert codes(search="store") == ["BLR"] and codes(search="pun") == ["PUNE"] and codes(search="e") == [
        "BLR", "DEL-2", "PUNE"]
    assert codes(active="false") == ["DEL-2"] and codes(active="true") == ["BLR", "PUNE"]
    page = call("GET", "list_warehouses", headers, limit=1, offset=2).json()["message"]
    assert page["total"] == 3 and [w["id"] for w in page["data"]] == [first["id"]]
    assert "bins" not in page["data"][0]


# -- Bad input: 417 naming the argument ------------------------------------------------------------

ODD_CODES = ["", " ", "x" * 33, "a b", "a/b", "a,b", "a:b", "ÉTÉ", "ﬀ", "١٢", "a\nb", "a\tb", "a%", "a*", "'--",
             "<b>", 7, 12.5, True, None, [], ["A"], {"a": 1}]


@pytest.mark.parametrize("code", ODD_CODES)
def test_create_refuses_odd_codes(call, headers, code):
    response = call("POST", "create_warehouse", headers, code=code, name="A")
    assert response.status_code == 417, response.text
    assert "code" in response.json()["field_errors"]


@pytest.mark.parametrize("body,field", [
    ({"name": "A"}, "code"),
    ({"code": "A"}, "name"), ({"code": "A", "name": "  "}, "name"), ({"code": "A", "name": "x" * 256}, "name"),
    ({"code": "A", "name": ["x"]}, "name"),
    ({"code": "A", "name": "A", "address": "x" * 2001}, "address"), ({"code": "A", "name": "A", "address": 5}, "address"),
    ({"code": "A", "name": "A", "bins": "A"}, "bins"), ({"code": "A", "name": "A", "bins": ["ok", "no way"]}, "bins"),
    ({"code": "A", "name": "A", "bins": [f"B{i}" for i in range(101)]}, "bins"),
    ({"code": "A", "name": "A", "bins": [["A"]]}, "bins"), ({"code": "A", "name": "A", "bins": {"A": 1}}, "bins"),
    ({"code": "A", "name": "A", "active": False}, "active"),  # not an argument of create
    ({"code": "A", "name": "A", "id": "0" * 32}, "id"),
    ({"code": "x" * 100_000, "name": "A"}, "code"),
])
def test_create_bad_inputs(call, headers, body, field):
    response = call("POST", "create_warehouse", headers, **body)
    assert response.status_code == 417, response.text
    assert field in response.json()["field_errors"]


def test_unstorable_and_deep_values(client, headers):
    for escaped in ("A\\u0000", "\\ud800"):  # NUL and a lone surrogate, as JSON escapes
        body = '{"code": "' + escaped + '", "name": "A"}'
        response = client.post(API + "create_warehouse", content=body,
                               headers={**headers, "Content-Type": "application/json"})
        assert response.status_code == 417 and "code" in response.json()["field_errors"], response.text
    shallow = client.post(API + "create_warehouse", json={"code": [[["A"]]], "name": "A"}, headers=headers)
    assert shallow.status_code == 417 and "code" in shallow.json()["field_errors"]
    deep: Any = "A"
    for _ in range(MAX_JSON_DEPTH + 2):
        deep = [deep]
    too_deep = client.post(API + "create_warehouse", json={"code": "A", "name": "A", "bins": deep}, headers=headers)
    assert too_deep.status_code == 400 and too_deep.json()["error_code"] == "invalid_request"


@pytest.mark.parametrize("method,verb,body,field", [
    ("update_warehouse", "POST", {"warehouse": "WH-1"}, "warehouse"),  # nothing to change
    ("update_warehouse", "POST", {"name": "A"}, "warehouse"),
    ("update_warehouse", "POST", {"warehouse": "WH-1", "name": " "}, "name"),
    ("update_warehouse", "POST", {"warehouse": "WH-1", "active": "maybe"}, "active"),
    ("update_warehouse", "POST", {"warehouse": "WH-1", "code": "NEW"}, "code"),  # codes stay
    ("update_warehouse", "POST", {"warehouse": "WH-1", "address": "x" * 2001}, "address"),
    ("get_warehouse", "GET", {}, "warehouse"),
    ("get_warehouse", "GET", {"warehouse": "x" * 33}, "warehouse"),
    ("get_warehouse", "GET", {"warehouse": "../etc"}, "warehouse"),
    ("get_warehouse", "GET", {"warehouse": "' OR 1=1 --"}, "warehouse"),
    ("list_warehouses", "GET", {"limit": 0}, "limit"), ("list_warehouses", "GET", {"limit": 1001}, "limit"),
    ("list_warehouses", "GET", {"offset": -1}, "offset"), ("list_warehouses", "GET", {"offset": "9" * 40}, "offset"),
    ("list_warehouses", "GET", {"order": "name"}, "order"), ("list_warehouses", "GET", {"search": ""}, "search"),
    ("list_warehouses", "GET", {"search": "x" * 256}, "search"), ("list_warehouses", "GET", {"active": "x"}, "active"),
    ("add_bin", "POST", {"warehouse": "WH-1"}, "bin"), ("add_bin", "POST", {"bin": "A"}, "warehouse"),
    ("add_bin", "POST", {"warehouse": "WH-1", "bin": "a b"}, "bin"),
    ("add_bin", "POST", {"warehouse": "WH-1", "bin": "A", "name": "x" * 256}, "name"),
    ("add_bin", "POST", {"warehouse": "WH-1", "bin": "A", "code": "A"}, "code"),
    ("list_bins", "GET", {}, "warehouse"), ("list_bins", "GET", {"warehouse": "WH-1", "limit": 1001}, "limit"),
    ("list_bins", "GET", {"warehouse": "WH-1", "active": "x"}, "active"),
    ("deactivate_bin", "POST", {"warehouse": "WH-1"}, "bin"), ("activate_bin", "POST", {"bin": "A"}, "warehouse"),
    ("deactivate_bin", "POST", {"warehouse": "WH-1", "bin": "x" * 33}, "bin"),
])
def test_other_bad_inputs(call, headers, method, verb, body, field):
    create(call, headers)
    response = call(verb, method, headers, **body)
    assert response.status_code == 417, response.text
    assert field in response.json()["field_errors"]


# -- Duplicates: 409 -------------------------------------------------------------------------------

def test_a_code_is_taken_in_any_case(call, headers):
    create(call, headers, code="WH-1")
    again = call("POST", "create_warehouse", headers, code="wh-1", name="Another")
    assert again.status_code == 409 and again.json()["error_code"] == "duplicated"
    assert again.json()["exc_type"] == "WarehouseCodeTaken" and "code" in again.json()["field_errors"]
    assert call("GET", "list_warehouses", headers).json()["message"]["total"] == 1


def test_a_bin_code_is_unique_within_its_warehouse_only(call, headers):
    one, two = create(call, headers, code="ONE"), create(call, headers, code="TWO")
    assert call("POST", "add_bin", headers, warehouse="ONE", bin="A-1").status_code == 200
    for code in ("A-1", "a-1", "MAIN"):
        taken = call("POST", "add_bin", headers, warehouse="ONE", bin=code)
        assert taken.status_code == 409 and taken.json()["exc_type"] == "BinCodeTaken", code
        assert "bin" in taken.json()["field_errors"]
    other = call("POST", "add_bin", headers, warehouse="TWO", bin="a-1")
    assert other.status_code == 200 and other.json()["message"]["warehouse_id"] == two["id"]
    assert bin_codes(call("GET", "get_warehouse", headers, warehouse=one["id"]).json()["message"]) == ["A-1", "MAIN"]


def test_concurrent_creations_of_one_code_make_one_warehouse(app, workspace):
    from starlette.testclient import TestClient

    headers = key_headers(workspace)
    with TestClient(app) as client, ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(lambda i: client.post(API + "create_warehouse", headers=headers, json={
            "code": "RACE", "name": f"Racer {i}", "bins": ["A"]}).status_code, range(8)))
        listed = client.get(API + "list_warehouses", headers=headers).json()["message"]
        bins = client.get(API + "list_bins", params={"warehouse": "RACE"}, headers=headers).json()["message"]
    assert sorted(statuses) == [200] + [409] * 7
    assert listed["total"] == 1 and bins["total"] == 2  # the losers left no bins behind


def test_concurrent_adds_of_one_bin_code_make_one_bin(app, workspace):
    from starlette.testclient import TestClient

    headers = key_headers(workspace)
    with TestClient(app) as client, ThreadPoolExecutor(max_workers=8) as pool:
        client.post(API + "create_warehouse", headers=headers, json={"code": "W", "name": "W"})
        statuses = list(pool.map(lambda _: client.post(API + "add_bin", headers=headers, json={
            "warehouse": "W", "bin": "RACE"}).status_code, range(8)))
    assert sorted(statuses) == [200] + [409] * 7


def test_a_warehouse_holds_at_most_max_bins(call, headers, monkeypatch):
    from doctypes.warehouse import service

    monkeypatch.setattr(service, "MAX_BINS", 3)
    create(call, headers, bins=["A"])
    assert call("POST", "add_bin", headers, warehouse="WH-1", bin="B").status_code == 200
    full = call("POST", "add_bin", headers, warehouse="WH-1", bin="C")
    assert full.status_code == 417 and full.json()["error_code"] == "limit_exceeded" and "bin" in full.json()["field_errors"]


# -- Absent: 404 -----------------------------------------------------------------------------------

@pytest.mark.parametrize("verb,method,body,field,message", [
    ("GET", "get_warehouse", {"warehouse": "NOPE"}, "warehouse", "Warehouse not found"),
    ("GET", "get_warehouse", {"warehouse": "0" * 32}, "warehouse", "Warehouse not found"),
    ("POST", "update_warehouse", {"warehouse": "NOPE", "name": "A"}, "warehouse", "Warehouse not found"),
    ("POST", "add_bin", {"warehouse": "NOPE", "bin": "A"}, "warehouse", "Warehouse not found"),
    ("GET", "list_bins", {"warehouse": "NOPE"}, "warehouse", "Warehouse not found"),
    ("POST", "deactivate_bin", {"warehouse": "NOPE", "bin": "A"}, "warehouse", "Warehouse not found"),
    ("POST", "deactivate_bin", {"warehouse": "WH-1", "bin": "NOPE"}, "bin", "Bin not found"),
    ("POST", "activate_bin", {"warehouse": "WH-1", "bin": "NOPE"}, "bin", "Bin not found"),
])
def test_absent_warehouses_and_bins_are_404(call, headers, verb, method, body, field, message):
    create(call, headers)
    response = call(verb, method, headers, **body)
    assert response.status_code == 404, response.text
    answer = response.json()
    assert (answer["error_code"], answer["exception"]) == ("no_content", message) and field in answer["field_errors"]


# -- Inactive: 403 ---------------------------------------------------------------------------------

def test_an_inactive_warehouse_takes_no_bin_changes_until_reactivated(call, headers):
    create(call, headers, bins=["A"])
    call("POST", "update_warehouse", headers, warehouse="WH-1", active=False)
    for method, body in (("add_bin", {"bin": "B"}), ("deactivate_bin", {"bin": "A"}), ("activate_bin", {"bin": "A"})):
        refused = call("POST", method, headers, warehouse="WH-1", **body)
        assert refused.status_code == 403, (method, refused.text)
        answer = refused.json()
        assert (answer["error_code"], answer["exception"], answer["exc_type"]) == (
            "inactive", "Warehouse is inactive", "WarehouseInactive")
    detail = call("GET", "get_warehouse", headers, warehouse="WH-1").json()["message"]  # still readable
    assert bin_codes(detail) == ["A", "MAIN"] and all(b["active"] for b in detail["bins"])
    call("POST", "update_warehouse", headers, warehouse="WH-1", active=True)
    assert call("POST", "add_bin", headers, warehouse="WH-1", bin="B").status_code == 200


# -- Who may call ----------------------------------------------------------------------------------

def test_guests_read_keys_and_wrong_verbs(client, call, headers):
    assert client.post(API + "create_warehouse", json={"code": "A", "name": "A"}).status_code == 403
    assert client.get(API + "list_warehouses").status_code == 403
    assert client.get(API + "create_warehouse", params={"code": "A", "name": "A"}, headers=headers).status_code == 405
    assert client.post(API + "get_warehouse", json={"warehouse": "A"}, headers=headers).status_code == 405
    reader = client.post("/api/method/doctypes.api_key.api.create_api_key", headers=headers,
                         json={"name": "reader", "scopes": ["read"]}).json()["message"]
    read_only = {"Authorization": f"token {reader['api_key']}:{reader['api_secret']}"}
    create(call, headers)
    assert call("GET", "get_warehouse", read_only, warehouse="WH-1").status_code == 200
    assert call("GET", "list_bins", read_only, warehouse="WH-1").status_code == 200
    for method, body in (("create_warehouse", {"code": "B", "name": "B"}), ("add_bin", {"warehouse": "WH-1", "bin": "B"}),
                         ("update_warehouse", {"warehouse": "WH-1", "name": "B"}),
                         ("deactivate_bin", {"warehouse": "WH-1", "bin": "MAIN"})):
        refused = call("POST", method, read_only, **body)
        assert refused.status_code == 403 and refused.json()["exc_type"] == "KeyScopeMissing", method


# -- Tenancy and the sandbox -------------------------------------------------------------------------

def test_another_workspace_or_environment_sees_and_changes_nothing(call, workspace, make_workspace):
    live = key_headers(workspace)
    made = create(call, live, bins=["A"])
    for other in (key_headers(workspace, "sandbox"), key_headers(make_workspace("other"))):
        for ref in (made["id"], "WH-1"):
            assert call("GET", "get_warehouse", other, warehouse=ref).status_code == 404
            assert call("GET", "list_bins", other, warehouse=ref).status_code == 404
            assert call("POST", "update_warehouse", other, warehouse=ref, name="Mine", active=False).status_code == 404
            assert call("POST", "add_bin", other, warehouse=ref, bin="B").status_code == 404
            assert call("POST", "deactivate_bin", other, warehouse=ref, bin="A").status_code == 404
        assert call("GET", "list_warehouses", other).json()["message"]["total"] == 0
        assert call("GET", "list_warehouses", other, search="WH").json()["message"]["total"] == 0
        # The same code is theirs to take: another warehouse, with its own MAIN bin.
        theirs = create(call, other, code="wh-1", name="Theirs", bins=["A"])
        assert theirs["id"] != made["id"] and bin_codes(theirs) == ["A", "MAIN"]
        assert {b["id"] for b in theirs["bins"]}.isdisjoint(b["id"] for b in made["bins"])
        call("POST", "deactivate_bin", other, warehouse="WH-1", bin="A")
        call("POST", "update_warehouse", other, warehouse="WH-1", active=False)
        assert call("GET", "list_warehouses", other).json()["message"]["total"] == 1
    assert call("GET", "get_warehouse", live, warehouse="WH-1").json()["message"] == made  # untouched
    assert call("GET", "list_warehouses", live).json()["message"]["total"] == 1
    # The other side's warehouse is not reachable by its id from here either.
    sandbox_one = call("GET", "get_warehouse", key_headers(workspace, "sandbox"), warehouse="WH-1").json()["message"]
    assert call("GET", "get_warehouse", live, warehouse=sandbox_one["id"]).status_code == 404


# -- Generated input on real rows ------------------------------------------------------------------

WAREHOUSE_METHODS = ["create_warehouse", "get_warehouse", "list_warehouses", "update_warehouse", "add_bin",
                     "list_bins", "deactivate_bin", "activate_bin"]


@pytest.mark.parametrize("method", WAREHOUSE_METHODS)
def test_generated_arguments_on_real_rows_are_never_a_server_error(client, rt, headers, method):
    """The framework's fuzz test draws made-up references; this one names real warehouses and bins
    (by id and code, in any case) among odd values, so calls get past the schema to the rules."""
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st
    from marshmallow import fields

    made = client.post(API + "create_warehouse", json={"code": "WH-1", "name": "A", "bins": ["A"]},
                       headers=headers).json()["message"]
    client.post(API + "create_warehouse", json={"code": "OFF", "name": "Off"}, headers=headers)
    client.post(API + "update_warehouse", json={"warehouse": "OFF", "active": False}, headers=headers)
    spec = rt.registry.method(f"doctypes.warehouse.api.{method}")
    odd = st.one_of(st.sampled_from(["", " ", "a" * 40, "a b", "ﬀ", "-1", "9" * 30, "null", "%", "_", "\u202e"]),
                    st.booleans(), st.integers(min_value=-(2**70), max_value=2**70), st.none(),
                    st.lists(st.just("A"), max_size=2), st.dictionaries(st.just("a"), st.just(1)))
    codes = st.sampled_from(["WH-1", "wh-1", "OFF", "MAIN", "main", "A", "B", "C.1", "x_y"])

    def plausible(name: str, field: fields.Field) -> st.SearchStrategy[Any]:
        if name == "warehouse":
            return st.sampled_from(["WH-1", "wh-1", made["id"], "OFF", "NOPE"])
        if isinstance(field, fields.List):
            return st.lists(codes, max_size=4)
        if isinstance(field, fields.Boolean):
            return st.booleans()
        if isinstance(field, fields.Integer):
            return st.integers(min_value=1, max_value=1000)
        if name in ("bin", "code"):
            return codes
        if name == "order":
            return st.sampled_from(["code", "-code", "created", "-created"])
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
