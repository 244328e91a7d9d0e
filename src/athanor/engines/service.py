"""Engines and their versions: create, edit drafts, publish, compare, assign."""

from __future__ import annotations

import difflib
import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from athanor.catalog.models import AiModel
from athanor.core.errors import FieldProblem
from athanor.core.i18n import _
from athanor.db.types import utcnow
from athanor.engines import templates
from athanor.engines.exceptions import (
    EngineNotFound,
    InvalidEngine,
    NotAssigned,
    SlugTaken,
    VersionNotFound,
    VersionPublished,
)
from athanor.engines.models import Engine, EngineAssignment, EngineVersion, VersionStatus
from athanor.engines.schemas import FieldChange, VersionSpec
from athanor.engines.templates import render
from athanor.providers.types import ChatRequest, Message

DIFFED_FIELDS = (
    "model_slug",
    "system_prompt",
    "prompt_template",
    "input_schema",
    "output_schema",
    "parameters",
    "routing_strategy",
    "notes",
)
TEXT_FIELDS = frozenset({"system_prompt", "prompt_template"})


async def _check_spec(session: AsyncSession, spec: VersionSpec) -> None:
    problems: list[FieldProblem] = []
    problems += templates.template_problems(spec.prompt_template, "body.prompt_template")
    problems += templates.template_problems(spec.system_prompt, "body.system_prompt")
    problems += templates.schema_problems(spec.input_schema, "body.input_schema")
    problems += templates.schema_problems(spec.output_schema, "body.output_schema")
    if spec.input_schema.get("type", "object") != "object":
        problems.append(
            FieldProblem("body.input_schema", "not_object", _("The input schema must describe an object."))
        )
    known = await session.scalar(
        select(AiModel.id).where(AiModel.slug == spec.model, AiModel.active.is_(True))
    )
    if known is None:
        problems.append(
            FieldProblem(
                "body.model", "unknown_model", _("No active model named {model}."), {"model": spec.model}
            )
        )
    if problems:
        raise InvalidEngine(fields=problems)


def _apply(version: EngineVersion, spec: VersionSpec) -> None:
    version.model_slug = spec.model
    version.system_prompt = spec.system_prompt
    version.prompt_template = spec.prompt_template
    version.input_schema = spec.input_schema
    version.output_schema = spec.output_schema
    version.parameters = spec.parameters.model_dump(exclude_none=True, exclude_defaults=True)
    version.routing_strategy = spec.routing_strategy
    version.notes = spec.notes


async def create_engine(
    session: AsyncSession, *, slug: str, name: str, description: str, spec: VersionSpec, author_id: uuid.UUID
) -> tuple[Engine, EngineVersion]:
    await _check_spec(session, spec)
    engine = Engine(slug=slug, name=name, description=description)
    try:
        async with session.begin_nested():
            session.add(engine)
            await session.flush()
    except IntegrityError:
        raise SlugTaken() from None
    version = EngineVersion(engine_id=engine.id, number=1, created_by_id=author_id)
    _apply(version, spec)
    session.add(version)
    await session.flush()
    return engine, version


async def get_engine(session: AsyncSession, engine_id: uuid.UUID) -> Engine:
    engine = await session.get(Engine, engine_id)
    if engine is None or engine.archived_at is not None:
        raise EngineNotFound()
    return engine


async def engine_by_slug(session: AsyncSession, slug: str) -> Engine:
    engine = await session.scalar(select(Engine).where(Engine.slug == slug, Engine.archived_at.is_(None)))
    if engine is None:
        raise EngineNotFound()
    return engine


async def versions_of(session: AsyncSession, engine_id: uuid.UUID) -> Sequence[EngineVersion]:
    return (
        await session.scalars(
            select(EngineVersion).where(EngineVersion.engine_id == engine_id).order_by(EngineVersion.number)
        )
    ).all()


async def latest_numbers(session: AsyncSession, engine_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, int]:
    rows = await session.execute(
        select(EngineVersion.engine_id, func.max(EngineVersion.number))
        .where(EngineVersion.engine_id.in_(engine_ids))
        .group_by(EngineVersion.engine_id)
    )
    return {engine_id: number for engine_id, number in rows.all()}


async def get_version(session: AsyncSession, engine: Engine, number: int | None = None) -> EngineVersion:
    """A version by number, or the latest one."""
    statement = select(EngineVersion).where(EngineVersion.engine_id == engine.id)
    if number is None:
        statement = statement.order_by(EngineVersion.number.desc()).limit(1)
    else:
        statement = statement.where(EngineVersion.number == number)
    version = await session.scalar(statement)
    if version is None:
        raise VersionNotFound()
    return version


