"""Fixtures: an assistant over a fresh tau2 store, and facts about two tau2 customers."""

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


@pytest.fixture(scope="session")
def local_model() -> Any:
    """The real 0.5B local model (skipped when absent outside CI, like tests/llm)."""
    import os

    from kefu.llm.local import LocalLlama
    from kefu.llm.models import ModelError, get_spec, model_path, verify

    spec = get_spec("0.5b")
    path = model_path(spec.name)
    try:
        import llama_cpp  # noqa: F401

        verify(spec, path, full=False)
    except (ImportError, ModelError) as exc:
        if os.environ.get("CI"):
            pytest.fail(f"the local model must be available in CI (make llm): {exc}")
        pytest.skip(f"local model not available: {exc}")
    return LocalLlama(path, n_ctx=2048, name=spec.name)
