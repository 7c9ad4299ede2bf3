"""Activating a unit's warranty: the hot path of warranty registration, in hand-written SQL.

An activation reads the unit, its product and the customer, then writes the customer (when
new), the warranty (with its reminder day, see reminders.py), its first owner, the unit's
status, the event and the confirmation email. Built with peewee, that was fifteen queries at
150-250 us of Python each; here each statement (queries.py) goes to the driver directly and
the rules read top to bottom.

`activate_many` does a whole batch of activations (the writer's group commit) with one
statement per step for all of them: the units, the customers, then every write. Refusals
(unknown unit, void unit, a warranty already there, no warranty at all, a purchase date to
come) are found before anything is written and come back in their request's place; whatever
goes wrong after writing raises, and the batch then runs each activation alone.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any, NamedTuple

import peewee

from doctypes.email.service import queue_emails_many
from doctypes.party.model import CUSTOMER
from doctypes.party.service import add_tags, customer_for
from doctypes.serial_number.model import REGISTERED
from doctypes.serial_number.model import VOID as SERIAL_VOID
from doctypes.serial_number.service import SerialNumberNotFound
from traciqo_rpc import errors, publish_many
from traciqo_rpc.context import RequestContext
from traciqo_rpc.records import public_id
from traciqo_rpc.statements import fetch, run, run_many

from . import dates, queries
from .model import ACTIVE
from .queries import Unit
from .reminders import reminder_day

DEFAULT_MONTHS = 12  # for units not tied to a product


class SerialNumberVoided(errors.ValidationError):
    """The unit has been withdrawn: it takes no warranty."""


class WarrantyExists(errors.DuplicateEntryError):
    """The unit has its warranty already (one per unit)."""


class NoWarrantyOffered(errors.ValidationError):
    """The unit's product carries no warranty (0 months)."""


class PurchaseDateInFuture(errors.ValidationError):
    """A warranty cannot start from a purchase still to come."""


class CustomerChanged(errors.DuplicateEntryError):
    """Another process took a new customer's name or email under a batch: it runs again alone."""

class ActivationRequest(NamedTuple):
    """One activation asked for: by whom (the key's workspace and environment), which unit, whose."""

    ctx: RequestContext
    serial_number: str
    customer_name: str
    customer_email: str  # lower case
    customer_phone: str | None = None
    purchase_date: dt.date | None = None


class _Customer(NamedTuple):
    id: str
    name: str
    email: str
    phone: str | None


class _Accepted(NamedTuple):
    position: int
    request: ActivationRequest
    scope: tuple[int, bool]
    unit: Unit
    months: int
    starts_on: dt.date
    ends_on: dt.date


def activate_many(requests: Sequence[ActivationRequest]) -> list[dict[str, Any] | errors.TraciqoError]:
    """Start each request's unit's warranty for its customer (created if new), in order, in the
    caller's transaction; one warranty per unit. A refused request's place holds its error
    (nothing was written for it). The one form of activation: activate_warranty hands it its
    batch's requests, anything else a list."""
    if not requests:
        return []
    now = requests[0].ctx.now()
    outcomes: list[dict[str, Any] | errors.TraciqoError | None] = [None] * len(requests)
    accepted: list[_Accepted] = []
    claimed: set[tuple[tuple[int, bool], int]] = set()  # units activated earlier in this batch
    units = _units(requests)
    for index, request in enumerate(requests):
        scope = _scope(request.ctx)
        unit = units.get((scope, request.serial_number))
        refusal = _refusal(request, unit, (scope, unit.id) in claimed if unit else False, now.date())
        if refusal is not None or unit is None:  # (no refusal means the unit was found)
            outcomes[index] = refusal
            continue
        months = DEFAULT_MONTHS if unit.warranty_months is None else unit.warranty_months
        starts_on = request.purchase_date or now.date()
        claimed.add((scope, unit.id))
        accepted.append(_Accepted(index, request, scope, unit, months, starts_on, dates.ends_on(starts_on, months)))
    if accepted:
        customers = _customers(accepted, now)
        for entry, result in zip(accepted, _start_warranties(accepted, customers, now), strict=True):
            outcomes[entry.position] = result
    return outcomes  # type: ignore[return-value]  # every place is filled by now


def _scope(ctx: RequestContext) -> tuple[int, bool]:
    principal = ctx.require_principal()
    return principal.workspace_id, principal.is_sandbox


