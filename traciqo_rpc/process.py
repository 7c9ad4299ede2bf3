"""The runtime this process installed, for the one caller that has no context to carry it:
RQ, which calls `jobs.run_job` by its dotted path. Everything else is handed what it needs."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .runtime import Runtime

_installed: Runtime | None = None


def install(runtime: Runtime | None) -> Runtime | None:
    """Make `runtime` this process's; answers the one it replaces."""
    global _installed
    previous, _installed = _installed, runtime
    return previous


def runtime() -> Runtime:
    if _installed is None:
        raise RuntimeError("traciqo runtime not built: call traciqo_rpc.runtime.build() first")
    return _installed
