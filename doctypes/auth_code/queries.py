"""A label printer asks for thousands of QR images, and building this look-up as a peewee
query cost ten times running it (see traciqo_rpc/statements.py)."""

from __future__ import annotations

from traciqo_rpc.statements import tenant

LABEL = tenant("""
SELECT auth_code.code, product.gtin FROM auth_code LEFT JOIN product ON product.id = auth_code.product_id
WHERE {scope:auth_code} AND auth_code.code = ?""")
