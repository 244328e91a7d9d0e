"""Behaviour fixed after review: stale sessions, out-of-range dates, what API keys may
see, readiness detail and the demo seed in production."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import httpx

from athanor.runtime import Runtime
from tests.builders import PASSWORD, make_member
from tests.conftest import app_client, make_settings
from tests.support import assert_problem


async def test_a_stale_cookie_still_logs_out_and_is_cleared(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    member = await make_member(runtime, "ada@example.com", tenant_name="Acme")
    signed_in = await client.post("/api/auth/login", json={"email": member.email, "password": PASSWORD})
    csrf = signed_in.json()["csrf_token"]
    # The session ends elsewhere (a password change on another device ends them all).
    await client.post(
        "/api/auth/password/change",
        json={"current_password": PASSWORD, "new_password": "another long password"},
        headers=member.headers,
    )
    assert_problem(await client.get("/api/me"), 401, "auth.session_expired")
    logout = await client.post("/api/auth/logout", headers={"X-CSRF-Token": csrf})
    assert logout.status_code == 204
    assert 'athanor_session=""' in logout.headers["set-cookie"]


async def test_out_of_range_dates_are_refused_not_crashed(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    owner = await make_member(runtime, "ada@example.com", tenant_name="Acme")
    since = await client.get(
        "/api/audit-events", params={"since": "0001-01-01T00:00:00+05:00"}, headers=owner.headers
    )
    assert_problem(since, 422, "validation_failed")
    key = await client.post(
        "/api/api-keys",
        json={"name": "far", "scopes": ["files:read"], "expires_at": "9999-12-31T23:59:59-05:00"},
        headers=owner.headers,
    )
    assert_problem(key, 422, "validation_failed")


async def test_an_api_key_sees_only_its_own_tenant(client: httpx.AsyncClient, runtime: Runtime) -> None:
    owner = await make_member(runtime, "ada@example.com", tenant_name="Acme")
    other = await client.post("/api/tenants", json={"name": "Secret Side Project"}, headers=owner.headers)
    assert other.status_code == 201
    key = await client.post(
        "/api/api-keys",
        json={"name": "integration", "scopes": ["files:read"]},
        headers={**owner.headers, "X-Athanor-Tenant": str(owner.tenant_id)},
    )
    headers = {"Authorization": f"Bearer {key.json()['secret']}"}
    me = (await client.get("/api/me", headers=headers)).json()
    assert [m["tenant_name"] for m in me["memberships"]] == ["Acme"]
    tenants = (await client.get("/api/tenants", headers=headers)).json()
    assert [t["name"] for t in tenants] == ["Acme"]


async def test_readiness_does_not_reveal_why_to_anonymous_callers(tmp_path: Path, database_url: str) -> None:
    settings = make_settings(database_url, tmp_path, redis_url="redis://127.0.0.1:1/0")
    async with app_client(settings) as http:
        response = await http.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"] == [{"name": "database", "ok": True}, {"name": "redis", "ok": False}]


def test_demo_seed_refuses_production(tmp_path: Path) -> None:
    env = {key: value for key, value in os.environ.items() if not key.startswith("ATHANOR_")}
    env.update(
        ATHANOR_DATA_DIR=str(tmp_path),
        ATHANOR_ENVIRONMENT="production",
        ATHANOR_SECRET_KEY="s" * 40,
        ATHANOR_ENCRYPTION_KEYS="k1:" + "A" * 43 + "=",
    )
    result = subprocess.run(
        [sys.executable, "-m", "athanor", "seed-demo"], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 2
    assert "refuses" in result.stderr
