"""The seeds' KPIs as charts: inline SVG drawn here from the services' own GET /kpis (intake's
exceptions, inventory's stock, fulfillment's shipping, routing's plans) and inventory's
slow-mover alerts, so the page needs no chart library and a test can read what each chart
shows."""

import asyncio
from dataclasses import dataclass
from html import escape
from typing import Any

from orderflow_console.proxy import Upstreams

Json = Any
SOURCES = {
    "intake": ("intake", "/kpis"),
    "inventory": ("inventory", "/kpis"),
    "fulfillment": ("fulfillment", "/kpis"),
    "routing": ("routing", "/kpis"),
    "slow_movers": ("inventory", "/alerts?kind=slow_mover&limit=20"),
}
WIDTH, ROW, LABEL = 380, 24, 150


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    text: str  # the value as the chart writes it


@dataclass(frozen=True)
class Chart:
    name: str
    title: str
    bars: list[Bar]
    scale: float | None = None  # the full width's value; None: the largest bar
    note: str = ""
    empty: str = "no data yet"

    def svg(self) -> str:
        if not self.bars:
            return f'<p class="muted">{escape(self.empty)}</p>'
        full = self.scale or max((bar.value for bar in self.bars), default=0) or 1
        room = WIDTH - LABEL - 70
        rows = []
        for i, bar in enumerate(self.bars):
            width = max(1.0, room * min(bar.value, full) / full) if bar.value else 0
            y = i * ROW
            rows.append(
                f'<text x="0" y="{y + 16}">{escape(bar.label)}</text>'
                f'<rect x="{LABEL}" y="{y + 4}" width="{room}" height="16" fill="#eef1f6"/>'
                f'<rect x="{LABEL}" y="{y + 4}" width="{width:.1f}" height="16" fill="#4f7cff"'
                f' data-label="{escape(bar.label)}" data-value="{bar.value}"/>'
                f'<text x="{LABEL + room + 6}" y="{y + 16}">{escape(bar.text)}</text>'
            )
        height = len(self.bars) * ROW + 6
        return (
            f'<svg width="{WIDTH}" height="{height}" role="img"'
            f' aria-label="{escape(self.title)}">{"".join(rows)}</svg>'
        )

    def as_dict(self) -> dict[str, str]:
        return {"name": self.name, "title": self.title, "svg": self.svg(), "note": self.note}


def pct(rate: float | None) -> str:
    return "n/a" if rate is None else f"{100 * rate:.1f} %"


def hours_text(hours: float) -> str:
    return f"{hours:.2f} h" if hours >= 1 else f"{hours * 60:.1f} min"


def _rate(name: str, title: str, label: str, rate: float | None, note: str) -> Chart:
    bars = [] if rate is None else [Bar(label, rate, pct(rate))]
    return Chart(name, title, bars, scale=1.0, note=note)


def routing_charts(plans: Json) -> list[Chart]:
    """Routing's own figures (GET /kpis): how often it splits or cannot ship, what a plan costs."""
    shares = [
        Bar(label, plans[key], pct(plans[key]))
        for label, key in (("split orders", "split_rate"), ("unroutable", "unroutable_share"))
        if plans.get(key) is not None
    ]
    cost = plans.get("mean_cost_per_order")
    window = f"last {plans.get('days', '?')} days"
    return [
        Chart(
            "routing-shares",
            "Routing: split and unroutable orders",
            shares,
            scale=1.0,
            note=f"of {plans.get('orders', '?')} orders decided, {window};"
            f" {plans.get('replans', '?')} re-plans",
        ),
        Chart(
            "cost-per-order",
            "Routing: plan cost per order",
            [] if cost is None else [Bar("mean plan cost", cost, f"{cost:.2f}")],
            note=f"shipping, handling, lateness, capacity and split, mean over"
            f" {plans.get('planned', '?')} planned orders, {window}",
            empty="no order planned yet",
        ),
    ]


def charts(sources: dict[str, Json]) -> list[Chart]:
    """One chart per KPI of the seeds, from what the services answered (a missing source: an
    empty chart saying so)."""
    intake = sources.get("intake") or {}
    stock = sources.get("inventory") or {}
    ship = sources.get("fulfillment") or {}
    slow = sources.get("slow_movers") or []
    oversold = stock.get("oversold_units")
    by_reason = [
        Bar(row["reason"], row["rate"], f"{pct(row['rate'])} ({row['orders']})")
        for row in intake.get("exception_rate_by_reason", [])
    ]
    if "exception_rate" in intake:
        by_reason.insert(
            0, Bar("any reason", intake["exception_rate"], pct(intake["exception_rate"]))
        )
    hours = [
        Bar(label, ship[key], hours_text(ship[key]))
        for label, key in (("p50", "order_to_ship_p50_hours"), ("p90", "order_to_ship_p90_hours"))
        if ship.get(key) is not None
    ]
    turnover = stock.get("inventory_turnover")
    return [
        Chart(
            "oversold",
            "Oversold units (must stay 0)",
            [] if oversold is None else [Bar("oversold units", oversold, str(oversold))],
            scale=max(oversold or 0, 1),
            note="units reserved beyond on hand",
        ),
        _rate(
            "stock-out-rate",
            "Stock-out rate",
            "orders without stock",
            stock.get("stock_out_rate"),
            f"orders none of whose attempts got stock, last {stock.get('window_days', '?')} days",
        ),
        Chart(
            "exception-rate-by-reason",
            "Exception rate by reason",
            by_reason,
            scale=1.0,
            note=f"orders held at least once, of {intake.get('orders', '?')} in 24 h",
        ),
        Chart(
            "order-to-ship",
            "Order-to-ship time",
            hours,
            note=f"{ship.get('shipped', '?')} shipped in {ship.get('days', '?')} days",
        ),
        _rate(
            "on-time-ship-rate",
            "On-time ship rate",
            "shipped by ship-by",
            ship.get("on_time_ship_rate"),
            f"{ship.get('at_risk', '?')} at risk, {ship.get('late', '?')} late now",
        ),
        Chart(
            "turnover",
            "Inventory turnover",
            [] if turnover is None else [Bar("turnover", turnover, f"{turnover:.3f}")],
            note=f"units shipped {stock.get('units_shipped', '?')} / average on hand over"
            f" {stock.get('window_days', '?')} days; days of inventory"
            f" {stock.get('days_of_inventory') or 'n/a'}",
            empty="no stock on hand",
        ),
        Chart(
            "slow-movers",
            "Slow movers (days without a sale)",
            [
                Bar(alert["sku"], days, f"{days} d")
                for alert in slow
                if (days := (alert.get("detail") or {}).get("days_without_sale")) is not None
            ],
            note=f"share of SKUs in stock that are slow: {pct(stock.get('slow_moving_ratio'))}",
            empty="no slow movers",
        ),
        *routing_charts(sources.get("routing") or {}),
    ]


async def fetch(upstreams: Upstreams) -> dict[str, Any]:
    answers = await asyncio.gather(
        *(upstreams.get_json(service, path) for service, path in SOURCES.values())
    )
    sources, unavailable = {}, []
    for name, (status, body) in zip(SOURCES, answers, strict=True):
        if status == 200:
            sources[name] = body
        else:
            unavailable.append(f"{SOURCES[name][0]} {SOURCES[name][1]}: {status or body}")
    return {
        "figures": {
            name: sources.get(name) for name in ("intake", "inventory", "fulfillment", "routing")
        },
        "charts": [chart.as_dict() for chart in charts(sources)],
        "unavailable": unavailable,
    }
