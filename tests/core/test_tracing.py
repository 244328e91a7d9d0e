"""Tracing is off by default and produces a span per request once configured."""

from __future__ import annotations

from pathlib import Path

import httpx
from opentelemetry import trace
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from athanor.app import create_app
from athanor.core.tracing import configure_tracing
from athanor.runtime import build_runtime
from tests.conftest import make_settings


def test_tracing_is_off_unless_configured(tmp_path: Path) -> None:
    settings = make_settings(f"sqlite+aiosqlite:///{tmp_path / 'a.db'}", tmp_path)
    assert configure_tracing(settings) is False


async def test_requests_are_traced_when_an_exporter_is_set(tmp_path: Path) -> None:
    # A tracer provider is set once per process, so this test runs once, not per database.
    settings = make_settings(f"sqlite+aiosqlite:///{tmp_path / 'a.db'}", tmp_path, otel_exporter="console")
    exporter = InMemorySpanExporter()
    assert configure_tracing(settings, exporter)
    runtime = build_runtime(settings)
    app = create_app(settings, runtime)
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="https://t") as http:
            assert (await http.get("/healthz")).status_code == 200
    finally:
        await runtime.close()
    provider = trace.get_tracer_provider()
    provider.force_flush()  # type: ignore[attr-defined]
    names = [span.name for span in exporter.get_finished_spans()]
    assert any("/healthz" in name for name in names), names
