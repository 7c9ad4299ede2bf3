"""Shipments (Racko's): what leaves a warehouse for a sales order, issued from stock in one transaction."""
