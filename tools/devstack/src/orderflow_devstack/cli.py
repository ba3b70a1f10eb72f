"""`orderflow`: the developer's entry point.

orderflow infra up      broker, PostgreSQL (one database per service), SMTP, topics; prints settings
orderflow run           all of it plus the five services and simulated partners, on a live screen

The benchmarks have their own command, `orderflow-bench` (bench/).
"""

import argparse
import asyncio
import contextlib
import signal
import sys
import time
from pathlib import Path

from orderflow_contracts.setup import SellerSetup
from orderflow_runtime.logs import configure_logging
from orderflow_simulators.bus import PartnerBus
from orderflow_simulators.partners import Carrier, Marketplace, TrackingDesk, Warehouse
from rich.console import Console
from rich.live import Live

from orderflow_devstack import screen
from orderflow_devstack.console import ConsoleProcess
from orderflow_devstack.keys import DemoKeys, create_demo_keys
from orderflow_devstack.observer import Observer
from orderflow_devstack.processes import ServiceProcesses
from orderflow_devstack.readiness import routing_sees_stock
from orderflow_devstack.stack import DEMO_SELLER_SETUP, SERVICES, EmbeddedStack, Endpoints

RUN_DIR = Path(".orderflow")
LOG_DIR = RUN_DIR / "logs"
console = Console()


def _stop_event() -> asyncio.Event:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    return stop


async def infra_up(partitions: int) -> int:
    stop = _stop_event()
    stack = EmbeddedStack(SellerSetup.load(DEMO_SELLER_SETUP), partitions, LOG_DIR)
    try:
        endpoints = await stack.start()
        console.print("[bold]orderflow infrastructure is up[/] — Ctrl-C stops it. Settings:")
        for service in SERVICES:
            for name, value in endpoints.service_env(service, DEMO_SELLER_SETUP).items():
                print(f"export {name}={value}")
        await stop.wait()
    finally:
        stack.stop()
    return 0


def _print_addresses(
    endpoints: Endpoints, services: ServiceProcesses, console_url: str, keys: DemoKeys
) -> None:
    console.print(f"Kafka {endpoints.bootstrap_servers}  PostgreSQL {endpoints.postgres_url}")
    console.print(
        "HTTP APIs: "
        + "  ".join(f"{name} http://127.0.0.1:{port}" for name, port in services.http_ports.items())
    )
    console.print(f"[bold]operators' console {console_url}[/]")
    console.print(_keys_line(keys), soft_wrap=True)


def _keys_line(keys: DemoKeys) -> str:
    return (
        f"API keys (admin, operator, reader) in {keys.keys_text};"
        f" operator's key: {keys.operator_key}"
    )


async def run_system(seconds: float, rate: float, partitions: int, stock: int) -> int:
    stop = _stop_event()
    setup = SellerSetup.load(DEMO_SELLER_SETUP)
    stack = EmbeddedStack(setup, partitions, LOG_DIR)
    console.print(f"starting broker, PostgreSQL and SMTP; service logs go to {LOG_DIR}/")
    try:
        endpoints = await stack.start()
    except BaseException:
        stack.stop()
        raise
    keys = create_demo_keys(RUN_DIR)
    services = ServiceProcesses(endpoints, DEMO_SELLER_SETUP, LOG_DIR, api_keys_file=keys.keys_file)
    services.start()
    buses = [
        PartnerBus(
            endpoints.bootstrap_servers,
            f"sim.{name}",
            session_timeout_ms=3000,
            fetch_max_wait_ms=50,
        )
        for name in ("marketplace", "warehouse", "carrier")
    ]
    observer = Observer(endpoints.bootstrap_servers)
    tasks: list[asyncio.Task[None]] = []
    elapsed = 0.0
    web: ConsoleProcess | None = None
    try:
        for bus in buses:
            await bus.start()
        console.print("waiting for the five services to join their consumer groups …")
        not_ready = await services.wait_until_ready()
        if not_ready:
            console.print(
                f"[red]not ready: {', '.join(not_ready)}[/] — see {LOG_DIR}/<service>.log"
            )
            return 1
        web = ConsoleProcess(
            endpoints.bootstrap_servers, services.http_ports, LOG_DIR, keys.keys_file
        )
        web.start()
        _print_addresses(endpoints, services, web.url, keys)
        warehouse = Warehouse(buses[1], setup)
        await warehouse.receive_stock(stock)
        console.print("opening stock sent; waiting until routing's stock replica holds it …")
        if not await routing_sees_stock(endpoints.bootstrap_servers, len(setup.products)):
            console.print(f"[red]routing never saw the opening stock[/] — see {LOG_DIR}/")
            return 1
        started = time.monotonic()
        partners = [
            Marketplace(buses[0], setup, rate).run(),
            TrackingDesk(buses[0]).run(),
            warehouse.run(),
            # 3% of parcels 30 s late, slower than their lane's p90: delay forecasts have work.
            Carrier(buses[2], late_share=0.03, late_s=30.0).run(),
            observer.run(),
        ]
        tasks = [asyncio.create_task(partner) for partner in partners]
        elapsed = await _show(observer, services, stop, started, seconds, web.url, _keys_line(keys))
    finally:
        if web is not None:
            web.stop()
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        for bus in buses:
            await bus.stop()
        services.stop()
        stack.stop()
    console.line()
    console.print(screen.summary(observer.journey, elapsed))
    if restarted := {name: count for name, count in services.restarts.items() if count}:
        console.print(
            "restarted after dying: "
            + ", ".join(f"{name} {count}x" for name, count in restarted.items())
            + f" (see {LOG_DIR}/<service>.log)"
        )
    return 0 if observer.journey.delivered else 1


async def _show(
    observer: Observer,
    services: ServiceProcesses,
    stop: asyncio.Event,
    started: float,
    seconds: float,
    console_url: str,
    keys_line: str,
) -> float:
    """Refresh the screen every second until Ctrl-C or `seconds`; returns the time shown."""
    with Live(console=console, refresh_per_second=2) as live:
        while True:
            elapsed = time.monotonic() - started
            services.supervise()
            live.update(
                screen.render(
                    observer.journey,
                    elapsed,
                    services.status(),
                    console_url,
                    keys_line,
                    {
                        name: f"http://127.0.0.1:{port}"
                        for name, port in services.http_ports.items()
                    },
                )
            )
            if stop.is_set() or (seconds and elapsed >= seconds):
                return elapsed
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(1.0):
                    await stop.wait()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="orderflow", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    commands = parser.add_subparsers(dest="command", required=True)
    infra = commands.add_parser("infra", help="the embedded broker, PostgreSQL and SMTP")
    infra.add_argument("action", choices=["up"])
    infra.add_argument("--partitions", type=int, default=6)
    run = commands.add_parser(
        "run", help="the whole system with simulated partners and a live screen"
    )
    run.add_argument(
        "--seconds", type=float, default=0, help="stop after this long (0: until Ctrl-C)"
    )
    run.add_argument("--rate", type=float, default=20, help="marketplace orders per second")
    run.add_argument("--partitions", type=int, default=6)
    run.add_argument("--stock", type=int, default=5000, help="opening units per SKU per location")
    args = parser.parse_args(argv)
    configure_logging("console", "WARNING")
    if args.command == "infra":
        sys.exit(asyncio.run(infra_up(args.partitions)))
    sys.exit(asyncio.run(run_system(args.seconds, args.rate, args.partitions, args.stock)))
