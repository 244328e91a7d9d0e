"""Building response shapes from identity records."""

from __future__ import annotations

from athanor.access.schemas import UserRead
from athanor.auth.models import User


def user_read(user: User) -> UserRead:
    return UserRead(
        id=user.id,
        email=user.email,
        name=user.name,
        locale=user.locale,
        email_verified=user.email_verified_at is not None,
        is_superadmin=user.is_superadmin,
        created_at=user.created_at,
    )
