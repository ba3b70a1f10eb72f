"""inventory's HTTP API, one router per resource: stock (by SKU and by location), reservations,
the ledger and its reconciliation, discrepancies, alerts, KPIs, held warehouse events, and the
reference data an operator manages (products, locations, channel policies), and the audit of
what operators did. `router` mounts them all."""

from fastapi import APIRouter
from orderflow_runtime import RunningService

from orderflow_inventory.api import (
    alerts,
    audit,
    discrepancies,
    held_events,
    kpis,
    ledger,
    reference_data,
    reservations,
    stock,
)


def router(service: RunningService) -> APIRouter:
    api = APIRouter(tags=["inventory"])
    resources = (
        stock,
        reservations,
        ledger,
        discrepancies,
        alerts,
        kpis,
        held_events,
        reference_data,
        audit,
    )
    for resource in resources:
        api.include_router(resource.router(service))
    return api
