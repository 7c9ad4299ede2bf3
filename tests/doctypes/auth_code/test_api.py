"""create_code and the code/batch methods: happy paths, bad inputs, plan limits, tenancy, sandbox."""

from __future__ import annotations

import csv
import io
import json
from concurrent.futures import ThreadPoolExecutor

import pytest

from doctypes.auth_code import codes
from doctypes.event.model import Event
from doctypes.workspace.model import Workspace
from tests.support.helpers import key_headers, subscribe

API = "/api/method/doctypes.auth_code.api."
CREATE = API + "create_code"


@pytest.fixture
def headers(workspace):
    return key_headers(workspace)


@pytest.fixture
def product_id(client, headers):
    body = {"name": "Steel Rod 12mm", "gtin": "4006381333931", "warranty_months": 24}
    return client.post("/api/method/doctypes.product.api.upsert_product", json=body, headers=headers).json()["message"]["id"]


def create(client, headers, **body):
    return client.post(CREATE, json={"batch_name": "B1", **body}, headers=headers)


def test_create_code_answers_traciqo_shape(client, headers):
    response = create(client, headers, quantity=3)
    assert response.status_code == 200
    message = response.json()["message"]
    assert message["status"] == "success" and message["batch"] == "B1"
    assert len(message["codes"]) == len(set(message["codes"])) == 3
    for shown in message["codes"]:
        assert shown.startswith("ACME-")
        assert codes.is_valid(codes.normalise(shown))


def test_quantity_defaults_to_one(client, headers):
    assert len(create(client, headers).json()["message"]["codes"]) == 1


def test_traciqo_alias_path(client, headers):
    response = client.post("/api/method/verilink_qr.verilink_qr.api.create_code", json={"batch_name": "X"}, headers=headers)
    assert response.status_code == 200 and len(response.json()["message"]["codes"]) == 1


def test_form_encoded_request_works(client, headers):
    response = client.post(CREATE, data={"batch_name": "F", "quantity": "2", "is_sandbox": "0"}, headers=headers)
    assert len(response.json()["message"]["codes"]) == 2


@pytest.mark.parametrize(
    "body,field",
    [
        ({"quantity": 3}, "batch_name"),
        ({"batch_name": "   "}, "batch_name"),
        ({"batch_name": "x" * 141}, "batch_name"),
        ({"batch_name": "B", "quantity": 0}, "quantity"),
        ({"batch_name": "B", "quantity": 100_001}, "quantity"),
        ({"batch_name": "B", "quantity": "many"}, "quantity"),
        ({"batch_name": "B", "is_sandbox": "perhaps"}, "is_sandbox"),
        ({"batch_name": "B", "colour": "red"}, "colour"),
        ({"batch_name": "B", "product_id": "nope"}, "product_id"),
    ],
)
def test_create_code_bad_inputs(client, headers, body, field):
    response = client.post(CREATE, json=body, headers=headers)
    assert response.status_code == 417
    assert field in response.json()["field_errors"]


def test_create_code_refusals(client, headers):
    assert client.get(CREATE, headers=headers).status_code == 405
    assert client.post(CREATE, json={"batch_name": "B"}).status_code == 403


def test_codes_tied_to_a_product(client, headers, product_id):
    create(client, headers, quantity=2, product_id=product_id)
    listed = client.get(API + "list_codes", params={"product_id": product_id}, headers=headers).json()["message"]
    assert listed["total"] == 2
    assert all(c["product_id"] == product_id for c in listed["data"])
    assert listed["data"][0]["verification_url"].startswith("http://testserver/01/04006381333931/21/")
    by_sku = client.get(API + "list_batches", params={"product_id": "PRD-00001"}, headers=headers).json()["message"]
    assert [b["batch"] for b in by_sku["data"]] == ["B1"]


