"""Configuration errors stop start-up with a message; the CLI sets up and inspects an install."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from pydantic import ValidationError

from athanor.settings import Environment, Settings, describe_validation_error

ATHANOR = [sys.executable, "-m", "athanor"]


def _env(data_dir: Path, **extra: str) -> dict[str, str]:
    clean = {key: value for key, value in os.environ.items() if not key.startswith("ATHANOR_")}
    return {**clean, "ATHANOR_DATA_DIR": str(data_dir), "ATHANOR_LOG_LEVEL": "WARNING", **extra}


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*ATHANOR, *args], env=env, capture_output=True, text=True, timeout=120)


def test_development_generates_and_keeps_its_secrets(tmp_path: Path) -> None:
    first = Settings(data_dir=tmp_path)
    second = Settings(data_dir=tmp_path)
    assert first.secret_key is not None
    assert second.secret_key is not None
    assert first.secret_key.get_secret_value() == second.secret_key.get_secret_value()
    assert first.encryption_keys == second.encryption_keys
    assert first.database_url == f"sqlite+aiosqlite:///{(tmp_path / 'athanor.db').as_posix()}"
    assert oct((tmp_path / "development-secrets.json").stat().st_mode & 0o777) == "0o600"


def test_production_requires_secrets(tmp_path: Path) -> None:
    with pytest.raises(ValidationError) as caught:
        Settings(environment=Environment.PRODUCTION, data_dir=tmp_path)
    assert "ATHANOR_SECRET_KEY" in describe_validation_error(caught.value)


@pytest.mark.parametrize(
    ("field", "value", "fragment"),
    [
        ("encryption_keys", "k1:not-base64!", "not valid base64"),
        ("encryption_keys", "k1:" + "A" * 8, "32 bytes"),
        ("rate_limit_user", "lots", "not a rate"),
        ("database_url", "mysql://root@localhost/x", "only sqlite"),
        ("secret_key", "short", "at least 32"),
    ],
)
def test_invalid_values_are_explained(tmp_path: Path, field: str, value: str, fragment: str) -> None:
    with pytest.raises(ValidationError) as caught:
        Settings(data_dir=tmp_path, **{field: value})  # type: ignore[arg-type]
    message = describe_validation_error(caught.value)
    assert fragment in message
    assert message.startswith("Athanor cannot start")


@pytest.mark.slow
def test_cli_refuses_bad_configuration_without_a_traceback(tmp_path: Path) -> None:
    result = _run(["migrate"], _env(tmp_path, ATHANOR_RATE_LIMIT_USER="lots"))
    assert result.returncode == 2
    assert "ATHANOR_RATE_LIMIT_USER" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


@pytest.mark.slow
def test_seed_demo_is_idempotent_and_its_key_works(tmp_path: Path) -> None:
    env = _env(tmp_path, ATHANOR_ENVIRONMENT="test")
    assert _run(["migrate"], env).returncode == 0
    first = _run(["seed-demo", "--json"], env)
    second = _run(["seed-demo", "--json"], env)
    assert first.returncode == 0, first.stderr
    creds = json.loads(first.stdout)
    assert json.loads(second.stdout) == creds
    assert set(creds) == {"url", "email", "password", "tenant_id", "api_key"}
    assert creds["api_key"].startswith("ath_")
    # The demo handbook is stored once, however often the demo is seeded.
    assert len([path for path in (tmp_path / "files").rglob("*") if path.is_file()]) == 1
    script = (
        "import asyncio, json, sys\n"
        "from athanor.runtime import build_runtime\n"
        "from athanor.settings import get_settings\n"
        "from athanor.apikeys import service\n"
        "from athanor.db.scope import DbScope\n"
        "async def main():\n"
        "    runtime = build_runtime(get_settings())\n"
        "    async with runtime.db.session(DbScope.anonymous()) as s, s.begin():\n"
        "        key = await service.resolve_key(s, secret=sys.argv[1], token_key=runtime.token_key)\n"
        "        print(json.dumps(sorted(key.scopes)))\n"
        "    await runtime.close()\n"
        "asyncio.run(main())\n"
    )
    scopes = subprocess.run(
        [sys.executable, "-c", script, creds["api_key"]], env=env, capture_output=True, text=True
    )
    assert json.loads(scopes.stdout) == [
        "admin",
        "engines:execute",
        "files:read",
        "files:write",
        "workflows:run",
    ]


@pytest.mark.slow
def test_doctor_reports_a_missing_migration_and_an_unreachable_redis(tmp_path: Path) -> None:
    env = _env(tmp_path, ATHANOR_REDIS_URL="redis://127.0.0.1:1/0", COLUMNS="200")
    result = _run(["doctor"], env)
    assert result.returncode == 1
    assert "Run `athanor migrate`" in result.stdout
    assert "Is Redis running" in result.stdout


@pytest.mark.slow
def test_doctor_passes_on_a_healthy_install(tmp_path: Path, redis_url: str) -> None:
    env = _env(tmp_path, ATHANOR_REDIS_URL=redis_url, ATHANOR_BROKER_URL=redis_url, COLUMNS="200")
    assert _run(["migrate"], env).returncode == 0
    result = _run(["doctor"], env)
    assert result.returncode == 0, result.stdout
    for check in ("migrations", "database (app role)", "redis", "broker"):
        assert check in result.stdout


@pytest.mark.slow
def test_createsuperuser_validates_and_creates(tmp_path: Path) -> None:
    env = _env(tmp_path)
    assert _run(["migrate"], env).returncode == 0
    weak = _run(["createsuperuser", "--email", "root@example.com", "--password", "short"], env)
    assert weak.returncode == 2
    assert "password" in weak.stderr
    made = _run(["createsuperuser", "--email", "root@example.com", "--password", "long enough pass"], env)
    assert made.returncode == 0, made.stderr
    assert "Created super admin root@example.com" in made.stderr
    again = _run(["createsuperuser", "--email", "root@example.com", "--password", "long enough pass"], env)
    assert "Promoted" in again.stderr
