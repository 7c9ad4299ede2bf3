"""Idempotency keys in the database (hooks.idempotency_store; the rules are in
traciqo_rpc/idempotency.py): claim a key, store the answer in the call's own transaction,
release it when the call failed, prune them after their day."""

from __future__ import annotations

import datetime as dt

import peewee

from traciqo_rpc import db
from traciqo_rpc.idempotency import Busy, Claimed, Mismatch, Replay, Scope, Stored

from .model import DONE, PENDING, IdempotencyKey

KEPT = dt.timedelta(hours=24)


class DatabaseStore:
    def claim(self, scope: Scope, key: str, fingerprint: str, now: dt.datetime,
              lease: dt.timedelta) -> Claimed | Replay | Mismatch | Busy:
        """Take the key for this call, or say why not: its answer is stored, it was used for
        other arguments, or a call holding it is still running. One transaction of its own, so
        a concurrent duplicate sees the claim."""
        with db.transaction():
            try:
                with db.database.atomic():  # a savepoint: the lost race must not poison the transaction
                    row = IdempotencyKey.create(workspace_id=scope.workspace_id, is_sandbox=scope.is_sandbox,
                                                api_key_id=scope.api_key_id, key=key, fingerprint=fingerprint,
                                                locked_until=now + lease, created_at=now)
                return Claimed(row.id)
            except peewee.IntegrityError:
                pass
            row = (IdempotencyKey.select().where((IdempotencyKey.api_key_id == scope.api_key_id)
                                                 & (IdempotencyKey.is_sandbox == scope.is_sandbox)
                                                 & (IdempotencyKey.key == key)).first())
            if row is None:  # pruned between the two statements: the next attempt claims it
                return Busy()
            expired = row.created_at < now - KEPT
            abandoned = row.state == PENDING and row.locked_until < now
            if expired or abandoned:
                taken = (IdempotencyKey.update(fingerprint=fingerprint, state=PENDING, locked_until=now + lease,
                                               created_at=now, status=None, content_type=None, body=None)
                         .where((IdempotencyKey.id == row.id) & (IdempotencyKey.locked_until == row.locked_until))
                         .execute())
                return Claimed(row.id) if taken else Busy()
            if row.fingerprint != fingerprint:
                return Mismatch()
            if row.state == DONE:
                return Replay(Stored(row.status, row.content_type, bytes(row.body)))
            return Busy()

    def complete(self, claim: Claimed, stored: Stored) -> None:
        """Keep the answer: called inside the call's transaction, so the change and its answer
        commit together, or neither does."""
        (IdempotencyKey.update(state=DONE, status=stored.status, content_type=stored.content_type, body=stored.body)
         .where(IdempotencyKey.id == claim.record_id).execute())

    def release(self, claim: Claimed) -> None:
        """The call failed and changed nothing: a retry with the key runs it again."""
        with db.transaction():
            IdempotencyKey.delete().where((IdempotencyKey.id == claim.record_id)
                                          & (IdempotencyKey.state == PENDING)).execute()


def prune(now: dt.datetime) -> int:
    with db.transaction():
        return IdempotencyKey.delete().where(IdempotencyKey.created_at < now - KEPT).execute()
