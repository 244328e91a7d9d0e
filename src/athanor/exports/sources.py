"""What an export renders: a stored Markdown or HTML file, a workflow run's output, an
engine execution's output, or content sent inline, as a document."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from athanor.engines.models import Execution
from athanor.exports.exceptions import SourceNotFound, SourceTooLarge, SourceUnsupported
from athanor.exports.models import ExportJob, SourceKind
from athanor.storage import service as storage
from athanor.storage.backends import Backend
from athanor.storage.backends.base import read_all
from athanor.storage.models import Blob
from athanor.workflows.models import Workflow, WorkflowRun

# A source this large would take long enough to render that it belongs in a book pipeline.
MAX_SOURCE_BYTES = 20 * 1024 * 1024
_MARKDOWN_TYPES = frozenset({"text/markdown", "text/plain"})


@dataclass(frozen=True, slots=True)
class SourceText:
    text: str
    # "markdown" or "html"
    kind: str
    # A title when the source has an obvious one (a file name, a workflow's name).
    title: str


def as_markdown(value: Any, depth: int = 2) -> str:
    """A JSON output as Markdown: text as itself, objects as sections, lists in order."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        if set(value) == {"text"} and isinstance(value["text"], str):
            return value["text"]
        heading = "#" * min(depth, 6)
        return "\n\n".join(
            f"{heading} {key}\n\n{as_markdown(item, depth + 1)}" for key, item in value.items()
        )
    if isinstance(value, list):
        if all(isinstance(item, str | int | float | bool) for item in value):
            return "\n".join(f"- {item}" for item in value)
        return "\n\n".join(as_markdown(item, depth) for item in value)
    return f"```json\n{json.dumps(value, indent=2, ensure_ascii=False)}\n```"


async def load(session: AsyncSession, backend: Backend, job: ExportJob) -> SourceText:
    if job.source_kind is SourceKind.CONTENT:
        return SourceText(text=job.content or "", kind=job.content_type, title=job.title)
    if job.source_kind is SourceKind.FILE:
        return await _file(session, backend, job)
    if job.source_kind is SourceKind.RUN:
        run = await session.get(WorkflowRun, job.source_id)
        if run is None:
            raise SourceNotFound()
        workflow = await session.get(Workflow, run.workflow_id)
        return SourceText(
            text=as_markdown(run.output), kind="markdown", title=workflow.name if workflow else ""
        )
    execution = await session.get(Execution, job.source_id)
    if execution is None:
        raise SourceNotFound()
    return SourceText(text=as_markdown(execution.output), kind="markdown", title=execution.model_slug)


async def _file(session: AsyncSession, backend: Backend, job: ExportJob) -> SourceText:
    assert job.source_id is not None
    stored = await storage.get_file(session, job.source_id)
    version = await storage.get_version(session, stored, job.source_version)
    blob = await session.get(Blob, version.blob_id)
    assert blob is not None
    if blob.content_type == "text/html":
        kind = "html"
    elif blob.content_type in _MARKDOWN_TYPES:
        kind = "markdown"
    else:
        raise SourceUnsupported(params={"type": blob.content_type})
    if blob.size > MAX_SOURCE_BYTES:
        raise SourceTooLarge(params={"limit": MAX_SOURCE_BYTES})
    data = await read_all(backend, blob.storage_key)
    title = stored.name.rsplit(".", 1)[0]
    return SourceText(text=data.decode("utf-8", errors="replace"), kind=kind, title=title)
