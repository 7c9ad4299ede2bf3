"""Webhook signatures (no I/O): Traciqo's hex HMAC of the body, and Standard Webhooks'."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

PREFIX = "whsec_"


def new_secret() -> str:
    return PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()


def traciqo_signature(secret: str, body: bytes) -> str:
    """X-Traciqo-Signature: hex HMAC-SHA256 of the raw body, keyed with the secret as shown."""
    return hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def standard_signature(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    """webhook-signature entry: v1,base64 HMAC-SHA256 of "id.timestamp.body", keyed with the
    base64-decoded part of the secret after whsec_."""
    key = base64.b64decode(secret[len(PREFIX):])
    signed = f"{message_id}.{timestamp}.".encode() + body
    return "v1," + base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()


def headers(event_name: str, event_id: str, body: bytes, timestamp: int, secrets_in_use: list[str]) -> dict[str, str]:
    """Every delivery's headers; during a rotation both secrets sign (space-separated)."""
    return {
        "Content-Type": "application/json",
        "X-Traciqo-Event": event_name,
        "X-Traciqo-Signature": traciqo_signature(secrets_in_use[0], body),
        "webhook-id": event_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": " ".join(standard_signature(s, event_id, timestamp, body) for s in secrets_in_use),
    }
