"""Responder: answers from the store's own documents, with citations, and product questions."""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING, Any

from kefu.assistant import _extract as ex
from kefu.assistant import _flows as fl
from kefu.assistant._glossary import english_names
from kefu.assistant._reply import Card, Citation, QuickReply
from kefu.assistant._templates import label
from kefu.assistant._understand import _LEAD_IN
from kefu.assistant.turn import (
    POLICY_CUES,
    POLICY_TOPICS,
    Turn,
    _scrub_identifiers,
)
from kefu.handoff import (
    HandoffReason,
)

if TYPE_CHECKING:
    from kefu.assistant.engine import Assistant

log = logging.getLogger(__name__)

_TAIL = re.compile(
    r"[\s,]*\b(?:anyway|anyways|though|then|btw|by the way|please|pls)\b[\s?!.]*$", re.I
)


class KnowledgeResponder:
    """Mixed into :class:`kefu.assistant.engine.Assistant`."""

    def _search_knowledge(self: Assistant, text: str, language: str) -> tuple[list[Any], bool]:
        """Top passages for ``text``: the customer's language first (an English question
        should get the English FAQ), then any language when that finds nothing close enough."""
        try:
            from kefu.knowledge import get_knowledge_base

            kb = self.knowledge or get_knowledge_base()
            # "before we go on, how long … anyway?": the lead-in and tail words only add noise
            text = _TAIL.sub("", _LEAD_IN.sub("", text.strip())) or text
            hits = kb.search(text, k=3, language=language)
            confident = kb.is_confident(hits)
            if not confident:
                hits = kb.search(text, k=3)
                confident = kb.is_confident(hits)
        except Exception:  # the knowledge base may be empty or not built yet
            log.exception("knowledge search failed")
            return [], False
        return list(hits), bool(confident)

    def _knowledge(self: Assistant, turn: Turn, *, offer_handoff: bool = True) -> None:
        prepared = turn.prepared
        if (
            prepared is not None
            and prepared.searched
            and (prepared.text, prepared.language) == (turn.u.text, turn.lang)
        ):
            hits, confident = prepared.hits, prepared.confident
        else:
            prepared = None
            hits, confident = self._search_knowledge(turn.u.text, turn.lang)
        if not hits or not confident:
            turn.say("kb_unsure")
            if offer_handoff:
                self._offer_handoff(turn, HandoffReason.LOW_CONFIDENCE)
            return
        best = hits[0]
        answer = _scrub_identifiers(best.text.strip())
        if prepared is not None and prepared.phrased and prepared.passage == answer:
            answer = prepared.phrased  # the model's wording, checked against this passage
        turn.say("kb_answer", answer=answer)
        turn.citations = [
            Citation(citation=h.citation, section=getattr(h, "section", ""), score=float(h.score))
            for h in hits[:2]
        ]
        if turn.u.intent == "policy_question" and turn.state.flow is None:
            # a policy answer often precedes the request itself: offer it as one tap
            flow = POLICY_TOPICS.search(turn.u.text)
            if flow is not None:
                name = next(k for k, v in flow.groupdict().items() if v)
                text = label(f"start_{name}", turn.lang)
                turn.quick = [QuickReply(label=text, value=text)]

    def _product_question(self: Assistant, turn: Turn) -> None:
        if POLICY_CUES.search(turn.u.text):
            self._knowledge(turn)  # "how long is the warranty on headphones": a policy answer
            return
        words = ex.latin_words(turn.u.text)
        call = turn.tools.call("list_all_product_types", {})
        types: dict[str, str] = call.data if call.ok and isinstance(call.data, dict) else {}
        low = turn.u.text.lower()
        match = next((pid for name, pid in types.items() if name.lower() in low), None)
        if match is None:
            match = next((types[n] for n in english_names(turn.u.text) if n in types), None)
        if match is None and words:
            match = next(
                (pid for name, pid in types.items() if name.lower().split()[-1] in words), None
            )
        if match is None:
            self._knowledge(turn)
            return
        product = turn.product(match)
        if product is None:
            self._knowledge(turn)
            return
        available = [v for v in product["variants"].values() if v.get("available")]
        variants = "; ".join(
            f"{', '.join(str(x) for x in v['options'].values())} {fl.money(v['price'])}"
            for v in available[:8]
        )
        turn.say("product", name=product["name"], variants=variants or "-")
        turn.cards.append(
            Card(
                type="product", data={"product_id": product["product_id"], "name": product["name"]}
            )
        )
