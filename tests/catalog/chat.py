"""Playing shopper turns through the assistant in the catalogue tests."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine

from kefu.assistant import Assistant


def chat(engine: Engine, lang: str, *turns: str) -> list[Any]:
    """One new conversation in ``lang``; the reply to each turn."""
    assistant = Assistant(engine)
    cid = assistant.start(language=lang)
    return [assistant.handle(cid, text) for text in turns]


def variant_ids(reply: Any) -> list[str]:
    """The variant ids of a reply's product cards, in order."""
    return [c.data["variant_id"] for c in reply.cards if c.type == "product"]