def _units(requests: Sequence[ActivationRequest]) -> dict[tuple[tuple[int, bool], str], Unit]:
    """The requested units with their products, one query per workspace and environment."""
    serials: dict[tuple[int, bool], set[str]] = {}
    for request in requests:
        serials.setdefault(_scope(request.ctx), set()).add(request.serial_number)
    found = {}
    for scope, wanted in serials.items():
        for unit in fetch(queries.UNITS, tuple(wanted), scope, values=len(wanted)):
            found[scope, unit.serial] = unit._replace(has_warranty=bool(unit.has_warranty))
    return found


def _refusal(request: ActivationRequest, unit: Unit | None, claimed: bool,
             today: dt.date) -> errors.TraciqoError | None:
    serial = request.serial_number
    if unit is None:
        return SerialNumberNotFound(f"Serial number {serial} not found")
    if unit.status == SERIAL_VOID:
        return SerialNumberVoided(f"Serial number {serial} is void",
                                      field_errors={"serial_number": ["This unit has been withdrawn."]})
    if unit.has_warranty or claimed:
        return WarrantyExists(f"Serial number {serial} already has a warranty")
    if unit.warranty_months == 0:
        return NoWarrantyOffered(f"{unit.product_name} carries no warranty",
                                      field_errors={"serial_number": ["The product carries no warranty."]})
    if request.purchase_date and request.purchase_date > today:
        return PurchaseDateInFuture("purchase_date is in the future",
                                      field_errors={"purchase_date": ["Must not be in the future."]})
    return None


class _Party:
    """A customer as the batch leaves it: found by email, or new; phone and tags as updated."""

    __slots__ = ("id", "name", "email", "phone", "tags", "new", "changed")

    def __init__(self, party_id: str, name: str, email: str, phone: str | None, tags: str, new: bool) -> None:
        self.id, self.name, self.email, self.phone, self.tags = party_id, name, email, phone, tags
        self.new, self.changed = new, False


def _customers(accepted: list[_Accepted], now: dt.datetime) -> list[_Customer]:
    """Each activation's customer, as it stood after that activation: the party with its email
    (its phone brought up to date) or a new one, with the unit's customer tags added. Names are
    unique per workspace (Trakor's idempotency key): a second customer of the same name gets
    their email in the name."""
    parties: dict[tuple[tuple[int, bool], str], _Party] = {}
    by_scope: dict[tuple[int, bool], list[_Accepted]] = {}
    for entry in accepted:
        by_scope.setdefault(entry.scope, []).append(entry)
    taken: set[tuple[tuple[int, bool], str]] = set()
    for scope, entries in by_scope.items():
        emails = {entry.request.customer_email for entry in entries}
        for email, party_id, name, phone, tags in fetch(queries.CUSTOMERS, tuple(emails), scope,
                                                        values=len(emails)):
            parties.setdefault((scope, email), _Party(party_id, name, email, phone, tags, new=False))
        names = {entry.request.customer_name for entry in entries if (scope, entry.request.customer_email) not in parties}
        if names:
            taken.update((scope, name) for (name,) in fetch(queries.NAMES_TAKEN, tuple(names), scope,
                                                            values=len(names)))
    seen: list[tuple[_Party, str | None]] = []  # each activation's customer, and its phone just after it
    for entry in accepted:
        request, key = entry.request, (entry.scope, entry.request.customer_email)
        party = parties.get(key)
        if party is None:
            name = request.customer_name
            if (entry.scope, name) in taken:
                name = f"{name} <{request.customer_email}>"
            party = parties[key] = _Party(public_id(), name, request.customer_email, request.customer_phone,
                                          _merge_tags("", entry.unit.customer_tags), new=True)
            taken.add((entry.scope, name))
        else:
            if request.customer_phone and party.phone != request.customer_phone:
                party.phone, party.changed = request.customer_phone, True
            merged = _merge_tags(party.tags, entry.unit.customer_tags)
            if merged != party.tags:
                party.tags, party.changed = merged, True
        seen.append((party, party.phone))
    if _save_customers(accepted, parties, now):  # a lone activation took the general path
        party = seen[0][0]
        return [_Customer(party.id, party.name, party.email, party.phone)]
    return [_Customer(party.id, party.name, party.email, phone) for party, phone in seen]


