"""Nodes that touch files: export content to PDF/EPUB/DOCX/... and read or write a file
in the tenant's storage."""

from __future__ import annotations

from typing import Any

import orjson

from athanor.core.errors import AppError
from athanor.core.i18n import _, translate
from athanor.exports import runner
from athanor.exports import service as exports
from athanor.exports.models import ExportJob, ExportStatus
from athanor.exports.render import ExportFormat
from athanor.exports.schemas import ExportContentSource, ExportCreate
from athanor.storage import service as storage
from athanor.storage.backends.base import one_chunk, read_all
from athanor.storage.ingest import blob_key, receive
from athanor.storage.models import Blob
from athanor.storage.names import clean_path
from athanor.storage.tasks import request_previews
from athanor.workflows.nodes.base import Done, Failed, NodeContext, NodeKind, Outcome, Port

# What a read may bring into the run's variables.
MAX_READ_BYTES = 1_000_000
_TEXT_TYPES = ("text/", "application/json", "application/xml", "application/yaml")
_BUCKET = {"type": "string", "pattern": "^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$"}
_PATH = {"type": "string", "minLength": 1, "maxLength": 1024}
_FILE_OUTPUT = {
    "type": "object",
    "properties": {"file_id": {"type": "string"}, "path": {"type": "string"}, "size": {"type": "integer"}},
    "required": ["file_id", "size"],
}


def _failed(error: AppError) -> Failed:
    return Failed(error.code, translate(error.message, "en", **error.params))


async def _export(context: NodeContext) -> Outcome:
    config = context.config
    body = ExportCreate(
        source=ExportContentSource(
            kind="content",
            content=str(config["content"]),
            content_type=config.get("content_type", "markdown"),
        ),
        format=ExportFormat(config["format"]) if config.get("format") else None,
        template=config.get("template") or None,
        title=str(config["title"]) if config.get("title") else None,
    )
    try:
        async with context.runtime.db.session(context.caller.scope) as session, session.begin():
            job = await exports.create_job(session, body, user_id=context.caller.user_id)
    except AppError as error:
        return _failed(error)
    # The node already runs on a worker: the export renders here, not on another task.
    status = await runner.run(context.runtime, context.caller.tenant_id, job.id)
    async with context.runtime.db.session(context.caller.scope) as session:
        done = await session.get(ExportJob, job.id)
    assert done is not None
    if status is not ExportStatus.SUCCEEDED:
        message = translate(done.error_message or "", "en", **(done.error_params or {}))
        return Failed(done.error_code or "export.failed", message)
    return Done(
        {
            "export_id": str(done.id),
            "file_id": str(done.result_file_id),
            "size": done.result_size,
            "format": done.format,
        }
    )


async def _storage(context: NodeContext) -> Outcome:
    config = context.config
    try:
        if config["operation"] == "write":
            return await _write(
                context, str(config["bucket"]), str(config["path"]), config.get("content", "")
            )
        return await _read(context, str(config["bucket"]), str(config["path"]))
    except AppError as error:
        return _failed(error)


async def _read(context: NodeContext, bucket_name: str, path: str) -> Outcome:
    async with context.runtime.db.session(context.caller.scope) as session:
        bucket = await storage.get_bucket(session, bucket_name)
        stored = await storage.find_file(session, bucket, clean_path(path))
        version = await storage.get_version(session, stored, None)
        blob = await session.get(Blob, version.blob_id)
    assert blob is not None
    if not blob.content_type.startswith(_TEXT_TYPES):
        return Failed("workflow.storage_not_text", f"{path} is {blob.content_type}, not text")
    if blob.size > MAX_READ_BYTES:
        return Failed("workflow.storage_too_large", f"{path} is over {MAX_READ_BYTES} bytes")
    text = (await read_all(context.runtime.files, blob.storage_key)).decode("utf-8", errors="replace")
    return Done(
        {
            "text": text,
            "file_id": str(stored.id),
            "path": stored.path,
            "size": blob.size,
            "content_type": blob.content_type,
            "version": version.number,
        }
    )


async def _write(context: NodeContext, bucket_name: str, path: str, content: Any) -> Outcome:
    data = content if isinstance(content, str) else _as_json(content)
    encoded = data.encode()
    limit = context.runtime.settings.storage_max_upload_bytes
    tenant_id = context.caller.tenant_id
    async with context.runtime.db.session(context.caller.scope) as session:
        bucket = await storage.ensure_bucket(session, bucket_name)
        await session.commit()
        received = await receive(context.runtime.files, blob_key(tenant_id), one_chunk(encoded), limit=limit)
        recorded = await storage.record(
            session,
            context.runtime.files,
            received,
            bucket=bucket,
            path=clean_path(path),
            declared_type=None,
            user_id=context.caller.user_id,
        )
        await session.commit()
    if recorded.new_blob:
        request_previews(tenant_id, [recorded.version.blob_id])
    return Done(
        {
            "file_id": str(recorded.file.id),
            "path": recorded.file.path,
            "size": recorded.version.size,
            "version": recorded.version.number,
        }
    )


def _as_json(value: Any) -> str:
    return orjson.dumps(value, option=orjson.OPT_INDENT_2).decode()


EXPORT = NodeKind(
    type="export",
    category="files",
    icon="file-down",
    description=_("Exports Markdown or HTML to PDF, EPUB, DOCX, HTML, Markdown or text, saved as a file."),
    config_schema={
        "type": "object",
        "properties": {
            "content": {"type": "string", "minLength": 1, "maxLength": 2_000_000},
            "content_type": {"enum": ["markdown", "html"]},
            "format": {"enum": [fmt.value for fmt in ExportFormat]},
            "template": {"type": "string", "maxLength": 64},
            "title": {"type": "string", "maxLength": 300},
        },
        "required": ["content"],
        "additionalProperties": False,
    },
    outputs=(Port("out", _FILE_OUTPUT),),
    literals=frozenset({"content_type", "format", "template"}),
    run=_export,
)

STORAGE = NodeKind(
    type="storage",
    category="files",
    icon="hard-drive",
    description=_(
        "Reads a text file from storage, or writes content to a file (a new version if it exists)."
    ),
    config_schema={
        "type": "object",
        "properties": {
            "operation": {"enum": ["read", "write"]},
            "bucket": _BUCKET,
            "path": _PATH,
            "content": {},
        },
        "required": ["operation", "bucket", "path"],
        "additionalProperties": False,
        "if": {"properties": {"operation": {"const": "write"}}},
        "then": {"required": ["content"]},
    },
    outputs=(Port("out", {"type": "object", "properties": {"file_id": {"type": "string"}}}),),
    literals=frozenset({"operation", "bucket"}),
    run=_storage,
)
