"""create_app(settings) -> Starlette: routes, the front door, start-up checks."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import AsyncIterator
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from . import api_reference, errors, health, ip_ban, metrics, openapi, runtime
from .front import FrontDoor
from .logs import configure_logging, write_at_once
from .rendering import error_response
from .routes import route_endpoint
from .settings import Settings

_HTTP_ERRORS = {404: errors.DoesNotExistError, 405: errors.MethodNotAllowed, 400: errors.InvalidRequest,
                413: errors.PayloadTooLarge}


def create_app(settings: Settings | None = None, hooks=None) -> Starlette:
    """Build the runtime (resolving every hook; a bad one stops start-up) and the ASGI app."""
    settings = settings or Settings.from_env()
    configure_logging(settings)
    rt = runtime.build(settings, hooks)
    # Failed authentications per address, shared through Redis when there is one (ip_ban.py).
    bans = ip_ban.build(None if rt.embedded_queue else rt.redis, settings.ip_ban_failures, settings.ip_ban_window,
                        settings.ip_ban_seconds)
    # Prometheus metrics, when they have a reader (a token or a port): nothing is counted otherwise.
    recorder = metrics.build(settings, rt)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        rt.start_background()
        bans.start()
        if recorder is not None:
            recorder.start()
        # Everything built so far lives as long as the process: keep the collector from
        # walking it again and again (full collections cost ~40 ms under load).
        gc.freeze()
        try:
            yield
        finally:
            gc.unfreeze()
            if recorder is not None:
                recorder.stop()
            bans.stop()
            rt.stop_background()
            write_at_once()  # the server's last lines: a signal may end the process before exit handlers

    async def traciqo_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, errors.TraciqoError)
        return error_response(exc, settings.developer_mode)

    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        error_class = _HTTP_ERRORS.get(exc.status_code, errors.TraciqoError)
        error = error_class(f"{request.method} {request.url.path}: {exc.detail}")
        return error_response(error, settings.developer_mode, exc.headers)

    # Built on the first request for it (most processes never serve it), then kept.
    document = openapi.Published(lambda: openapi.build(rt.registry, rt.rest_router.routes(), sorted(rt.resources)),
                                 api_reference.render)

    async def openapi_json(request: Request) -> Response:
        return Response(document.body, media_type="application/json")

    async def reference_page(request: Request) -> Response:
        return HTMLResponse(document.page, headers=api_reference.HEADERS)

    app = TraciqoApp(
        rt,
        bans,
        recorder,
        routes=[
            Route("/healthz", health.healthz, methods=["GET"]),
            Route("/readyz", health.readyz, methods=["GET"]),
            Route("/api/openapi.json", openapi_json, methods=["GET"]),
            Route("/api/docs", reference_page, methods=["GET"]),
            *metrics.routes(recorder, rt),
            *(Route(path, page.endpoint, methods=["GET"]) for path, page in rt.page_routes.pages.items()),
            *(Route(path, route_endpoint(func), methods=[verb]) for (verb, path), func in rt.wiring.http_routes.items()),
        ],
        exception_handlers={errors.TraciqoError: traciqo_error, HTTPException: http_error},
        lifespan=lifespan,
    )
    return app


class TraciqoApp(Starlette):
    """Starlette for pages, files and probes; every request enters through the front door
    (request id, access log line), and method calls go from there straight to the dispatcher."""

    def __init__(self, rt: runtime.Runtime, bans: ip_ban.LocalBans, recorder: metrics.Metrics | None,
                 **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.state.runtime = rt
        self.state.ip_bans = bans
        self.state.metrics = recorder
        self.front = FrontDoor(rt, super().__call__, bans, recorder)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            await self.front(scope, receive, send)
        else:
            await super().__call__(scope, receive, send)
