"""Shipments against their ship-by, the alert list issue 17 asks for at 50, 80 and 100 % of the
time from placement to ship-by: fulfillment's GET /shipments/at-risk (from 50 %) and
/shipments/late as one list, late first, each shipment once in the band it reached, with its
marketplace, ship-by (derived or the marketplace's), the share of its time used and a link to
its order's timeline; and that marketplace's on-time ship rate and order-to-ship time."""

import asyncio
from typing import Any

from orderflow_console.proxy import Upstreams

Json = Any
# The alert bands, highest first: a shipment is in the first one its share reached.
BANDS = (("late", 100), ("80 %", 80), ("50 %", 50))
FIRST_ALERT = BANDS[-1][1]


def band_of(percent_used: int, *, late: bool) -> str:
    """Late only as fulfillment's late list says (past its ship-by): 99.6 % rounds to 100."""
    if late:
        return "late"
    return "80 %" if percent_used >= 80 else "50 %"


def _row(shipment: Json, *, late: bool) -> dict[str, Any]:
    return {
        "shipment_id": shipment["shipment_id"],
        "order_id": shipment["order_id"],
        "channel": shipment["channel"],
        "location_id": shipment["location_id"],
        "status": shipment["status"],
        "placed_at": shipment["placed_at"],
        "ship_by": shipment["ship_by"],
        "ship_by_derived": shipment.get("ship_by_derived", False),
        "percent_used": shipment["percent_used"],
        "band": band_of(shipment["percent_used"], late=late),
        "timeline": f"#/order/{shipment['order_id']}",
    }


def rows_of(at_risk: list[Json], late: list[Json]) -> list[dict[str, Any]]:
    """Late first, then at risk; the most of its time used first in each."""
    late_ids = {shipment["shipment_id"] for shipment in late}
    rows = [_row(shipment, late=True) for shipment in late] + [
        _row(shipment, late=False)
        for shipment in at_risk
        if shipment["shipment_id"] not in late_ids
    ]
    return sorted(rows, key=lambda row: (row["band"] != "late", -row["percent_used"]))


async def fetch(upstreams: Upstreams, channel: str | None) -> dict[str, Any]:
    """The alert list, and the same marketplace's shipping KPIs (fulfillment's /kpis: on-time
    ship rate, order-to-ship p50 and p90 over 7 days)."""
    wanted = {"channel": channel} if channel else {}
    paths = {"at-risk": "/shipments/at-risk", "late": "/shipments/late", "kpis": "/kpis"}
    answers = await asyncio.gather(
        upstreams.get_json("fulfillment", paths["at-risk"], percent=FIRST_ALERT, **wanted),
        upstreams.get_json("fulfillment", paths["late"], **wanted),
        upstreams.get_json("fulfillment", paths["kpis"], **wanted),
    )
    found: dict[str, Json] = {}
    unavailable = []
    for name, (status, body) in zip(paths, answers, strict=True):
        if status == 200:
            found[name] = body
        else:
            unavailable.append(f"fulfillment {paths[name]}: {status or body}")
    rows = rows_of(found.get("at-risk", []), found.get("late", []))
    return {
        "channel": channel,
        "shipments": rows,
        "counts": {name: sum(row["band"] == name for row in rows) for name, _ in BANDS},
        "kpis": found.get("kpis"),
        "unavailable": unavailable,
    }
