from __future__ import annotations

from athanor.core.errors import AppError, Forbidden, NotFound
from athanor.core.i18n import _


class SuperAdminRequired(Forbidden):
    code = "admin.superadmin_required"
    message = _("Only platform administrators can do this.")


class UserNotFound(NotFound):
    code = "admin.user_not_found"
    message = _("The user was not found.")


class OwnerNotFound(AppError):
    status = 422
    code = "admin.owner_not_found"
    message = _("No account exists with this email. Ask the owner to sign up first.")


class CannotImpersonate(Forbidden):
    code = "admin.cannot_impersonate"
    message = _("Platform administrators cannot be impersonated.")
