"""Any analytics table as CSV: one column per field of its rows, in their order."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from pydantic import BaseModel


def to_csv(rows: Sequence[BaseModel], columns: Sequence[str]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        values = row.model_dump(mode="json")
        writer.writerow(["" if values[name] is None else values[name] for name in columns])
    return buffer.getvalue()


def columns_of(model: type[BaseModel], first: Sequence[str] = ("bucket_at", "key")) -> list[str]:
    """The leading columns, then the model's other fields."""
    return [*first, *(name for name in model.model_fields if name not in first)]
