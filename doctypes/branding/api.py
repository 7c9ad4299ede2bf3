"""Branding of the public tracking pages (Tracee's white label). The environment is the calling
key's: a sandbox key changes only the sandbox trackers' pages."""

from __future__ import annotations

from typing import Any

from traciqo_rpc import RequestContext, whitelist

from . import service
from .schema import BrandingInfo, UpdateBrandingArgs


@whitelist(methods=["GET"], returns=BrandingInfo)
def get_branding(ctx: RequestContext) -> dict[str, Any]:
    """The branding of the calling key's workspace and environment; null fields use the pages' defaults."""
    return service.get_branding(ctx)


@whitelist(methods=["POST"], schema=UpdateBrandingArgs, returns=BrandingInfo)
def update_branding(ctx: RequestContext, **changes: Any) -> dict[str, Any]:
    """Change the fields sent (display_name, logo_url, accent_color, support_url); null clears one."""
    return service.update_branding(ctx, **changes)
