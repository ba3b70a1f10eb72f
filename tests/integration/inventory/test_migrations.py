"""inventory's migrations on real PostgreSQL, over data written by the code that ran before them."""

from importlib.resources import files

import asyncpg
import pytest
from orderflow_inventory.store import ledger
from orderflow_testing.system import TestSystem

pytestmark = pytest.mark.integration

LEDGER_IN_DELTAS = "003_catalog_ledger_policies.sql"


def migrations() -> list[tuple[str, str]]:
    folder = files("orderflow_inventory").joinpath("migrations")
    found = [(entry.name, entry.read_text()) for entry in folder.iterdir()]
    return sorted((name, sql) for name, sql in found if name.endswith(".sql"))


async def migrate(conn: asyncpg.Connection, *, before: str | None = None, since: str = "") -> None:
    for name, sql in migrations():
        if since <= name and (before is None or name < before):
            await conn.execute(sql)


async def write_history_as_before_the_ledger_had_deltas(conn: asyncpg.Connection) -> None:
    """What the code of 001 and 002 wrote: 10 received; order-1 reserves 2 and ships them;
    order-2 reserves 3, is cancelled (its line released), and its goods ship anyway."""
    await conn.execute(
        "INSERT INTO stock (sku, location_id, on_hand, reserved) VALUES ('MUG-RED', 'us', 5, 0);"
        "INSERT INTO reservations (order_id, attempt, status) VALUES"
        " ('order-1', 1, 'committed'), ('order-2', 1, 'released');"
        "INSERT INTO reservation_lines"
        " (order_id, shipment_id, sku, location_id, quantity, committed, released) VALUES"
        " ('order-1', 'order-1-1', 'MUG-RED', 'us', 2, true, false),"
        " ('order-2', 'order-2-1', 'MUG-RED', 'us', 3, true, true);"
        "INSERT INTO movements (sku, location_id, kind, quantity, reference) VALUES"
        " ('MUG-RED', 'us', 'receipt', 10, 'GRN-1'),"
        " ('MUG-RED', 'us', 'reservation', 2, 'order-1'),"
        " ('MUG-RED', 'us', 'commit', -2, 'order-1-1'),"
        " ('MUG-RED', 'us', 'reservation', 3, 'order-2'),"
        " ('MUG-RED', 'us', 'release', 3, 'order-2'),"
        " ('MUG-RED', 'us', 'commit', -3, 'order-2-1')"
    )


async def test_commits_written_before_the_ledger_had_deltas_replay_to_the_balances(
    system: TestSystem,
) -> None:
    conn = await asyncpg.connect(await system.database_url("inventory"))
    try:
        await migrate(conn, before=LEDGER_IN_DELTAS)
        await write_history_as_before_the_ledger_had_deltas(conn)
        await migrate(conn, since=LEDGER_IN_DELTAS)

        commits = await conn.fetch(
            "SELECT reference, on_hand_delta, reserved_delta FROM movements"
            " WHERE kind = 'commit' ORDER BY id"
        )
        differences = await ledger.reconcile(conn)
    finally:
        await conn.close()
    assert [tuple(row) for row in commits] == [("order-1-1", -2, -2), ("order-2-1", -3, 0)]
    assert differences == []
