"""A real HTTP receiver on loopback for webhook tests: scripted answers, every request kept."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    url: str
    requests: list[Received] = field(default_factory=list)
    # (status, extra headers) answered in turn; the last one repeats.
    script: list[tuple[int, dict[str, str]]] = field(default_factory=lambda: [(200, {})])
    # Seconds to wait before answering, request by request (then none).
    delays: list[float] = field(default_factory=list)


@contextlib.contextmanager
def receiver(host: str = "127.0.0.1", port: int = 0) -> Iterator[Receiver]:
    state = Receiver(url="")
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - http.server's name
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            with lock:
                state.requests.append(Received(self.path, {k.lower(): v for k, v in self.headers.items()}, body))
                status, headers = state.script[0] if len(state.script) == 1 else state.script.pop(0)
                delay = state.delays.pop(0) if state.delays else 0.0
            time.sleep(delay)
            # A sender that timed out has hung up; answering it is moot, not an error to print.
            with contextlib.suppress(ConnectionError):
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer((host, port), Handler)
    state.url = f"http://{host}:{server.server_port}/hook"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
