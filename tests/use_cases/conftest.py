"""Each service's subscriptions driven without a broker, on its own migrated database, in a
transaction rolled back after the test (orderflow_testing.use_cases says why a real database)."""

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, TypeVar

import asyncpg
import pytest
from orderflow_contracts.intake import OrderAccepted
from orderflow_contracts.order import Address, CanonicalOrder, Customer, OrderLine
from orderflow_contracts.routing import PlannedShipment, ShipmentsPlanned
from orderflow_runtime import ServiceSettings
from orderflow_testing.use_cases import DrivenService, MigratedDatabases, driven_service

from tests.conftest import SELLER_SETUP_FILE, seller_setup

S = TypeVar("S", bound=ServiceSettings)


def settings(settings_type: type[S], **overrides: Any) -> S:
    """A service's settings when driven here: it opens no pool and no Kafka client of its own,
    so those two are never used."""
    return settings_type(
        database_url="postgresql://driven-without-a-pool",
        kafka_bootstrap_servers="driven-without-kafka:9092",
        **overrides,
    )


def accepted(
    order_id: str,
    *lines: tuple[str, int],
    country: str = "US",
    channel: str = "shopify",
    email: str = "",
    language: str = "en",
) -> OrderAccepted:
    return OrderAccepted(
        order=CanonicalOrder(
            order_id=order_id,
            channel=channel,
            external_id=f"ext-{order_id}",
            customer=Customer(name="Lin", email=email, language=language),
            ship_to=Address(name="Lin", line1="1 Main St", city="Town", country=country),
            lines=tuple(
                OrderLine(sku=sku, quantity=quantity, unit_price=Decimal("10.00"))
                for sku, quantity in lines or [("MUG-RED", 1)]
            ),
            placed_at=datetime(2026, 12, 1, 9, 0, tzinfo=UTC),
        )
    )


def planned(
    order_id: str,
    *shipments: tuple[str, str, int],
    channel: str = "shopify",
    attempt: int = 1,
    placed_at: datetime | None = None,
    ship_by: datetime | None = None,
) -> ShipmentsPlanned:
    """A plan of one shipment per (location, SKU, quantity), as routing would emit it."""
    return ShipmentsPlanned(
        order_id=order_id,
        channel=channel,
        external_id=f"ext-{order_id}",
        attempt=attempt,
        ship_to=Address(name="Lin", line1="1 Main St", city="Town", country="US"),
        shipments=tuple(
            PlannedShipment(
                shipment_id=f"{order_id}-{location}",
                location_id=location,
                carrier="usps",
                service="ground-advantage",
                cost="5.90",
                lines=(OrderLine(sku=sku, quantity=quantity),),
            )
            for location, sku, quantity in shipments
        ),
        placed_at=placed_at,
        ship_by=ship_by,
    )


@pytest.fixture
async def routing(migrated_databases: MigratedDatabases) -> AsyncIterator[DrivenService]:
    from orderflow_routing import app, store
    from orderflow_routing.config import Settings

    async def load_network(conn: asyncpg.Connection) -> None:
        await store.load_network(conn, seller_setup())

    spec = app.create_spec(settings(Settings, seller_setup_file=str(SELLER_SETUP_FILE)))
    async with driven_service(migrated_databases, spec, load_network) as service:
        yield service


@pytest.fixture
async def fulfillment(migrated_databases: MigratedDatabases) -> AsyncIterator[DrivenService]:
    from orderflow_fulfillment import app
    from orderflow_fulfillment.config import Settings

    async with driven_service(migrated_databases, app.create_spec(settings(Settings))) as service:
        yield service


@pytest.fixture
async def notifications(migrated_databases: MigratedDatabases) -> AsyncIterator[DrivenService]:
    from orderflow_notifications import app
    from orderflow_notifications.config import Settings

    async with driven_service(migrated_databases, app.create_spec(settings(Settings))) as service:
        yield service


@pytest.fixture
async def inventory(migrated_databases: MigratedDatabases) -> AsyncIterator[DrivenService]:
    from orderflow_inventory import app, store
    from orderflow_inventory.config import Settings

    async def load_setup(conn: asyncpg.Connection) -> None:
        await store.catalog.load_setup(conn, seller_setup())

    spec = app.create_spec(settings(Settings, seller_setup_file=str(SELLER_SETUP_FILE)))
    async with driven_service(migrated_databases, spec, load_setup) as service:
        yield service


@pytest.fixture
async def intake(migrated_databases: MigratedDatabases) -> AsyncIterator[DrivenService]:
    from orderflow_intake import app, store
    from orderflow_intake.config import Settings

    async def load_listings(conn: asyncpg.Connection) -> None:
        await store.load_listings(conn, seller_setup().listings)

    spec = app.create_spec(settings(Settings, seller_setup_file=str(SELLER_SETUP_FILE)))
    async with driven_service(migrated_databases, spec, load_listings) as service:
        yield service
