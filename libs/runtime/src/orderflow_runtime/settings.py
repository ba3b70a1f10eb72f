"""Settings every service shares. Each service subclasses with its own env prefix
(INTAKE_, ROUTING_, ...); nothing but the composition root reads the environment."""

from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class ServiceSettings(BaseSettings):
    model_config = SettingsConfigDict(extra="ignore", frozen=True)

    kafka_bootstrap_servers: str = "127.0.0.1:9092"
    database_url: str = Field(description="asyncpg DSN of this service's own database")
    topic_prefix: str = Field(default="", description="namespace for every topic, e.g. 'test1.'")
    consumer_group: str = Field(
        default="", description="defaults to the service name, after the topic prefix"
    )
    fetch_max_wait_ms: int = Field(
        default=500,
        description="how long a fetch waits for news when there is none: Kafka answers as soon"
        " as fetch_min_bytes arrive (one record by default), so with that default this bounds"
        " idle polling, not latency (the fetch-wait probe in"
        " bench/README: a record read 4.0-5.0 ms p50 after it arrived at 10, 100 or 500, the"
        " broker's CPU 32% of a core at 10, 6-10% at 500)",
    )
    fetch_min_bytes: int = Field(
        default=1,
        ge=1,
        description="how much news a fetch waits for, up to fetch_max_wait_ms: 1 answers at the"
        " first record; more lets a service off the order's way to its pick task wake less often"
        " for bigger batches",
    )
    unhurried_fetch_min_bytes: int = Field(
        default=64 * 1024,
        ge=1,
        description="how much news the consumer of the service's unhurried topics (news no order"
        " waits on for its pick task, ServiceSpec.unhurried) waits for, up to fetch_max_wait_ms:"
        " read in batches, not a wake a record",
    )
    session_timeout_ms: int = Field(
        default=10_000, description="how soon a dead instance's partitions move to the others"
    )
    heartbeat_interval_ms: int = 3_000
    max_batch: int = 500
    offset_commit_interval_s: float = Field(
        default=0.5, description="consumed offsets are committed at most this often"
    )
    handler_attempts: int = 3
    retry_backoff_s: float = 0.2
    relay_batch: int = 1000
    relay_poll_interval_s: float = 1.0
    outbox_retention_hours: float = Field(
        default=72, description="how long sent events are kept, to publish again to a new broker"
    )
    cluster_check_interval_s: float = Field(
        default=30, description="how often the relay asks whether the broker is still the same"
    )
    inbox_retention_hours: float = Field(
        default=8 * 24, description="longer than the topics' retention (Kafka's default: 7 days)"
    )
    catch_up_timeout_s: float = Field(
        default=60,
        description="how long a service may take to read its replicas' topics to"
        " their end at start before it gives up (and its supervisor starts it again)",
    )
    db_pool_size: int = 4
    http_port: int = Field(default=0, description="the HTTP API and /healthz; 0 serves none")
    log_format: Literal["console", "json"] = "console"
    api_keys_file: Path | None = Field(
        default=None,
        description="operators' API keys and roles (orderflow_runtime.access); unset: the API"
        " is open and X-Actor names the actor",
    )
    otlp_endpoint: str = Field(
        default="",
        description="an OTLP/HTTP collector's base URL (e.g. http://127.0.0.1:4318) to export"
        " traces to; empty: OTEL_EXPORTER_OTLP_ENDPOINT if set, else no traces",
    )
    log_level: str = "INFO"
