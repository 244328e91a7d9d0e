"""Per-minute buckets, histograms that merge across servers, and the summary figures."""

from __future__ import annotations

import pytest

from athanor.providers.types import FailureKind, Usage
from athanor.routing.metrics import (
    HISTOGRAM_BOUNDS_MS,
    MetricsRecorder,
    empty_histogram,
    histogram_index,
    merge,
    percentile,
    summary,
)
from athanor.routing.types import Candidate
from tests.routing.conftest import FakeClock

MINUTE = 60 * 28_333_333  # a minute's start, in November 2023


def test_outcomes_land_in_one_bucket_per_deployment_and_minute() -> None:
    clock = FakeClock(MINUTE + 5)
    recorder = MetricsRecorder(clock=clock)
    recorder.record("a", True, latency_ms=120.0, ttft_ms=40.0, usage=Usage(10, 5), cost=7, in_flight=2)
    recorder.record("a", False, error_kind=FailureKind.TIMEOUT, in_flight=3)
    recorder.record("b", False, error_kind=FailureKind.RATE_LIMITED)
    clock.advance(60)
    recorder.record("a", True, latency_ms=80.0)

    finished = recorder.drain()

    assert [(b.deployment_id, b.minute) for b in finished] == [("a", MINUTE), ("b", MINUTE)]
    a = finished[0]
    assert (a.requests, a.errors, dict(a.error_kinds)) == (2, 1, {"timeout": 1})
    assert (a.prompt_tokens, a.completion_tokens, a.cost, a.max_in_flight) == (10, 5, 7, 3)
    assert (sum(a.latency_ms), sum(a.ttft_ms)) == (1, 1)
    assert a.started_at.isoformat() == "2023-11-14T22:13:00+00:00"
    # Drained buckets are gone; the current minute comes only when asked for.
    assert recorder.drain() == []
    [current] = recorder.drain(include_current=True)
    assert (current.deployment_id, current.minute, current.requests) == ("a", MINUTE + 60, 1)
    assert recorder.drain(include_current=True) == []


def test_histogram_bounds_are_log_scale_and_inclusive() -> None:
    assert HISTOGRAM_BOUNDS_MS[0] == 1.0
    assert HISTOGRAM_BOUNDS_MS[4] == 2.0
    assert histogram_index(0.0) == 0
    assert histogram_index(2.0) == 4
    assert histogram_index(2.01) == 5
    assert histogram_index(10**9) == len(HISTOGRAM_BOUNDS_MS)


def test_percentiles_of_histograms_merged_from_two_servers() -> None:
    clock = FakeClock(MINUTE)
    servers = [MetricsRecorder(clock=clock), MetricsRecorder(clock=clock)]
    alone = MetricsRecorder(clock=clock)
    for latency in range(1, 1001):
        servers[latency % 2].record("a", True, latency_ms=float(latency))
        alone.record("a", True, latency_ms=float(latency))

    [merged] = merge(bucket for server in servers for bucket in server.drain(include_current=True))

    # Merging is exact: the same counts as one server that saw every call.
    assert merged.latency_ms == alone.drain(include_current=True)[0].latency_ms
    assert merged.requests == 1000
    # Within a bucket's width (19 %) of the true values; much closer with interpolation.
    assert percentile(merged.latency_ms, 0.5) == pytest.approx(500, rel=0.03)
    assert percentile(merged.latency_ms, 0.95) == pytest.approx(950, rel=0.03)
    assert percentile(merged.latency_ms, 1.0) == HISTOGRAM_BOUNDS_MS[histogram_index(1000)]


def test_percentile_edge_cases() -> None:
    histogram = empty_histogram()
    assert percentile(histogram, 0.5) is None
    histogram[4] = 10  # ten calls in (2^(3/4), 2] ms
    assert percentile(histogram, 1.0) == 2.0
    assert HISTOGRAM_BOUNDS_MS[3] < percentile(histogram, 0.5) < 2.0  # type: ignore[operator]
    histogram[-1] = 1000  # slower than the last bound
    assert percentile(histogram, 0.99) == HISTOGRAM_BOUNDS_MS[-1]
    with pytest.raises(ValueError, match="between"):
        percentile(histogram, 1.5)


def test_summary_over_minutes() -> None:
    clock = FakeClock(MINUTE)
    recorder = MetricsRecorder(clock=clock)
    for latency in (100.0, 100.0, 100.0, 400.0):
        recorder.record("a", True, latency_ms=latency, ttft_ms=50.0, cost=3)
    clock.advance(120)
    recorder.record("a", False, error_kind=FailureKind.UNAVAILABLE)
    recorder.record("a", True, latency_ms=100.0, usage=Usage(100, 20), cost=5)

    figures = summary(recorder.drain(include_current=True))

    assert (figures.requests, figures.errors, figures.cost) == (6, 1, 17)
    assert figures.error_rate == pytest.approx(1 / 6)
    # Three minutes from the first bucket to the last.
    assert figures.requests_per_minute == pytest.approx(2.0)
    assert figures.p50_latency_ms == pytest.approx(100.0, rel=0.19)
    assert figures.p95_latency_ms == pytest.approx(400.0, rel=0.19)
    assert figures.p50_ttft_ms == pytest.approx(50.0, rel=0.19)
    assert (figures.prompt_tokens, figures.completion_tokens) == (100, 20)
    assert summary([]).requests_per_minute == 0.0


def test_the_blended_cost_rounds_up() -> None:
    priced = Candidate("a", cost_per_mtok=3_000_000)
    assert priced.cost_of(Usage(prompt_tokens=1, completion_tokens=0)) == 3
    assert Candidate("b", cost_per_mtok=1).cost_of(Usage(prompt_tokens=1)) == 1
    assert Candidate("c").cost_of(Usage(prompt_tokens=1000)) == 0
