"""The platform's workflow templates, shared with every tenant. Idempotent: a template
already there (by slug) is left as the operators may have edited it."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from athanor.workflows.models import WorkflowTemplate

# Uses the demo's model (`mock-small`) and engine (`demo-summarizer`), so each template
# runs offline as soon as it is instantiated in the demo tenant.
TEMPLATES: list[dict[str, Any]] = [
    {
        "slug": "summarise-and-approve",
        "name": "Summarise, then approve",
        "category": "content",
        "description": "Summarises a text with an engine and waits for a person to approve it.",
        "definition": {
            "inputs": {
                "type": "object",
                "properties": {"text": {"type": "string", "minLength": 1}},
                "required": ["text"],
            },
            "nodes": [
                {
                    "id": "summary",
                    "type": "engine",
                    "config": {
                        "engine": "demo-summarizer",
                        "inputs": {"text": "{{ inputs.text }}", "sentences": 2},
                    },
                    "position": {"x": 0, "y": 0},
                },
                {
                    "id": "review",
                    "type": "approval",
                    "config": {"message": "Publish this summary? {{ nodes.summary.output.text }}"},
                    "position": {"x": 260, "y": 0},
                },
                {
                    "id": "publish",
                    "type": "template",
                    "config": {"template": "Published: {{ nodes.summary.output.text }}"},
                    "position": {"x": 520, "y": -80},
                },
                {
                    "id": "archive",
                    "type": "template",
                    "config": {"template": "Kept as a draft."},
                    "position": {"x": 520, "y": 80},
                },
            ],
            "edges": [
                {"source": "summary", "target": "review"},
                {"source": "review", "port": "approved", "target": "publish"},
                {"source": "review", "port": "rejected", "target": "archive"},
            ],
        },
    },
    {
        "slug": "research-fan-out",
        "name": "Research fan-out",
        "category": "research",
        "description": "Asks a model about each topic of a list, a few at a time, then writes a digest.",
        "definition": {
            "inputs": {
                "type": "object",
                "properties": {"topics": {"type": "array", "items": {"type": "string"}, "minItems": 1}},
                "required": ["topics"],
            },
            "nodes": [
                {
                    "id": "notes",
                    "type": "map",
                    "config": {
                        "items": "inputs.topics",
                        "concurrency": 3,
                        "body": {
                            "type": "llm",
                            "config": {
                                "model": "mock-small",
                                "prompt": "Three facts about {{ item }}.",
                                "max_tokens": 128,
                            },
                        },
                    },
                    "position": {"x": 0, "y": 0},
                },
                {
                    "id": "digest",
                    "type": "template",
                    "config": {
                        "template": "{% for note in nodes.notes.output['items'] %}- {{ note.text }}\n{% endfor %}"
                    },
                    "position": {"x": 300, "y": 0},
                },
            ],
            "edges": [{"source": "notes", "target": "digest"}],
            "outputs": {"digest": "{{ nodes.digest.output.text }}"},
        },
    },
    {
        "slug": "quality-gated-answer",
        "name": "Quality-gated answer",
        "category": "quality",
        "description": "Answers a question, checks the answer by rules and sends it back with feedback when it falls short.",
        "definition": {
            "inputs": {
                "type": "object",
                "properties": {"question": {"type": "string", "minLength": 1}},
                "required": ["question"],
            },
            "nodes": [
                {
                    "id": "answer",
                    "type": "llm",
                    "config": {"model": "mock-small", "prompt": "{{ inputs.question }}", "max_tokens": 256},
                    "position": {"x": 0, "y": 0},
                },
                {
                    "id": "gate",
                    "type": "quality_gate",
                    "config": {
                        "target": "answer",
                        "rules": [{"kind": "min_length", "value": 20}],
                        "on_fail": "retry",
                        "max_retries": 2,
                    },
                    "position": {"x": 260, "y": 0},
                },
            ],
            "edges": [{"source": "answer", "target": "gate"}],
            "outputs": {"answer": "{{ nodes.answer.output.text }}"},
        },
    },
]


async def seed_templates(session: AsyncSession) -> None:
    """Runs in the platform scope."""
    known = set(
        (
            await session.scalars(select(WorkflowTemplate.slug).where(WorkflowTemplate.tenant_id.is_(None)))
        ).all()
    )
    for template in TEMPLATES:
        if template["slug"] not in known:
            session.add(WorkflowTemplate(tenant_id=None, **template))
    await session.flush()
