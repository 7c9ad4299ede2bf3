"""REST routes onto whitelisted methods: Frappe's /api/resource and the routes other products'
clients call (hooks.rest_routes).

A route names a method and says how its clients speak: where the method's arguments come
from (path parameters, renamed fields), what a success looks like (the result under "data",
or bare) and which statuses they expect for some errors. Everything else (the key, its scope,
the rate window, the schema, the transaction, usage) is the method's, through the same
dispatcher: a route is another door to a method, never a second path to the database.
"""

from __future__ import annotations

import copy
import functools
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from marshmallow import Schema, fields

from . import errors
from .registry import Returns

Arguments = Callable[[Mapping[str, str], dict[str, Any]], dict[str, Any]]


def path_and_request(params: Mapping[str, str], args: dict[str, Any]) -> dict[str, Any]:
    """The default: the request's arguments, with the path's parameters over them."""
    return {**args, **params}


@dataclass(frozen=True)
class Dialect:
    """How one family of clients expects answers.

    envelope: the key a result goes under ("message" for methods, "data" for Frappe's
        resources), or None for the bare result.
    statuses: the status some errors answer with instead of their own, by error class (the
        first that matches); 204 answers with no body, as ProductCares does for "not found".
    token_field: a body field that may carry the one-token credential `<key>:<secret>` when
        the headers carry none (ProductCares' accessToken).
    name: whose clients these are, for the OpenAPI document ("Trakor").
    error_body: an error's body as these clients read it, from the error and the status it
        answers (None: ours, errors.TraciqoError.to_body); `error_schema` describes it.
    also_answers: statuses these clients are told any route may answer (Racko's 504).
    """

    envelope: str | None = "message"
    statuses: Mapping[type[errors.TraciqoError], int] = field(default_factory=dict)
    token_field: str | None = None
    name: str = ""
    error_body: Callable[[errors.TraciqoError, int], dict[str, Any]] | None = None
    error_schema: type[Schema] | None = None
    also_answers: frozenset[int] = frozenset()

    def status_of(self, exc: errors.TraciqoError) -> int:
        for error_class, status in self.statuses.items():
            if isinstance(exc, error_class):
                return status
        return exc.status

    def status_instead_of(self, status: int) -> int:
        """What these clients get for an error that answers `status` on a method."""
        for error_class, instead in self.statuses.items():
            if error_class.status == status:
                return instead
        return status

    def wrap(self, result: Any) -> Any:
        return result if self.envelope is None else {self.envelope: result}


METHOD = Dialect()


@dataclass(frozen=True)
class RestRoute:
    """`method` (a whitelisted dotted path) served at a REST route in `dialect`; `arguments`
    builds the method's arguments from the path parameters and the request's (before the
    method's schema checks them), `answer` shapes its result and `status` is a success's.

    `request` and `returns` tell the OpenAPI document what this route's clients send and read
    when it differs from the method's own (the method's schema still does the checking)."""

    method: str
    dialect: Dialect = METHOD
    arguments: Arguments = path_and_request
    answer: Callable[[Any], Any] | None = None
    status: int = 200
    request: type[Schema] | None = None
    returns: Returns | None = None


@dataclass(frozen=True)
class Match:
    route: RestRoute
    params: dict[str, str]


# {name} is one path segment; {name:path} the rest of the path, slashes included (a name may hold one).
_PARAM = re.compile(r"\{([a-z_]+)(:path)?\}")


# Where REST routes may live (the front door sends only these to the dispatcher, so pages and
# files never pay for a look here): ours and the seeds' under /api/, Racko's under /v2/.
PREFIXES = ("/api/", "/v2/")


class RestRouter:
    """Finds the route of a verb and path, under one of PREFIXES. A path known for other verbs
    only is 405 with Allow."""

    def __init__(self, routes: Iterable[tuple[str, str, RestRoute]]) -> None:
        self._routes: list[tuple[re.Pattern[str], str, str, RestRoute]] = []
        for verb, template, route in routes:
            if not template.startswith(PREFIXES) or template.startswith("/api/method/"):
                raise ValueError(f"REST route {template!r} must be under /api/ or /v2/, and outside /api/method/")
            parts = _PARAM.split(template)  # literal, name, ":path" or None, literal, ...
            regex = re.escape(parts[0])
            for name, kind, literal in zip(parts[1::3], parts[2::3], parts[3::3], strict=True):
                regex += f"(?P<{name}>{'.+' if kind else '[^/]+'}){re.escape(literal)}"
            # DOTALL and fullmatch: a name may hold any character, a newline at its end too.
            self._routes.append((re.compile(f"{regex}/?", re.DOTALL), verb, template, route))

    def __len__(self) -> int:
        return len(self._routes)

    def routes(self) -> list[tuple[str, str, RestRoute]]:
        """(verb, path template, route) of every route, for the OpenAPI document."""
        return [(verb, _PARAM.sub(r"{\1}", template), route) for _, verb, template, route in self._routes]

    def match(self, verb: str, path: str) -> Match | None:
        """The route for this request; None when no route has this path (Starlette's routes
        may have it); 405 when only other verbs do."""
        allowed: list[str] = []
        for pattern, route_verb, _, route in self._routes:
            found = pattern.fullmatch(path)
            if found is None:
                continue
            if route_verb == verb or (verb == "HEAD" and route_verb == "GET"):
                return Match(route, found.groupdict())
            allowed.append(route_verb)
        if allowed:
            allow = ", ".join(sorted(set(allowed)))
            raise errors.MethodNotAllowed(f"{path} accepts {allow}", headers={"Allow": allow})
        return None


def camel_case(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def camel_case_keys(value: Any, keep: frozenset[str] = frozenset()) -> Any:
    """snake_case keys to camelCase, all the way down, except below the keys in `keep`
    (a registration's own extra fields keep the names their form gave them)."""
    if isinstance(value, dict):
        return {camel_case(key): item if key in keep else camel_case_keys(item, keep) for key, item in value.items()}
    if isinstance(value, list):
        return [camel_case_keys(item, keep) for item in value]
    return value


def camel_case_schema(schema: Schema | type[Schema], keep: frozenset[str] = frozenset(), prefix: str = "") -> Any:
    """`schema` as camelCase clients see it (for the OpenAPI document of a route whose arguments
    and answer are renamed): the same fields under camelCase keys, nested schemas too, except
    below the fields named in `keep`. A class for a class, an instance (`many` kept) for one."""
    if isinstance(schema, Schema):
        return _camel_class(type(schema), keep, prefix)(many=schema.many)
    return _camel_class(schema, keep, prefix)


@functools.cache
def _camel_class(schema: type[Schema], keep: frozenset[str], prefix: str) -> type[Schema]:
    renamed: dict[str, fields.Field] = {}
    for name, original in schema().fields.items():
        key = original.data_key or name
        renamed[name] = field_ = copy.deepcopy(original)
        field_.data_key = key if key in keep else camel_case(key)
        if key not in keep:
            _camel_nested(field_.inner if isinstance(field_, fields.List) else field_, keep, prefix)
    return type(prefix + schema.__name__, (Schema,), {**renamed, "Meta": schema.Meta, "__module__": schema.__module__})


def _camel_nested(field_: fields.Field, keep: frozenset[str], prefix: str) -> None:
    if isinstance(field_, fields.Nested) and isinstance(field_.nested, type | Schema):
        field_.nested = camel_case_schema(field_.nested, keep, prefix)