def _save_customers(accepted: list[_Accepted], parties: dict[tuple[tuple[int, bool], str], _Party],
                    now: dt.datetime) -> bool:
    """Insert the new parties and update the changed ones; True when a lone activation's new
    customer had to be found or made by the general path instead (its party is updated)."""
    new = [(scope, party) for (scope, _), party in parties.items() if party.new]
    if new:
        values = [value for scope, party in new
                  for value in (party.id, *scope, party.name, "", party.email, party.phone, party.tags,
                                CUSTOMER, now)]
        inserted = run(queries.INSERT_CUSTOMERS, values, values=len(new)).fetchall()
        if len(inserted) != len(new):
            # Another process took a name (or an email) a moment ago: one activation alone takes the
            # general path; a batch is run again one activation at a time, which does.
            if len(accepted) > 1:
                raise CustomerChanged("A customer changed under this batch")
            _take_general_path(accepted[0], parties)
            return True
    changed = [(party.phone, party.tags, party.id) for party in parties.values() if party.changed and not party.new]
    if changed:
        run_many(queries.UPDATE_CUSTOMER, changed)
    return False


def _take_general_path(entry: _Accepted, parties: dict[tuple[tuple[int, bool], str], _Party]) -> None:
    request = entry.request
    party = customer_for(request.ctx, request.customer_name, request.customer_email, request.customer_phone)
    add_tags(party, entry.unit.customer_tags)
    mine = parties[entry.scope, request.customer_email]
    mine.id, mine.name, mine.phone = party.id, party.name, party.phone


def _start_warranties(accepted: list[_Accepted], customers: list[_Customer],
                      now: dt.datetime) -> list[dict[str, Any]]:
    """The warranties, owners, unit states, events and emails of every accepted activation."""
    today = now.date()
    results: list[dict[str, Any]] = []
    warranties, owners, units = [], [], []
    for entry, customer in zip(accepted, customers, strict=True):
        warranty_id = public_id()
        request, unit = entry.request, entry.unit
        warranties.append((warranty_id, *entry.scope, unit.id, unit.product_id, customer.id, ACTIVE, entry.months,
                           request.purchase_date, entry.starts_on, entry.ends_on, now,
                           reminder_day(entry.ends_on, now)))
        owners.append((*entry.scope, warranty_id, customer.id, now))
        units.append(unit.id)
        results.append({
            "id": warranty_id,
            "serial_number": request.serial_number,
            "product_id": unit.product_id,
            "customer": customer._asdict(),
            "status": ACTIVE if entry.ends_on >= today else "expired",
            "months": entry.months,
            "purchase_date": request.purchase_date,
            "starts_on": entry.starts_on,
            "ends_on": entry.ends_on,
            "created_at": now,
            "voided_at": None,
            "void_reason": None,
        })
    try:
        # The unique serial_id decides a race with another process: the batch is run again one
        # activation at a time, and the caller's transaction (or savepoint) rolls the loser back.
        run_many(queries.INSERT_WARRANTY, warranties)
    except peewee.IntegrityError:
        serials = ", ".join(entry.request.serial_number for entry in accepted)
        raise WarrantyExists(f"Serial number {serials} already has a warranty") from None
    run_many(queries.INSERT_OWNER, owners)
    run(queries.MARK_REGISTERED, (REGISTERED, now, *units), values=len(units))
    publish_many([(entry.request.ctx, "warranty:registered", result) for entry, result in zip(accepted, results,
                                                                                              strict=True)])
    queue_emails_many([(entry.request.ctx, result["customer"]["email"],
                        [_confirmation(result, entry.unit.product_name or "your product")])
                       for entry, result in zip(accepted, results, strict=True)])
    return results


def _merge_tags(existing: str, added: str) -> str:
    return ",".join(dict.fromkeys(t for t in f"{existing},{added}".split(",") if t))


def _confirmation(warranty: dict[str, Any], what: str) -> tuple[str, str, str, None]:
    """The confirmation email, sent now (the expiry reminder follows from `remind_on`)."""
    customer, serial = warranty["customer"], warranty["serial_number"]
    return (f"Your warranty for {what} is active",
            f"Hello {customer['name']},\n\nThe warranty for {what} (serial {serial}) "
            f"runs from {warranty['starts_on']} to {warranty['ends_on']}.\n", "warranty_confirmation", None)
