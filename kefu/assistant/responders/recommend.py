"""Responder: recommendations for a verified customer."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from kefu.assistant import _flows as fl
from kefu.assistant._reply import Card
from kefu.assistant.turn import (
    Turn,
)

if TYPE_CHECKING:
    from kefu.assistant.engine import Assistant

log = logging.getLogger(__name__)


class RecommendResponder:
    """Mixed into :class:`kefu.assistant.engine.Assistant`."""

    def _recommend(self: Assistant, turn: Turn) -> None:
        try:
            from kefu.recommend import recommend_for_customer
        except ImportError:
            turn.say("recommend_none")
            return
        recs = (
            recommend_for_customer(turn.session, turn.state.customer_id, 3)
            if turn.state.customer_id
            else []
        )
        if not recs:
            turn.say("recommend_none")
            return
        zh = turn.lang == "zh"
        turn.say(
            "recommend",
            items=", ".join(
                f"{(r.name_zh or r.name) if zh else r.name} ({fl.money(r.price)}): "
                f"{r.reason_zh if zh else r.reason}"
                for r in recs
            ),
        )
        for r in recs:
            turn.cards.append(
                Card(
                    type="product",
                    data={
                        "product_id": r.product_id,
                        "variant_id": r.variant_id,
                        "name": r.name,
                        "price": str(r.price),
                        "reason": r.reason,
                    },
                )
            )
