from __future__ import annotations

from athanor.core.errors import AppError, Conflict, NotFound
from athanor.core.i18n import _


class WorkerNotFound(NotFound):
    code = "workers.worker_not_found"
    message = _("The worker was not found.")


class WorkerNotRunning(Conflict):
    code = "workers.worker_not_running"
    message = _("The worker is not running.")


class WorkerUnreachable(AppError):
    status = 503
    code = "workers.worker_unreachable"
    message = _("The worker did not answer. It may be busy or gone; try again.")


class ResizeRefused(Conflict):
    code = "workers.resize_refused"
    message = _("The worker cannot change its pool size: {reason}")


class DeadLetterNotFound(NotFound):
    code = "workers.dead_letter_not_found"
    message = _("The dead letter was not found.")


class AlreadyRequeued(Conflict):
    code = "workers.already_requeued"
    message = _("This dead letter has already been re-queued.")
