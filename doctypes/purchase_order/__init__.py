"""Purchase orders: what is ordered from a vendor, and its receipts into stock."""
