"""Products: what codes, serial numbers and warranties refer to. Pushed idempotently by name (Trakor)."""
