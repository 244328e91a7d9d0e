"""CSRF tokens bound to a cookie session (a keyed hash of its id)."""

from __future__ import annotations

import uuid

from athanor.core.security import constant_time_equal, token_hash

CSRF_HEADER = "X-CSRF-Token"
CSRF_COOKIE = "athanor_csrf"
SESSION_COOKIE = "athanor_session"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def csrf_token_for(session_id: uuid.UUID, *, key: str) -> str:
    return token_hash(f"csrf:{session_id}", key=key)


def csrf_ok(session_id: uuid.UUID, presented: str | None, *, key: str) -> bool:
    return bool(presented) and constant_time_equal(csrf_token_for(session_id, key=key), presented or "")
