"""`orderflow-inventory` runs the service; `orderflow-inventory reconcile` proves that the
ledger's replay equals the balances (exit 1, with the differences, if it does not)."""

import argparse
import asyncio
import json
import sys
from typing import Any

import asyncpg
from orderflow_runtime import run

from orderflow_inventory import store
from orderflow_inventory.app import create_spec
from orderflow_inventory.config import Settings


async def reconcile(database_url: str) -> dict[str, Any]:
    conn = await asyncpg.connect(database_url)
    try:
        differences = await store.ledger.reconcile(conn)
    finally:
        await conn.close()
    return {"balanced": not differences, "differences": differences}


def main() -> None:
    parser = argparse.ArgumentParser(prog="orderflow-inventory")
    parser.add_argument("command", nargs="?", choices=["serve", "reconcile"], default="serve")
    command = parser.parse_args().command
    settings = Settings()
    if command == "reconcile":
        report = asyncio.run(reconcile(settings.database_url))
        print(json.dumps(report, indent=2, default=str))
        sys.exit(0 if report["balanced"] else 1)
    run(create_spec(settings), settings)


if __name__ == "__main__":
    main()
