from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from athanor.core.schemas import Output


class AuditEventRead(Output):
    id: uuid.UUID
    seq: int
    action: str
    outcome: str
    actor_user_id: uuid.UUID | None
    actor_api_key_id: uuid.UUID | None
    actor_admin_id: uuid.UUID | None
    target_type: str | None
    target_id: str | None
    ip: str | None
    user_agent: str | None
    request_id: str | None
    details: dict[str, Any]
    hash: str
    created_at: datetime


class ChainReportRead(Output):
    valid: bool
    checked: int
    first_broken_seq: int | None
