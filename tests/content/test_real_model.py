"""Copy written by the real local model (Qwen2.5-Coder-0.5B via llama.cpp): structure and
checking, not wording. Skipped locally when `kefu llm` has no model; required in CI."""

from __future__ import annotations

import os
from decimal import Decimal
from typing import Any

import pytest

from kefu.config import Settings
from kefu.content import check_copy, describe, product_facts
from kefu.content.service import shape_draft
from kefu.llm import LLMUnavailable
from kefu.llm.service import load_llm
from kefu.store.models import Product, Variant

pytestmark = pytest.mark.slow


class _Keeping:
    """Passes calls to the real model and keeps its raw drafts for the assertions."""

    def __init__(self, model: Any) -> None:
        self.model = model
        self.drafts: list[str] = []

    def chat(self, messages: Any, **kwargs: Any) -> Any:
        reply = self.model.chat(messages, **kwargs)
        self.drafts.append(reply.text)
        return reply


@pytest.fixture(scope="module")
def real_model() -> Any:
    try:
        model = load_llm(Settings(llm_backend="local", llm_context=2048))
    except LLMUnavailable as exc:
        if os.environ.get("CI"):
            pytest.fail(f"the local model must be available in CI (make llm): {exc}")
        pytest.skip(f"`kefu llm list` shows no local model (run `kefu llm fetch 0.5b`): {exc}")
    assert model is not None
    return model


def _kettle() -> Product:
    product = Product(
        id="kettle",
        name="Electric Kettle",
        name_zh="电热水壶",
        category="kitchen",
        description="Auto shut-off when boiling.",
    )
    product.variants = [
        Variant(id="k1", options={"capacity": "1L", "color": "white"}, price=Decimal("49.99")),
        Variant(id="k2", options={"capacity": "1.5L", "color": "black"}, price=Decimal("64.50")),
    ]
    return product


@pytest.mark.parametrize(("lang", "kind"), [("en", "description"), ("zh", "selling_points")])
def test_real_model_copy_is_checked_and_well_formed(real_model: Any, lang: str, kind: str) -> None:
    product = _kettle()
    facts = product_facts(product)
    keeping = _Keeping(real_model)
    copy = describe(product, lang, kind, llm=keeping)
    assert len(keeping.drafts) == 1 and keeping.drafts[0].strip()
    # What was removed is exactly what the checker finds in the shaped raw draft.
    shaped = shape_draft(keeping.drafts[0], kind)
    assert copy.violations_fixed == check_copy(shaped, facts)
    assert copy.text and check_copy(copy.text, facts) == []
    if copy.source == "llm":
        if kind == "selling_points":
            lines = copy.text.splitlines()
            assert 1 <= len(lines) <= 5 and all(line.startswith("• ") for line in lines)
    else:
        assert copy.text == describe(product, lang, kind).text
