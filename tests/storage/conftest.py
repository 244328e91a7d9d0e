"""Storage tests run on both byte stores: the local folder and S3, the latter against a
moto S3 server in its own process (started once per session). The byte store and the
database are independent, so S3 runs with SQLite only: PostgreSQL with S3 would repeat
what the other two pairs already show, at the cost of a minute of the suite."""

from __future__ import annotations

import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import boto3
import httpx
import pytest

from athanor.runtime import Runtime
from athanor.settings import Settings
from tests.builders import Member, make_member
from tests.conftest import make_settings
from tests.processes import free_port

BUCKET = "files"


@pytest.fixture(scope="session")
def s3_server() -> Iterator[str]:
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            httpx.get(url, timeout=1)
            break
        except httpx.TransportError:
            time.sleep(0.1)
    else:
        server.kill()
        pytest.fail("the moto S3 server did not start")
    boto3.client(
        "s3",
        endpoint_url=url,
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
    ).create_bucket(Bucket="athanor-tests")
    yield url
    server.terminate()
    server.wait(timeout=10)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "files_backend" in metafunc.fixturenames:
        metafunc.parametrize("files_backend", ["local", "s3"])


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    pairs = [item for item in items if "[s3-postgres]" in item.nodeid]
    if pairs:
        config.hook.pytest_deselected(items=pairs)
        items[:] = [item for item in items if item not in pairs]


@pytest.fixture
def settings(
    database_url: str, tmp_path: Path, files_backend: str, request: pytest.FixtureRequest
) -> Settings:
    overrides: dict[str, object] = {"storage_upload_part_bytes": 5 * 1024 * 1024}
    if files_backend == "s3":
        overrides |= {
            "storage_backend": "s3",
            "s3_endpoint_url": request.getfixturevalue("s3_server"),
            "s3_bucket": "athanor-tests",
            # Each test in a folder of its own.
            "s3_prefix": f"t-{uuid.uuid4().hex}",
            "s3_access_key_id": "test",
            "s3_secret_access_key": "test",
        }
    return make_settings(database_url, tmp_path, **overrides)


@pytest.fixture
async def owner(runtime: Runtime, client: httpx.AsyncClient) -> Member:
    member = await make_member(runtime, "ada@example.com", tenant_name="Acme")
    response = await client.post("/api/storage/buckets", json={"name": BUCKET}, headers=member.headers)
    assert response.status_code == 201, response.text
    return member
