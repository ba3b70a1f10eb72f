"""What shipped goods do to the books: reserved lines leave on hand and reserved; a released
line's goods leave on hand out of what is free, and what the books could not give is a
discrepancy, not a refusal."""

from orderflow_inventory.domain import Movement, ShippedLine, balance_changes, commit_movements

KEY = ("MUG-RED", "us-ontario")


def line(shipment: str, quantity: int, released: bool = False) -> ShippedLine:
    return ShippedLine(f"order-{shipment}", shipment, *KEY, quantity, released)


def test_a_reserved_line_leaves_on_hand_and_reserved() -> None:
    assert commit_movements([line("s1", 2)], {KEY: 0}) == [
        Movement(*KEY, "commit", "s1", on_hand_delta=-2, reserved_delta=-2)
    ]


def test_a_released_line_leaves_on_hand_only_when_the_units_are_free() -> None:
    assert commit_movements([line("s1", 2, released=True)], {KEY: 2}) == [
        Movement(*KEY, "commit", "s1", on_hand_delta=-2)
    ]


def test_units_shipped_beyond_what_is_free_are_a_discrepancy() -> None:
    movements = commit_movements([line("s1", 3, released=True)], {KEY: 1})
    assert [(m.kind, m.on_hand_delta, m.reserved_delta) for m in movements] == [
        ("commit", -3, 0),
        ("discrepancy", 2, 0),
    ]
    assert "2 units" in movements[1].reason
    on_hand, reserved = balance_changes(movements)
    assert (on_hand[KEY], reserved[KEY]) == (-1, 0)  # only the free unit left the books


def test_released_lines_share_what_is_free_in_shipment_order() -> None:
    lines = [line("s2", 1, released=True), line("s1", 1, released=True), line("s0", 4)]
    movements = commit_movements(lines, {KEY: 1})
    assert [(m.kind, m.reference) for m in movements] == [
        ("commit", "s0"),
        ("commit", "s1"),
        ("commit", "s2"),
        ("discrepancy", "s2"),
    ]
