"""The ASGI application: middleware, error handlers and every router."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from athanor import __version__
from athanor.access.router import me_router
from athanor.access.router import router as auth_router
from athanor.admin.router import router as admin_router
from athanor.analytics.router import router as analytics_router
from athanor.apidocs import mount_api_docs
from athanor.apikeys.router import router as apikeys_router
from athanor.audit.router import router as audit_router
from athanor.catalog.router import router as catalog_router
from athanor.core.handlers import install_handlers
from athanor.core.logging import configure_logging
from athanor.core.middleware import BodyLimitMiddleware, RequestContextMiddleware, SecurityHeadersMiddleware
from athanor.core.tracing import configure_tracing
from athanor.engines.executions_router import router as executions_router
from athanor.engines.router import router as engines_router
from athanor.exports.router import router as exports_router
from athanor.gateway.router import router as gateway_router
from athanor.levels.router import router as levels_router
from athanor.ops.router import router as ops_router
from athanor.runtime import Runtime, build_runtime
from athanor.settings import Settings, get_settings
from athanor.storage.api import is_streamed_upload
from athanor.storage.api import router as storage_router
from athanor.tenancy.router import router as tenancy_router
from athanor.wallet.router import router as wallet_router
from athanor.webui import mount_web_ui
from athanor.workers.router import router as workers_router
from athanor.workflows.router import router as workflows_router

ROUTERS = (
    ops_router,
    auth_router,
    me_router,
    tenancy_router,
    apikeys_router,
    audit_router,
    admin_router,
    gateway_router,
    engines_router,
    executions_router,
    catalog_router,
    levels_router,
    wallet_router,
    workers_router,
    workflows_router,
    storage_router,
    exports_router,
    analytics_router,
)


def create_app(settings: Settings | None = None, runtime: Runtime | None = None) -> FastAPI:
    settings = settings or get_settings()
    configure_logging(settings.log_level, json=settings.log_json)
    runtime = runtime or build_runtime(settings)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        from athanor.workers.monitor import watch_queues

        background = [
            asyncio.create_task(_flush_every_few_seconds(runtime)),
            asyncio.create_task(runtime.cache_bus.listen()),
            asyncio.create_task(watch_queues(runtime)),
        ]
        worker = None
        if settings.embedded_worker:
            from athanor.workers.embedded import EmbeddedWorker

            worker = EmbeddedWorker(runtime)
            worker.start(asyncio.get_running_loop())
        yield
        if worker is not None:
            # Off the loop: the worker's last tasks and its goodbye still run on it.
            await asyncio.to_thread(worker.stop)
        for task in background:
            task.cancel()
        await runtime.close()

    app = FastAPI(
        title="Athanor",
        version=__version__,
        description="Multi-tenant platform for running AI products.",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
    )
    app.state.runtime = runtime
    install_handlers(app)
    for router in ROUTERS:
        app.include_router(router)
    mount_api_docs(app)
    mount_web_ui(app, settings.web_dist)

    # Added innermost first: the request passes proxy handling, then context, then limits.
    app.add_middleware(BodyLimitMiddleware, max_bytes=settings.max_body_bytes, exempt=is_streamed_upload)
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_credentials=True,
            allow_methods=["*"],
            allow_headers=["*"],
        )
    app.add_middleware(SecurityHeadersMiddleware)
    app.add_middleware(RequestContextMiddleware)
    if configure_tracing(settings):
        from opentelemetry.instrumentation.asgi import OpenTelemetryMiddleware

        app.add_middleware(OpenTelemetryMiddleware)
    app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=settings.trusted_proxies)
    return app


async def _flush_every_few_seconds(runtime: Runtime) -> None:
    """Counters kept in process memory on the hot path (routing metrics of finished
    minutes, API-key use) go to the database."""
    while True:
        await asyncio.sleep(5)
        with suppress(Exception):
            await runtime.ai.flush_metrics(runtime.db)
        with suppress(Exception):
            await runtime.key_usage.flush(runtime.db)
