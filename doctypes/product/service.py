"""Products: idempotent push by name, look-up, listing."""

from __future__ import annotations

from typing import Any

from peewee import fn

from traciqo_rpc import errors
from traciqo_rpc.context import RequestContext
from traciqo_rpc.records import ordered, paginate, public_id, upsert_scoped

from .model import Product


class UnknownProduct(errors.ValidationError):
    """An argument names a product the workspace does not have (417, naming the argument)."""


class ProductNotFound(errors.DoesNotExistError):
    """No product of that id in the caller's workspace and environment."""


def upsert_product(ctx: RequestContext, name: str, **values: Any) -> dict[str, Any]:
    """Create the product, or return the existing one of that name (updating fields sent that differ)."""

    def next_number() -> dict[str, Any]:
        highest = Product.scoped(ctx, fn.MAX(Product.sku_number)).scalar() or 0
        return {"id": public_id(), "sku_number": highest + 1}

    product, created, updated = upsert_scoped(ctx, Product, Product.name, name, values, next_number)
    return {"id": product.id, "sku": product.sku, "name": product.name, "created": created, "updated": updated}


def find_product(ctx: RequestContext, product_id: str) -> Product | None:
    """The caller's product by id or SKU."""
    query = Product.scoped(ctx)
    number = product_id[4:]
    # ASCII digits only ("²".isdigit() is true, and int() refuses it), and a number a column holds.
    if product_id.upper().startswith("PRD-") and number.isascii() and number.isdigit():
        return query.where(Product.sku_number == int(number)).first() if len(number) <= 12 else None
    return query.where(Product.id == product_id).first()


def require_product(ctx: RequestContext, product_id: str, field: str = "product_id") -> Product:
    """The caller's product, or 417 naming the argument (a product of another workspace is unknown here)."""
    product = find_product(ctx, product_id)
    if product is None:
        raise UnknownProduct(
            f"Unknown product {product_id!r}", field_errors={field: ["No such product in this workspace."]}
        )
    return product


def product_dict(product: Product) -> dict[str, Any]:
    return {
        "id": product.id,
        "sku": product.sku,
        "name": product.name,
        "description": product.description,
        "brand": product.brand,
        "price": product.price,
        "gtin": product.gtin,
        "warranty_months": product.warranty_months,
        "created_at": product.created_at,
    }


def get_product(ctx: RequestContext, product_id: str) -> dict[str, Any]:
    product = find_product(ctx, product_id)
    if product is None:
        raise ProductNotFound(f"Product {product_id} not found")
    return product_dict(product)


# The orders a list offers (records.ordered): each one an index gives.
ORDERS = {"sku": (Product.sku_number,), "name": (Product.name,)}


def list_products(ctx: RequestContext, limit: int, offset: int, name: str | None = None,
                  order: str = "sku") -> dict[str, Any]:
    query = ordered(Product.scoped(ctx), ORDERS, order)
    if name:
        query = query.where(Product.name.contains(name))
    return paginate(query, limit, offset, product_dict)
