"""Racko's stock (seeds/002): an item's levels (GET /v2/stock?item=..., GET
/v2/items/{item}/stock), and its warehouse operations, POST /v2/transfers and /v2/adjustments,
each one ledger move (a shortfall is Racko's 400 invalid_request); and Racko's data exports,
GET /v2/exports/{doctype}, any list as CSV (traciqo_rpc/exports.py)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from marshmallow import fields, validate

from doctypes.item.racko import RACKO
from traciqo_rpc.exports import ExportArgs
from traciqo_rpc.records import MAX_OFFSET
from traciqo_rpc.rest import RestRoute

get_stock = RestRoute("doctypes.stock.api.get_stock", RACKO)
transfer = RestRoute("doctypes.stock.api.transfer", RACKO, status=201)
adjust = RestRoute("doctypes.stock.api.adjust", RACKO, status=201)


class RackoExportArgs(ExportArgs):
    """What GET /v2/exports/{doctype} takes: Racko's limit and offset (the method's limit_start)."""

    offset = fields.Integer(validate=validate.Range(min=0, max=MAX_OFFSET), metadata={"description": "Rows skipped."})

    class Meta:
        exclude = ("limit_start",)


def _offset(params: Mapping[str, str], args: dict[str, Any]) -> dict[str, Any]:
    renamed = {("limit_start" if key == "offset" else key): value for key, value in args.items()}
    return {**renamed, **params}


export_list = RestRoute("traciqo_rpc.exports.export_list", RACKO, _offset, request=RackoExportArgs)
