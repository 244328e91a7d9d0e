"""OpenTelemetry tracing: off unless `ATHANOR_OTEL_EXPORTER` says where spans go."""

from __future__ import annotations

from opentelemetry import trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, ConsoleSpanExporter, SpanExporter

from athanor.settings import Settings

_configured = False


def span_exporter(settings: Settings) -> SpanExporter | None:
    if settings.otel_exporter == "console":
        return ConsoleSpanExporter()
    if settings.otel_exporter == "otlp":
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        return (
            OTLPSpanExporter(endpoint=settings.otel_endpoint)
            if settings.otel_endpoint
            else OTLPSpanExporter()
        )
    return None


def configure_tracing(settings: Settings, exporter: SpanExporter | None = None) -> bool:
    """Install a tracer provider once per process; returns whether tracing is on."""
    global _configured
    exporter = exporter or span_exporter(settings)
    if exporter is None:
        return False
    if not _configured:
        provider = TracerProvider(resource=Resource.create({"service.name": settings.service_name}))
        provider.add_span_processor(BatchSpanProcessor(exporter))
        trace.set_tracer_provider(provider)
        _configured = True
    return True


tracer = trace.get_tracer("athanor")
