"""The HTTP request node. Like a tenant's provider, it may not reach private, loopback or
link-local addresses unless the tenant allows private network requests."""

from __future__ import annotations

from typing import Any

import httpx
import orjson

from athanor.core.i18n import _
from athanor.core.netguard import private_address_of
from athanor.tenancy.models import Tenant
from athanor.workflows.nodes.base import Done, Failed, NodeContext, NodeKind, Outcome, Port

TIMEOUT_SECONDS = 30.0
# What a response may bring into the run's variables.
MAX_RESPONSE_BYTES = 5_000_000
METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"]


async def _allows_private(context: NodeContext) -> bool:
    async with context.runtime.db.session(context.caller.scope) as session:
        tenant = await session.get(Tenant, context.caller.tenant_id)
        return bool(tenant and (tenant.settings or {}).get("allow_private_network_requests"))


async def _http(context: NodeContext) -> Outcome:
    config = context.config
    url = str(config["url"])
    if not url.startswith(("http://", "https://")):
        return Failed("workflow.http_bad_url", "only http and https URLs can be requested")
    if not await _allows_private(context) and (address := await private_address_of(url)) is not None:
        return Failed("workflow.http_private_address", f"{address} is a private address")
    body = config.get("body")
    try:
        async with httpx.AsyncClient(timeout=config.get("timeout_seconds", TIMEOUT_SECONDS)) as client:
            response = await client.request(
                config.get("method", "GET"),
                url,
                headers={str(name): str(value) for name, value in (config.get("headers") or {}).items()},
                content=orjson.dumps(body) if body is not None else None,
            )
    except httpx.TimeoutException:
        return Failed("workflow.http_timeout", "the request timed out", retryable=True)
    except httpx.HTTPError as error:
        return Failed("workflow.http_failed", str(error)[:500] or type(error).__name__, retryable=True)
    if len(response.content) > MAX_RESPONSE_BYTES:
        return Failed("workflow.http_too_large", f"the response is over {MAX_RESPONSE_BYTES} bytes")
    if response.status_code >= 500 or response.status_code == 429:
        return Failed("workflow.http_status", f"the server answered {response.status_code}", retryable=True)
    return Done(
        {"status": response.status_code, "headers": dict(response.headers), "body": _body_of(response)},
        port="out" if response.status_code < 400 else "error",
    )


def _body_of(response: httpx.Response) -> Any:
    try:
        return orjson.loads(response.content)
    except orjson.JSONDecodeError:
        return response.text


HTTP = NodeKind(
    type="http",
    category="integration",
    icon="globe",
    description=_("Calls an HTTP API; private addresses only when the tenant allows them."),
    config_schema={
        "type": "object",
        "properties": {
            "method": {"enum": METHODS},
            "url": {"type": "string", "minLength": 1, "maxLength": 4000},
            "headers": {"type": "object", "additionalProperties": {"type": "string"}, "maxProperties": 50},
            "body": {},
            "timeout_seconds": {"type": "number", "exclusiveMinimum": 0, "maximum": 300},
        },
        "required": ["url"],
        "additionalProperties": False,
    },
    outputs=(
        Port(
            "out",
            {
                "type": "object",
                "properties": {"status": {"type": "integer"}, "body": {}},
                "required": ["status"],
            },
        ),
        Port("error"),
    ),
    literals=frozenset({"method", "timeout_seconds"}),
    run=_http,
)
