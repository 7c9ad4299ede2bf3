"""Warranties: activated per serial number for a customer, transferable, voidable."""
