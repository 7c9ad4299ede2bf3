"""Activating a unit's warranty: the hot path of warranty registration, in hand-written SQL.

An activation reads the unit, its product and the customer, then writes the customer (when
new), the warranty, its first owner, the unit's status, the event and two emails. Built with
peewee, that was fifteen queries at 150-250 us of Python each; here each statement goes to
the driver directly (see traciqo_rpc.db.execute) and the rules read top to bottom.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, NamedTuple

import peewee

from doctypes.email.service import queue_emails
from doctypes.party.service import customer_for
from doctypes.serial_number.model import REGISTERED
from doctypes.serial_number.model import VOID as SERIAL_VOID
from traciqo_rpc import db, errors, publish
from traciqo_rpc.context import RequestContext
from traciqo_rpc.records import public_id

from . import dates
from .model import ACTIVE

DEFAULT_MONTHS = 12  # for units not tied to a product
REMINDER_BEFORE = dt.timedelta(days=30)

_UNIT_SQL = """
SELECT s.id, s.status, s.product_id, s.customer_tags, p.name, p.warranty_months,
       EXISTS (SELECT 1 FROM warranty w WHERE w.serial_id = s.id)
FROM serial_number s LEFT JOIN product p ON p.id = s.product_id
WHERE s.workspace_id = ? AND s.is_sandbox = ? AND s.serial = ?"""
_CUSTOMER_SQL = """
SELECT id, name, phone, tags FROM party
WHERE workspace_id = ? AND is_sandbox = ? AND email = ? LIMIT 1"""
_NAME_TAKEN_SQL = "SELECT 1 FROM party WHERE workspace_id = ? AND is_sandbox = ? AND name = ?"
_INSERT_CUSTOMER_SQL = """
INSERT INTO party (id, workspace_id, is_sandbox, name, contact_info, email, phone, tags, created_at)
VALUES (?, ?, ?, ?, '', ?, ?, ?, ?) ON CONFLICT DO NOTHING"""
_INSERT_WARRANTY_SQL = """
INSERT INTO warranty (id, workspace_id, is_sandbox, serial_id, product_id, party_id, status, months,
                      purchase_date, starts_on, ends_on, created_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"""
_INSERT_OWNER_SQL = """
INSERT INTO warranty_owner (workspace_id, is_sandbox, warranty_id, party_id, since) VALUES (?, ?, ?, ?, ?)"""
_MARK_REGISTERED_SQL = "UPDATE serial_number SET status = ?, registered_at = ? WHERE id = ?"


class _Unit(NamedTuple):
    id: int
    status: str
    product_id: str | None
    customer_tags: str
    product_name: str | None
    warranty_months: int | None
    has_warranty: bool


class _Customer(NamedTuple):
    id: str
    name: str
    email: str
    phone: str | None


def activate(ctx: RequestContext, serial_number: str, customer_name: str, customer_email: str,
             customer_phone: str | None, purchase_date: dt.date | None) -> dict[str, Any]:
    """Start the unit's warranty for this customer (created if new); one warranty per unit."""
    principal = ctx.require_principal()
    scope = (principal.workspace_id, principal.is_sandbox)
    row = db.execute(_UNIT_SQL, (*scope, serial_number)).fetchone()
    if row is None:
        raise errors.DoesNotExistError(f"Serial number {serial_number} not found")
    unit = _Unit(*row[:6], bool(row[6]))
    if unit.status == SERIAL_VOID:
        raise errors.ValidationError(f"Serial number {serial_number} is void",
                                     field_errors={"serial_number": ["This unit has been withdrawn."]})
    if unit.has_warranty:
        raise errors.DuplicateEntryError(f"Serial number {serial_number} already has a warranty")
    months = DEFAULT_MONTHS if unit.warranty_months is None else unit.warranty_months
    if months == 0:
        raise errors.ValidationError(f"{unit.product_name} carries no warranty",
                                     field_errors={"serial_number": ["The product carries no warranty."]})
    now = db.utcnow()
    today = now.date()
    if purchase_date and purchase_date > today:
        raise errors.ValidationError("purchase_date is in the future",
                                     field_errors={"purchase_date": ["Must not be in the future."]})
    starts_on = purchase_date or today
    ends_on = dates.ends_on(starts_on, months)
    customer = _customer(ctx, scope, customer_name, customer_email, customer_phone, unit.customer_tags)
    warranty_id = public_id()
    try:
        # The unique serial_id decides a race with another process; the caller's transaction
        # (or, in a batch, the batch's replay with a savepoint per call) rolls this call back.
        db.execute(_INSERT_WARRANTY_SQL, (warranty_id, *scope, unit.id, unit.product_id, customer.id, ACTIVE,
                                          months, purchase_date, starts_on, ends_on, now))
    except peewee.IntegrityError:
        raise errors.DuplicateEntryError(f"Serial number {serial_number} already has a warranty") from None
    db.execute(_INSERT_OWNER_SQL, (*scope, warranty_id, customer.id, now))
    db.execute(_MARK_REGISTERED_SQL, (REGISTERED, now, unit.id))
    result = {
        "id": warranty_id,
        "serial_number": serial_number,
        "product_id": unit.product_id,
        "customer": customer._asdict(),
        "status": ACTIVE if ends_on >= today else "expired",
        "months": months,
        "purchase_date": purchase_date,
        "starts_on": starts_on,
        "ends_on": ends_on,
        "created_at": now,
        "voided_at": None,
        "void_reason": None,
    }
    publish(ctx, "warranty:registered", result)
    _queue_emails(ctx, now, result, unit.product_name or "your product")
    return result


def _customer(ctx: RequestContext, scope: tuple[int, bool], name: str, email: str, phone: str | None,
              tags: str) -> _Customer:
    """The party with this email (its phone brought up to date), or a new one; the unit's
    customer tags are added either way."""
    row = db.execute(_CUSTOMER_SQL, (*scope, email)).fetchone()
    if row is None:
        return _new_customer(ctx, scope, name, email, phone, _merge_tags("", tags))
    party_id, party_name, party_phone, party_tags = row
    changes: dict[str, Any] = {}
    if phone and party_phone != phone:
        changes["phone"] = party_phone = phone
    merged = _merge_tags(party_tags, tags)
    if merged != party_tags:
        changes["tags"] = merged
    if changes:
        columns = ", ".join(f"{column} = ?" for column in changes)
        db.execute(f"UPDATE party SET {columns} WHERE id = ?", (*changes.values(), party_id))
    return _Customer(party_id, party_name, email, party_phone)


def _new_customer(ctx: RequestContext, scope: tuple[int, bool], name: str, email: str, phone: str | None,
                  tags: str) -> _Customer:
    """Names are unique per workspace (Trakor's idempotency key): a second customer of the same
    name gets their email in the name."""
    taken = db.execute(_NAME_TAKEN_SQL, (*scope, name)).fetchone() is not None
    party_name = f"{name} <{email}>" if taken else name
    party_id = public_id()
    inserted = db.execute(_INSERT_CUSTOMER_SQL, (party_id, *scope, party_name, email, phone, tags, db.utcnow()))
    if inserted.rowcount == 1:
        return _Customer(party_id, party_name, email, phone)
    # Another process took the name a moment ago: the general path sorts it out.
    party = customer_for(ctx, name, email, phone)
    merged = _merge_tags(party.tags, tags)
    if merged != party.tags:
        db.execute("UPDATE party SET tags = ? WHERE id = ?", (merged, party.id))
    return _Customer(party.id, party.name, email, party.phone)


def _merge_tags(existing: str, added: str) -> str:
    return ",".join(dict.fromkeys(t for t in f"{existing},{added}".split(",") if t))


def _queue_emails(ctx: RequestContext, now: dt.datetime, warranty: dict[str, Any], what: str) -> None:
    """The confirmation now, and a reminder a month before the end (if that is still ahead)."""
    customer, serial, ends_on = warranty["customer"], warranty["serial_number"], warranty["ends_on"]
    emails = [(f"Your warranty for {what} is active",
               f"Hello {customer['name']},\n\nThe warranty for {what} (serial {serial}) "
               f"runs from {warranty['starts_on']} to {ends_on}.\n", "warranty_confirmation", now)]
    remind_at = dt.datetime.combine(ends_on - REMINDER_BEFORE, dt.time(9))
    if remind_at > now:
        emails.append((f"Your warranty for {what} ends on {ends_on}",
                       f"Hello {customer['name']},\n\nThe warranty for {what} (serial {serial}) ends on {ends_on}.\n",
                       "warranty_reminder", remind_at))
    queue_emails(ctx, customer["email"], emails)
