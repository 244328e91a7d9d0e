"""Running one export: claim the job, load and parse its source, render it off the event
loop while progress goes to the database (where a cancel is seen), then save the result
as a file and its first pages as previews.

No transaction stays open while rendering; each step is a short one, so progress is
visible to every API server and a cancel from any of them stops the render.
"""

from __future__ import annotations

import asyncio
import dataclasses
import threading
import time
import uuid

from athanor.core.errors import AppError, InternalError
from athanor.core.logging import get_logger
from athanor.db.scope import DbScope
from athanor.db.types import utcnow
from athanor.exports import service, sources
from athanor.exports.models import ExportJob, ExportStatus
from athanor.exports.render import (
    Document,
    DocumentError,
    ExportFormat,
    Layout,
    from_html,
    from_markdown,
    render,
)
from athanor.exports.render.preview import pdf_pages_to_png, preview_pages
from athanor.runtime import Runtime
from athanor.storage import service as storage
from athanor.storage.backends.base import one_chunk, write_bytes
from athanor.storage.ingest import blob_key, receive
from athanor.storage.names import clean_segment
from athanor.storage.tasks import request_previews

log = get_logger("athanor.exports")

PREVIEW_PAGES = 3
PREVIEW_WIDTH = 800
# Progress is written at most this often; a job silent for far longer was abandoned.
REPORT_SECONDS = 0.5
HEARTBEAT_SECONDS = 5.0
# Shares of the progress bar: rendering is most of the work.
RENDER_START, RENDER_END = 0.1, 0.85


@dataclasses.dataclass(frozen=True, slots=True)
class Produced:
    result: bytes
    previews: list[bytes]
    # The request's title, or the document's own (front matter, first heading).
    title: str


class Cancelled(Exception):
    """Someone cancelled the export while it rendered."""


def preview_key(job: ExportJob, page: int) -> str:
    return f"{job.tenant_id}/exports/{job.id}/preview-{page}.png"


class _Progress:
    """Shared between the rendering thread (which reports) and the loop (which saves)."""

    def __init__(self) -> None:
        self.fraction = 0.0
        self.stage = ""
        self.cancelled = threading.Event()

    def report(self, fraction: float, stage: str) -> None:
        if self.cancelled.is_set():
            raise Cancelled()
        self.fraction = RENDER_START + (RENDER_END - RENDER_START) * max(0.0, min(fraction, 1.0))
        self.stage = stage


async def run(runtime: Runtime, tenant_id: uuid.UUID, job_id: uuid.UUID) -> ExportStatus:
    """Run a queued export to its end; returns its final status. A job that is not queued
    (cancelled, or taken by another delivery of the same task) is left alone."""
    scope = DbScope.for_tenant(tenant_id)
    async with runtime.db.session(scope) as session, session.begin():
        job = await session.get(ExportJob, job_id, with_for_update=True)
        if job is None or job.status is not ExportStatus.QUEUED:
            return job.status if job else ExportStatus.CANCELLED
        job.status, job.stage, job.progress = ExportStatus.RUNNING, "loading", 0.02
        job.started_at = utcnow()
        job.attempts += 1
    started = time.monotonic()
    try:
        await _save(runtime, job, await _produce(runtime, job), started)
    except Cancelled:
        log.info("export.cancelled", export_id=str(job_id))
    except (AppError, DocumentError) as error:
        await _fail(runtime, job, error)
    except Exception:
        log.exception("export.failed", export_id=str(job_id))
        await _fail(runtime, job, InternalError())
    async with runtime.db.session(scope) as session:
        final = await session.get(ExportJob, job_id)
        assert final is not None
        return final.status


async def _produce(runtime: Runtime, job: ExportJob) -> Produced:
    async with runtime.db.session(DbScope.for_tenant(job.tenant_id)) as session:
        source = await sources.load(session, runtime.files, job)
    await _report(runtime, job, 0.06, "parsing")
    parse = from_html if source.kind == "html" else from_markdown
    document = await asyncio.to_thread(parse, source.text, title=job.title or source.title or None)
    layout = Layout.model_validate(job.layout)
    fmt = ExportFormat(job.format)
    progress = _Progress()
    rendering = asyncio.ensure_future(
        asyncio.to_thread(lambda: render(document, fmt, layout, progress=progress.report))
    )
    await _follow(runtime, job, rendering, progress)
    result = await rendering
    await _report(runtime, job, RENDER_END, "previewing")
    pictures = await asyncio.to_thread(_previews, result, fmt, document, layout)
    return Produced(result=result, previews=pictures, title=job.title or document.title)


