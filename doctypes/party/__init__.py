"""Parties: customers, distributors and suppliers. Pushed idempotently by name (Trakor)."""
