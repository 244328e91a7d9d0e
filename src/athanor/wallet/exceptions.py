from __future__ import annotations

from athanor.core.errors import AppError, Conflict, NotFound, ValidationFailed
from athanor.core.i18n import _


class InsufficientTokens(AppError):
    status = 402
    code = "wallet.insufficient_tokens"
    message = _("Not enough tokens: {needed} needed, {available} available.")


class IdempotencyKeyReused(Conflict):
    code = "idempotency_key.reused"
    message = _("This idempotency key was already used for a different request.")


class HoldNotOpen(Conflict):
    code = "wallet.hold_not_open"
    message = _("The hold was already settled, released or expired.")


class RefundTooLarge(ValidationFailed):
    code = "wallet.refund_too_large"
    message = _("At most {refundable} tokens of this charge can still be refunded.")


class TransactionNotFound(NotFound):
    code = "wallet.transaction_not_found"
    message = _("The wallet transaction was not found.")
