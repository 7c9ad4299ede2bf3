"""Signing upload URLs, receiving the bytes they allow, and serving them back."""

from __future__ import annotations

import functools
from typing import Any
from urllib.parse import quote

from itsdangerous import BadSignature, URLSafeTimedSerializer

from traciqo_rpc import FileResult, errors, reads_body
from traciqo_rpc.context import RequestContext
from traciqo_rpc.records import public_id

from .model import Upload
from .storage import LocalStorage, Storage


class UploadUrlInvalid(errors.PermissionError):
    """A signed upload URL that was tampered with or has expired."""


class UploadTypeRefused(errors.ValidationError):
    """The body's type is not the one the upload URL was signed for."""


class UploadSizeRefused(errors.ValidationError):
    """The body is empty or larger than the upload URL allows."""


class UploadUrlUsed(errors.DuplicateEntryError):
    """An upload URL is good for one upload."""


class UploadedFileNotFound(errors.DoesNotExistError):
    """No uploaded file at that address."""


URL_LIFETIME_SECONDS = 600


@functools.lru_cache(maxsize=4)
def _signer(secret_key: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret_key, salt="upload")


def storage(ctx: RequestContext) -> Storage:
    return LocalStorage(ctx.services.settings.data_dir / "uploads")


def upload_url(ctx: RequestContext, file_name: str, file_type: str, file_size: int) -> dict[str, Any]:
    """A PUT URL valid for ten minutes for exactly this type and at most this size, and the file's URL."""
    principal = ctx.require_principal()
    key = public_id()
    token = _signer(ctx.services.secret_key).dumps(
        {"k": key, "n": file_name, "t": file_type, "s": file_size, "w": principal.workspace_id,
         "b": principal.is_sandbox})
    base = ctx.services.settings.base_url
    return {"signedRequest": f"{base}/upload/{token}", "url": f"{base}/files/{key}/{quote(file_name)}",
            "expires_in": URL_LIFETIME_SECONDS}


def _grant(ctx: RequestContext, token: str) -> dict[str, Any]:
    """What a signed upload URL allows."""
    try:
        return _signer(ctx.services.secret_key).loads(token, max_age=URL_LIFETIME_SECONDS)
    except BadSignature:  # tampered or expired (SignatureExpired is a BadSignature)
        raise UploadUrlInvalid("The upload URL is invalid or has expired") from None


def granted_size(ctx: RequestContext, params: dict[str, str], headers: dict[str, str]) -> int:
    """Before the body is read: the signed URL must be valid, and no more than it allows is read."""
    return min(_grant(ctx, params["token"])["s"], ctx.services.settings.max_upload_bytes)


@reads_body(granted_size)
def receive(ctx: RequestContext, params: dict[str, str], headers: dict[str, str], body: bytes) -> dict[str, Any]:
    """PUT /upload/<token>: store the body if the signed URL allows it."""
    grant = _grant(ctx, params["token"])
    content_type = headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type != grant["t"]:
        raise UploadTypeRefused(f"This URL accepts {grant['t']}, not {content_type or 'no type'}",
                                     field_errors={"content-type": [f"Must be {grant['t']}."]})
    if not body or len(body) > grant["s"]:
        raise UploadSizeRefused(f"This URL accepts 1 to {grant['s']} bytes, not {len(body)}",
                                     field_errors={"body": [f"At most {grant['s']} bytes."]})
    if Upload.select().where(Upload.key == grant["k"]).exists():
        raise UploadUrlUsed("This upload URL has been used")
    owner = ctx.acting_for(grant["w"], grant["b"])
    storage(ctx).save(grant["k"], body)
    Upload.create(key=grant["k"], file_name=grant["n"], file_type=grant["t"], size=len(body),
                  **Upload.scope_values(owner))
    return {"key": grant["k"], "size": len(body)}


def serve(ctx: RequestContext, params: dict[str, str], headers: dict[str, str], body: bytes) -> FileResult:
    """GET /files/<key>/<name>: the unguessable key is the capability (receipts are shared by link)."""
    upload = Upload.get_or_none((Upload.key == params["key"]) & (Upload.file_name == params["name"]))
    if upload is None:
        raise UploadedFileNotFound("File not found")
    try:
        return FileResult(storage(ctx).read(upload.key), upload.file_type, max_age=3600)
    except FileNotFoundError:  # retention deleted it after the look-up (the row goes first)
        raise UploadedFileNotFound("File not found") from None
