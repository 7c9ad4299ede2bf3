"""The outbox: what was and will be sent (and, without SMTP settings, what waits)."""

from __future__ import annotations

from typing import Any

from marshmallow import fields, validate

from traciqo_rpc import RequestContext, whitelist
from traciqo_rpc.records import PageArgs

from . import service
from .model import FAILED, QUEUED, SENT
from .schema import EmailPage


class ListEmailsArgs(PageArgs):
    status = fields.String(validate=validate.OneOf([QUEUED, SENT, FAILED]))
    to = fields.Email()


@whitelist(methods=["GET"], schema=ListEmailsArgs, returns=EmailPage)
def list_emails(ctx: RequestContext, limit: int, offset: int, status: str | None = None,
                to: str | None = None) -> dict[str, Any]:
    return service.list_emails(ctx, limit, offset, status, to)
