"""Re-parsing an accepted order that has not shipped, e.g. after its adapter was fixed: the
canonical order is rebuilt from its stored payload (with the changes received since) under
today's adapters, listings and rules, and the differences are applied as the matching update.

- Other lines or another currency: the order was routed and reserved as it stands, so it is
  not changed silently. It is held with `reparse_changed_lines`, naming both versions, for an
  operator: cancel it, or release it to ship what was routed (the code is then waived).
- Another address: applied as an address change (OrderAddressChanged, then screened again).
- Otherwise: screened again, which keeps the rest of intake's view (customer, ship-by) in line
  with the payload and holds the order if today's rules find a reason.
"""

import asyncpg
import structlog
from orderflow_contracts.order import CanonicalOrder, OrderLine
from orderflow_runtime import UnitOfWork

from orderflow_intake import store
from orderflow_intake.screening import ScreeningRules
from orderflow_intake.use_cases.screen import parse_row, rescreen, screen
from orderflow_intake.use_cases.updates import apply_address, hold_for

log = structlog.get_logger()

CHANGED_LINES = "reparse_changed_lines"


async def reparse_accepted(uow: UnitOfWork, row: asyncpg.Record, rules: ScreeningRules) -> str:
    """The order's status after its payload is parsed again."""
    known = store.canonical_of(row)
    fresh, _ = await screen(uow.conn, parse_row(row), rules, received_before=row["received_at"])
    if _goods(fresh) != _goods(known) and CHANGED_LINES not in row["waived"]:
        detail = f"the payload now reads {_described(fresh)}; routed as {_described(known)}"
        await hold_for(uow, row, CHANGED_LINES, detail)
        log.info("order.reparse_changed_lines", order_id=known.order_id)
        return "held"
    if fresh.ship_to != known.ship_to:
        await apply_address(uow, row, fresh.ship_to, rules)
        return str(await store.order_status(uow.conn, known.order_id))
    return await rescreen(uow, row, rules)


def _goods(order: CanonicalOrder) -> tuple[tuple[OrderLine, ...], str]:
    return order.lines, order.currency


def _described(order: CanonicalOrder) -> str:
    lines = ", ".join(f"{line.quantity} x {line.sku} ({line.amount})" for line in order.lines)
    return f"{lines or 'no mapped lines'} {order.currency}".strip()
