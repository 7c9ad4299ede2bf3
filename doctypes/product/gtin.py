"""GS1 GTIN check digits (GTIN-8, -12, -13, -14), normalised to 14 digits."""

from __future__ import annotations


def check_digit(body: str) -> int:
    """The GS1 mod-10 check digit for the digits before it (weights 3,1,3,... from the right)."""
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return (10 - total % 10) % 10


def is_valid(gtin: str) -> bool:
    return gtin.isascii() and gtin.isdigit() and len(gtin) in (8, 12, 13, 14) and check_digit(gtin[:-1]) == int(gtin[-1])


def to_gtin14(gtin: str) -> str:
    return gtin.zfill(14)
