"""Shared benchmark plumbing: a real `traciqo-rpc serve` on loopback, and a bounded load generator.

The load generator is wrk when installed (Debian package `wrk`), else a small asyncio
client; the report says which. Every load is bounded by time and only targets 127.0.0.1.
Servers, the load generator and Redis can be pinned to CPUs (`cpu=`) with `taskset`.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

BIN = Path(sys.executable).parent
HOST = "127.0.0.1"
BENCH_PLAN = "bench"


@dataclass(frozen=True)
class Load:
    rps: float
    p50_ms: float
    p99_ms: float
    errors: int = 0  # non-2xx responses plus socket errors and timeouts
    server_cpu_us: float | None = None  # the server process's CPU time per request, all threads (server_pid)


def post_json(base: str, path: str, headers: dict[str, str], body: dict) -> Any:
    """Call a method during set-up; answers its message."""
    request = urllib.request.Request(base + path, data=json.dumps(body).encode(), method="POST",
                                     headers={**headers, "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.loads(response.read())["message"]


def get_json(url: str, headers: dict[str, str] | None = None) -> Any:
    """One GET during set-up (a sanity check before loading); answers the decoded body."""
    _check_loopback(url)
    with urllib.request.urlopen(urllib.request.Request(url, headers=headers or {}), timeout=30) as response:
        return json.loads(response.read())


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def _check_loopback(url: str) -> None:
    if urlsplit(url).hostname != HOST:
        raise ValueError(f"benchmarks only load {HOST}, not {url}")


# -- CPU pinning ----------------------------------------------------------------------------

def can_pin() -> bool:
    """Pinning needs `taskset` and at least two CPUs (server on one, load on the other)."""
    return shutil.which("taskset") is not None and len(os.sched_getaffinity(0)) >= 2


def pinned(argv: list[str], cpu: int | None) -> list[str]:
    """`argv`, run on CPU `cpu` when given (taskset execs the command: same pid)."""
    return argv if cpu is None else ["taskset", "-c", str(cpu), *argv]


# -- which CPU runs what --------------------------------------------------------------------

@dataclass(frozen=True)
class Cpus:
    server: int | None = None
    load: int | None = None

    @classmethod
    def choose(cls, pin: bool) -> Cpus:
        if not pin or not can_pin():
            return cls()
        first, second = sorted(os.sched_getaffinity(0))[:2]
        return cls(server=first, load=second)

    def describe(self) -> str:
        if self.server is None:
            return "not pinned (servers and load generator share the CPUs)"
        return f"servers pinned to CPU {self.server}, load generator and Redis to CPU {self.load} (taskset)"


# -- processes ------------------------------------------------------------------------------

def _stop(process: subprocess.Popen) -> None:
    """Terminate, then kill; a second Ctrl-C while waiting kills at once."""
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=10)
    except (subprocess.TimeoutExpired, KeyboardInterrupt):
        process.kill()
        process.wait()


def _wait_until(ready: Callable[[], bool], process: subprocess.Popen, what: str, log: Path,
                timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        with contextlib.suppress(OSError):
            if ready():
                return
        time.sleep(0.1)
    tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
    raise RuntimeError(f"{what} did not become ready (exit code {process.poll()}):\n{tail}")


def _http_ok(url: str) -> bool:
    with urllib.request.urlopen(url, timeout=1) as response:
        return response.status == 200


@contextlib.contextmanager
def child(argv: list[str], env: dict[str, str], cwd: Path, ready: Callable[[], bool],
          what: str) -> Iterator[subprocess.Popen]:
    """Run a process (output to `cwd`/server.log) until the block ends; killed even on Ctrl-C."""
    log_path = cwd / "server.log"
    with open(log_path, "w") as log:
        process = subprocess.Popen(argv, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=log)
        try:
            _wait_until(ready, process, what, log_path)
            yield process
        finally:
            _stop(process)


@contextlib.contextmanager
def serve(argv: list[str], env: dict[str, str], cwd: Path, health: str) -> Iterator[int]:
    """Run an HTTP server until the block ends, once `health` answers 200; yields its pid."""
    _check_loopback(health)
    with child(argv, env, cwd, lambda: _http_ok(health), f"server at {health}") as process:
        yield process.pid


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time of a process, all threads (Linux /proc), 0.0 where unknown."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def exit_cleanly_on_sigterm() -> None:
    """SIGTERM raises SystemExit, so `finally` blocks stop every server we started."""
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))


# -- the traciqo server ---------------------------------------------------------------------

@dataclass
class Workspace:
    base_url: str
    api_key: str
    api_secret: str
    cwd: Path
    pid: int = 0  # the server process (for its CPU time)

    @property
    def headers(self) -> dict[str, str]:
        return {"X-Traciqo-API-Key": self.api_key, "X-Traciqo-API-Secret": self.api_secret}


# A plan like enterprise but with a rate limit no benchmark reaches (the limiter still runs).
PLAN_SNIPPET = f"""
from traciqo_rpc import db, runtime
from doctypes.plan.model import Plan
rt = runtime.build()
with db.transaction():
    Plan.insert(name={BENCH_PLAN!r}, title="Bench (unlimited rate)", api_access=True, code_limit=None,
                rate_limit_per_minute=10**9).on_conflict_ignore().execute()
