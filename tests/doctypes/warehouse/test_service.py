"""What stock moves use: find_bin (the MAIN bin when none is named) and require_active_bin."""

from __future__ import annotations

import pytest

from doctypes.warehouse import service
from doctypes.warehouse.model import DEFAULT_BIN
from tests.support.helpers import key_headers

API = "/api/method/doctypes.warehouse.api."


@pytest.fixture
def ctx(rt, workspace):
    from doctypes.api_key.service import load_principal
    from traciqo_rpc import RequestContext

    return RequestContext(principal=load_principal(workspace["live"]["api_key"]), services=rt.services)


@pytest.fixture
def warehouse(client, workspace):
    response = client.post(API + "create_warehouse", headers=key_headers(workspace),
                           json={"code": "WH-1", "name": "Main store", "bins": ["A", "B"]})
    assert response.status_code == 200, response.text
    client.post(API + "deactivate_bin", headers=key_headers(workspace), json={"warehouse": "WH-1", "bin": "B"})
    return response.json()["message"]


def run(rt, ctx, call):
    return rt.run_in_transaction(ctx, lambda: call(ctx))


def test_find_bin_by_code_or_the_default(rt, ctx, warehouse):
    main = run(rt, ctx, lambda c: service.find_bin(c, "wh-1", None))
    assert (main.code, main.warehouse_id) == (DEFAULT_BIN, warehouse["id"])
    found = run(rt, ctx, lambda c: service.find_bin(c, warehouse["id"], "a"))
    assert found.code == "A"
    by_model = run(rt, ctx, lambda c: service.find_bin(c, service.find_warehouse(c, "WH-1"), "A"))
    assert by_model.id == found.id


def test_refusals_name_the_argument_they_were_given(rt, ctx, warehouse):
    with pytest.raises(service.BinNotFound) as absent:
        run(rt, ctx, lambda c: service.find_bin(c, "WH-1", "NOPE", field="to_bin"))
    assert absent.value.status == 404 and absent.value.message == "Bin not found"
    assert set(absent.value.field_errors or {}) == {"to_bin"}
    with pytest.raises(service.WarehouseNotFound) as no_warehouse:
        run(rt, ctx, lambda c: service.find_bin(c, "NOPE", None))
    assert no_warehouse.value.message == "Warehouse not found"
    with pytest.raises(service.WarehouseNotFound) as named:
        run(rt, ctx, lambda c: service.require_active_bin(c, "NOPE", None, warehouse_field="from_warehouse"))
    assert set(named.value.field_errors or {}) == {"from_warehouse"}


def test_require_active_bin(rt, ctx, client, workspace, warehouse):
    found_warehouse, found = run(rt, ctx, lambda c: service.require_active_bin(c, "WH-1", None))
    assert (found_warehouse.id, found.code) == (warehouse["id"], DEFAULT_BIN)
    with pytest.raises(service.BinInactive) as inactive_bin:
        run(rt, ctx, lambda c: service.require_active_bin(c, "WH-1", "b", bin_field="from_bin"))
    assert (inactive_bin.value.status, inactive_bin.value.error_code, inactive_bin.value.message) == (
        403, "inactive", "Bin is inactive")
    assert set(inactive_bin.value.field_errors or {}) == {"from_bin"}
    client.post(API + "update_warehouse", headers=key_headers(workspace), json={"warehouse": "WH-1", "active": False})
    with pytest.raises(service.WarehouseInactive) as inactive:
        run(rt, ctx, lambda c: service.require_active_bin(c, "WH-1", None))
    assert (inactive.value.status, inactive.value.error_code, inactive.value.message) == (
        403, "inactive", "Warehouse is inactive")


def test_another_workspace_finds_nothing(rt, make_workspace, warehouse):
    from doctypes.api_key.service import load_principal
    from traciqo_rpc import RequestContext

    other = make_workspace("other")
    for principal in (load_principal(other["live"]["api_key"]), load_principal(other["sandbox"]["api_key"])):
        theirs = RequestContext(principal=principal, services=rt.services)
        with pytest.raises(service.WarehouseNotFound):
            run(rt, theirs, lambda c: service.find_bin(c, warehouse["id"], None))
