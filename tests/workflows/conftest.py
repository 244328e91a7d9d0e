"""Fixtures of the workflow tests: a tenant ready to run workflows."""

from __future__ import annotations

import pytest

from athanor.db.scope import DbScope
from athanor.engines import service as engines
from athanor.engines.schemas import Parameters, VersionSpec
from athanor.runtime import Runtime
from tests.ai_builders import MODEL, add_deployment, give_tokens
from tests.builders import Member, make_member
from tests.workflows.support import ENGINE, ENGINE_INPUTS, TOKENS


@pytest.fixture
async def owner(runtime: Runtime) -> Member:
    member = await make_member(runtime, "ada@example.com", tenant_name="Acme")
    assert member.tenant_id is not None
    await add_deployment(runtime, member.tenant_id)
    await give_tokens(runtime, member.tenant_id, member.user_id, TOKENS)
    async with (
        runtime.db.session(DbScope.for_tenant(member.tenant_id, member.user_id)) as session,
        session.begin(),
    ):
        engine, version = await engines.create_engine(
            session,
            slug=ENGINE,
            name="Shout",
            description="Repeats a text.",
            spec=VersionSpec(
                model=MODEL,
                prompt_template="Repeat loudly: {{ text }}",
                input_schema=ENGINE_INPUTS,
                parameters=Parameters(max_tokens=64),
            ),
            author_id=member.user_id,
        )
        await engines.publish(session, engine=engine, version=version)
    return member
