from typing import Literal

from orderflow_contracts.envelope import Event


class TrackingUpdated(Event):
    tracking_number: str
    carrier: str
    status: Literal[
        "in_transit",
        "out_for_delivery",
        "delivered",
        "exception",
        "customs_hold",
        "failed_delivery",
        "returned_to_sender",
        "lost",
    ]
    detail: str = ""  # the carrier's own words for an exception
