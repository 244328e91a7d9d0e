"""Cursor pagination over time-ordered (UUIDv7) ids, newest first."""

from __future__ import annotations

import base64
import uuid
from collections.abc import Callable, Sequence
from typing import Annotated, Any, Generic, TypeVar

from fastapi import Query
from pydantic import BaseModel, Field
from sqlalchemy import Select

T = TypeVar("T")
SelectT = TypeVar("SelectT", bound=Select)  # type: ignore[type-arg]

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 200


PageSize = Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE, description="Items per page")]
Cursor = Annotated[
    str | None, Query(pattern=r"^[A-Za-z0-9_-]{22}$", description="`next_cursor` of the previous page")
]


class Page(BaseModel, Generic[T]):
    items: list[T]
    next_cursor: str | None = Field(description="Pass as `cursor` to get the next page")


def encode_cursor(last_id: uuid.UUID) -> str:
    return base64.urlsafe_b64encode(last_id.bytes).decode().rstrip("=")


def decode_cursor(cursor: str) -> uuid.UUID:
    """The id behind a cursor; the `Cursor` query type admits only 22 base64url characters."""
    return uuid.UUID(bytes=base64.urlsafe_b64decode(cursor + "=="))


def paginate_query(statement: SelectT, id_column: Any, cursor: str | None, limit: int) -> SelectT:
    """Newest first, starting after the cursor, one extra row to know if more exist."""
    if cursor:
        statement = statement.where(id_column < decode_cursor(cursor))
    return statement.order_by(id_column.desc()).limit(limit + 1)


def page_of(
    rows: Sequence[Any],
    limit: int,
    build: Callable[[Any], Any],
    id_of: Callable[[Any], uuid.UUID] = lambda row: row.id,
) -> dict[str, Any]:
    """The page's items and the cursor that follows its last row."""
    visible = list(rows[:limit])
    next_cursor = encode_cursor(id_of(visible[-1])) if len(rows) > limit and visible else None
    return {"items": [build(row) for row in visible], "next_cursor": next_cursor}
