"""Recommendations served from a real store (tau2 retail data on SQLite and PostgreSQL)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from kefu.recommend import (
    also_bought,
    format_recommendations,
    get_recommender,
    model_root,
    recommend_for_customer,
    recommend_settings,
    reload_recommender,
    similar_products,
)
from kefu.store.models import Order, OrderItem, Product, Variant


def _bought(session: Session, customer_id: str) -> set[str]:
    rows = session.execute(
        select(OrderItem.product_id)
        .join(Order, Order.id == OrderItem.order_id)
        .where(Order.customer_id == customer_id, Order.status != "cancelled")
    )
    return {r[0] for r in rows}


def _a_buyer(session: Session) -> str:
    return session.scalars(select(Order.customer_id).order_by(Order.id)).first() or ""


def test_recommendations_skip_bought_products_and_offer_available_variants(
    tau2_session: Session,
) -> None:
    customer = _a_buyer(tau2_session)
    recs = recommend_for_customer(tau2_session, customer, k=10)
    assert len(recs) == 10
    assert not {r.product_id for r in recs} & _bought(tau2_session, customer)
    for rec in recs:
        variant = tau2_session.get(Variant, rec.variant_id)
        assert variant is not None and variant.available and variant.product_id == rec.product_id
        assert rec.price == variant.price
    assert any(r.reason.startswith("Because you bought ") for r in recs)
    assert all(r.reason_zh for r in recs)


def test_unknown_customer_gets_popular_products_not_an_error(tau2_session: Session) -> None:
    recs = recommend_for_customer(tau2_session, "nobody_0000", k=5)
    assert len(recs) == 5
    assert {r.reason for r in recs} == {"Popular with customers"}
    popularity = get_recommender(tau2_session).popularity
    scores = [r.score for r in recs]
    assert scores == sorted(scores, reverse=True) and scores[0] == popularity.max()


def test_unavailable_variants_are_never_offered(tau2_session: Session) -> None:
    customer = _a_buyer(tau2_session)
    first = recommend_for_customer(tau2_session, customer, k=3)[0]
    for variant in tau2_session.scalars(
        select(Variant).where(Variant.product_id == first.product_id)
    ):
        variant.available = False
    tau2_session.commit()
    again = recommend_for_customer(tau2_session, customer, k=10)
    assert first.product_id not in {r.product_id for r in again}


def test_price_range_and_category_filters_hold(tau2_session: Session) -> None:
    customer = _a_buyer(tau2_session)
    recs = recommend_for_customer(
        tau2_session, customer, k=10, min_price=Decimal("100"), max_price=Decimal("300")
    )
    assert recs and all(Decimal("100") <= r.price <= Decimal("300") for r in recs)
    category = tau2_session.scalars(
        select(Product.category).where(Product.name == "Backpack")
    ).one()
    only = recommend_for_customer(tau2_session, "nobody", k=10, category=category)
    assert [r.name for r in only] == ["Backpack"]


def test_inverted_price_range_and_bad_k_are_clear_errors(tau2_session: Session) -> None:
    with pytest.raises(ValueError, match="above max_price"):
        recommend_for_customer(tau2_session, "x", min_price=Decimal("50"), max_price=Decimal("10"))
    with pytest.raises(ValueError, match="k must be between 1 and 100"):
        recommend_for_customer(tau2_session, "x", k=0)


def test_repeat_purchase_categories_keep_bought_products(
    sqlite_tau2_engine: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kefu.store.db import session_factory

    with session_factory(sqlite_tau2_engine)() as session:  # type: ignore[arg-type]
        customer = _a_buyer(session)
        bought = _bought(session, customer)
        categories = set(session.scalars(select(Product.category).where(Product.id.in_(bought))))
        monkeypatch.setenv("KEFU_RECOMMEND_REPEAT_CATEGORIES", f'["{sorted(categories)[0]}"]')
        recommend_settings.cache_clear()
        recs = recommend_for_customer(session, customer, k=50)
        again = {r.product_id for r in recs} & bought
        assert again and all(
            session.get(Product, p).category == sorted(categories)[0]
            for p in again  # type: ignore[union-attr]
        )


def test_new_purchase_is_excluded_without_retraining(tau2_session: Session) -> None:
    customer = _a_buyer(tau2_session)
    version = get_recommender(tau2_session).version
    top = recommend_for_customer(tau2_session, customer, k=1)[0]
    order = tau2_session.scalars(select(Order).where(Order.customer_id == customer)).first()
    assert order is not None
    order.items.append(
        OrderItem(
            product_id=top.product_id,
            variant_id=top.variant_id,
            name=top.name,
            price=top.price,
            position=99,
        )
    )
    tau2_session.commit()
    after = recommend_for_customer(tau2_session, customer, k=10)
    assert top.product_id not in {r.product_id for r in after}
    assert get_recommender(tau2_session).version == version


def test_model_is_saved_with_a_version_and_reloaded_without_retraining(
    tau2_session: Session,
) -> None:
    first = get_recommender(tau2_session)
    saved = sorted(p.name for p in model_root().iterdir())
    assert saved == [first.version]
    reload_recommender()
    again = get_recommender(tau2_session)
    assert again is not first and again.version == first.version
    assert sorted(p.name for p in model_root().iterdir()) == saved


def test_similar_and_also_bought_products(tau2_session: Session) -> None:
    product = tau2_session.scalars(select(Product).where(Product.name == "T-Shirt")).one()
    similar = similar_products(tau2_session, product.id, k=5)
    assert len(similar) == 5 and product.id not in {r.product_id for r in similar}
    assert similar[0].reason == "Similar to T-Shirt"
    together = also_bought(tau2_session, product.id, k=5)
    assert together[0].reason == "Customers who bought T-Shirt also bought this"
    assert [r.score for r in together] == sorted((r.score for r in together), reverse=True)
    assert len(similar_products(tau2_session, "no-such-product", k=4)) == 4


def test_chat_reply_lists_picks_with_reasons_in_both_languages(tau2_session: Session) -> None:
    recs = recommend_for_customer(tau2_session, _a_buyer(tau2_session), k=3)
    english = format_recommendations(recs, "en")
    chinese = format_recommendations(recs, "zh")
    assert english.count("\n") == 3 and recs[0].reason in english
    assert chinese.startswith("为您推荐") and recs[0].reason_zh in chinese


def test_empty_store_gives_an_empty_list(session: Session) -> None:
    assert recommend_for_customer(session, "anyone", k=5) == []
