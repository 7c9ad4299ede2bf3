"""Behind PgBouncer in transaction mode (Debian's 1.18 keeps no prepared statements between
transactions): with TRACIQO_DATABASE_PREPARED_STATEMENTS=0 every call works, however the
pooler hands out its server connections. Runs where `pgbouncer` and PostgreSQL are present."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlparse

import httpx
import pytest

from tests.conftest import PG_URL
from tests.support.helpers import call, key_headers
from tests.support.live_server import live_server
from tests.support.processes import stop
from traciqo_rpc import db

PGBOUNCER = shutil.which("pgbouncer") or next((p for p in ("/usr/sbin/pgbouncer",) if os.path.exists(p)), None)
pytestmark = pytest.mark.skipif(not (PG_URL and PGBOUNCER), reason="needs pgbouncer and TRACIQO_TEST_DATABASE_URL")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def bouncer(tmp_path):
    """PgBouncer on a loopback port in transaction mode, two server connections for many clients."""
    target, port = urlparse(PG_URL), free_port()
    (tmp_path / "pgbouncer.ini").write_text(f"""
[databases]
traciqo = host={target.hostname} port={target.port or 5432} dbname={target.path.lstrip('/')} user={target.username} password={target.password}
[pgbouncer]
listen_addr = 127.0.0.1
listen_port = {port}
unix_socket_dir =
auth_type = any
pool_mode = transaction
default_pool_size = 2
max_client_conn = 200
""")
    tmp_path.chmod(0o755)
    as_root = ["-u", "nobody"] if os.geteuid() == 0 else []  # it refuses to run as root
    process = subprocess.Popen([PGBOUNCER, *as_root, str(tmp_path / "pgbouncer.ini")],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 10
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"pgbouncer did not start: {process.stdout.read().decode()[-2000:]}") from None
            time.sleep(0.05)
    try:
        yield f"postgresql://{target.username}:{target.password}@127.0.0.1:{port}/traciqo"
    finally:
        stop(process)


def test_every_call_works_through_pgbouncer_without_prepared_statements(make_app, settings, bouncer):
    if not settings.database_url.startswith("postgresql"):
        pytest.skip("runs once, with the PostgreSQL backend")
    from doctypes.workspace.service import create_workspace

    app = make_app(settings.with_changes(database_url=bouncer, database_prepared_statements=False,
                                         guest_rate_limit=0))  # 200 scans from one address
    assert db.database.obj.connect_params["prepare_threshold"] is None
    headers = key_headers(call(app.state.runtime, lambda ctx: create_workspace(ctx, "bounced", "pro")))
    with live_server(app) as base, httpx.Client(base_url=base, timeout=60) as http:
        made = http.post("/api/method/doctypes.auth_code.api.create_code", headers=headers,
                         json={"batch_name": "B", "quantity": 20}).json()["message"]["codes"]

        def verify(n: int) -> int:  # the same statements many times over: psycopg would prepare them
            return http.get("/api/method/doctypes.auth_code.api.verify_code", params={"code": made[n % 20]}).status_code

        with ThreadPoolExecutor(max_workers=8) as pool:
            assert set(pool.map(verify, range(200))) == {200}
        assert http.get("/api/method/traciqo_rpc.api.whoami", headers=headers).status_code == 200
