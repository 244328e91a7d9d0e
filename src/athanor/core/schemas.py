"""Base classes and field types for API shapes: closed inputs, attribute-reading outputs.

FastAPI validates bodies in Python mode, where model-wide strictness would refuse a UUID
written as a string; instead numbers and e-mail addresses have types of their own below.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from email_validator import EmailNotValidError, validate_email
from limits import parse_many
from pydantic import AfterValidator, AwareDatetime, BaseModel, BeforeValidator, ConfigDict, Field
from pydantic_core import PydanticCustomError


class Input(BaseModel):
    """Request bodies: unknown fields are refused."""

    model_config = ConfigDict(extra="forbid")


class Output(BaseModel):
    model_config = ConfigDict(from_attributes=True)


def _json_integer(value: object) -> object:
    # JSON has one number type: 6.0 is the integer 6, but "6" and true are not numbers.
    if isinstance(value, bool | str | bytes):
        raise PydanticCustomError("int_type", "Input should be a valid integer")
    return value


def _iso_datetime(value: object) -> object:
    # Only ISO 8601 text: pydantic would also read "0.5" as a Unix timestamp.
    if isinstance(value, str):
        try:
            datetime.fromisoformat(value)
        except ValueError:
            raise PydanticCustomError(
                "datetime_parsing", "Input should be an ISO 8601 date and time"
            ) from None
    return value


def _email(value: object) -> str:
    if not isinstance(value, str):
        raise PydanticCustomError("string_type", "Input should be a valid string")
    try:
        # Self-hosted installs use internal domains (.local, .internal): no deliverability rules.
        checked = validate_email(
            value.strip(), check_deliverability=False, globally_deliverable=False, test_environment=True
        )
    except EmailNotValidError as error:
        raise PydanticCustomError(
            "email", "Not a valid email address: {reason}", {"reason": str(error)}
        ) from None
    return checked.normalized.lower()


# Place after any Field constraints: Annotated[int, Field(ge=0), JSON_INTEGER].
JSON_INTEGER = BeforeValidator(_json_integer)


def _in_utc(value: datetime) -> datetime:
    try:
        return value.astimezone(UTC)
    except OverflowError:  # 0001-01-01T00:00+05:00 has no UTC equivalent
        raise PydanticCustomError("datetime_out_of_range", "Date and time out of range") from None


Timestamp = Annotated[AwareDatetime, BeforeValidator(_iso_datetime), AfterValidator(_in_utc)]
Email = Annotated[str, BeforeValidator(_email), Field(max_length=320, json_schema_extra={"format": "email"})]


_RATE = r"[1-9][0-9]{0,8} ?(/|per) ?([1-9][0-9]{0,5} ?)?(second|minute|hour|day|month|year)s?"
# What the `limits` parser reads: "60/minute", "10 per 2 hours", "5/second;1000/day"; the
# pattern documents it in the API schema, the parser has the last word.
RATE_PATTERN = rf"^{_RATE}( ?[,;] ?{_RATE})*$"


def _parsable_rate(value: str) -> str:
    try:
        items = parse_many(value)
    except ValueError:
        raise PydanticCustomError(
            "rate", "Write a rate such as '100/minute' or '10/second;1000/hour'"
        ) from None
    if any(item.amount < 1 for item in items):
        # "0/minute" parses, but would refuse every request.
        raise PydanticCustomError("rate", "A rate must allow at least one request")
    return value


Rate = Annotated[
    str, Field(max_length=200, pattern=RATE_PATTERN, examples=["100/minute"]), AfterValidator(_parsable_rate)
]
