from orderflow_runtime import ServiceSettings
from pydantic import Field
from pydantic_settings import SettingsConfigDict


class Settings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="FULFILLMENT_", extra="ignore", frozen=True)

    ship_by_check_interval_s: float = Field(
        default=60, gt=0, description="how often shipments are checked against their ship-by"
    )
    seller_setup_file: str | None = Field(
        default=None,
        description="the seller setup JSON: its handling_times per channel; without it every"
        " channel's orders sent without a ship-by get 2 business days",
    )
    upload_retry_interval_s: float = Field(
        default=10, gt=0, description="how often tracking uploads due a retry are sent again"
    )
