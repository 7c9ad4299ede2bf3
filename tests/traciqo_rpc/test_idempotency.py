"""Idempotency-Key: replay, mismatch, concurrent duplicates, scope, failures, expiry."""

from __future__ import annotations

import datetime as dt
import threading

import httpx
import pytest

from doctypes.idempotency_key.model import PENDING, IdempotencyKey
from doctypes.idempotency_key.service import prune
from tests.support.helpers import key_headers
from tests.support.live_server import live_server
from traciqo_rpc.db import utcnow

CREATE_CODE = "/api/method/doctypes.auth_code.api.create_code"
LIST_CODES = "/api/method/doctypes.auth_code.api.list_codes"


def with_key(headers: dict, key: str) -> dict:
    return {**headers, "Idempotency-Key": key}


def codes_issued(client, headers) -> int:
    return client.get(LIST_CODES, headers=headers).json()["message"]["total"]


def test_the_same_call_is_answered_once(client, workspace):
    headers = key_headers(workspace)
    first = client.post(CREATE_CODE, headers=with_key(headers, "order-1"), json={"batch_name": "B1", "quantity": 3})
    again = client.post(CREATE_CODE, headers=with_key(headers, "order-1"), json={"quantity": 3, "batch_name": "B1"})
    assert first.status_code == again.status_code == 200
    assert again.content == first.content
    assert again.headers["idempotent-replayed"] == "true" and "idempotent-replayed" not in first.headers
    assert codes_issued(client, headers) == 3
    fresh = client.post(CREATE_CODE, headers=with_key(headers, "order-2"), json={"batch_name": "B1", "quantity": 3})
    assert fresh.json() != first.json() and codes_issued(client, headers) == 6


def test_other_arguments_with_the_same_key_are_refused(client, workspace):
    headers = with_key(key_headers(workspace), "order-1")
    client.post(CREATE_CODE, headers=headers, json={"batch_name": "B1"})
    refused = client.post(CREATE_CODE, headers=headers, json={"batch_name": "B2"})
    assert refused.status_code == 409 and refused.json()["error_code"] == "idempotency_mismatch"
    other_method = client.post("/api/method/doctypes.product.api.upsert_product", headers=headers, json={"name": "x"})
    assert other_method.status_code == 409


def test_a_failed_call_keeps_nothing_and_may_be_retried(client, workspace):
    headers = with_key(key_headers(workspace), "order-1")
    refused = client.post(CREATE_CODE, headers=headers, json={"batch_name": "B1", "product_id": "PRD-09999"})
    assert refused.status_code == 417
    assert IdempotencyKey.select().count() == 0
    assert client.post(CREATE_CODE, headers=headers, json={"batch_name": "B1"}).status_code == 200


def test_keys_are_per_api_key_and_environment(client, make_workspace):
    first, second = make_workspace("first"), make_workspace("second")
    body = {"batch_name": "B1"}
    answers = [client.post(CREATE_CODE, headers=with_key(h, "same"), json=body).json()["message"]["codes"]
               for h in (key_headers(first), key_headers(first, "sandbox"), key_headers(second),
                         {**key_headers(first), "X-Traciqo-Sandbox": "true"})]
    # Each ran: the live key forced into the sandbox is a scope of its own too.
    assert len({code for codes in answers for code in codes}) == 4


def test_the_header_is_checked_and_ignored_where_it_means_nothing(client, workspace):
    headers = key_headers(workspace)
    for bad in ("x" * 256, "tab\there", "é".encode("latin-1")):
        response = client.post(CREATE_CODE, headers={**headers, "Idempotency-Key": bad}, json={"batch_name": "B"})
        assert response.status_code == 400
    # GET changes nothing: the key is not looked at.
    assert client.get(LIST_CODES, headers={**headers, "Idempotency-Key": "x" * 300}).status_code == 200
    assert client.post("/api/method/traciqo_rpc.api.ping", headers={"Idempotency-Key": b"\xe9"}).status_code == 200


def test_batched_methods_and_resources_replay_too(client, workspace):
    headers = key_headers(workspace)
    client.post("/api/method/doctypes.serial_number.api.add_serial_numbers", headers=headers,
                json={"serial_numbers": [{"serial_number": "SN-1"}]})
    activation = {"serial_number": "SN-1", "customer_name": "Ann", "customer_email": "ann@example.com"}
    path = "/api/method/doctypes.warranty.api.activate_warranty"
    first = client.post(path, headers=with_key(headers, "w-1"), json=activation)
    assert first.status_code == 200
    assert client.post(path, headers=with_key(headers, "w-1"), json=activation).content == first.content
    assert client.post(path, headers=with_key(headers, "w-2"), json=activation).status_code == 409  # registered
    created = client.post("/api/resource/Party", headers=with_key(headers, "p-1"), json={"name": "Acme"})
    assert client.post("/api/resource/Party", headers=with_key(headers, "p-1"), json={"name": "Acme"}).json() == \
        created.json()


def test_an_abandoned_claim_is_taken_over(client, workspace):
    headers = with_key(key_headers(workspace), "order-1")
    client.post(CREATE_CODE, headers=headers, json={"batch_name": "B1"})
    # As if the process holding a fresh claim had died: pending, lease over.
    IdempotencyKey.update(state=PENDING, body=None, locked_until=utcnow() - dt.timedelta(seconds=1)).execute()
    response = client.post(CREATE_CODE, headers=headers, json={"batch_name": "B1"})
    assert response.status_code == 200 and "idempotent-replayed" not in response.headers


def test_keys_are_forgotten_after_a_day(client, workspace):
    headers = with_key(key_headers(workspace), "order-1")
    client.post(CREATE_CODE, headers=headers, json={"batch_name": "B1"})
    assert prune(utcnow() + dt.timedelta(hours=23)) == 0
    assert prune(utcnow() + dt.timedelta(hours=25)) == 1
    assert "idempotent-replayed" not in client.post(CREATE_CODE, headers=headers, json={"batch_name": "B1"}).headers


def test_concurrent_duplicates_wait_for_the_first(app, workspace):
    headers = with_key(key_headers(workspace), "order-1")
    answers: list[httpx.Response] = []
    with live_server(app) as url:
        def post() -> None:
            answers.append(httpx.post(url + CREATE_CODE, headers=headers, json={"batch_name": "B1", "quantity": 500},
                                      timeout=60))

        threads = [threading.Thread(target=post) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        listed = httpx.get(url + LIST_CODES, headers=key_headers(workspace), timeout=30).json()["message"]
    assert [a.status_code for a in answers] == [200] * 4
    assert len({a.content for a in answers}) == 1
    assert sum(a.headers.get("idempotent-replayed") == "true" for a in answers) == 3
    assert listed["total"] == 500


@pytest.mark.parametrize("verb", ["put", "delete"])
def test_other_verbs_that_change_things(client, workspace, verb):
    headers = key_headers(workspace)
    client.post("/api/resource/Party", headers=headers, json={"name": "Acme"})
    registration = client.post("/api/resource/Registration", headers=headers,
                               json={"email": "t@example.com", "customer_name": "T"}).json()["data"]["name"]
    path = f"/api/resource/Registration/{registration}"
    send = getattr(client, verb)
    kwargs = {"json": {"phone": "+1"}} if verb == "put" else {}
    first = send(path, headers=with_key(headers, "k"), **kwargs)
    second = send(path, headers=with_key(headers, "k"), **kwargs)
    assert first.status_code in (200, 202) and second.content == first.content
    assert second.headers["idempotent-replayed"] == "true"
