"""Base classes for API shapes: closed inputs, attribute-reading outputs.

FastAPI validates bodies in Python mode, where model-wide strictness would refuse a UUID
written as a string; numbers and booleans use pydantic's Strict* types instead, so "1"
is not taken for 1.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Input(BaseModel):
    """Request bodies: unknown fields are refused."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Output(BaseModel):
    model_config = ConfigDict(from_attributes=True)
