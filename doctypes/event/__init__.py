"""Events: the outbox. One row per event, written in the business transaction; webhooks deliver it."""
