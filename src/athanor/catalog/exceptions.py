from __future__ import annotations

from athanor.core.errors import Conflict, Forbidden, NotFound
from athanor.core.i18n import _


class ProviderNotFound(NotFound):
    code = "provider.not_found"
    message = _("The provider was not found.")


class ModelNotFound(NotFound):
    code = "model.not_found"
    message = _("The model was not found.")


class DeploymentNotFound(NotFound):
    code = "deployment.not_found"
    message = _("The deployment was not found.")


class PriceOverrideNotFound(NotFound):
    code = "model.price_override_not_found"
    message = _("This model has no price of your own.")


class ModelSlugTaken(Conflict):
    code = "model.slug_taken"
    message = _("A model with this slug already exists.")


class SharedReadOnly(Forbidden):
    """Platform-wide providers and deployments are shared with every tenant; only the
    platform administrators change them."""

    code = "catalog.shared_read_only"
    message = _("This is shared by the platform and cannot be changed here.")


class ProviderUnresolved(NotFound):
    """A deployment names a provider the caller cannot see."""

    code = "deployment.provider_not_found"
    message = _("The provider was not found.")


class ModelUnresolved(NotFound):
    code = "deployment.model_not_found"
    message = _("No active model has this id or slug.")


class ProbeModelRequired(Conflict):
    code = "provider.test_model_required"
    message = _("Name a model to test with: this provider has no deployment yet.")


class ProviderKindFixed(Conflict):
    code = "provider.kind_fixed"
    message = _("A provider's kind cannot change; this one is {kind}.")


class PrivateAddress(Forbidden):
    code = "provider.private_address"
    message = _("{host} is on a private network, which this tenant does not allow providers to reach.")
