from orderflow_bench.reservations import Answers, oversold_by_events


def _reserved(order_id: str, sku: str, quantity: int) -> dict:
    lines = [{"sku": sku, "quantity": quantity}]
    plan = {"order_id": order_id, "shipments": [{"lines": lines}]}
    return {"type": "StockReserved", "payload": {"plan": plan}}


def test_each_order_counts_once_however_often_its_answer_arrives():
    answers = Answers(since=0)
    answers.on_record("inventory.reservations", _reserved("o1", "HOT", 1), 1.0)
    answers.on_record("inventory.reservations", _reserved("o1", "HOT", 1), 2.0)
    rejected = {"type": "ReservationRejected", "payload": {"order_id": "o2"}}
    answers.on_record("inventory.reservations", rejected, 3.0)
    assert answers.count == 2
    assert answers.kinds == {"StockReserved": 1, "ReservationRejected": 1}
    assert answers.reserved_units == {"HOT": 1}


def test_levels_and_other_events_are_not_answers():
    answers = Answers(since=0)
    answers.on_record("inventory.reservations", {"type": "StockLevelChanged"}, 1.0)
    assert answers.count == 0


def test_units_reserved_beyond_the_stock_are_oversold():
    answers = Answers(since=0)
    for number in range(3):
        answers.on_record("inventory.reservations", _reserved(f"o{number}", "HOT", 1), 1.0)
    assert oversold_by_events(answers, {"HOT": 2}) == 1
    assert oversold_by_events(answers, {"HOT": 5}) == 0


def test_answers_stamped_before_the_case_began_are_an_earlier_cases():
    answers = Answers(since=100.0)
    answers.on_record("inventory.reservations", _reserved("old", "HOT", 1), 99.0)
    assert answers.count == 0
