"""Activation's statements (see traciqo_rpc/statements.py for why they are hand-written): an
activation reads the unit, its product and the customer, then writes the customer (when
new), the warranty, its first owner and the unit's status; a batch does each for all."""

from __future__ import annotations

from typing import NamedTuple

from traciqo_rpc.statements import insert, tenant, unscoped


class Unit(NamedTuple):
    serial: str
    id: int
    status: str
    product_id: str | None
    customer_tags: str
    product_name: str | None
    warranty_months: int | None
    has_warranty: bool


class KnownCustomer(NamedTuple):
    email: str
    id: str
    name: str
    phone: str | None
    tags: str


UNITS = tenant("""
SELECT s.serial, s.id, s.status, s.product_id, s.customer_tags, p.name, p.warranty_months,
       EXISTS (SELECT 1 FROM warranty w WHERE w.serial_id = s.id)
FROM serial_number s LEFT JOIN product p ON p.id = s.product_id
WHERE {scope:s} AND s.serial IN ({values})""", row=Unit)
CUSTOMERS = tenant("SELECT email, id, name, phone, tags FROM party WHERE {scope} AND email IN ({values})",
                   row=KnownCustomer)
NAMES_TAKEN = tenant("SELECT name FROM party WHERE {scope} AND name IN ({values})")
INSERT_CUSTOMERS = insert("""
INSERT INTO party (id, workspace_id, is_sandbox, name, contact_info, email, phone, tags, roles, created_at)
VALUES {values} ON CONFLICT DO NOTHING RETURNING id""", width=10)
UPDATE_CUSTOMER = unscoped("UPDATE party SET phone = ?, tags = ? WHERE id = ?",
                           why="customers this batch read through CUSTOMERS, in its scope")
INSERT_WARRANTY = insert("""
INSERT INTO warranty (id, workspace_id, is_sandbox, serial_id, product_id, party_id, status, months,
                      purchase_date, starts_on, ends_on, created_at, remind_on)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")
INSERT_OWNER = insert("""
INSERT INTO warranty_owner (workspace_id, is_sandbox, warranty_id, party_id, since) VALUES (?, ?, ?, ?, ?)""")
MARK_REGISTERED = unscoped("UPDATE serial_number SET status = ?, registered_at = ? WHERE id IN ({values})",
                           why="units this batch read through UNITS, in its scope")
