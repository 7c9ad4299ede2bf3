"""Hand-written SQL lives in each doctype's queries.py, and every statement on a tenant table is
scoped, carries its scope in its rows, or says why it needs neither."""

from __future__ import annotations

import ast
import importlib
import re
from pathlib import Path

import pytest

from tests.support import sources
from traciqo_rpc import statements, wiring
from traciqo_rpc.db import TenantModel

ROOT = Path(__file__).resolve().parents[2]
_SQL_START = re.compile(r"^\s*(SELECT\b.*\bFROM\b|INSERT INTO\b|UPDATE \S+ SET\b|DELETE FROM\b)", re.DOTALL)
_TABLES = re.compile(r"\b(?:FROM|JOIN|UPDATE|INTO)\s+\"?(\w+)", re.IGNORECASE)


def declared() -> list[tuple[str, statements.Statement]]:
    found = []
    for path in sorted((ROOT / "doctypes").glob("*/queries.py")):
        module = importlib.import_module(f"doctypes.{path.parent.name}.queries")
        found += [(f"{module.__name__}.{name}", value) for name, value in vars(module).items()
                  if isinstance(value, statements.Statement)]
    return found


def tenant_tables() -> set[str]:
    return {model._meta.table_name for model in wiring.load().models if issubclass(model, TenantModel)}


def test_sql_is_written_only_in_queries_modules():
    """No SQL string, and no call that sends one, outside a doctype's queries.py."""
    found = []
    for path in (ROOT / "doctypes").rglob("*.py"):
        if path.name == "queries.py":
            continue
        for node in ast.walk(sources.parse(path)):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and _SQL_START.match(node.value):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno} SQL text")
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in (
                    "execute", "execute_many", "execute_sql") and getattr(node.func.value, "id", "") in ("db", "database"):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno} db.{node.func.attr}")
    assert found == []


def test_every_statement_on_a_tenant_table_is_scoped_or_says_why():
    tenants = tenant_tables()
    problems = []
    for name, statement in declared():
        touched = {table for table in _TABLES.findall(statement.sql) if table in tenants}
        if not touched:
            continue
        if statement.sql.lstrip().upper().startswith("INSERT"):
            if statement.kind != statements.INSERT:
                problems.append(f"{name}: an INSERT into {touched} must be declared with insert()")
        elif statement.kind == statements.TENANT:
            if "workspace_id = ? AND" not in statement.sql:
                problems.append(f"{name}: no scope clause")
        elif statement.kind != statements.UNSCOPED or not statement.why:
            problems.append(f"{name}: touches {touched} unscoped without saying why")
    assert declared() and problems == []


def test_the_declarations_refuse_what_the_rule_forbids():
    with pytest.raises(ValueError):
        statements.tenant("SELECT id FROM party WHERE email = ?")  # no {scope}
    with pytest.raises(ValueError):
        statements.insert("INSERT INTO party (id, name) VALUES (?, ?)")  # rows without their scope
    with pytest.raises(ValueError):
        statements.unscoped("UPDATE party SET name = ? WHERE id = ?", why=" ")


def test_insert_rows_copies_only_a_plain_insert():
    upsert = statements.insert("INSERT INTO t (workspace_id, is_sandbox, x) VALUES {values} ON CONFLICT DO NOTHING",
                               width=3)
    statements.insert_rows(upsert, [])  # nothing to send
    with pytest.raises(ValueError, match="plain multi-row insert"):
        statements.insert_rows(upsert, [(1, False, n) for n in range(statements.ROWS_PER_INSERT + 1)])


def test_the_scope_is_bound_where_the_clause_is(rt, client, make_workspace):
    """Two workspaces with the same serial: each scope sees its own, and values before the scope
    clause keep their places."""
    from doctypes.api_key.service import load_principal
    from doctypes.serial_number.queries import EXISTING
    from tests.support.helpers import call, key_headers

    scopes = []
    for name in ("mine", "theirs"):
        keys = make_workspace(name)
        client.post("/api/method/doctypes.serial_number.api.add_serial_numbers", headers=key_headers(keys),
                    json={"serial_numbers": [{"serial_number": f"SN-{name}"}, {"serial_number": "SN-1"}]})
        scopes.append((load_principal(keys["live"]["api_key"]).workspace_id, False))
    reordered = statements.tenant("SELECT serial FROM serial_number WHERE serial IN ({values}) AND {scope}")
    for scope, own in zip(scopes, ("SN-mine", "SN-theirs"), strict=True):
        for statement in (EXISTING, reordered):
            found = call(rt, lambda ctx, s=statement, w=scope: statements.fetch(s, ["SN-1", "SN-mine", "SN-theirs"], w,
                                                                              values=3))
            assert sorted(serial for (serial,) in found) == ["SN-1", own]
        sandbox = (scope[0], True)
        assert call(rt, lambda ctx, w=sandbox: statements.fetch(EXISTING, ["SN-1"], w, values=1)) == []
