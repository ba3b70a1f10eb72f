"""The partners' Kafka client: the shared `TopicBus` (libs/bus); they publish envelopes like any
outside system."""

from orderflow_bus import TopicBus as PartnerBus

__all__ = ["PartnerBus"]
