"""What stock moves use: find_item (by id or SKU, 404) and require_active_item (403 `inactive`,
"Item is inactive", Racko's code), over HTTP through a stand-in move and called directly."""

from __future__ import annotations

import pytest

import hooks
from doctypes.item import service
from tests.support.helpers import key_headers

API = "/api/method/doctypes.item.api."
MOVE = "/api/method/tests.doctypes.item.stand_in.move_item"


@pytest.fixture
def app(make_app):
    """The project's app plus a method that asks for an active item, as a stock move does."""
    return make_app(method_modules=[*hooks.method_modules, "tests.support.methods", "tests.doctypes.item.stand_in"])


@pytest.fixture
def ctx(rt, workspace):
    from doctypes.api_key.service import load_principal
    from traciqo_rpc import RequestContext

    return RequestContext(principal=load_principal(workspace["live"]["api_key"]), services=rt.services)


@pytest.fixture
def item(client, workspace):
    response = client.post(API + "create_item", headers=key_headers(workspace), json={"sku": "BOLT", "name": "Bolt"})
    assert response.status_code == 200, response.text
    return response.json()["message"]


def run(rt, ctx, call):
    return rt.run_in_transaction(ctx, lambda: call(ctx))


def test_an_inactive_item_is_403_inactive_until_activated(client, workspace, item):
    headers = key_headers(workspace)
    assert client.post(MOVE, json={"item": "bolt"}, headers=headers).json()["message"] == {"sku": "BOLT"}
    client.post(API + "deactivate_item", json={"item": "BOLT"}, headers=headers)
    for ref in ("BOLT", "bolt", item["id"]):
        refused = client.post(MOVE, json={"item": ref}, headers=headers)
        assert refused.status_code == 403, refused.text
        answer = refused.json()
        assert (answer["error_code"], answer["exception"], answer["exc_type"]) == ("inactive", "Item is inactive",
                                                                                   "ItemInactive")
        assert answer["field_errors"] == {"item": ["Item BOLT is inactive."]}
    client.post(API + "activate_item", json={"item": "BOLT"}, headers=headers)
    assert client.post(MOVE, json={"item": "BOLT"}, headers=headers).status_code == 200


def test_a_move_finds_no_item_of_another_workspace_or_environment(client, workspace, make_workspace, item):
    for other in (key_headers(workspace, "sandbox"), key_headers(make_workspace("other"))):
        for ref in ("BOLT", item["id"]):
            absent = client.post(MOVE, json={"item": ref}, headers=other)
            assert absent.status_code == 404 and absent.json()["exception"] == "Item not found"


def test_find_item_by_id_or_sku(rt, ctx, item):
    for ref in (item["id"], "BOLT", "bolt", " Bolt "):
        assert run(rt, ctx, lambda c, ref=ref: service.find_item(c, ref)).id == item["id"]
    with pytest.raises(service.ItemNotFound) as absent:
        run(rt, ctx, lambda c: service.find_item(c, "NOPE", field="to_item"))
    assert (absent.value.status, absent.value.error_code, absent.value.message) == (404, "no_content", "Item not found")
    assert set(absent.value.field_errors or {}) == {"to_item"}


def test_require_active_item(rt, ctx, item):
    assert run(rt, ctx, lambda c: service.require_active_item(c, "BOLT")).sku == "BOLT"
    run(rt, ctx, lambda c: service.set_active(c, "BOLT", False))
    with pytest.raises(service.ItemInactive) as inactive:
        run(rt, ctx, lambda c: service.require_active_item(c, item["id"], field="component"))
    error = inactive.value
    assert (error.status, error.error_code, error.message) == (403, "inactive", "Item is inactive")
    assert error.field_errors == {"component": ["Item BOLT is inactive."]}
    assert run(rt, ctx, lambda c: service.find_item(c, "BOLT")).active is False  # still found
