"""Imports every table so metadata is complete for migrations and tests."""

from athanor.apikeys.models import ApiKey, ApiKeySecret
from athanor.audit.models import AuditChainHead, AuditEvent
from athanor.auth.models import AuthSession, OneTimeToken, User
from athanor.db.base import Base
from athanor.tenancy.models import Invitation, Membership, Tenant

__all__ = [
    "ApiKey",
    "ApiKeySecret",
    "AuditChainHead",
    "AuditEvent",
    "AuthSession",
    "Base",
    "Invitation",
    "Membership",
    "OneTimeToken",
    "Tenant",
    "User",
]
