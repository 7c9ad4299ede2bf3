"""`traciqo-rpc start`: migrate, then the Procfile's processes under honcho, as an operator runs
it: a real subprocess, a real port, SIGTERM stopping everything it started."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from pathlib import Path

import httpx
import pytest

from tests.conftest import REDIS_URL
from tests.support.processes import SCRIPT, command_env, stop
from traciqo_rpc.start import PROCFILE, parse_concurrency

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def started(tmp_path: Path, *args: str, **variables: str) -> tuple[subprocess.Popen, int]:
    port = free_port()
    env = command_env(TRACIQO_DATABASE_URL=f"sqlite:///{tmp_path / 'start.db'}", TRACIQO_DATA_DIR=str(tmp_path),
                      TRACIQO_SECRET_KEY="start-test", WEB_CONCURRENCY="1", **variables)
    process = subprocess.Popen([SCRIPT, "start", "--port", str(port), *args], cwd=tmp_path, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)
    return process, port


def healthy(port: int, process: subprocess.Popen, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert process.poll() is None, process.stdout.read() if process.stdout else ""
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.1)
    raise AssertionError("the web process did not answer /healthz")


def terminated(process: subprocess.Popen) -> str:
    process.send_signal(signal.SIGTERM)
    try:
        output, _ = process.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        stop(process, group=True)
        raise
    return output


def test_the_built_in_procfile_is_the_repositorys():
    assert (ROOT / "Procfile").read_text() == PROCFILE


def test_concurrency_is_name_equals_count():
    assert parse_concurrency("web=2, worker=3") == {"web": 2, "worker": 3}
    assert parse_concurrency("") == {}
    for wrong in ("web", "web=0", "=2", "web=two"):
        with pytest.raises(ValueError, match="NAME=COUNT"):
            parse_concurrency(wrong)


def test_start_migrates_serves_and_stops_on_sigterm(tmp_path):
    process, port = started(tmp_path)
    try:
        healthy(port, process)
        assert httpx.get(f"http://127.0.0.1:{port}/api/method/traciqo_rpc.api.whoami").status_code == 403  # a guest
    finally:
        output = terminated(process)
    assert "migrate: create table" in output
    assert "no worker, the web process runs the jobs itself" in output  # no Redis: the embedded mode
    assert "web.1" in output and "worker.1" not in output
    assert process.returncode in (0, 130, 143), output
    with pytest.raises(httpx.TransportError):  # nothing left listening
        httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1)


def test_a_second_start_finds_the_database_up_to_date(tmp_path):
    for expected in ("migrate: create table", "migrate: the database is up to date"):
        process, port = started(tmp_path, "web")
        try:
            healthy(port, process)
        finally:
            assert expected in terminated(process)


def test_an_unknown_process_or_concurrency_is_refused(tmp_path):
    for args, message in ((["mailer"], "no mailer in the Procfile (it has web, worker)"),
                          (["-c", "web=many"], "NAME=COUNT")):
        process, _ = started(tmp_path, *args)
        output, _ = process.communicate(timeout=60)
        assert process.returncode == 2 and message in output


def test_a_procfile_in_the_working_directory_is_used(tmp_path):
    (tmp_path / "Procfile").write_text("web: traciqo-rpc serve --host 127.0.0.1 --port $PORT\n")
    process, port = started(tmp_path)
    try:
        healthy(port, process)
    finally:
        output = terminated(process)
    assert "no worker" not in output  # that Procfile has none to leave out


@pytest.mark.skipif(not REDIS_URL, reason="needs a real Redis (TRACIQO_TEST_REDIS_URL)")
def test_with_redis_the_workers_run_too(tmp_path):
    process, port = started(tmp_path, "-c", "web=2,worker=2", TRACIQO_REDIS_URL=REDIS_URL)
    try:
        healthy(port, process)
        healthy(port + 1, process)  # web.2, honcho's way: the next port
        deadline = time.monotonic() + 30
        workers = 0
        while workers < 2 and time.monotonic() < deadline:
            time.sleep(0.5)
            workers = len([pid for pid in os.listdir("/proc") if pid.isdigit() and _is_worker(pid)])
        assert workers >= 2
    finally:
        output = terminated(process)
    assert "worker.1" in output and "worker.2" in output and "web.2" in output


def _is_worker(pid: str) -> bool:
    try:
        command = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return False
    return any(part.endswith(b"traciqo-rpc") for part in command) and b"worker" in command
