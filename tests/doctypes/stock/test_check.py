"""`traciqo-rpc stock check`: the levels, item totals and values rebuilt from the ledger, and
every place they differ named."""

from __future__ import annotations

import json
import sqlite3
import subprocess

from doctypes.stock.model import ItemValue, StockLevel
from doctypes.stock.reports import differences
from tests.support.helpers import key_headers
from tests.support.processes import SCRIPT, command_env

API = "/api/method/doctypes."


def test_a_level_that_left_the_ledger_is_named(client, workspace):
    headers = key_headers(workspace)
    for method, body in (("item.api.create_item", {"sku": "BOLT", "name": "Bolt"}),
                         ("warehouse.api.create_warehouse", {"code": "WH1", "name": "Main"}),
                         ("stock.api.receive", {"item": "BOLT", "warehouse": "WH1", "quantity": 4, "unit_cost": 1})):
        assert client.post(API + method, json=body, headers=headers).status_code == 200
    assert differences() == []
    StockLevel.update(quantity=StockLevel.quantity + 1000).execute()
    ItemValue.update(value=0).execute()
    found = differences()
    assert [(d.get("ledger"), d.get("level"), d.get("item_value")) for d in found] == [(4, 5, None), (4, None, 0.0)]
    StockLevel.update(quantity=StockLevel.quantity - 1000).execute()
    ItemValue.update(value=40_000).execute()
    assert differences() == []


def test_the_command_exits_1_and_prints_each_difference(tmp_path):
    env = command_env(TRACIQO_LOG_LEVEL="WARNING")

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([SCRIPT, *args], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)

    assert run("migrate").returncode == 0
    clean = run("stock", "check")
    assert (clean.returncode, clean.stdout.strip()) == (0, "0 differences between the levels and the ledger")
    with sqlite3.connect(tmp_path / "traciqo.db") as db:
        db.execute("INSERT INTO stock_level (workspace_id, is_sandbox, item_id, warehouse_id, bin_id, batch, quantity, "
                   "updated_at) VALUES (1, 0, 'I', 'W', 7, '', 2500, '2026-01-01 00:00:00')")
    found = run("stock", "check", "--json")
    assert found.returncode == 1
    assert json.loads(found.stdout) == {"workspace_id": 1, "is_sandbox": False, "item_id": "I", "bin_id": 7,
                                        "batch": "", "ledger": 0, "level": 2.5}