def test_batch_keeps_its_product(client, headers, product_id):
    create(client, headers, product_id=product_id)
    other = client.post("/api/method/doctypes.product.api.upsert_product", json={"name": "Other"}, headers=headers)
    refused = create(client, headers, product_id=other.json()["message"]["id"])
    assert refused.status_code == 417 and "product_id" in refused.json()["field_errors"]
    assert create(client, headers, quantity=2).status_code == 200  # more codes, same batch
    batch = client.get(API + "get_batch", params={"batch": "B1"}, headers=headers).json()["message"]
    assert (batch["quantity"], batch["active"], batch["product_id"]) == (3, 3, product_id)


def test_plan_limit_refuses_the_whole_request(client, rt, make_workspace):
    keys = make_workspace("small", plan="starter")  # 1,000 live codes
    headers = key_headers(keys)
    assert create(client, headers, quantity=995).status_code == 200
    refused = create(client, headers, quantity=10)
    assert refused.status_code == 417
    body = refused.json()
    assert body["error_code"] == "limit_exceeded" and body["exc_type"] == "CodeLimitExceeded"
    assert body["exception"] == "Plan limit reached: 1000 live codes, 995 used, 10 requested"
    assert create(client, headers, quantity=5).status_code == 200
    assert create(client, headers, quantity=1).status_code == 417
    total = client.get(API + "list_codes", params={"limit": 1}, headers=headers).json()["message"]["total"]
    assert total == 1000


def test_sandbox_codes_never_count(client, make_workspace):
    keys = make_workspace("tester", plan="starter")
    sandbox = key_headers(keys, "sandbox")
    for _ in range(2):
        assert create(client, sandbox, quantity=1000).status_code == 200
    assert create(client, {**key_headers(keys), "X-Traciqo-Sandbox": "true"}, quantity=1000).status_code == 200
    assert create(client, key_headers(keys), quantity=1000, is_sandbox=True).status_code == 200
    assert Workspace.get(Workspace.name == "tester").live_codes_issued == 0
    assert create(client, key_headers(keys), quantity=1000).status_code == 200


def test_sandbox_and_live_do_not_see_each_other(client, workspace):
    live, sandbox = key_headers(workspace), key_headers(workspace, "sandbox")
    live_code = create(client, live).json()["message"]["codes"][0]
    sandbox_code = create(client, sandbox, batch_name="S").json()["message"]["codes"][0]
    assert client.get(API + "get_code", params={"code": sandbox_code}, headers=live).status_code == 404
    assert client.get(API + "get_code", params={"code": live_code}, headers=sandbox).status_code == 404
    assert client.post(API + "void_code", json={"code": live_code}, headers=sandbox).status_code == 404
    assert client.get(API + "list_codes", headers=sandbox).json()["message"]["total"] == 1
    assert client.get(API + "get_batch", params={"batch": "B1"}, headers=sandbox).status_code == 404


def test_workspaces_do_not_see_each_other(client, make_workspace):
    first, second = key_headers(make_workspace("first")), key_headers(make_workspace("second"))
    code = create(client, first).json()["message"]["codes"][0]
    assert client.get(API + "get_code", params={"code": code}, headers=second).status_code == 404
    assert client.get(API + "list_codes", headers=second).json()["message"]["total"] == 0
    assert client.get(API + "export_batch", params={"batch": "B1"}, headers=second).status_code == 404
    # The same batch name in another workspace is another batch.
    assert create(client, second).json()["message"]["batch"] == "B1"
    assert client.get(API + "get_batch", params={"batch": "B1"}, headers=first).json()["message"]["quantity"] == 1


def test_get_and_void_code(client, headers):
    shown = create(client, headers).json()["message"]["codes"][0]
    typed = shown.lower().replace("-", " ").replace("0", "o")
    got = client.get(API + "get_code", params={"code": typed}, headers=headers).json()["message"]
    assert (got["code"], got["status"], got["scan_count"]) == (shown, "active", 0)
    voided = client.post(API + "void_code", json={"code": shown, "reason": "stolen roll"}, headers=headers)
    assert voided.json()["message"]["status"] == "void"
    assert voided.json()["message"]["void_reason"] == "stolen roll"
    again = client.post(API + "void_code", json={"code": shown}, headers=headers).json()["message"]
    assert again["void_reason"] == "stolen roll"  # repeating changes nothing
    assert client.get(API + "list_codes", params={"status": "void"}, headers=headers).json()["message"]["total"] == 1


