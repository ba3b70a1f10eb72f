"""The customer's inbox for the lifecycle case, in a process of its own. The stack's SMTP sink
runs as a thread of the bench process, where it shares the GIL with the drivers, the watches
and the simulated partners: every SMTP round trip then waits for the interpreter, and the sink,
not the system, sets the pace of the e-mails. Same sink, same port, own process, and it neither
parses nor keeps the mail (the case counts what notifications reports as sent)."""

import subprocess
import sys

from orderflow_embedded.children import die_with_parent, stop_child, wait_for_port

from orderflow_devstack.bench.system import System

_SERVE = (
    "import sys, threading\n"
    "from orderflow_embedded import SmtpSink\n"
    "SmtpSink(int(sys.argv[1]), keep=False).start()\n"
    "threading.Event().wait()\n"
)


def move_inbox_out(system: System) -> None:
    """Once per system: stop the in-process sink and serve its port from a child process."""
    if "smtp" in system.extra_pids:
        return
    port = system.endpoints.smtp_port
    system.stack.smtp.stop()
    child = subprocess.Popen(
        [sys.executable, "-c", _SERVE, str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        preexec_fn=die_with_parent,
    )
    system.closers.append(lambda: stop_child(child, 5))
    wait_for_port(port, 20, lambda: child.poll() is None)
    system.extra_pids["smtp"] = child.pid
