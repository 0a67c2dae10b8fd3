"""The model's reading merged into the engine's understanding (KEFU_LLM_ROLE=understand or
converse).

Every customer message the bot answers goes to the model as a command generator
(:func:`kefu.assistant.wording.read_message`: which requests, with which values, several
allowed, schema-constrained), before the turn's transaction. The code then holds the
reading to the message and to its own strong signals:

- an order id, email or quote the message does not contain is dropped (``cross_check``);
- an explicit yes or no in the message is the code's: the model's requests are ignored;
- while a request is in progress (a flow, a pending or declined one) the code's reading of
  the answer stands; the model only adds requests when none is;
- the classifier sure of its reading (``CUE_SURE`` or more) keeps it; the model's first
  request is taken when the classifier is unsure, and confirms it when they agree;
- further requests the model found, that the code's own splitting did not, are queued as
  the message's own words (or, where the code cannot read those, a plain request the code
  builds from the checked flow and order id) and taken up one after the other as the
  engine does for requests it split itself.

Nothing here decides or writes: the flows, authentication and explicit yes still apply.
One model call per message, bounded by the model's timeout; a failure changes nothing.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from kefu.assistant._understand import CUE_SURE, FLOW_INTENTS, Understanding

log = logging.getLogger(__name__)

INTENT_OF_FLOW = {flow: intent for intent, flow in reversed(list(FLOW_INTENTS.items()))}
"""The classifier intent that starts each flow (order_status for both status intents)."""

PLAIN_REQUEST = {
    "en": {
        "order_status": "Where is my order{order}?",
        "refund_status": "I want to check the refund for my order{order}",
        "account": "I want to see my account details",
        "cancel_order": "I want to cancel my order{order}",
        "change_address": "I want to change the address of my order{order}",
        "change_payment": "I want to change the payment method of my order{order}",
        "change_items": "I want to change items in my order{order}",
        "return_items": "I want to return items from my order{order}",
        "exchange_items": "I want an exchange for my order{order}",
    },
    "zh": {
        "order_status": "我的订单{order}到哪了？",
        "refund_status": "我想查一下订单{order}的退款到账了没有",
        "account": "我想看看我的账户信息",
        "cancel_order": "我要取消订单{order}",
        "change_address": "我要改订单{order}的地址",
        "change_payment": "我要改订单{order}的支付方式",
        "change_items": "我要改订单{order}里的商品",
        "return_items": "我要退货，订单{order}",
        "exchange_items": "我要换货，订单{order}",
    },
}
"""A request the code builds for a queued request whose own words it cannot read."""


@dataclass
class ModelUnderstanding(Understanding):
    """An understanding with the model's checked reading merged in."""

    reading: list[Any] = field(default_factory=list)
    """The model's requests after the cross-check (kefu.assistant.wording.ModelRequest)."""
    queued: list[str] = field(default_factory=list)
    """Further requests only the model read, as texts for the engine's request queue."""
    merged: str = ""
    """What the reading changed: "" (nothing), "took", "confirmed"."""


def reading_role() -> bool:
    """Whether the configured role has the model read every message."""
    from kefu.config import get_settings

    return get_settings().llm_role in ("understand", "converse")


def model_reading(llm: Any, u: Understanding, bot_replies: bool, idle: bool) -> Understanding:
    """``u`` with the model's cross-checked reading merged in (``u`` itself when there is
    no model, the role is route, the bot does not answer, or the model gave no reading)."""
    if llm is None or not bot_replies or not reading_role():
        return u
    from kefu.assistant.wording import read_message

    reading = read_message(llm, u)
    if not reading:
        return u
    return merge(u, reading, idle)


def merge(u: Understanding, reading: list[Any], idle: bool) -> ModelUnderstanding:
    """The merge rules of this module's docstring, on an already cross-checked reading."""
    merged = ModelUnderstanding(**{k: getattr(u, k) for k in u.__dataclass_fields__})
    merged.reading = list(reading)
    if u.yes or u.no or not idle:
        return merged
    flows = [r for r in reading if r.flow in INTENT_OF_FLOW]
    if not flows:
        return merged
    first = flows[0]
    if u.flow == first.flow:
        merged.confidence = max(u.confidence, CUE_SURE)
        merged.merged = "confirmed"
    elif u.confidence < CUE_SURE:
        log.info(
            "model reading: %s (classifier unsure: %s %.2f)", first.flow, u.intent, u.confidence
        )
        merged.intent, merged.confidence = INTENT_OF_FLOW[first.flow], CUE_SURE
        merged.complained = u.complained or u.intent == "complaint"
        merged.merged = "took"
    else:
        log.info("model reading %s overruled: classifier sure of %s", first.flow, u.intent)
        return merged  # the classifier's reading stands, and so does its single request
    rest = [r for r in flows[1:] if (r.flow, r.order_id) != (first.flow, first.order_id)]
    if rest and first.order_id and len(u.order_ids) > 1:
        merged.order_ids = [i for i in u.order_ids if i.lstrip("#") == first.order_id.lstrip("#")]
    merged.queued = [_queued_text(r, u.language) for r in rest[:2]]
    return merged


def _queued_text(request: Any, language: str) -> str:
    """The request as the engine's queue holds it: the customer's words when the code reads
    them as that request, else the code's plain wording of the checked flow and order."""
    from kefu.assistant._requests import read_request

    if request.quote:
        own = read_request(request.quote, language)
        if own.flow == request.flow and (
            request.order_id is None or request.order_id in own.order_ids
        ):
            return str(request.quote)
    lang = language if language in PLAIN_REQUEST else "en"
    order = f" {request.order_id}" if request.order_id else ""
    return PLAIN_REQUEST[lang][request.flow].format(order=order)


def model_queued(u: Understanding) -> list[str]:
    """The requests only the model read in this message, for the engine's queue."""
    return list(getattr(u, "queued", []))
