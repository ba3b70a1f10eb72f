"""What an order holds, and its backorders."""

from fastapi import APIRouter, HTTPException
from orderflow_runtime import RunningService

from orderflow_inventory import store
from orderflow_inventory.api.dependencies import not_found
from orderflow_inventory.api.schemas import Reservation, ReservationLine


def router(service: RunningService) -> APIRouter:
    api = APIRouter()

    @api.get(
        "/reservations/{order_id}",
        summary="What an order holds, and its backorders",
        responses=not_found("the order"),
    )
    async def reservation(order_id: str) -> Reservation:
        async with service.pool.acquire() as conn:
            row = await store.reservations.of_order(conn, order_id)
            if row is None:
                raise HTTPException(404, f"no reservation for order {order_id!r}")
            lines = await store.reservations.lines_of(conn, order_id)
            backorders = await store.backorders.of_order(conn, order_id)
        return Reservation(
            order_id=order_id,
            attempt=row["attempt"],
            status=row["status"],
            channel=row["channel"],
            created_at=row["created_at"],
            updated_at=row["updated_at"],
            lines=[ReservationLine(**line) for line in lines],
            backorders=backorders,
        )

    return api
