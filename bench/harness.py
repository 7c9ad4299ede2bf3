"""Shared benchmark plumbing: a real `traciqo-rpc serve` on loopback, and a bounded load generator.

The load generator is wrk when installed (Debian package `wrk`), else a small asyncio
client; the report says which. Every load is bounded by time and only targets 127.0.0.1.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

BIN = Path(sys.executable).parent
HOST = "127.0.0.1"


@dataclass(frozen=True)
class Load:
    rps: float
    p50_ms: float
    p99_ms: float
    errors: int = 0


def post_json(base: str, path: str, headers: dict[str, str], body: dict) -> Any:
    """Call a method during set-up; answers its message."""
    request = urllib.request.Request(base + path, data=json.dumps(body).encode(), method="POST",
                                     headers={**headers, "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.loads(response.read())["message"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def _wait_ready(url: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError):
            with urllib.request.urlopen(url, timeout=1) as response:
                if response.status == 200:
                    return
        time.sleep(0.1)
    raise RuntimeError(f"server at {url} did not become ready")


@contextlib.contextmanager
def serve(argv: list[str], env: dict[str, str], cwd: Path, health: str) -> Iterator[None]:
    """Run a server process until the block ends (killed even on Ctrl-C)."""
    log = open(cwd / "server.log", "w")
    process = subprocess.Popen(argv, cwd=cwd, env=env, stdout=log, stderr=log)
    try:
        _wait_ready(health)
        yield
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


@dataclass
class Workspace:
    base_url: str
    api_key: str
    api_secret: str
    cwd: Path

    @property
    def headers(self) -> dict[str, str]:
        return {"X-Traciqo-API-Key": self.api_key, "X-Traciqo-API-Secret": self.api_secret}


SETUP_SNIPPET = """
import json, sys
from traciqo_rpc import runtime
from traciqo_rpc.context import RequestContext
from doctypes.plan.model import Plan
from doctypes.workspace.service import create_workspace
rt = runtime.build(); rt.migrate(); rt.load_fixtures()
ctx = RequestContext(request_id="bench")
def setup():
    Plan.insert(name="bench", title="Bench", api_access=True, code_limit=None,
                rate_limit_per_minute=10**9).on_conflict_ignore().execute()
    return create_workspace(ctx, "bench", "bench")
print(json.dumps(rt.run_in_transaction(ctx, setup)))
"""


def traciqo_env(tmp: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRACIQO_")}
    env.update(TRACIQO_DATABASE_URL=f"sqlite:///{tmp / 'bench.db'}", TRACIQO_DATA_DIR=str(tmp / "data"),
               TRACIQO_SECRET_KEY="bench", TRACIQO_LOG_LEVEL="INFO")
    env.update(extra)
    return env


@contextlib.contextmanager
def traciqo_server(**env_extra: str) -> Iterator[Workspace]:
    """A fresh database with an unlimited-rate workspace, served by `traciqo-rpc serve` (1 worker)."""
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        env = traciqo_env(tmp, **env_extra)
        created = json.loads(subprocess.run([sys.executable, "-c", SETUP_SNIPPET], cwd=tmp, env=env,
                                            check=True, capture_output=True, text=True).stdout)
        port = free_port()
        argv = [str(BIN / "traciqo-rpc"), "serve", "--host", HOST, "--port", str(port)]
        with serve(argv, env, tmp, f"http://{HOST}:{port}/healthz"):
            yield Workspace(f"http://{HOST}:{port}", created["live"]["api_key"], created["live"]["api_secret"], tmp)


BARE_APP = """
from starlette.applications import Starlette
from starlette.responses import JSONResponse
from starlette.routing import Route

async def pong(request):
    return JSONResponse({"message": "pong"})

