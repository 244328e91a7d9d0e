"""Rate limits: the limiter itself on memory and Redis storage, and the per-key, per-user,
per-tenant and anonymous limits the API applies."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from redis.asyncio import Redis

from athanor.core.errors import RateLimited
from athanor.core.ratelimit import LimitRule, LimitState, RateLimiter, RateLimitUnavailable
from athanor.runtime import Runtime, build_runtime
from athanor.tenancy.models import Role
from tests.builders import PASSWORD, make_member
from tests.conftest import app_client, make_settings
from tests.support import PROBLEM

RATE_HEADERS = ("RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset")

# --- the limiter, on both storages ----------------------------------------------------------

LimiterFactory = Callable[..., RateLimiter]


@pytest.fixture(params=["memory", "redis"])
def storage_url(request: pytest.FixtureRequest) -> str | None:
    """None for in-memory storage, else the Redis URL (resolved outside the event loop)."""
    if request.param == "memory":
        return None
    url: str = request.getfixturevalue("redis_url")
    return url


@pytest.fixture
async def new_limiter(storage_url: str | None) -> AsyncIterator[LimiterFactory]:
    """Builds limiters on the storage under test; Redis ones share this test's namespace
    unless told otherwise, and their keys are deleted afterwards."""
    made: list[RateLimiter] = []
    namespaces: set[str] = set()
    if storage_url is None:

        def build(namespace: str | None = None) -> RateLimiter:
            made.append(RateLimiter(None))
            return made[-1]

        yield build
    else:
        redis_url = storage_url
        default = f"athanor-test-{uuid.uuid4().hex}"

        def build(namespace: str | None = None) -> RateLimiter:
            namespaces.add(namespace or default)
            made.append(RateLimiter(redis_url, namespace=namespace or default))
            return made[-1]

        yield build
        client = Redis.from_url(redis_url)
        try:
            for namespace in namespaces:
                keys = await client.keys(f"{namespace}:*")
                if keys:
                    await client.delete(*keys)
        finally:
            await client.aclose()
    for limiter in made:
        await limiter.close()


def rule(rate: str, identity: str = "u1", name: str = "user") -> LimitRule:
    return LimitRule(name, identity, rate)


async def refused(limiter: RateLimiter, rules: list[LimitRule]) -> RateLimited:
    with pytest.raises(RateLimited) as caught:
        await limiter.enforce(rules)
    return caught.value


async def test_allows_up_to_the_limit_then_refuses(new_limiter: LimiterFactory) -> None:
    limiter = new_limiter()
    rules = [rule("3/minute")]
    states = [await limiter.enforce(rules) for _ in range(3)]
    assert [state.remaining for state in states if state] == [2, 1, 0]
    assert all(state and state.limit == 3 for state in states)
    assert all(state and 55 <= state.reset_seconds <= 60 for state in states)

    error = await refused(limiter, rules)
    assert error.status == 429
    assert error.code == "rate_limited"
    retry_after = int(error.headers["Retry-After"])
    assert 55 <= retry_after <= 60
    assert error.params == {"retry_after": retry_after}
    assert error.headers["RateLimit-Limit"] == "3"
    assert error.headers["RateLimit-Remaining"] == "0"
    assert error.headers["RateLimit-Reset"] == str(retry_after)


async def test_state_renders_the_ratelimit_headers() -> None:
    state = LimitState(limit=10, remaining=4, reset_seconds=30)
    assert state.headers() == {"RateLimit-Limit": "10", "RateLimit-Remaining": "4", "RateLimit-Reset": "30"}


async def test_no_rules_means_no_limit(new_limiter: LimiterFactory) -> None:
    assert await new_limiter().enforce([]) is None


async def test_identities_and_rule_names_are_counted_apart(new_limiter: LimiterFactory) -> None:
    limiter = new_limiter()
    await limiter.enforce([rule("1/minute", "alice")])
    await refused(limiter, [rule("1/minute", "alice")])
    assert await limiter.enforce([rule("1/minute", "bob")])
    # The same identity under another rule name is another counter.
    assert await limiter.enforce([rule("1/minute", "alice", name="tenant")])


async def test_every_rate_of_a_rule_applies(new_limiter: LimiterFactory) -> None:
    limiter = new_limiter()
    rules = [rule("2/second;3/minute")]
    first = await limiter.enforce(rules)
    assert first == LimitState(limit=2, remaining=1, reset_seconds=1)
    await limiter.enforce(rules)
    per_second = await refused(limiter, rules)
    assert per_second.headers["RateLimit-Limit"] == "2"
    assert per_second.headers["Retry-After"] == "1"
    await asyncio.sleep(1.05)
    last = await limiter.enforce(rules)
    assert last is not None
    assert last.limit == 3
    assert last.remaining == 0
    per_minute = await refused(limiter, rules)
    assert per_minute.headers["RateLimit-Limit"] == "3"
    assert int(per_minute.headers["Retry-After"]) >= 55


async def test_the_window_moves(new_limiter: LimiterFactory) -> None:
    limiter = new_limiter()
    rules = [rule("1/second")]
    await limiter.enforce(rules)
    await refused(limiter, rules)
    await asyncio.sleep(1.05)
    state = await limiter.enforce(rules)
    assert state is not None
    assert state.remaining == 0


async def test_the_tightest_rule_gives_the_headers(new_limiter: LimiterFactory) -> None:
    limiter = new_limiter()
    rules = [
        rule("100/minute", "u1", "user"),
        rule("5/minute", "t1", "tenant"),
        rule("50/minute", "k1", "api_key"),
    ]
    state = await limiter.enforce(rules)
    assert state == LimitState(limit=5, remaining=4, reset_seconds=60)


async def test_a_refused_request_uses_up_no_other_limit(new_limiter: LimiterFactory) -> None:
    limiter = new_limiter()
    user = rule("3/minute", "u1", "user")
    key = rule("1/minute", "k1", "api_key")
    await limiter.enforce([user, key])
    for _ in range(5):
        error = await refused(limiter, [user, key])
        assert error.headers["RateLimit-Limit"] == "1"
    # The throttled key took one of the user's three requests, not six.
    state = await limiter.enforce([user])
    assert state is not None
    assert state.remaining == 1
    await limiter.enforce([user])
    await refused(limiter, [user])


async def test_storage_check(new_limiter: LimiterFactory) -> None:
    assert await new_limiter().check_storage() is True


async def test_limiters_on_one_redis_share_counts(redis_url: str) -> None:
    """Two API servers (two limiters) on the same Redis and namespace share one budget."""
    namespace = f"athanor-test-{uuid.uuid4().hex}"
    first = RateLimiter(redis_url, namespace=namespace)
    second = RateLimiter(redis_url, namespace=namespace)
    elsewhere = RateLimiter(redis_url, namespace=namespace + "-other")
    try:
        rules = [rule("3/minute")]
        assert (await first.enforce(rules)) == LimitState(limit=3, remaining=2, reset_seconds=60)
        state = await second.enforce(rules)
        assert state is not None
        assert state.remaining == 1
        await first.enforce(rules)
        await refused(second, rules)
        await refused(first, rules)
        # Another namespace (another deployment) has its own counts.
        assert await elsewhere.enforce(rules)
    finally:
        client = Redis.from_url(redis_url)
        for pattern in (f"{namespace}:*", f"{namespace}-other:*"):
            keys = await client.keys(pattern)
            if keys:
                await client.delete(*keys)
        await client.aclose()
        for limiter in (first, second, elsewhere):
            await limiter.close()


async def test_concurrent_requests_never_exceed_the_limit(redis_url: str) -> None:
    namespace = f"athanor-test-{uuid.uuid4().hex}"
    limiters = [RateLimiter(redis_url, namespace=namespace) for _ in range(2)]
    try:

        async def attempt(limiter: RateLimiter) -> bool:
            try:
                await limiter.enforce([rule("5/minute")])
            except RateLimited:
                return False
            return True

        results = await asyncio.gather(*(attempt(limiters[n % 2]) for n in range(20)))
        assert sum(results) == 5
    finally:
        client = Redis.from_url(redis_url)
        keys = await client.keys(f"{namespace}:*")
        if keys:
            await client.delete(*keys)
        await client.aclose()
        for limiter in limiters:
            await limiter.close()


# --- the limits the API applies -------------------------------------------------------------


Serve = Callable[..., Any]


@pytest.fixture
def serve(database_url: str, tmp_path: Path) -> Serve:
    """Runs the app on the test database with the given settings overrides."""

    @asynccontextmanager
    async def run(
        limiter: RateLimiter | None = None, **overrides: object
    ) -> AsyncIterator[tuple[Runtime, httpx.AsyncClient]]:
        settings = make_settings(database_url, tmp_path, **overrides)
        runtime = build_runtime(settings)
        if limiter is not None:
            runtime.limiter = limiter
        try:
            async with app_client(settings, runtime) as client:
                yield runtime, client
        finally:
            await runtime.close()

    return run


def assert_rate_limited(response: httpx.Response, limit: int) -> None:
    assert response.status_code == 429, response.text
    assert response.headers["content-type"].startswith(PROBLEM)
    body = response.json()
    assert body["code"] == "rate_limited"
    retry_after = int(response.headers["Retry-After"])
    assert 1 <= retry_after <= 60
    assert str(retry_after) in body["detail"]
    assert response.headers["RateLimit-Limit"] == str(limit)
    assert response.headers["RateLimit-Remaining"] == "0"
    assert 1 <= int(response.headers["RateLimit-Reset"]) <= 60


async def new_key(client: httpx.AsyncClient, headers: dict[str, str], **body: Any) -> str:
    response = await client.post(
        "/api/api-keys", json={"name": "k", "scopes": ["files:read"], **body}, headers=headers
    )
    assert response.status_code == 201, response.text
    secret: str = response.json()["secret"]
    return secret


async def test_an_api_key_gets_its_own_rate(serve: Serve) -> None:
    async with serve() as (runtime, client):
        owner = await make_member(runtime, "ada@example.com", tenant_name="Acme")
        secret = await new_key(client, owner.headers, rate_limit="2/minute")
        key = {"Authorization": f"Bearer {secret}"}
        first = await client.get("/api/me", headers=key)
        second = await client.get("/api/me", headers=key)
        assert first.status_code == second.status_code == 200
        assert first.headers["RateLimit-Limit"] == "2"
        assert first.headers["RateLimit-Remaining"] == "1"
        assert second.headers["RateLimit-Remaining"] == "0"
        assert 1 <= int(second.headers["RateLimit-Reset"]) <= 60
        assert "Retry-After" not in second.headers

        assert_rate_limited(await client.get("/api/me", headers=key), limit=2)
        # Another key of the same user has its own allowance, and the user's session too.
        other = {"Authorization": f"Bearer {await new_key(client, owner.headers, rate_limit='2/minute')}"}
        assert (await client.get("/api/me", headers=other)).status_code == 200
        assert (await client.get("/api/me", headers=owner.headers)).status_code == 200


async def test_a_refused_request_is_not_counted_as_a_use(serve: Serve) -> None:
    async with serve() as (runtime, client):
        owner = await make_member(runtime, "ada@example.com", tenant_name="Acme")
        created = await client.post(
            "/api/api-keys",
            json={"name": "k", "scopes": ["files:read"], "rate_limit": "1/minute"},
            headers=owner.headers,
        )
        key = {"Authorization": f"Bearer {created.json()['secret']}"}
        assert (await client.get("/api/me", headers=key)).status_code == 200
        assert (await client.get("/api/me", headers=key)).status_code == 429
        read = await client.get(f"/api/api-keys/{created.json()['id']}", headers=owner.headers)
        assert read.json()["usage_count"] == 1


async def test_keys_without_a_rate_use_the_default_key_rate(serve: Serve) -> None:
    async with serve(rate_limit_api_key="2/minute") as (runtime, client):
        owner = await make_member(runtime, "ada@example.com", tenant_name="Acme")
        key = {"Authorization": f"Bearer {await new_key(client, owner.headers)}"}
        for _ in range(2):
            assert (await client.get("/api/me", headers=key)).status_code == 200
        assert_rate_limited(await client.get("/api/me", headers=key), limit=2)
        # The default applies to keys only, not to the user's own session.
        assert (await client.get("/api/me", headers=owner.headers)).status_code == 200


async def test_a_throttled_key_does_not_lock_its_user_out(serve: Serve) -> None:
    async with serve(rate_limit_user="4/minute") as (runtime, client):
        owner = await make_member(runtime, "ada@example.com", tenant_name="Acme")
        key = {"Authorization": f"Bearer {await new_key(client, owner.headers, rate_limit='1/minute')}"}
        # 1 request went to create the key.
        assert (await client.get("/api/me", headers=key)).status_code == 200
        for _ in range(5):
            assert_rate_limited(await client.get("/api/me", headers=key), limit=1)
        assert (await client.get("/api/me", headers=owner.headers)).status_code == 200
        assert (await client.get("/api/me", headers=owner.headers)).status_code == 200
        assert_rate_limited(await client.get("/api/me", headers=owner.headers), limit=4)


async def test_each_user_has_a_rate(serve: Serve) -> None:
    async with serve(rate_limit_user="3/minute") as (runtime, client):
        ada = await make_member(runtime, "ada@example.com", tenant_name="Acme")
        bob = await make_member(runtime, "bob@example.com", tenant_id=ada.tenant_id, role=Role.MEMBER)
        remaining = []
        for _ in range(3):
            response = await client.get("/api/me", headers=ada.headers)
            assert response.status_code == 200
            assert response.headers["RateLimit-Limit"] == "3"
            remaining.append(response.headers["RateLimit-Remaining"])
        assert remaining == ["2", "1", "0"]
        assert_rate_limited(await client.get("/api/me", headers=ada.headers), limit=3)
        assert_rate_limited(await client.get("/api/tenants/current", headers=ada.headers), limit=3)
        # Someone else in the same tenant is not affected.
        assert (await client.get("/api/me", headers=bob.headers)).status_code == 200


async def test_a_users_keys_share_the_users_rate(serve: Serve) -> None:
    async with serve(rate_limit_user="3/minute") as (runtime, client):
        ada = await make_member(runtime, "ada@example.com", tenant_name="Acme")
        key = {"Authorization": f"Bearer {await new_key(client, ada.headers)}"}
        assert (await client.get("/api/me", headers=key)).status_code == 200
        assert (await client.get("/api/me", headers=ada.headers)).status_code == 200
        assert_rate_limited(await client.get("/api/me", headers=key), limit=3)
        assert_rate_limited(await client.get("/api/me", headers=ada.headers), limit=3)


async def test_each_tenant_has_a_rate(serve: Serve) -> None:
    async with serve(rate_limit_tenant="3/minute") as (runtime, client):
        ada = await make_member(runtime, "ada@example.com", tenant_name="Acme")
        bob = await make_member(runtime, "bob@example.com", tenant_id=ada.tenant_id, role=Role.MEMBER)
        eve = await make_member(runtime, "eve@example.com", tenant_name="Other")
        assert (await client.get("/api/me", headers=ada.headers)).status_code == 200
        assert (await client.get("/api/me", headers=bob.headers)).status_code == 200
        assert (await client.get("/api/me", headers=ada.headers)).status_code == 200
        assert_rate_limited(await client.get("/api/me", headers=bob.headers), limit=3)
        assert_rate_limited(await client.get("/api/me", headers=ada.headers), limit=3)
        assert (await client.get("/api/me", headers=eve.headers)).status_code == 200


async def test_sign_in_is_limited_per_client_address(serve: Serve) -> None:
    async with serve(rate_limit_anonymous="2/minute") as (runtime, client):
        await make_member(runtime, "ada@example.com", tenant_name="Acme")
        here = {"X-Forwarded-For": "203.0.113.7"}
        there = {"X-Forwarded-For": "198.51.100.9"}
        wrong = await client.post(
            "/api/auth/login", json={"email": "ada@example.com", "password": "nope"}, headers=here
        )
        assert wrong.status_code == 401
        good = {"email": "ada@example.com", "password": PASSWORD}
        ok = await client.post("/api/auth/login", json=good, headers=here)
        assert ok.status_code == 200
        assert ok.headers["RateLimit-Remaining"] == "0"
        # Even the right password is refused once the address is over its limit.
        assert_rate_limited(await client.post("/api/auth/login", json=good, headers=here), limit=2)
        assert_rate_limited(await client.post("/api/auth/token", json=good, headers=here), limit=2)
        assert (await client.post("/api/auth/login", json=good, headers=there)).status_code == 200


async def test_rate_limited_sign_in_does_not_count_a_failed_login(serve: Serve) -> None:
    async with serve(rate_limit_anonymous="1/minute", login_max_failures=2) as (runtime, client):
        await make_member(runtime, "ada@example.com", tenant_name="Acme")
        bad = {"email": "ada@example.com", "password": "nope"}
        here = {"X-Forwarded-For": "203.0.113.7"}
        assert (await client.post("/api/auth/login", json=bad, headers=here)).status_code == 401
        for _ in range(3):
            assert (await client.post("/api/auth/login", json=bad, headers=here)).status_code == 429
        # One failure counted, not four: the account is not locked.
        good = {"email": "ada@example.com", "password": PASSWORD}
        response = await client.post("/api/auth/login", json=good, headers={"X-Forwarded-For": "192.0.2.1"})
        assert response.status_code == 200, response.text


async def test_api_servers_on_one_redis_share_the_limits(serve: Serve, redis_url: str) -> None:
    namespace = f"athanor-test-{uuid.uuid4().hex}"
    try:
        async with (
            serve(RateLimiter(redis_url, namespace=namespace), rate_limit_user="3/minute") as (
                runtime,
                first,
            ),
            serve(RateLimiter(redis_url, namespace=namespace), rate_limit_user="3/minute") as (_, second),
        ):
            ada = await make_member(runtime, "ada@example.com", tenant_name="Acme")
            assert (await first.get("/api/me", headers=ada.headers)).status_code == 200
            assert (await second.get("/api/me", headers=ada.headers)).status_code == 200
            response = await first.get("/api/me", headers=ada.headers)
            assert response.headers["RateLimit-Remaining"] == "0"
            assert_rate_limited(await second.get("/api/me", headers=ada.headers), limit=3)
            assert_rate_limited(await first.get("/api/me", headers=ada.headers), limit=3)
    finally:
        client = Redis.from_url(redis_url)
        keys = await client.keys(f"{namespace}:*")
        if keys:
            await client.delete(*keys)
        await client.aclose()


async def test_unreachable_store_refuses_with_503_instead_of_letting_requests_through() -> None:
    limiter = RateLimiter("redis://127.0.0.1:1/0", namespace="unreachable")
    try:
        with pytest.raises(RateLimitUnavailable) as caught:
            await limiter.enforce([LimitRule("user", "u1", "5/minute")])
    finally:
        await limiter.close()
    assert caught.value.status == 503
    assert caught.value.headers["Retry-After"] == "5"
