"""Quantities of stock: kept as whole thousandths of the item's unit (3 decimal places: grams of
a kilogram, millimetres of a metre), so that adding and subtracting them in SQL is exact on both
databases; answered as JSON numbers (a whole number when it is one). Money likewise, in
ten-thousandths."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from marshmallow import ValidationError, fields

SCALE = 1000  # stored units per unit
MAX_UNITS = 10**12  # in units: far beyond any stock, and far inside a 64-bit integer of thousandths


def stored(units: Decimal | int) -> int:
    """Units as the database keeps them (thousandths)."""
    return int(Decimal(units) * SCALE)


def shown(thousandths: int) -> int | float:
    """Thousandths as a JSON number of units."""
    whole, part = divmod(int(thousandths), SCALE)
    return whole if part == 0 else int(thousandths) / SCALE


class Scaled(fields.Field):
    """A decimal number with at most `places` decimal places, loaded as a whole number of
    1/`scale` (an int) and answered as a JSON number. `sign`: "positive" refuses zero and below
    (a move), "not negative" refuses below zero (a level, a cost), "not zero" any sign but zero
    (a correction)."""

    scale, places = SCALE, 3

    def __init__(self, sign: str = "positive", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.sign = sign

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, (int, float, str)):
            raise ValidationError("Not a number.")
        try:
            number = Decimal(str(value).strip())
        except InvalidOperation:
            raise ValidationError("Not a number.") from None
        if not number.is_finite():
            raise ValidationError("Not a number.")
        if abs(number) >= MAX_UNITS or number != number.quantize(Decimal(1).scaleb(-self.places)):
            raise ValidationError(f"At most {self.places} decimal places, and less than {MAX_UNITS:,}.")
        refused = {"positive": number <= 0, "not negative": number < 0, "not zero": number == 0}[self.sign]
        if refused:
            raise ValidationError({"positive": "Must be greater than 0.", "not negative": "Must not be negative.",
                                   "not zero": "Must not be 0."}[self.sign])
        return int(number * self.scale)

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> Any:
        if value is None:
            return None
        whole, part = divmod(int(value), self.scale)
        return whole if part == 0 else int(value) / self.scale


class Quantity(Scaled):
    """A quantity of an item, in its units (thousandths stored)."""

    def __init__(self, positive: bool = True, **kwargs: Any) -> None:
        super().__init__("positive" if positive else "not negative", **kwargs)


class Money(Scaled):
    """An amount of the workspace's currency (ten-thousandths stored: a unit cost of 0.0125)."""

    scale, places = 10_000, 4
