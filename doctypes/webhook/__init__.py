"""Webhooks: endpoints subscribe to events; every event is delivered, signed, logged and
retried from the outbox until it succeeds or the retry ladder runs out."""
