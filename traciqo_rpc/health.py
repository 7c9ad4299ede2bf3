"""Probes for load balancers: /healthz (process up) and /readyz (database and Redis reachable)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from . import db
from .rendering import json_response


async def healthz(request: Request) -> Response:
    return json_response({"status": "ok"})


def _check(rt) -> dict[str, str]:
    checks = {}
    try:
        db.database.execute_sql("SELECT 1").fetchone()
        checks["database"] = "ok"
    except Exception as exc:
        checks["database"] = f"error: {type(exc).__name__}"
    try:
        rt.redis.ping()
        checks["redis"] = "ok" if not rt.embedded_queue else "ok (embedded)"
    except Exception as exc:
        checks["redis"] = f"error: {type(exc).__name__}"
    return checks


async def readyz(request: Request) -> Response:
    rt = request.app.state.runtime
    checks = await rt.run_blocking(_check, rt)
    ready = all(v.startswith("ok") for v in checks.values())
    return json_response({"status": "ready" if ready else "unavailable", "checks": checks}, 200 if ready else 503)
