"""Workspace branding for the public pages: partial updates, the logo kept on our own origin,
and the cached form the pages read."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urlsplit

import peewee

from doctypes.upload.model import Upload
from traciqo_rpc import db, errors
from traciqo_rpc.caching import invalidate_after_commit
from traciqo_rpc.context import RequestContext

from .model import Branding

# What browsers show in an <img>: an uploaded PDF or HEIC file would be a broken logo.
LOGO_TYPES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp"})
# /files/<key>/<name>: the only shape of path upload.service.serve answers.
FILE_PATH = re.compile(r"^/files/(?P<key>[0-9a-f]{1,32})/(?P<name>[^/?#]+)$")


class LogoNotOurs(errors.ValidationError):
    """A logo URL outside this server's /files/: the pages' CSP loads images from their own origin only."""


class LogoNotUploaded(errors.ValidationError):
    """A /files/ URL with no upload of the caller's workspace and environment behind it."""


class LogoNotAnImage(errors.ValidationError):
    """An uploaded file that browsers cannot show as an image (a PDF, a HEIC photo)."""


@dataclass(frozen=True)
class PageBranding:
    """What the public pages show of a workspace's branding; None where they use their default."""

    display_name: str | None
    logo_path: str | None  # /files/<key>/<name>, on the pages' own origin
    accent_color: str | None
    support_url: str | None
    version: int  # 0 before the first update


def get_branding(ctx: RequestContext) -> dict[str, Any]:
    return _as_dict(ctx, Branding.scoped(ctx).first())


def update_branding(ctx: RequestContext, **changes: Any) -> dict[str, Any]:
    """Change the fields given (None clears one). Only those columns are written, with the
    version counted up in the same statement, so concurrent updates of different fields both
    stick and every change moves the version."""
    if changes.get("logo_url") is not None:
        _check_logo(ctx, changes["logo_url"])
    row = _row(ctx)
    Branding.update(**changes, version=Branding.version + 1, updated_at=ctx.now()).where(
        Branding.id == row.id).execute()
    invalidate_after_commit(ctx)  # the pages read branding through the settings cache
    return get_branding(ctx)


def _row(ctx: RequestContext) -> Branding:
    """The caller's row, created empty on the first update; the unique index decides a race."""
    row = Branding.scoped(ctx).first()
    if row is not None:
        return row
    try:
        with db.database.atomic():  # a savepoint: a lost race must not poison the transaction
            return Branding.create(**Branding.scope_values(ctx))
    except peewee.IntegrityError:
        return Branding.scoped(ctx).get()


def _check_logo(ctx: RequestContext, url: str) -> None:
    base = ctx.services.settings.base_url
    # Nothing but the path may follow the base URL (no query, no fragment, no other host).
    found = FILE_PATH.match(url[len(base):]) if url.startswith(f"{base}/files/") else None
    if found is None:
        raise LogoNotOurs(f"The logo must be a file uploaded here: a URL under {base}/files/",
                          field_errors={"logo_url": ["Upload the image with get_upload_url and send its url."]})
    upload = Upload.scoped(ctx).where(Upload.key == found["key"]).first()
    if upload is None or upload.file_name != unquote(found["name"]):
        raise LogoNotUploaded("No uploaded file at that URL in this workspace and environment",
                              field_errors={"logo_url": ["Upload the image with this environment's key first."]})
    if upload.file_type not in LOGO_TYPES:
        raise LogoNotAnImage(f"A logo must be PNG, JPEG, GIF or WebP, not {upload.file_type}",
                             field_errors={"logo_url": ["Upload a PNG, JPEG, GIF or WebP image."]})


def for_pages(ctx: RequestContext, workspace_id: int, is_sandbox: bool) -> PageBranding:
    """A workspace's branding as the public pages show it, from the settings cache (an update
    invalidates it in every process after commit)."""
    owner = ctx.acting_for(workspace_id, is_sandbox)

    def load() -> PageBranding:
        row = Branding.scoped(owner).first()
        if row is None:
            return PageBranding(None, None, None, None, version=0)
        logo = urlsplit(row.logo_url).path if row.logo_url else None
        return PageBranding(row.display_name, logo, row.accent_color, row.support_url, row.version)

    return ctx.services.cache.get(("branding", workspace_id, is_sandbox), load)


def _as_dict(ctx: RequestContext, row: Branding | None) -> dict[str, Any]:
    return {
        "display_name": row.display_name if row else None,
        "logo_url": row.logo_url if row else None,
        "accent_color": row.accent_color if row else None,
        "support_url": row.support_url if row else None,
        "environment": ctx.environment,
        "updated_at": row.updated_at if row else None,
    }
