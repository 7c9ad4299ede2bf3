"""The OpenAPI 3.1 document of the API, generated with apispec from the methods' marshmallow
schemas: what each method takes and what it answers (`@whitelist(returns=...)`).

`ApiDocument.add_operation` adds one operation: a verb and a path, the arguments' schema and
where they travel, what the answer holds and under which key, and the error statuses it may
answer. `add_methods` adds /api/method/<path> for every whitelisted method; other doors to the
same methods (REST routes, with their own envelope and statuses) add theirs with the same call.
`Published` builds the document once per process, on the first request for it.
"""

from __future__ import annotations

import copy
import functools
import http
import importlib.metadata
import inspect
import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, Literal

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from marshmallow import INCLUDE, Schema, fields

from .auth import SANDBOX_FLAGS
from .dispatch import PREFIX
from .registry import File, MethodSpec, Registry, Returns
from .rendering import dumps
from .rest import RestRoute

OPENAPI_VERSION = "3.1.0"

# What each error status means here; an operation lists the ones it can answer.
ERROR_STATUSES = {
    400: "Malformed request: an unparseable body, an unsupported content type, credentials in two "
         "forms or a repeated credential header.",
    401: "Invalid API key or secret; a dashboard session that ended; a wrong email or password (`login`).",
    403: "Not permitted: no credentials, a key without the scope the method needs, a role without "
         "the right it needs, a change made with a session cookie but no CSRF token, a frozen "
         "workspace or a plan without API access; an address banned after too many failed "
         "authentications (`ip_ban`).",
    404: "Not found: a record the arguments name.",
    405: "Wrong HTTP verb; the Allow header lists the right ones.",
    409: "Conflicts with existing data.",
    413: "The request body is larger than this operation accepts.",
    417: "Invalid arguments (`field_errors` names them), or a rule refused them "
         "(`error_code` `limit_exceeded` for a plan's limits).",
    429: "Rate limit exceeded; retry after `Retry-After` seconds.",
    503: "The change could not be saved; retry.",
    504: "The call ran past its time budget (`timeout`); nothing of it was kept. Retry later.",
}

# Every way a key is accepted (traciqo_rpc/auth.py, CREDENTIAL_FORMS): any one of them, once.
SECURITY_SCHEMES = {
    "apiKey": {"type": "apiKey", "in": "header", "name": "X-Traciqo-API-Key",
               "description": "The API key, with its secret in X-Traciqo-API-Secret."},
    "apiSecret": {"type": "apiKey", "in": "header", "name": "X-Traciqo-API-Secret",
                  "description": "The API secret, with its key in X-Traciqo-API-Key."},
    "token": {"type": "apiKey", "in": "header", "name": "Authorization",
              "description": "`token <api_key>:<api_secret>` (Frappe's form)."},
    "basic": {"type": "http", "scheme": "basic", "description": "The API key as user, the secret as password."},
    "bearer": {"type": "http", "scheme": "bearer", "description": "The one token `<api_key>:<api_secret>`."},
    "xApiKey": {"type": "apiKey", "in": "header", "name": "X-API-Key",
                "description": "The one token `<api_key>:<api_secret>`."},
    "rackoApiKey": {"type": "apiKey", "in": "header", "name": "RACKO-API-KEY",
                    "description": "Racko's clients: the API key, with its secret in RACKO-SECRET."},
    "rackoSecret": {"type": "apiKey", "in": "header", "name": "RACKO-SECRET",
                    "description": "The secret as issued (the dashboard shows it base64-encoded, as Racko's does: "
                                   "decode it), with its key in RACKO-API-KEY."},
}
KEY_REQUIRED: list[dict[str, list[str]]] = [{"apiKey": [], "apiSecret": []}, {"token": []}, {"basic": []}, {"bearer": []},
                                            {"xApiKey": []}, {"rackoApiKey": [], "rackoSecret": []}]

