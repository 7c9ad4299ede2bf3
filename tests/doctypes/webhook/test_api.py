"""Webhook endpoint methods: bad inputs, SSRF refusals, tenancy."""

from __future__ import annotations

import pytest

from tests.support.helpers import key_headers

API = "/api/method/doctypes.webhook.api."


@pytest.fixture
def headers(workspace):
    return key_headers(workspace)


@pytest.mark.parametrize("url", [
    "http://10.1.2.3/hook", "http://192.168.0.1/hook", "http://169.254.169.254/latest/meta-data",
    "http://[::1]/hook", "http://[::ffff:10.0.0.1]/hook", "http://[::ffff:169.254.169.254]/hook",
    "http://0.0.0.0/hook", "http://no-such-host.invalid/hook",
])
def test_private_and_reserved_addresses_are_refused(client, headers, url):
    response = client.post(API + "create_webhook", json={"url": url, "events": ["Code Created"]}, headers=headers)
    assert response.status_code == 417 and "url" in response.json()["field_errors"]


@pytest.mark.parametrize("body,field", [
    ({"events": ["Code Created"]}, "url"), ({"url": "ftp://example.com/x", "events": ["Code Created"]}, "url"),
    ({"url": "http://127.0.0.1/x"}, "events"), ({"url": "http://127.0.0.1/x", "events": []}, "events"),
    ({"url": "http://127.0.0.1/x", "events": ["Nothing Happened"]}, "events"),
    ({"url": "http://127.0.0.1/x", "events": ["Code Created"], "colour": 1}, "colour"),
])
def test_create_bad_inputs(client, headers, body, field):
    response = client.post(API + "create_webhook", json=body, headers=headers)
    assert response.status_code == 417 and field in response.json()["field_errors"]


def test_event_types_come_from_hooks(client, headers):
    names = client.get(API + "list_event_types", headers=headers).json()["message"]
    assert {"Code Created", "Scan Captured", "Warranty Registered", "Ping Test"} <= set(names)


def test_update_delete_and_tenancy(client, headers, workspace, make_workspace):
    endpoint = client.post(API + "create_webhook", headers=headers,
                           json={"url": "http://127.0.0.1:9/x", "events": ["Code Created"]}).json()["message"]
    updated = client.post(API + "update_webhook", headers=headers,
                          json={"webhook_id": endpoint["id"], "events": ["Scan Captured"], "enabled": False})
    assert updated.json()["message"]["events"] == ["Scan Captured"] and updated.json()["message"]["enabled"] is False
    refused = client.post(API + "update_webhook", headers=headers,
                          json={"webhook_id": endpoint["id"], "url": "http://10.0.0.1/x"})
    assert refused.status_code == 417
    for other in (key_headers(workspace, "sandbox"), key_headers(make_workspace("other"))):
        assert client.get(API + "list_webhooks", headers=other).json()["message"] == []
        assert client.post(API + "delete_webhook", json={"webhook_id": endpoint["id"]}, headers=other).status_code == 404
        assert client.post(API + "ping_webhook", json={"webhook_id": endpoint["id"]}, headers=other).status_code == 404
    assert client.post(API + "delete_webhook", json={"webhook_id": endpoint["id"]}, headers=headers).status_code == 200
    assert client.get(API + "list_webhooks", headers=headers).json()["message"] == []


def test_delivery_methods_bad_inputs(client, headers):
    assert client.get(API + "get_delivery", params={"delivery_id": "nope"}, headers=headers).status_code == 404
    assert client.get(API + "list_deliveries", params={"status": "odd"}, headers=headers).status_code == 417
    assert client.post(API + "redeliver", json={}, headers=headers).status_code == 417
    assert client.post(API + "redeliver", json={"status": "failed"}, headers=headers).status_code == 417
    assert client.post(API + "redeliver", json={"delivery_id": "nope"}, headers=headers).status_code == 404
    ranged = client.post(API + "redeliver", json={"status": "failed", "since": "2026-01-01T00:00:00Z"}, headers=headers)
    assert ranged.json()["message"] == {"redelivering": []}
    assert client.post(API + "create_webhook", json={"url": "http://127.0.0.1/x", "events": ["*"]}).status_code == 403
