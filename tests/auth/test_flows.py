"""Identity flows through the HTTP API: sign-up, email verification, sign-in (cookie and
bearer), lock-out, sign-out, password reset and change, and /api/me."""

from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import select, update

from athanor.audit.models import AuditEvent
from athanor.auth.models import AuthSession, OneTimeToken, User
from athanor.db.scope import DbScope
from athanor.db.types import utcnow
from athanor.runtime import Runtime
from athanor.tenancy.models import Membership, Role
from tests.builders import PASSWORD, Member, make_member
from tests.support import assert_problem, capture_logs, field_errors, link_token

NEW_PASSWORD = "a much better passphrase"


# ---------------------------------------------------------------- helpers


def set_cookies(response: httpx.Response) -> dict[str, str]:
    """Set-Cookie headers of a response by cookie name."""
    cookies = {}
    for header in response.headers.get_list("set-cookie"):
        name = header.split("=", 1)[0]
        cookies[name] = header
    return cookies


def attributes(set_cookie: str) -> set[str]:
    return {part.strip().lower() for part in set_cookie.split(";")[1:]}


async def register(client: httpx.AsyncClient, email: str, **extra: object) -> tuple[httpx.Response, str]:
    """Sign up and return the response and the verification token from the logged link."""
    with capture_logs() as logs:
        response = await client.post(
            "/api/auth/register", json={"email": email, "password": PASSWORD, "name": "Ada", **extra}
        )
    assert response.status_code == 201, response.text
    return response, link_token(logs, "verify_email")


async def login(
    client: httpx.AsyncClient, email: str, password: str = PASSWORD, **extra: object
) -> httpx.Response:
    return await client.post("/api/auth/login", json={"email": email, "password": password, **extra})


async def bearer(client: httpx.AsyncClient, email: str, password: str = PASSWORD) -> dict[str, str]:
    response = await client.post("/api/auth/token", json={"email": email, "password": password})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


async def load_user(runtime: Runtime, email: str) -> User:
    async with runtime.db.session(DbScope.anonymous()) as session:
        user = await session.scalar(select(User).where(User.email == email))
        assert user is not None
        return user


async def audit_actions(runtime: Runtime, action: str) -> list[AuditEvent]:
    async with runtime.db.session(DbScope.for_platform(None)) as session, session.begin():
        return list(
            (
                await session.scalars(
                    select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.created_at)
                )
            ).all()
        )


async def join(runtime: Runtime, owner: Member, user_id: uuid.UUID, role: Role) -> None:
    """Add a user to the tenant of `owner`."""
    assert owner.tenant_id is not None
    async with runtime.db.session(DbScope.for_tenant(owner.tenant_id)) as session, session.begin():
        session.add(Membership(user_id=user_id, role=role))


async def expire_tokens(runtime: Runtime) -> None:
    async with runtime.db.session(DbScope.anonymous()) as session, session.begin():
        await session.execute(update(OneTimeToken).values(expires_at=utcnow() - timedelta(seconds=1)))


# ---------------------------------------------------------------- registration


async def test_register_creates_an_unverified_account(client: httpx.AsyncClient) -> None:
    response, _token = await register(client, "Ada@Example.COM")
    body = response.json()
    assert body["email"] == "ada@example.com"
    assert body["name"] == "Ada"
    assert body["email_verified"] is False
    assert body["is_superadmin"] is False
    assert "password" not in str(body).lower()


async def test_register_logs_a_verification_link_to_the_public_url(client: httpx.AsyncClient) -> None:
    with capture_logs() as logs:
        response = await client.post(
            "/api/auth/register", json={"email": "ada@example.com", "password": PASSWORD}
        )
    assert response.status_code == 201
    [entry] = [entry for entry in logs if entry.get("event") == "mail.link"]
    assert entry["kind"] == "verify_email"
    assert entry["to"] == "ada@example.com"
    assert entry["url"].startswith("https://athanor.test/verify-email?token=")


async def test_register_with_a_taken_email_conflicts(client: httpx.AsyncClient) -> None:
    await register(client, "ada@example.com")
    response = await client.post(
        "/api/auth/register", json={"email": "ADA@example.com", "password": PASSWORD}
    )
    assert_problem(response, 409, "auth.email_taken")


async def test_concurrent_sign_ups_with_one_email_conflict(client: httpx.AsyncClient) -> None:
    first, second = await asyncio.gather(
        client.post("/api/auth/register", json={"email": "ada@example.com", "password": PASSWORD}),
        client.post("/api/auth/register", json={"email": "ada@example.com", "password": PASSWORD}),
    )
    assert sorted([first.status_code, second.status_code]) == [201, 409]
    conflict = first if first.status_code == 409 else second
    assert_problem(conflict, 409, "auth.email_taken")