DESCRIPTION = """\
Frappe-style methods: `GET` or `POST /api/method/<dotted.path>`, answered with
`{"message": <result>}` (a method returning a file answers with the file).

A `GET` takes its arguments in the query string; a `POST` as a JSON object in the body, or as a
form (`application/x-www-form-urlencoded` or `multipart/form-data`, lists and objects
JSON-encoded in one value); query arguments merge in, and the body wins.

Frappe's resources, `/api/resource/<DocType>` (list, create, read, update, delete), answer
`{"data": ...}`; the routes of Trakor's and ProductCares' clients answer as those products do.
Each is another door to a method (named in its description), with that method's rules.

Every error answers with the `Error` body and its status (Racko's routes, under `/v2/`, with
Racko's). The key decides the environment (`tq_live_...` or `tq_test_...`);
`X-Traciqo-Sandbox: true` forces the sandbox.

Any call may also answer 403 `ip_ban`, from an address with too many failed authentications
(20 in 10 minutes: refused for 15 minutes), and 504 `timeout` past its time budget (30 s), its
changes rolled back.
"""

ArgumentsIn = Literal["query", "body"]


class ErrorBody(Schema):
    """Every error's body: Frappe's keys plus a stable machine code."""

    exc_type = fields.String(required=True, metadata={"description": "The error's class, named by its condition."})
    exception = fields.String(required=True, metadata={"description": "What went wrong, for people."})
    error_code = fields.String(required=True, metadata={
        "description": "Stable machine code: invalid_request, invalid_token, no_permission, inactive, no_content, "
                       "method_not_allowed, duplicated, too_large, validation_error, limit_exceeded, rate_limit, "
                       "unavailable or internal."})
    field_errors = fields.Dict(keys=fields.String(), metadata={
        "description": "Per-argument messages, for invalid arguments only."})
    server_messages = fields.String(required=True, data_key="_server_messages", metadata={
        "description": "Frappe's JSON-encoded list of JSON-encoded {\"message\": ...} objects."})
    exc = fields.String(required=True, metadata={"description": "A JSON-encoded list holding the one-line error."})


class _Inline(Schema):
    """Base of the schemas made here to wrap a result (its envelope): written out in place."""


# The one property of the wrapper that carries a bare field result, taken out when the document is done.
_BARE = "result"


class _ComponentNames:
    """Component names for schemas: the class name, or its dotted path when another class has
    that name already; None (written out in place) for a wrapper or a narrowed schema."""

    def __init__(self) -> None:
        self._owners: dict[str, type] = {}

    def __call__(self, schema: type[Schema] | Schema) -> str | None:
        if isinstance(schema, Schema) and (schema.only is not None or schema.exclude):
            return None
        cls = schema if isinstance(schema, type) else type(schema)
        if issubclass(cls, _Inline):
            return None
        name = cls.__name__
        if self._owners.setdefault(name, cls) is not cls:
            name = f"{cls.__module__}.{cls.__name__}"
            self._owners[name] = cls
        return name


