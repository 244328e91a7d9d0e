from __future__ import annotations

from athanor.core.errors import Conflict, NotFound, ValidationFailed
from athanor.core.i18n import _


class WorkflowNotFound(NotFound):
    code = "workflow.not_found"
    message = _("The workflow was not found.")


class WorkflowVersionNotFound(NotFound):
    code = "workflow.version_not_found"
    message = _("The workflow version was not found.")


class RunNotFound(NotFound):
    code = "workflow.run_not_found"
    message = _("The workflow run was not found.")


class NodeNotFound(NotFound):
    code = "workflow.node_not_found"
    message = _("The workflow has no node {node}.")


class TemplateNotFound(NotFound):
    code = "workflow.template_not_found"
    message = _("The workflow template was not found.")


class TriggerNotFound(NotFound):
    code = "workflow.trigger_not_found"
    message = _("The trigger was not found.")


class WorkflowSlugTaken(Conflict):
    code = "workflow.slug_taken"
    message = _("Another workflow already uses this slug.")


class WorkflowVersionPublished(Conflict):
    code = "workflow.version_published"
    message = _("A published version cannot be changed; create a new version.")


class WorkflowNotPublished(Conflict):
    code = "workflow.not_published"
    message = _("The workflow has no published version yet.")


class InvalidDefinition(ValidationFailed):
    code = "workflow.invalid_definition"
    message = _("The workflow definition has problems: {count}.")


class InvalidRunInputs(ValidationFailed):
    code = "workflow.invalid_inputs"
    message = _("The inputs do not match the workflow's input schema.")


class InvalidCron(ValidationFailed):
    code = "workflow.invalid_cron"
    message = _("Not a valid cron expression: {reason}")


class RunNotActive(Conflict):
    code = "workflow.run_state"
    message = _("The run cannot do that while it is {status}.")


class NotWaiting(Conflict):
    code = "workflow.not_waiting"
    message = _("Node {node} is not waiting for an approval.")


class WebhookNotFound(NotFound):
    code = "workflow.webhook_not_found"
    message = _("No enabled webhook has this address.")
