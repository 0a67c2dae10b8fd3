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


_POLICY_WORDS = (
    (
        re.compile(
            r"\b(?:send|ship|take|bring|mail|give)\s+(?:it|them|this|that|these|those|\w+)?\s*back\b",
            re.I,
        ),
        "return",
    ),
    (re.compile(r"\bmoney back\b|\bget (?:my )?money\b|\breimburse", re.I), "refund"),
    (re.compile(r"\bswap\b|\btrade (?:it )?in\b", re.I), "exchange"),
    (
        re.compile(
            r"\b(?:don'?t|do not|doesn'?t|didn'?t)\s+(?:like|love|want|fit)\b|\bhates?\b"
            r"|\bchange(?:d)? (?:my|their|his|her) mind\b|\bnot (?:happy|satisfied) with\b",
            re.I,
        ),
        "no-reason return within 7 days",
    ),
    (re.compile(r"退回去|寄回去|退掉|退了"), "退货"),
    (re.compile(r"退钱|钱.{0,4}退"), "退款"),
    (re.compile(r"不喜欢|不想要了?|不合心意|后悔了?|不满意"), "无理由退货"),
    (re.compile(r"(?:多久|几天|多长时间|什么时候)(?:能|可以|才能)?(?:到|送到|收到)"), "配送时效"),
    (
        re.compile(
            r"\bhow (?:long|many days)\b.{0,30}\b(?:ship|deliver|arriv)|\bwhen will it arrive\b",
            re.I,
        ),
        "delivery takes business days",
    ),
)
"""Everyday words for what the store's documents name otherwise ("send it back" is a
return, 不喜欢 a no-reason return): added to the search text, never replacing it."""
_DEICTIC = re.compile(
    r"\b(?:it|this|that|these|those|them|this one|that one)\b"
    r"|这个|那个|这款|那款|这件|那件|它|这种",
    re.I,
)


def _with_everyday_words(text: str) -> str:
    extra = [word for pattern, word in _POLICY_WORDS if pattern.search(text)]
    return f"{text} {' '.join(dict.fromkeys(extra))}" if extra else text


class KnowledgeResponder:
    """Mixed into :class:`kefu.assistant.engine.Assistant`."""

    def _search_knowledge(
        self: Assistant, text: str, language: str, k: int = 3
    ) -> tuple[list[Any], bool]:
        """Top passages for ``text``: the customer's language first (an English question
        should get the English FAQ), then any language when that finds nothing close enough.
        Everyday words ("send it back", 不喜欢) are searched with the documents' words."""
        try:
            from kefu.knowledge import get_knowledge_base

            kb = self.knowledge or get_knowledge_base()
            # "before we go on, how long … anyway?": the lead-in and tail words only add noise
            text = _TAIL.sub("", _LEAD_IN.sub("", text.strip())) or text
            text = _with_everyday_words(text)
            hits = kb.search(text, k=k, language=language)
            confident = kb.is_confident(hits)
            if not confident:
                hits = kb.search(text, k=k)
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
        about = _about(turn)
        if about:
            # "can I return this?" about the product just shown: a rule that names it or its
            # category ("food and drink cannot be returned") comes before the general one
            words = about.replace("\t", " ")
            more, sure = self._search_knowledge(f"{turn.u.text} {words}", turn.lang, k=5)
            specific = _naming(more, about)
            if specific is not None and (confident or sure):
                hits = [specific, *[h for h in hits if h.chunk_id != specific.chunk_id]]
                confident = True
        last = turn.state.last_question
        if (not hits or not confident) and last and _follows_on(turn.u.text):
            # "how long would that take?" right after "can you ship it to Canada?": the
            # question before says what "that" is
            more, sure = self._search_knowledge(f"{last} {turn.u.text}", turn.lang)
            if more and sure:
                hits, confident = more, True
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
        turn.state.last_question = turn.u.text[:300]
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


def _about(turn: Turn) -> str:
    """The product a policy question points at with "it / this / 这个", when the shopper was
    just shown one product: its name and category, tab-separated; else empty."""
    shown = turn.state.shown
    if not shown or not _DEICTIC.search(turn.u.text) or turn.state.flow is not None:
        return ""
    from kefu import catalog as _catalog

    cat = _catalog.Catalog.of(turn.session, turn.lang)
    offers = [o for o in (cat.by_variant(v) for v in shown) if o is not None]
    products = {o.product_id for o in offers}
    if len(products) != 1:
        return ""
    product = cat.product(offers[0].product_id)
    if product is None:
        return ""
    words = [offers[0].title(turn.lang), str(getattr(product, "category", "") or "")]
    return "\t".join(dict.fromkeys(w.strip() for w in words if w.strip()))


def _naming(hits: list[Any], about: str) -> Any | None:
    """The first passage that names the product or its category (whole), if any."""
    words = [w for w in about.split("\t") if len(w) >= 2]
    found = [re.compile(rf"(?<![a-z]){re.escape(w.lower())}(?![a-z])") for w in words]
    return next((h for h in hits if any(p.search(h.text.lower()) for p in found)), None)


_FOLLOW_ON = re.compile(
    r"^\s*(?:and|so|then|ok|okay|also)\b|\b(?:that|it|this|those|them|then)\b|"
    r"^\s*(?:那|那么|还有|另外|这样)|(?:呢|那个|这个)[？?]?\s*$",
    re.I,
)


def _follows_on(text: str) -> bool:
    """A short question that leans on the one before ("and how long would that take?",
    "那要多久"), not a new question ("can I pick it up at your warehouse?" is new)."""
    words = len(text.split()) if text.isascii() else len(text) // 2
    return words <= 8 and bool(_FOLLOW_ON.search(text))
