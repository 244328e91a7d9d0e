"""How a failed AI call reads to the caller."""

from __future__ import annotations

from athanor.core.errors import AppError, Conflict, NotFound
from athanor.core.i18n import _
from athanor.providers.types import FailureKind, ProviderError
from athanor.routing.errors import AllDeploymentsFailed


class ModelNotFound(NotFound):
    code = "model.not_found"
    message = _("There is no model named {model}.")


class NoDeployment(NotFound):
    """As OpenAI answers for a model the caller cannot use: nothing to retry until an
    operator adds a deployment."""

    code = "model.no_deployment"
    message = _("No deployment serves the model {model} yet.")


class UpstreamFailed(AppError):
    status = 502
    code = "upstream.failed"
    message = _("The AI provider failed to answer.")


class UpstreamTimeout(UpstreamFailed):
    status = 504
    code = "upstream.timeout"
    message = _("The AI provider did not answer in time.")


class UpstreamRateLimited(UpstreamFailed):
    status = 429
    code = "upstream.rate_limited"
    message = _("The AI provider is rate limiting requests; try again shortly.")


class UpstreamRejected(AppError):
    status = 400
    code = "upstream.bad_request"
    message = _("The AI provider refused the request: {reason}")


class OutputInvalid(UpstreamFailed):
    code = "engine.output_invalid"
    message = _("The model's answer does not match the engine's output schema.")


class ExecutionInProgress(Conflict):
    code = "idempotency_key.in_progress"
    message = _("A request with this idempotency key is still running.")


def upstream_error(error: AllDeploymentsFailed | ProviderError) -> AppError:
    """The problem for a call no deployment could answer."""
    if isinstance(error, ProviderError):
        return UpstreamRejected(params={"reason": str(error)[:300]})
    last = error.last_error
    if last is None:
        return UpstreamFailed()
    if last.kind is FailureKind.TIMEOUT:
        return UpstreamTimeout()
    if last.kind is FailureKind.RATE_LIMITED:
        return UpstreamRateLimited()
    return UpstreamFailed()
