"""How hard to retry a deployment, and when to stop calling it for a while."""

from __future__ import annotations

import random
from dataclasses import dataclass

from athanor.providers.types import FailureKind, ProviderError
from athanor.routing.types import Verdict

# A rate limit is a cooldown's business and a bad request is the caller's fault: neither
# says the deployment is broken.
_NEUTRAL = frozenset({FailureKind.RATE_LIMITED, FailureKind.BAD_REQUEST})


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """Retries of one deployment on retryable errors, with exponential backoff and full
    jitter (a random delay up to the backoff), so that callers that failed together do
    not retry together."""

    max_attempts_per_deployment: int = 2
    base_delay: float = 0.5
    max_delay: float = 8.0
    multiplier: float = 2.0

    def __post_init__(self) -> None:
        if self.max_attempts_per_deployment < 1:
            raise ValueError("max_attempts_per_deployment must be at least 1")
        if self.base_delay < 0 or self.max_delay < 0 or self.multiplier < 1:
            raise ValueError("delays cannot be negative and multiplier must be at least 1")

    def delay(self, retry: int, error: ProviderError, rng: random.Random) -> float:
        """Seconds to wait before retry number `retry` (1 for the first) after `error`.
        The provider's Retry-After wins when given, capped at max_delay."""
        if error.retry_after is not None:
            return min(max(error.retry_after, 0.0), self.max_delay)
        return rng.uniform(0.0, min(self.max_delay, self.base_delay * self.multiplier ** (retry - 1)))


@dataclass(frozen=True, slots=True)
class BreakerPolicy:
    """A deployment's circuit opens after `failure_threshold` consecutive failures; after
    `open_seconds` it half-opens and lets `half_open_probes` calls through at once: a
    success closes it, a failure opens it again. A 429 cools the deployment down for
    `cooldown_seconds`, or the provider's Retry-After, capped at `max_cooldown_seconds`."""

    failure_threshold: int = 5
    open_seconds: float = 30.0
    half_open_probes: int = 1
    cooldown_seconds: float = 5.0
    max_cooldown_seconds: float = 60.0

    def __post_init__(self) -> None:
        if self.failure_threshold < 1 or self.half_open_probes < 1:
            raise ValueError("failure_threshold and half_open_probes must be at least 1")
        if self.open_seconds < 0 or self.cooldown_seconds < 0 or self.max_cooldown_seconds < 0:
            raise ValueError("durations cannot be negative")

    def cooldown(self, error: ProviderError) -> float:
        """Seconds to keep the deployment out of rotation after `error` (0: none)."""
        if error.kind is not FailureKind.RATE_LIMITED:
            return 0.0
        wanted = self.cooldown_seconds if error.retry_after is None else max(error.retry_after, 0.0)
        return min(wanted, self.max_cooldown_seconds)


def verdict(failure: FailureKind | None) -> Verdict:
    """What a call that ended with `failure` (None: success) says about the deployment."""
    if failure is None:
        return Verdict.SUCCESS
    return Verdict.NEUTRAL if failure in _NEUTRAL else Verdict.FAILURE
