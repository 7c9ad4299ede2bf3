"""Vendor catalogues: what a vendor offers of an item (its SKU, price, lead time, minimum order)."""
