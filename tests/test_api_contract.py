"""The API against its published contract: the committed spec is current, and a real
server answers generated requests for every operation without a 5xx or a spec violation."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from athanor.openapi import render_spec
from tests.conftest import make_settings

ROOT = Path(__file__).resolve().parents[1]
ATHANOR = [sys.executable, "-m", "athanor"]


def test_committed_openapi_spec_is_current(tmp_path: Path) -> None:
    settings = make_settings(f"sqlite+aiosqlite:///{tmp_path / 'spec.db'}", tmp_path)
    committed = (ROOT / "docs" / "openapi.json").read_text()
    assert render_spec(settings) == committed, "docs/openapi.json is stale: run `make openapi`"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict[str, str]]]:
    """`athanor serve` in its own process on the embedded default, seeded with the demo."""
    data_dir = tmp_path_factory.mktemp("live")
    port = _free_port()
    env = {
        **os.environ,
        "ATHANOR_DATA_DIR": str(data_dir),
        "ATHANOR_ENVIRONMENT": "test",
        "ATHANOR_LOG_LEVEL": "WARNING",
        "ATHANOR_PUBLIC_URL": f"http://127.0.0.1:{port}",
        **{
            f"ATHANOR_RATE_LIMIT_{name}": "1000000/minute"
            for name in ("USER", "TENANT", "API_KEY", "ANONYMOUS")
        },
    }
    subprocess.run([*ATHANOR, "migrate"], env=env, check=True, capture_output=True)
    creds = json.loads(
        subprocess.run(
            [*ATHANOR, "seed-demo", "--json"], env=env, check=True, capture_output=True, text=True
        ).stdout
    )
    log = (data_dir / "server.log").open("w")
    server = subprocess.Popen(
        [*ATHANOR, "serve", "--port", str(port)], env=env, stdout=log, stderr=subprocess.STDOUT
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{base_url}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.2)
        token = httpx.post(
            f"{base_url}/api/auth/token", json={"email": creds["email"], "password": creds["password"]}
        ).json()["access_token"]
        yield base_url, {"Authorization": f"Bearer {token}"}
    finally:
        server.terminate()
        server.wait(timeout=10)
        log.close()


@pytest.mark.slow
def test_generated_requests_find_no_server_error_or_spec_violation(
    live_server: tuple[str, dict[str, str]],
) -> None:
    base_url, headers = live_server
    command = [
        sys.executable,
        "-m",
        "schemathesis.cli",
        "run",
        f"{base_url}/openapi.json",
        "--header",
        f"Authorization:{headers['Authorization']}",
        # These two end the session the run authenticates with.
        "--exclude-path",
        "/api/auth/logout",
        "--exclude-path",
        "/api/auth/password/change",
        "--max-examples",
        os.environ.get("ATHANOR_SCHEMATHESIS_EXAMPLES", "25"),
        "--seed",
        "20261125",
        "--no-color",
    ]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stdout[-15000:] + result.stderr[-3000:]
