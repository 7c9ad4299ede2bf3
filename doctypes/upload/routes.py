"""ProductCares' presigned upload (seeds/001): GET /api/upload_file?fileName=&fileType=&fileSize=
(also at the seed's /api/upload_fiile), answering {"signedRequest", "url"}."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from doctypes.registration.routes import PRODUCTCARES, camel
from doctypes.upload.schema import UploadUrlArgs
from traciqo_rpc.rest import RestRoute

_NAMES = {"fileName": "file_name", "fileType": "file_type", "fileSize": "file_size"}


def _arguments(params: Mapping[str, str], args: dict[str, Any]) -> dict[str, Any]:
    return {_NAMES.get(key, key): value for key, value in args.items()}


upload_url = RestRoute("doctypes.upload.api.get_upload_url", PRODUCTCARES, _arguments, request=camel(UploadUrlArgs))
