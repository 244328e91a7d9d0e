from __future__ import annotations

import httpx

from athanor.runtime import Runtime
from tests.builders import PASSWORD, make_member


async def test_me_with_bearer(client: httpx.AsyncClient, runtime: Runtime) -> None:
    owner = await make_member(runtime, "ada@example.com", tenant_name="Acme")
    response = await client.get("/api/me", headers=owner.headers)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["user"]["email"] == "ada@example.com"
    assert body["role"] == "owner"
    assert body["tenant_id"] == str(owner.tenant_id)


async def test_login_sets_cookie_and_csrf_guards_writes(client: httpx.AsyncClient, runtime: Runtime) -> None:
    await make_member(runtime, "ada@example.com", tenant_name="Acme")
    response = await client.post("/api/auth/login", json={"email": "ada@example.com", "password": PASSWORD})
    assert response.status_code == 200, response.text
    csrf = response.json()["csrf_token"]
    assert "athanor_session" in client.cookies
    assert (await client.get("/api/me")).status_code == 200
    refused = await client.patch("/api/me", json={"name": "Ada L."})
    assert refused.status_code == 403
    assert refused.json()["code"] == "auth.csrf_failed"
    allowed = await client.patch("/api/me", json={"name": "Ada L."}, headers={"X-CSRF-Token": csrf})
    assert allowed.status_code == 200
    assert allowed.json()["user"]["name"] == "Ada L."
