"""Authentication codes: issued in batches, printed as QR labels, verified by consumers."""
