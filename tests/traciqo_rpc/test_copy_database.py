"""`traciqo-rpc copy-database`: a SQLite install made through the API moves to PostgreSQL row for
row; an interrupted copy (an exception between chunks, a SIGKILL mid-COPY) continues without
duplicates; a target holding other data is refused unless forced; sequences go on past the ids."""

from __future__ import annotations

import datetime as dt
import decimal
import os
import signal
import struct
import subprocess
import time
from typing import Any

import peewee
import psycopg
import pytest
from starlette.testclient import TestClient

from tests.support.helpers import call, issue_code, key_headers, subscribe
from tests.support.processes import SCRIPT, command_env
from traciqo_rpc import copy_database as copying
from traciqo_rpc import db, wiring
from traciqo_rpc.app import create_app
from traciqo_rpc.settings import Settings

PG_URL = os.environ.get("TRACIQO_TEST_DATABASE_URL")
pytestmark = pytest.mark.skipif(not PG_URL, reason="copy-database needs PostgreSQL: set TRACIQO_TEST_DATABASE_URL")

MODELS = wiring.load().models
API = "/api/method/doctypes."


def app_settings(database_url: str, tmp_path) -> Settings:
    return Settings(database_url=database_url, redis_url=None, secret_key="test-secret-key",
                    base_url="http://testserver", data_dir=tmp_path / "data", threads=4,
                    webhook_allow_cidrs=("127.0.0.0/8",), webhook_retry_schedule=(0, 1, 1))


@pytest.fixture
def target() -> str:
    """The test PostgreSQL database without our tables: the copy makes the schema itself."""
    assert PG_URL
    with psycopg.connect(PG_URL, autocommit=True) as connection:
        tables = ", ".join(f'"{model._meta.table_name}"' for model in MODELS)
        connection.execute(f"DROP TABLE IF EXISTS {tables} CASCADE")
    return PG_URL


def make_install(tmp_path, codes: int = 1200) -> tuple[str, dict]:
    """A SQLite install used through the API: every kind of value the tables hold, a table of
    more than two chunks (auth_code), sandbox rows, events with their bodies, the usage log."""
    url = f"sqlite:///{tmp_path / 'source.db'}"
    app = create_app(app_settings(url, tmp_path))
    rt = app.state.runtime
    rt.migrate()
    rt.load_fixtures()
    from doctypes.workspace.service import create_workspace

    keys = call(rt, lambda ctx: create_workspace(ctx, "Acme Ümlaut \"quoted\"\ttab", "pro"))
    live, sandbox = key_headers(keys), key_headers(keys, "sandbox")
    try:
        use(app, live, sandbox, codes)
    finally:
        rt.close()  # the usage log written, the embedded worker stopped: nothing writes any more
    return url, keys


def use(app: Any, live: dict[str, str], sandbox: dict[str, str], codes: int) -> None:
    with TestClient(app) as client:
        def post(method: str, headers: dict[str, str] = live, **body: Any) -> Any:
            response = client.post(API + method, json=body, headers=headers)
            assert response.status_code == 200, response.text
            return response.json()["message"]

        subscribe(client, live)  # every event stored, its body bytes and its deliveries
        post("product.api.upsert_product", name="Drill", price="1234.56", warranty_months=24,
             description="line one\nline two\\ with a backslash, 'quotes' and \u00e9\u4e2d")
        code = issue_code(client, live, batch="B1", name="Vase")
        post("auth_code.api.create_code", batch_name="BULK", quantity=codes)
        post("auth_code.api.create_code", sandbox, batch_name="SANDBOX", quantity=3)
        for country in ("NL", "DE", "NL"):
            client.get(API + "auth_code.api.verify_code", params={"code": code, "lat": 52.370216, "lon": 4.895168,
                                                                   "country": country})
        post("serial_number.api.add_serial_numbers", serial_numbers=[
            {"serial_number": "SN-1", "product_id": "PRD-00001"}, {"serial_number": "SN-2"}])
        post("warranty.api.activate_warranty", serial_number="SN-1", customer_name="Jane Buyer",
             customer_email="jane@example.com", purchase_date="2026-01-31")
        post("item.api.create_item", sku="BOLT", name="Bolt", attributes={"colour": "red", "note": "tab\there"})
        post("warehouse.api.create_warehouse", code="WH1", name="Main")
        post("stock.api.receive", item="BOLT", warehouse="WH1", quantity=10.5, unit_cost=2.25, reason="first")
        post("stock.api.issue", item="BOLT", warehouse="WH1", quantity=3, reason="sold")
        tracker = post("tracker.api.create_tracker", template="3d-printing", name="Order #1")
        post("tracker.api.update_status", tracker_id=tracker["id"], process="3D Printing", action="start")
        response = client.post(API + "auth_code.api.create_code", json={"batch_name": "IDEM"},
                               headers={**live, "Idempotency-Key": "once"})
        assert response.status_code == 200


