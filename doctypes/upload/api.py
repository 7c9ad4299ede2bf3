"""Receipt upload, step one (ProductCares' upload_file): ask for a signed URL."""

from __future__ import annotations

from traciqo_rpc import RequestContext, whitelist

from . import service
from .schema import UploadUrl, UploadUrlArgs


@whitelist(methods=["GET", "POST"], schema=UploadUrlArgs, transaction=False, right="write",  # it lets bytes in
           returns=UploadUrl)
def get_upload_url(ctx: RequestContext, file_name: str, file_type: str, file_size: int) -> dict:
    """Step two is `PUT signedRequest` with the bytes; `url` can then be a registration's receipt."""
    return service.upload_url(ctx, file_name, file_type, file_size)