app = Starlette(routes=[Route("/pong", pong)])
"""


@contextlib.contextmanager
def bare_server() -> Iterator[str]:
    """The baseline: one Starlette JSON route under uvicorn with the same settings as `serve`."""
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        (tmp / "bare_app.py").write_text(BARE_APP)
        port = free_port()
        argv = [sys.executable, "-m", "uvicorn", "bare_app:app", "--host", HOST, "--port", str(port),
                "--no-access-log", "--log-level", "warning", "--proxy-headers"]
        with serve(argv, dict(os.environ), tmp, f"http://{HOST}:{port}/pong"):
            yield f"http://{HOST}:{port}/pong"


def generator_name() -> str:
    return "wrk" if shutil.which("wrk") else "python-asyncio"


def load(url: str, headers: dict[str, str] | None = None, seconds: float = 5.0, connections: int = 16,
         paths: list[str] | None = None, method: str = "GET") -> Load:
    """Requests/s and latency of `method url` (or of `paths` on its host, in turn) for `seconds`."""
    if shutil.which("wrk"):
        return _wrk(url, headers or {}, seconds, connections, paths, method)
    return asyncio.run(_python_load(url, headers or {}, seconds, connections, paths, method))


def _wrk(url: str, headers: dict[str, str], seconds: float, connections: int, paths: list[str] | None,
         method: str) -> Load:
    argv = ["wrk", "-t1", f"-c{connections}", f"-d{max(1, int(seconds))}s", "--latency", "--timeout", "5s"]
    for name, value in headers.items():
        argv += ["-H", f"{name}: {value}"]
    script = None
    if paths:
        script = tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False)
        script.write("local paths = {" + ",".join(json.dumps(p) for p in paths) + "}\nlocal i = 0\n"
                     f"request = function() i = i + 1; return wrk.format('{method}', paths[(i % #paths) + 1]) end\n")
        script.close()
        argv += ["-s", script.name]
    try:
        out = subprocess.run(argv + [url], capture_output=True, text=True, check=True,
                             timeout=seconds + 30).stdout
    finally:
        if script:
            os.unlink(script.name)
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    errors = sum(int(n) for n in re.findall(r"Non-2xx or 3xx responses: (\d+)", out))
    return Load(rps, _wrk_ms(out, "50%"), _wrk_ms(out, "99%"), errors)


def _wrk_ms(out: str, percentile: str) -> float:
    value, unit = re.search(rf"{re.escape(percentile)}\s+([\d.]+)(us|ms|s)", out).groups()
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


async def _python_load(url: str, headers: dict[str, str], seconds: float, connections: int,
                       paths: list[str] | None, method: str) -> Load:
    """Keep-alive HTTP/1.1 clients in one event loop; enough to compare two servers alike."""
    import itertools
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    default_path = parts.path + (f"?{parts.query}" if parts.query else "")
    extra = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
    latencies: list[float] = []
    errors = 0
    deadline = time.monotonic() + seconds
    turns = itertools.cycle(paths or [default_path])

    async def client() -> None:
        nonlocal errors
        reader, writer = await asyncio.open_connection(parts.hostname, parts.port)
        try:
            while time.monotonic() < deadline:
                path = next(turns)
                started = time.perf_counter()
                writer.write(f"{method} {path} HTTP/1.1\r\nHost: {parts.netloc}\r\n{extra}"
                             "Content-Length: 0\r\n\r\n".encode())
                status_line = await reader.readline()
                length = 0
                while (line := await reader.readline()) not in (b"\r\n", b""):
                    if line.lower().startswith(b"content-length:"):
                        length = int(line.split(b":")[1])
                await reader.readexactly(length)
                latencies.append((time.perf_counter() - started) * 1000)
                if not status_line.split(b" ")[1].startswith(b"2"):
                    errors += 1
        finally:
            writer.close()

    started = time.monotonic()
    await asyncio.gather(*(client() for _ in range(connections)))
    elapsed = time.monotonic() - started
    latencies.sort()
    return Load(len(latencies) / elapsed, statistics.median(latencies),
                latencies[int(len(latencies) * 0.99) - 1], errors)


def machine() -> str:
    cpu = "unknown CPU"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    return f"{os.cpu_count()} cores, {cpu}, Python {sys.version.split()[0]}, {time.strftime('%Y-%m-%d')}"