def rows_of(database: peewee.Database) -> dict[str, dict[Any, tuple[Any, ...]]]:
    """Every row of every model's table, read through the models (peewee's conversions), by key."""
    with database.bind_ctx(MODELS):
        return {model._meta.table_name: {row[model._meta.sorted_fields.index(model._meta.primary_key)]: row
                                         for row in model.select().tuples()} for model in MODELS}


def as_stored(tables: dict[str, dict[Any, tuple[Any, ...]]]) -> dict[str, dict[Any, tuple[Any, ...]]]:
    """Rows with their FloatFields rounded to four bytes: PostgreSQL keeps them as `real`."""
    def single(value: Any) -> Any:
        return value if value is None else struct.unpack("f", struct.pack("f", value))[0]

    rounded = {}
    for model in MODELS:
        floats = {i for i, f in enumerate(model._meta.sorted_fields) if isinstance(f, peewee.FloatField)}
        rounded[model._meta.table_name] = {
            key: tuple(single(v) if i in floats else v for i, v in enumerate(row))
            for key, row in tables[model._meta.table_name].items()}
    return rounded


def both_sides(source_url: str, target_url: str) -> tuple[dict, dict]:
    source = db.open_database(source_url)
    target = db.open_database(target_url, max_connections=2)
    try:
        return rows_of(source), rows_of(target)
    finally:
        source.close()
        target.close_all()


