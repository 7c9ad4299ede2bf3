"""Whitelisted methods that exist only in tests, to exercise the dispatcher's general paths."""

from __future__ import annotations

import peewee
from marshmallow import Schema, fields, validate

from traciqo_rpc import RequestContext, background_job, enqueue_after_commit, errors, whitelist
from traciqo_rpc.db import BaseModel


class JobMark(BaseModel):
    """A row a test job writes, so a test can see that the job ran."""

    label = peewee.CharField()


class EchoArgs(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=20))
    count = fields.Integer(load_default=1, validate=validate.Range(min=1, max=10))
    tags = fields.List(fields.String(), load_default=list)
    options = fields.Dict(load_default=dict)


@whitelist(methods=["GET", "POST"], schema=EchoArgs, allow_guest=True, returns=EchoArgs)
def echo(ctx: RequestContext, name: str, count: int, tags: list, options: dict) -> dict:
    return {"name": name, "count": count, "tags": tags, "options": options}


@whitelist(methods=["POST"], allow_guest=True, returns=fields.String())
def boom(ctx: RequestContext) -> None:
    raise RuntimeError("secret internals")


class LabelArgs(Schema):
    label = fields.String(required=True)
    fail = fields.Boolean(load_default=False)


@whitelist(methods=["POST"], schema=LabelArgs, allow_guest=True, returns=fields.String())
def mark_later(ctx: RequestContext, label: str, fail: bool) -> str:
    """Queues a job after commit; with fail=True the transaction rolls back and the job is dropped."""
    enqueue_after_commit(ctx, write_mark, label)
    if fail:
        raise errors.ValidationError("asked to fail")
    return "queued"


@background_job
def write_mark(ctx: RequestContext, label: str) -> None:
    JobMark.create(label=label)


def mark_many(items: list[tuple[RequestContext, str, bool]]) -> list[str]:
    """Writes a mark per item and queues a job for after the shared commit; an item with
    fail=True raises after writing, so the batch replays with savepoints and loses only it."""
    labels = []
    for ctx, label, fail in items:
        JobMark.create(label=label)
        enqueue_after_commit(ctx, write_mark, f"{label}-job")
        if fail:
            raise errors.ValidationError("asked to fail")
        labels.append(label)
    return labels


@whitelist(methods=["POST"], schema=LabelArgs, allow_guest=True, batch=mark_many, returns=fields.String())
def mark_batched(ctx: RequestContext, label: str, fail: bool) -> tuple[RequestContext, str, bool]:
    return ctx, label, fail
