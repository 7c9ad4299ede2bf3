"""Sales orders (Racko's): a customer's lines of items, confirmed, then shipped in part or whole."""
