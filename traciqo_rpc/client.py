"""Frappe's client API over the doctypes' resources: frappe.client.get_list, get_count, get,
get_value, insert, save, set_value and delete, frappe.auth.get_logged_user (hooks.method_aliases
gives them Frappe's paths), and the /api/resource/<DocType> routes onto them.

Reads run one scoped query (resource.py). Writes call the method the resource names, with its
schema, key scope and rules, inside this call's transaction: there is no second way in.
"""

from __future__ import annotations

from typing import Any

from marshmallow import INCLUDE, Schema, ValidationError, fields, validate

from . import errors
from .arguments import load_arguments
from .auth import require_right
from .batching import single
from .context import RequestContext
from .records import MAX_OFFSET
from .registry import whitelist
from .rendering import dumps
from .resource import Resource, count, find, read
from .rest import Dialect, RestRoute
from .untrusted import NotJson, loads_json

MAX_PAGE = 1000  # rows of one page; Frappe's 0 ("all") means this many
# A document's fields depend on its doctype (see /api/resource/<DocType>): an object.
DOCUMENT = fields.Dict(keys=fields.String())


class UnknownDocType(errors.DoesNotExistError):
    """No doctype of that name is served as a resource."""


class DocumentExists(errors.DuplicateEntryError):
    """insert names a document that exists (Frappe's DuplicateEntryError)."""


class NotWritable(errors.ValidationError):
    """The document sets fields this doctype does not take, or the doctype is not written this way."""


