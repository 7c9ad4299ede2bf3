"""@whitelist records method specs on functions; the app collects them into a frozen registry."""

from __future__ import annotations

import types
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from marshmallow import Schema, fields

# What a method may need of its caller (see whitelist's `right`).
RIGHTS = ("read", "write", "keys", "webhooks", "members", "plan")
_SPEC_ATTR = "__traciqo_method__"
_JOB_ATTR = "__traciqo_job__"


class _NoArguments(Schema):
    """Schema for methods that take no arguments: any argument is unknown."""


@dataclass(frozen=True, init=False)
class File:
    """What a method that returns a FileResult answers: its possible media types (for the
    OpenAPI document), e.g. `returns=File("image/png", "image/svg+xml")`."""

    media_types: tuple[str, ...]

    def __init__(self, *media_types: str) -> None:
        if not media_types:
            raise TypeError("File() needs the media types the method answers with")
        object.__setattr__(self, "media_types", media_types)


# What a method answers: a schema (an instance with many=True for a list of objects), a field
# for anything else (a string, a list of strings) or a File; None until declared.
Returns = Schema | fields.Field | File


@dataclass(frozen=True)
class MethodSpec:
    path: str
    func: Callable[..., Any]
    methods: frozenset[str]
    allow_guest: bool
    schema: Schema
    transaction: bool
    guest_rate_limit: int = 0
    blocking: bool = True
    batch: Callable[[list[Any]], list[Any]] | None = None
    max_body_bytes: int | None = None
    right: str = "write"  # what the caller needs, one of RIGHTS
    any_workspace_state: bool = False  # a person may call it while the workspace is frozen
    also_answers: frozenset[int] = frozenset()  # error statuses the method raises itself (OpenAPI)
    returns: Returns | None = None

    @property
    def allow_header(self) -> str:
        return ", ".join(sorted(self.methods))

    @property
    def batched(self) -> bool:
        return self.batch is not None


