"""Rotating the key ring: a new key goes first, old ciphertexts stay readable, and
`athanor keys rotate` re-seals every provider key under the new one."""

from __future__ import annotations

import base64
import os
from pathlib import Path

import pytest
from pydantic import SecretStr
from sqlalchemy import select

from athanor.catalog import credentials, service
from athanor.catalog.models import ProviderConnection
from athanor.catalog.schemas import MockProviderCreate
from athanor.cli import _rotate_keys
from athanor.core.crypto import DecryptionFailed, KeyRing
from athanor.db.scope import DbScope
from athanor.runtime import Runtime
from athanor.settings import Settings
from tests.builders import make_member
from tests.conftest import TEST_KEY_RING, make_settings

NEW_KEY = "k2:" + base64.b64encode(os.urandom(32)).decode()


def test_a_ring_reads_old_keys_and_seals_with_the_newest() -> None:
    old = KeyRing(TEST_KEY_RING)
    token = old.encrypt("secret", associated="row:1")
    rotated = KeyRing([NEW_KEY, *TEST_KEY_RING])
    assert rotated.decrypt(token, associated="row:1") == "secret"
    assert not rotated.is_current(token)
    fresh = rotated.encrypt("secret", associated="row:1")
    assert rotated.is_current(fresh)
    with pytest.raises(DecryptionFailed):
        old.decrypt(fresh, associated="row:1")
    with pytest.raises(DecryptionFailed):
        rotated.decrypt(token, associated="row:2")


async def _sealed(runtime: Runtime) -> list[ProviderConnection]:
    async with runtime.db.session(DbScope.for_platform(None)) as session:
        return list(
            (await session.scalars(select(ProviderConnection).order_by(ProviderConnection.name))).all()
        )


async def test_keys_rotate_reseals_every_provider_key(
    runtime: Runtime, settings: Settings, tmp_path: Path
) -> None:
    owner = await make_member(runtime, "ada@example.com", tenant_name="Acme")
    assert owner.tenant_id is not None
    for owner_id, name in ((owner.tenant_id, "tenant"), (None, "shared")):
        scope = DbScope.for_tenant(owner_id) if owner_id else DbScope.for_platform(None)
        async with runtime.db.session(scope) as session, session.begin():
            data = MockProviderCreate(kind="mock", name=name, api_key=SecretStr(f"sk-{name}-secret"))
            await service.create_provider(session, owner=owner_id, data=data, ring=runtime.key_ring)
    before = await _sealed(runtime)
    assert {KeyRing.key_id_of(row.api_key_sealed or "") for row in before} == {"t1"}

    rotated_settings = make_settings(
        settings.database_url, tmp_path, encryption_keys=[NEW_KEY, *TEST_KEY_RING]
    )
    assert await _rotate_keys(rotated_settings) == (2, "k2")
    assert await _rotate_keys(rotated_settings) == (0, "k2")  # nothing left to move

    new_ring = KeyRing([NEW_KEY, *TEST_KEY_RING])
    only_new = KeyRing([NEW_KEY])
    for row in await _sealed(runtime):
        assert row.api_key_sealed is not None
        assert new_ring.is_current(row.api_key_sealed)
        # Readable without the old key: the old one can now leave the ring.
        async with runtime.db.session(DbScope.for_platform(None)) as session, session.begin():
            endpoint = await credentials.endpoint(
                session, row, only_new, actor=credentials.audit.SYSTEM, purpose="test"
            )
        assert endpoint.api_key == f"sk-{row.name}-secret"
