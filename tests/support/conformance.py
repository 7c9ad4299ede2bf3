"""Holding a real answer to what the OpenAPI document declares for its operation and status."""

from __future__ import annotations

from typing import Any

from openapi_schema_validator import OAS31Validator


def declared_response(document: dict[str, Any], verb: str, path: str, status: int) -> dict[str, Any]:
    """The response object `verb path` declares for `status` (its $ref followed)."""
    operation = document["paths"][path][verb.lower()]
    declared = operation["responses"].get(str(status))
    assert declared is not None, f"{verb} {path} answered {status}, which it does not declare"
    if "$ref" in declared:
        declared = document["components"]["responses"][declared["$ref"].rsplit("/", 1)[-1]]
    return declared


def check_answer(document: dict[str, Any], verb: str, path: str, status: int, content_type: str, body: bytes,
                 json_body: Any = None) -> None:
    """Fail unless the answer's status, media type and (for JSON) body are what the document says."""
    content = declared_response(document, verb, path, status).get("content", {})
    if not content:  # declared without a body (ProductCares' 204)
        assert not body, f"{verb} {path} answered {status} with a body it does not declare"
        return
    media_type = content_type.split(";")[0].strip()
    assert media_type in content, f"{verb} {path} answered {media_type}, not one of {sorted(content)}"
    if media_type == "application/json":
        # The operation's schema, with the document's components for its $refs to resolve against.
        schema = {**content[media_type]["schema"], "components": document["components"]}
        OAS31Validator(schema, format_checker=OAS31Validator.FORMAT_CHECKER).validate(json_body)
    else:
        assert body, f"{verb} {path} answered an empty file"
