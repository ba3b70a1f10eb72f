import ctypes
import random
import signal
import socket
import subprocess
import time
from collections.abc import Callable

_LISTENING_PORTS = range(20_000, 32_768)  # below Linux's ephemeral range, 32768-60999
_handed_out: set[int] = set()


def free_port() -> int:
    """A port for a child to listen on. Not one the kernel picks for port 0: those come from the
    range it also gives outgoing connections as source ports, and a connection made before the
    child binds can take it (seen in the bench: a service died with "address already in use")."""
    for _ in range(1_000):
        port = random.choice(_LISTENING_PORTS)
        if port in _handed_out:
            continue
        with socket.socket() as probe:
            try:
                probe.bind(("0.0.0.0", port))
            except OSError:
                continue
        _handed_out.add(port)
        return port
    raise RuntimeError("no free port between 20000 and 32767")


def wait_for_port(port: int, timeout_s: float, is_alive: Callable[[], bool]) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if not is_alive():
            raise RuntimeError(f"process listening on {port} exited during start")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.02)
    raise TimeoutError(f"nothing listens on 127.0.0.1:{port} after {timeout_s}s")


def stop_child(process: subprocess.Popen[bytes] | None, timeout_s: float) -> None:
    """SIGTERM, then SIGKILL if it has not exited within `timeout_s`."""
    if process is None or process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout_s)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


_PR_SET_PDEATHSIG = 1
# Resolved here, in the parent: the forked child must not load libraries before exec.
_prctl = ctypes.CDLL(None, use_errno=True).prctl


def die_with_parent() -> None:
    """For Popen(preexec_fn=...): Linux sends SIGTERM to the child when its parent dies, so a
    killed test run or dev stack leaves no broker, PostgreSQL or service behind."""
    _prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