async def published_version(session: AsyncSession, engine: Engine) -> EngineVersion | None:
    if engine.published_version_id is None:
        return None
    return await session.get(EngineVersion, engine.published_version_id)


async def new_version(
    session: AsyncSession, *, engine: Engine, spec: VersionSpec, author_id: uuid.UUID
) -> EngineVersion:
    await _check_spec(session, spec)
    latest = await get_version(session, engine)
    version = EngineVersion(engine_id=engine.id, number=latest.number + 1, created_by_id=author_id)
    _apply(version, spec)
    session.add(version)
    await session.flush()
    return version


async def update_draft(session: AsyncSession, *, version: EngineVersion, spec: VersionSpec) -> EngineVersion:
    if version.status is not VersionStatus.DRAFT:
        raise VersionPublished()
    await _check_spec(session, spec)
    _apply(version, spec)
    return version


async def publish(session: AsyncSession, *, engine: Engine, version: EngineVersion) -> EngineVersion:
    """Make `version` the one executions run; the previously published one retires."""
    if version.status is VersionStatus.PUBLISHED:
        return version
    previous = await published_version(session, engine)
    if previous is not None and previous.id != version.id:
        previous.status = VersionStatus.RETIRED
    version.status = VersionStatus.PUBLISHED
    version.published_at = utcnow()
    engine.published_version_id = version.id
    return version


def diff(before: EngineVersion, after: EngineVersion) -> list[FieldChange]:
    changes = []
    for field in DIFFED_FIELDS:
        old, new = getattr(before, field), getattr(after, field)
        if old == new:
            continue
        text = ""
        if field in TEXT_FIELDS:
            text = "".join(
                difflib.unified_diff(
                    # Every line ends in a newline, the last included, so no two run together.
                    [line + "\n" for line in str(old).splitlines()],
                    [line + "\n" for line in str(new).splitlines()],
                    fromfile=f"v{before.number}/{field}",
                    tofile=f"v{after.number}/{field}",
                )
            )
        changes.append(
            FieldChange(field="model" if field == "model_slug" else field, before=old, after=new, diff=text)
        )
    return changes


async def archive(session: AsyncSession, engine: Engine) -> None:
    engine.archived_at = utcnow()


async def assignments(session: AsyncSession, engine_id: uuid.UUID) -> Sequence[EngineAssignment]:
    return (
        await session.scalars(select(EngineAssignment).where(EngineAssignment.engine_id == engine_id))
    ).all()


async def set_assignments(
    session: AsyncSession, *, engine: Engine, user_ids: Sequence[uuid.UUID], level_ids: Sequence[uuid.UUID]
) -> None:
    await session.execute(delete(EngineAssignment).where(EngineAssignment.engine_id == engine.id))
    for user_id in dict.fromkeys(user_ids):
        session.add(EngineAssignment(engine_id=engine.id, user_id=user_id))
    for level_id in dict.fromkeys(level_ids):
        session.add(EngineAssignment(engine_id=engine.id, level_id=level_id))
    await session.flush()


async def check_assigned(
    session: AsyncSession, *, engine: Engine, user_id: uuid.UUID, level_id: uuid.UUID | None
) -> None:
    """An engine with assignments runs only for its assigned users and levels."""
    rows = await assignments(session, engine.id)
    if not rows:
        return
    if any(row.user_id == user_id or (level_id is not None and row.level_id == level_id) for row in rows):
        return
    raise NotAssigned()


def chat_request(version: EngineVersion, inputs: dict[str, Any]) -> ChatRequest:
    """The call an engine version makes for these inputs (checked, then rendered)."""
    prompt = render(version.prompt_template, inputs, version.input_schema)
    messages: list[Message] = []
    if version.system_prompt:
        messages.append(
            Message(role="system", content=render(version.system_prompt, inputs, version.input_schema))
        )
    messages.append(Message(role="user", content=prompt))
    parameters = version.parameters
    return ChatRequest(
        messages=tuple(messages),
        model="",
        max_tokens=parameters.get("max_tokens"),
        temperature=parameters.get("temperature"),
        top_p=parameters.get("top_p"),
        stop=tuple(parameters.get("stop", ())),
        response_format=version.output_schema or "text",
    )
