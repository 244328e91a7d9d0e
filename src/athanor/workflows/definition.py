"""A workflow's definition: typed nodes joined by edges from an output port to a node.

The shape is checked by Pydantic (unknown keys refused); what the graph means (cycles,
ports, variables, node configuration) is checked by `validation`.
"""

from __future__ import annotations

from collections import deque
from functools import cached_property
from typing import Annotated, Any

from pydantic import Field

from athanor.core.schemas import Input

NodeId = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,63}$")]
MAX_NODES = 500


class Position(Input):
    # Strict: a JSON number, never a boolean or a string.
    x: Annotated[float, Field(strict=True)]
    y: Annotated[float, Field(strict=True)]


class NodeSpec(Input):
    id: NodeId
    type: Annotated[str, Field(min_length=1, max_length=32)]
    name: Annotated[str, Field(max_length=200)] = ""
    config: dict[str, Any] = Field(default_factory=dict)
    # Where the studio draws it; the engine ignores it.
    position: Position | None = None


class EdgeSpec(Input):
    source: NodeId
    # The source's output port the edge leaves from.
    port: Annotated[str, Field(min_length=1, max_length=64)] = "out"
    target: NodeId


class Definition(Input):
    # JSON Schema of the run's inputs.
    inputs: dict[str, Any] = Field(default_factory=lambda: {"type": "object"})
    nodes: Annotated[list[NodeSpec], Field(min_length=1, max_length=MAX_NODES)]
    edges: Annotated[list[EdgeSpec], Field(max_length=MAX_NODES * 4)] = Field(default_factory=list)
    # The run's output: name -> template over the finished nodes.
    outputs: dict[str, Annotated[str, Field(max_length=10_000)]] = Field(default_factory=dict)

    @cached_property
    def graph(self) -> Graph:
        return Graph(self)


class Graph:
    """Adjacency of a definition. Edges naming unknown nodes are left out (validation
    reports them)."""

    def __init__(self, definition: Definition) -> None:
        self.nodes = {node.id: node for node in definition.nodes}
        self.incoming: dict[str, list[EdgeSpec]] = {node_id: [] for node_id in self.nodes}
        self.outgoing: dict[str, list[EdgeSpec]] = {node_id: [] for node_id in self.nodes}
        for edge in definition.edges:
            if edge.source in self.nodes and edge.target in self.nodes:
                self.outgoing[edge.source].append(edge)
                self.incoming[edge.target].append(edge)

    @property
    def entries(self) -> list[str]:
        return [node_id for node_id, edges in self.incoming.items() if not edges]

    def cycle(self) -> list[str]:
        """The nodes on or behind a cycle (empty when the graph is acyclic), by Kahn's
        algorithm: what cannot be ordered."""
        remaining = {node_id: len(edges) for node_id, edges in self.incoming.items()}
        ready = deque(node_id for node_id, count in remaining.items() if count == 0)
        while ready:
            node_id = ready.popleft()
            for edge in self.outgoing[node_id]:
                remaining[edge.target] -= 1
                if remaining[edge.target] == 0:
                    ready.append(edge.target)
        return sorted(node_id for node_id, count in remaining.items() if count > 0)

    def ancestors(self, node_id: str) -> set[str]:
        return self._reach(node_id, lambda current: [edge.source for edge in self.incoming[current]])

    def descendants(self, node_id: str) -> set[str]:
        return self._reach(node_id, lambda current: [edge.target for edge in self.outgoing[current]])

    @staticmethod
    def _reach(start: str, step: Any) -> set[str]:
        seen: set[str] = set()
        todo = [start]
        while todo:
            for neighbour in step(todo.pop()):
                if neighbour not in seen:
                    seen.add(neighbour)
                    todo.append(neighbour)
        return seen
