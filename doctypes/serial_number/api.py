"""Serial number methods (ProductCares' serial numbers, as Frappe methods)."""

from __future__ import annotations

from typing import Any

from doctypes.warranty.service import warranty_of_serial
from traciqo_rpc import RequestContext, whitelist

from . import service
from .schema import (
    AddSerialNumbersArgs,
    ListSerialNumbersArgs,
    SerialArgs,
    SerialInfo,
    SerialPage,
    SerialsAdded,
    UnregisteredArgs,
    VoidSerialArgs,
)


# 10,000 entries of up to ~700 characters each, with room for JSON's escapes.
@whitelist(methods=["POST"], schema=AddSerialNumbersArgs, max_body_bytes=16 * 1024 * 1024, returns=SerialsAdded)
def add_serial_numbers(ctx: RequestContext, serial_numbers: list[dict[str, Any]]) -> dict[str, Any]:
    """Add up to 10,000 serials in one call (or one per line of serial_numbers_text, as the dashboard's form
    sends them); ones that exist already are reported, not duplicated."""
    return service.add_serial_numbers(ctx, serial_numbers)


@whitelist(methods=["GET"], schema=SerialArgs, returns=SerialInfo)
def get_serial_number(ctx: RequestContext, serial_number: str) -> dict[str, Any]:
    """A serial with its product, status and warranty."""
    row = service.find_serial(ctx, serial_number)
    return service.serial_dict(row, warranty_of_serial(ctx, row))


@whitelist(methods=["GET"], schema=ListSerialNumbersArgs, returns=SerialPage)
def list_serial_numbers(ctx: RequestContext, limit: int, offset: int, prefix: str | None = None,
                        product_id: str | None = None, status: str | None = None) -> dict[str, Any]:
    """Serials newest first, by serial number prefix, product or status, each with its warranty's id."""
    return service.list_serial_numbers(ctx, limit, offset, prefix, product_id, status)


@whitelist(methods=["GET"], schema=UnregisteredArgs, returns=SerialInfo)
def get_unregistered_serial_number(ctx: RequestContext, product_id: str | None) -> dict[str, Any]:
    """A random serial nobody has registered yet (optionally of one product)."""
    return service.random_unregistered(ctx, product_id)


@whitelist(methods=["POST"], schema=VoidSerialArgs, returns=SerialInfo)
def void_serial_number(ctx: RequestContext, serial_number: str, reason: str | None) -> dict[str, Any]:
    """Withdraw a unit; it can no longer be registered."""
    row = service.void_serial(ctx, serial_number, reason)
    return service.serial_dict(row, warranty_of_serial(ctx, row))
