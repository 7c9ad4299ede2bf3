"""Items: what the stock ledger counts (Racko's items), by SKU, with a unit, attributes and how they are tracked."""
