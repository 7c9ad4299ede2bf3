"""Uploads nothing refers to go once their keeping time is over.

An upload URL reserves nothing: get_upload_url signs the key, size and type into the URL and
stores no row, and an unused URL expires by itself after ten minutes. What stays behind is a
file uploaded and then never used: a receipt whose registration was abandoned, a logo never
set. Nothing links an upload to its user but its URL, kept as text (a registration's
`receipt_url` or one of its extra fields, the branding's `logo_url`), so once an upload is
older than its keeping time this looks for its key in the URLs its workspace and environment
keep: found, the upload is marked attached and kept for good; not found, it goes.

The row is deleted first, the file once that has committed: a row never names a missing file
(a crash in between leaves a file nobody can reach, never a broken link).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence

from doctypes.branding.model import Branding
from doctypes.registration.model import Registration
from traciqo_rpc import retention
from traciqo_rpc.context import RequestContext

from .model import Upload
from .service import URL_LIFETIME_SECONDS, storage

# /files/<key>/<name>: the path of every file URL (service.upload_url, branding.FILE_PATH).
FILE_KEY = re.compile(r"/files/([0-9a-f]{1,32})/")


def prune(ctx: RequestContext, hours: int, batch_rows: int = retention.BATCH_ROWS,
          max_batches: int = retention.MAX_BATCHES, pause: float = retention.PAUSE_SECONDS) -> int:
    """Judge the uploads older than `hours` not judged yet (0: kept forever): keep those something
    refers to, delete the others, row and file; answers how many went."""
    before = retention.cutoff(ctx.now(), hours=hours)
    if before is None:
        return 0
    gone: list[str] = []  # keys whose rows are deleted: their files go once that has committed
    files = storage(ctx)

    def find(limit: int) -> list[Upload]:
        return list(Upload.select(Upload.id, Upload.key, Upload.workspace_id, Upload.is_sandbox, Upload.created_at)
                    .where(Upload.attached.is_null() & (Upload.created_at < before))
                    .order_by(Upload.created_at).limit(limit))

    def judge(uploads: Sequence[Upload]) -> int:
        by_scope: dict[tuple[int, bool], list[Upload]] = defaultdict(list)
        for upload in uploads:
            by_scope[upload.workspace_id, upload.is_sandbox].append(upload)
        kept: list[Upload] = []
        unused: list[Upload] = []
        for (workspace_id, is_sandbox), found in by_scope.items():
            referred = referred_keys(ctx.acting_for(workspace_id, is_sandbox), min(u.created_at for u in found))
            for upload in found:
                (kept if upload.key in referred else unused).append(upload)
        if kept:
            Upload.update(attached=True).where(Upload.id.in_([u.id for u in kept])).execute()
        if not unused:
            return 0
        deleted = Upload.delete().where(Upload.id.in_([u.id for u in unused]) & Upload.attached.is_null()).execute()
        gone.extend(u.key for u in unused)
        return deleted

    def delete_files() -> None:
        for key in gone:
            files.delete(key)
        gone.clear()

    return retention.in_batches(find, judge, batch_rows, max_batches, pause, committed=delete_files)


def referred_keys(owner: RequestContext, since: dt.datetime) -> set[str]:
    """The upload keys the owner's registrations and branding refer to. A registration can name
    an upload only if written after its URL was handed out (at most URL_LIFETIME_SECONDS before
    the bytes came); the look-up still reads the owner's every registration (none is indexed by
    the time it was changed), once per batch and owner."""
    written_since = since - dt.timedelta(seconds=URL_LIFETIME_SECONDS)
    registrations = (Registration.scoped(owner, Registration.receipt_url, Registration.fields)
                     .where((Registration.updated_at >= written_since)
                            & (Registration.receipt_url.contains("/files/") | Registration.fields.contains("/files/")))
                     .tuples())
    logos = Branding.scoped(owner, Branding.logo_url).where(Branding.logo_url.is_null(False)).scalars()
    return set(_keys(text for row in registrations for text in row if text)) | set(_keys(logos))


def _keys(texts: Iterable[str]) -> Iterable[str]:
    for text in texts:
        yield from FILE_KEY.findall(text)
