from __future__ import annotations

from athanor.core.errors import AppError, Conflict, NotFound, ValidationFailed
from athanor.core.i18n import _


class ExportNotFound(NotFound):
    code = "export.not_found"
    message = _("The export was not found.")


class TemplateNotFound(NotFound):
    code = "export.template_not_found"
    message = _("There is no export template {template}.")


class TemplateSlugTaken(Conflict):
    code = "export.template_slug_taken"
    message = _("Another template (or a built-in one) already uses this slug.")


class SourceNotFound(NotFound):
    code = "export.source_not_found"
    message = _("The content to export was not found.")


class SourceUnsupported(ValidationFailed):
    code = "export.source_unsupported"
    message = _("Files of type {type} cannot be exported: use Markdown, HTML or plain text.")


class SourceTooLarge(AppError):
    status = 413
    code = "export.source_too_large"
    message = _("The content to export is larger than {limit} bytes.")


class ExportNotRetryable(Conflict):
    code = "export.not_retryable"
    message = _("Only a failed or cancelled export can be tried again.")


class ExportFinished(Conflict):
    code = "export.finished"
    message = _("The export has already finished.")


class ExportNotReady(Conflict):
    code = "export.not_ready"
    message = _("The export has no result yet.")


class PreviewPageNotFound(NotFound):
    code = "export.preview_not_found"
    message = _("The export has no preview of page {page}.")
