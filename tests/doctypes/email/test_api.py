"""list_emails: the outbox of the caller's workspace and environment only."""

from __future__ import annotations

import pytest

from tests.support.helpers import key_headers

LIST = "/api/method/doctypes.email.api.list_emails"


def activate(client, headers, email):
    client.post("/api/method/doctypes.serial_number.api.add_serial_numbers", headers=headers,
                json={"serial_numbers": [{"serial_number": "SN-1"}]})
    client.post("/api/method/doctypes.warranty.api.activate_warranty", headers=headers,
                json={"serial_number": "SN-1", "customer_name": "Jo", "customer_email": email})


def test_outbox_is_isolated(client, workspace, make_workspace):
    activate(client, key_headers(workspace), "live@example.com")
    activate(client, key_headers(workspace, "sandbox"), "test@example.com")
    live = client.get(LIST, headers=key_headers(workspace)).json()["message"]
    assert {m["to"] for m in live["data"]} == {"live@example.com"}
    sandbox = client.get(LIST, headers=key_headers(workspace, "sandbox")).json()["message"]
    assert {m["to"] for m in sandbox["data"]} == {"test@example.com"}
    assert client.get(LIST, headers=key_headers(make_workspace("other"))).json()["message"]["total"] == 0
    only = client.get(LIST, params={"to": "live@example.com", "status": "queued"}, headers=key_headers(workspace))
    assert only.json()["message"]["total"] == 1  # the confirmation (the reminder comes on its day)


@pytest.mark.parametrize("params", [{"status": "lost"}, {"to": "nope"}, {"limit": 0}, {"x": 1}])
def test_bad_inputs(client, workspace, params):
    assert client.get(LIST, params=params, headers=key_headers(workspace)).status_code == 417


def test_needs_a_key(client):
    assert client.get(LIST).status_code == 403