class ApiDocument:
    """An OpenAPI 3.1 document being built: the shared components, then one operation at a time."""

    def __init__(self, title: str, version: str, description: str = DESCRIPTION) -> None:
        # apispec's hint says classes; it passes instances too, and None writes a schema out in place.
        plugin = MarshmallowPlugin(schema_name_resolver=_ComponentNames())  # type: ignore[arg-type]
        self.spec = APISpec(title=title, version=version, openapi_version=OPENAPI_VERSION, plugins=[plugin],
                            info={"description": description})
        plugin.map_to_openapi_type(fields.Url, "string", "uri")  # apispec says "url", not a JSON Schema format
        for name, scheme in SECURITY_SCHEMES.items():
            self.spec.components.security_scheme(name, scheme)
        self.spec.components.schema("Error", schema=ErrorBody)
        self.spec.components.header("RequestId", {
            "description": "The request's id (the caller's X-Request-Id when sane); quote it when reporting a problem.",
            "required": True, "schema": {"type": "string"}})
        self.spec.components.parameter("Sandbox", "header", {
            "name": "X-Traciqo-Sandbox", "required": False,
            "schema": {"type": "string", "pattern": _any_case(SANDBOX_FLAGS)},
            "description": "true (or 1, yes, on): act in the sandbox, even with a live key; "
                           "false, 0, no, off or empty: as the key says. Any case."})
        self._error_responses: set[str] = set()
        self._error_bodies = {"Error"}  # error schemas in the components: ours, and any dialect's
        self._bare: list[tuple[str, str, str]] = []  # operations answering a bare field, unwrapped in to_dict

    def add_operation(self, verb: str, path: str, *, arguments: Schema | None, arguments_in: ArgumentsIn,
                      returns: type[Schema] | Returns, envelope: str | None, errors: Iterable[int], guest: bool,
                      operation_id: str, summary: str = "", description: str = "", tags: Iterable[str] = (),
                      status: int = 200, path_values: Mapping[str, Sequence[str]] | None = None,
                      error_schema: type[Schema] | None = None) -> None:
        """Add `verb path`: it takes the fields of `arguments` (those named in the path template,
        `{name}`, travel there; the rest in the query string or a JSON body, as `arguments_in`
        says), answers `returns` under the key `envelope` (None: the bare result) with `status`,
        and may answer each of `errors` (statuses below 400 with no body, e.g. 204).
        `path_values` lists the only values some path parameters take (`{doctype}`); an error
        answers the `Error` body, or `error_schema`'s (a dialect's own)."""
        in_path = re.findall(r"\{(\w+)\}", path)
        path_values = path_values or {}
        declared = arguments.fields if arguments is not None else {}
        path_fields = [name for name, field in declared.items()
                       if (field.data_key or name) in in_path and (field.data_key or name) not in path_values]
        parameters: list[Any] = [] if guest else ["Sandbox"]
        from_schema = {declared[name].data_key or name for name in path_fields}
        parameters += [{"in": "path", "name": name, "required": True,
                        "schema": {"type": "string", **({"enum": list(path_values[name])} if name in path_values else {})}}
                       for name in in_path if name not in from_schema]
        request_body = None
        if arguments is not None and path_fields:
            parameters.append({"in": "path", "schema": type(arguments)(only=path_fields)})
        taken = [name for name, field in declared.items() if (field.data_key or name) in in_path]
        # A schema that takes unknown fields (a document's) has a body even when all its named fields are in the path.
        if arguments is not None and (len(taken) < len(declared) or arguments.unknown == INCLUDE):
            rest = type(arguments)(exclude=taken) if taken else arguments
            if arguments_in == "query":
                parameters.append({"in": "query", "schema": rest})
            else:
                request_body = {"required": any(field.required for field in rest.fields.values()),
                                "content": {"application/json": {"schema": rest}}}
        if not isinstance(returns, Schema | fields.Field | File):
            returns = returns()
        if envelope is None and isinstance(returns, fields.Field):
            self._bare.append((path, verb.lower(), str(status)))
        operation: dict[str, Any] = {
            "operationId": operation_id,
            "tags": list(tags),
            "responses": {str(status): self._success(returns, envelope),
                          **{str(status): self._error(status, error_schema) for status in sorted(set(errors))}},
        }
        if summary:
            operation["summary"] = summary
        if description:
            operation["description"] = description
        if parameters:
            operation["parameters"] = parameters
        if request_body is not None:
            operation["requestBody"] = request_body
        if not guest:
            operation["security"] = KEY_REQUIRED
        self.spec.path(path=path, operations={verb.lower(): operation})

    def to_dict(self) -> dict[str, Any]:
        document = copy.deepcopy(self.spec.to_dict())
        for operations in document.get("paths", {}).values():
            for operation in operations.values():
                if "parameters" in operation:
                    operation["parameters"] = [_as_sent(parameter) for parameter in operation["parameters"]]
        for path, verb, status in self._bare:
            content = document["paths"][path][verb]["responses"][status]["content"]["application/json"]
            content["schema"] = content["schema"]["properties"][_BARE]
        return document

    def _success(self, returns: Returns, envelope: str | None) -> dict[str, Any]:
        if isinstance(returns, File):
            return {"description": "The file.", "headers": {"X-Request-Id": "RequestId"},
                    "content": {media_type: {"schema": {"type": "string", "format": "binary"}}
                                for media_type in returns.media_types}}
        if envelope is None and isinstance(returns, Schema):
            body: Schema = returns
        else:
            result = fields.Nested(returns) if isinstance(returns, Schema) else copy.copy(returns)
            result.required = True
            body = type("Envelope", (_Inline,), {envelope or _BARE: result})()
        return {"description": "The result" + (f", under \"{envelope}\"." if envelope else "."),
                "headers": {"X-Request-Id": "RequestId"}, "content": {"application/json": {"schema": body}}}

    def _error(self, status: int, schema: type[Schema] | None = None) -> str | dict[str, Any]:
        if status < 400:
            return {"description": http.HTTPStatus(status).phrase, "headers": {"X-Request-Id": "RequestId"}}
        body = "Error" if schema is None else schema.__name__
        name = f"{body}{status}"
        if name not in self._error_responses:
            if body not in self._error_bodies:
                self._error_bodies.add(body)
                self.spec.components.schema(body, schema=schema)
            self._error_responses.add(name)
            self.spec.components.response(name, {
                "description": ERROR_STATUSES.get(status, http.HTTPStatus(status).phrase),
                "headers": {"X-Request-Id": "RequestId"},
                "content": {"application/json": {"schema": body}}})
        return name


