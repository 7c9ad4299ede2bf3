"""Trakor's public API (seeds/004): POST /api/public/v1/products, the same idempotent push as
upsert_product, answering the record bare, and 400 for a body that fails the schema."""

from __future__ import annotations

from traciqo_rpc import errors
from traciqo_rpc.rest import Dialect, RestRoute

# Trakor's clients read a bare object, and 400 for anything wrong with what they sent.
TRAKOR = Dialect(envelope=None, statuses={errors.ValidationError: 400}, name="Trakor")

trakor_products = RestRoute("doctypes.product.api.upsert_product", TRAKOR)
