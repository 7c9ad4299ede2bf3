"""Product as a Frappe resource: its name is its key, as in Trakor's idempotent push."""

from __future__ import annotations

from typing import Any

from traciqo_rpc.resource import Column, Resource, Write

from .model import Product

EDITABLE = ("description", "brand", "price", "gtin", "warranty_months")


def sku_number(sku: str) -> int:
    """PRD-00042 -> 42."""
    prefix, _, number = sku.strip().upper().partition("-")
    if prefix != "PRD" or not (number.isascii() and number.isdigit()) or len(number) > 12:
        raise ValueError("An SKU looks like PRD-00042.")
    return int(number)


def _changes(name: str | None, values: dict[str, Any]) -> dict[str, Any]:
    return values if name is None else {"name": name, **values}


product = Resource(
    model=Product,
    fields={
        "name": Product.name, "id": Product.id,
        "sku": Column(Product.sku_number, show=lambda n: f"PRD-{n:05d}", store=sku_number),
        "description": Product.description, "brand": Product.brand, "price": Product.price, "gtin": Product.gtin,
        "warranty_months": Product.warranty_months,
    },
    filterable=("name", "id", "sku"),
    created=Product.created_at,
    sequence=Product.sku_number,  # numbered as they are created
    order_by="sku asc",
    insert=Write("doctypes.product.api.upsert_product", ("name", *EDITABLE), _changes, name_of=lambda result, _: result["name"]),
    update=Write("doctypes.product.api.upsert_product", EDITABLE, _changes),
)
