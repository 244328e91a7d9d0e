"""Every setting of the platform, read once from `ATHANOR_*` variables and `.env`."""

from __future__ import annotations

import base64
import binascii
import json
import secrets
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, Literal

from limits import parse_many
from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict
from sqlalchemy.engine import URL, make_url


class Environment(StrEnum):
    DEVELOPMENT = "development"
    TEST = "test"
    PRODUCTION = "production"


class ConfigurationError(Exception):
    """Configuration that cannot be used; the message says what to change."""


def _split_list(value: Any) -> Any:
    if isinstance(value, str):
        return [item.strip() for item in value.split(",") if item.strip()]
    return value


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="ATHANOR_", env_file=".env", extra="ignore", validate_default=True
    )

    environment: Environment = Environment.DEVELOPMENT
    data_dir: Path = Path("./var")
    database_url: str = ""
    # On PostgreSQL the app connects as this role, never as the migration owner, so that
    # row-level security applies; migrations create it.
    database_app_role: str = "athanor_app"
    database_app_password: SecretStr | None = None
    database_pool_size: int = Field(default=10, ge=1, le=200)
    redis_url: str | None = None
    broker_url: str | None = None
    secret_key: SecretStr | None = None
    # Key ring for encrypting data at rest: "id:base64-32-bytes", newest first.
    encryption_keys: Annotated[list[str], NoDecode] = Field(default_factory=list)
    public_url: str = "http://127.0.0.1:8000"
    cors_origins: Annotated[list[str], NoDecode] = Field(default_factory=list)
    trusted_proxies: Annotated[list[str], NoDecode] = Field(default_factory=lambda: ["127.0.0.1"])
    max_body_bytes: int = Field(default=1_048_576, ge=1024)
    cookie_secure: bool = True
    session_ttl_seconds: int = Field(default=14 * 24 * 3600, ge=60)
    bearer_ttl_seconds: int = Field(default=24 * 3600, ge=60)
    login_max_failures: int = Field(default=5, ge=1)
    login_lockout_seconds: int = Field(default=15 * 60, ge=1)
    require_email_verification: bool = True
    rate_limit_user: str = "600/minute"
    rate_limit_tenant: str = "3000/minute"
    rate_limit_api_key: str = "600/minute"
    rate_limit_anonymous: str = "60/minute"
    log_level: str = "INFO"
    log_json: bool = True
    otel_exporter: str = Field(default="none", pattern="^(none|console|otlp)$")
    otel_endpoint: str | None = None
    service_name: str = "athanor"
    # Workers. `athanor serve` runs one inside the server unless this is off (`--no-worker`).
    embedded_worker: bool = True
    embedded_worker_concurrency: int = Field(default=4, ge=1, le=64)
    worker_heartbeat_seconds: float = Field(default=5.0, ge=0.2, le=300)
    # A worker silent this many heartbeats is lost; half as many (at least two) and it is late.
    worker_lost_after_heartbeats: int = Field(default=3, ge=2, le=100)
    # Share of failed tasks in the last heartbeat above which a worker is degraded.
    worker_degraded_error_rate: float = Field(default=0.5, gt=0, le=1)
    # The wait a queued task should see at most: the scaling recommendation's target.
    queue_latency_target_seconds: float = Field(default=30.0, gt=0)
    # Redis only: an unacknowledged task goes back to its queue after this long.
    broker_visibility_timeout: int = Field(default=3600, ge=60)
    # A workflow node's lease: a worker renews it while it works; when it lapses (the
    # worker died) the node goes back to the queue for any worker.
    workflow_lease_seconds: float = Field(default=30.0, ge=1, le=3600)
    # Files: a local folder (default: DATA_DIR/files) or an S3-compatible store.
    storage_backend: Literal["local", "s3"] = "local"
    storage_dir: Path | None = None
    s3_endpoint_url: str | None = None
    s3_region: str = "us-east-1"
    s3_bucket: str = "athanor"
    s3_prefix: str = ""
    s3_access_key_id: str | None = None
    s3_secret_access_key: SecretStr | None = None
    storage_max_upload_bytes: int = Field(default=5 * 1024**3, ge=1024)
    # Parts of a resumable upload; S3 needs 5 MiB at least (but for the last).
    storage_upload_part_bytes: int = Field(default=8 * 1024**2, ge=5 * 1024**2, le=1024**3)
    storage_upload_ttl_hours: int = Field(default=48, ge=1, le=24 * 30)
    # Deleted files can be restored for this long, then they are purged.
    storage_retention_days: int = Field(default=30, ge=0, le=3650)
    storage_link_max_seconds: int = Field(default=7 * 24 * 3600, ge=60)
    # Public files are addressed through this base (a CDN in front of the public route).
    storage_cdn_base_url: str | None = None
    # The built web app; the default is the repository's web/dist next to src/.
    web_dist: Path = Path(__file__).resolve().parents[2] / "web" / "dist"

    @field_validator("encryption_keys", "cors_origins", "trusted_proxies", mode="before")
    @classmethod
    def _lists_from_commas(cls, value: Any) -> Any:
        return _split_list(value)

    @field_validator("encryption_keys")
    @classmethod
    def _valid_key_ring(cls, ring: list[str]) -> list[str]:
        for entry in ring:
            key_id, _, encoded = entry.partition(":")
            if not key_id or not encoded:
                raise ValueError("each key must be written 'id:base64', e.g. 'k1:...'")
            try:
                raw = base64.b64decode(encoded, validate=True)
            except binascii.Error as exc:
                raise ValueError(f"key {key_id!r} is not valid base64") from exc
            if len(raw) != 32:
                raise ValueError(f"key {key_id!r} must decode to 32 bytes (AES-256)")
        return ring

    @field_validator("rate_limit_user", "rate_limit_tenant", "rate_limit_api_key", "rate_limit_anonymous")
    @classmethod
    def _valid_rate(cls, value: str) -> str:
        try:
            parse_many(value)
        except ValueError as exc:
            raise ValueError(f"{value!r} is not a rate such as '100/minute'") from exc
        return value

    @field_validator("database_url")
    @classmethod
    def _supported_database(cls, value: str) -> str:
        if value and make_url(value).get_backend_name() not in {"sqlite", "postgresql"}:
            raise ValueError("only sqlite+aiosqlite:// and postgresql+asyncpg:// are supported")
        return value

    @model_validator(mode="after")
    def _fill_development_defaults(self) -> Settings:
        if not self.database_url:
            self.database_url = f"sqlite+aiosqlite:///{(self.data_dir / 'athanor.db').as_posix()}"
        if self.secret_key is None or not self.encryption_keys:
            if self.environment is Environment.PRODUCTION:
                raise ValueError("ATHANOR_SECRET_KEY and ATHANOR_ENCRYPTION_KEYS are required in production")
            generated = _development_secrets(self.data_dir)
            self.secret_key = self.secret_key or SecretStr(generated["secret_key"])
            self.encryption_keys = self.encryption_keys or [generated["encryption_key"]]
        if len(self.secret_key.get_secret_value()) < 32:
            raise ValueError("ATHANOR_SECRET_KEY must be at least 32 characters")
        return self

    @property
    def database_backend(self) -> str:
        return make_url(self.database_url).get_backend_name()

    @property
    def app_database_url(self) -> URL:
        """The URL the running app uses: on PostgreSQL, the non-superuser app role."""
        url = make_url(self.database_url)
        if url.get_backend_name() != "postgresql":
            return url
        return url.set(username=self.database_app_role, password=self.app_role_password)

    @property
    def app_role_password(self) -> str:
        if self.database_app_password is not None:
            return self.database_app_password.get_secret_value()
        return derive_secret(self, "database-app-role")[:32]


