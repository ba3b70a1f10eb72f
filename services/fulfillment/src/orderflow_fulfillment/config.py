from orderflow_runtime import ServiceSettings
from pydantic_settings import SettingsConfigDict


class Settings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="FULFILLMENT_", extra="ignore", frozen=True)