async def test_register_refuses_a_weak_password_with_a_field_error(client: httpx.AsyncClient) -> None:
    response = await client.post("/api/auth/register", json={"email": "ada@example.com", "password": "short"})
    body = assert_problem(response, 422, "validation_failed")
    assert field_errors(body) == {"body.password": "too_short"}
    assert body["errors"][0]["message"] == "Must be at least 10 characters."


async def test_register_refuses_unknown_fields(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/api/auth/register",
        json={"email": "ada@example.com", "password": PASSWORD, "is_superadmin": True},
    )
    body = assert_problem(response, 422, "validation_failed")
    assert field_errors(body) == {"body.is_superadmin": "unknown_field"}


async def test_register_refuses_an_invalid_email(client: httpx.AsyncClient) -> None:
    response = await client.post("/api/auth/register", json={"email": "not-an-email", "password": PASSWORD})
    body = assert_problem(response, 422, "validation_failed")
    assert "body.email" in field_errors(body)


async def test_register_refuses_a_body_that_is_not_json(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/api/auth/register", content=b"{not json", headers={"Content-Type": "application/json"}
    )
    assert_problem(response, 400, "body.malformed")


async def test_a_failed_registration_writes_nothing(client: httpx.AsyncClient, runtime: Runtime) -> None:
    await client.post("/api/auth/register", json={"email": "ada@example.com", "password": "short"})
    async with runtime.db.session(DbScope.anonymous()) as session:
        assert await session.scalar(select(User).where(User.email == "ada@example.com")) is None


# ---------------------------------------------------------------- email verification


async def test_verify_email_marks_the_account_verified(client: httpx.AsyncClient) -> None:
    _response, token = await register(client, "ada@example.com")
    verified = await client.post("/api/auth/verify-email", json={"token": token})
    assert verified.status_code == 200, verified.text
    assert verified.json()["email_verified"] is True
    me = await client.get("/api/me", headers=await bearer(client, "ada@example.com"))
    assert me.json()["user"]["email_verified"] is True


async def test_verification_token_works_once(client: httpx.AsyncClient) -> None:
    _response, token = await register(client, "ada@example.com")
    assert (await client.post("/api/auth/verify-email", json={"token": token})).status_code == 200
    again = await client.post("/api/auth/verify-email", json={"token": token})
    assert_problem(again, 400, "auth.invalid_token")


async def test_expired_verification_token_is_refused(client: httpx.AsyncClient, runtime: Runtime) -> None:
    _response, token = await register(client, "ada@example.com")
    await expire_tokens(runtime)
    response = await client.post("/api/auth/verify-email", json={"token": token})
    assert_problem(response, 400, "auth.invalid_token")
    assert (await load_user(runtime, "ada@example.com")).email_verified_at is None


async def test_unknown_verification_token_is_refused(client: httpx.AsyncClient) -> None:
    response = await client.post("/api/auth/verify-email", json={"token": "x" * 43})
    assert_problem(response, 400, "auth.invalid_token")


async def test_resending_verification_replaces_the_earlier_link(client: httpx.AsyncClient) -> None:
    _response, first = await register(client, "ada@example.com")
    headers = await bearer(client, "ada@example.com")
    with capture_logs() as logs:
        resent = await client.post("/api/auth/verify-email/resend", headers=headers)
    assert resent.status_code == 202
    second = link_token(logs, "verify_email")
    assert_problem(
        await client.post("/api/auth/verify-email", json={"token": first}), 400, "auth.invalid_token"
    )
    assert (await client.post("/api/auth/verify-email", json={"token": second})).status_code == 200


async def test_resend_for_a_verified_account_sends_nothing(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    owner = await make_member(runtime, "ada@example.com", tenant_name="Acme")
    with capture_logs() as logs:
        response = await client.post("/api/auth/verify-email/resend", headers=owner.headers)
    assert response.status_code == 202
    assert not [entry for entry in logs if entry.get("event") == "mail.link"]


# ---------------------------------------------------------------- cookie sign-in and CSRF


async def test_login_sets_a_secure_http_only_lax_session_cookie(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    owner = await make_member(runtime, "ada@example.com", tenant_name="Acme")
    response = await login(client, "ada@example.com")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["user"]["email"] == "ada@example.com"
    assert body["tenant_id"] == str(owner.tenant_id)
    cookies = set_cookies(response)
    session_cookie = attributes(cookies["athanor_session"])
    assert {"httponly", "secure", "samesite=lax", "path=/"} <= session_cookie
    csrf_cookie = attributes(cookies["athanor_csrf"])
    assert "httponly" not in csrf_cookie  # the SPA reads it
    assert {"secure", "samesite=lax"} <= csrf_cookie
    assert client.cookies["athanor_csrf"] == body["csrf_token"]


async def test_cookie_session_reads_without_csrf(client: httpx.AsyncClient, runtime: Runtime) -> None:
    await make_member(runtime, "ada@example.com", tenant_name="Acme")
    await login(client, "ada@example.com")
    me = await client.get("/api/me")
    assert me.status_code == 200
    assert me.json()["via"] == "cookie"


async def test_cookie_session_writes_need_the_csrf_header(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    await make_member(runtime, "ada@example.com", tenant_name="Acme")
    await login(client, "ada@example.com")
    refused = await client.patch("/api/me", json={"name": "Ada L."})
    assert_problem(refused, 403, "auth.csrf_failed")
    assert (await client.get("/api/me")).json()["user"]["name"] == "ada"


async def test_cookie_session_refuses_a_wrong_csrf_token(client: httpx.AsyncClient, runtime: Runtime) -> None:
    await make_member(runtime, "ada@example.com", tenant_name="Acme")
    await login(client, "ada@example.com")
    refused = await client.patch("/api/me", json={"name": "Ada L."}, headers={"X-CSRF-Token": "0" * 64})
    assert_problem(refused, 403, "auth.csrf_failed")


async def test_csrf_token_of_another_session_is_refused(client: httpx.AsyncClient, runtime: Runtime) -> None:
    await make_member(runtime, "ada@example.com", tenant_name="Acme")
    other_csrf = (await login(client, "ada@example.com")).json()["csrf_token"]
    await login(client, "ada@example.com")
    refused = await client.patch("/api/me", json={"name": "Ada L."}, headers={"X-CSRF-Token": other_csrf})
    assert_problem(refused, 403, "auth.csrf_failed")


async def test_cookie_session_writes_with_the_csrf_header(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    await make_member(runtime, "ada@example.com", tenant_name="Acme")
    csrf = (await login(client, "ada@example.com")).json()["csrf_token"]
    allowed = await client.patch("/api/me", json={"name": "Ada L."}, headers={"X-CSRF-Token": csrf})
    assert allowed.status_code == 200, allowed.text
    assert allowed.json()["user"]["name"] == "Ada L."


async def test_login_into_a_chosen_tenant(client: httpx.AsyncClient, runtime: Runtime) -> None:
    first = await make_member(runtime, "ada@example.com", tenant_name="Acme")
    other = await make_member(runtime, "bob@example.com", tenant_name="Globex")
    await join(runtime, other, first.user_id, Role.MEMBER)
    response = await login(client, "ada@example.com", tenant_id=str(other.tenant_id))
    assert response.status_code == 200, response.text
    assert response.json()["tenant_id"] == str(other.tenant_id)
    me = (await client.get("/api/me")).json()
    assert me["tenant_id"] == str(other.tenant_id)
    assert me["role"] == "member"


async def test_login_into_a_tenant_of_someone_else_is_not_found(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    await make_member(runtime, "ada@example.com", tenant_name="Acme")
    other = await make_member(runtime, "bob@example.com", tenant_name="Globex")
    response = await login(client, "ada@example.com", tenant_id=str(other.tenant_id))
    assert_problem(response, 404, "tenant.not_found")
    assert "athanor_session" not in client.cookies


# ---------------------------------------------------------------- bearer tokens


async def test_token_endpoint_issues_a_bearer_token(client: httpx.AsyncClient, runtime: Runtime) -> None:
    owner = await make_member(runtime, "ada@example.com", tenant_name="Acme")
    response = await client.post("/api/auth/token", json={"email": "ada@example.com", "password": PASSWORD})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["token_type"] == "bearer"
    assert body["tenant_id"] == str(owner.tenant_id)
    assert "set-cookie" not in response.headers
    me = await client.get("/api/me", headers={"Authorization": f"Bearer {body['access_token']}"})
    assert me.status_code == 200
    assert me.json()["via"] == "bearer"


async def test_bearer_writes_need_no_csrf(client: httpx.AsyncClient, runtime: Runtime) -> None:
    await make_member(runtime, "ada@example.com", tenant_name="Acme")
    headers = await bearer(client, "ada@example.com")
    response = await client.patch("/api/me", json={"name": "Ada L."}, headers=headers)
    assert response.status_code == 200, response.text


async def test_token_endpoint_refuses_a_wrong_password(client: httpx.AsyncClient, runtime: Runtime) -> None:
    await make_member(runtime, "ada@example.com", tenant_name="Acme")
    response = await client.post("/api/auth/token", json={"email": "ada@example.com", "password": "wrong!"})
    assert_problem(response, 401, "auth.invalid_credentials")


async def test_unknown_bearer_token_is_refused(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/me", headers={"Authorization": "Bearer aths_not-a-real-token"})
    assert_problem(response, 401, "auth.session_expired")


async def test_expired_bearer_token_is_refused(client: httpx.AsyncClient, runtime: Runtime) -> None:
    owner = await make_member(runtime, "ada@example.com", tenant_name="Acme")
    async with runtime.db.session(DbScope.anonymous()) as session, session.begin():
        await session.execute(update(AuthSession).values(expires_at=utcnow() - timedelta(seconds=1)))
    assert_problem(await client.get("/api/me", headers=owner.headers), 401, "auth.session_expired")


async def test_disabled_account_loses_its_sessions(client: httpx.AsyncClient, runtime: Runtime) -> None:
    owner = await make_member(runtime, "ada@example.com", tenant_name="Acme")
    async with runtime.db.session(DbScope.anonymous()) as session, session.begin():
        await session.execute(update(User).values(is_active=False))
    assert_problem(await client.get("/api/me", headers=owner.headers), 401, "auth.session_expired")
    assert_problem(await login(client, "ada@example.com"), 401, "auth.account_disabled")


async def test_anonymous_me_is_unauthenticated(client: httpx.AsyncClient) -> None:
    assert_problem(await client.get("/api/me"), 401, "auth.unauthenticated")


# ---------------------------------------------------------------- wrong passwords and lock-out


async def test_wrong_password_is_refused(client: httpx.AsyncClient, runtime: Runtime) -> None:
    await make_member(runtime, "ada@example.com", tenant_name="Acme")
    response = await login(client, "ada@example.com", "not the password")
    assert_problem(response, 401, "auth.invalid_credentials")
    assert "athanor_session" not in client.cookies


async def test_unknown_email_gets_the_same_answer_as_a_wrong_password(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    await make_member(runtime, "ada@example.com", tenant_name="Acme")
    wrong = await login(client, "ada@example.com", "not the password")
    unknown = await login(client, "nobody@example.com", "not the password")
    assert wrong.status_code == unknown.status_code == 401

    def comparable(response: httpx.Response) -> dict[str, Any]:
        body: dict[str, Any] = response.json()
        return {key: value for key, value in body.items() if key != "request_id"}

    assert comparable(wrong) == comparable(unknown)


async def test_failed_logins_are_counted_and_audited(client: httpx.AsyncClient, runtime: Runtime) -> None:
    await make_member(runtime, "ada@example.com", tenant_name="Acme")
    for _ in range(2):
        assert (await login(client, "ada@example.com", "not the password")).status_code == 401
    assert (await load_user(runtime, "ada@example.com")).failed_logins == 2
    events = await audit_actions(runtime, "auth.login_failed")
    assert len(events) == 2
    assert all(event.outcome == "failure" for event in events)
    assert events[0].details == {"email": "ada@example.com", "reason": "auth.invalid_credentials"}


async def test_a_successful_login_clears_the_failure_count(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    await make_member(runtime, "ada@example.com", tenant_name="Acme")
    await login(client, "ada@example.com", "not the password")
    assert (await login(client, "ada@example.com")).status_code == 200
    user = await load_user(runtime, "ada@example.com")
    assert user.failed_logins == 0
    assert user.last_login_at is not None


async def test_too_many_failures_lock_the_account_even_for_the_right_password(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    await make_member(runtime, "ada@example.com", tenant_name="Acme")
    limit = runtime.settings.login_max_failures
    assert limit == 5
    for _ in range(limit):
        assert_problem(
            await login(client, "ada@example.com", "not the password"), 401, "auth.invalid_credentials"
        )
    locked = await login(client, "ada@example.com")
    body = assert_problem(locked, 423, "auth.account_locked")
    retry_after = int(locked.headers["Retry-After"])
    assert 0 < retry_after <= runtime.settings.login_lockout_seconds + 1
    assert str(retry_after) in body["detail"]
    assert "athanor_session" not in client.cookies
    token = await client.post("/api/auth/token", json={"email": "ada@example.com", "password": PASSWORD})
    assert_problem(token, 423, "auth.account_locked")


async def test_the_lock_out_is_audited(client: httpx.AsyncClient, runtime: Runtime) -> None:
    await make_member(runtime, "ada@example.com", tenant_name="Acme")
    for _ in range(runtime.settings.login_max_failures):
        await login(client, "ada@example.com", "not the password")
    await login(client, "ada@example.com")
    events = await audit_actions(runtime, "auth.login_failed")
    assert len(events) == runtime.settings.login_max_failures + 1
    assert events[-1].details["reason"] == "auth.account_locked"


async def test_the_lock_out_ends_after_its_time(client: httpx.AsyncClient, runtime: Runtime) -> None:
    await make_member(runtime, "ada@example.com", tenant_name="Acme")
    for _ in range(runtime.settings.login_max_failures):
        await login(client, "ada@example.com", "not the password")
    async with runtime.db.session(DbScope.anonymous()) as session, session.begin():
        await session.execute(update(User).values(locked_until=utcnow() - timedelta(seconds=1)))
    assert (await login(client, "ada@example.com")).status_code == 200


async def test_concurrent_failures_are_all_counted(client: httpx.AsyncClient, runtime: Runtime) -> None:
    await make_member(runtime, "ada@example.com", tenant_name="Acme")
    attempts = runtime.settings.login_max_failures - 1
    responses = await asyncio.gather(
        *(login(client, "ada@example.com", f"guess number {n}") for n in range(attempts))
    )
    assert [response.status_code for response in responses] == [401] * attempts
    assert (await load_user(runtime, "ada@example.com")).failed_logins == attempts


async def test_a_burst_of_guesses_cannot_outrun_the_lock_out(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    await make_member(runtime, "ada@example.com", tenant_name="Acme")
    limit = runtime.settings.login_max_failures
    responses = await asyncio.gather(
        *(login(client, "ada@example.com", f"guess {n}") for n in range(limit + 3))
    )
    codes = sorted(response.json()["code"] for response in responses)
    assert codes == ["auth.account_locked"] * 3 + ["auth.invalid_credentials"] * limit
    assert_problem(await login(client, "ada@example.com"), 423, "auth.account_locked")


async def test_unknown_emails_never_lock_anything(client: httpx.AsyncClient, runtime: Runtime) -> None:
    for _ in range(runtime.settings.login_max_failures + 1):
        assert_problem(
            await login(client, "nobody@example.com", "whatever!"), 401, "auth.invalid_credentials"
        )


# ---------------------------------------------------------------- sign-out


async def test_logout_revokes_a_bearer_token(client: httpx.AsyncClient, runtime: Runtime) -> None:
    await make_member(runtime, "ada@example.com", tenant_name="Acme")
    headers = await bearer(client, "ada@example.com")
    assert (await client.post("/api/auth/logout", headers=headers)).status_code == 204
    assert_problem(await client.get("/api/me", headers=headers), 401, "auth.session_expired")


async def test_logout_revokes_the_cookie_session_and_clears_cookies(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    await make_member(runtime, "ada@example.com", tenant_name="Acme")
    csrf = (await login(client, "ada@example.com")).json()["csrf_token"]
    stolen = client.cookies["athanor_session"]
    response = await client.post("/api/auth/logout", headers={"X-CSRF-Token": csrf})
    assert response.status_code == 204
    cleared = set_cookies(response)
    assert "max-age=0" in attributes(cleared["athanor_session"])
    assert "max-age=0" in attributes(cleared["athanor_csrf"])
    assert "athanor_session" not in client.cookies
    assert_problem(await client.get("/api/me"), 401, "auth.unauthenticated")
    replayed = await client.get("/api/me", headers={"Cookie": f"athanor_session={stolen}"})
    assert_problem(replayed, 401, "auth.session_expired")


async def test_logout_of_a_cookie_session_needs_csrf(client: httpx.AsyncClient, runtime: Runtime) -> None:
    await make_member(runtime, "ada@example.com", tenant_name="Acme")
    await login(client, "ada@example.com")
    assert_problem(await client.post("/api/auth/logout"), 403, "auth.csrf_failed")
    assert (await client.get("/api/me")).status_code == 200


async def test_logout_leaves_other_sessions_alone(client: httpx.AsyncClient, runtime: Runtime) -> None:
    owner = await make_member(runtime, "ada@example.com", tenant_name="Acme")
    headers = await bearer(client, "ada@example.com")
    await client.post("/api/auth/logout", headers=headers)
    assert (await client.get("/api/me", headers=owner.headers)).status_code == 200


# ---------------------------------------------------------------- forgotten password


async def test_forgot_password_answers_the_same_for_unknown_emails(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    await make_member(runtime, "ada@example.com", tenant_name="Acme")
    with capture_logs() as logs:
        known = await client.post("/api/auth/password/forgot", json={"email": "ada@example.com"})
        unknown = await client.post("/api/auth/password/forgot", json={"email": "nobody@example.com"})
    assert known.status_code == unknown.status_code == 202
    assert known.json() == unknown.json() == {"status": "accepted"}
    links = [entry for entry in logs if entry.get("event") == "mail.link"]
    assert [(entry["kind"], entry["to"]) for entry in links] == [("reset_password", "ada@example.com")]


async def request_reset(client: httpx.AsyncClient, email: str) -> str:
    with capture_logs() as logs:
        response = await client.post("/api/auth/password/forgot", json={"email": email})
    assert response.status_code == 202
    return link_token(logs, "reset_password")


async def test_reset_password_sets_the_new_password(client: httpx.AsyncClient, runtime: Runtime) -> None:
    await make_member(runtime, "ada@example.com", tenant_name="Acme")
    token = await request_reset(client, "ada@example.com")
    response = await client.post("/api/auth/password/reset", json={"token": token, "password": NEW_PASSWORD})
    assert response.status_code == 204, response.text
    assert_problem(await login(client, "ada@example.com"), 401, "auth.invalid_credentials")
    assert (await login(client, "ada@example.com", NEW_PASSWORD)).status_code == 200


async def test_reset_password_ends_every_session(client: httpx.AsyncClient, runtime: Runtime) -> None:
    owner = await make_member(runtime, "ada@example.com", tenant_name="Acme")
    other = await bearer(client, "ada@example.com")
    token = await request_reset(client, "ada@example.com")
    await client.post("/api/auth/password/reset", json={"token": token, "password": NEW_PASSWORD})
    assert_problem(await client.get("/api/me", headers=owner.headers), 401, "auth.session_expired")
    assert_problem(await client.get("/api/me", headers=other), 401, "auth.session_expired")


async def test_reset_link_works_once(client: httpx.AsyncClient, runtime: Runtime) -> None:
    await make_member(runtime, "ada@example.com", tenant_name="Acme")
    token = await request_reset(client, "ada@example.com")
    first = await client.post("/api/auth/password/reset", json={"token": token, "password": NEW_PASSWORD})
    assert first.status_code == 204
    second = await client.post(
        "/api/auth/password/reset", json={"token": token, "password": "yet another one!"}
    )
    assert_problem(second, 400, "auth.invalid_token")
    assert (await login(client, "ada@example.com", NEW_PASSWORD)).status_code == 200


async def test_expired_reset_link_is_refused(client: httpx.AsyncClient, runtime: Runtime) -> None:
    await make_member(runtime, "ada@example.com", tenant_name="Acme")
    token = await request_reset(client, "ada@example.com")
    await expire_tokens(runtime)
    response = await client.post("/api/auth/password/reset", json={"token": token, "password": NEW_PASSWORD})
    assert_problem(response, 400, "auth.invalid_token")
    assert (await login(client, "ada@example.com")).status_code == 200


async def test_a_verification_token_cannot_reset_a_password(client: httpx.AsyncClient) -> None:
    _response, token = await register(client, "ada@example.com")
    response = await client.post("/api/auth/password/reset", json={"token": token, "password": NEW_PASSWORD})
    assert_problem(response, 400, "auth.invalid_token")


async def test_reset_refuses_a_weak_password_and_keeps_the_link(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    await make_member(runtime, "ada@example.com", tenant_name="Acme")
    token = await request_reset(client, "ada@example.com")
    weak = await client.post("/api/auth/password/reset", json={"token": token, "password": "short"})
    body = assert_problem(weak, 422, "validation_failed")
    assert field_errors(body) == {"body.password": "too_short"}
    ok = await client.post("/api/auth/password/reset", json={"token": token, "password": NEW_PASSWORD})
    assert ok.status_code == 204


async def test_reset_unlocks_a_locked_account(client: httpx.AsyncClient, runtime: Runtime) -> None:
    await make_member(runtime, "ada@example.com", tenant_name="Acme")
    for _ in range(runtime.settings.login_max_failures):
        await login(client, "ada@example.com", "not the password")
    token = await request_reset(client, "ada@example.com")
    await client.post("/api/auth/password/reset", json={"token": token, "password": NEW_PASSWORD})
    assert (await login(client, "ada@example.com", NEW_PASSWORD)).status_code == 200


async def test_a_newer_reset_link_replaces_the_older_one(client: httpx.AsyncClient, runtime: Runtime) -> None:
    await make_member(runtime, "ada@example.com", tenant_name="Acme")
    first = await request_reset(client, "ada@example.com")
    second = await request_reset(client, "ada@example.com")
    stale = await client.post("/api/auth/password/reset", json={"token": first, "password": NEW_PASSWORD})
    assert_problem(stale, 400, "auth.invalid_token")
    fresh = await client.post("/api/auth/password/reset", json={"token": second, "password": NEW_PASSWORD})
    assert fresh.status_code == 204


# ---------------------------------------------------------------- changing the password


async def test_change_password_checks_the_current_one(client: httpx.AsyncClient, runtime: Runtime) -> None:
    owner = await make_member(runtime, "ada@example.com", tenant_name="Acme")
    response = await client.post(
        "/api/auth/password/change",
        json={"current_password": "not the password", "new_password": NEW_PASSWORD},
        headers=owner.headers,
    )
    assert_problem(response, 400, "auth.wrong_password")
    assert (await client.get("/api/me", headers=owner.headers)).status_code == 200
    assert (await login(client, "ada@example.com")).status_code == 200


async def test_change_password_sets_it_and_ends_sessions(client: httpx.AsyncClient, runtime: Runtime) -> None:
    owner = await make_member(runtime, "ada@example.com", tenant_name="Acme")
    other = await bearer(client, "ada@example.com")
    response = await client.post(
        "/api/auth/password/change",
        json={"current_password": PASSWORD, "new_password": NEW_PASSWORD},
        headers=owner.headers,
    )
    assert response.status_code == 204, response.text
    assert_problem(await client.get("/api/me", headers=owner.headers), 401, "auth.session_expired")
    assert_problem(await client.get("/api/me", headers=other), 401, "auth.session_expired")
    assert_problem(await login(client, "ada@example.com"), 401, "auth.invalid_credentials")
    assert (await login(client, "ada@example.com", NEW_PASSWORD)).status_code == 200


async def test_change_password_in_a_browser_clears_its_cookies(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    await make_member(runtime, "ada@example.com", tenant_name="Acme")
    csrf = (await login(client, "ada@example.com")).json()["csrf_token"]
    response = await client.post(
        "/api/auth/password/change",
        json={"current_password": PASSWORD, "new_password": NEW_PASSWORD},
        headers={"X-CSRF-Token": csrf},
    )
    assert response.status_code == 204, response.text
    assert "max-age=0" in attributes(set_cookies(response)["athanor_session"])
    assert_problem(await client.get("/api/me"), 401, "auth.unauthenticated")


async def test_change_password_refuses_a_weak_new_password(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    owner = await make_member(runtime, "ada@example.com", tenant_name="Acme")
    response = await client.post(
        "/api/auth/password/change",
        json={"current_password": PASSWORD, "new_password": "short"},
        headers=owner.headers,
    )
    body = assert_problem(response, 422, "validation_failed")
    assert field_errors(body) == {"body.new_password": "too_short"}


async def test_change_password_needs_a_session(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/api/auth/password/change", json={"current_password": PASSWORD, "new_password": NEW_PASSWORD}
    )
    assert_problem(response, 401, "auth.unauthenticated")


# ---------------------------------------------------------------- /api/me


async def test_me_reports_role_permissions_and_memberships(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    owner = await make_member(runtime, "ada@example.com", tenant_name="Acme")
    viewer = await make_member(runtime, "bob@example.com", tenant_id=owner.tenant_id, role=Role.VIEWER)
    me = (await client.get("/api/me", headers=viewer.headers)).json()
    assert me["role"] == "viewer"
    assert me["tenant_id"] == str(owner.tenant_id)
    assert me["permissions"] == [
        "engines:read",
        "files:read",
        "members:read",
        "providers:read",
        "tenant:read",
        "wallet:read",
        "workflows:read",
    ]
    assert me["memberships"] == [{"tenant_id": str(owner.tenant_id), "tenant_name": "Acme", "role": "viewer"}]
    owner_me = (await client.get("/api/me", headers=owner.headers)).json()
    assert owner_me["role"] == "owner"
    assert {"tenant:write", "members:write", "audit:read"} <= set(owner_me["permissions"])
    assert owner_me["impersonator_id"] is None


async def test_me_lists_memberships_of_every_tenant(client: httpx.AsyncClient, runtime: Runtime) -> None:
    owner = await make_member(runtime, "ada@example.com", tenant_name="Acme")
    other = await make_member(runtime, "bob@example.com", tenant_name="Globex")
    await join(runtime, other, owner.user_id, Role.ADMIN)
    me = (await client.get("/api/me", headers=owner.headers)).json()
    assert me["tenant_id"] == str(owner.tenant_id)
    assert sorted((item["tenant_name"], item["role"]) for item in me["memberships"]) == [
        ("Acme", "owner"),
        ("Globex", "admin"),
    ]


async def test_me_without_a_tenant_has_no_role(client: httpx.AsyncClient, runtime: Runtime) -> None:
    lone = await make_member(runtime, "ada@example.com")
    me = (await client.get("/api/me", headers=lone.headers)).json()
    assert me["tenant_id"] is None
    assert me["role"] is None
    assert me["permissions"] == []
    assert me["memberships"] == []


async def test_update_me_refuses_an_unsupported_locale(client: httpx.AsyncClient, runtime: Runtime) -> None:
    owner = await make_member(runtime, "ada@example.com", tenant_name="Acme")
    response = await client.patch("/api/me", json={"locale": "xx"}, headers=owner.headers)
    body = assert_problem(response, 422, "validation_failed")
    assert field_errors(body) == {"body.locale": "invalid_choice"}


async def test_locale_choice_sets_the_language_of_errors(client: httpx.AsyncClient, runtime: Runtime) -> None:
    owner = await make_member(runtime, "ada@example.com", tenant_name="Acme")
    english = await client.get(f"/api/members/{uuid.uuid4()}", headers=owner.headers)
    assert_problem(english, 404, "member.not_found")
    assert english.headers["content-language"] == "en"
    updated = await client.patch("/api/me", json={"locale": "es"}, headers=owner.headers)
    assert updated.status_code == 200
    assert updated.json()["user"]["locale"] == "es"
    spanish = await client.get(f"/api/members/{uuid.uuid4()}", headers=owner.headers)
    assert_problem(spanish, 404, "member.not_found")
    assert spanish.headers["content-language"] == "es"


async def test_saved_locale_wins_over_accept_language(client: httpx.AsyncClient, runtime: Runtime) -> None:
    owner = await make_member(runtime, "ada@example.com", tenant_name="Acme")
    await client.patch("/api/me", json={"locale": "ar"}, headers=owner.headers)
    response = await client.get(
        f"/api/members/{uuid.uuid4()}", headers={**owner.headers, "Accept-Language": "es"}
    )
    assert response.headers["content-language"] == "ar"


async def test_clearing_the_locale_falls_back_to_accept_language(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    owner = await make_member(runtime, "ada@example.com", tenant_name="Acme")
    await client.patch("/api/me", json={"locale": "ar"}, headers=owner.headers)
    cleared = await client.patch("/api/me", json={"locale": None}, headers=owner.headers)
    assert cleared.json()["user"]["locale"] is None
    response = await client.get(
        f"/api/members/{uuid.uuid4()}", headers={**owner.headers, "Accept-Language": "es-MX,es;q=0.9"}
    )
    assert response.headers["content-language"] == "es"


@pytest.mark.parametrize("language", ["es", "ar"])
async def test_accept_language_picks_the_language_of_anonymous_errors(
    client: httpx.AsyncClient, language: str
) -> None:
    response = await client.get("/api/me", headers={"Accept-Language": f"{language};q=1, en;q=0.5"})
    assert_problem(response, 401, "auth.unauthenticated")
    assert response.headers["content-language"] == language


async def test_unsupported_accept_language_falls_back_to_english(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/me", headers={"Accept-Language": "de-DE"})
    assert response.headers["content-language"] == "en"
    assert response.json()["detail"] == "Sign in to continue."


async def test_validation_errors_follow_the_saved_locale(client: httpx.AsyncClient, runtime: Runtime) -> None:
    owner = await make_member(runtime, "ada@example.com", tenant_name="Acme")
    await client.patch("/api/me", json={"locale": "es"}, headers=owner.headers)
    response = await client.patch("/api/me", json={"name": "x" * 201}, headers=owner.headers)
    assert_problem(response, 422, "validation_failed")
    assert response.headers["content-language"] == "es"
