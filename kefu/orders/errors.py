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
