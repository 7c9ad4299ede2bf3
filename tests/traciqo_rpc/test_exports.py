"""CSV export of any list (traciqo_rpc/exports.py): the method, its REST route and the CLI, with
filters, fields and pages; formula cells; bad inputs; the read right; tenancy and sandbox."""

from __future__ import annotations

import csv
import io
import json
import subprocess

import pytest

from tests.support.helpers import key_headers
from tests.support.processes import SCRIPT, command_env
from traciqo_rpc.exports import cell, csv_text

EXPORT = "/api/method/traciqo_rpc.exports.export_list"
API = "/api/method/doctypes."


@pytest.fixture
def headers(workspace):
    return key_headers(workspace)


@pytest.fixture
def items(client, headers):
    """Items A-000 .. A-024, one of them named like a formula; BOLT received twice in WH1."""
    def post(method: str, **body):
        response = client.post(API + method, json=body, headers=headers)
        assert response.status_code == 200, response.text
        return response.json()["message"]

    for number in range(25):
        post("item.api.create_item", sku=f"A-{number:03d}", name="=HYPERLINK(\"http://x\")" if number == 3 else
             f"Part {number}", attributes={"colour": "red"} if number == 1 else {})
    post("item.api.create_item", sku="BOLT", name="Bolt", reorder_level=5)
    post("warehouse.api.create_warehouse", code="WH1", name="Main")
    for cost in (2, 4):
        post("stock.api.receive", item="BOLT", warehouse="WH1", quantity=10, unit_cost=cost, reason="-1 returned")
    return post


def rows_of(response) -> list[dict[str, str]]:
    assert response.status_code == 200, response.text
    return list(csv.DictReader(io.StringIO(response.text)))


def test_a_resource_list_as_csv(client, headers, items):
    response = client.get(EXPORT, params={"doctype": "Item", "fields": '["name", "item_name", "attributes"]'},
                          headers=headers)
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.headers["content-disposition"] == 'attachment; filename="item.csv"'
    assert response.text.splitlines()[0] == "name,item_name,attributes"
    rows = rows_of(response)
    assert [row["name"] for row in rows] == [f"A-{n:03d}" for n in range(25)] + ["BOLT"]
    assert rows[1]["attributes"] == '{"colour": "red"}' and rows[0]["attributes"] == "{}"
    assert rows[3]["item_name"] == "'=HYPERLINK(\"http://x\")"  # a spreadsheet shows it, never runs it
    every = rows_of(client.get(EXPORT, params={"doctype": "Item"}, headers=headers))
    assert set(every[0]) >= {"name", "id", "item_name", "tracking", "reorder_level", "creation", "modified"}
    assert every[-1]["reorder_level"] == "5" and every[-1]["creation"].endswith("Z")


def test_filters_order_and_pages(client, headers, items):
    def names(**params):
        return [row["name"] for row in rows_of(client.get(EXPORT, params={"doctype": "Item", "fields": "name",
                                                                           **params}, headers=headers))]

    assert names(filters=json.dumps({"name": ["like", "A-00%"]})) == [f"A-{n:03d}" for n in range(10)]
    assert names(filters='[["name", "in", ["BOLT", "A-001"]]]', order_by="name desc") == ["BOLT", "A-001"]
    assert names(limit=2, limit_start=24) == ["A-024", "BOLT"]
    posted = client.post(EXPORT, json={"doctype": "Item", "fields": ["name"], "filters": {"name": "bolt"}},
                         headers=headers)
    assert [row["name"] for row in rows_of(posted)] == ["BOLT"]


def test_the_rest_route_and_the_stock_ledger(client, headers, items):
    response = client.get("/api/export/Stock Entry", params={"fields": "kind,quantity,value_change,reason"},
                          headers=headers)
    assert response.headers["content-disposition"] == 'attachment; filename="stock-entry.csv"'
    assert rows_of(response) == [  # newest first, as the resource lists them
        {"kind": "receipt", "quantity": "10", "value_change": "40.0", "reason": "'-1 returned"},
        {"kind": "receipt", "quantity": "10", "value_change": "20.0", "reason": "'-1 returned"}]
    listed = client.get("/api/resource/Stock Entry", params={"fields": '["kind"]'}, headers=headers)
    assert listed.json() == {"data": [{"kind": "receipt"}, {"kind": "receipt"}]}


@pytest.mark.parametrize(("params", "status", "field"), [
    ({"doctype": "Nope"}, 404, None),
    ({"doctype": "Item", "fields": "name,price"}, 417, "fields"),
    ({"doctype": "Item", "filters": "{not json"}, 417, "filters"),
    ({"doctype": "Item", "filters": '{"price": 5}'}, 417, None),
    ({"doctype": "Item", "order_by": "item_name asc"}, 417, "order_by"),
    ({"doctype": "Item", "limit": 10_001}, 417, "limit"),
    ({"doctype": "Item", "limit": 0}, 417, "limit"),
    ({"doctype": "Item", "limit_start": 2**40}, 417, "limit_start"),
    ({"doctype": "x" * 141}, 417, "doctype"),
    ({}, 417, "doctype"),
    ({"doctype": "Item", "colour": "red"}, 417, "colour"),
])
def test_bad_arguments(client, headers, params, status, field):
    response = client.get(EXPORT, params=params, headers=headers)
    assert response.status_code == status, response.text
    if field:
        assert field in response.json()["field_errors"]


