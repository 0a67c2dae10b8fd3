"""Typed errors of the order service.

Each error carries the message the customer-facing layer shows (the tau2-bench reference's
exact wording where it has one), a stable ``code`` for programs, and the HTTP status the
staff API answers with, so adapters never guess from message text.
"""

from __future__ import annotations


class OrderError(Exception):
    """Base class: a tool refused or failed; nothing was changed."""

    code = "order_error"
    http_status = 400

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(OrderError):
    """A record does not exist, or belongs to another customer (indistinguishable on purpose)."""

    code = "not_found"
    http_status = 404


class OrderNotFound(NotFound):
    code = "order_not_found"

    def __init__(self, message: str = "Order not found") -> None:
        super().__init__(message)


class UserNotFound(NotFound):
    code = "user_not_found"

    def __init__(self, message: str = "User not found") -> None:
        super().__init__(message)


class ProductNotFound(NotFound):
    code = "product_not_found"

    def __init__(self, message: str = "Product not found") -> None:
        super().__init__(message)


class VariantNotFound(NotFound):
    code = "variant_not_found"

    def __init__(self, message: str = "Variant not found") -> None:
        super().__init__(message)


class ItemNotFound(NotFound):
    """An item id is not in the catalogue, or not in the order often enough."""

    code = "item_not_found"

    def __init__(self, message: str = "Item not found") -> None:
        super().__init__(message)


class PaymentMethodNotFound(NotFound):
    code = "payment_method_not_found"

    def __init__(self, message: str = "Payment method not found") -> None:
        super().__init__(message)


class RuleViolation(OrderError):
    """The store policy forbids the action in the order's current state."""

    code = "rule_violation"
    http_status = 400


class InsufficientBalance(RuleViolation):
    """A gift card cannot cover the amount it should pay."""

    code = "insufficient_balance"


class InvalidArguments(OrderError):
    """Arguments that fail validation before any rule is checked."""

    code = "invalid_arguments"
    http_status = 422


class ConcurrentUpdate(OrderError):
    """Another write changed the record at the same time; the caller may retry."""

    code = "concurrent_update"
    http_status = 409

    def __init__(
        self,
        message: str = "The record was changed by another request at the same time; please retry",
    ) -> None:
        super().__init__(message)


class IdempotencyConflict(OrderError):
    """An idempotency key was reused for a different action or different arguments."""

    code = "idempotency_conflict"
    http_status = 409

    def __init__(
        self, message: str = "This idempotency key was already used for a different request"
    ) -> None:
        super().__init__(message)


class UnknownTool(OrderError):
    code = "unknown_tool"
    http_status = 404

    def __init__(self, name: str) -> None:
        super().__init__(f"Unknown tool: {name}")


class ShopRefused(OrderError):
    """The shop itself refused a write that kefu's policy allowed; nothing was changed.

    ``reason`` is the shop's own wording, kept for staff and the audit log; customers see
    :meth:`localised`, never the shop's raw answer.
    """

    code = "shop_refused"
    http_status = 409

    _TEXT = {
        "en": "The store could not make this change: {reason}. Nothing was changed.",
        "zh": "商店未能完成此更改：{reason}。订单没有任何变动。",
    }

    def __init__(self, reason: str, language: str = "en") -> None:
        self.reason = _clean_reason(reason)
        self.language = language
        super().__init__(self.localised(language))

    def localised(self, language: str) -> str:
        """The customer-facing sentence in ``language`` (zh or en)."""
        return self._TEXT.get(language, self._TEXT["en"]).format(reason=self.reason)


class ShopUnavailable(OrderError):
    """The shop could not be reached and the write could not be queued; nothing was changed."""

    code = "shop_unavailable"
    http_status = 503

    _TEXT = {
        "en": "The store is not reachable right now, so nothing was changed. Please try again "
        "in a few minutes.",
        "zh": "暂时无法连接商店，订单没有任何变动。请稍后再试。",
    }
    _LATE = {
        "en": "The store did not answer in time, so the change may or may not have been made. "
        "Please check the order again in a few minutes before asking again.",
        "zh": "商店未能及时响应，此更改可能已完成也可能未完成。"
        "请几分钟后再查看订单，然后再决定是否重试。",
    }

    def __init__(self, language: str = "en", *, timed_out: bool = False) -> None:
        texts = self._LATE if timed_out else self._TEXT
        self.timed_out = timed_out
        super().__init__(texts.get(language, texts["en"]))


def _clean_reason(reason: str) -> str:
    """One short plain sentence from a shop's refusal: no JSON, no markup, no stack trace."""
    text = " ".join(str(reason).split())
    if not text or text[:1] in "{[<" or "Traceback" in text:
        return "the request was refused"
    return text.rstrip(".")[:200]
