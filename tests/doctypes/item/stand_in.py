"""A test-only method standing in for a stock move: it asks for an active item, as moves do."""

from __future__ import annotations

from marshmallow import Schema, fields

from doctypes.item.schema import ItemRefArgs
from doctypes.item.service import require_active_item
from traciqo_rpc import RequestContext, whitelist


class Moved(Schema):
    sku = fields.String(required=True)


@whitelist(methods=["POST"], schema=ItemRefArgs, returns=Moved)
def move_item(ctx: RequestContext, item: str) -> dict[str, str]:
    return {"sku": require_active_item(ctx, item).sku}
