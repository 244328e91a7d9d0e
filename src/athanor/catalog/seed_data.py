"""The model catalog a new installation starts with: public list prices of common models.

Prices are the vendors' published standard (non-batch) rates in USD per million tokens as
of late 2025, stored as micro-dollars ($1.25 is 1_250_000); `cached` is the price of a
prompt-cache read. Prices change: super admins edit them under /api/admin/models, and
running the seed again never overwrites an edited model unless asked to.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from athanor.catalog.models import AiModel
from athanor.db.base import new_id
from athanor.db.types import utcnow
from athanor.db.upsert import insert_for

CHAT = ("chat", "streaming", "tools", "json")
VISION = (*CHAT, "vision")
EMBEDDINGS = ("embeddings",)


def usd(dollars: float) -> int:
    """Micro-dollars per million tokens from a list price in dollars per million tokens."""
    return round(dollars * 1_000_000)


@dataclass(frozen=True, slots=True)
class SeedModel:
    slug: str
    name: str
    vendor: str
    context_window: int
    max_output_tokens: int
    capabilities: tuple[str, ...]
    input_price: int
    output_price: int
    cached_price: int


def _model(
    slug: str,
    name: str,
    vendor: str,
    window: int,
    max_output: int,
    capabilities: tuple[str, ...],
    prices: tuple[float, float, float],
) -> SeedModel:
    return SeedModel(slug, name, vendor, window, max_output, capabilities, *(usd(price) for price in prices))


SEED_MODELS: tuple[SeedModel, ...] = (
    # OpenAI: (input, output, cached input)
    _model("gpt-5", "GPT-5", "openai", 400_000, 128_000, VISION, (1.25, 10.00, 0.125)),
    _model("gpt-5-mini", "GPT-5 mini", "openai", 400_000, 128_000, VISION, (0.25, 2.00, 0.025)),
    _model("gpt-5-nano", "GPT-5 nano", "openai", 400_000, 128_000, VISION, (0.05, 0.40, 0.005)),
    _model("gpt-4.1", "GPT-4.1", "openai", 1_047_576, 32_768, VISION, (2.00, 8.00, 0.50)),
    _model("gpt-4.1-mini", "GPT-4.1 mini", "openai", 1_047_576, 32_768, VISION, (0.40, 1.60, 0.10)),
    _model("gpt-4.1-nano", "GPT-4.1 nano", "openai", 1_047_576, 32_768, VISION, (0.10, 0.40, 0.025)),
    _model("gpt-4o", "GPT-4o", "openai", 128_000, 16_384, VISION, (2.50, 10.00, 1.25)),
    _model("gpt-4o-mini", "GPT-4o mini", "openai", 128_000, 16_384, VISION, (0.15, 0.60, 0.075)),
    _model("o3", "o3", "openai", 200_000, 100_000, VISION, (2.00, 8.00, 0.50)),
    _model("o4-mini", "o4-mini", "openai", 200_000, 100_000, VISION, (1.10, 4.40, 0.275)),
    _model("text-embedding-3-small", "text-embedding-3-small", "openai", 8_191, 0, EMBEDDINGS, (0.02, 0, 0)),
    _model("text-embedding-3-large", "text-embedding-3-large", "openai", 8_191, 0, EMBEDDINGS, (0.13, 0, 0)),
    # Anthropic: cached is the cache-read price (writes cost more; not modelled).
    _model("claude-opus-4-1", "Claude Opus 4.1", "anthropic", 200_000, 32_000, VISION, (15.00, 75.00, 1.50)),
    _model(
        "claude-sonnet-4-5", "Claude Sonnet 4.5", "anthropic", 200_000, 64_000, VISION, (3.00, 15.00, 0.30)
    ),
    _model("claude-sonnet-4", "Claude Sonnet 4", "anthropic", 200_000, 64_000, VISION, (3.00, 15.00, 0.30)),
    _model("claude-haiku-4-5", "Claude Haiku 4.5", "anthropic", 200_000, 64_000, VISION, (1.00, 5.00, 0.10)),
    _model("claude-3-5-haiku", "Claude Haiku 3.5", "anthropic", 200_000, 8_192, VISION, (0.80, 4.00, 0.08)),
    # Google: prompts up to 200K tokens (2.5 Pro charges more above that; not modelled).
    _model("gemini-2.5-pro", "Gemini 2.5 Pro", "google", 1_048_576, 65_536, VISION, (1.25, 10.00, 0.125)),
    _model("gemini-2.5-flash", "Gemini 2.5 Flash", "google", 1_048_576, 65_536, VISION, (0.30, 2.50, 0.03)),
    _model(
        "gemini-2.5-flash-lite",
        "Gemini 2.5 Flash-Lite",
        "google",
        1_048_576,
        65_536,
        VISION,
        (0.10, 0.40, 0.01),
    ),
    _model("gemini-2.0-flash", "Gemini 2.0 Flash", "google", 1_048_576, 8_192, VISION, (0.10, 0.40, 0.025)),
    # The built-in offline provider, priced so that costs show up in tests and demos.
    _model("mock-small", "Mock small", "athanor", 32_768, 4_096, CHAT, (0.10, 0.40, 0.05)),
    _model("mock-embed", "Mock embeddings", "athanor", 8_192, 0, EMBEDDINGS, (0.01, 0, 0)),
)


async def seed_models(session: AsyncSession, *, overwrite: bool = False) -> int:
    """Add the catalog's missing models (by slug) in one upsert; with `overwrite`, also
    reset existing ones to these figures. Safe to run again and concurrently; returns how
    many rows were written."""
    now = utcnow()
    rows = [
        {**asdict(seed), "capabilities": list(seed.capabilities), "id": new_id(), "active": True}
        | {"created_at": now, "updated_at": now}
        for seed in SEED_MODELS
    ]
    statement = insert_for(session, AiModel).values(rows)
    if overwrite:
        kept = {"id", "slug", "active", "created_at"}
        columns = {name: statement.excluded[name] for name in rows[0] if name not in kept}
        statement = statement.on_conflict_do_update(index_elements=["slug"], set_=columns)
    else:
        statement = statement.on_conflict_do_nothing(index_elements=["slug"])
    result = await session.execute(statement)
    return int(getattr(result, "rowcount", 0) or 0)