class Json(fields.Field):
    """A dict or list, or the same JSON-encoded in one string (how Frappe's clients send filters and docs)."""

    def __init__(self, types: tuple[type, ...] = (dict, list), **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.types = types

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        if isinstance(value, str):
            try:
                value = loads_json(value.strip() or "null", "A JSON-encoded argument")
            except NotJson as exc:
                raise ValidationError(exc.message) from None
        if value is None and not self.allow_none:
            raise ValidationError("Field may not be null.")
        if value is not None and not isinstance(value, self.types):
            raise ValidationError(f"Must be {' or '.join('an object' if t is dict else 'a list' for t in self.types)}.")
        return value


class FieldNames(fields.Field):
    """`["name", "price"]` (or JSON-encoded), `"*"`, or Frappe's comma-separated string."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> list[str]:
        if isinstance(value, str):
            text = value.strip()
            if text.startswith(("[", '"')):  # a JSON list, or a JSON string ('"*"' from Frappe's Python client)
                try:
                    value = loads_json(text, "A JSON-encoded argument")
                except NotJson as exc:
                    raise ValidationError(exc.message) from None
            if isinstance(value, str):
                value = [part.strip() for part in value.split(",") if part.strip()]
        if not isinstance(value, list) or not all(isinstance(n, str) and 0 < len(n) <= 140 for n in value) \
                or len(value) > 100:
            raise ValidationError("A list of up to 100 field names.")
        return value


class ListArgs(Schema):
    doctype = fields.String(required=True, validate=validate.Length(min=1, max=140))
    fields_ = FieldNames(data_key="fields", load_default=None)
    filters = Json(load_default=None, allow_none=True)
    or_filters = Json(load_default=None, allow_none=True)
    order_by = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=200))
    limit_start = fields.Integer(load_default=0, validate=validate.Range(min=0, max=MAX_OFFSET))
    limit_page_length = fields.Integer(load_default=20, validate=validate.Range(min=0, max=MAX_PAGE))
    limit = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(min=0, max=MAX_PAGE))
    as_dict = fields.Boolean(load_default=True)
    # Sent by Frappe's clients; nothing here groups, nests child tables or prints queries.
    group_by = fields.String(load_default=None, allow_none=True, validate=validate.Equal(""))
    parent = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=140))
    debug = fields.Boolean(load_default=False)


class CountArgs(Schema):
    doctype = fields.String(required=True, validate=validate.Length(min=1, max=140))
    filters = Json(load_default=None, allow_none=True)
    or_filters = Json(load_default=None, allow_none=True)
    debug = fields.Boolean(load_default=False)
    cache = fields.Boolean(load_default=False)
    distinct = fields.Boolean(load_default=False)


class GetArgs(Schema):
    doctype = fields.String(required=True, validate=validate.Length(min=1, max=140))
    name = fields.Raw(load_default=None, validate=lambda v: isinstance(v, (str, int)) and len(str(v)) <= 1000)
    filters = Json(load_default=None, allow_none=True)
    parent = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=140))


class ValueArgs(Schema):
    doctype = fields.String(required=True, validate=validate.Length(min=1, max=140))
    fieldname = FieldNames(required=True)
    filters = fields.Raw(load_default=None, allow_none=True)
    as_dict = fields.Boolean(load_default=True)
    debug = fields.Boolean(load_default=False)
    parent = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=140))


class DocArgs(Schema):
    doc = Json(types=(dict,), required=True)


class SetValueArgs(Schema):
    doctype = fields.String(required=True, validate=validate.Length(min=1, max=140))
    name = fields.String(required=True, validate=validate.Length(min=1, max=1000))
    fieldname = fields.Raw(required=True)
    value = fields.Raw(load_default=None, allow_none=True)


class DeleteArgs(Schema):
    doctype = fields.String(required=True, validate=validate.Length(min=1, max=140))
    name = fields.String(required=True, validate=validate.Length(min=1, max=1000))


@whitelist(methods=["GET", "POST"], schema=ListArgs, transaction=False, returns=fields.List(fields.Raw()))
def get_list(ctx: RequestContext, doctype: str, fields_: list[str] | None, filters: Any, or_filters: Any,
             order_by: str | None, limit_start: int, limit_page_length: int, limit: int | None, as_dict: bool,
             **_: Any) -> list[Any]:
    """A page of documents: `fields` (default ["name"]; "*" for all), `filters`, `or_filters`, `order_by`."""
    resource = _resource(ctx, doctype)
    names = _field_names(resource, fields_)
    length = limit if limit is not None else limit_page_length
    rows = read(resource, doctype, ctx, names, filters, or_filters, order_by, limit_start, length or MAX_PAGE)
    return rows if as_dict else [list(row.values()) for row in rows]


@whitelist(methods=["GET", "POST"], schema=CountArgs, transaction=False, returns=fields.Integer())
def get_count(ctx: RequestContext, doctype: str, filters: Any, or_filters: Any, **_: Any) -> int:
    """How many documents match the filters."""
    return count(_resource(ctx, doctype), doctype, ctx, filters, or_filters)


@whitelist(methods=["GET", "POST"], schema=GetArgs, transaction=False, returns=DOCUMENT)
def get(ctx: RequestContext, doctype: str, name: Any, filters: Any, **_: Any) -> dict[str, Any]:
    """One whole document, by name or as the first that matches the filters."""
    resource = _resource(ctx, doctype)
    if name is None:
        name = _first_name(ctx, resource, doctype, filters)
    return find(resource, doctype, ctx, name)


@whitelist(methods=["GET", "POST"], schema=ValueArgs, transaction=False, returns=fields.Raw())
def get_value(ctx: RequestContext, doctype: str, fieldname: list[str], filters: Any, as_dict: bool,
              **_: Any) -> Any:
    """Some fields of the first document that matches `filters` (or has that name); {} when none does."""
    resource = _resource(ctx, doctype)
    if isinstance(filters, str) and filters.strip()[:1] not in ("{", "["):
        filters = {"name": filters}  # Frappe takes a bare name for filters
    elif isinstance(filters, str):
        filters = _json(filters, (dict, list), "filters")
    rows = read(resource, doctype, ctx, _field_names(resource, fieldname), filters, None, None, 0, 1)
    if not rows:
        return {}
    return rows[0] if as_dict or len(fieldname) > 1 else next(iter(rows[0].values()))


@whitelist(methods=["POST"], schema=DocArgs, returns=DOCUMENT)
def insert(ctx: RequestContext, doc: dict[str, Any]) -> dict[str, Any]:
    """Create a document through the method its doctype names; answers the whole new document."""
    doctype, resource = _doc_resource(ctx, doc)
    write = resource.insert
    if write is None:
        raise NotWritable(f"{doctype} documents are not created this way")
    values = _settable(doctype, write.fields, {k: v for k, v in doc.items() if k != "doctype"})
    if "name" in values and _exists(ctx, resource, doctype, values["name"]):
        raise DocumentExists(f"{doctype} {values['name']} already exists")
    result = _call(ctx, write.method, write.arguments(None, values))
    assert write.name_of is not None
    created = find(resource, doctype, ctx, write.name_of(result, values))
    return {**created, **{key: result[key] for key in write.shown_once}}


@whitelist(methods=["POST", "PUT"], schema=DocArgs, returns=DOCUMENT)
def save(ctx: RequestContext, doc: dict[str, Any]) -> dict[str, Any]:
    """Change a document (`doc` has its doctype and name): the fields that differ from the stored
    ones go to the method its doctype names; a read-only field sent unchanged is ignored."""
    doctype, resource = _doc_resource(ctx, doc)
    name = doc.get("name")
    if not isinstance(name, (str, int)):
        raise NotWritable("The document needs its name", field_errors={"name": ["Missing."]})
    return _update(ctx, resource, doctype, name, {k: v for k, v in doc.items() if k not in ("doctype", "name")})


@whitelist(methods=["POST", "PUT"], schema=SetValueArgs, returns=DOCUMENT)
def set_value(ctx: RequestContext, doctype: str, name: str, fieldname: Any, value: Any) -> dict[str, Any]:
    """Change one field (`fieldname`, `value`) or several (`fieldname` an object)."""
    if isinstance(fieldname, str) and fieldname.strip().startswith("{"):
        fieldname = _json(fieldname, (dict,), "fieldname")
    if isinstance(fieldname, dict):
        changes = fieldname
    elif isinstance(fieldname, str) and 0 < len(fieldname) <= 140:
        changes = {fieldname: value}
    else:
        raise NotWritable("fieldname must be a field name or an object", field_errors={"fieldname": ["Invalid."]})
    return _update(ctx, _resource(ctx, doctype), doctype, name, changes)


@whitelist(methods=["POST", "DELETE"], schema=DeleteArgs, returns=fields.Constant(None))
def delete(ctx: RequestContext, doctype: str, name: str) -> None:
    """Delete a document through the method its doctype names."""
    resource = _resource(ctx, doctype)
    if resource.delete is None:
        raise NotWritable(f"{doctype} documents are not deleted")
    find(resource, doctype, ctx, name)  # 404 first, as Frappe answers
    _call(ctx, resource.delete.method, resource.delete.arguments(name, {}))


@whitelist(methods=["GET", "POST"], blocking=False, returns=fields.String())
def get_logged_user(ctx: RequestContext) -> str:
    """frappe.auth.get_logged_user: a signed-in person's email; for an API key, the key's name
    (Frappe answers the key's user)."""
    principal = ctx.require_principal()
    return principal.user_email if principal.is_person else principal.key_name


def _update(ctx: RequestContext, resource: Resource, doctype: str, name: Any, sent: dict[str, Any]) -> dict[str, Any]:
    write = resource.update
    current = find(resource, doctype, ctx, name)
    # A client saves back the document it read: fields it did not change are not changes.
    changes = {key: value for key, value in sent.items() if key not in current or not _same(current[key], value)}
    if write is None:
        if changes:
            raise NotWritable(f"{doctype} documents are not changed this way")
        return current
    changes = _settable(doctype, write.fields, changes)
    if not changes:
        return current
    _call(ctx, write.method, write.arguments(str(current["name"]), changes))
    return find(resource, doctype, ctx, current["name"])


def _same(stored: Any, sent: Any) -> bool:
    """Equal as the client saw it: compared in JSON (a date reads back as its ISO string)."""
    try:
        return dumps(stored) == dumps(sent)
    except TypeError:
        return False


def _json(value: Any, types: tuple[type, ...], argument: str) -> Any:
    try:
        return Json(types=types).deserialize(value)
    except ValidationError as exc:
        raise errors.ValidationError(f"Invalid {argument}", field_errors={argument: exc.messages}) from None


def _settable(doctype: str, allowed: tuple[str, ...], values: dict[str, Any]) -> dict[str, Any]:
    refused = sorted(key for key in values if key not in allowed)
    if refused:
        raise NotWritable(f"{doctype}: {', '.join(refused)} cannot be set", field_errors={
            key: [f"Cannot be set on {doctype}; settable: {', '.join(allowed) or 'none'}."] for key in refused})
    return values


def _call(ctx: RequestContext, path: str, raw_args: dict[str, Any]) -> Any:
    """Call a whitelisted method as its own route would: the caller's right, its schema, its batch."""
    spec = ctx.services.method(path)
    require_right(ctx.require_principal(), spec.right, spec.path)
    args = load_arguments(spec, raw_args)
    if spec.batch is not None:
        return single(spec.batch, spec.func(ctx, **args))
    return spec.func(ctx, **args)


def _resource(ctx: RequestContext, doctype: str) -> Resource:
    resource = ctx.services.resources.get(doctype)
    if resource is None:
        raise UnknownDocType(f"DocType {doctype} not found")
    return resource


def _doc_resource(ctx: RequestContext, doc: dict[str, Any]) -> tuple[str, Resource]:
    doctype = doc.get("doctype")
    if not isinstance(doctype, str) or not doctype:
        raise NotWritable("The document needs its doctype", field_errors={"doctype": ["Missing."]})
    return doctype, _resource(ctx, doctype)


def _field_names(resource: Resource, names: list[str] | None) -> list[str]:
    if not names:
        return ["name"]
    if "*" in names:
        return list(resource.columns)
    return list(dict.fromkeys(name.split(" as ")[0].strip().replace("`", "") for name in names))


def _exists(ctx: RequestContext, resource: Resource, doctype: str, name: Any) -> bool:
    try:
        find(resource, doctype, ctx, name)
    except errors.DoesNotExistError:
        return False
    return True


def _first_name(ctx: RequestContext, resource: Resource, doctype: str, filters: Any) -> Any:
    rows = read(resource, doctype, ctx, ["name"], filters, None, None, 0, 1)
    if not rows:
        raise errors.DoesNotExistError(f"No {doctype} matches the filters")
    return rows[0]["name"]


# /api/resource/<DocType>: Frappe's REST form of the same calls, answering {"data": ...}.
FRAPPE_RESOURCE = Dialect(envelope="data", name="Frappe resource")


class DocumentFields(Schema):
    """What a POST or PUT to /api/resource sends (for the OpenAPI document): the document's
    fields, those its doctype lets you set (GET /api/resource/<DocType>/<name> shows them all)."""

    class Meta:
        unknown = INCLUDE

    doctype = fields.String(required=True)  # the path's
    name = fields.String(metadata={"description": "Its name: for Product and Party their own (chosen on create), "
                                                  "else the id given on create."})


def _new_doc(params: Any, args: dict[str, Any]) -> dict[str, Any]:
    return {"doc": {**_body_doc(args), "doctype": params["doctype"]}}


def _changed_doc(params: Any, args: dict[str, Any]) -> dict[str, Any]:
    return {"doc": {**_body_doc(args), "doctype": params["doctype"], "name": params["name"]}}


def _body_doc(args: dict[str, Any]) -> dict[str, Any]:
    """The document a POST or PUT sends: the JSON body, or Frappe's form field `data` holding it."""
    if set(args) == {"data"} and isinstance(args["data"], str):
        return _json(args["data"], (dict,), "data") or {}
    return args


RESOURCE_ROUTES = [
    ("GET", "/api/resource/{doctype}", RestRoute("traciqo_rpc.client.get_list", FRAPPE_RESOURCE)),
    ("POST", "/api/resource/{doctype}", RestRoute("traciqo_rpc.client.insert", FRAPPE_RESOURCE, _new_doc,
                                                  request=DocumentFields)),
    ("GET", "/api/resource/{doctype}/{name:path}", RestRoute("traciqo_rpc.client.get", FRAPPE_RESOURCE)),
    ("PUT", "/api/resource/{doctype}/{name:path}", RestRoute("traciqo_rpc.client.save", FRAPPE_RESOURCE, _changed_doc,
                                                             request=DocumentFields)),
    ("DELETE", "/api/resource/{doctype}/{name:path}", RestRoute(
        "traciqo_rpc.client.delete", FRAPPE_RESOURCE, answer=lambda _: "ok", status=202, returns=fields.String(validate=validate.Equal("ok")))),
]
