"""Backoff, Retry-After, cooldowns and what each failure says about a deployment."""

from __future__ import annotations

import random

import pytest

from athanor.providers.types import FailureKind
from athanor.routing.policy import BreakerPolicy, RetryPolicy, verdict
from athanor.routing.types import Verdict
from tests.routing.conftest import failure

UNAVAILABLE = failure(FailureKind.UNAVAILABLE)


@pytest.mark.parametrize(("retry", "ceiling"), [(1, 0.5), (2, 1.0), (3, 2.0), (5, 8.0), (9, 8.0)])
def test_backoff_is_fully_jittered_below_an_exponential_ceiling(retry: int, ceiling: float) -> None:
    policy, rng = RetryPolicy(base_delay=0.5, multiplier=2.0, max_delay=8.0), random.Random(3)

    delays = [policy.delay(retry, UNAVAILABLE, rng) for _ in range(500)]

    assert all(0 <= delay <= ceiling for delay in delays)
    # Spread over the whole range, not bunched at the ceiling.
    assert min(delays) < 0.05 * ceiling
    assert max(delays) > 0.95 * ceiling


@pytest.mark.parametrize(("retry_after", "delay"), [(2.5, 2.5), (0.0, 0.0), (-1.0, 0.0), (60.0, 8.0)])
def test_retry_after_replaces_the_backoff_up_to_the_maximum(retry_after: float, delay: float) -> None:
    error = failure(FailureKind.RATE_LIMITED, retry_after=retry_after)
    assert RetryPolicy(max_delay=8.0).delay(1, error, random.Random()) == delay


def test_only_a_rate_limit_cools_a_deployment_down() -> None:
    policy = BreakerPolicy(cooldown_seconds=5.0, max_cooldown_seconds=60.0)
    assert policy.cooldown(failure(FailureKind.RATE_LIMITED)) == 5.0
    assert policy.cooldown(failure(FailureKind.RATE_LIMITED, retry_after=12.0)) == 12.0
    assert policy.cooldown(failure(FailureKind.RATE_LIMITED, retry_after=3600.0)) == 60.0
    assert policy.cooldown(failure(FailureKind.UNAVAILABLE, retry_after=10.0)) == 0.0


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        (None, Verdict.SUCCESS),
        (FailureKind.UNAVAILABLE, Verdict.FAILURE),
        (FailureKind.TIMEOUT, Verdict.FAILURE),
        (FailureKind.AUTHENTICATION, Verdict.FAILURE),
        (FailureKind.INVALID_RESPONSE, Verdict.FAILURE),
        (FailureKind.RATE_LIMITED, Verdict.NEUTRAL),
        (FailureKind.BAD_REQUEST, Verdict.NEUTRAL),
    ],
)
def test_what_each_outcome_says_about_the_deployment(kind: FailureKind | None, expected: Verdict) -> None:
    assert verdict(kind) is expected


def test_policies_refuse_nonsense() -> None:
    with pytest.raises(ValueError, match="max_attempts"):
        RetryPolicy(max_attempts_per_deployment=0)
    with pytest.raises(ValueError, match="multiplier"):
        RetryPolicy(multiplier=0.5)
    with pytest.raises(ValueError, match="failure_threshold"):
        BreakerPolicy(failure_threshold=0)
    with pytest.raises(ValueError, match="negative"):
        BreakerPolicy(open_seconds=-1)
