from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any

from pydantic import Field, StrictBool

from athanor.core.schemas import JSON_INTEGER, Input, Output
from athanor.engines.models import VersionStatus
from athanor.workflows.definition import Definition
from athanor.workflows.models import NodeStatus, RunStatus, Trigger, TriggerKind

Slug = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]{0,63}$")]
Name = Annotated[str, Field(min_length=1, max_length=200)]
Description = Annotated[str, Field(max_length=2000)]
Positive = Annotated[int, Field(ge=1, le=10**15), JSON_INTEGER]


class WorkflowCreate(Input):
    slug: Slug
    name: Name
    description: Description = ""
    # A draft may have problems (see /api/workflows/validate), not a wrong shape.
    definition: Definition


class WorkflowUpdate(Input):
    name: Name | None = None
    description: Description | None = None


class VersionWrite(Input):
    definition: Definition
    notes: Annotated[str, Field(max_length=2000)] = ""


class DefinitionCheck(Input):
    definition: Any


class ProblemRead(Output):
    node_id: str | None
    field: str
    code: str
    message: str
    params: dict[str, Any]


class Problems(Output):
    valid: bool
    problems: list[ProblemRead]


class WorkflowVersionRead(Output):
    id: uuid.UUID
    number: int
    status: VersionStatus
    definition: dict[str, Any]
    notes: str
    created_at: datetime
    published_at: datetime | None


class WorkflowRead(Output):
    id: uuid.UUID
    slug: str
    name: str
    description: str
    published_version: int | None
    latest_version: int
    runs: int
    created_at: datetime
    updated_at: datetime


class WorkflowDetail(WorkflowRead):
    versions: list[WorkflowVersionRead]


class RunCreate(Input):
    inputs: dict[str, Any] = Field(default_factory=dict)
    # A version number to run instead of the published one (a draft must be valid).
    version: Positive | None = None
    # Tokens the run may charge in all; reaching it stops the run.
    budget_tokens: Positive | None = None


class NodeRunRead(Output):
    id: uuid.UUID
    node_id: str
    node_type: str
    item_index: int
    status: NodeStatus
    port: str | None
    attempt: int
    worker: str | None
    inputs: Any
    output: Any
    feedback: str | None
    prompt_tokens: int
    completion_tokens: int
    charged_tokens: int
    cost_nanos: int
    error_code: str | None
    error_message: str | None
    started_at: datetime | None
    finished_at: datetime | None


class EvaluationRead(Output):
    gate_node_id: str
    target_node_id: str
    attempt: int
    score: float
    passed: bool
    feedback: str
    created_at: datetime


class RunRead(Output):
    id: uuid.UUID
    workflow_id: uuid.UUID
    version_id: uuid.UUID
    status: RunStatus
    trigger: Trigger
    user_id: uuid.UUID
    inputs: dict[str, Any]
    output: Any
    budget_tokens: int | None
    prompt_tokens: int
    completion_tokens: int
    charged_tokens: int
    cost_nanos: int
    error_code: str | None
    error_message: str | None
    created_at: datetime
    finished_at: datetime | None


class RunDetail(RunRead):
    nodes: list[NodeRunRead]
    evaluations: list[EvaluationRead]


class Rerun(Input):
    node_id: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,63}$")]


class Decision(Input):
    approved: StrictBool
    comment: Annotated[str, Field(max_length=2000)] = ""


class TemplateRead(Output):
    id: uuid.UUID
    slug: str
    name: str
    description: str
    category: str
    shared: bool
    definition: dict[str, Any]


class TemplateUse(Input):
    slug: Slug
    name: Name | None = None


class TemplateShare(Input):
    category: Annotated[str, Field(min_length=1, max_length=64)] = "general"


class TriggerCreate(Input):
    kind: TriggerKind
    cron: Annotated[str, Field(min_length=1, max_length=120)] | None = None
    inputs: dict[str, Any] = Field(default_factory=dict)


class TriggerRead(Output):
    id: uuid.UUID
    kind: TriggerKind
    enabled: bool
    cron: str | None
    next_run_at: datetime | None
    last_run_at: datetime | None
    inputs: dict[str, Any]
    created_at: datetime


class TriggerCreated(TriggerRead):
    # Webhooks: the URL to post to, shown this once.
    url: str | None = None


class PortRead(Output):
    name: str
    schema_: dict[str, Any] = Field(alias="schema")


class NodeTypeRead(Output):
    """A node type as the studio draws it: ports with their JSON Schemas, config schema."""

    type: str
    category: str
    icon: str
    description: str
    inputs: list[PortRead]
    outputs: list[PortRead]
    config_schema: dict[str, Any]
