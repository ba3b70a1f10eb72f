from orderflow_runtime import ServiceSettings
from pydantic import Field, SecretStr
from pydantic_settings import SettingsConfigDict


class Settings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="INTAKE_", extra="ignore", frozen=True)

    seller_setup_file: str | None = None
    postal_code_rules_file: str | None = None  # default: the packaged table
    restricted_goods_rules_file: str | None = None  # default: the packaged table
    duplicate_window_hours: float = Field(
        default=24, ge=0, description="same e-mail and items within this window: held; 0: off"
    )
    max_body_bytes: int = Field(
        default=1_000_000,
        gt=0,
        description="a webhook body larger is refused with 413 before anything is stored: the"
        " broker takes records of about 1 MB, and no order document needs more",
    )
    shopify_webhook_secret: SecretStr | None = Field(
        default=None, description="the shop's webhook signing secret; unset: Shopify webhooks 503"
    )
    webhook_secret: SecretStr | None = Field(
        default=None,
        description="signs the other channels' webhooks (X-Orderflow-Hmac-Sha256); unset: 503",
    )
    pii_retention_days: float = Field(
        default=90,
        gt=0,
        description="a shipped or cancelled order's buyer data (name, e-mail, phone, address"
        " lines, in the order, its raw payloads, parked updates and audit) is erased this long"
        " after it closed; a refused body this long after it arrived",
    )
    pii_purge_interval_s: float = Field(
        default=3600, gt=0, description="how often the retention purge looks for what is due"
    )
