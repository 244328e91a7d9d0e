"""Time-limited links to private files: the version and the expiry signed with HMAC, so
any API server checks a link without a lookup and no one can stretch or retarget it."""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
import uuid
from dataclasses import dataclass

from athanor.storage.exceptions import LinkExpired, LinkInvalid


@dataclass(frozen=True, slots=True)
class LinkTarget:
    tenant_id: uuid.UUID
    version_id: uuid.UUID
    expires_at: int
    download: bool


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def sign(key: str, target: LinkTarget) -> str:
    payload = b"|".join(
        (
            target.tenant_id.bytes,
            target.version_id.bytes,
            str(target.expires_at).encode(),
            b"d" if target.download else b"i",
        )
    )
    mac = hmac.new(key.encode(), payload, hashlib.sha256).digest()
    return f"{_b64(payload)}.{_b64(mac)}"


def verify(key: str, token: str, *, now: float | None = None) -> LinkTarget:
    """The link's target; LinkInvalid if it was altered, LinkExpired once past its time."""
    try:
        encoded, mac = token.split(".", 1)
        payload = _unb64(encoded)
        expected = hmac.new(key.encode(), payload, hashlib.sha256).digest()
        if not hmac.compare_digest(expected, _unb64(mac)):
            raise LinkInvalid()
        tenant, version, expires, mode = payload[:16], payload[17:33], payload[34:-2], payload[-1:]
        target = LinkTarget(
            tenant_id=uuid.UUID(bytes=tenant),
            version_id=uuid.UUID(bytes=version),
            expires_at=int(expires),
            download=mode == b"d",
        )
    except (ValueError, IndexError) as error:
        raise LinkInvalid() from error
    if (now if now is not None else time.time()) > target.expires_at:
        raise LinkExpired()
    return target
