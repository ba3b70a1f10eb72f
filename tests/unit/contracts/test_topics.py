import re

from orderflow_contracts import topics


def test_pick_task_topic_is_per_location_and_matches_the_pattern():
    topic = topics.pick_tasks("us-ontario")
    assert topic == "warehouse.us-ontario.pick-tasks"
    assert re.fullmatch(topics.PICK_TASKS_PATTERN, topic)


def test_pick_task_pattern_does_not_match_other_warehouse_topics():
    assert not re.fullmatch(topics.PICK_TASKS_PATTERN, topics.WAREHOUSE_EVENTS)
    assert not re.fullmatch(topics.PICK_TASKS_PATTERN, topics.WAREHOUSE_STOCK)


def test_dead_letter_topic_suffixes_dlq():
    assert topics.dead_letters("orders") == "orders.dlq"


def test_all_topics_has_every_source_and_its_dead_letters():
    everything = topics.all_topics(["us-ontario", "de-3pl"])
    sources = [*topics.BUS_TOPICS, "warehouse.us-ontario.pick-tasks", "warehouse.de-3pl.pick-tasks"]
    assert set(everything) == set(sources) | {f"{t}.dlq" for t in sources}
    assert len(everything) == len(set(everything)) == 2 * len(sources)


def test_all_topics_without_locations_is_the_bus_and_its_dead_letters():
    assert len(topics.all_topics([])) == 2 * len(topics.BUS_TOPICS)


def test_bus_topics_are_unique_and_compacted_topics_are_among_them():
    assert len(set(topics.BUS_TOPICS)) == len(topics.BUS_TOPICS)
    assert topics.COMPACTED <= set(topics.BUS_TOPICS)
    assert topics.INVENTORY_LEVELS in topics.COMPACTED


def test_channel_order_key_joins_channel_and_external_id():
    assert topics.channel_order_key("amazon", "902-3159896-1390916") == "amazon:902-3159896-1390916"


def test_compacted_topics_keep_the_latest_value_per_key_for_ever():
    assert topics.topic_config(topics.INVENTORY_LEVELS) == {"cleanup.policy": "compact"}


def test_dead_letters_are_kept_longer_than_the_topics_they_come_from():
    kept = int(topics.topic_config("orders")["retention.ms"])
    dead_letters_kept = int(topics.topic_config("orders.dlq")["retention.ms"])
    assert kept == 7 * 24 * 3600 * 1000
    assert dead_letters_kept > kept


def test_cancellations_and_new_addresses_on_orders_are_copied_and_acceptances_are_not():
    assert topics.copies_of(topics.ORDERS, "OrderCancelled") == (topics.ORDER_CHANGES,)
    assert topics.copies_of(topics.ORDERS, "OrderAddressChanged") == (topics.ORDER_CHANGES,)
    assert topics.copies_of(topics.ORDERS, "OrderAccepted") == ()
    assert all(copy in topics.BUS_TOPICS for copies in topics.COPIES.values() for copy in copies)
