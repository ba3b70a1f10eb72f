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
    slow_mover_check_interval_s: float = Field(default=3600, gt=0)
