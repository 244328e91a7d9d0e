"""Prometheus metrics shared by the whole process."""

from __future__ import annotations

from prometheus_client import Counter, Histogram

HTTP_REQUESTS = Counter("athanor_http_requests_total", "HTTP requests served", ["method", "route", "status"])
HTTP_LATENCY = Histogram(
    "athanor_http_request_duration_seconds",
    "Time to serve an HTTP request",
    ["method", "route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
RATE_LIMITED = Counter("athanor_rate_limited_total", "Requests refused by a rate limit", ["limit"])
LOGINS = Counter("athanor_logins_total", "Sign-in attempts", ["outcome"])
