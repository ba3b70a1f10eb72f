from pathlib import Path

from orderflow_runtime import ServiceSettings
from pydantic import Field
from pydantic_settings import SettingsConfigDict


class Settings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="NOTIFICATIONS_", extra="ignore", frozen=True)

    templates_dir: Path | None = Field(
        default=None,
        description="a folder of <language>.toml files overriding or adding messages; unset:"
        " the packaged ones",
    )
    smtp_host: str = "127.0.0.1"
    smtp_port: int = 1025
    smtp_sender: str = "orderflow <no-reply@orderflow.local>"
    smtp_sessions: int = Field(default=4, ge=1, description="SMTP connections sending at once")
    smtp_idle_s: float = Field(
        default=10.0, description="a session idle longer is reopened: servers time them out"
    )
    send_attempts: int = 5
    send_poll_interval_s: float = 0.2
    round_lease_s: float = Field(
        default=60,
        description="a sending round holds what it took this long; what a dead round never"
        " began is due again after it",
    )
    sending_lease_s: float = Field(
        default=300,
        description="a notification 'sending' longer than this was left by a dead sender: it"
        " becomes 'unconfirmed' and is not sent again",
    )
