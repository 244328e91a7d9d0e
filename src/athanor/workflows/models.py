"""Workflows: versioned graphs of nodes, their runs and the run of every node.

A run never lives in a process's memory: its node runs are the state. A node run waiting
to be picked up is `queued` (it doubles as the durable record of the enqueue: the reaper
publishes again any queued node whose message was lost), a worker claims it by a
conditional update that takes a lease, and its completion and its successors' creation
commit together.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, Index, String, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from athanor.db.base import Base, SharedOrTenant, TenantOwned
from athanor.db.types import EnumText, JsonDocument, UtcDateTime
from athanor.engines.models import VersionStatus


class Workflow(TenantOwned, Base):
    __tablename__ = "workflow"
    __table_args__ = (UniqueConstraint("tenant_id", "slug"),)

    slug: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(String(2000), default="")
    published_version_id: Mapped[uuid.UUID | None] = mapped_column(Uuid())
    archived_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class WorkflowVersion(TenantOwned, Base):
    """The graph, frozen once published: a run pins the version it runs."""

    __tablename__ = "workflow_version"
    __table_args__ = (UniqueConstraint("workflow_id", "number"),)

    workflow_id: Mapped[uuid.UUID] = mapped_column(
        Uuid(), ForeignKey("workflow.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[int] = mapped_column()
    status: Mapped[VersionStatus] = mapped_column(EnumText(VersionStatus, 16), default=VersionStatus.DRAFT)
    definition: Mapped[dict[str, Any]] = mapped_column(JsonDocument)
    notes: Mapped[str] = mapped_column(String(2000), default="")
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid(), ForeignKey("user_account.id", ondelete="SET NULL")
    )
    published_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class RunStatus(StrEnum):
    RUNNING = "running"
    PAUSED = "paused"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELLED = "cancelled"


FINISHED_RUN = frozenset({RunStatus.SUCCEEDED, RunStatus.FAILED, RunStatus.CANCELLED})


class Trigger(StrEnum):
    API = "api"
    API_KEY = "api_key"
    SCHEDULE = "schedule"
    WEBHOOK = "webhook"
    WORKFLOW = "workflow"  # a sub-workflow node


class WorkflowRun(TenantOwned, Base):
    __tablename__ = "workflow_run"
    __table_args__ = (Index("ix_workflow_run_tenant_created", "tenant_id", "created_at"),)

    workflow_id: Mapped[uuid.UUID] = mapped_column(
        Uuid(), ForeignKey("workflow.id", ondelete="CASCADE"), index=True
    )
    version_id: Mapped[uuid.UUID] = mapped_column(
        Uuid(), ForeignKey("workflow_version.id", ondelete="CASCADE")
    )
    status: Mapped[RunStatus] = mapped_column(EnumText(RunStatus, 16), default=RunStatus.RUNNING)
    trigger: Mapped[Trigger] = mapped_column(EnumText(Trigger, 16))
    # Who the run acts for: its engine calls are charged to this member's wallet.
    user_id: Mapped[uuid.UUID] = mapped_column(Uuid(), ForeignKey("user_account.id", ondelete="CASCADE"))
    api_key_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid(), ForeignKey("api_key.id", ondelete="SET NULL")
    )
    # The sub-workflow node this run answers to, if any.
    parent_node_run_id: Mapped[uuid.UUID | None] = mapped_column(Uuid())
    inputs: Mapped[dict[str, Any]] = mapped_column(JsonDocument, default=dict)
    output: Mapped[Any] = mapped_column(JsonDocument, nullable=True)
    # Tokens the run may charge in all; reaching it stops the run.
    budget_tokens: Mapped[int | None] = mapped_column(BigInteger)
    prompt_tokens: Mapped[int] = mapped_column(BigInteger, default=0)
    completion_tokens: Mapped[int] = mapped_column(BigInteger, default=0)
    charged_tokens: Mapped[int] = mapped_column(BigInteger, default=0)
    cost_nanos: Mapped[int] = mapped_column(BigInteger, default=0)
    error_code: Mapped[str | None] = mapped_column(String(64))
    error_message: Mapped[str | None] = mapped_column(String(1000))
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class NodeStatus(StrEnum):
    PENDING = "pending"  # a map item waiting for a free slot
    QUEUED = "queued"
    RUNNING = "running"
    WAITING = "waiting"  # approval, delay, sub-workflow, map items
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    SKIPPED = "skipped"  # on a branch not taken
    CANCELLED = "cancelled"


SETTLED_NODE = frozenset({NodeStatus.SUCCEEDED, NodeStatus.FAILED, NodeStatus.SKIPPED, NodeStatus.CANCELLED})


class NodeRun(TenantOwned, Base):
    __tablename__ = "node_run"
    # One row per node (and per map item) of a run: an output is recorded exactly once.
    __table_args__ = (
        UniqueConstraint("run_id", "node_id", "item_index"),
        Index("ix_node_run_status_lease", "status", "lease_expires_at"),
    )

    run_id: Mapped[uuid.UUID] = mapped_column(
        Uuid(), ForeignKey("workflow_run.id", ondelete="CASCADE"), index=True
    )
    node_id: Mapped[str] = mapped_column(String(64))
    node_type: Mapped[str] = mapped_column(String(32))
    # Map items: the item's position; -1 for every other node (a unique key needs a value).
    item_index: Mapped[int] = mapped_column(default=-1)
    status: Mapped[NodeStatus] = mapped_column(EnumText(NodeStatus, 16), default=NodeStatus.QUEUED)
    # The output port taken (condition branches, approvals, gates).
    port: Mapped[str | None] = mapped_column(String(64))
    attempt: Mapped[int] = mapped_column(default=0)
    lease_expires_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    # When a queued node was last published, or when a waiting delay ends.
    due_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    worker: Mapped[str | None] = mapped_column(String(200))
    inputs: Mapped[Any] = mapped_column(JsonDocument, nullable=True)
    output: Mapped[Any] = mapped_column(JsonDocument, nullable=True)
    # Quality-gate feedback for a retried node.
    feedback: Mapped[str | None] = mapped_column(String(4000))
    prompt_tokens: Mapped[int] = mapped_column(BigInteger, default=0)
    completion_tokens: Mapped[int] = mapped_column(BigInteger, default=0)
    charged_tokens: Mapped[int] = mapped_column(BigInteger, default=0)
    cost_nanos: Mapped[int] = mapped_column(BigInteger, default=0)
    error_code: Mapped[str | None] = mapped_column(String(64))
    error_message: Mapped[str | None] = mapped_column(String(1000))
    started_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class QualityEvaluation(TenantOwned, Base):
    """Every verdict of a quality gate, kept for analytics."""

    __tablename__ = "quality_evaluation"

    run_id: Mapped[uuid.UUID] = mapped_column(
        Uuid(), ForeignKey("workflow_run.id", ondelete="CASCADE"), index=True
    )
    gate_node_id: Mapped[str] = mapped_column(String(64))
    target_node_id: Mapped[str] = mapped_column(String(64))
    attempt: Mapped[int] = mapped_column()
    score: Mapped[float] = mapped_column()
    passed: Mapped[bool] = mapped_column()
    feedback: Mapped[str] = mapped_column(String(4000), default="")
    details: Mapped[list[dict[str, Any]]] = mapped_column(JsonDocument, default=list)


class WorkflowTemplate(SharedOrTenant, Base):
    """A shareable definition: platform templates (tenant null) and a tenant's own."""

    __tablename__ = "workflow_template"
    __table_args__ = (UniqueConstraint("tenant_id", "slug"),)

    slug: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(String(2000), default="")
    category: Mapped[str] = mapped_column(String(64), default="general")
    definition: Mapped[dict[str, Any]] = mapped_column(JsonDocument)