def whitelist(
    methods: Iterable[str] = ("GET", "POST"),
    allow_guest: bool = False,
    schema: type[Schema] | Schema | None = None,
    transaction: bool | None = None,
    guest_rate_limit: int = 0,
    blocking: bool = True,
    batch: Callable[[list[Any]], list[Any]] | None = None,
    max_body_bytes: int | None = None,
    right: str | None = None,
    returns: type[Schema] | Returns | None = None,
    any_workspace_state: bool = False,
    also_answers: Iterable[int] = (),
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Expose a function at /api/method/<module>.<name>.

    Args:
        methods: HTTP verbs accepted; another verb answers 405 with Allow.
        allow_guest: callable without credentials.
        schema: marshmallow schema for the arguments (unknown fields are refused).
        transaction: run the call in one write transaction (default unless GET-only). Without
            one, reads run in autocommit and a method that writes opens its own short ones.
        guest_rate_limit: requests per minute per client IP for calls without credentials.
        blocking: False for a function that does no I/O at all (no database, no network): it
            then runs on the event loop, which saves the hand-off to a worker thread and back.
        batch: for a short write on a hot path (a scan, an activation), the function that does
            the work of many calls at once: a list of items in, their results out, in order
            (an item refused before anything was written for it may have its error, an errors
            class, in its result's place). The decorated function then only turns a call's
            validated arguments into its item; the calls that arrive together share one batch,
            one transaction and one commit on the writer threads (group commit, see
            traciqo_rpc/batching.py). A batch may run twice (if the function raises, every item
            runs again alone, in a savepoint), so it must only read and write the database and
            register after-commit actions. Pages and the CLI call the same batch function.
        max_body_bytes: the largest request body this method reads (413 past it), for methods
            that take more than TRACIQO_MAX_BODY_BYTES (1 MB) in one call, e.g. a bulk import.
            A call without credentials in its headers is read to TRACIQO_MAX_GUEST_BODY_BYTES at most.
        right: what the caller needs, one of RIGHTS: "read" or "write" (by default "write" for
            a method that runs in a transaction, "read" for the others), "keys" or "webhooks"
            (managing them), "members" or "plan" (a workspace owner's). A key's scopes give
            rights (principal.KEY_SCOPE_RIGHTS), a person's role does (doctypes/user/roles.py).
        any_workspace_state: a signed-in person may call it while the workspace is frozen or its
            plan has no API access (signing out, the session's own details); keys never may.
        also_answers: error statuses the method answers that the OpenAPI document cannot infer
            from the rest (openapi.method_errors), e.g. 401 from a guest method that checks a
            password itself.
        returns: what the method answers under "message", for the OpenAPI document and the tests
            that hold answers to it: a schema class or instance (`Item(many=True)` for a list of
            them), a field (`fields.List(fields.String())`), or `File(media types)` for a method
            that returns a FileResult. Every method declares it: the registry refuses one without.
    """
    verbs = frozenset(m.upper() for m in methods)
    if transaction is None:
        transaction = batch is not None or (verbs != {"GET"} and blocking)
    if batch is not None and not transaction:
        raise TypeError("a batched method runs in the shared transaction: transaction=False makes no sense")
    right = right or ("write" if transaction else "read")
    if right not in RIGHTS:
        raise TypeError(f"right must be one of {', '.join(RIGHTS)}, not {right!r}")
    if transaction and not blocking:  # batched methods always run in a transaction
        raise TypeError("a method that runs in a transaction does I/O: it cannot be blocking=False")
    if schema is None:
        schema_obj: Schema = _NoArguments()
    elif isinstance(schema, Schema):
        schema_obj = schema
    else:
        schema_obj = schema()
    returns_obj = returns() if isinstance(returns, type) else returns

    def decorate(func: Callable[..., Any]) -> Callable[..., Any]:
        spec = MethodSpec(
            path=f"{func.__module__}.{func.__name__}",
            func=func,
            methods=verbs,
            allow_guest=allow_guest,
            schema=schema_obj,
            transaction=transaction,
            guest_rate_limit=guest_rate_limit,
            blocking=blocking,
            batch=batch,
            max_body_bytes=max_body_bytes,
            right=right,
            returns=returns_obj,
            any_workspace_state=any_workspace_state,
            also_answers=frozenset(also_answers),
        )
        setattr(func, _SPEC_ATTR, spec)
        return func

    return decorate


_JOB_TRANSACTION_ATTR = "__traciqo_job_transaction__"


def background_job(func: Callable[..., Any] | None = None, *, transaction: bool = True) -> Any:
    """Mark a function as a job the runner may execute (jobs take ids, never objects).

    `@background_job` runs the job in one transaction; `@background_job(transaction=False)`
    lets a job that waits on the network keep its own transactions short.
    """

    def mark(job: Callable[..., Any]) -> Callable[..., Any]:
        setattr(job, _JOB_ATTR, f"{job.__module__}.{job.__name__}")
        setattr(job, _JOB_TRANSACTION_ATTR, transaction)
        return job

    return mark(func) if func is not None else mark


def job_runs_in_transaction(func: Callable[..., Any]) -> bool:
    return getattr(func, _JOB_TRANSACTION_ATTR, True)


def job_path(func: Callable[..., Any]) -> str:
    path = getattr(func, _JOB_ATTR, None)
    if path is None:
        raise TypeError(f"{func!r} is not decorated with @background_job")
    return path


@dataclass(frozen=True)
class Registry:
    methods: Mapping[str, MethodSpec]
    jobs: Mapping[str, Callable[..., Any]]

    def method(self, path: str) -> MethodSpec | None:
        return self.methods.get(path)


class ReturnsMissing(TypeError):
    """A whitelisted method does not say what it answers (its `returns=`)."""


def collect(modules: Iterable[types.ModuleType], aliases: Mapping[str, str]) -> Registry:
    """Build the frozen registry from the whitelisted functions defined in `modules`; a method
    that does not declare what it answers stops start-up (its answer would be undocumented)."""
    methods: dict[str, MethodSpec] = {}
    jobs: dict[str, Callable[..., Any]] = {}
    for module in modules:
        for value in vars(module).values():
            if getattr(value, "__module__", None) != module.__name__:
                continue
            spec = getattr(value, _SPEC_ATTR, None)
            if isinstance(spec, MethodSpec):
                if spec.returns is None:
                    raise ReturnsMissing(f"{spec.path} does not declare what it answers: add returns= to its "
                                         "@whitelist (a schema, a field or File(media types))")
                methods[spec.path] = spec
            job = getattr(value, _JOB_ATTR, None)
            if isinstance(job, str):
                jobs[job] = value
    for alias, target in aliases.items():
        if target not in methods:
            raise LookupError(f"method alias {alias!r} points to {target!r}, which is not whitelisted")
        methods[alias] = methods[target]
    return Registry(methods=types.MappingProxyType(methods), jobs=types.MappingProxyType(jobs))