rt.close()
"""


def traciqo_env(tmp: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRACIQO_")}
    env.update(TRACIQO_DATABASE_URL=f"sqlite:///{tmp / 'bench.db'}", TRACIQO_DATA_DIR=str(tmp / "data"),
               TRACIQO_SECRET_KEY="bench", TRACIQO_LOG_LEVEL="INFO")
    env.update(extra)
    return env


def _run(argv: list[str], tmp: Path, env: dict[str, str]) -> str:
    done = subprocess.run(argv, cwd=tmp, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} failed ({done.returncode}):\n{done.stderr[-2000:]}")
    return done.stdout


def create_bench_workspace(tmp: Path, env: dict[str, str]) -> dict[str, Any]:
    """Through the public CLI: migrate, fixtures, the bench plan, `workspace create --json`."""
    cli = str(BIN / "traciqo-rpc")
    _run([cli, "migrate"], tmp, env)
    _run([cli, "fixtures"], tmp, env)
    _run([sys.executable, "-c", PLAN_SNIPPET], tmp, env)
    out = _run([cli, "workspace", "create", "--name", "bench", "--plan", BENCH_PLAN, "--json"], tmp, env)
    return json.loads(out.strip().splitlines()[-1])


@contextlib.contextmanager
def traciqo_server(cpu: int | None = None, **env_extra: str) -> Iterator[Workspace]:
    """A fresh database with an unlimited-rate workspace, served by `traciqo-rpc serve` (1 worker)."""
    with tempfile.TemporaryDirectory(prefix="traciqo-bench-") as tmp_name:
        tmp = Path(tmp_name)
        env = traciqo_env(tmp, **env_extra)
        created = create_bench_workspace(tmp, env)
        port = free_port()
        argv = pinned([str(BIN / "traciqo-rpc"), "serve", "--host", HOST, "--port", str(port)], cpu)
        with serve(argv, env, tmp, f"http://{HOST}:{port}/healthz") as pid:
            yield Workspace(f"http://{HOST}:{port}", created["live"]["api_key"], created["live"]["api_secret"], tmp,
                            pid)


@contextlib.contextmanager
def own_schema(database_url: str) -> Iterator[str]:
    """A PostgreSQL URL whose tables live in a new schema of that database, dropped afterwards:
    a benchmark that counts a table's rows starts from empty tables (no CREATEDB needed)."""
    import psycopg

    schema = f"traciqo_bench_{os.getpid()}_{int(time.time())}"
    with psycopg.connect(database_url, autocommit=True) as connection:
        connection.execute(f"CREATE SCHEMA {schema}")
    separator = "&" if "?" in database_url else "?"
    try:
        yield f"{database_url}{separator}options=-csearch_path%3D{schema}"
    finally:
        with psycopg.connect(database_url, autocommit=True) as connection:
            connection.execute(f"DROP SCHEMA {schema} CASCADE")


