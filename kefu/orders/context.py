"""Who is calling a tool, in which conversation, and on whose behalf."""

from __future__ import annotations

from dataclasses import dataclass

from kefu.orders.policy import StorePolicy, get_store_policy


@dataclass(frozen=True)
class ToolContext:
    """The caller of a tool.

    ``customer_id`` scopes every lookup to one customer: another customer's order, profile
    or payment method then looks exactly like one that does not exist, so a conversation can
    neither touch nor probe someone else's records whatever ids it is given.
    ``idempotency_key`` makes a write safe to retry: the same key returns the recorded
    result without acting twice.
    """

    actor: str = "assistant"
    conversation_id: str | None = None
    customer_id: str | None = None
    idempotency_key: str | None = None
    policy: StorePolicy | None = None
    language: str | None = None  # the customer's (zh/en), for messages from the shop

    def active_policy(self) -> StorePolicy:
        """The policy given to this call, else the store's configured one."""
        return self.policy if self.policy is not None else get_store_policy()

    def can_see(self, customer_id: str) -> bool:
        """Whether records of ``customer_id`` are visible to this caller."""
        return self.customer_id is None or self.customer_id == customer_id
