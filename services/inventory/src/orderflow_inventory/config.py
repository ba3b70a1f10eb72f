from orderflow_runtime import ServiceSettings
from pydantic import Field
from pydantic_settings import SettingsConfigDict


class Settings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="INVENTORY_", extra="ignore", frozen=True)

    seller_setup_file: str | None = Field(
        default=None, description="products, locations and channel policies loaded at start"
    )
    reservation_ttl_minutes: float = Field(
        default=30, gt=0, description="a reservation no shipment confirms is released after this"
    )
    expiry_check_interval_s: float = Field(default=30, gt=0)
    levels_interval_s: float = Field(
        default=1.0,
        gt=0,
        description="how often the changed SKUs' latest levels go out on inventory.levels: a SKU"
        " changed by every batch is one record an interval, not one a batch",
    )
    slow_mover_check_interval_s: float = Field(default=3600, gt=0)
    pii_retention_days: float = Field(
        default=90,
        gt=0,
        description="the buyer's address lines leave a reservation's plan this long after it was"
        " committed, released or expired",
    )
    pii_purge_interval_s: float = Field(
        default=3600, gt=0, description="how often the retention purge looks for what is due"
    )