def refresh_planner_statistics(database_url: str) -> None:
    """ANALYZE a PostgreSQL database, as autovacuum does within a minute or two of a table's
    growth: measured before that, a table the planner last saw empty (the customers, in a fresh
    database) is read by whichever index comes first, e.g. a workspace's every customer walked
    for each new one."""
    import psycopg

    with psycopg.connect(database_url, autocommit=True) as connection:
        connection.execute("ANALYZE")


# -- the baseline server --------------------------------------------------------------------

BARE_APP = """
import datetime, os, sqlite3, threading
from starlette.applications import Starlette
from starlette.responses import JSONResponse
from starlette.routing import Route

async def pong(request):
    return JSONResponse({"message": "pong"})

# The least a durable write costs in a bare app: one row, its own commit, SQLite in WAL mode
# with the pragmas traciqo-rpc uses, one connection per worker thread, and writers queued on a
# lock (left to SQLite's busy handler they sleep in steps of milliseconds).
_local = threading.local()
_writer = threading.Lock()

def _connection():
    if not hasattr(_local, "db"):
        db = sqlite3.connect(os.path.join(os.path.dirname(__file__), "write.db"), isolation_level=None)
        for pragma in ("journal_mode=wal", "synchronous=normal", "busy_timeout=15000"):
            db.execute("PRAGMA " + pragma)
        db.execute("CREATE TABLE IF NOT EXISTS hit (id INTEGER PRIMARY KEY, code TEXT, at TEXT, ip TEXT)")
        _local.db = db
    return _local.db

def write(request):  # sync: Starlette runs it in its thread pool
    db = _connection()
    with _writer:
        db.execute("BEGIN IMMEDIATE")
        row = db.execute("INSERT INTO hit (code, at, ip) VALUES (?, ?, ?) RETURNING id",
                         (request.query_params.get("code"), datetime.datetime.utcnow().isoformat(),
                          request.client.host)).fetchone()
        db.execute("COMMIT")
    return JSONResponse({"message": {"id": row[0]}})

app = Starlette(routes=[Route("/pong", pong), Route("/write", write)])
"""

# The keyword arguments of `traciqo-rpc serve` (traciqo_rpc/cli.py, cmd_serve): one worker, no
# uvicorn access log, log level warning, proxy headers, and uvicorn's default loop and HTTP
# implementation ("auto": uvloop and httptools when installed), in the same interpreter.
BARE_SERVE = """
import sys, uvicorn
uvicorn.run(sys.argv[3], host=sys.argv[1], port=int(sys.argv[2]), workers=1, access_log=False,
            log_level="warning", proxy_headers=True)
"""


@dataclass(frozen=True)
class Served:
    url: str
    pid: int


@contextlib.contextmanager
def bare_server(cpu: int | None = None) -> Iterator[Served]:
    """The baseline: one Starlette JSON route under uvicorn with the same settings as `serve`."""
    with tempfile.TemporaryDirectory(prefix="traciqo-bench-bare-") as tmp_name:
        tmp = Path(tmp_name)
        (tmp / "bare_app.py").write_text(BARE_APP)
        port = free_port()
        argv = pinned([sys.executable, "-c", BARE_SERVE, HOST, str(port), "bare_app:app"], cpu)
        with serve(argv, dict(os.environ), tmp, f"http://{HOST}:{port}/pong") as pid:
            yield Served(f"http://{HOST}:{port}/pong", pid)


