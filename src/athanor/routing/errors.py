"""What routing raises when no deployment could answer."""

from __future__ import annotations

from collections.abc import Sequence

from athanor.providers.types import ProviderError
from athanor.routing.types import Attempt


class AllDeploymentsFailed(Exception):
    """Every deployment tried failed; `attempts` lists the calls made (at least one) and
    `last_error` is the provider error of the last one, e.g. to answer 429 or 503."""

    def __init__(self, attempts: Sequence[Attempt], last_error: ProviderError) -> None:
        super().__init__(f"all deployments failed after {len(attempts)} attempt(s)")
        self.attempts = tuple(attempts)
        self.last_error = last_error
