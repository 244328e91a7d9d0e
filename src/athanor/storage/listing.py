"""Listing a bucket like a file browser: one folder's files and subfolders, or a search
below it, filtered by type, sorted by any column, paged by a cursor that stays correct
while files are added (keyset on the sort value and the id)."""

from __future__ import annotations

import base64
import uuid
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

import orjson
from sqlalchemy import ColumnElement, Select, and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from athanor.core.errors import ValidationFailed
from athanor.storage.models import StoredFile


class SortKey(StrEnum):
    NAME = "name"
    SIZE = "size"
    UPDATED = "updated_at"
    CREATED = "created_at"


class TypeFilter(StrEnum):
    IMAGE = "image"
    DOCUMENT = "document"
    TEXT = "text"
    AUDIO = "audio"
    VIDEO = "video"
    ARCHIVE = "archive"
    OTHER = "other"


_DOCUMENT_TYPES = (
    "application/pdf",
    "application/epub+zip",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
)
_ARCHIVE_TYPES = ("application/zip", "application/gzip", "application/x-7z-compressed")
_TEXT_TYPES = ("application/json", "application/xml", "application/yaml")


def _type_condition(kind: TypeFilter) -> ColumnElement[bool]:
    column = StoredFile.content_type
    prefixed = {
        TypeFilter.IMAGE: "image/",
        TypeFilter.AUDIO: "audio/",
        TypeFilter.VIDEO: "video/",
    }
    if kind in prefixed:
        return column.startswith(prefixed[kind])
    if kind is TypeFilter.DOCUMENT:
        return column.in_(_DOCUMENT_TYPES)
    if kind is TypeFilter.ARCHIVE:
        return column.in_(_ARCHIVE_TYPES)
    if kind is TypeFilter.TEXT:
        return or_(column.startswith("text/"), column.in_(_TEXT_TYPES))
    known = or_(
        *(column.startswith(prefix) for prefix in ("image/", "audio/", "video/", "text/")),
        column.in_(_DOCUMENT_TYPES + _ARCHIVE_TYPES + _TEXT_TYPES),
    )
    return ~known


class InvalidCursor(ValidationFailed):
    code = "storage.invalid_cursor"


@dataclass(frozen=True, slots=True)
class Listing:
    folders: list[str]
    files: list[StoredFile]
    next_cursor: str | None


@dataclass(frozen=True, slots=True)
class Query:
    folder: str = ""
    search: str | None = None
    kind: TypeFilter | None = None
    sort: SortKey = SortKey.NAME
    descending: bool = False
    deleted: bool = False
    cursor: str | None = None
    limit: int = 50


def _encode(value: Any, row_id: uuid.UUID) -> str:
    if isinstance(value, datetime):
        value = value.isoformat()
    return base64.urlsafe_b64encode(orjson.dumps([value, str(row_id)])).decode().rstrip("=")


def _decode(cursor: str, sort: SortKey) -> tuple[Any, uuid.UUID]:
    try:
        value, row_id = orjson.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        if sort in (SortKey.UPDATED, SortKey.CREATED):
            value = datetime.fromisoformat(value)
        elif sort is SortKey.SIZE:
            value = int(value)
        else:
            value = str(value)
        return value, uuid.UUID(row_id)
    except (ValueError, TypeError, orjson.JSONDecodeError) as error:
        raise InvalidCursor() from error


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


async def list_files(session: AsyncSession, bucket_id: uuid.UUID, query: Query) -> Listing:
    base = select(StoredFile).where(StoredFile.bucket_id == bucket_id)
    base = base.where(
        StoredFile.deleted_at.is_not(None) if query.deleted else StoredFile.deleted_at.is_(None)
    )
    searching = bool(query.search)
    if searching:
        # A search looks below the folder, at every depth.
        pattern = f"%{_escape_like((query.search or '').lower())}%"
        base = base.where(
            StoredFile.path.startswith(query.folder, autoescape=True),
            func.lower(StoredFile.name).like(pattern, escape="\\"),
        )
    else:
        base = base.where(StoredFile.folder == query.folder)
    if query.kind is not None:
        base = base.where(_type_condition(query.kind))
    files, next_cursor = await _page(session, base, query)
    folders = [] if searching or query.cursor or query.kind else await _subfolders(session, bucket_id, query)
    return Listing(folders=folders, files=files, next_cursor=next_cursor)


async def _page(
    session: AsyncSession, statement: Select[StoredFile], query: Query
) -> tuple[list[StoredFile], str | None]:
    column = getattr(StoredFile, query.sort.value)
    if query.cursor:
        value, row_id = _decode(query.cursor, query.sort)
        after = (column < value) if query.descending else (column > value)
        tie = (StoredFile.id < row_id) if query.descending else (StoredFile.id > row_id)
        statement = statement.where(or_(after, and_(column == value, tie)))
    order = (column.desc(), StoredFile.id.desc()) if query.descending else (column.asc(), StoredFile.id.asc())
    rows = list(await session.scalars(statement.order_by(*order).limit(query.limit + 1)))
    visible = rows[: query.limit]
    if len(rows) <= query.limit or not visible:
        return visible, None
    last = visible[-1]
    return visible, _encode(getattr(last, query.sort.value), last.id)


async def _subfolders(session: AsyncSession, bucket_id: uuid.UUID, query: Query) -> list[str]:
    """The next path segment of every folder below this one, from the distinct folders
    (far fewer than the files)."""
    below = await session.scalars(
        select(StoredFile.folder)
        .where(
            StoredFile.bucket_id == bucket_id,
            StoredFile.folder.startswith(query.folder, autoescape=True),
            StoredFile.folder != query.folder,
            StoredFile.deleted_at.is_not(None) if query.deleted else StoredFile.deleted_at.is_(None),
        )
        .distinct()
    )
    names = {folder[len(query.folder) :].split("/", 1)[0] for folder in below}
    return sorted(names, key=str.casefold)
