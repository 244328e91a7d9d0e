from __future__ import annotations

from athanor.core.errors import AppError, Conflict, Forbidden, NotFound, Unauthenticated
from athanor.core.i18n import _


class TenantNotFound(NotFound):
    code = "tenant.not_found"
    message = _("The tenant was not found.")


class TenantRequired(Forbidden):
    code = "tenant.required"
    message = _("Choose a tenant first.")


class TenantSuspended(Forbidden):
    code = "tenant.suspended"
    message = _("This tenant is suspended.")


class SlugTaken(Conflict):
    code = "tenant.slug_taken"
    message = _("This tenant address is already in use.")


class MemberNotFound(NotFound):
    code = "member.not_found"
    message = _("The member was not found.")


class LastOwner(Conflict):
    code = "member.last_owner"
    message = _("A tenant needs at least one owner.")


class RoleNotGrantable(Forbidden):
    code = "member.role_not_grantable"
    message = _("You cannot give the role {role}.")


class AlreadyMember(Conflict):
    code = "member.already_member"
    message = _("This person is already a member.")


class InvitationNotFound(NotFound):
    code = "invitation.not_found"
    message = _("The invitation was not found.")


class InvitationSignInRequired(Unauthenticated):
    code = "invitation.sign_in_required"
    message = _("An account with this email exists. Sign in to accept the invitation.")


class InvitationEmailMismatch(AppError):
    status = 403
    code = "invitation.email_mismatch"
    message = _("This invitation was sent to another email address.")
