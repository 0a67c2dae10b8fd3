"""Several requests in one message: "change the address of my order, and also do you ship to
Canada?", "取消订单 #W1，另外帮我查一下 #W2 到哪了".

The message is cut at the places where a new request starts (a sentence end, "and also",
"another thing", "and can you …", 另外/还有/顺便/然后 …). A piece counts as a request of its
own only when the classifier is sure of it on its own: an order request (cancel, return…)
or a store question (shipping, payment, policy). Pieces that only describe the first request
("… and the thermostat for the Google Home one") stay with it. The engine handles the first
request, answers the questions at once, and keeps the other order requests in a queue that
it takes up, one after the other, as each request is finished.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kefu.assistant._understand import (
    CUE_SURE,
    FLOW_INTENTS,
    KNOWLEDGE_INTENTS,
    REQUEST_CUES,
    WANTS_ACTION,
    Understanding,
    asks_store_question,
    understand,
)

_VERB = (
    r"(?:i(?:'d|'m|\s+would|\s+also|\s+really)?\s+)?(?:also\s+)?"
    r"(?:want|need|would like|like|can you|could you|please|pls|"
    r"cancel|return|exchange|change|update|modify|switch|swap|ship|send|track|check|"
    r"do you|does|what|how|where|"
    r"when|is|are|will)\b"
)
BOUNDARY = re.compile(
    r"(?<=[?!.;])\s+(?=\S)|(?<=[？！。；])\s*(?=\S)"
    r"|\s*,?\s*\b(?:and also|and then|another thing|one more thing|besides that|"
    r"in addition|additionally|oh and|plus)\b[,:]?\s*"
    rf"|\s*,?\s*\band\s+(?={_VERB})"
    r"|\s*,\s*and\s+(?=(?:my|the|for the)\s+(?:[\w-]+\s+){0,3}(?:order|one)\b)"
    r"|[，,]?\s*(?:另外|还有|顺便|并且|同时|然后|以及|再帮我|也帮我)[，,：:]?\s*",
    re.I,
)
SURE = 0.7


@dataclass(frozen=True)
class Part:
    """One request of a message: its text and what it asks for."""

    text: str
    intent: str
    is_question: bool
    """A store question (answered at once), not an order request (queued)."""


def split_requests(text: str, language: str) -> list[Part]:
    """The separate requests in ``text``, in order; one part or none means a single request."""
    if len(text) > 600:  # a long message is one request; cutting it would only guess
        return []
    pieces = [p.strip(" ,，") for p in BOUNDARY.split(text) if p and p.strip(" ,，.。")]
    if len(pieces) < 2:
        return []
    parts: list[Part] = []
    for piece in pieces:
        u = read_request(piece, language)
        if _identity_only(piece):
            u.intent, u.confidence = None, 0.0
        named = any(cue.search(piece) for _, cue in REQUEST_CUES) or bool(u.order_ids)
        # a piece is a request of its own only if it says so in request words ("你们怎么发货的？？"
        # beside a return is a complaint about shipping, not a tracking request)
        flow = u.flow if u.confidence >= SURE and named else None
        question = (u.intent in KNOWLEDGE_INTENTS and u.confidence >= SURE) or (
            # "你们怎么发货的？？" beside a return is an angry aside, not a question to answer
            flow is None and u.sentiment > -0.3 and asks_store_question(piece)
        )
        if flow is None and not question:
            if parts:  # a description of the previous request: it stays with it
                last = parts[-1]
                parts[-1] = Part(f"{last.text} {piece}", last.intent, last.is_question)
            else:
                # a calm, sure first request keeps its reading ("has my laptop order shipped
                # yet?"); an angry aside ("刚收到的墨镜全是划痕，你们怎么发货的？？") is context
                # that joins the request after it
                calm = u.flow is not None and u.confidence >= SURE and u.sentiment > -0.3
                parts.append(Part(piece, (u.intent or "") if calm else "", False))
            continue
        intent = str(u.intent)
        if parts and not parts[-1].is_question and parts[-1].intent not in _REQUESTS:
            # the first piece was a greeting or context: it belongs to this request
            last = parts.pop()
            piece = f"{last.text} {piece}"
        parts.append(Part(piece, intent, question))
    requests = [p for p in parts if p.is_question or p.intent in _REQUESTS]
    if len(requests) < 2 or all(p.is_question for p in requests):
        return []  # questions alone ("I'll take the green one. Price?") are one message
    distinct = {(p.intent, p.text) for p in requests}
    return requests if len(distinct) > 1 else []


_REQUESTS = set(FLOW_INTENTS)
_ASKS = re.compile(
    r"\b(?:tell me|show me|let me know|check|look up|find out)\b|查|看看|告诉我", re.I
)


_WHERE_IS_ORDER = re.compile(
    r"\bwhere(?:'s| is| are)\s+(?:my\s+)?(?:order\s+)?#?W\d{7}|\bstatus of\s+(?:order\s+)?#?W\d{7}"
    r"|#?W\d{7}\s*(?:的)?(?:到哪|发货了|发了没|发货没|物流|状态)",
    re.I,
)


def read_request(text: str, language: str) -> Understanding:
    """One request of a message, understood on its own.

    A short piece cut from a longer message often lacks the words the classifier leans on
    ("… and then tell me where my espresso machine order is"); when the classifier is unsure
    but the piece asks for something in so many words, the request words decide.
    """
    from kefu.assistant import _extract as ex

    bare = ex.strip_identity(text) or text  # an email in the piece only blurs the classifier
    u = understand(bare, language)
    u.text, u.emails, u.zips, u.order_ids = text, ex.emails(text), ex.zips(text), ex.order_ids(text)
    if (u.flow and u.confidence >= SURE) or (
        u.intent in KNOWLEDGE_INTENTS and u.confidence >= SURE
    ):
        return u
    if u.flow and u.confidence >= 0.5:
        # an unsure reading that the request's own words confirm ("my pending order needs to go
        # to 77 Harbor Road"): the classifier and the words agree
        cue = next((c for name, c in REQUEST_CUES if FLOW_INTENTS.get(name) == u.flow), None)
        if cue is not None and cue.search(bare):
            u.confidence = CUE_SURE
            return u
    if u.order_ids and _WHERE_IS_ORDER.search(text):
        u.intent, u.confidence = "order_status", CUE_SURE  # "also, where is #W6679257?"
        return u
    ends_asking = re.search(r"(?:取消掉|取消吧|退掉|退了吧|换掉|改掉)[吧了！!。.]*$", bare)
    if not (WANTS_ACTION.search(bare) or _ASKS.search(bare) or ends_asking):
        return u
    for name, cue in REQUEST_CUES:
        if cue.search(bare):
            u.intent, u.confidence = name, CUE_SURE
            break
    return u
    if not (WANTS_ACTION.search(text) or _ASKS.search(text)):
        return u
    for name, cue in REQUEST_CUES:
        if cue.search(text):
            u.intent, u.confidence = name, CUE_SURE
            break
    return u


def _identity_only(piece: str) -> bool:
    """ "my email is x@y.com", "I'm Ivan Santos, zip 75277": no request in it."""
    from kefu.assistant import _extract as ex

    if not (ex.emails(piece) or ex.zips(piece)):
        return False
    rest = ex.strip_identity(piece)
    if any(cue.search(rest) for _, cue in REQUEST_CUES):
        return False  # "x@y.com 宠物床退了": short, but a request
    han = sum(1 for ch in rest if "\u4e00" <= ch <= "\u9fff")
    return len(ex.latin_words(rest)) <= 4 and han <= 6


WHOLE_ORDER_FLOWS = {"cancel_order", "change_address", "order_status", "refund_status"}


def per_order(text: str, flow: str | None, order_ids: list[str]) -> list[str]:
    """ "cancel #W1 and #W2": one request per order, for requests about a whole order."""
    if flow not in WHOLE_ORDER_FLOWS or len(set(order_ids)) < 2:
        return []
    for sentence in re.split(r"(?<=[?!.;？！。；])\s*", text):
        # "cancel #W1. also, where is #W2?": the second order is another request's, never
        # a second cancel
        named = [o for o in order_ids if o.lstrip("#") in sentence]
        if named and order_ids[0] not in named:
            reading = read_request(sentence, "zh" if re.search(r"[\u4e00-\u9fff]", text) else "en")
            if reading.flow and reading.flow != flow and reading.confidence >= SURE:
                return []
    out = []
    for keep in dict.fromkeys(order_ids):
        one = text
        for other in order_ids:
            if other != keep:
                one = re.sub(rf"#?{re.escape(other.lstrip('#'))}", "", one)
        out.append(re.sub(r"\s+", " ", one).strip())
    return out