def copy_cli(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    result = subprocess.run([SCRIPT, "copy-database", *args], env=command_env(TRACIQO_LOG_LEVEL="WARNING"),
                            capture_output=True, text=True, timeout=300)
    if check:
        assert result.returncode == 0, result.stderr
    return result


def pg_scalar(sql: str) -> Any:
    assert PG_URL
    with psycopg.connect(PG_URL, autocommit=True) as connection:
        row = connection.execute(sql).fetchone()
        return row[0] if row else None


def next_id(table: str) -> int:
    """The id the table's sequence would give next, without taking it."""
    assert PG_URL
    with psycopg.connect(PG_URL, autocommit=True) as connection:
        sequence = connection.execute("SELECT pg_get_serial_sequence(%s, 'id')", (table,)).fetchone()[0]
        last, called = connection.execute(f"SELECT last_value, is_called FROM {sequence}").fetchone()
        return last + 1 if called else last


def test_an_install_moves_row_for_row(tmp_path, target):
    source_url, keys = make_install(tmp_path)
    result = copy_cli("--from", source_url, "--to", target, "--chunk-rows", "500")
    assert "the counts match" in result.stdout
    assert result.stdout.splitlines()[0].split() == ["table", "source", "target"]
    assert "auth_code" in result.stderr  # its progress bar

    source, copied = both_sides(source_url, target)
    assert as_stored(copied) == as_stored(source)  # every row of every table, value for value
    assert len(source["auth_code"]) == 1200 + 1 + 3 + 1
    for table in ("api_key", "api_request_log", "api_usage", "code_batch", "delivery", "email_message", "event",
                  "idempotency_key", "item", "party", "plan", "product", "scan", "scan_country_day", "scan_day",
                  "serial_number", "shared_template", "stock_entry", "stock_level", "tracker", "tracker_step",
                  "warranty", "webhook_endpoint", "workspace"):
        assert source[table], f"the install made no {table} rows: the round trip would prove nothing there"

    def column(table: str, name: str) -> list[Any]:
        model = next(m for m in MODELS if m._meta.table_name == table)
        index = [f.column_name for f in model._meta.sorted_fields].index(name)
        return [row[index] for row in copied[table].values()]

    assert all(isinstance(value, dt.datetime) for value in column("scan", "scanned_at"))
    assert any(value.microsecond for value in column("scan", "scanned_at"))
    assert column("warranty", "purchase_date") == [dt.date(2026, 1, 31)]
    assert sorted(column("product", "price")) == [decimal.Decimal("0.00"), decimal.Decimal("1234.56")]
    assert sorted(column("auth_code", "is_sandbox")) == [False] * 1202 + [True] * 3
    assert set(column("scan", "lat")) == {52.370216}
    assert all(isinstance(body, bytes) and body.startswith(b"{") for body in column("event", "body"))
    assert column("workspace", "name") == ['Acme Ümlaut "quoted"\ttab']

    # The copy serves: the keys authenticate, new rows take ids past the copied ones.
    app = create_app(app_settings(target, tmp_path))
    with TestClient(app) as client:
        live = key_headers(keys)
        assert client.get("/api/method/traciqo_rpc.api.whoami", headers=live).status_code == 200
        response = client.post(API + "tracker.api.create_tracker", json={"name": "After the move"}, headers=live)
        assert response.status_code == 200, response.text
        assert response.json()["message"]["id"] > max(source["tracker"])
        assert client.get(API + "auth_code.api.verify_code", params={"code": "nope"}).status_code == 200
    app.state.runtime.close()
    for model in MODELS:  # every serial id's sequence goes on past the largest copied id
        table = model._meta.table_name
        if isinstance(model._meta.primary_key, peewee.AutoField) and source[table]:
            assert next_id(table) > max(source[table]), table

    again = copy_cli("--from", source_url, "--to", target, check=False)  # the copy has been written to since
    assert again.returncode == 2 and "tracker (" in again.stderr and "--force" in again.stderr


def test_an_interrupted_copy_continues(tmp_path, target, monkeypatch):
    source_url, _ = make_install(tmp_path)
    chunks = []
    copy_chunk = copying._copy_chunk

    def cut_off(target_db, table, rows):  # the process stops between two chunks of auth_code
        if table.name == "auth_code":
            chunks.append(len(rows))
            if len(chunks) == 2:
                raise KeyboardInterrupt
        copy_chunk(target_db, table, rows)

    monkeypatch.setattr(copying, "_copy_chunk", cut_off)
    bound = db.database.obj
    with pytest.raises(KeyboardInterrupt):
        copying.copy_database(source_url, target, MODELS, chunk_rows=500, progress=None)
    assert db.database.obj is bound  # the models are handed back as they were
    assert pg_scalar('SELECT COUNT(*) FROM "auth_code"') == 500
    assert pg_scalar('SELECT COUNT(*) FROM "workspace"') == 0  # after auth_code: not reached
    monkeypatch.undo()

    counts = copying.copy_database(source_url, target, MODELS, chunk_rows=500, progress=None)
    assert all(count.matches for count in counts), copying.counts_table(counts)
    source, copied = both_sides(source_url, target)
    assert as_stored(copied) == as_stored(source)
    assert pg_scalar('SELECT COUNT(DISTINCT "code") FROM "auth_code"') == len(source["auth_code"])

    again = copying.copy_database(source_url, target, MODELS, chunk_rows=500, progress=None)
    assert again == counts  # done already: nothing to add, nothing refused


def test_a_copy_killed_mid_way_continues(tmp_path, target):
    source_url, _ = make_install(tmp_path, codes=20_000)
    process = subprocess.Popen([SCRIPT, "copy-database", "--from", source_url, "--to", target, "--chunk-rows", "100",
                                "--quiet"], env=command_env(TRACIQO_LOG_LEVEL="WARNING"),
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    try:
        while time.monotonic() < deadline and process.poll() is None:
            try:
                if pg_scalar("SELECT COUNT(*) FROM auth_code") >= 2_000:
                    break
            except psycopg.errors.UndefinedTable:
                pass  # not migrated yet
            time.sleep(0.02)
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
    copied_before = pg_scalar("SELECT COUNT(*) FROM auth_code")
    assert copied_before < 20_005, "the copy finished before it could be killed: use more rows"

    result = copy_cli("--from", source_url, "--to", target, "--chunk-rows", "5000")
    assert "the counts match" in result.stdout
    source, copied = both_sides(source_url, target)
    assert as_stored(copied) == as_stored(source)


def test_a_target_with_other_data_is_refused_unless_forced(tmp_path, target):
    source_url, _ = make_install(tmp_path, codes=10)
    copy_cli("--from", source_url, "--to", target, "--quiet")
    with psycopg.connect(target, autocommit=True) as connection:
        connection.execute("UPDATE plan SET title = title || ' (ours)' WHERE name = 'pro'")
        connection.execute("DELETE FROM auth_code WHERE id = (SELECT MIN(id) FROM auth_code)")
        connection.execute("DELETE FROM scan")
    refused = copy_cli("--from", source_url, "--to", target, "--quiet", check=False)
    assert refused.returncode == 2
    assert "plan (1 of 4)" in refused.stderr and "auth_code" not in refused.stderr, refused.stderr
    assert pg_scalar("SELECT COUNT(*) FROM scan") == 0  # refused before writing anything

    forced = copy_cli("--from", source_url, "--to", target, "--quiet", "--force")
    assert "the counts match" in forced.stdout
    source, copied = both_sides(source_url, target)
    assert as_stored(copied) == as_stored(source)


def test_refusals(tmp_path, target):
    result = copy_cli("--from", target, "--to", target, check=False)
    assert result.returncode == 2 and "must be a SQLite database" in result.stderr, result.stderr
    assert copy_cli("--to", target, "--chunk-rows", "0", check=False).returncode == 2  # argparse
    with pytest.raises(copying.CopyRefused, match="no SQLite database at"):
        copying.copy_database(f"sqlite:///{tmp_path / 'none.db'}", target, MODELS)
    source_url, _ = make_install(tmp_path, codes=1)
    with pytest.raises(copying.CopyRefused, match="--to must be a PostgreSQL URL"):
        copying.copy_database(source_url, f"sqlite:///{tmp_path / 'other.db'}", MODELS)


def test_an_older_source_must_be_migrated_first(tmp_path, target):
    source_url, _ = make_install(tmp_path, codes=1)
    import sqlite3

    with sqlite3.connect(tmp_path / "source.db") as connection:
        connection.execute('ALTER TABLE "plan" DROP COLUMN "code_limit"')
    result = copy_cli("--from", source_url, "--to", target, check=False)
    assert result.returncode == 2 and "plan has no column code_limit" in result.stderr
    assert "traciqo-rpc migrate" in result.stderr


def test_a_row_postgresql_refuses_is_named(tmp_path, target):
    source_url, _ = make_install(tmp_path, codes=1)
    import sqlite3

    with sqlite3.connect(tmp_path / "source.db") as connection:  # SQLite keeps text past its column's length
        connection.execute("UPDATE plan SET title = ? WHERE name = 'pro'", ("x" * 200,))
    result = copy_cli("--from", source_url, "--to", target, "--quiet", check=False)
    assert result.returncode == 1 and "plan: PostgreSQL refused a row between name" in result.stderr, result.stderr
    assert "Traceback" not in result.stderr
    assert pg_scalar("SELECT COUNT(*) FROM plan") == 0 and pg_scalar("SELECT COUNT(*) FROM auth_code") > 0
