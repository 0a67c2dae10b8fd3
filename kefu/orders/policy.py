"""The store policy: which order states allow which action, and the limits a store sets.

Defaults reproduce the tau2-bench retail policy exactly. A store overrides any field in a
YAML file named by ``KEFU_STORE_POLICY_FILE``; every write tool checks the active policy,
so a rule lives here in code, never in a prompt.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field

from kefu.config import get_settings


class StorePolicy(BaseModel):
    """Rules every write tool enforces (defaults: tau2-bench retail)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    cancel_reasons: tuple[str, ...] = Field(
        default=("no longer needed", "ordered by mistake"),
        description="The only reasons a customer may give to cancel an order.",
    )
    cancellable_statuses: tuple[str, ...] = ("pending",)
    address_modifiable_statuses: tuple[str, ...] = ("pending", "pending (item modified)")
    payment_modifiable_statuses: tuple[str, ...] = ("pending", "pending (item modified)")
    items_modifiable_statuses: tuple[str, ...] = Field(
        default=("pending",),
        description="Items can change once: the change moves the order out of these statuses.",
    )
    returnable_statuses: tuple[str, ...] = ("delivered",)
    exchangeable_statuses: tuple[str, ...] = ("delivered",)

    status_cancelled: str = "cancelled"
    status_items_modified: str = "pending (item modified)"
    status_return_requested: str = "return requested"
    status_exchange_requested: str = "exchange requested"

    return_window_days: int | None = Field(
        default=None,
        ge=0,
        description="Days after delivery a return may be requested; None = no limit. Orders "
        "without a recorded delivery time are not limited.",
    )
    exchange_window_days: int | None = Field(default=None, ge=0)
    refund_to_any_gift_card: bool = Field(
        default=True,
        description="Returns may be refunded to any of the customer's gift cards, not only "
        "to the original payment method.",
    )

    @classmethod
    def from_yaml(cls, path: Path) -> StorePolicy:
        """Load a policy file; fields left out keep the defaults."""
        raw: Any = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
        if not isinstance(raw, dict):
            raise ValueError(f"{path}: a store policy must be a mapping of field: value")
        return cls.model_validate(raw)


_cache: dict[tuple[str, float], StorePolicy] = {}


def get_store_policy() -> StorePolicy:
    """The active policy: the configured YAML file (re-read when it changes) or the defaults."""
    path = get_settings().store_policy_file
    if path is None:
        return StorePolicy()
    key = (str(path), Path(path).stat().st_mtime)
    if key not in _cache:
        _cache.clear()
        _cache[key] = StorePolicy.from_yaml(Path(path))
    return _cache[key]