@contextlib.contextmanager
def floor_server(ws: Workspace, cpu: int | None = None) -> Iterator[Served]:
    """bench/floor_app.py on the traciqo server's own SQLite file, under the same uvicorn settings:
    a verification's or an activation's work with nothing of the framework around it."""
    import sqlite3

    database = ws.cwd / "bench.db"
    with contextlib.closing(sqlite3.connect(database)) as connection:
        (workspace_id,) = connection.execute("SELECT id FROM workspace WHERE name = 'bench'").fetchone()
    port = free_port()
    argv = pinned([sys.executable, "-c", BARE_SERVE, HOST, str(port), "bench.floor_app:app"], cpu)
    env = {**os.environ, "FLOOR_DATABASE": str(database), "FLOOR_WORKSPACE": str(workspace_id),
           "FLOOR_SECRET_KEY": traciqo_env(ws.cwd)["TRACIQO_SECRET_KEY"],  # to read the session cookie
           "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}  # the checkout, for `bench`
    with tempfile.TemporaryDirectory(prefix="traciqo-bench-floor-") as tmp_name:
        with serve(argv, env, Path(tmp_name), f"http://{HOST}:{port}/pong") as pid:
            yield Served(f"http://{HOST}:{port}", pid)


def uvicorn_implementation() -> str:
    """What uvicorn's "auto" picks in this interpreter, for the report."""
    def has(module: str) -> bool:
        try:
            __import__(module)
        except ImportError:
            return False
        return True

    import uvicorn

    loop = "uvloop" if has("uvloop") else "asyncio"
    http = "httptools" if has("httptools") else "h11"
    return f"uvicorn {uvicorn.__version__} ({loop}, {http})"


# -- Redis ----------------------------------------------------------------------------------

@contextlib.contextmanager
def private_redis(cpu: int | None = None) -> Iterator[str]:
    """A throw-away `redis-server` on loopback (no persistence), stopped when the block ends."""
    with tempfile.TemporaryDirectory(prefix="traciqo-bench-redis-") as tmp_name:
        port = free_port()
        argv = pinned(["redis-server", "--port", str(port), "--bind", HOST, "--daemonize", "no",
                       "--save", "", "--appendonly", "no", "--dir", tmp_name], cpu)

        def ping() -> bool:
            with socket.create_connection((HOST, port), timeout=1) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")

        with child(argv, dict(os.environ), Path(tmp_name), ping, f"redis-server on port {port}"):
            yield f"redis://{HOST}:{port}/0"


# -- load -----------------------------------------------------------------------------------

def generator_name(preferred: str = "auto") -> str:
    """"wrk" when installed (or asked for), else "python-asyncio"."""
    if preferred == "wrk" or (preferred == "auto" and shutil.which("wrk")):
        return "wrk"
    return "python-asyncio"


def load(url: str, headers: dict[str, str] | None = None, seconds: float = 5.0, connections: int = 16,
         paths: list[str] | None = None, method: str = "GET", cpu: int | None = None,
         generator: str = "auto", server_pid: int | None = None) -> Load:
    """Requests/s and latency of `method url` (or of `paths` on its host, in turn) for `seconds`;
    with `server_pid`, also that process's CPU time per request (steadier than requests/s on a
    machine whose speed drifts from one round to the next)."""
    _check_loopback(url)
    cpu_before = cpu_seconds(server_pid) if server_pid else 0.0
    if generator_name(generator) == "wrk":
        result = _wrk(url, headers or {}, seconds, connections, paths, method, cpu)
    else:
        with _affinity(cpu):
            result = _run_async(_python_load(url, headers or {}, seconds, connections, paths, method))
    if server_pid:
        requests = max(1.0, result.rps * seconds)
        result = replace(result, server_cpu_us=(cpu_seconds(server_pid) - cpu_before) / requests * 1e6)
    return result


def print_loads(results: dict[str, list[Load]]) -> tuple[dict[str, float], dict[str, float | None]]:
    """A line per target: median requests/s, latencies, failures and (when measured) the server's
    CPU per request; answers the medians of requests/s and of CPU per request."""
    rates, cpu = {}, {}
    for name, runs in results.items():
        rates[name] = statistics.median(r.rps for r in runs)
        cpu_runs = [r.server_cpu_us for r in runs if r.server_cpu_us is not None]
        cpu[name] = statistics.median(cpu_runs) if cpu_runs else None
        print(f"  {name:32} {rates[name]:>8,.0f} req/s  p50 {statistics.median(r.p50_ms for r in runs):6.2f} ms  "
              f"p99 {statistics.median(r.p99_ms for r in runs):6.2f} ms  non-2xx {sum(r.errors for r in runs)}"
              + (f"  server CPU {cpu[name]:4.0f} us/req" if cpu[name] is not None else ""))
    return rates, cpu


def _run_async(coroutine: Any) -> Any:
    """On uvloop when installed (a faster client), else asyncio's default loop."""
    try:
        import uvloop
    except ImportError:
        return asyncio.run(coroutine)
    loop = uvloop.new_event_loop()
    try:
        return loop.run_until_complete(coroutine)
    finally:
        loop.close()


@contextlib.contextmanager
def _affinity(cpu: int | None) -> Iterator[None]:
    """Run this process on `cpu` for the block (the in-process load generator)."""
    if cpu is None:
        yield
        return
    before = os.sched_getaffinity(0)
    os.sched_setaffinity(0, {cpu})
    try:
        yield
    finally:
        os.sched_setaffinity(0, before)


def _wrk(url: str, headers: dict[str, str], seconds: float, connections: int, paths: list[str] | None,
         method: str, cpu: int | None) -> Load:
    argv = ["wrk", "-t1", f"-c{connections}", f"-d{max(1, round(seconds))}s", "--latency", "--timeout", "5s"]
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
        out = subprocess.run(pinned(argv + [url], cpu), capture_output=True, text=True, check=True,
                             timeout=seconds + 30).stdout
    finally:
        if script:
            os.unlink(script.name)
    return parse_wrk(out)


def parse_wrk(out: str) -> Load:
    """Requests/sec, the 50% and 99% lines of --latency, non-2xx responses and socket errors."""
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    errors = sum(int(n) for n in re.findall(r"Non-2xx or 3xx responses: (\d+)", out))
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    if socket_errors:
        errors += sum(int(n) for n in socket_errors.groups())
    return Load(rps, _wrk_ms(out, "50%"), _wrk_ms(out, "99%"), errors)


def _wrk_ms(out: str, percentile: str) -> float:
    value, unit = re.search(rf"{re.escape(percentile)}\s+([\d.]+)(us|ms|s)\b", out).groups()
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def _percentile(ordered: list[float], fraction: float) -> float:
    return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))] if ordered else float("nan")


