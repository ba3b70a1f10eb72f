from pathlib import Path

from orderflow_runtime import ServiceSettings
from pydantic import AnyHttpUrl, Field, SecretStr, model_validator
from pydantic_settings import SettingsConfigDict

from orderflow_notifications.unsubscribe import DEVELOPMENT_SECRET, Links


class Settings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="NOTIFICATIONS_", extra="ignore", frozen=True)

    templates_dir: Path | None = Field(
        default=None,
        description="a folder of <language>.toml files overriding or adding messages; unset:"
        " the packaged ones",
    )
    fetch_min_bytes: int = Field(
        default=64 * 1024,
        ge=1,
        description="notifications wait for 64 KiB of news or fetch_max_wait_ms: a customer's"
        " message waits the merge window anyway, and each wake costs as much as the news it"
        " brings at a few orders a batch",
    )
    smtp_host: str = "127.0.0.1"
    smtp_port: int = 1025
    smtp_sender: str = "orderflow <no-reply@orderflow.local>"
    smtp_sessions: int = Field(default=4, ge=1, description="SMTP connections sending at once")
    smtp_idle_s: float = Field(
        default=10.0, description="a session idle longer is reopened: servers time them out"
    )
    webhook_url: AnyHttpUrl | None = Field(
        default=None,
        description="where to post, signed, what a customer should hear when the marketplace"
        " hides their e-mail (the seller's messaging, or the marketplace's buyer-message API)",
    )
    webhook_secret: SecretStr | None = Field(
        default=None, description="the HMAC-SHA256 key shared with the webhook's endpoint"
    )
    webhook_timeout_s: float = Field(default=5.0, gt=0)
    unsubscribe_secret: SecretStr | None = Field(
        default=None,
        description="the HMAC-SHA256 key the unsubscribe links' tokens are signed with, 16"
        " characters or more; unset: a development key, logged as such at start (set it"
        " wherever real customers get mail: anyone who knows the key can unsubscribe anyone)",
    )
    public_url: AnyHttpUrl | None = Field(
        default=None,
        description="where a customer's browser reaches this service's public routes (the"
        " unsubscribe link), e.g. https://notify.shop.example; unset:"
        " http://127.0.0.1:<HTTP_PORT>",
    )
    merge_window_s: float = Field(
        default=60,
        ge=0,
        description="news of one order within this many seconds of the first goes out as one"
        " message",
    )
    pii_retention_days: float = Field(
        default=90,
        gt=0,
        description="a customer's name and e-mail are emptied this long after the last of the"
        " order's notifications settled (sent, failed, unconfirmed or unreachable)",
    )
    pii_purge_interval_s: float = Field(
        default=3600, gt=0, description="how often the retention purge looks for what is due"
    )
    delay_check_interval_s: float = Field(
        default=60, gt=0, description="how often shipments on their way are checked for delay"
    )
    delay_quantile: float = Field(
        default=0.9,
        gt=0,
        lt=1,
        description="a shipment is predicted late when its lane's transit at this quantile"
        " brings it after the promised delivery",
    )
    delay_min_samples: int = Field(
        default=20, ge=1, description="deliveries a lane needs before it predicts anything"
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

    def unsubscribe_links(self) -> Links:
        secret = self.unsubscribe_secret
        base = str(self.public_url or f"http://127.0.0.1:{self.http_port}").rstrip("/")
        return Links(secret.get_secret_value() if secret else DEVELOPMENT_SECRET, base)

    @model_validator(mode="after")
    def _unsubscribe_key_long_enough(self) -> "Settings":
        if self.unsubscribe_secret and len(self.unsubscribe_secret.get_secret_value()) < 16:
            raise ValueError("NOTIFICATIONS_UNSUBSCRIBE_SECRET: at least 16 characters")
        return self

    @model_validator(mode="after")
    def _webhook_signed(self) -> "Settings":
        if self.webhook_url is None:
            return self
        if self.webhook_secret is None or len(self.webhook_secret.get_secret_value()) < 16:
            raise ValueError(
                "NOTIFICATIONS_WEBHOOK_URL is set: NOTIFICATIONS_WEBHOOK_SECRET must be too, at"
                " least 16 characters, shared with the endpoint that checks the signature"
            )
        return self
