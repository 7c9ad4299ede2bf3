"""Uploads (receipts): a signed, expiring PUT URL that binds size and type, then a file URL."""
