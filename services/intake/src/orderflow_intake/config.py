from orderflow_runtime import ServiceSettings
from pydantic_settings import SettingsConfigDict


class Settings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="INTAKE_", extra="ignore", frozen=True)

    seller_setup_file: str | None = None
    postal_code_rules_file: str | None = None  # default: the packaged table
