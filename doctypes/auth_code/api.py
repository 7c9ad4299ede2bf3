"""Authentication code methods (Traciqo's create_code, plus look-up, QR labels and export)."""

from __future__ import annotations

import csv
import io
import re
from itertools import islice
from typing import Any

from doctypes.scan import service as scans
from doctypes.scan.schema import Verification
from traciqo_rpc import File, FileResult, RequestContext, whitelist

from . import labels, qr, service
from .model import VOID
from .schema import (
    BatchArgs,
    BatchPage,
    BatchSummary,
    CodeArgs,
    CodeInfo,
    CodePage,
    CodesIssued,
    CreateCodeArgs,
    LabelSheetArgs,
    ListBatchesArgs,
    ListCodesArgs,
    QrArgs,
    VerifyArgs,
    VoidCodeArgs,
)


@whitelist(methods=["POST"], schema=CreateCodeArgs, returns=CodesIssued)
def create_code(ctx: RequestContext, batch_name: str, quantity: int, product_id: str | None,
                is_sandbox: bool) -> dict[str, Any]:
    """Issue a batch of codes; live codes count against the plan (sandbox ones never do)."""
    if is_sandbox and not ctx.is_sandbox:
        ctx.principal = ctx.require_principal().forced_to_sandbox()
    return service.issue_codes(ctx, batch_name, quantity, product_id)


@whitelist(methods=["GET"], schema=CodeArgs, returns=CodeInfo)
def get_code(ctx: RequestContext, code: str) -> dict[str, Any]:
    return service.get_code(ctx, code)


@whitelist(methods=["GET"], schema=ListCodesArgs, returns=CodePage)
def list_codes(ctx: RequestContext, limit: int, offset: int, **filters: Any) -> dict[str, Any]:
    """Codes, oldest first, filtered by batch, product or status."""
    return service.list_codes(ctx, limit, offset, **filters)


@whitelist(methods=["GET"], schema=ListBatchesArgs, returns=BatchPage)
def list_batches(ctx: RequestContext, limit: int, offset: int, product_id: str | None = None) -> dict[str, Any]:
    return service.list_batches(ctx, limit, offset, product_id)


@whitelist(methods=["GET"], schema=BatchArgs, returns=BatchSummary)
def get_batch(ctx: RequestContext, batch: str) -> dict[str, Any]:
    """A batch with its counts of active, withdrawn and scanned codes."""
    return service.get_batch(ctx, batch)


@whitelist(methods=["POST"], schema=VoidCodeArgs, returns=CodeInfo)
def void_code(ctx: RequestContext, code: str, reason: str | None) -> dict[str, Any]:
    """Withdraw a code; verification then reports it as withdrawn."""
    return service.void_code(ctx, code, reason)


@whitelist(methods=["GET", "POST"], schema=VerifyArgs, allow_guest=True, batch=scans.verify_many,
           guest_rate_limit=120, returns=Verification)
def verify_code(ctx: RequestContext, code: str, lat: float | None, lon: float | None,
                country: str | None) -> scans.ScanRequest:
    """Public: is this code genuine? Records the scan; reveals nothing about unknown codes
    (the scans of a batch are recorded together, with the verification pages', by verify_many)."""
    return scans.ScanRequest(ctx, code, lat, lon, country, source="api")


@whitelist(methods=["GET"], schema=QrArgs, returns=File("image/png", "image/svg+xml"))
def get_qr(ctx: RequestContext, code: str, format: str, size: int) -> FileResult:
    """The label's QR image: the verification URL, or GS1 Digital Link when the product has a GTIN."""
    url = service.label_url(ctx, code)
    media_type = "image/svg+xml" if format == "svg" else "image/png"
    return FileResult(qr.render(url, format, size), media_type, max_age=86400)


@whitelist(methods=["GET"], schema=BatchArgs, returns=File("text/csv"))
def export_batch(ctx: RequestContext, batch: str) -> FileResult:
    """CSV of the batch's codes with their verification URLs."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(service.EXPORT_COLUMNS)
    writer.writerows(service.export_rows(ctx, batch))
    return FileResult(buffer.getvalue().encode("utf-8"), "text/csv; charset=utf-8",
                      filename=f"codes-{file_stem(batch)}.csv")


@whitelist(methods=["GET"], schema=LabelSheetArgs, returns=File("application/pdf"))
def label_sheet(ctx: RequestContext, batch: str, layout: str, offset: int) -> FileResult:
    """Printable labels (PDF) of the batch's active codes: a QR of each code's verification URL
    beside the code as people read it, on a common label sheet (`layout`); at most 1,000 a sheet."""
    rows = (labels.Label(url, shown) for _, shown, url, status, *_ in service.export_rows(ctx, batch) if status != VOID)
    pdf = labels.sheet(islice(rows, offset, None), labels.LAYOUTS[layout], f"Labels of {batch}")
    return FileResult(pdf, "application/pdf", filename=f"labels-{file_stem(batch)}-{layout}.pdf")


def file_stem(batch: str) -> str:
    """A batch name as part of a download's name: "Spring run #2" -> "spring-run-2"."""
    return re.sub(r"[^a-z0-9]+", "-", batch.lower()).strip("-") or "batch"
