"""What the fault checker found after quiescence, and the table it prints."""

from collections import Counter
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Report:
    orders: int
    complete: int = 0
    lost: Counter[str] = field(default_factory=Counter)  # effect -> orders missing it
    duplicates: Counter[str] = field(default_factory=Counter)  # effect -> extra copies
    stuck: Counter[str] = field(default_factory=Counter)  # stage -> orders waiting there
    redeliveries: Counter[str] = field(default_factory=Counter)  # service -> dropped by inbox
    emails_received: int = 0
    notifications_sent: int = 0
    emails_unrecorded: int = 0  # received, but its notification is not marked sent
    emails_unknown: int = 0  # received, and no notification of this system sent it
    in_doubt: int = 0  # left mid-send by a crash, never resent, and the sink never got them
    dead_letters: int = 0
    oversold: list[dict[str, Any]] = field(default_factory=list)
    unreconciled: list[dict[str, Any]] = field(default_factory=list)
    stock_mismatches: list[dict[str, Any]] = field(default_factory=list)

    @property
    def lost_total(self) -> int:
        return sum(self.lost.values())

    @property
    def duplicates_total(self) -> int:
        return sum(self.duplicates.values())

    @property
    def duplicate_customer_messages(self) -> int:
        return self.duplicates["smtp: e-mails per order and kind"]

    @property
    def stuck_total(self) -> int:
        return sum(self.stuck.values())

    @property
    def clean(self) -> bool:
        return not (
            self.lost_total
            or self.duplicates_total
            or self.stuck_total
            or self.dead_letters
            or self.oversold
            or self.unreconciled
            or self.stock_mismatches
            or self.emails_unknown
        )

    def table(self) -> str:
        rows: list[tuple[str, object]] = [
            ("orders driven", self.orders),
            ("orders complete (delivered, told twice)", self.complete),
            ("lost effects", self.lost_total),
            *((f"  lost: {name}", n) for name, n in sorted(self.lost.items()) if n),
            ("duplicate effects", self.duplicates_total),
            *((f"  doubled: {name}", n) for name, n in sorted(self.duplicates.items()) if n),
            ("duplicate customer messages", self.duplicate_customer_messages),
            ("duplicate deliveries dropped by inboxes", sum(self.redeliveries.values())),
            *((f"  redelivered to {name}", n) for name, n in sorted(self.redeliveries.items())),
            ("e-mails received by the SMTP sink", self.emails_received),
            ("notifications recorded as sent", self.notifications_sent),
            ("  e-mails received, notification not marked sent", self.emails_unrecorded),
            ("  e-mails no notification accounts for", self.emails_unknown),
            ("notifications in flight at a crash, never received", self.in_doubt),
            ("stuck orders", self.stuck_total),
            *((f"  stuck at {stage}", n) for stage, n in sorted(self.stuck.items())),
            ("dead letters", self.dead_letters),
            ("stock rows oversold (reserved > on_hand or on_hand < 0)", len(self.oversold)),
            ("stock rows the ledger does not reconcile", len(self.unreconciled)),
            ("stock rows off the expected balance", len(self.stock_mismatches)),
        ]
        width = max(len(name) for name, _ in rows)
        lines = [f"{name.ljust(width)}  {value:>6}" for name, value in rows]
        for title, details in (
            ("oversold", self.oversold),
            ("unreconciled", self.unreconciled),
            ("off balance", self.stock_mismatches),
        ):
            lines.extend(f"{title}: {detail}" for detail in details)
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.table()
