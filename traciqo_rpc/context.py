"""One ContextVar request context, set by the dispatcher, the job runner and the CLI."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

from .principal import Principal
from .tracing import current_trace_id, new_trace_id

if TYPE_CHECKING:
    from .services import Services
    from .unit_of_work import UnitOfWork


def new_request_id() -> str:
    """16 hex digits. Ids need to be unique, not secret: the OS random source cost 12 us a call."""
    return f"{random.getrandbits(64):016x}"


class RequestContext:
    """Who is calling, in which workspace and environment; the process's services; the unit
    of work the call runs in (its transaction's after-commit actions); and the trace it is part
    of (the request's or job's being handled, tracing.py; else a new one).

    A plain class with slots: one is made per request, and a dataclass's generated __init__
    with default factories cost twice as much.
    """

    __slots__ = ("request_id", "principal", "ip", "user_agent", "services", "unit", "trace_id")

    def __init__(self, request_id: str | None = None, principal: Principal | None = None, ip: str | None = None,
                 user_agent: str | None = None, services: Services | None = None,
                 unit: UnitOfWork | None = None, trace_id: str | None = None) -> None:
        self.request_id = request_id or new_request_id()
        self.trace_id = trace_id or current_trace_id() or new_trace_id()
        self.principal = principal
        self.ip = ip
        self.user_agent = user_agent
        # Set by whatever runs the call (Runtime.run_in_transaction, the batch writer).
        self.services: Services = services  # type: ignore[assignment]
        self.unit: UnitOfWork = unit  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"RequestContext(request_id={self.request_id!r}, principal={self.principal!r})"

    @property
    def workspace_id(self) -> int | None:
        return self.principal.workspace_id if self.principal else None

    @property
    def is_sandbox(self) -> bool:
        return bool(self.principal and self.principal.is_sandbox)

    @property
    def environment(self) -> str:
        return "sandbox" if self.is_sandbox else "live"

    def require_principal(self) -> Principal:
        if self.principal is None:
            from .errors import GuestNotAllowed

            raise GuestNotAllowed()
        return self.principal

    def acting_for(self, workspace_id: int, is_sandbox: bool) -> RequestContext:
        """The same request acting inside one workspace (a guest scan writing the owner's rows).

        Shares the unit of work, so events queued through it still wait for the commit.
        """
        return RequestContext(self.request_id, Principal.system(workspace_id, is_sandbox), self.ip, self.user_agent,
                              self.services, self.unit, self.trace_id)

    def on_commit(self, action: Callable[[], Any]) -> None:
        """Run `action` only once the current transaction has committed."""
        if self.unit is None:
            raise RuntimeError("no unit of work: run the call through Runtime.run_in_transaction")
        self.unit.on_commit(action)

    def now(self) -> dt.datetime:
        """The current time as the database stores it (naive UTC), from the services' clock."""
        return self.services.clock()


_current: ContextVar[RequestContext | None] = ContextVar("traciqo_request_context", default=None)


def current_context_or_none() -> RequestContext | None:
    """The active request context, if any (for log lines, which are written anywhere)."""
    return _current.get()


def current_context() -> RequestContext:
    """The active request context; fails loudly outside a request, job or CLI command."""
    ctx = _current.get()
    if ctx is None:
        raise RuntimeError("No traciqo request context is active")
    return ctx


class use_context:  # noqa: N801 - used like a function: `with use_context(ctx):`
    """Make `ctx` the current context for the block (a class: cheaper than a generator)."""

    __slots__ = ("ctx", "token")

    def __init__(self, ctx: RequestContext) -> None:
        self.ctx = ctx

    def __enter__(self) -> RequestContext:
        self.token = _current.set(self.ctx)
        return self.ctx

    def __exit__(self, *exc_info: object) -> None:
        _current.reset(self.token)
