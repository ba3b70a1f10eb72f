from pydantic_settings import SettingsConfigDict

from orderflow_runtime import ServiceSettings


class Settings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="INTAKE_", extra="ignore", frozen=True)

    seller_setup_file: str | None = None
