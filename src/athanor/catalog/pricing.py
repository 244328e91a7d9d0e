"""What a call costs: catalog prices, a tenant's override, and exact integer arithmetic.

Prices are micro-dollars per million tokens, so one token costs price/1000 nano-dollars.
"""

from __future__ import annotations

from dataclasses import dataclass

from athanor.catalog.models import AiModel, ModelPriceOverride
from athanor.providers.types import Usage

BASIS_POINTS = 10_000


@dataclass(frozen=True, slots=True)
class Prices:
    input: int
    output: int
    cached: int

    def cost_nanos(self, usage: Usage) -> int:
        fresh = max(usage.prompt_tokens - usage.cached_tokens, 0)
        micro_units = (
            fresh * self.input + usage.cached_tokens * self.cached + usage.completion_tokens * self.output
        )
        # Round up: a call is never priced below what it cost.
        return -(-micro_units // 1000)

    @property
    def blended(self) -> int:
        """One figure to compare deployments by (least-cost routing)."""
        return self.input + self.output


def catalog_prices(model: AiModel) -> Prices:
    return Prices(model.input_price, model.output_price, model.cached_price)


def tenant_prices(model: AiModel, override: ModelPriceOverride | None) -> Prices:
    """The tenant's fixed prices where it set them, else the catalog's with its markup."""
    base = catalog_prices(model)
    if override is None:
        return base

    def pick(fixed: int | None, catalog: int) -> int:
        if fixed is not None:
            return fixed
        return catalog * (BASIS_POINTS + override.markup_bps) // BASIS_POINTS

    return Prices(
        pick(override.input_price, base.input),
        pick(override.output_price, base.output),
        pick(override.cached_price, base.cached),
    )
