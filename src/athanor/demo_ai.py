"""The demo tenant's AI setup: the offline `mock` provider serving `mock-small`, a
published engine, a default level and tokens to spend. Idempotent."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from athanor.catalog.models import AiModel, Deployment, ProviderConnection
from athanor.catalog.seed_data import seed_models
from athanor.db.types import utcnow
from athanor.engines import service as engines
from athanor.engines.models import Engine
from athanor.engines.schemas import Parameters, VersionSpec
from athanor.levels.models import Level, LevelSubscription
from athanor.wallet import service as wallet
from athanor.wallet.models import AccountKind

DEMO_MODEL = "mock-small"
DEMO_ENGINE = "demo-summarizer"
DEMO_TOKENS = 100_000


async def seed_ai_demo(session: AsyncSession, user_id: uuid.UUID) -> None:
    """Runs in the demo tenant's scope."""
    await seed_models(session)
    model = await session.scalar(select(AiModel).where(AiModel.slug == DEMO_MODEL))
    assert model is not None
    connection = await session.scalar(
        select(ProviderConnection).where(ProviderConnection.name == "Mock (offline)")
    )
    if connection is None:
        connection = ProviderConnection(
            name="Mock (offline)", kind="mock", base_url="mock://local", options={}
        )
        session.add(connection)
        await session.flush()
        session.add(
            Deployment(
                name="mock-small (local)",
                model_id=model.id,
                provider_id=connection.id,
                upstream_model=DEMO_MODEL,
            )
        )
    if await session.scalar(select(Engine).where(Engine.slug == DEMO_ENGINE)) is None:
        engine, version = await engines.create_engine(
            session,
            slug=DEMO_ENGINE,
            name="Demo summarizer",
            description="Summarises a text in a few sentences.",
            spec=VersionSpec(
                model=DEMO_MODEL,
                system_prompt="You are a concise assistant.",
                prompt_template="Summarise this text in {{ sentences }} sentences:\n\n{{ text }}",
                input_schema={
                    "type": "object",
                    "properties": {
                        "text": {"type": "string", "minLength": 1},
                        "sentences": {"type": "integer", "minimum": 1, "maximum": 10, "default": 3},
                    },
                    "required": ["text", "sentences"],
                },
                parameters=Parameters(temperature=0.2, max_tokens=256),
            ),
            author_id=user_id,
        )
        await engines.publish(session, engine=engine, version=version)
    level = await session.scalar(select(Level).where(Level.slug == "starter"))
    if level is None:
        level = Level(
            slug="starter",
            name="Starter",
            description="For trying things out.",
            is_default=True,
            features=["playground"],
            price_cents=0,
            tokens_per_period=DEMO_TOKENS,
            restrictions={"executions_per_day": 500, "concurrent_runs": 4, "max_output_tokens": 2048},
            benefits=["100,000 tokens a month", "Every demo engine"],
        )
        session.add(level)
        await session.flush()
        session.add(LevelSubscription(user_id=user_id, level_id=level.id, period_start=utcnow()))
    holder = await wallet.account(session, AccountKind.USER, user_id)
    await wallet.top_up(
        session, target=holder, amount=DEMO_TOKENS, idempotency_key="demo-seed-top-up", memo="Demo tokens"
    )
    pool = await wallet.account(session, AccountKind.POOL)
    await wallet.top_up(
        session, target=pool, amount=10 * DEMO_TOKENS, idempotency_key="demo-seed-pool", memo="Demo pool"
    )
