"""Moves that arrive together share a transaction (service.move_many): each answers as it would
alone, a refused one changes nothing and the others stay, and moves of two items sent in both
orders at once never wait on each other in a circle (PostgreSQL's several writers)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from starlette.testclient import TestClient

from doctypes.stock.reports import differences
from tests.support.helpers import key_headers

API = "/api/method/doctypes."


def test_concurrent_moves_of_two_items_in_both_orders(app, workspace):
    headers = key_headers(workspace)
    with TestClient(app) as client:
        def post(method: str, **body) -> int:
            return client.post(API + method, json=body, headers=headers).status_code

        for sku in ("AAA", "ZZZ"):
            assert post("item.api.create_item", sku=sku, name=sku) == 200
        assert post("warehouse.api.create_warehouse", code="WH1", name="Main", bins=["A1"]) == 200
        for sku in ("AAA", "ZZZ"):
            assert post("stock.api.receive", item=sku, warehouse="WH1", quantity=100, unit_cost=1) == 200

        def move(n: int) -> int:
            sku = ("AAA", "ZZZ")[n % 2] if n % 4 < 2 else ("ZZZ", "AAA")[n % 2]
            if n % 5 == 0:  # refused: more than there is
                return post("stock.api.issue", item=sku, warehouse="WH1", bin="A1", quantity=10_000)
            if n % 3 == 0:
                return post("stock.api.transfer", item=sku, from_warehouse="WH1", to_warehouse="WH1", to_bin="A1",
                            quantity=1)
            return post("stock.api.issue" if n % 2 else "stock.api.receive", item=sku, warehouse="WH1", quantity=1)

        with ThreadPoolExecutor(max_workers=24) as pool:
            statuses = list(pool.map(move, range(120)))
    assert statuses.count(417) == 24 and statuses.count(200) == 96
    assert differences() == []
