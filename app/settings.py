"""Settings from the environment and an optional `.env`, validated once at start-up."""

from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    database_url: str | None = Field(
        default=None, description="PostgreSQL DSN; unset means an embedded server is started."
    )
    embedded_pg_dir: Path = Field(default=Path(".orders-api/pgdata"))
    host: str = "127.0.0.1"
    workers: int = Field(
        default=1, ge=1, le=64, description="Server processes sharing the port (serve)."
    )
    rate_limit_shared_file: Path | None = Field(
        default=None, description="Set by serve for its workers: the shared cost budgets."
    )
    port: int = Field(default=8000, ge=1, le=65535)
    log_level: Literal["debug", "info", "warning", "error"] = "info"
    log_format: Literal["text", "json"] = Field(
        default="text", description="text for a terminal; json: one object per line, for machines."
    )
    metrics_token: SecretStr | None = Field(
        default=None,
        description="Bearer token for /metrics; unset, /metrics answers loopback clients only.",
    )
    metrics_sample_interval_s: float = Field(
        default=1.0, gt=0, description="How often each process refreshes its gauges (pool...)."
    )
    environment: Literal["development", "production"] = Field(
        default="production", description="development turns on field suggestions in errors."
    )
    default_tax_rate: Decimal = Field(default=Decimal("0.18"), ge=0, lt=1)
    default_page_size: int = Field(default=20, ge=1)
    max_page_size: int = Field(default=100, ge=1, le=1000)
    db_pool_size: int = Field(default=10, ge=1)
    db_pool_timeout_s: float = Field(
        default=2.0, gt=0, description="How long a request waits for a free connection (then 503)."
    )
    statement_timeout_s: float = Field(
        default=5.0, gt=0, description="Longest one SQL statement of a request may run."
    )
    idempotency_ttl_s: float = Field(
        default=86_400.0, gt=0, description="How long an Idempotency-Key keeps its answer."
    )
    idempotency_wait_s: float = Field(
        default=30.0, ge=0, description="How long a retry waits for the first request to answer."
    )
    idempotency_lease_s: float = Field(
        default=300.0,
        gt=0,
        description="After this, a first request that never answered is taken to have died.",
    )
    shutdown_grace_s: float = Field(
        default=10.0, ge=0, description="On SIGTERM, how long requests in flight may finish."
    )
    inventory_url: str | None = Field(
        default=None, description="Inventory service base URL; unset means in process."
    )
    inventory_fail_max: int = Field(default=5, ge=1, description="Failures that open the breaker.")
    inventory_reset_timeout_s: float = Field(
        default=5.0, gt=0, description="Seconds the breaker stays open before a trial call."
    )
    inventory_call_timeout_s: float = Field(
        default=2.0, gt=0, description="Seconds one inventory call may take."
    )
    inventory_max_connections: int = Field(
        default=64, ge=1, description="Inventory calls in flight at once per process."
    )
    inventory_port: int = Field(default=8001, ge=1, le=65535)
    max_request_bytes: int = Field(
        default=1024 * 1024, ge=1024, description="Largest request body (or GET query string)."
    )
    max_bulk_request_bytes: int = Field(
        default=64 * 1024 * 1024,
        ge=1024,
        description="Largest body from a key holding order.bulkwrite, for big background jobs.",
    )
    max_query_bytes: int = Field(default=64 * 1024, ge=1024, description="Largest document.")
    max_json_depth: int = Field(
        default=32, ge=4, description="Deepest nesting of arrays and objects in the variables."
    )
    max_query_depth: int = Field(
        default=15, ge=2, description="Deepest field nesting, introspection fields included."
    )
    max_field_repeats: int = Field(
        default=5, ge=1, description="Copies of one field (or alias) in one selection set."
    )
    max_directives: int = Field(default=5, ge=1, description="Directives on one field or fragment.")
    max_query_aliases: int = Field(default=30, ge=0)
    max_query_tokens: int = Field(default=5000, ge=100)
    max_query_cost: int = Field(
        default=25_000, ge=1, description="Estimated objects a query may return (GitHub-style)."
    )
    list_cost_factor: int = Field(default=10, ge=1, description="Assumed size of a plain list.")
    rate_limit_capacity: int = Field(default=50_000, ge=1, description="Points per API key.")
    rate_limit_restore_rate: float = Field(default=2_500.0, gt=0, description="Points per second.")
    introspection_enabled: bool = Field(
        default=True, description="Introspection and the GraphiQL page; false on a public API."
    )
    compiled_reads_enabled: bool = Field(
        default=True, description="Answer order-graph queries with one SQL statement each."
    )
    compiled_reads_strict: bool = Field(
        default=False,
        description="A failure of the compiled path raises instead of falling back (tests).",
    )
    reconcile_interval_s: float = Field(
        default=30.0, gt=0, description="How often stray stock holds are looked for and released."
    )
    reconcile_undo_after_s: float = Field(
        default=120.0,
        ge=30,  # past any request and any background chunk still running
        description="Age at which a stock movement whose order change did not commit is undone.",
    )
    bulk_worker_enabled: bool = Field(default=True, description="Run background jobs here.")
    bulk_chunk_size: int = Field(default=200, ge=1, le=1000)
    bulk_poll_interval_s: float = Field(default=0.5, gt=0)
    bulk_max_items: int = Field(default=100_000, ge=1)
    export_dir: Path | None = Field(
        default=None,
        description="Where export files are written and served from; unset: exports/ beside the"
        " embedded data folder (.orders-api/exports). Every serving process must see it.",
    )
    export_ttl_s: float = Field(
        default=86_400.0, gt=0, description="How long a finished export can be downloaded."
    )
    export_page_size: int = Field(
        default=500, ge=1, le=5000, description="Orders an export reads and writes per page."
    )
    export_lease_s: float = Field(
        default=120.0, gt=0, description="A running export not heard from for this long is retaken."
    )
    api_key_cache_ttl_s: float = Field(
        default=30.0,
        ge=0,
        description="How long a process trusts a key it checked (0: never); a revocation"
        " reaches every process at once by NOTIFY regardless.",
    )
    webhook_worker_enabled: bool = Field(
        default=True, description="Deliver webhooks from this process (all processes share)."
    )
    webhook_poll_interval_s: float = Field(
        default=1.0, gt=0, description="How often an idle webhook worker looks for due deliveries."
    )
    webhook_batch_size: int = Field(
        default=20, ge=1, le=500, description="Deliveries one worker claims and sends at once."
    )
    webhook_attempt_timeout_s: float = Field(
        default=10.0, gt=0, description="Longest one webhook attempt may take, connect included."
    )
    webhook_retry_base_s: float = Field(
        default=5.0, gt=0, description="First retry delay; each next one doubles, plus jitter."
    )
    webhook_retry_max_delay_s: float = Field(
        default=3_600.0, gt=0, description="Longest wait between two attempts of a delivery."
    )
    webhook_retry_window_s: float = Field(
        default=86_400.0, gt=0, description="After this (from the event) a delivery is FAILED."
    )
    webhook_disable_after_s: float = Field(
        default=5 * 86_400.0,
        gt=0,
        description="An endpoint failing without a success for this long is disabled.",
    )
    webhook_secret_overlap_s: float = Field(
        default=86_400.0,
        ge=0,
        description="After rotateWebhookSecret, how long requests carry the old signature too.",
    )
    webhook_retention_s: float = Field(
        default=30 * 86_400.0,
        gt=0,
        description="Delivered and failed deliveries (and their attempts) are kept this long.",
    )
    webhook_allow_private_urls: bool = Field(
        default=False,
        description="Allow endpoints on loopback and private addresses (development and tests).",
    )
    key_recheck_interval_s: float = Field(
        default=5.0, ge=0, description="How often a subscription re-checks that its key is active."
    )

    @property
    def export_directory(self) -> Path:
        return self.export_dir or self.embedded_pg_dir.parent / "exports"

    @field_validator("database_url")
    @classmethod
    def _async_driver(cls, value: str | None) -> str | None:
        return normalise_dsn(value) if value else None

    @model_validator(mode="after")
    def _page_sizes(self) -> "Settings":
        if self.default_page_size > self.max_page_size:
            raise ValueError("default_page_size must not exceed max_page_size")
        if self.max_query_cost > self.rate_limit_capacity:
            raise ValueError("max_query_cost above rate_limit_capacity: such a query never runs")
        return self


def normalise_dsn(dsn: str) -> str:
    """The one place a DSN gets the asyncpg driver, whatever form the operator wrote it in."""
    for prefix in (
        "postgres://",
        "postgresql://",
        "postgresql+psycopg2://",
        "postgresql+psycopg://",
    ):
        if dsn.startswith(prefix):
            return "postgresql+asyncpg://" + dsn[len(prefix) :]
    return dsn


@lru_cache
def get_settings() -> Settings:
    return Settings()
