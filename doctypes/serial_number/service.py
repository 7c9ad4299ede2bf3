"""Adding serial numbers in bulk, looking them up, listing them, handing out unregistered ones, voiding."""

from __future__ import annotations

from typing import Any

from peewee import fn

from doctypes.product.service import require_product
from doctypes.warranty.model import Warranty
from traciqo_rpc import db, errors
from traciqo_rpc.context import RequestContext
from traciqo_rpc.records import ordered, paginate
from traciqo_rpc.statements import run

from .model import UNREGISTERED, VOID, SerialNumber
from .queries import EXISTING


class SerialNumberNotFound(errors.DoesNotExistError):
    """No unit of that serial in the caller's workspace and environment."""


class NoUnregisteredSerialNumber(errors.DoesNotExistError):
    """Every unit (of the product) is registered already."""


LOOKUP_CHUNK = 500


def add_serial_numbers(ctx: RequestContext, entries: list[dict[str, Any]]) -> dict[str, Any]:
    """Add many serials at once; serials that exist already (or repeat in the call) are reported, not added."""
    wanted: dict[str, dict[str, Any]] = {}
    repeated = []
    for entry in entries:
        if entry["serial_number"] in wanted:
            repeated.append(entry["serial_number"])
        else:
            wanted[entry["serial_number"]] = entry
    products = {given: require_product(ctx, given).id
                for given in {e["product_id"] for e in wanted.values() if e["product_id"]}}
    existing = _existing(ctx, list(wanted))
    scope = SerialNumber.scope_values(ctx)
    now = ctx.now()
    rows = [
        (serial, products[entry["product_id"]] if entry["product_id"] else None, entry["customer_tags"],
         UNREGISTERED, now, scope["workspace_id"], scope["is_sandbox"])
        for serial, entry in wanted.items() if serial not in existing
    ]
    fields = [SerialNumber.serial, SerialNumber.product_id, SerialNumber.customer_tags, SerialNumber.status,
              SerialNumber.created_at, SerialNumber.workspace_id, SerialNumber.is_sandbox]
    db.bulk_insert(SerialNumber, fields, rows)
    return {"added": len(rows), "existing": sorted(existing), "repeated": repeated}


def _existing(ctx: RequestContext, serials: list[str]) -> set[str]:
    """Which of `serials` the caller has already; hand-written SQL (peewee spent more building a
    500-value IN list than the database spent answering it)."""
    found: set[str] = set()
    for start in range(0, len(serials), LOOKUP_CHUNK):
        chunk = serials[start:start + LOOKUP_CHUNK]
        found.update(serial for (serial,) in run(EXISTING, chunk, ctx, values=len(chunk)))
    return found


def find_serial(ctx: RequestContext, serial: str) -> SerialNumber:
    row = SerialNumber.scoped(ctx).where(SerialNumber.serial == serial).first()
    if row is None:
        raise SerialNumberNotFound(f"Serial number {serial} not found")
    return row


def serial_dict(row: SerialNumber, warranty: dict[str, Any] | None = None) -> dict[str, Any]:
    return {**_fields(row), "warranty": warranty}


def _fields(row: SerialNumber) -> dict[str, Any]:
    return {
        "serial_number": row.serial,
        "product_id": row.product_id,
        "status": row.status,
        "customer_tags": row.customer_tags.split(",") if row.customer_tags else [],
        "created_at": row.created_at,
        "registered_at": row.registered_at,
        "voided_at": row.voided_at,
        "void_reason": row.void_reason,
    }


# The last code point: in code-point order every serial that starts with a prefix sorts before prefix + this.
LAST_CHARACTER = "\U0010ffff"
ORDERS = {"created": (SerialNumber.id,)}  # the orders a list offers (records.ordered): ids count up as serials come


def list_serial_numbers(ctx: RequestContext, limit: int, offset: int, prefix: str | None = None,
                        product_id: str | None = None, status: str | None = None,
                        order: str = "-created") -> dict[str, Any]:
    """Serials in creation order (newest first unless `order` says), each with its warranty's id. A page
    filtered by product or status is read from that filter's index in this order; by prefix, it is a range
    of the serial index."""
    query = ordered(SerialNumber.scoped(ctx), ORDERS, order)
    if prefix:
        # The range lets the index answer; the comparison keeps the answer exact whatever the collation.
        query = query.where(SerialNumber.serial >= prefix, SerialNumber.serial < prefix + LAST_CHARACTER,
                            fn.SUBSTR(SerialNumber.serial, 1, len(prefix)) == prefix)
    if product_id:
        query = query.where(SerialNumber.product_id == require_product(ctx, product_id).id)
    if status:
        query = query.where(SerialNumber.status == status)
    page = paginate(query, limit, offset, lambda row: row)
    rows: list[SerialNumber] = page["data"]
    warranties: dict[int, str] = {}
    for start in range(0, len(rows), LOOKUP_CHUNK):
        ids = [row.id for row in rows[start:start + LOOKUP_CHUNK]]
        warranties.update(Warranty.scoped(ctx, Warranty.serial_id, Warranty.id).where(Warranty.serial_id.in_(ids)).tuples())
    page["data"] = [{**_fields(row), "warranty_id": warranties.get(row.id)} for row in rows]
    return page


def random_unregistered(ctx: RequestContext, product_id: str | None) -> dict[str, Any]:
    query = SerialNumber.scoped(ctx).where(SerialNumber.status == UNREGISTERED)
    if product_id:
        query = query.where(SerialNumber.product_id == require_product(ctx, product_id).id)
    row = query.order_by(fn.Random()).first()
    if row is None:
        raise NoUnregisteredSerialNumber("No unregistered serial number left")
    return serial_dict(row)


def void_serial(ctx: RequestContext, serial: str, reason: str | None) -> SerialNumber:
    """Withdraw a unit (stolen, scrapped); it can no longer be registered. Repeating is harmless."""
    row = find_serial(ctx, serial)
    if row.status != VOID:
        row.status, row.voided_at, row.void_reason = VOID, ctx.now(), reason
        row.save(only=[SerialNumber.status, SerialNumber.voided_at, SerialNumber.void_reason])
    return row
