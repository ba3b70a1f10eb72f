from orderflow_runtime import ServiceSettings
from pydantic import Field
from pydantic_settings import SettingsConfigDict


class Settings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="ROUTING_", extra="ignore", frozen=True)

    seller_setup_file: str | None = None
    max_plan_attempts: int = 3
    pii_retention_days: float = Field(
        default=90,
        gt=0,
        description="the buyer's name, e-mail and address lines leave a reserved or unroutable"
        " order this long after routing last touched it",
    )
    pii_purge_interval_s: float = Field(
        default=3600, gt=0, description="how often the retention purge looks for what is due"
    )
