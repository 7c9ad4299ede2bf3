"""Slow and idle clients lose their connections; connections are capped below the open-file limit.

Against a real uvicorn on loopback, as `traciqo-rpc serve` runs it, with short limits."""

from __future__ import annotations

import contextlib
import json
import os
import resource
import socket
import subprocess
import time

import pytest

from tests.support.live_server import live_server
from tests.support.processes import SCRIPT, command_env, stop
from traciqo_rpc import serving

LIMITS = {"http_header_timeout": 0.6, "http_body_timeout": 0.6, "http_body_min_rate": 100_000,
          "http_keepalive_timeout": 1, "http_max_head_bytes": 8 * 1024, "http_max_connections": 6}


@pytest.fixture
def base(make_app, settings, backend):
    if backend != "sqlite+embedded":
        pytest.skip("the HTTP server's limits do not depend on the database or the queue")
    with live_server(make_app(settings.with_changes(**LIMITS))) as url:
        yield url


def connect(base: str) -> socket.socket:
    host, port = base.removeprefix("http://").split(":")
    sock = socket.create_connection((host, int(port)), timeout=5)
    return sock


def closed_within(sock: socket.socket, seconds: float) -> bytes | None:
    """What the server sent before closing, if it closed within `seconds`; None if still open."""
    sock.settimeout(0.1)
    received = b""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            chunk = sock.recv(65536)
        except TimeoutError:
            continue
        except ConnectionResetError:
            return received
        if not chunk:
            return received
        received += chunk
    return None


def get(sock: socket.socket, path: str = "/healthz") -> bytes:
    sock.sendall(f"GET {path} HTTP/1.1\r\nHost: t\r\n\r\n".encode())
    sock.settimeout(5)
    return sock.recv(65536)


def test_a_silent_connection_is_closed(base):
    with connect(base) as sock:
        assert closed_within(sock, 3) == b""


def test_a_slowloris_head_is_closed(base):
    with connect(base) as sock:
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: t\r\n")
        started = time.monotonic()
        with contextlib.suppress(OSError):
            for _ in range(30):
                time.sleep(0.1)
                sock.sendall(b"X-Slow: 1\r\n")
        assert closed_within(sock, 3) is not None
        assert time.monotonic() - started < 3.5


def test_a_slow_body_is_closed(base):
    with connect(base) as sock:
        sock.sendall(b"POST /api/method/traciqo_rpc.api.ping HTTP/1.1\r\nHost: t\r\n"
                     b"Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{")
        with contextlib.suppress(OSError):
            for _ in range(30):
                time.sleep(0.1)
                sock.sendall(b" ")
        assert closed_within(sock, 3) is not None


def test_an_idle_keep_alive_connection_is_closed(base):
    with connect(base) as sock:
        assert get(sock).startswith(b"HTTP/1.1 200")
        assert closed_within(sock, 3) == b""


def test_a_huge_request_head_is_431(base):
    with connect(base) as sock:
        with contextlib.suppress(OSError):
            sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: t\r\n" + b"X-Pad: " + b"a" * 20_000 + b"\r\n")
        answer = closed_within(sock, 3)
        assert answer is not None and answer.startswith(b"HTTP/1.1 431")


def test_normal_requests_pass(base):
    import httpx

    with httpx.Client(base_url=base, timeout=5) as client:
        for _ in range(20):  # one keep-alive connection, many requests
            assert client.post("/api/method/traciqo_rpc.api.ping", json={}).status_code == 200
        big = client.post("/api/method/tests.support.methods.echo", json={"name": "a", "tags": ["x" * 1000] * 50})
        assert big.status_code == 200


def test_connections_past_the_cap_get_503_and_the_server_recovers(base):
    held = [connect(base) for _ in range(LIMITS["http_max_connections"])]
    try:
        time.sleep(0.1)
        with connect(base) as extra:
            answer = closed_within(extra, 2)
            assert answer is not None and answer.startswith(b"HTTP/1.1 503") and b"retry-after: 1" in answer
    finally:
        for sock in held:
            sock.close()
    time.sleep(0.2)
    with connect(base) as sock:
        assert get(sock).startswith(b"HTTP/1.1 200")


def test_the_cap_fits_the_open_file_limit():
    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    cap = serving.connection_cap(10**9, threads=16)
    assert 16 <= cap <= resource.getrlimit(resource.RLIMIT_NOFILE)[0] - serving.RESERVED_FILES
    assert serving.connection_cap(50, threads=16) == 50


def test_a_flood_of_idle_sockets_under_a_low_file_limit(tmp_path, backend):
    """The reproduction: `traciqo-rpc serve` with 256 files allowed, and 400 idle connections.
    The server refuses what it cannot hold, keeps its own files, and answers once they are gone."""
    if backend != "sqlite+embedded":
        pytest.skip("runs its own server on SQLite")
    env = command_env(TRACIQO_DATABASE_URL=f"sqlite:///{tmp_path / 'flood.db'}", TRACIQO_DATA_DIR=str(tmp_path / "data"),
                      TRACIQO_HTTP_HEADER_TIMEOUT="1", TRACIQO_LOG_LEVEL="WARNING")
    for command in (["migrate"], ["fixtures"]):
        subprocess.run([SCRIPT, *command], cwd=tmp_path, env=env, check=True, capture_output=True)
    keys = json.loads(subprocess.run([SCRIPT, "workspace", "create", "--name", "flood", "--plan", "pro", "--json"],
                                     cwd=tmp_path, env=env, check=True, capture_output=True, text=True).stdout)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]

    def low_file_limit() -> None:
        resource.setrlimit(resource.RLIMIT_NOFILE, (256, 256))

    server = subprocess.Popen([SCRIPT, "serve", "--port", str(port)], cwd=tmp_path, env=env,
                              preexec_fn=low_file_limit, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    whoami = (f"GET /api/method/traciqo_rpc.api.whoami HTTP/1.1\r\nHost: t\r\nConnection: close\r\n"
              f"X-Traciqo-API-Key: {keys['live']['api_key']}\r\nX-Traciqo-API-Secret: {keys['live']['api_secret']}"
              f"\r\n\r\n").encode()

    def ask() -> bytes:
        with connect(base) as sock:
            sock.sendall(whoami)
            return closed_within(sock, 5) or b""

    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError):
                if ask().startswith(b"HTTP/1.1 200"):
                    break
            time.sleep(0.2)
        flood = []
        for _ in range(400):
            flood.append(connect(base))
        time.sleep(0.3)
        open_files = len(os.listdir(f"/proc/{server.pid}/fd"))
        assert open_files < 256
        assert ask().startswith(b"HTTP/1.1 503")  # past the cap: refused at once, not left hanging
        time.sleep(2)  # the idle ones time out
        for sock in flood:
            sock.close()
        assert ask().startswith(b"HTTP/1.1 200")
    finally:
        stop(server)
        stderr = server.stderr.read().decode() if server.stderr else ""
        assert "unable to open database file" not in stderr and "Too many open files" not in stderr, stderr[-2000:]
