from __future__ import annotations

from athanor.core.errors import Forbidden, NotFound, Unauthenticated
from athanor.core.i18n import _


class ApiKeyNotFound(NotFound):
    code = "api_key.not_found"
    message = _("The API key was not found.")


class ApiKeyInvalid(Unauthenticated):
    code = "api_key.invalid"
    message = _("The API key is not valid, has expired or was revoked.")


class ScopeNotAllowed(Forbidden):
    code = "api_key.scope_not_allowed"
    message = _("Your role cannot create a key with the scope {scope}.")


class ImpersonationNotAllowed(Forbidden):
    """An impersonation lasts minutes; a key minted in one would outlive it."""

    code = "api_key.impersonation_not_allowed"


class NotKeyOwner(Forbidden):
    """A manager may revoke anyone's key, but a new secret goes only to the key's owner."""

    code = "api_key.not_owner"
    message = _("Only the owner of this key can rotate it. Revoke it instead.")
