"""The declarative base every table derives from."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, MetaData, Uuid
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column
from uuid6 import uuid7

from athanor.db.types import UtcDateTime, utcnow

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def new_id() -> uuid.UUID:
    """UUIDv7: time-ordered, so ids sort by creation and index well."""
    return uuid.UUID(bytes=uuid7().bytes)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)

    id: Mapped[uuid.UUID] = mapped_column(Uuid(), primary_key=True, default=new_id)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow, onupdate=utcnow)


class TenantOwned:
    """Rows that belong to one tenant: scoped in every query and guarded by RLS."""

    @declared_attr
    def tenant_id(cls) -> Mapped[uuid.UUID]:
        return mapped_column(Uuid(), ForeignKey("tenant.id", ondelete="CASCADE"), index=True, nullable=False)


class SharedOrTenant:
    """Rows a tenant owns, or (tenant_id null) the platform shares with every tenant:
    provider connections and deployments. Tenants read both and write only their own."""

    @declared_attr
    def tenant_id(cls) -> Mapped[uuid.UUID | None]:
        return mapped_column(Uuid(), ForeignKey("tenant.id", ondelete="CASCADE"), index=True, nullable=True)


class UserVisible:
    """Tenant rows that their own user may also see from outside the tenant (memberships)."""

    @declared_attr
    def user_id(cls) -> Mapped[uuid.UUID]:
        return mapped_column(
            Uuid(), ForeignKey("user_account.id", ondelete="CASCADE"), index=True, nullable=False
        )
