"""PostgreSQL row-level security: the database itself keeps tenants apart."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, ProgrammingError

from athanor.db.scope import DbScope
from athanor.runtime import Runtime
from athanor.tenancy import service as tenancy_service
from athanor.tenancy.models import Role
from tests.builders import make_member

pytestmark = pytest.mark.backends("postgres")


async def _invite(runtime: Runtime, tenant_id: uuid.UUID, inviter: uuid.UUID, email: str) -> None:
    async with runtime.db.session(DbScope.for_tenant(tenant_id, inviter)) as session, session.begin():
        await tenancy_service.invite(
            session,
            tenant_id=tenant_id,
            email=email,
            role=Role.MEMBER,
            actor_role=Role.OWNER,
            invited_by=inviter,
            token_key=runtime.token_key,
        )


async def _raw_count(runtime: Runtime, scope: DbScope, table: str) -> int:
    async with runtime.db.session(scope) as session, session.begin():
        return int((await session.execute(text(f"SELECT count(*) FROM {table}"))).scalar_one())


async def test_raw_sql_sees_only_the_scoped_tenant(runtime: Runtime) -> None:
    alice = await make_member(runtime, "alice@a.test", tenant_name="A")
    bob = await make_member(runtime, "bob@b.test", tenant_name="B")
    assert alice.tenant_id
    assert bob.tenant_id
    await _invite(runtime, alice.tenant_id, alice.user_id, "x@a.test")
    await _invite(runtime, alice.tenant_id, alice.user_id, "y@a.test")
    await _invite(runtime, bob.tenant_id, bob.user_id, "z@b.test")

    assert await _raw_count(runtime, DbScope.for_tenant(alice.tenant_id), "invitation") == 2
    assert await _raw_count(runtime, DbScope.for_tenant(bob.tenant_id), "invitation") == 1
    # No tenant set: nothing at all, not everything.
    assert await _raw_count(runtime, DbScope.anonymous(), "invitation") == 0
    assert await _raw_count(runtime, DbScope.for_platform(None), "invitation") == 3
    # Audit events follow the same rule.
    assert await _raw_count(runtime, DbScope.for_tenant(bob.tenant_id), "audit_event") == 0


async def test_app_role_cannot_write_into_another_tenant(runtime: Runtime) -> None:
    alice = await make_member(runtime, "alice@a.test", tenant_name="A")
    bob = await make_member(runtime, "bob@b.test", tenant_name="B")
    async with runtime.db.session(DbScope.for_tenant(bob.tenant_id)) as session:
        with pytest.raises((DBAPIError, ProgrammingError), match="row-level security"):
            await session.execute(
                text(
                    "INSERT INTO invitation (id, tenant_id, email, role, expires_at, created_at, updated_at)"
                    " VALUES (:id, :tenant, 'x@a.test', 'member', now(), now(), now())"
                ),
                {"id": uuid.uuid4(), "tenant": alice.tenant_id},
            )


async def test_app_role_is_not_privileged_and_audit_is_append_only(runtime: Runtime) -> None:
    owner = await make_member(runtime, "alice@a.test", tenant_name="A")
    async with runtime.db.session(DbScope.for_tenant(owner.tenant_id)) as session, session.begin():
        row = (
            await session.execute(
                text("SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user")
            )
        ).one()
        assert tuple(row) == (False, False)
    async with runtime.db.session(DbScope.for_tenant(owner.tenant_id)) as session:
        with pytest.raises((DBAPIError, ProgrammingError), match="permission denied"):
            await session.execute(text("UPDATE audit_event SET action = 'forged'"))


async def test_every_tenant_table_has_forced_rls(runtime: Runtime) -> None:
    async with runtime.db.session(DbScope.anonymous()) as session, session.begin():
        rows = (
            await session.execute(
                text(
                    "SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity,"
                    " (SELECT count(*) FROM pg_policy p WHERE p.polrelid = c.oid)"
                    " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                    " WHERE n.nspname = 'public' AND c.relkind = 'r' AND EXISTS ("
                    "  SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid"
                    "  AND a.attname = 'tenant_id' AND NOT a.attisdropped)"
                )
            )
        ).all()
    assert rows, "expected tenant-owned tables"
    unprotected = [name for name, enabled, forced, policies in rows if not (enabled and forced and policies)]
    assert unprotected == []
