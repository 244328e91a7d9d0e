"""What every node type declares (for the palette, validation and the engine) and what
running one can come to."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

from athanor.core.errors import FieldProblem

if TYPE_CHECKING:
    from athanor.execution.flow import Caller
    from athanor.runtime import Runtime

ANY: dict[str, Any] = {}
TEXT_OUTPUT: dict[str, Any] = {
    "type": "object",
    "properties": {"text": {"type": "string"}},
    "required": ["text"],
}


@dataclass(frozen=True, slots=True)
class Port:
    name: str
    # JSON Schema of what travels through the port ({} is anything).
    schema: dict[str, Any] = field(default_factory=dict)


IN = (Port("in"),)
OUT = (Port("out"),)


@dataclass(frozen=True, slots=True)
class Usage:
    prompt_tokens: int = 0
    completion_tokens: int = 0
    charged_tokens: int = 0
    cost_nanos: int = 0


@dataclass(frozen=True, slots=True)
class Done:
    output: Any
    port: str = "out"
    usage: Usage = Usage()


@dataclass(frozen=True, slots=True)
class Failed:
    code: str
    message: str
    # Worth another attempt (an upstream hiccup), or final (bad configuration, a rejection).
    retryable: bool = False
    # What the node spent before failing (a quality gate's judge).
    usage: Usage = Usage()


@dataclass(frozen=True, slots=True)
class Wait:
    """Not done yet: until `due_at` (a delay), or until something outside wakes it (an
    approval, a sub-workflow)."""

    due_at: datetime | None = None
    output: Any = None


@dataclass(frozen=True, slots=True)
class FanOut:
    """A map: run the body once per item, at most `concurrency` at a time."""

    items: list[Any]
    concurrency: int


@dataclass(frozen=True, slots=True)
class StartChild:
    """A sub-workflow: start a run of `workflow` (a slug) and wait for it."""

    workflow: str
    inputs: dict[str, Any]


@dataclass(frozen=True, slots=True)
class SendBack:
    """A quality gate that failed with retries left: run `target` again with feedback."""

    target: str
    feedback: str
    output: Any
    usage: Usage = Usage()


Outcome = Done | Failed | Wait | FanOut | StartChild | SendBack


@dataclass(frozen=True, slots=True)
class NodeContext:
    runtime: Runtime
    caller: Caller
    run_id: uuid.UUID
    node_run_id: uuid.UUID
    node_id: str
    attempt: int
    # Configuration with its variables rendered.
    config: dict[str, Any]
    # The variables the configuration saw (inputs, nodes, item, ...).
    variables: dict[str, Any]
    # The outputs of the nodes with an active edge into this one, by node id.
    upstream: dict[str, Any]


Runner = Callable[[NodeContext], Awaitable[Outcome]]
# Problems of a node's (unrendered) configuration beyond its JSON Schema; `lookup` gives
# engine versions and workflows by slug (for ports whose schema depends on them).
ConfigCheck = Callable[[dict[str, Any], str, "Lookup"], Awaitable[list[FieldProblem]]]


class Lookup(Protocol):
    """What validation may look up about other objects of the tenant."""

    async def engine_schemas(self, slug: str) -> tuple[dict[str, Any], dict[str, Any]] | None:
        """(input schema, output schema) of the engine's published version, if any."""

    async def workflow_exists(self, slug: str) -> bool: ...


@dataclass(frozen=True, slots=True)
class NodeKind:
    type: str
    category: str
    icon: str
    description: str
    config_schema: dict[str, Any]
    run: Runner
    inputs: tuple[Port, ...] = IN
    outputs: tuple[Port, ...] = OUT
    # Config keys holding bare expressions (evaluated) and keys left as written.
    expressions: frozenset[str] = frozenset()
    literals: frozenset[str] = frozenset()
    check: ConfigCheck | None = None
    # The schema of what enters (the engine's inputs) and leaves, when it depends on config.
    port_schemas: (
        Callable[[dict[str, Any], Lookup], Awaitable[tuple[dict[str, Any], dict[str, Any]]]] | None
    ) = None

    def palette(self, translate: Callable[[str], str]) -> dict[str, Any]:
        return {
            "type": self.type,
            "category": self.category,
            "icon": self.icon,
            "description": translate(self.description),
            "inputs": [{"name": port.name, "schema": port.schema} for port in self.inputs],
            "outputs": [{"name": port.name, "schema": port.schema} for port in self.outputs],
            "config_schema": self.config_schema,
        }


def registry(*kinds: NodeKind) -> Mapping[str, NodeKind]:
    return {kind.type: kind for kind in kinds}
