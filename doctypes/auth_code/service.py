"""Issuing codes within the plan's limit, finding, listing, withdrawing and exporting them."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import peewee

from doctypes.plan.model import Plan
from doctypes.product.model import Product
from doctypes.product.service import require_product
from doctypes.workspace.model import Workspace
from traciqo_rpc import db, errors, publish
from traciqo_rpc.context import RequestContext
from traciqo_rpc.records import ordered, paginate
from traciqo_rpc.statements import run

from . import codes
from .model import ACTIVE, VOID, AuthCode, CodeBatch
from .queries import LABEL


class BatchOfAnotherProduct(errors.ValidationError):
    """Codes for one product asked for in a batch that holds another's."""


class CodeNotFound(errors.DoesNotExistError):
    """No code of that text in the caller's workspace and environment."""


class BatchNotFound(errors.DoesNotExistError):
    """No batch of that name in the caller's workspace and environment."""


# A Code Created event lists the codes only for batches up to this size (export the rest).
EVENT_CODES_MAX = 1000


class CodeLimitExceeded(errors.LimitExceeded):
    """Issuing would pass the plan's limit of live codes."""


def verification_url(ctx: RequestContext, code: str, gtin: str | None = None) -> str:
    """The URL a label's QR code holds: GS1 Digital Link when the product has a GTIN."""
    base = ctx.services.settings.base_url
    return f"{base}/01/{gtin}/21/{code}" if gtin else f"{base}/v/{code}"


def issue_codes(ctx: RequestContext, batch_name: str, quantity: int, product_id: str | None) -> dict[str, Any]:
    """Create `quantity` codes in the named batch (created on first use), refusing past the plan limit."""
    principal = ctx.require_principal()
    product = require_product(ctx, product_id) if product_id else None
    batch = _batch_for(ctx, batch_name, product)
    if not principal.is_sandbox:
        _reserve_live_codes(principal.workspace_id, principal.plan, quantity)
    prefix = _prefix(principal.workspace_id)
    issued = _insert_codes(ctx, batch, prefix, quantity)
    CodeBatch.update(quantity=CodeBatch.quantity + quantity).where(CodeBatch.id == batch.id).execute()
    publish(ctx, "auth_code:created", {
        "batch": batch.name,
        "product_id": batch.product_id,
        "quantity": quantity,
        "codes": [codes.display(c) for c in issued] if quantity <= EVENT_CODES_MAX else None,
    })
    return {"status": "success", "batch": batch.name, "codes": [codes.display(c) for c in issued]}


def _batch_for(ctx: RequestContext, name: str, product: Product | None) -> CodeBatch:
    batch = CodeBatch.scoped(ctx).where(CodeBatch.name == name).first()
    if batch is None:
        try:
            with db.database.atomic():
                return CodeBatch.create(name=name, product_id=product.id if product else None,
                                        **CodeBatch.scope_values(ctx))
        except peewee.IntegrityError:  # created concurrently
            batch = CodeBatch.scoped(ctx).where(CodeBatch.name == name).get()
    if product is not None and batch.product_id not in (None, product.id):
        raise BatchOfAnotherProduct(
            f"Batch {name!r} belongs to another product",
            field_errors={"product_id": ["Batch belongs to another product."]},
        )
    return batch


def _reserve_live_codes(workspace_id: int, plan_name: str, quantity: int) -> None:
    """Count the codes against the plan in one conditional UPDATE, so concurrent requests
    can never pass the limit together (the row lock serialises them; the loser re-checks)."""
    limit = Plan.select(Plan.code_limit).where(Plan.name == plan_name).scalar()
    update = Workspace.update(live_codes_issued=Workspace.live_codes_issued + quantity).where(Workspace.id == workspace_id)
    if limit is not None:
        update = update.where(Workspace.live_codes_issued + quantity <= limit)
    if update.execute() == 0:
        used = Workspace.select(Workspace.live_codes_issued).where(Workspace.id == workspace_id).scalar()
        raise CodeLimitExceeded(
            f"Plan limit reached: {limit} live codes, {used} used, {quantity} requested",
            field_errors={"quantity": [f"At most {max(0, limit - used)} more live codes on this plan."]},
        )


def _prefix(workspace_id: int) -> str:
    workspace = Workspace.select(Workspace.id, Workspace.name, Workspace.code_prefix).where(Workspace.id == workspace_id).get()
    if not workspace.code_prefix:
        workspace.code_prefix = codes.prefix_for(workspace.name)
        workspace.save(only=[Workspace.code_prefix])
    return workspace.code_prefix


def _insert_codes(ctx: RequestContext, batch: CodeBatch, prefix: str, quantity: int) -> list[str]:
    scope = CodeBatch.scope_values(ctx)
    now = ctx.now()
    fields = [AuthCode.code, AuthCode.batch_id, AuthCode.product_id, AuthCode.status, AuthCode.scan_count,
              AuthCode.created_at, AuthCode.workspace_id, AuthCode.is_sandbox]
    issued = codes.generate_many(prefix, quantity)
    rows = [(code, batch.id, batch.product_id, ACTIVE, 0, now, scope["workspace_id"], scope["is_sandbox"])
            for code in issued]
    db.bulk_insert(AuthCode, fields, rows)
    return issued


def find_code(ctx: RequestContext, text: str) -> AuthCode:
    code = AuthCode.scoped(ctx).where(AuthCode.code == codes.normalise(text)).first()
    if code is None:
        raise CodeNotFound(f"Code {text} not found")
    return code


def label_url(ctx: RequestContext, text: str) -> str:
    """The verification URL a code's label carries (its QR image's content)."""
    row = run(LABEL, (codes.normalise(text),), ctx).fetchone()
    if row is None:
        raise CodeNotFound(f"Code {text} not found")
    return verification_url(ctx, *row)


