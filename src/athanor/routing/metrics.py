"""Per-deployment time series in one-minute buckets, kept in this process until drained.

Latency and time to first token are histograms over fixed log-scale bounds, so buckets
from any number of servers add up exactly and percentiles come from the merged counts.
"""

from __future__ import annotations

import time
from bisect import bisect_left
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from athanor.providers.types import FailureKind, Usage

BUCKET_SECONDS = 60
# Upper bounds in milliseconds, four per doubling (about 19 % apart) from 1 ms to about
# 14 minutes; one more count past the last bound catches anything slower.
HISTOGRAM_BOUNDS_MS: tuple[float, ...] = tuple(2 ** (step / 4) for step in range(80))
HISTOGRAM_SIZE = len(HISTOGRAM_BOUNDS_MS) + 1


def empty_histogram() -> list[int]:
    return [0] * HISTOGRAM_SIZE


def histogram_index(value_ms: float) -> int:
    """The count a value falls in: the first bound at or above it."""
    return bisect_left(HISTOGRAM_BOUNDS_MS, value_ms)


def merge_histograms(histograms: Iterable[Sequence[int]]) -> list[int]:
    merged = empty_histogram()
    for histogram in histograms:
        for index, count in enumerate(histogram):
            merged[index] += count
    return merged


def percentile(histogram: Sequence[int], q: float) -> float | None:
    """The q-quantile (0 to 1) in milliseconds, interpolated linearly inside its bucket as
    Prometheus does; None when the histogram is empty. Past the last bound it answers the
    last bound."""
    if not 0 <= q <= 1:
        raise ValueError("q must be between 0 and 1")
    rank = q * sum(histogram)
    seen = 0
    for index, count in enumerate(histogram):
        if count and seen + count >= rank:
            if index == len(HISTOGRAM_BOUNDS_MS):
                return HISTOGRAM_BOUNDS_MS[-1]
            lower = HISTOGRAM_BOUNDS_MS[index - 1] if index else 0.0
            return lower + (HISTOGRAM_BOUNDS_MS[index] - lower) * (rank - seen) / count
        seen += count
    return None


@dataclass(slots=True)
class MetricBucket:
    deployment_id: str
    # Unix time of the minute's start (UTC).
    minute: int
    requests: int = 0
    errors: int = 0
    error_kinds: Counter[str] = field(default_factory=Counter)
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost: int = 0
    latency_ms: list[int] = field(default_factory=empty_histogram)
    ttft_ms: list[int] = field(default_factory=empty_histogram)
    max_in_flight: int = 0

    @property
    def started_at(self) -> datetime:
        return datetime.fromtimestamp(self.minute, UTC)

    def add(self, other: MetricBucket) -> None:
        """Fold in another server's bucket of the same deployment and minute."""
        self.requests += other.requests
        self.errors += other.errors
        self.error_kinds.update(other.error_kinds)
        self.prompt_tokens += other.prompt_tokens
        self.completion_tokens += other.completion_tokens
        self.cost += other.cost
        self.latency_ms = merge_histograms((self.latency_ms, other.latency_ms))
        self.ttft_ms = merge_histograms((self.ttft_ms, other.ttft_ms))
        self.max_in_flight = max(self.max_in_flight, other.max_in_flight)


@dataclass(frozen=True, slots=True)
class MetricSummary:
    requests: int
    errors: int
    error_rate: float
    requests_per_minute: float
    p50_latency_ms: float | None
    p95_latency_ms: float | None
    p50_ttft_ms: float | None
    prompt_tokens: int
    completion_tokens: int
    cost: int


class MetricsRecorder:
    """Aggregates call outcomes per deployment and minute. Persisting is the caller's
    job: `drain()` hands over the finished buckets and forgets them."""

    def __init__(self, *, clock: Callable[[], float] = time.time) -> None:
        self._clock = clock
        self._buckets: dict[tuple[str, int], MetricBucket] = {}

    def _minute(self) -> int:
        now = int(self._clock())
        return now - now % BUCKET_SECONDS

    def record(
        self,
        deployment_id: str,
        ok: bool,
        latency_ms: float | None = None,
        ttft_ms: float | None = None,
        usage: Usage | None = None,
        cost: int = 0,
        error_kind: FailureKind | None = None,
        in_flight: int = 0,
    ) -> None:
        minute = self._minute()
        bucket = self._buckets.get((deployment_id, minute))
        if bucket is None:
            bucket = self._buckets[deployment_id, minute] = MetricBucket(deployment_id, minute)
        bucket.requests += 1
        if not ok:
            bucket.errors += 1
            if error_kind is not None:
                bucket.error_kinds[error_kind.value] += 1
        if usage is not None:
            bucket.prompt_tokens += usage.prompt_tokens
            bucket.completion_tokens += usage.completion_tokens
        bucket.cost += cost
        if latency_ms is not None:
            bucket.latency_ms[histogram_index(latency_ms)] += 1
        if ttft_ms is not None:
            bucket.ttft_ms[histogram_index(ttft_ms)] += 1
        bucket.max_in_flight = max(bucket.max_in_flight, in_flight)

    def drain(self, *, include_current: bool = False) -> list[MetricBucket]:
        """Remove and return the buckets of past minutes (and of this one if asked),
        oldest first."""
        current = self._minute()
        done = sorted(
            (key for key in self._buckets if include_current or key[1] < current),
            key=lambda key: (key[1], key[0]),
        )
        return [self._buckets.pop(key) for key in done]


def merge(buckets: Iterable[MetricBucket]) -> list[MetricBucket]:
    """One bucket per deployment and minute, from buckets of several servers (the inputs
    are left untouched), oldest first."""
    merged: dict[tuple[str, int], MetricBucket] = {}
    for bucket in buckets:
        key = (bucket.deployment_id, bucket.minute)
        if key not in merged:
            merged[key] = MetricBucket(bucket.deployment_id, bucket.minute)
        merged[key].add(bucket)
    return [merged[key] for key in sorted(merged, key=lambda key: (key[1], key[0]))]


def summary(buckets: Sequence[MetricBucket]) -> MetricSummary:
    """Figures over all the buckets given (filter by deployment or time before calling).
    Throughput is spread over the minutes from the first bucket to the last."""
    requests = sum(b.requests for b in buckets)
    errors = sum(b.errors for b in buckets)
    minutes = (
        (max(b.minute for b in buckets) - min(b.minute for b in buckets)) // BUCKET_SECONDS + 1
        if buckets
        else 0
    )
    latency = merge_histograms(b.latency_ms for b in buckets)
    return MetricSummary(
        requests=requests,
        errors=errors,
        error_rate=errors / requests if requests else 0.0,
        requests_per_minute=requests / minutes if minutes else 0.0,
        p50_latency_ms=percentile(latency, 0.5),
        p95_latency_ms=percentile(latency, 0.95),
        p50_ttft_ms=percentile(merge_histograms(b.ttft_ms for b in buckets), 0.5),
        prompt_tokens=sum(b.prompt_tokens for b in buckets),
        completion_tokens=sum(b.completion_tokens for b in buckets),
        cost=sum(b.cost for b in buckets),
    )
