"""Reads hooks.py (data) and resolves every target in it at start-up, or refuses to start."""

from __future__ import annotations

import importlib
import importlib.util
import types
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import peewee

DOCTYPE_PARTS = ("model", "service", "api", "jobs")  # cli modules load only through hooks.cli_commands


class HookError(RuntimeError):
    """hooks.py names something that does not exist; the app must not start."""


def resolve(target: str, what: str) -> Any:
    """Import `package.module.attr` at start-up; a clear HookError when it does not resolve."""
    module_name, _, attr = target.rpartition(".")
    if not module_name:
        raise HookError(f"hooks.{what}: {target!r} is not a dotted path")
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise HookError(f"hooks.{what}: cannot import {module_name!r} for {target!r}: {exc}") from exc
    try:
        return getattr(module, attr)
    except AttributeError:
        raise HookError(f"hooks.{what}: {module_name!r} has no {attr!r}") from None


@dataclass(frozen=True)
class Wiring:
    modules: tuple[types.ModuleType, ...]
    models: tuple[type[peewee.Model], ...]
    method_aliases: Mapping[str, str]
    doc_events: Mapping[str, str]
    scheduled_jobs: Mapping[Callable[..., Any], int]
    fixtures: Mapping[str, Callable[..., Any]]
    principal_loader: Callable[..., Any]
    session_loader: Callable[..., Any]
    request_log_writer: Callable[..., Any]
    cli_commands: tuple[Callable[..., Any], ...] = ()
    page_routes: Mapping[str, Callable[..., Any]] = field(default_factory=dict)
    event_writer: Callable[..., Any] | None = None
    http_routes: Mapping[tuple[str, str], Callable[..., Any]] = field(default_factory=dict)
    rest_routes: Mapping[tuple[str, str], Any] = field(default_factory=dict)  # RestRoute objects
    resources: Mapping[str, Any] = field(default_factory=dict)  # Resource objects by DocType
    idempotency_store: Callable[[], Any] | None = None  # builds the IdempotencyStore


def _doctype_modules(name: str) -> list[types.ModuleType]:
    package = f"doctypes.{name}"
    if importlib.util.find_spec(package) is None:
        raise HookError(f"hooks.doctypes: no package {package!r}")
    found = []
    for part in DOCTYPE_PARTS:
        if importlib.util.find_spec(f"{package}.{part}") is not None:
            found.append(importlib.import_module(f"{package}.{part}"))
    if not found:
        raise HookError(f"hooks.doctypes: {package!r} has none of {', '.join(DOCTYPE_PARTS)}")
    return found


def _models_in(module: types.ModuleType) -> list[type[peewee.Model]]:
    return [
        value
        for value in vars(module).values()
        if isinstance(value, type)
        and issubclass(value, peewee.Model)
        and value.__module__ == module.__name__
        and not getattr(value._meta, "abstract", False)
    ]


def load(hooks: types.ModuleType | None = None) -> Wiring:
    """Import the doctypes hooks.py lists and resolve every target it names."""
    if hooks is None:
        hooks = importlib.import_module("hooks")
    modules: list[types.ModuleType] = []
    for name in getattr(hooks, "method_modules", []):
        try:
            modules.append(importlib.import_module(name))
        except ImportError as exc:
            raise HookError(f"hooks.method_modules: cannot import {name!r}: {exc}") from exc
    for name in getattr(hooks, "doctypes", []):
        modules.extend(_doctype_modules(name))
    models = tuple(m for module in modules for m in _models_in(module))
    schedule = {
        resolve(path, "scheduled_jobs"): int(seconds)
        for path, seconds in getattr(hooks, "scheduled_jobs", {}).items()
    }
    fixtures = {
        filename: resolve(loader, "fixtures") for filename, loader in getattr(hooks, "fixtures", {}).items()
    }
    return Wiring(
        modules=tuple(modules),
        models=models,
        method_aliases=dict(getattr(hooks, "method_aliases", {})),
        doc_events=dict(getattr(hooks, "doc_events", {})),
        scheduled_jobs=schedule,
        fixtures=fixtures,
        principal_loader=resolve(hooks.principal_loader, "principal_loader"),
        session_loader=resolve(hooks.session_loader, "session_loader"),
        request_log_writer=resolve(hooks.request_log_writer, "request_log_writer"),
        cli_commands=tuple(resolve(path, "cli_commands") for path in getattr(hooks, "cli_commands", [])),
        page_routes={route: resolve(path, "page_routes") for route, path in getattr(hooks, "page_routes", {}).items()},
        event_writer=resolve(hooks.event_writer, "event_writer") if getattr(hooks, "event_writer", None) else None,
        http_routes={_verb_and_path(route, "http_routes"): resolve(path, "http_routes")
                     for route, path in getattr(hooks, "http_routes", {}).items()},
        rest_routes={_verb_and_path(route, "rest_routes"): resolve(path, "rest_routes")
                     for route, path in getattr(hooks, "rest_routes", {}).items()},
        resources={doctype: resolve(path, "resources") for doctype, path in getattr(hooks, "resources", {}).items()},
        idempotency_store=(resolve(hooks.idempotency_store, "idempotency_store")
                           if getattr(hooks, "idempotency_store", None) else None),
    )


def _verb_and_path(route: str, what: str) -> tuple[str, str]:
    verb, _, path = route.partition(" ")
    if verb not in ("GET", "POST", "PUT", "DELETE", "PATCH") or not path.startswith("/"):
        raise HookError(f"hooks.{what}: {route!r} must look like 'PUT /upload/{{token}}'")
    return verb, path
