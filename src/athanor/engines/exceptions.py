from __future__ import annotations

from athanor.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from athanor.core.i18n import _


class EngineNotFound(NotFound):
    code = "engine.not_found"
    message = _("The engine was not found.")


class VersionNotFound(NotFound):
    code = "engine.version_not_found"
    message = _("The engine version was not found.")


class SlugTaken(Conflict):
    code = "engine.slug_taken"
    message = _("Another engine already uses this slug.")


class VersionPublished(Conflict):
    code = "engine.version_published"
    message = _("A published version cannot be changed; create a new version.")


class NotPublished(Conflict):
    code = "engine.not_published"
    message = _("The engine has no published version yet.")


class NotAssigned(Forbidden):
    code = "engine.not_assigned"
    message = _("This engine is not assigned to you.")


class InvalidEngine(ValidationFailed):
    code = "engine.invalid"
    message = _("The engine definition is not valid.")