@pytest.mark.parametrize(
    "method,params,status",
    [
        ("get_code", {}, 417), ("get_code", {"code": "ACME-NOPE"}, 404), ("get_code", {"code": "x" * 65}, 417),
        ("list_codes", {"status": "lost"}, 417), ("list_codes", {"limit": 0}, 417), ("list_codes", {"offset": -1}, 417),
        ("list_batches", {"limit": 1001}, 417), ("get_batch", {}, 417), ("get_batch", {"batch": "none"}, 404),
        ("export_batch", {"batch": "none"}, 404),
    ],
)
def test_read_methods_bad_inputs(client, headers, method, params, status):
    assert client.get(API + method, params=params, headers=headers).status_code == status


def test_void_code_bad_inputs(client, headers):
    assert client.post(API + "void_code", json={}, headers=headers).status_code == 417
    assert client.post(API + "void_code", json={"code": "ACME-NOPE"}, headers=headers).status_code == 404
    assert client.post(API + "void_code", json={"code": "x", "reason": "r" * 256}, headers=headers).status_code == 417
    assert client.get(API + "void_code", params={"code": "x"}, headers=headers).status_code == 405


def test_list_codes_pages(client, headers):
    create(client, headers, quantity=5)
    create(client, headers, batch_name="B2", quantity=2)
    page = client.get(API + "list_codes", params={"batch": "B1", "limit": 2, "offset": 2}, headers=headers).json()["message"]
    assert (page["total"], page["limit"], page["offset"], len(page["data"])) == (5, 2, 2, 2)
    batches = client.get(API + "list_batches", headers=headers).json()["message"]
    assert [b["batch"] for b in batches["data"]] == ["B2", "B1"]


def test_export_batch_csv(client, headers, product_id):
    shown = create(client, headers, quantity=3, product_id=product_id).json()["message"]["codes"]
    response = client.get(API + "export_batch", params={"batch": "B1"}, headers=headers)
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert [r["display"] for r in rows] == shown
    assert rows[0]["verification_url"] == f"http://testserver/01/04006381333931/21/{codes.normalise(shown[0])}"


def test_code_created_event_row(client, headers, product_id):
    subscribe(client, headers, "Code Created")
    shown = create(client, headers, quantity=2, product_id=product_id).json()["message"]["codes"]
    event = Event.get(Event.name == "Code Created")
    body = json.loads(bytes(event.body))
    assert set(body) == {"id", "event", "created_at", "environment", "data"}
    assert (body["id"], body["event"], body["environment"]) == (event.id, "Code Created", "live")
    assert body["data"] == {"batch": "B1", "product_id": product_id, "quantity": 2, "codes": shown}
    assert event.is_sandbox is False


def test_failed_request_writes_no_event(client, headers):
    create(client, headers, quantity=0)
    assert Event.select().count() == 0


def test_concurrent_requests_never_pass_the_limit(app, make_workspace):
    """20 parallel requests for 100 codes each against a 1,000-code plan: exactly 10 succeed."""
    from starlette.testclient import TestClient

    keys = make_workspace("rush", plan="starter")
    headers = key_headers(keys)
    with TestClient(app) as client:
        def attempt(i: int) -> int:
            return client.post(CREATE, json={"batch_name": f"R{i}", "quantity": 100}, headers=headers).status_code

        with ThreadPoolExecutor(max_workers=20) as pool:
            statuses = list(pool.map(attempt, range(20)))
    assert sorted(statuses) == [200] * 10 + [417] * 10
    assert Workspace.get(Workspace.name == "rush").live_codes_issued == 1000
