"""Serving the built web app (web/dist) at `/`, with the SPA's client-side routes."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, FastAPI, Request
from starlette.responses import FileResponse

from athanor.core.errors import NotFound
from athanor.core.handlers import unrouted
from athanor.core.i18n import _
from athanor.core.routing import StrictJsonRoute

# Paths the API owns: an unknown one is a 404 problem, never the app's index page.
API_PREFIXES = ("api/", "v1/", "docs", "openapi.json", "healthz", "readyz", "metrics")
IMMUTABLE = "public, max-age=31536000, immutable"


class WebUiNotBuilt(NotFound):
    code = "webui.not_built"
    message = _("The web interface is not built. Install Node.js and npm, then run `make run`.")


def _file_in(dist: Path, path: str) -> Path | None:
    """The file under `dist` for a URL path, refusing anything that leaves the folder."""
    candidate = (dist / path).resolve()
    if candidate.is_relative_to(dist) and candidate.is_file():
        return candidate
    return None


def web_router(dist: Path) -> APIRouter:
    dist = dist.resolve()
    router = APIRouter(route_class=StrictJsonRoute, include_in_schema=False)

    @router.get("/{path:path}")
    async def web_app(path: str, request: Request) -> FileResponse:
        if path.startswith(API_PREFIXES):
            raise unrouted(request)
        index = dist / "index.html"
        if not index.is_file():
            raise WebUiNotBuilt()
        asset = _file_in(dist, path) if path else None
        if asset is None:
            # A client-side route: the app decides what to show.
            return FileResponse(index, headers={"Cache-Control": "no-cache"})
        # Built assets carry a content hash in their name, so they never change.
        cache = IMMUTABLE if path.startswith("assets/") else "no-cache"
        return FileResponse(asset, headers={"Cache-Control": cache})

    return router


def mount_web_ui(app: FastAPI, dist: Path) -> None:
    """Add the web app after every API route, so it only answers what they do not."""
    app.include_router(web_router(dist))