async def _python_load(url: str, headers: dict[str, str], seconds: float, connections: int,
                       paths: list[str] | None, method: str) -> Load:
    """Keep-alive HTTP/1.1 clients in one event loop; enough to compare two servers alike.

    One Python process tops out near 10-15k requests/s, so against a faster server it measures
    itself: the report names the generator, and wrk is the one to trust for the baseline.
    """
    import itertools

    parts = urlsplit(url)
    default_path = parts.path + (f"?{parts.query}" if parts.query else "")
    extra = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
    latencies: list[float] = []
    errors = 0
    deadline = time.monotonic() + seconds
    turns = itertools.cycle(paths or [default_path])

    async def one(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, path: str) -> bool:
        writer.write(f"{method} {path} HTTP/1.1\r\nHost: {parts.netloc}\r\n{extra}"
                     "Content-Length: 0\r\n\r\n".encode())
        head = await reader.readuntil(b"\r\n\r\n")
        length = re.search(rb"(?im)^content-length:\s*(\d+)", head)
        await reader.readexactly(int(length.group(1)) if length else 0)
        return head[9:10] == b"2"  # "HTTP/1.1 200 ..."

    async def client() -> None:
        nonlocal errors
        while time.monotonic() < deadline:
            try:
                reader, writer = await asyncio.open_connection(parts.hostname, parts.port)
            except OSError:
                errors += 1
                await asyncio.sleep(0.01)
                continue
            try:
                while time.monotonic() < deadline:
                    started = time.perf_counter()
                    ok = await one(reader, writer, next(turns))
                    latencies.append((time.perf_counter() - started) * 1000)
                    errors += not ok
            except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError):
                errors += 1  # the server closed the connection: open another
            finally:
                writer.close()

    started = time.monotonic()
    await asyncio.gather(*(client() for _ in range(connections)))
    elapsed = time.monotonic() - started
    latencies.sort()
    return Load(len(latencies) / elapsed, statistics.median(latencies) if latencies else float("nan"),
                _percentile(latencies, 0.99), errors)


# -- the report -----------------------------------------------------------------------------

def machine() -> str:
    cpu = "unknown CPU"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    return f"{os.cpu_count()} cores, {cpu}, Python {sys.version.split()[0]}, {time.strftime('%Y-%m-%d')}"
