from __future__ import annotations

from athanor.core.errors import AppError, Conflict, Unauthenticated
from athanor.core.i18n import _


class InvalidCredentials(Unauthenticated):
    code = "auth.invalid_credentials"
    message = _("The email or password is not correct.")


class AccountLocked(AppError):
    status = 423
    code = "auth.account_locked"
    message = _("Too many failed sign-ins. Try again in {retry_after} seconds.")


class AccountDisabled(Unauthenticated):
    code = "auth.account_disabled"
    message = _("This account is disabled.")


class EmailTaken(Conflict):
    code = "auth.email_taken"
    message = _("An account with this email already exists.")


class InvalidToken(AppError):
    status = 400
    code = "auth.invalid_token"
    message = _("This link is not valid or has expired.")


class SessionExpired(Unauthenticated):
    code = "auth.session_expired"
    message = _("Your session has ended. Sign in again.")


class CsrfFailed(AppError):
    status = 403
    code = "auth.csrf_failed"
    message = _("The request is missing a valid CSRF token.")


class EmailNotVerified(AppError):
    status = 403
    code = "auth.email_not_verified"
    message = _("Verify your email address first.")


class WrongPassword(AppError):
    status = 400
    code = "auth.wrong_password"
    message = _("The current password is not correct.")


class SessionRequired(AppError):
    status = 403
    code = "auth.session_required"
    message = _("Sign in with your account to do this; API keys cannot.")