class TriggerKind(StrEnum):
    SCHEDULE = "schedule"
    WEBHOOK = "webhook"


class WorkflowTrigger(TenantOwned, Base):
    """A cron schedule or an inbound webhook that starts runs of the published version."""

    __tablename__ = "workflow_trigger"
    __table_args__ = (Index("ix_workflow_trigger_due", "kind", "enabled", "next_run_at"),)

    workflow_id: Mapped[uuid.UUID] = mapped_column(
        Uuid(), ForeignKey("workflow.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[TriggerKind] = mapped_column(EnumText(TriggerKind, 16))
    enabled: Mapped[bool] = mapped_column(default=True)
    cron: Mapped[str | None] = mapped_column(String(120))
    next_run_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    last_run_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    inputs: Mapped[dict[str, Any]] = mapped_column(JsonDocument, default=dict)
    # Whose wallet the triggered runs charge.
    user_id: Mapped[uuid.UUID] = mapped_column(Uuid(), ForeignKey("user_account.id", ondelete="CASCADE"))


class WebhookSecret(Base):
    """The keyed hash of a webhook trigger's secret (the secret is in the URL and shown
    once). Read before the tenant is known, like API key secrets: its RLS policy lets
    anyone read it, and it holds nothing but the hash."""

    __tablename__ = "webhook_secret"

    trigger_id: Mapped[uuid.UUID] = mapped_column(
        Uuid(), ForeignKey("workflow_trigger.id", ondelete="CASCADE"), index=True
    )
    tenant_id: Mapped[uuid.UUID] = mapped_column(
        Uuid(), ForeignKey("tenant.id", ondelete="CASCADE"), index=True
    )
    secret_hash: Mapped[str] = mapped_column(String(64), unique=True)
