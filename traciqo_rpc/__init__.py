"""traciqo-rpc: the framework. Doctypes import these names; nothing here imports doctypes."""

from __future__ import annotations

from . import db, errors
from .context import RequestContext, current_context
from .events import publish, publish_many
from .jobs import enqueue_after_commit
from .pages import HtmlResult
from .registry import File, background_job, whitelist
from .results import FileResult
from .routes import reads_body

__all__ = [
    "File",
    "FileResult",
    "HtmlResult",
    "RequestContext",
    "background_job",
    "current_context",
    "db",
    "enqueue_after_commit",
    "errors",
    "publish",
    "publish_many",
    "reads_body",
    "whitelist",
]
