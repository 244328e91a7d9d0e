"""Cross-cutting HTTP behaviour: problem+json, languages, headers, limits, health."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from athanor.runtime import Runtime
from athanor.settings import Settings
from tests.builders import make_member
from tests.conftest import app_client, make_settings


async def test_unknown_route_is_problem_json(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/nothing-here")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["code"] == "not_found"
    assert body["status"] == 404
    assert body["instance"] == "/api/nothing-here"
    assert body["request_id"] == response.headers["x-request-id"]


async def test_validation_errors_name_each_field(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/api/auth/register", json={"email": "not-an-email", "password": "short", "surprise": 1}
    )
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "validation_failed"
    fields = {item["field"]: item["code"] for item in body["errors"]}
    assert fields["body.password"] == "too_short"
    assert fields["body.surprise"] == "unknown_field"
    assert "body.email" in fields


async def test_unparsable_body_is_400(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/api/auth/login", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert response.status_code == 400
    assert response.json()["code"] == "body.malformed"


async def test_text_that_is_not_unicode_is_a_malformed_body(client: httpx.AsyncClient) -> None:
    """A lone surrogate escape is not a character: refused before anything runs."""
    response = await client.post(
        "/api/auth/login",
        content=b'{"email": "a\\udac0@example.com", "password": "long enough"}',
        headers={"content-type": "application/json"},
    )
    assert response.status_code == 400
    assert response.json()["code"] == "body.malformed"


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("es-ES,es;q=0.9", "Inicia sesión para continuar."),
        ("ar", "سجّل الدخول للمتابعة."),
        ("en-GB", "Sign in to continue."),
    ],
)
async def test_errors_speak_the_callers_language(
    client: httpx.AsyncClient, language: str, expected: str
) -> None:
    response = await client.get("/api/me", headers={"Accept-Language": language})
    assert response.status_code == 401
    assert response.json()["detail"] == expected
    assert response.headers["content-language"] == language[:2]


async def test_saved_language_wins_over_header(client: httpx.AsyncClient, runtime: Runtime) -> None:
    member = await make_member(runtime, "ana@example.com", tenant_name="Acme")
    headers = {**member.headers, "Accept-Language": "en"}
    saved = await client.patch("/api/me", json={"locale": "es"}, headers=headers)
    assert saved.status_code == 200
    response = await client.get("/api/admin/users", headers=headers)
    assert response.status_code == 403
    assert response.json()["detail"] == "Solo los administradores de la plataforma pueden hacer esto."


async def test_security_headers_on_every_response(client: httpx.AsyncClient) -> None:
    response = await client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "strict-origin-when-cross-origin"
    # The test client speaks https, so HSTS is on.
    assert response.headers["strict-transport-security"].startswith("max-age=")


async def test_hsts_only_over_https(settings: Settings, runtime: Runtime) -> None:
    async with app_client(settings, runtime, base_url="http://plain") as http:
        response = await http.get("/healthz")
    assert "strict-transport-security" not in response.headers


async def test_body_over_the_limit_is_refused(tmp_path: Path, database_url: str) -> None:
    settings = make_settings(database_url, tmp_path, max_body_bytes=2048)
    async with app_client(settings) as http:
        declared = await http.post(
            "/api/auth/login", content=b"x" * 4096, headers={"content-type": "application/json"}
        )

        async def chunks():  # type: ignore[no-untyped-def]
            for _ in range(8):
                yield b"x" * 1024

        streamed = await http.post(
            "/api/auth/login", content=chunks(), headers={"content-type": "application/json"}
        )
    for response in (declared, streamed):
        assert response.status_code == 413
        assert response.json()["code"] == "body.too_large"


async def test_cors_only_for_configured_origins(tmp_path: Path, database_url: str) -> None:
    settings = make_settings(database_url, tmp_path, cors_origins=["https://app.example.com"])
    async with app_client(settings) as http:
        allowed = await http.get("/healthz", headers={"Origin": "https://app.example.com"})
        other = await http.get("/healthz", headers={"Origin": "https://evil.example.com"})
    assert allowed.headers["access-control-allow-origin"] == "https://app.example.com"
    assert "access-control-allow-origin" not in other.headers


async def test_trusted_proxy_sets_client_address(client: httpx.AsyncClient, runtime: Runtime) -> None:
    # The test transport connects from 127.0.0.1, a trusted proxy by default.
    member = await make_member(runtime, "ana@example.com", tenant_name="Acme")
    await client.patch(
        "/api/tenants/current",
        json={"name": "Acme 2"},
        headers={**member.headers, "X-Forwarded-For": "203.0.113.9"},
    )
    events = await client.get("/api/audit-events?action=tenant.settings_changed", headers=member.headers)
    assert events.json()["items"][0]["ip"] == "203.0.113.9"


async def test_metrics_count_requests(client: httpx.AsyncClient) -> None:
    await client.get("/healthz")
    response = await client.get("/metrics")
    assert response.status_code == 200
    assert 'athanor_http_requests_total{method="GET",route="/healthz",status="200"}' in response.text


async def test_readyz_reports_each_dependency(client: httpx.AsyncClient) -> None:
    response = await client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["checks"][0]["name"] == "database"


async def test_readyz_fails_when_redis_is_unreachable(tmp_path: Path, database_url: str) -> None:
    settings = make_settings(database_url, tmp_path, redis_url="redis://127.0.0.1:1/0")
    async with app_client(settings) as http:
        response = await http.get("/readyz")
    assert response.status_code == 503
    checks = {check["name"]: check["ok"] for check in response.json()["checks"]}
    assert checks == {"database": True, "redis": False}


async def test_readyz_reaches_real_redis_and_broker(
    tmp_path: Path, database_url: str, redis_url: str
) -> None:
    settings = make_settings(database_url, tmp_path, redis_url=redis_url, broker_url=redis_url)
    async with app_client(settings) as http:
        response = await http.get("/readyz")
    assert response.status_code == 200, response.text
    assert {check["name"] for check in response.json()["checks"]} == {"database", "redis", "broker"}


async def test_api_docs_work_offline(client: httpx.AsyncClient) -> None:
    page = await client.get("/docs")
    assert page.status_code == 200
    assert "/docs/assets/swagger-ui-bundle.js" in page.text
    assert "cdn." not in page.text
    bundle = await client.get("/docs/assets/swagger-ui-bundle.js")
    assert bundle.status_code == 200
    assert len(bundle.content) > 100_000