def _any_case(words: Iterable[str]) -> str:
    """A JSON Schema pattern for exactly one of `words`, in any case (its regexes have no flags)."""
    def letters(word: str) -> str:
        return "".join(f"[{c.lower()}{c.upper()}]" if c.isalpha() else re.escape(c) for c in word)
    return r"^\s*(" + "|".join(letters(word) for word in sorted(words)) + r")\s*$"  # spaces around are dropped


def _as_sent(parameter: Any) -> Any:
    """A parameter as it travels: a path's is always there; a query string's is never null (a
    query string has none) and an object goes as one JSON-encoded value (as the dispatcher reads it)."""
    if not isinstance(parameter, dict) or parameter.get("in") not in ("path", "query"):
        return parameter
    if parameter["in"] == "path":
        return {**parameter, "required": True}
    schema = dict(parameter.get("schema", {}))
    types = schema.get("type")
    if isinstance(types, list) and "null" in types:
        kept = [kind for kind in types if kind != "null"]
        schema["type"] = kept[0] if len(kept) == 1 else kept
    if "enum" in schema:
        schema["enum"] = [value for value in schema["enum"] if value is not None]
    if "default" in schema and schema["default"] is None:
        del schema["default"]
    parameter = {**parameter, "schema": schema}
    if schema.get("type") == "object":
        parameter.pop("style", None)
        parameter.pop("explode", None)
        parameter["content"] = {"application/json": {"schema": parameter.pop("schema")}}
    return parameter


def method_errors(spec: MethodSpec, verb: str) -> set[int]:
    """The error statuses a call of this method with this verb can answer."""
    statuses = {400, 429}  # any call: a malformed request, the rate window (the key's, or the client IP's)
    if not spec.allow_guest:  # (a guest method answers 401 or 403 only to credentials it never asked for)
        statuses |= {401, 403}
    if spec.blocking:  # a method that does no I/O looks nothing up
        statuses.add(404)
    if verb != "GET":  # only a body can be too large
        statuses.add(413)
    if spec.schema.fields:
        statuses.add(417)
    if spec.transaction:
        statuses.add(409)
    if spec.batched:  # a batch whose commit fails answers 503 for all its calls
        statuses.add(503)
    return statuses | spec.also_answers


def add_methods(document: ApiDocument, registry: Registry) -> None:
    """/api/method/<path> for every whitelisted method (and alias), with each verb it accepts."""
    for path, spec in sorted(registry.methods.items()):
        returns = spec.returns
        assert returns is not None  # collect() refuses a method without
        summary, description = _docstring(spec)
        if path != spec.path:
            description = "\n\n".join(filter(None, [f"Another path to `{spec.path}`, for the clients that call it.",
                                                      description]))
        for verb in sorted(spec.methods):
            in_query = verb in ("GET", "DELETE")  # a DELETE's body has no defined meaning
            document.add_operation(
                verb, PREFIX + path, arguments=spec.schema, arguments_in="query" if in_query else "body",
                returns=returns, envelope=None if isinstance(returns, File) else "message",
                errors=method_errors(spec, verb), guest=spec.allow_guest,
                operation_id=path if len(spec.methods) == 1 else f"{path}.{verb.lower()}",
                summary=summary, description=_notes(spec, description), tags=[_tag(spec)])


