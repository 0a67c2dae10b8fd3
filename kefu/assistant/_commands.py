# ruff: noqa: E501
"""Commands a language model may propose for a turn (Rasa CALM style), validated in code.

The model only picks what the customer wants from a fixed menu; the engine then runs the
same flows as without a model, so authentication, slot checks and the explicit yes still
apply. Anything off the menu, or any model failure, falls back to the no-model policy.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from kefu.assistant.flows import FLOWS
from kefu.handoff import HandoffReason

log = logging.getLogger(__name__)

SYSTEM = {
    "en": (
        "You route customer-service messages for an online store. Pick the one command that "
        "matches what the customer wants. Never invent order ids or facts."
    ),
    "zh": "你负责为网店客服消息选择处理方式。选择最符合顾客意图的一个命令，不要编造订单号或事实。",
}


@dataclass(frozen=True)
class ProposedCommand:
    """A validated command: ``kind`` is start_flow, knowledge, handoff, chitchat or clarify."""

    kind: str
    argument: str | None = None


KNOWLEDGE_LIKE = {
    "shipping_policy",
    "payment_methods",
    "invoice",
    "discount",
    "policy_question",
    "product_question",
}
CHITCHAT = {"greeting", "thanks", "goodbye"}


def _menu(candidates: dict[str, str] | None = None) -> list[Any]:
    """The commands on offer: all of them, or only those the NLU's readings lead to.

    ``candidates`` maps each intent the classifier hesitates between to the flow it starts
    ("" when it starts none); the model then only arbitrates between those readings.
    """
    from kefu.llm import Command

    flows = sorted(FLOWS)
    if candidates is not None:
        flows = sorted({f for f in candidates.values() if f in FLOWS})
    menu = [
        Command(
            name="start_flow",
            description="The customer asks about or wants to change their orders, items, payment, address or account. Flows: "
            + "; ".join(f"{f}: {FLOWS[f].description}" for f in flows if f in FLOWS)
            + ".",
            parameters={
                "type": "object",
                "properties": {"flow": {"type": "string", "enum": flows}},
                "required": ["flow"],
                "additionalProperties": False,
            },
        ),
        Command(
            name="answer_from_knowledge",
            description="A question about store policies, shipping, payment options or products.",
        ),
        Command(
            name="handoff",
            description="The customer wants a human, or the request is outside what the store's tools can do.",
            parameters={
                "type": "object",
                "properties": {
                    "reason": {"type": "string", "enum": ["explicit_request", "out_of_scope"]}
                },
                "required": ["reason"],
                "additionalProperties": False,
            },
        ),
        Command(
            name="chitchat",
            description="Greeting, thanks or goodbye.",
            parameters={
                "type": "object",
                "properties": {
                    "kind": {"type": "string", "enum": ["greeting", "thanks", "goodbye"]}
                },
                "required": ["kind"],
                "additionalProperties": False,
            },
        ),
        Command(
            name="clarify", description="The message is unclear; ask the customer to rephrase."
        ),
    ]
    if candidates is None:
        return menu
    keep = {"clarify"}
    if flows:
        keep.add("start_flow")
    if KNOWLEDGE_LIKE & set(candidates):
        keep.add("answer_from_knowledge")
    if {"human_agent", "complaint"} & set(candidates):
        keep.add("handoff")
    if CHITCHAT & set(candidates):
        keep.add("chitchat")
    return [c for c in menu if c.name in keep]


def propose(
    llm: Any, text: str, lang: str, candidates: dict[str, str] | None = None
) -> ProposedCommand | None:
    """Ask the model for a command and validate it; None when there is no usable answer.

    With ``candidates`` (intent -> flow it starts, "" for none) only those readings are on
    the menu, and a command outside them is refused like an unknown one.
    """
    from kefu.llm import LLMError, fence

    messages = [
        {"role": "system", "content": SYSTEM.get(lang, SYSTEM["en"])},
        {"role": "user", "content": fence(text, "customer message")},
    ]
    menu = _menu(candidates)
    try:
        choice = llm.choose(messages, menu)
    except LLMError as exc:
        log.info("model proposed no command: %s", exc)
        return None
    if choice.name not in {c.name for c in menu}:
        return None
    command = validate(choice.name, choice.arguments)
    if (
        command is not None
        and candidates is not None
        and command.kind == "start_flow"
        and command.argument not in candidates.values()
    ):
        return None
    return command


def validate(name: str, arguments: dict[str, Any]) -> ProposedCommand | None:
    """Accept only known commands with known arguments."""
    if name == "start_flow" and arguments.get("flow") in FLOWS:
        return ProposedCommand("start_flow", str(arguments["flow"]))
    if name == "answer_from_knowledge":
        return ProposedCommand("knowledge")
    if name == "handoff" and arguments.get("reason") in {r.value for r in HandoffReason}:
        return ProposedCommand("handoff", str(arguments["reason"]))
    if name == "chitchat" and arguments.get("kind") in ("greeting", "thanks", "goodbye"):
        return ProposedCommand("chitchat", str(arguments["kind"]))
    if name == "clarify":
        return ProposedCommand("clarify")
    return None