def derive_secret(settings: Settings, purpose: str) -> str:
    """A stable secret for one purpose, derived from the secret key."""
    import hashlib
    import hmac

    assert settings.secret_key is not None
    digest = hmac.new(settings.secret_key.get_secret_value().encode(), purpose.encode(), hashlib.sha256)
    return digest.hexdigest()


def _development_secrets(data_dir: Path) -> dict[str, str]:
    """Secrets kept in the data directory so a laptop install needs no configuration."""
    path = data_dir / "development-secrets.json"
    if path.exists():
        loaded: dict[str, str] = json.loads(path.read_text())
        return loaded
    data_dir.mkdir(parents=True, exist_ok=True)
    generated = {
        "secret_key": secrets.token_urlsafe(48),
        "encryption_key": "dev1:" + base64.b64encode(secrets.token_bytes(32)).decode(),
    }
    path.write_text(json.dumps(generated))
    path.chmod(0o600)
    return generated


def describe_validation_error(error: ValidationError) -> str:
    lines = ["Athanor cannot start: the configuration is not valid."]
    for item in error.errors():
        field = ".".join(str(part) for part in item["loc"]) or "settings"
        variable = f"ATHANOR_{field.upper()}" if item["loc"] else "configuration"
        lines.append(f"  - {variable}: {item['msg']}")
    lines.append("Set these in the environment or in .env, then start again.")
    return "\n".join(lines)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    try:
        return Settings()
    except ValidationError as error:
        raise ConfigurationError(describe_validation_error(error)) from None
