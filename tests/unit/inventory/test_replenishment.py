from orderflow_inventory.replenishment import (
    Demand,
    LeadTime,
    ReorderAdvice,
    reorder_point,
    safety_stock,
    suggested_order,
)

SEEDS_EXAMPLE = (Demand(average_daily=10, max_daily=20), LeadTime(average_days=14, longest_days=21))


def test_the_seeds_worked_example_gives_a_safety_stock_of_280():
    assert safety_stock(*SEEDS_EXAMPLE) == 280


def test_reorder_point_adds_average_demand_over_the_lead_time():
    assert reorder_point(*SEEDS_EXAMPLE) == 140 + 280


def test_suggested_order_refills_above_the_reorder_point_plus_cover():
    assert suggested_order(100, *SEEDS_EXAMPLE, cover_days=30) == 420 + 300 - 100
    assert suggested_order(10_000, *SEEDS_EXAMPLE, cover_days=30) == 0


def test_steady_demand_and_lead_time_need_no_safety_stock():
    assert safety_stock(Demand(5, 5), LeadTime(average_days=7, longest_days=7)) == 0


def test_demand_comes_from_daily_sales():
    demand = Demand.from_daily_sales([4, 10, 16])
    assert (demand.average_daily, demand.max_daily) == (10, 16)
    assert Demand.from_daily_sales([]) == Demand(0.0, 0.0)


def test_tiers_change_the_advice() -> None:
    demand, lead = SEEDS_EXAMPLE
    best = ReorderAdvice.of(100, demand, lead, "best_seller")
    regular = ReorderAdvice.of(100, demand, lead, "regular")
    seasonal = ReorderAdvice.of(100, demand, lead, "seasonal")
    assert (regular.safety_stock, regular.reorder_point) == (280, 420)
    assert best.safety_stock == 420 and best.reorder_point == 560
    assert best.suggested_quantity > regular.suggested_quantity > seasonal.suggested_quantity


def test_a_new_product_without_sales_still_gets_a_reorder_point() -> None:
    lead = LeadTime(average_days=14, longest_days=21)
    assert ReorderAdvice.of(0, Demand(0, 0), lead, "new").reorder_point > 0
    assert ReorderAdvice.of(0, Demand(0, 0), lead, "regular").reorder_point == 0


def test_a_sku_selling_for_3_days_averages_over_those_3_days() -> None:
    demand = Demand.in_window(units=30, largest_day=15, days_selling=3, window_days=28)
    assert (demand.average_daily, demand.max_daily) == (10, 15)


def test_a_sku_selling_for_longer_than_the_window_averages_over_the_window() -> None:
    assert Demand.in_window(56, 4, days_selling=400, window_days=28).average_daily == 2


def test_a_sku_first_sold_today_averages_over_one_day() -> None:
    assert Demand.in_window(6, 6, days_selling=1, window_days=28).average_daily == 6
