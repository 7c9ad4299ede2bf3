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
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, cast
from urllib.parse import parse_qsl, quote

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import compile_path
from starlette.types import Scope, Send

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


class Page:
    """One page route's function, served straight from the front door (a GET: the path matched
    here, the answer sent as bytes) or through Starlette's router (HEAD, and the 405 for any
    other verb): the same answer either way."""

    def __init__(self, func: PageFunction) -> None:
        self.func = func
        self.on_the_loop = asyncio.iscoroutinefunction(func)
        marked: tuple[str | None, bool] = getattr(func, _SIGNED_IN, (None, True))
        self.right, self.any_workspace_state = marked
        if self.right is not None and self.on_the_loop:
            raise TypeError("a signed-in page reads its session: make it a plain function")

    async def answer(self, rt: Any, scope: Scope, params: dict[str, str], request_id: str) -> HtmlResult:
        """The page for this request (an error page for anything it refused)."""
        headers: dict[bytes, bytes] = dict(scope["headers"])
        client = scope.get("client")
        ctx = RequestContext(request_id=request_id, ip=client[0] if client else None,
                             user_agent=_text(headers.get(b"user-agent")), services=rt.services)
        query = dict(parse_qsl(scope["query_string"].decode("latin-1"), keep_blank_values=True))
        shown = {"accept-language": _text(headers.get(b"accept-language")) or ""}
        path = scope["path"]

        def failed(exc: Exception) -> HtmlResult:
            if isinstance(exc, errors.TraciqoError):
                return error_page(exc.status, "Sorry", exc.message)
            if isinstance(exc, CommitFailed):
                return error_page(503, "Please try again", "This could not be saved just now; please reload the page.")
            log.error("page %s failed (request %s)", path, request_id, exc_info=exc)
            return error_page(500, "Something went wrong", f"Please try again. Request id {request_id}.")

        def render() -> HtmlResult:
            try:
                if self.right is not None:
                    loaded = _person(rt, headers)
                    if loaded is None:
                        return redirect(f"{LOGIN_PATH}?next={quote(path, safe='/')}")
                    ctx.principal = loaded if self.any_workspace_state else permit(loaded)
                    require_right(loaded, self.right, path)
                # Pages are read by the public: a page that writes opens its own short transaction.
                return rt.run_in_transaction(ctx, lambda: self.func(ctx, params, query, shown), transaction=False)
            except Exception as exc:
                return failed(exc)

        try:
            check_arguments(params)
            check_arguments(query)
        except errors.ValidationError as exc:
            return failed(exc)
        if not self.on_the_loop:
            return cast(HtmlResult, await rt.run_blocking(render))
        try:
            return await cast(Awaitable[HtmlResult], self.func(ctx, params, query, shown))
        except Exception as exc:
            return failed(exc)

    async def send(self, rt: Any, scope: Scope, send: Send, params: dict[str, str], request_id: str) -> int:
        """Answer a GET the front door matched; returns the status, for the access log."""
        result = await self.answer(rt, scope, params, request_id)
        body = result.body.encode("utf-8")
        named = {**_PAGE_HEADERS, **{name.lower(): value for name, value in result.headers.items()}}
        headers = [(b"content-type", named.pop("content-type", "text/html; charset=utf-8").encode("latin-1")),
                   (b"content-length", b"%d" % len(body)),
                   *((name.encode("latin-1"), value.encode("latin-1")) for name, value in named.items()),
                   (b"x-request-id", request_id.encode())]
        await send({"type": "http.response.start", "status": result.status, "headers": headers})
        await send({"type": "http.response.body", "body": body})
        return result.status

    async def endpoint(self, request: Request) -> Response:
        """The Starlette endpoint (HEAD; and GET where the front door did not match first)."""
        result = await self.answer(request.app.state.runtime, request.scope, dict(request.path_params),
                                   request.state.request_id)
        return HTMLResponse(result.body, status_code=result.status, headers={**PAGE_HEADERS, **result.headers})


# Every page's, unless it says otherwise (the tracking page keeps itself a few seconds).
PAGE_HEADERS = {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer"}
_PAGE_HEADERS = {name.lower(): value for name, value in PAGE_HEADERS.items()}


class PageRoutes:
    """hooks.page_routes matched by the front door: exact paths by lookup, the rest by pattern
    (Starlette's path syntax, `{name}` for one segment), in the order hooks declares them."""

    def __init__(self, routes: Mapping[str, PageFunction]) -> None:
        self.pages = {path: Page(func) for path, func in routes.items()}
        self._exact = {path: page for path, page in self.pages.items() if "{" not in path}
        self._patterns = [(compile_path(path)[0], page) for path, page in self.pages.items() if "{" in path]

    def match(self, path: str) -> tuple[Page, dict[str, str]] | None:
        page = self._exact.get(path)
        if page is not None:
            return page, {}
        for pattern, page in self._patterns:
            found = pattern.match(path)
            if found:
                return page, found.groupdict()
        return None


def _text(value: bytes | None) -> str | None:
    return value.decode("latin-1") if value is not None else None


def _person(rt: Any, headers: Mapping[bytes, bytes]) -> Any:
    """The signed-in person a request's cookie names (frozen workspaces included: the page says so)."""
    token = rt.cookies.read(headers)
    loaded = rt.load_session(token) if token is not None else None
    return loaded[0] if loaded is not None else None
