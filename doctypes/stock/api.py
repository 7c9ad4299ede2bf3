"""Stock methods (Racko's stock, transfers and adjustments): every move writes the ledger and
the levels together, in one transaction; the moves that arrive together share it and its commit
(service.move_many: group commit), each as it would run alone."""

from __future__ import annotations

import datetime as dt
from typing import Any

from traciqo_rpc import RequestContext, whitelist

from . import reports, service
from .schema import (
    AdjustArgs,
    BelowReorderArgs,
    BelowReorderPage,
    CountArgs,
    GetStockArgs,
    IssueArgs,
    LedgerPage,
    ListLedgerArgs,
    Moved,
    ReceiveArgs,
    Stock,
    TransferArgs,
    Valuation,
    ValuationArgs,
)


@whitelist(methods=["POST"], schema=ReceiveArgs, batch=service.move_many, returns=Moved)
def receive(ctx: RequestContext, **args: Any) -> service.MoveCall:
    """Units into a bin (a goods receipt), at their unit cost."""
    return service.MoveCall(ctx, service.receive, args)


@whitelist(methods=["POST"], schema=IssueArgs, batch=service.move_many, returns=Moved)
def issue(ctx: RequestContext, **args: Any) -> service.MoveCall:
    """Units out of a bin; refused (417, naming the shortfall) past what it holds."""
    return service.MoveCall(ctx, service.issue, args)


@whitelist(methods=["POST"], schema=TransferArgs, batch=service.move_many, returns=Moved)
def transfer(ctx: RequestContext, **args: Any) -> service.MoveCall:
    """Units from one bin to another, in one warehouse or between two."""
    return service.MoveCall(ctx, service.transfer, args)


@whitelist(methods=["POST"], schema=AdjustArgs, batch=service.move_many, returns=Moved)
def adjust(ctx: RequestContext, **args: Any) -> service.MoveCall:
    """A correction: units found (positive `change`) or lost (negative), with the reason."""
    return service.MoveCall(ctx, service.adjust, args)


@whitelist(methods=["POST"], schema=CountArgs, batch=service.move_many, returns=Moved)
def count(ctx: RequestContext, **args: Any) -> service.MoveCall:
    """A stock count: what was counted against what the level says; the difference is posted."""
    return service.MoveCall(ctx, service.count, args)


@whitelist(methods=["GET"], schema=GetStockArgs, returns=Stock)
def get_stock(ctx: RequestContext, item: str, warehouse: str | None = None) -> dict[str, Any]:
    """An item's quantity in each bin, its total, value and average cost."""
    return reports.get_stock(ctx, item, warehouse)


@whitelist(methods=["GET"], schema=ListLedgerArgs, returns=LedgerPage)
def list_ledger(ctx: RequestContext, limit: int, offset: int, item: str | None = None, warehouse: str | None = None,
                kind: str | None = None, order: str = "-created", since: dt.datetime | None = None,
                until: dt.datetime | None = None) -> dict[str, Any]:
    """The stock ledger, newest first: every change of every level, who made it and why; with
    `item` (and `since`/`until`), that item's movement history."""
    return reports.list_ledger(ctx, limit, offset, item, warehouse, kind, order, since, until)


@whitelist(methods=["GET"], schema=ValuationArgs, returns=Valuation)
def get_valuation(ctx: RequestContext, limit: int, offset: int, warehouse: str | None = None) -> dict[str, Any]:
    """Every item in stock with its quantity, value and moving-average cost, and the total value;
    of one `warehouse`: its quantities there, each valued at the item's average cost."""
    return reports.get_valuation(ctx, limit, offset, warehouse)


@whitelist(methods=["GET"], schema=BelowReorderArgs, returns=BelowReorderPage)
def list_below_reorder(ctx: RequestContext, limit: int, offset: int) -> dict[str, Any]:
    """Active items whose total quantity is below their reorder level, with the shortfall."""
    return reports.list_below_reorder(ctx, limit, offset)
