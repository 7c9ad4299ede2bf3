"""Email: an outbox of messages; sent over SMTP by a scheduled job when TRACIQO_SMTP_HOST is set."""
