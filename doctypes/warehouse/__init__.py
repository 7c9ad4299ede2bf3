"""Warehouses and their bin locations (Racko's warehouses), where the stock ledger keeps stock."""