def code_dict(ctx: RequestContext, code: AuthCode, batch_name: str, gtin: str | None = None) -> dict[str, Any]:
    return {
        "code": codes.display(code.code),
        "status": code.status,
        "batch": batch_name,
        "product_id": code.product_id,
        "scan_count": code.scan_count,
        "first_scanned_at": code.first_scanned_at,
        "last_scanned_at": code.last_scanned_at,
        "created_at": code.created_at,
        "voided_at": code.voided_at,
        "void_reason": code.void_reason,
        "verification_url": verification_url(ctx, code.code, gtin),
    }


def _codes_with_batch(ctx: RequestContext) -> peewee.ModelSelect:
    return (
        AuthCode.scoped(ctx, AuthCode, CodeBatch.name.alias("batch_name"), Product.gtin.alias("gtin"))
        .join(CodeBatch, on=(AuthCode.batch_id == CodeBatch.id))
        .switch(AuthCode)
        .join(Product, peewee.JOIN.LEFT_OUTER, on=(AuthCode.product_id == Product.id))
    )


def get_code(ctx: RequestContext, text: str) -> dict[str, Any]:
    code = _codes_with_batch(ctx).where(AuthCode.code == codes.normalise(text)).objects().first()
    if code is None:
        raise CodeNotFound(f"Code {text} not found")
    return code_dict(ctx, code, code.batch_name, code.gtin)


def list_codes(ctx: RequestContext, limit: int, offset: int, batch: str | None = None,
               product_id: str | None = None, status: str | None = None) -> dict[str, Any]:
    query = _codes_with_batch(ctx).order_by(AuthCode.id).objects()
    if batch:
        query = query.where(CodeBatch.name == batch)
    if product_id:
        query = query.where(AuthCode.product_id == require_product(ctx, product_id).id)
    if status:
        query = query.where(AuthCode.status == status)
    return paginate(query, limit, offset, lambda c: code_dict(ctx, c, c.batch_name, c.gtin))


def _batch_summary(ctx: RequestContext, batch: CodeBatch) -> dict[str, Any]:
    counts = dict(
        AuthCode.scoped(ctx, AuthCode.status, peewee.fn.COUNT(AuthCode.id))
        .where(AuthCode.batch_id == batch.id).group_by(AuthCode.status).tuples()
    )
    scanned = AuthCode.scoped(ctx).where((AuthCode.batch_id == batch.id) & (AuthCode.scan_count > 0)).count()
    return {
        "batch": batch.name,
        "product_id": batch.product_id,
        "quantity": batch.quantity,
        "active": counts.get(ACTIVE, 0),
        "void": counts.get(VOID, 0),
        "scanned": scanned,
        "created_at": batch.created_at,
    }


def require_batch(ctx: RequestContext, name: str) -> CodeBatch:
    batch = CodeBatch.scoped(ctx).where(CodeBatch.name == name).first()
    if batch is None:
        raise BatchNotFound(f"Batch {name} not found")
    return batch


def get_batch(ctx: RequestContext, name: str) -> dict[str, Any]:
    return _batch_summary(ctx, require_batch(ctx, name))


# The orders a list offers (records.ordered): ids count up as batches are made.
BATCH_ORDERS = {"created": (CodeBatch.id,)}


def list_batches(ctx: RequestContext, limit: int, offset: int, product_id: str | None = None,
                 order: str = "-created") -> dict[str, Any]:
    query = ordered(CodeBatch.scoped(ctx), BATCH_ORDERS, order)
    if product_id:
        query = query.where(CodeBatch.product_id == require_product(ctx, product_id).id)
    return paginate(query, limit, offset, lambda b: {
        "batch": b.name, "product_id": b.product_id, "quantity": b.quantity, "created_at": b.created_at,
    })


def void_code(ctx: RequestContext, text: str, reason: str | None) -> dict[str, Any]:
    """Withdraw a code: verification reports it as withdrawn from now on (repeating is harmless)."""
    code = find_code(ctx, text)
    if code.status != VOID:
        code.status, code.voided_at, code.void_reason = VOID, ctx.now(), reason
        code.save(only=[AuthCode.status, AuthCode.voided_at, AuthCode.void_reason])
    return get_code(ctx, code.code)


EXPORT_COLUMNS = ("code", "display", "verification_url", "status", "product_id", "scan_count", "created_at")


def export_rows(ctx: RequestContext, batch_name: str, chunk: int = 5000) -> Iterator[tuple[Any, ...]]:
    """The batch's codes as CSV rows, read in id order chunk by chunk (constant memory)."""
    batch = require_batch(ctx, batch_name)
    gtin = None
    if batch.product_id:
        gtin = Product.select(Product.gtin).where(Product.id == batch.product_id).scalar()
    last_id = 0
    while True:
        rows = list(
            AuthCode.scoped(ctx, AuthCode.id, AuthCode.code, AuthCode.status, AuthCode.product_id,
                            AuthCode.scan_count, AuthCode.created_at)
            .where((AuthCode.batch_id == batch.id) & (AuthCode.id > last_id))
            .order_by(AuthCode.id).limit(chunk).tuples()
        )
        if not rows:
            return
        for _, code, status, product_id, scan_count, created_at in rows:
            yield (code, codes.display(code), verification_url(ctx, code, gtin), status, product_id or "",
                   scan_count, created_at.isoformat() + "Z")
        last_id = rows[-1][0]


def batch_size(ctx: RequestContext, batch_name: str) -> int:
    return AuthCode.scoped(ctx).where(AuthCode.batch_id == require_batch(ctx, batch_name).id).count()