def _previews(result: bytes, fmt: ExportFormat, document: Document, layout: Layout) -> list[bytes]:
    """The first pages as PNG: of the PDF itself, or of the same layout printed (only the
    first chapters: a preview must not cost a second full render)."""
    if fmt is ExportFormat.PDF:
        return pdf_pages_to_png(result, pages=PREVIEW_PAGES, width=PREVIEW_WIDTH)
    opening = dataclasses.replace(document, chapters=document.chapters[:2])
    return preview_pages(opening, layout, PREVIEW_PAGES, width=PREVIEW_WIDTH)


async def _follow(
    runtime: Runtime, job: ExportJob, rendering: asyncio.Future[bytes], progress: _Progress
) -> None:
    """While rendering: save progress, keep the job's heartbeat, and watch for a cancel."""
    saved: tuple[float, str] = (-1.0, "")
    beat = time.monotonic()
    while not rendering.done():
        await asyncio.wait({rendering}, timeout=REPORT_SECONDS)
        now = (round(progress.fraction, 3), progress.stage)
        if now == saved and time.monotonic() - beat < HEARTBEAT_SECONDS:
            continue
        saved, beat = now, time.monotonic()
        if await _report(runtime, job, *now) is ExportStatus.CANCELLED:
            progress.cancelled.set()


async def _report(runtime: Runtime, job: ExportJob, fraction: float, stage: str) -> ExportStatus:
    """Save progress unless the job was cancelled meanwhile; returns its status."""
    async with runtime.db.session(DbScope.for_tenant(job.tenant_id)) as session, session.begin():
        current = await session.get(ExportJob, job.id, with_for_update=True)
        assert current is not None
        if current.status is ExportStatus.RUNNING:
            current.progress, current.stage, current.updated_at = fraction, stage, utcnow()
        return current.status


async def _save(runtime: Runtime, job: ExportJob, produced: Produced, started: float) -> None:
    result = produced.result
    for page, png in enumerate(produced.previews, start=1):
        await write_bytes(runtime.files, preview_key(job, page), png)
    await _report(runtime, job, 0.95, "saving")
    fmt = ExportFormat(job.format)
    async with runtime.db.session(DbScope.for_tenant(job.tenant_id)) as session:
        settings = await service.defaults(session)
        bucket = await storage.ensure_bucket(session, settings.bucket)
        await session.commit()
        name = clean_segment(produced.title) or f"export-{job.id.hex[:8]}"
        received = await receive(runtime.files, blob_key(job.tenant_id), one_chunk(result), limit=len(result))
        recorded = await storage.record(
            session,
            runtime.files,
            received,
            bucket=bucket,
            path=f"{settings.folder.strip('/')}/{name}{fmt.extension}".lstrip("/"),
            declared_type=fmt.media_type,
            user_id=job.user_id,
        )
        current = await session.get(ExportJob, job.id, with_for_update=True)
        assert current is not None
        if current.status is ExportStatus.RUNNING:
            current.status, current.progress, current.stage = ExportStatus.SUCCEEDED, 1.0, "done"
            current.result_file_id, current.result_version = recorded.file.id, recorded.version.number
            current.result_size, current.preview_pages = len(result), len(produced.previews)
            current.title = produced.title
            current.finished_at = utcnow()
            current.duration_ms = int((time.monotonic() - started) * 1000)
        await session.commit()
    if recorded.new_blob:
        request_previews(job.tenant_id, [recorded.version.blob_id])


async def _fail(runtime: Runtime, job: ExportJob, error: AppError | DocumentError) -> None:
    async with runtime.db.session(DbScope.for_tenant(job.tenant_id)) as session, session.begin():
        current = await session.get(ExportJob, job.id, with_for_update=True)
        assert current is not None
        if current.status is ExportStatus.RUNNING:
            service.record_failure(current, error)
            current.finished_at = utcnow()
