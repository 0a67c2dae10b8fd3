"""Fixtures: an assistant over a fresh tau2 store, and facts about two tau2 customers
(the real model, ``local_model``, comes from tests/conftest.py)."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import Engine

from kefu.assistant import Assistant

YUSUF = {"id": "yusuf_rossi_9620", "email": "yusuf.rossi7301@example.com", "zip": "19122"}
PENDING_ORDER = "#W6247578"  # Yusuf's pending T-Shirt order
DELIVERED_ORDER = "#W6679257"  # Yusuf's delivered Digital Camera order


@pytest.fixture
def assistant(sqlite_tau2_engine: Engine) -> Assistant:
    return Assistant(sqlite_tau2_engine)


@pytest.fixture
def other_order(tau2_data: dict[str, Any]) -> dict[str, Any]:
    """A pending order of a customer other than Yusuf, with its owner's record."""
    for order in tau2_data["orders"].values():
        if order["user_id"] != YUSUF["id"] and order["status"] == "pending":
            return {"order": order, "owner": tau2_data["users"][order["user_id"]]}
    raise AssertionError("tau2 data has no such order")
