"""Grounded copy: templates are true by construction, the checker removes invented claims."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from kefu.api.app import create_app
from kefu.auth.keys import Role, create_key
from kefu.content import (
    ContentError,
    check_copy,
    describe,
    describe_catalog,
    product_facts,
    repair_copy,
)
from kefu.content.templates import KINDS
from kefu.store.db import session_scope
from kefu.store.models import Product, Variant


def _kettle(session: Session) -> Product:
    product = Product(id="kettle", name="Electric Kettle", name_zh="电热水壶", category="kitchen")
    product.variants = [
        Variant(
            id="k1",
            options={"capacity": "1L", "material": "glass", "color": "white"},
            price=Decimal("49.99"),
        ),
        Variant(
            id="k2",
            options={"capacity": "1.5L", "material": "stainless steel", "color": "black"},
            price=Decimal("64.50"),
        ),
    ]
    session.add(product)
    session.flush()
    return product


@dataclass
class _Reply:
    text: str


class _CannedModel:
    """Stands in for an external language model: returns fixed drafts, records the prompt."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.messages: list[Any] = []

    def chat(self, messages: Any, **_: Any) -> _Reply:
        self.messages = list(messages)
        return _Reply(self.text)


@pytest.mark.parametrize(
    ("bad", "kind", "claim"),
    [
        ("Also available in green.", "colour", "green"),
        ("The body is made of leather.", "material", "leather"),
        ("Yours for only $19.99 today.", "number", "19.99"),
        ("It boils 2L of water.", "number", "2L"),
        ("有绿色可选。", "colour", "绿色"),
        ("采用真皮材质。", "material", "真皮"),
        ("现价只要99元。", "number", "99"),
    ],
)
def test_checker_flags_claims_the_product_does_not_have(
    session: Session, bad: str, kind: str, claim: str
) -> None:
    facts = product_facts(_kettle(session))
    violations = check_copy(bad, facts)
    assert [(v.kind, v.claim) for v in violations] == [(kind, claim)]


def test_checker_accepts_real_attributes_in_both_languages(session: Session) -> None:
    facts = product_facts(_kettle(session))
    good = (
        "The Electric Kettle comes in white glass or black stainless steel, 1L or 1.5L, "
        "from $49.99. 有白色和黑色，1.5L款¥64.50。"
    )
    assert check_copy(good, facts) == []


def test_repair_removes_only_the_offending_sentence(session: Session) -> None:
    facts = product_facts(_kettle(session))
    text, removed = repair_copy(
        "A glass kettle in white. Now in green for $19.99! Holds 1.5L.", facts
    )
    assert text == "A glass kettle in white. Holds 1.5L."
    assert {v.claim for v in removed} == {"green", "19.99"}


def test_templates_are_grounded_for_every_tau2_product(tau2_session: Session) -> None:
    products = tau2_session.scalars(select(Product)).all()
    assert len(products) == 50
    for product in products:
        facts = product_facts(product)
        for lang in ("zh", "en"):
            for kind in KINDS:
                copy = describe(product, lang, kind)
                assert copy.source == "template" and copy.text
                assert check_copy(copy.text, facts) == [], (product.id, lang, kind, copy.text)


def test_model_draft_is_repaired_and_prompt_carries_only_facts(session: Session) -> None:
    product = _kettle(session)
    model = _CannedModel(
        "Sleek kettle in black stainless steel. Genuine leather handle. Only $9.99!"
    )
    copy = describe(product, "en", "description", llm=model)
    assert copy.source == "llm"
    assert copy.text == "Sleek kettle in black stainless steel."
    assert {v.claim for v in copy.violations_fixed} == {"leather", "9.99"}
    assert "1.5L" in model.messages[-1]["content"] and "64.50" in model.messages[-1]["content"]


def test_model_draft_with_nothing_true_falls_back_to_template(session: Session) -> None:
    product = _kettle(session)
    copy = describe(product, "zh", "description", llm=_CannedModel("红色真皮水壶，仅售9元。"))
    assert copy.source == "template"
    assert copy.violations_fixed and check_copy(copy.text, product_facts(product)) == []
    assert "电热水壶" in copy.text


def test_unknown_language_or_kind_is_a_clear_error(session: Session) -> None:
    product = _kettle(session)
    with pytest.raises(ContentError, match="lang"):
        describe(product, "fr")
    with pytest.raises(ContentError, match="kind"):
        describe(product, "en", "poem")


def test_catalogue_batch_reports_progress(session: Session) -> None:
    _kettle(session)
    ticks: list[int] = []
    result = describe_catalog(session, "zh", "title", progress=ticks.append)
    assert list(result) == ["kettle"] and ticks == [1]
    assert result["kettle"].text.startswith("电热水壶")


def test_describe_api_needs_staff_key_and_returns_grounded_copy(engine: Engine) -> None:
    with session_scope(engine) as s:
        _kettle(s)
        key = create_key(s, "agent", Role.AGENT)
    client = TestClient(create_app(engine))
    payload = {"product_id": "kettle", "lang": "zh", "kind": "selling_points"}
    assert client.post("/v1/content/describe", json=payload).status_code == 401
    resp = client.post("/v1/content/describe", json=payload, headers={"X-API-Key": key})
    assert resp.status_code == 200, resp.text
    assert resp.json()["source"] == "template" and "¥49.99" in resp.json()["text"]
    missing = client.post(
        "/v1/content/describe", json={**payload, "product_id": "nope"}, headers={"X-API-Key": key}
    )
    assert missing.status_code == 404
