"""Stock methods (Racko's stock, transfers and adjustments): every move is one transaction
that writes the ledger and the levels together."""

from __future__ import annotations

from typing import Any

from traciqo_rpc import RequestContext, whitelist

from . import reports, service
from .schema import (
    AdjustArgs,
    CountArgs,
    GetStockArgs,
    IssueArgs,
    LedgerPage,
    ListLedgerArgs,
    Moved,
    ReceiveArgs,
    Stock,
    TransferArgs,
)


@whitelist(methods=["POST"], schema=ReceiveArgs, returns=Moved)
def receive(ctx: RequestContext, **args: Any) -> dict[str, Any]:
    """Units into a bin (a goods receipt), at their unit cost."""
    return service.receive(ctx, **args)


@whitelist(methods=["POST"], schema=IssueArgs, returns=Moved)
def issue(ctx: RequestContext, **args: Any) -> dict[str, Any]:
    """Units out of a bin; refused (417, naming the shortfall) past what it holds."""
    return service.issue(ctx, **args)


@whitelist(methods=["POST"], schema=TransferArgs, returns=Moved)
def transfer(ctx: RequestContext, **args: Any) -> dict[str, Any]:
    """Units from one bin to another, in one warehouse or between two."""
    return service.transfer(ctx, **args)


@whitelist(methods=["POST"], schema=AdjustArgs, returns=Moved)
def adjust(ctx: RequestContext, **args: Any) -> dict[str, Any]:
    """A correction: units found (positive `change`) or lost (negative), with the reason."""
    return service.adjust(ctx, **args)


@whitelist(methods=["POST"], schema=CountArgs, returns=Moved)
def count(ctx: RequestContext, **args: Any) -> dict[str, Any]:
    """A stock count: what was counted against what the level says; the difference is posted."""
    return service.count(ctx, **args)


@whitelist(methods=["GET"], schema=GetStockArgs, returns=Stock)
def get_stock(ctx: RequestContext, item: str, warehouse: str | None = None) -> dict[str, Any]:
    """An item's quantity in each bin, its total, value and average cost."""
    return reports.get_stock(ctx, item, warehouse)


@whitelist(methods=["GET"], schema=ListLedgerArgs, returns=LedgerPage)
def list_ledger(ctx: RequestContext, limit: int, offset: int, item: str | None = None, warehouse: str | None = None,
                kind: str | None = None, order: str = "-created") -> dict[str, Any]:
    """The stock ledger, newest first: every change of every level, who made it and why."""
    return reports.list_ledger(ctx, limit, offset, item, warehouse, kind, order)
