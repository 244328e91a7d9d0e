"""Provider API keys sealed at rest. A key goes in once and never comes back out of the
API; the only reader is the gateway building an endpoint, and each read is audited."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from athanor.audit import service as audit
from athanor.catalog.models import ProviderConnection
from athanor.core.crypto import KeyRing
from athanor.providers.types import Endpoint


def _associated(connection: ProviderConnection) -> str:
    # Binds the ciphertext to its row: a sealed key copied onto another row will not open.
    return f"provider_connection:{connection.id}"


def seal(connection: ProviderConnection, api_key: str | None, ring: KeyRing) -> None:
    if not api_key:
        connection.api_key_sealed = None
        connection.api_key_hint = None
        return
    connection.api_key_sealed = ring.encrypt(api_key, associated=_associated(connection))
    connection.api_key_hint = "…" + api_key[-4:] if len(api_key) >= 8 else "…"


async def endpoint(
    session: AsyncSession, connection: ProviderConnection, ring: KeyRing, *, actor: audit.Actor, purpose: str
) -> Endpoint:
    """The decrypted endpoint for a call, with an audit event saying who opened which key and why."""
    api_key = None
    if connection.api_key_sealed:
        api_key = ring.decrypt(connection.api_key_sealed, associated=_associated(connection))
        await audit.record(
            session,
            action="provider.credential_decrypted",
            actor=actor,
            tenant_id=connection.tenant_id,
            target_type="provider_connection",
            target_id=connection.id,
            details={"purpose": purpose, "key_id": ring.key_id_of(connection.api_key_sealed)},
        )
    return Endpoint(
        base_url=connection.base_url,
        api_key=api_key,
        options=dict(connection.options),
        timeout_seconds=connection.timeout_seconds,
    )


async def reseal_all(session: AsyncSession, ring: KeyRing) -> int:
    """Re-encrypt every sealed key under the ring's newest key (`athanor keys rotate`).
    Runs in the platform scope; returns how many keys moved."""
    moved = 0
    connections = await session.scalars(
        select(ProviderConnection).where(ProviderConnection.api_key_sealed.is_not(None)).with_for_update()
    )
    for connection in connections:
        sealed = connection.api_key_sealed
        assert sealed is not None
        if ring.is_current(sealed):
            continue
        connection.api_key_sealed = ring.encrypt(
            ring.decrypt(sealed, associated=_associated(connection)), associated=_associated(connection)
        )
        moved += 1
    return moved