def _docstring(spec: MethodSpec) -> tuple[str, str]:
    """The function's docstring: its first sentence as summary, the rest as description."""
    doc = inspect.getdoc(spec.func)
    if not doc:
        return spec.func.__name__.replace("_", " ").capitalize() + ".", ""
    paragraphs = [" ".join(paragraph.split()) for paragraph in doc.split("\n\n")]
    first = re.match(r"(.+?[.?!])(?:\s|$)", paragraphs[0])
    summary = first.group(1) if first else paragraphs[0]
    paragraphs[0] = paragraphs[0][len(summary):].strip()
    return summary, "\n\n".join(paragraph for paragraph in paragraphs if paragraph)


def _notes(spec: MethodSpec, description: str) -> str:
    notes = [description] if description else []
    if spec.allow_guest:
        notes.append("Public: no key needed" + (f"; at most {spec.guest_rate_limit} calls a minute per client IP "
                                                 "without one." if spec.guest_rate_limit else "."))
    else:
        notes.append(f"Needs a key with the `{spec.right}` scope.")
    return "\n\n".join(notes)


def _tag(spec: MethodSpec) -> str:
    """The doctype (or framework module) a method belongs to: doctypes.warranty.api -> warranty."""
    return spec.func.__module__.removesuffix(".api").removeprefix("doctypes.")


def build(registry: Registry, routes: Iterable[tuple[str, str, RestRoute]] = (),
          doctypes: Sequence[str] = ()) -> dict[str, Any]:
    """The whole document: every method's operations, then every REST route's (`doctypes`: the
    names /api/resource serves)."""
    document = ApiDocument("traciqo-rpc", _version())
    add_methods(document, registry)
    add_rest_routes(document, registry, routes, doctypes)
    return document.to_dict()


def add_rest_routes(document: ApiDocument, registry: Registry, routes: Iterable[tuple[str, str, RestRoute]],
                    doctypes: Sequence[str]) -> None:
    """Every REST route (Frappe's resources, the seeds' routes) as its clients see it: what the
    route says they send and read (else the method's own), in its envelope, with its statuses."""
    for verb, template, route in routes:
        spec = registry.methods[route.method]
        summary, description = _docstring(spec)
        speaker = route.dialect.name
        note = f"{speaker + ' route' if speaker else 'A route'} to `{spec.path}`."
        if route.dialect.token_field:
            note += f" The one-token key may also come as `{route.dialect.token_field}` in the body or query."
        returns = route.returns if route.returns is not None else spec.returns
        assert returns is not None  # collect() refuses a method without
        document.add_operation(
            verb, template, arguments=route.request() if route.request is not None else spec.schema,
            arguments_in="query" if verb in ("GET", "DELETE") else "body", returns=returns,
            envelope=route.dialect.envelope, status=route.status,
            errors={route.dialect.status_instead_of(status) for status in method_errors(spec, verb)} | {405}
            | route.dialect.also_answers,
            guest=spec.allow_guest, operation_id=f"{verb.lower()} {template}", summary=summary,
            description=_notes(spec, "\n\n".join(filter(None, [note, description]))),
            tags=[speaker or _tag(spec)], path_values={"doctype": doctypes}, error_schema=route.dialect.error_schema)


def _version() -> str:
    try:
        return importlib.metadata.version("traciqo-rpc")
    except importlib.metadata.PackageNotFoundError:  # run from a checkout that was never installed
        return "0.0.0"


class Published:
    """The document as served, and its reference page: each made on the first request for it,
    then kept for the process."""

    def __init__(self, build_document: Callable[[], dict[str, Any]], render_page: Callable[[dict[str, Any]], str]) -> None:
        self._build = build_document
        self._render = render_page

    @functools.cached_property
    def document(self) -> dict[str, Any]:
        # Through JSON once, so it holds only what a client sees (a Decimal limit becomes a number).
        return json.loads(dumps(self._build()))

    @functools.cached_property
    def body(self) -> bytes:
        return dumps(self.document)

    @functools.cached_property
    def page(self) -> str:
        return self._render(self.document)
