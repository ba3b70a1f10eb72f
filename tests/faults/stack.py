"""All five services and the simulated warehouse and carrier in one test's namespace, driven
with one-unit Shopify orders; the services run in-process, or as OS processes for faults."""

import asyncio
import contextlib
import itertools
from pathlib import Path
from typing import Any

from aiokafka import AIOKafkaConsumer
from aiokafka.admin import AIOKafkaAdminClient
from orderflow_contracts import topics
from orderflow_contracts.marketplace import MarketplaceOrderPublished
from orderflow_contracts.warehouse import StockReceived
from orderflow_devstack.stack import Endpoints
from orderflow_embedded import SmtpSink
from orderflow_intake.domain import order_id_for
from orderflow_runtime.kafka import UNHURRIED_SUFFIX
from orderflow_simulators import payloads
from orderflow_simulators.bus import PartnerBus
from orderflow_simulators.partners import Carrier, Warehouse
from orderflow_testing.system import TestSystem, eventually

from tests.conftest import SELLER_SETUP_FILE, SERVICES, seller_setup, start_service
from tests.faults.checker import PlacedOrder, check
from tests.faults.own import OwnInfrastructure
from tests.faults.processes import NamespacedProcesses
from tests.faults.report import Report

LOCATION = "us-ontario"
SKUS = ("MUG-RED", "MUG-BLUE", "LAMP-DESK", "CASE-IP15", "CABLE-USBC", "TOWEL-BATH")
UNITS_PER_SKU = 10_000


