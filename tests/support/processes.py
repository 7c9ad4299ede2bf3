"""Running `traciqo-rpc` commands as their own processes, as an operator would."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

SCRIPT = shutil.which("traciqo-rpc", path=str(Path(sys.executable).parent)) or "traciqo-rpc"


def command_env(**variables: str) -> dict[str, str]:
    """This environment without the caller's TRACIQO_* settings, plus `variables`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRACIQO_")}
    env.update(variables)
    return env


def stop(process: subprocess.Popen, group: bool = False, timeout: float = 15) -> None:
    """Ask the process (or its process group) to stop; kill it if it has not within `timeout`."""
    def signal_it(signum: int) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signum) if group else process.send_signal(signum)

    signal_it(signal.SIGTERM)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        signal_it(signal.SIGKILL)
        process.wait(timeout=10)


def wait_until(predicate: Callable[[], object], timeout: float, what: str) -> None:
    """Poll `predicate` every 0.1 s until it holds; fail naming `what` after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not within {timeout} s")
        time.sleep(0.1)
