"""Health, readiness and metrics for load balancers and Prometheus."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from pydantic import BaseModel

from athanor.access.dependencies import RuntimeDep
from athanor.core.logging import get_logger
from athanor.core.routing import StrictJsonRoute
from athanor.ops.checks import readiness

log = get_logger(__name__)

router = APIRouter(route_class=StrictJsonRoute, tags=["ops"])


class Health(BaseModel):
    status: Literal["ok"] = "ok"


class Check(BaseModel):
    name: str
    ok: bool


class Readiness(BaseModel):
    status: Literal["ready", "not_ready"]
    checks: list[Check]


@router.get("/healthz")
async def healthz() -> Health:
    """The process is up."""
    return Health()


@router.get("/readyz", responses={503: {"model": Readiness, "description": "A dependency is unreachable"}})
async def readyz(runtime: RuntimeDep, response: Response) -> Readiness:
    """The database, and Redis and the broker when configured, are reachable."""
    results = await readiness(runtime.settings, runtime.db)
    ready = all(result.ok for result in results)
    if not ready:
        response.status_code = 503
        # The reasons name hosts and roles: they go to the log, not to anonymous callers.
        for result in results:
            if not result.ok:
                log.warning("readyz.dependency_down", dependency=result.name, detail=result.detail)
    return Readiness(
        status="ready" if ready else "not_ready",
        checks=[Check(name=r.name, ok=r.ok) for r in results],
    )


@router.get("/metrics", response_class=Response, responses={200: {"content": {"text/plain": {}}}})
async def metrics() -> Response:
    """Prometheus metrics of this process."""
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)
