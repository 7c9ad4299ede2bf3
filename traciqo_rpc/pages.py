"""HTML pages (verification, tracking, the dashboard): routes from hooks.page_routes.

A page function receives the request context, the path parameters and the query string
as plain data, and returns an HtmlResult; like methods, it never sees Starlette. A page
marked `@signed_in(right)` is the dashboard's: it runs with the signed-in person as the
context's principal (their session cookie, sessions.py), and a visitor without a session is
sent to /login (303) to come back after. A plain
function runs in a worker thread; an `async` one on the event loop, where it must not block:
it hands its writes to the writer's batches (`ctx.services.run_batched`), as the verification
page does with the scan it records.
"""

from __future__ import annotations

import asyncio
import html
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, cast
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from . import errors
from .auth import permit, require_right
from .batching import CommitFailed
from .context import RequestContext
from .untrusted import check_arguments

log = logging.getLogger("traciqo.pages")

PageFunction = Callable[..., "HtmlResult | Awaitable[HtmlResult]"]
_SIGNED_IN = "__traciqo_signed_in__"
LOGIN_PATH = "/login"


def signed_in(right: str = "read", any_workspace_state: bool = False) -> Callable[[PageFunction], PageFunction]:
    """Mark a (plain) page function as the dashboard's: it needs a signed-in person with `right`,
    in an active workspace whose plan has API access unless `any_workspace_state` (the plan page,
    the person's own account), as the methods do."""
    def mark(func: PageFunction) -> PageFunction:
        setattr(func, _SIGNED_IN, (right, any_workspace_state))
        return func
    return mark


def redirect(location: str) -> HtmlResult:
    """See other (303): after a form, or to sign in first."""
    return HtmlResult("", status=303, headers={"Location": location})


@dataclass(frozen=True)
class HtmlResult:
    body: str
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)


def error_page(status: int, title: str, message: str) -> HtmlResult:
    return HtmlResult(
        f"<!doctype html><html lang=en><meta charset=utf-8>"
        f"<meta name=viewport content='width=device-width,initial-scale=1'><title>{html.escape(title)}</title>"
        f"<body style='font-family:system-ui;margin:2rem'><h1>{html.escape(title)}</h1>"
        f"<p>{html.escape(message)}</p></body></html>",
        status=status,
    )


def page_endpoint(func: PageFunction) -> Callable[[Request], Any]:
    """Adapt a page function to a Starlette endpoint (GET)."""
    on_the_loop = asyncio.iscoroutinefunction(func)
    right, any_workspace_state = getattr(func, _SIGNED_IN, (None, True))
    if right is not None and on_the_loop:
        raise TypeError("a signed-in page reads its session: make it a plain function")

    async def endpoint(request: Request) -> Response:
        rt = request.app.state.runtime
        ctx = RequestContext(
            request_id=request.state.request_id,
            ip=request.client.host if request.client else None,
            user_agent=request.headers.get("user-agent"),
            services=rt.services,
        )
        params = dict(request.path_params)
        query = dict(request.query_params)
        headers = {"accept-language": request.headers.get("accept-language", "")}

        def failed(exc: Exception) -> HtmlResult:
            if isinstance(exc, errors.TraciqoError):
                return error_page(exc.status, "Sorry", exc.message)
            if isinstance(exc, CommitFailed):
                return error_page(503, "Please try again", "This could not be saved just now; please reload the page.")
            log.error("page %s failed (request %s)", request.url.path, ctx.request_id, exc_info=exc)
            return error_page(500, "Something went wrong", f"Please try again. Request id {ctx.request_id}.")

        def render() -> HtmlResult:
            try:
                if right is not None:
                    loaded = _person(rt, request)
                    if loaded is None:
                        return redirect(f"{LOGIN_PATH}?next={quote(request.url.path, safe='/')}")
                    ctx.principal = loaded if any_workspace_state else permit(loaded)
                    require_right(loaded, right, request.url.path)
                # Pages are read by the public: a page that writes opens its own short transaction.
                return rt.run_in_transaction(ctx, lambda: func(ctx, params, query, headers), transaction=False)
            except Exception as exc:
                return failed(exc)

        try:
            check_arguments(params)
            check_arguments(query)
        except errors.ValidationError as exc:
            result = failed(exc)
        else:
            if on_the_loop:
                try:
                    result = await cast(Awaitable[HtmlResult], func(ctx, params, query, headers))
                except Exception as exc:
                    result = failed(exc)
            else:
                result = await rt.run_blocking(render)
        page_headers = {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff",
                        "Referrer-Policy": "no-referrer", **result.headers}
        return HTMLResponse(result.body, status_code=result.status, headers=page_headers)

    return endpoint


def _person(rt: Any, request: Request) -> Any:
    """The signed-in person a request's cookie names (frozen workspaces included: the page says so)."""
    token = rt.cookies.read({b"cookie": request.headers.get("cookie", "").encode("latin-1")})
    loaded = rt.load_session(token) if token is not None else None
    return loaded[0] if loaded is not None else None