class FaultStack:
    def __init__(
        self,
        system: TestSystem,
        smtp: SmtpSink,
        log_dir: Path,
        own: OwnInfrastructure | None = None,
    ) -> None:
        self.system = system
        self.own = own  # the broker and PostgreSQL are the test's own, to fault
        self.smtp = smtp
        self.log_dir = log_dir
        self.orders: list[PlacedOrder] = []
        self.stock_received = {(sku, LOCATION): UNITS_PER_SKU for sku in SKUS}
        self.processes: NamespacedProcesses | None = None
        self._partners: list[asyncio.Task[Any]] = []
        self._supervisor: asyncio.Task[None] | None = None
        self._numbers = itertools.count(1)
        self._marketplace: PartnerBus | None = None

    async def start(self, *, as_processes: bool, settings: dict[str, str] | None = None) -> None:
        """`settings`: every service's, by name without its prefix (CLUSTER_CHECK_INTERVAL_S)."""
        await self.create_topics()
        if as_processes:
            await self._start_processes(settings or {})
        else:
            for name in SERVICES:
                overrides = {"smtp_port": self.smtp.port} if name == "notifications" else {}
                await start_service(self.system, name, **overrides)
        await self._start_partners()
        await self._receive_stock()

    async def _start_partners(self) -> None:
        warehouse = Warehouse(await self.system.bus("warehouse"), seller_setup())
        carrier = Carrier(await self.system.bus("carrier"))
        self._partners = [
            asyncio.create_task(warehouse.run()),
            asyncio.create_task(carrier.run()),
        ]

    async def replace_broker(self) -> None:
        """The test's own broker lost with its data, a new empty one in its place, and the
        topics created again (as an operator or the deploy does on a new cluster). The simulated
        partners stop before and start after, in their same groups, as partners reconnecting to
        a new cluster: left running, the warehouse, which subscribes by pattern, saw the
        re-created topics only at its next metadata refresh (aiokafka's metadata_max_age_ms,
        5 min; it picked nothing for ~5 min in a soak), and cancelling them after the
        replacement hung twice in the soak."""
        assert self.own is not None
        await self._stop_partners()
        await self.own.replace_broker()
        await self.create_topics()
        await self._start_partners()

    async def _stop_partners(self) -> None:
        for task in self._partners:
            task.cancel()
        await asyncio.gather(*self._partners, return_exceptions=True)
        self._partners = []

    async def create_topics(self) -> None:
        """Every topic of the demo seller (again, on a broker that lost them)."""
        locations = [location.location_id for location in seller_setup().locations]
        await self.system.create_topics(locations)

    async def _start_processes(self, settings: dict[str, str]) -> None:
        infrastructure = self.system.infrastructure
        self.processes = NamespacedProcesses(
            endpoints=Endpoints(
                infrastructure.bootstrap_servers, infrastructure.postgres_url, self.smtp.port
            ),
            seller_setup_file=SELLER_SETUP_FILE,
            log_dir=self.log_dir,
            log_format="json",
            topic_prefix=self.system.prefix,
            database_urls={name: await self.system.database_url(name) for name in SERVICES},
            settings=settings,
        )
        self.processes.start()
        self.resume_supervision()
        not_ready = await self.processes.wait_until_ready(timeout_s=120)
        assert not not_ready, f"not ready: {not_ready}; see {self.log_dir}"

    def resume_supervision(self) -> None:
        assert self.processes is not None
        self._supervisor = asyncio.create_task(self.processes.supervise_forever())

    async def pause_supervision(self) -> None:
        if self._supervisor is not None:
            self._supervisor.cancel()
            await asyncio.gather(self._supervisor, return_exceptions=True)
            self._supervisor = None

    async def _receive_stock(self) -> None:
        partners = await self.system.bus("stock")
        for (sku, location), units in self.stock_received.items():
            await partners.publish(
                topics.WAREHOUSE_STOCK,
                sku,
                StockReceived(sku=sku, location_id=location, quantity=units, reference="opening"),
            )
        await partners.flush()
        routing = await self.system.db("routing")
        await eventually(
            lambda: routing.fetchval("SELECT count(*) = $1 FROM stock_replica", len(SKUS)),
            timeout_s=60,
        )

    async def place(self, count: int) -> list[PlacedOrder]:
        """`count` one-unit orders, SKUs in turn, each from its own buyer (one buyer's many
        orders would be held as probable duplicates)."""
        if self._marketplace is None:
            self._marketplace = await self.system.bus("marketplace")
        marketplace = self._marketplace
        placed = []
        for _ in range(count):
            n = next(self._numbers)
            sku = SKUS[n % len(SKUS)]
            order = payloads.shopify_order(n, [(sku, 1)], email=f"buyer-{n}@example.com")
            external_id = str(order["id"])
            await marketplace.publish(
                topics.MARKETPLACE_ORDERS,
                topics.channel_order_key("shopify", external_id),
                MarketplaceOrderPublished(channel="shopify", payload=order),
            )
            placed.append(PlacedOrder(order_id_for("shopify", external_id), sku))
        await marketplace.flush()
        self.orders += placed
        return placed

    async def inbox_count(self, service: str) -> int:
        return int(await (await self.system.db(service)).fetchval("SELECT count(*) FROM inbox"))

    async def delivered_and_told(self) -> int:
        """Orders told both their e-mails (the last step of every order here)."""
        notifications = await self.system.db("notifications")
        return int(
            await notifications.fetchval(
                "SELECT count(*) FROM (SELECT order_id FROM notifications WHERE status = 'sent'"
                " GROUP BY order_id HAVING count(*) = 2) AS told"
            )
        )

    async def settle(self, timeout_s: float = 120) -> Report:
        """Wait until every order is told (or the timeout), then until nothing is in flight:
        outboxes sent and every service's group caught up. Then check."""
        await self.reconnect()
        with contextlib.suppress(AssertionError):
            await eventually(self._all_told, timeout_s=timeout_s, interval_s=0.5)
        await eventually(self._quiet, timeout_s=60, interval_s=0.5)
        await eventually(self._quiet, timeout_s=60, interval_s=0.5)  # twice: nothing came back
        return await self.report()

    async def reconnect(self) -> None:
        """New connections for the test's own pools, whose old ones PostgreSQL may have cut."""
        for service in SERVICES:
            await (await self.system.db(service)).expire_connections()

    async def _all_told(self) -> bool:
        """Every order told both e-mails, or left in doubt by a sender that died or lost its
        database mid-send (never sent again: the checker counts those apart)."""
        notifications = await self.system.db("notifications")
        told = await notifications.fetchval(
            "SELECT count(*) FROM (SELECT order_id FROM notifications"
            " WHERE status IN ('sent', 'sending', 'unconfirmed')"
            " GROUP BY order_id HAVING count(*) = 2) AS told"
        )
        return int(told) >= len(self.orders)

    async def report(self) -> Report:
        return await check(
            self.system,
            self.smtp,
            self.orders,
            self.stock_received,
            self.log_dir if self.processes else None,
        )

    async def _quiet(self) -> bool:
        for name in SERVICES:
            database = await self.system.db(name)
            if await database.fetchval("SELECT count(*) FROM outbox WHERE sent_at IS NULL"):
                return False
        notifications = await self.system.db("notifications")
        if await notifications.fetchval(
            "SELECT count(*) FROM notifications WHERE status = 'sending'"
            " AND sending_since > now() - interval '5 seconds'"
        ):
            return False  # a round under way (one left 'sending' longer has lost its sender)
        return await consumer_lag(self.system, await service_groups(self.system)) == 0

    async def stop(self) -> None:
        await self.pause_supervision()
        await self._stop_partners()
        if self.processes is not None:
            await asyncio.to_thread(self.processes.stop_all)


async def service_groups(system: TestSystem) -> list[str]:
    """The services' consumer groups: each service's own, and the one of its unhurried topics
    (ServiceSpec.unhurried) where it has them; not the partners'."""
    admin = AIOKafkaAdminClient(bootstrap_servers=system.infrastructure.bootstrap_servers)
    await admin.start()
    try:
        listed = [entry[0] for entry in await admin.list_consumer_groups()]
    finally:
        await admin.close()
    return sorted(
        group
        for group in listed
        if group.startswith(system.prefix)
        and group.removeprefix(system.prefix).removesuffix(UNHURRIED_SUFFIX) in SERVICES
    )


async def consumer_lag(system: TestSystem, groups: list[str]) -> int:
    """Records on the partitions each group has committed to that it has not yet committed."""
    servers = system.infrastructure.bootstrap_servers
    admin = AIOKafkaAdminClient(bootstrap_servers=servers)
    consumer = AIOKafkaConsumer(bootstrap_servers=servers)
    await admin.start()
    await consumer.start()
    try:
        lag = 0
        for group in groups:
            committed = await admin.list_consumer_group_offsets(group)
            if not committed:
                continue
            ends = await consumer.end_offsets(list(committed))
            lag += sum(max(ends[tp] - meta.offset, 0) for tp, meta in committed.items())
        return lag
    finally:
        await consumer.stop()
        await admin.close()
