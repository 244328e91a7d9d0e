"""The built web app is served at `/` without shadowing any API route."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from tests.conftest import app_client, make_settings


@pytest.fixture
def dist(tmp_path: Path) -> Path:
    folder = tmp_path / "dist"
    (folder / "assets").mkdir(parents=True)
    (folder / "index.html").write_text("<!doctype html><title>Athanor</title><div id=root></div>")
    (folder / "assets" / "index-abc123.js").write_text("console.log('app')")
    (folder / "favicon.svg").write_text("<svg/>")
    (tmp_path / "secret.txt").write_text("outside")
    return folder


async def _get(dist: Path, tmp_path: Path, path: str) -> httpx.Response:
    settings = make_settings(f"sqlite+aiosqlite:///{tmp_path / 'w.db'}", tmp_path, web_dist=dist)
    async with app_client(settings) as http:
        return await http.get(path)


async def test_root_and_client_routes_get_the_app(dist: Path, tmp_path: Path) -> None:
    for path in ("/", "/login", "/settings/branding"):
        response = await _get(dist, tmp_path, path)
        assert response.status_code == 200
        assert "<div id=root>" in response.text
        assert response.headers["cache-control"] == "no-cache"


async def test_hashed_assets_are_cached_for_good(dist: Path, tmp_path: Path) -> None:
    response = await _get(dist, tmp_path, "/assets/index-abc123.js")
    assert response.status_code == 200
    assert response.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert "script-src 'self'" in response.headers["content-security-policy"]
    favicon = await _get(dist, tmp_path, "/favicon.svg")
    assert favicon.headers["cache-control"] == "no-cache"


async def test_api_paths_are_never_the_app(dist: Path, tmp_path: Path) -> None:
    response = await _get(dist, tmp_path, "/api/unknown")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert (await _get(dist, tmp_path, "/healthz")).json() == {"status": "ok"}


async def test_no_escape_from_the_build_folder(dist: Path, tmp_path: Path) -> None:
    response = await _get(dist, tmp_path, "/..%2Fsecret.txt")
    assert "outside" not in response.text


async def test_missing_build_says_how_to_build_it(tmp_path: Path) -> None:
    response = await _get(tmp_path / "nothing", tmp_path, "/")
    assert response.status_code == 404
    assert response.json()["code"] == "webui.not_built"
