"""Authentication Code and Code Batch as Frappe resources. A code's name is the code as printed;
creating one issues a single code into a batch (create_code issues many), and saving one with
status "void" withdraws it. Batches are made by issuing codes, so they are read-only."""

from __future__ import annotations

from typing import Any

from traciqo_rpc.resource import Column, Resource, Write, voiding

from . import codes
from .model import VOID, AuthCode, CodeBatch


def _issue_one(name: str | None, values: dict[str, Any]) -> dict[str, Any]:
    return {**values, "quantity": 1}


authentication_code = Resource(
    model=AuthCode,
    fields={
        "name": Column(AuthCode.code, show=codes.display, store=codes.normalise),
        "batch_id": AuthCode.batch_id, "product_id": AuthCode.product_id, "status": AuthCode.status,
        "scan_count": AuthCode.scan_count, "first_scanned_at": AuthCode.first_scanned_at,
        "last_scanned_at": AuthCode.last_scanned_at, "voided_at": AuthCode.voided_at,
        "void_reason": AuthCode.void_reason,
    },
    filterable=("name", "batch_id", "product_id"),
    created=AuthCode.created_at,
    sequence=AuthCode.id,
    insert=Write("doctypes.auth_code.api.create_code", ("batch_name", "product_id"), _issue_one,
                 name_of=lambda result, _: result["codes"][0]),
    update=Write("doctypes.auth_code.api.void_code", ("status", "void_reason"), voiding("code", "A code", VOID)),
)

code_batch = Resource(
    model=CodeBatch,
    fields={"name": CodeBatch.name, "id": CodeBatch.id, "product_id": CodeBatch.product_id,
            "quantity": CodeBatch.quantity},
    filterable=("name", "id", "product_id"),
    created=CodeBatch.created_at,
    sequence=CodeBatch.id,
)
