from __future__ import annotations

from athanor.core.errors import Conflict, Forbidden, NotFound
from athanor.core.i18n import _


class LevelNotFound(NotFound):
    code = "level.not_found"
    message = _("The level was not found.")


class LevelSlugTaken(Conflict):
    code = "level.slug_taken"
    message = _("A level with this slug already exists.")


class LevelInUse(Conflict):
    code = "level.in_use"
    message = _("Members are on this level. Move them to another level first.")


class UnknownUpgrade(NotFound):
    code = "level.unknown_upgrade"
    message = _("No level has the slug {slug}.")


class UpgradeNotAllowed(Forbidden):
    code = "level.upgrade_not_allowed"
    message = _("Your level cannot be changed to {level}.")
