from pydantic_settings import SettingsConfigDict

from orderflow_runtime import ServiceSettings


class Settings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="FULFILLMENT_", extra="ignore", frozen=True)