def test_the_read_right_is_needed(client, headers, items):
    assert client.get(EXPORT, params={"doctype": "Item"}).status_code == 403  # a guest
    unknown = {"X-Traciqo-API-Key": "tq_live_unknown", "X-Traciqo-API-Secret": "nope"}
    assert client.get(EXPORT, params={"doctype": "Item"}, headers=unknown).status_code == 401
    writer = client.post(API + "api_key.api.create_api_key", json={"name": "writer", "scopes": ["write"]},
                         headers=headers).json()["message"]
    as_writer = {"X-Traciqo-API-Key": writer["api_key"], "X-Traciqo-API-Secret": writer["api_secret"]}
    assert client.get(EXPORT, params={"doctype": "Item"}, headers=as_writer).status_code == 403
    reader = client.post(API + "api_key.api.create_api_key", json={"name": "reader", "scopes": ["read"]},
                         headers=headers).json()["message"]
    as_reader = {"X-Traciqo-API-Key": reader["api_key"], "X-Traciqo-API-Secret": reader["api_secret"]}
    assert len(rows_of(client.get(EXPORT, params={"doctype": "Item"}, headers=as_reader))) == 26


def test_other_workspaces_and_the_sandbox_export_only_their_own(client, headers, items, make_workspace, workspace):
    other = key_headers(make_workspace("other"))
    assert rows_of(client.get(EXPORT, params={"doctype": "Item"}, headers=other)) == []
    assert rows_of(client.get("/api/export/Stock Entry", headers=other)) == []
    sandbox = key_headers(workspace, "sandbox")
    assert rows_of(client.get(EXPORT, params={"doctype": "Item"}, headers=sandbox)) == []
    client.post(API + "item.api.create_item", json={"sku": "SANDBOXED", "name": "Test"}, headers=sandbox)
    assert [r["name"] for r in rows_of(client.get(EXPORT, params={"doctype": "Item"}, headers=sandbox))] == ["SANDBOXED"]
    assert "SANDBOXED" not in client.get(EXPORT, params={"doctype": "Item"}, headers=headers).text


def test_cells():
    assert [cell(v) for v in ("=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "plain", -1, None, ["a"])] == [
        "'=1+1", "'+1", "'-1", "'@SUM(A1)", "'\t=1", "plain", -1, None, '["a"]']
    assert csv_text(["a", "b"], [["x,y", "é"]]) == 'a,b\r\n"x,y",é\r\n'


@pytest.fixture
def cli(settings, items, tmp_path):
    """`traciqo-rpc ...` as an operator runs it, on the tests' database."""
    env = command_env(TRACIQO_DATABASE_URL=settings.database_url, TRACIQO_DATA_DIR=str(tmp_path / "data"),
                      TRACIQO_SECRET_KEY="test-secret-key", TRACIQO_LOG_LEVEL="WARNING")

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([SCRIPT, *args], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    return run


def test_the_cli_writes_everything_with_a_progress_bar(cli, tmp_path):
    done = cli("export", "Item", "--workspace", "acme", "--fields", "name,item_name", "--out", "items.csv")
    assert done.returncode == 0, done.stderr
    assert "26/26" in done.stderr and "rows" in done.stderr and "26 rows written to items.csv" in done.stderr
    rows = list(csv.DictReader((tmp_path / "items.csv").open(newline="", encoding="utf-8")))
    assert [row["name"] for row in rows] == [f"A-{n:03d}" for n in range(25)] + ["BOLT"]
    assert rows[3]["item_name"].startswith("'=")
    filtered = cli("export", "Item", "--workspace", "acme", "--filters", '{"name": ["like", "A-01%"]}', "--quiet",
                   "--out", "-")
    assert filtered.returncode == 0 and len(filtered.stdout.splitlines()) == 11 and "/" not in filtered.stderr
    assert cli("export", "Item", "--workspace", "acme", "--sandbox", "--out", "s.csv").returncode == 0
    assert (tmp_path / "s.csv").read_text().count("\n") == 1  # the headings only: the sandbox has no items
    assert cli("export", "Item", "--workspace", "other-one", "--out", "x.csv").returncode == 1
    refused = cli("export", "Nope", "--workspace", "acme", "--out", "x.csv")
    assert refused.returncode == 1 and "Nope" in refused.stderr
    assert cli("export", "Item", "--workspace", "acme", "--filters", "{bad", "--out", "x.csv").returncode == 2


def test_the_cli_reads_pages_after_the_last_name(rt, items):
    """all_rows: pages of PAGE_ROWS, each after the previous one's last name, with the filters."""
    from tests.support.helpers import call
    from traciqo_rpc.exports import all_rows
    from traciqo_rpc.principal import Principal

    def pages(ctx, filters):
        from doctypes.workspace.service import get_workspace

        ctx.principal = Principal.system(get_workspace("acme").id, False)
        return [[row["name"] for row in page] for page in all_rows(ctx, "Item", ["item_name"], filters, page_rows=10)]

    every = call(rt, lambda ctx: pages(ctx, None))
    assert [len(page) for page in every] == [10, 10, 6] and every[2][-1] == "BOLT"
    some = call(rt, lambda ctx: pages(ctx, {"name": ["like", "A-%"]}))
    assert [len(page) for page in some] == [10, 10, 5]
    listed = call(rt, lambda ctx: pages(ctx, [["name", "!=", "A-000"]]))
    assert sum(map(len, listed)) == 25
