"""One customer message, understood: the NLU parse plus the exact identifiers in it."""

from __future__ import annotations

import functools
import importlib
import logging
import re
from dataclasses import dataclass, field
from typing import Any

from kefu.assistant import _extract as ex

log = logging.getLogger(__name__)

FLOW_INTENTS = {
    "order_status": "order_status",
    "track_shipment": "order_status",
    "cancel_order": "cancel_order",
    "change_address": "change_address",
    "change_payment": "change_payment",
    "change_items": "change_items",
    "return_items": "return_items",
    "exchange_items": "exchange_items",
    "refund_status": "refund_status",
    "account": "account",
}
KNOWLEDGE_INTENTS = {"shipping_policy", "payment_methods", "invoice", "discount", "policy_question"}
POLICY_WORDS = re.compile(r"\bpolic(?:y|ies)\b|\brules?\b|政策|规定|规则|条款", re.I)
"""A message that names a policy asks about the rule, not to act on an order (no order id)."""
WANTS_ACTION = re.compile(
    r"\bi(?: also| really| just| now| then)?(?: want| need| would like|'d like|'d also like)"
    r" to (?!know|ask|understand|learn|read|see)"
    r"|\b(?:please|pls|kindly) (?:cancel|return|exchange|change|update|swap|send)\b"
    r"|\b(?:can|could|may) (?:i|you|we) (?:please )?(?:cancel|return|exchange|change|update|"
    r"swap|send|ship|switch|modify|get|pay)\b"
    r"|^\s*(?:cancel|return|exchange|swap|change|update)\b"
    r"|我要|我想要|我想|帮我|给我|麻烦|请帮|能不能帮|可以帮"
    r"|(?<![不没])(?:想|要)(?:换成|换|退货|退掉|退了|取消|改成|改)",
    re.I,
)
"""First-person requests to act: a policy word beside one does not make a question."""
_LEAD_IN = re.compile(
    r"^(?:(?:before we go on|before that|btw|by the way|quick question|one (?:more )?question|"
    r"also|and|but|so|ok|okay|oh|ah|hmm+|wait|actually|sorry|well|one thing|对了|顺便问一下|"
    r"另外|还有|请问|问一下|等等|那|嗯+)[\s,，:：.。!！-]*)+",
    re.I,
)
_ASKS_EN = re.compile(
    r"^(?:how|what|what'?s|wats|hows|when|which|who|why|is there|are there|is it|are they|"
    r"do i|do you|"
    r"does|did|will|would|should|am i|is my|are my|can it|can they|can the)\b",
    re.I,
)
_ASKS_ZH = re.compile(
    r"多久|多长时间|几天|多少天|怎么|如何|是否|谁(?:付|出|承担)|[吗呢][？?。.!！]*$|有没有"
)
_ABOUT_AN_ORDER = re.compile(
    r"#?\bW\d{7}\b|\b(?:where|what)(?:'s| is) my\b"
    r"|\bmy (?:order|package|parcel|shipment|delivery)\b"
    r"|我的(?:订单|包裹|快递)(?:到|在)|到哪|发货了吗",
    re.I,
)


def asks_store_question(text: str) -> bool:
    """A question about how the store works ("wait, do I have to pay for the return
    shipping?", "how long would the money take to get back to my card?", 退到礼品卡多久到账？),
    not a request to act on an order ("can I get it in XL?", "where is my order?")."""
    body = _LEAD_IN.sub("", text.strip())
    obliged = re.match(
        r"(?:do|would|will|should) i (?:really |still |also )?(?:need|have) to\b", body, re.I
    )
    if not body or (WANTS_ACTION.search(body) and not obliged) or _ABOUT_AN_ORDER.search(body):
        return False
    if re.search(r"[\u4e00-\u9fff]", body):
        return bool(_ASKS_ZH.search(body)) or body.rstrip().endswith(("?", "？"))
    return bool(_ASKS_EN.match(body)) and not re.match(r"(?:can|could) (?:i|you)\b", body, re.I)


REQUEST_CUES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("exchange_items", re.compile(r"\bexchang|\bswap|换货|调换|换一个|换个|换成", re.I)),
    (
        "return_items",
        re.compile(
            r"\breturn|send (?:it|them|\w+) back|退货|退掉|退回|退了|(?:要|想)退(?!款)", re.I
        ),
    ),
    ("cancel_order", re.compile(r"\bcancel|取消", re.I)),
    (
        "change_address",
        re.compile(
            r"\baddress\b|地址|改寄|改送|改发到|寄到别"
            r"|\b(?:go|goes|ship|send|deliver)\b[^.?!]{0,20}\bto\s+\d{1,6}\s+[A-Za-z]",
            re.I,
        ),
    ),
    (
        "change_payment",
        re.compile(
            r"\bpayment\b|\bpay(?:ing)?\b[^.?!]{0,40}\bwith\b|支付方式|付款方式|(?:改|换)(?:成|用).{0,8}(?:付款|支付)",
            re.I,
        ),
    ),
    (
        "order_status",
        re.compile(
            r"\btrack|where(?:'s| is) my|\bshipped (?:yet|already)\b"
            r"|\bhas (?:it|my [\w\s]{1,30}) (?:shipped|arrived|been (?:sent|shipped|delivered))\b"
            r"|\bwhere\b.{0,40}\b(?:order|package|parcel)\b"
            r"|\bstatus of\b|到哪|物流|快递到|发货了吗|发货没|发货了没|发了没|发出了吗"
            r"|寄出了吗|寄出来了吗",
            re.I,
        ),
    ),
)
"""Words that name an order request. When the classifier is unsure (long messages that also
carry names, ids and item descriptions dilute it) but its reading, or its runner-up, is the
request these words name and the customer asks to act, the request is taken."""
CUE_SURE = 0.72

# what is wrong with something the customer has: told as a statement, it is a complaint,
# whatever the classifier makes of the product it names ("the speaker crackles at any volume")
FAULT = re.compile(
    r"crackl|\bbuzz(?:es|ing)\b|rattl|\bbroke\b|\bbroken\b|\bcracked\b|defective|faulty|"
    r"\bdamaged\b|stopped (?:working|charging|vibrating|turning on)|stops (?:working|charging|"
    r"vibrating)|(?:doesn't|does not|won't|will not|didn't|did not|can't|cannot) (?:work|charge|"
    r"turn on|connect|pair|hold (?:a )?charge|fit|stay on|close|zip)|not working|"
    r"f[ae]ll(?:ing)? apart|\bpeel(?:s|ing|ed)\b|\bripped\b|\btorn\b|\bleak(?:s|ing|ed)?\b|"
    r"\bscratched\b|dead on arrival|\bdies after\b|overheat|missing (?:a |the )?(?:part|piece|"
    r"screw)|\bwrong (?:size|colou?r|item)\b|\bpinch(?:es|ing)?\b|"
    r"坏了|坏掉|坏点|破了|破损|裂了|开裂|开胶|掉色|褪色|起球|脱线|漏水|漏气|漏电|杂音|异响|不响了|"
    r"没声音|没反应|开不了机|充不进电|充不上电|不充电|用不了|不能用|不工作|有毛病|质量(?:太)?差|"
    r"有异味|划痕|刮花|缺(?:件|零件)|发错|尺码不对|不合脚|磨脚|夹脚|死机|发烫",
    re.I,
)
_SHOPPING_CUE = re.compile(
    r"\b(?:looking for|recommend|do you (?:have|sell)|any (?:good )?\w+ that|which one|want|need|"
    r"prefer|searching|shopping for|something)\b|\b(?:that|which) (?:don't|doesn't|won't|do not|"
    r"does not|will not|never)\b|"
    r"想买|有没有|推荐|求推荐|哪款|哪个好",
    re.I,
)
_QUESTION = re.compile(
    r"[?？]\s*$|^\s*(?:does|do|is|are|can|will|would|how|what|which)\b|(?:吗|么|会不会|是否)",
    re.I,
)


_ASKS_RETURN = re.compile(
    r"(?:要|想|得|给我)退(?![款钱回])|退掉|退了吧|退货|\breturn (?:it|them|the|my|this|these)\b|"
    r"\bsend (?:it|them|\w+) back\b",
    re.I,
)
_STATUS_OR_TIMING = re.compile(
    r"\bwhere\b|\bwhen\b|\bstatus\b|how long|\barriv|到账|多久|几天|到了吗|什么时候|进度|状态|到哪",
    re.I,
)


def tells_a_fault(text: str) -> bool:
    """A statement of what is wrong with something the customer has (not a shopper's question
    about a product: "does it crackle at high volume?", "有没有不容易起球的毛衣")."""
    return bool(FAULT.search(text)) and not (_QUESTION.search(text) or _SHOPPING_CUE.search(text))
FRUSTRATED = 0.5
"""Frustration score from which a message counts as frustrated."""


@dataclass
class Understanding:
    """What the engine needs from one message."""

    text: str
    language: str
    intent: str | None
    confidence: float
    sentiment: float
    frustration: bool
    entities: dict[str, list[str]] = field(default_factory=dict)
    order_ids: list[str] = field(default_factory=list)
    emails: list[str] = field(default_factory=list)
    zips: list[str] = field(default_factory=list)
    yes: bool = False
    no: bool = False
    alternatives: list[tuple[str, float]] = field(default_factory=list)
    """The classifier's ranked (intent, confidence) readings, best first."""
    complained: bool = False
    """A request worded as a complaint ("this is garbage, I want to return it"): the bot
    carries out the request and offers a person, instead of handing off at once."""

    @property
    def flow(self) -> str | None:
        """The flow this message's intent starts, if any (a store's own flow by its name)."""
        found = FLOW_INTENTS.get(self.intent or "")
        if found is None and self.intent and _is_store_flow(self.intent):
            return self.intent
        return found


def _is_store_flow(name: str) -> bool:
    from kefu.assistant.flows import BUILT_IN, FLOWS

    return name in FLOWS and name not in BUILT_IN


def _store_flow(text: str) -> str | None:
    """The store's own request the message asks for in the words the store gave."""
    from kefu.assistant.flows import matching

    return matching(text)


def _language(text: str, fallback: str) -> str:
    """zh or en by script; Chinese characters win a mixed message ("我想cancel我的order");
    id-only or emoji-only messages keep the current language."""
    from kefu.nlu.language import detect_language

    found = detect_language(text)
    if found == "mixed":
        return "zh"
    return found if found in ("zh", "en") else fallback


_NOT_PROSE = re.compile(
    r"[\w.+-]+@[\w-]+\.[\w.-]+|#?\bW\d{7}\b|(?<![\w#])\d{1,6}\s+[A-Za-z][^\n]*?\d{5}|\d+",
    re.I,
)


def _sticky(text: str, found: str, current: str) -> str:
    """A Chinese conversation stays Chinese for English-looking bits: "yes", "OK", an email,
    an address, a product or option name copied from a reply ("Mechanical Keyboard").
    Only a real English sentence (four words or more of prose, no Chinese) switches it."""
    if current != "zh" or found != "en":
        return found
    prose = ex.latin_words(_NOT_PROSE.sub(" ", text))
    return "en" if len(prose) >= 4 else "zh"


_REFUND_WANTED = re.compile(
    r"\b(?:want|need|give me|demand|get)\b.{0,12}\b(?:refund|money back)\b"
    r"|要退款|退钱|退款(?!.{0,6}(?:到|多久|进度|状态))",
    re.I,
)
_ASKED = re.compile(
    r"\b(?:want|need|would like|please|can you|let me|now)\b|我要|要|想|帮我|给我", re.I
)


_OWNED = re.compile(
    r"\b(?:i|we)\s+(?:just\s+)?(?:got|bought|received|ordered|purchased)\b"
    r"|\bthe (?:one|\w+) i (?:got|bought|received|ordered)\b"
    r"|我买的|买的那|收到的|到手的|我(?:上次|之前)?(?:买|收到|下单)了|订单里的|我那个|我那件|我那双",
    re.I,
)
_OTHER_VARIANT = re.compile(
    r"\b(?:get|have|swap|change|switch)\b[^.?!]{0,25}\b(?:in|for|to)\s+(?:a |an |the )?"
    r"(?:size\s+)?(?:xx?s|s|m|l|xx?l|\d{1,2}|bigger|smaller|larger|another|different|other)\b"
    r"[^.?!]{0,30}\binstead\b|\ba size (?:up|down)\b|\b(?:one|a) size (?:bigger|smaller|larger)\b"
    r"|换成|换个|换一(?:个|件|双|码)|换大|换小|大一码|小一码|换[a-zA-Z]{1,3}码",
    re.I,
)


def _wants_other_variant(text: str) -> bool:
    """ "the navy fleece I got is too small, can I get it in XL instead?": something the
    customer already has, wanted in another size or colour, is an exchange request."""
    return bool(_OWNED.search(text) and _OTHER_VARIANT.search(text))


def _complaint_request(text: str) -> str | None:
    """The order request a complaint also asks for, if its words name one."""
    if _REFUND_WANTED.search(text) and not re.search(
        r"\bwhere|\bwhen|\bstatus|到账|多久", text, re.I
    ):
        return "return_items"
    asked = _ASKED.search(text) or re.search(
        r"(?:退掉|退了|退货|换货|取消|退款|退钱|换一个)(?:吧|了|啊)?[！!。.~\s]*$", text
    )
    if not asked or POLICY_WORDS.search(text):
        return None
    for name, cue in REQUEST_CUES:
        if cue.search(text):
            return name
    return None


def _request_cue(
    text: str, intent: str | None, confidence: float, alternatives: list[tuple[str, float]]
) -> tuple[str | None, float]:
    """An unsure flow reading confirmed by the request's own words (see ``REQUEST_CUES``)."""
    if (
        intent not in FLOW_INTENTS
        and intent not in KNOWLEDGE_INTENTS
        and WANTS_ACTION.search(text)
        and not POLICY_WORDS.search(text)
    ):
        # "电子书阅读器屏幕有好几个坏点，我要退" read as a recommendation: asking in so many
        # words to return, cancel or exchange is that request, whatever else the text says
        for name, cue in REQUEST_CUES[:3]:
            if cue.search(text):
                return name, CUE_SURE
    if confidence >= CUE_SURE or not (WANTS_ACTION.search(text) or ex.order_ids(text)):
        return intent, confidence
    if POLICY_WORDS.search(text) and not ex.order_ids(text):
        return intent, confidence
    readings = [intent] + [name for name, _ in alternatives[:3]]
    for name, cue in REQUEST_CUES:
        if not cue.search(text):
            continue
        same = {name, "change_items"} if name == "exchange_items" else {name}
        if name == "order_status":
            same.add("track_shipment")
        hit = next((r for r in readings if r in same), None)
        if hit is not None:
            return hit, CUE_SURE
        return intent, confidence  # the first request word named decides; no guessing past it
    return intent, confidence


_REQUEST_WORDS = (
    "cancel",
    "return",
    "exchange",
    "order",
    "address",
    "refund",
    "payment",
    "change",
    "package",
    "shipped",
    "delivered",
    "tracking",
    "please",
    "instead",
    "because",
    "mistake",
    "ordered",
    "needed",
    "anymore",
    "broken",
    "wrong",
    "stock",
    "available",
    "cheapest",
)
_REAL_WORDS = {"older", "odder", "cancer", "orders", "retune", "rerun", "ranged", "charge"} | {
    "stick", "stack", "stork", "stuck", "smock", "shock", "stocky",
}  # fmt: skip
# Chinese typed by sound or by the wrong character, as shoppers do: read as meant
_ZH_TYPOS = {
    "瑜珈": "瑜伽", "买措": "买错", "下措": "下错", "点措": "点错", "建盘": "键盘", "退贷": "退货",
}  # fmt: skip


def _near(word: str, target: str) -> bool:
    """One edit apart (a letter missing, extra, wrong or two swapped), first letter kept."""
    if word[0] != target[0] or abs(len(word) - len(target)) > 1 or word == target:
        return False
    if len(word) == len(target):
        diff = [i for i, (a, b) in enumerate(zip(word, target, strict=True)) if a != b]
        if len(diff) == 1:
            return True
        i, j = diff[0], diff[-1]
        return len(diff) == 2 and j == i + 1 and word[i] == target[j] and word[j] == target[i]
    short, long_ = (word, target) if len(word) < len(target) else (target, word)
    return any(long_[:i] + long_[i + 1 :] == short for i in range(len(long_)))


@functools.cache
def _typo_vocabulary() -> frozenset[str]:
    """The words typos are corrected to: request words and the catalogue's product words."""
    from kefu.assistant._glossary import ZH_PRODUCT_NAMES

    return frozenset(_REQUEST_WORDS) | {
        w for name in ZH_PRODUCT_NAMES for w in name.lower().split() if len(w) >= 5
    }


def _unshouted(text: str) -> str:
    """A message typed in capitals ("WHERE IS MY ORDER?????") with its all-capital words in
    lower case, for the intent classifier, which learnt from ordinary writing. Ids keep their
    case (they hold digits); a message in ordinary case is returned as it is."""
    shouted = re.findall(r"\b[A-Z]{2,}(?:'[A-Z]+)?\b", text)
    if len(shouted) < 2 or sum(map(len, shouted)) < 6:
        return text  # "UPS tracking", "a TV": one capital word is a name
    return re.sub(r"\b[A-Z][A-Z']*\b", lambda m: m.group(0).lower(), text)


def fix_typos(text: str) -> str:
    """Request words and product words typed one letter off ("pls cancle my keybord ordr")
    spelled right, so the classifier and the rules read them; everything else is kept."""
    vocab = _typo_vocabulary()

    def fix(m: re.Match[str]) -> str:
        word = m.group(0)
        low = word.lower()
        if len(low) < 4 or low in vocab or low in _REAL_WORDS:
            return word
        if any(low in (t + "s", t + "es", t + "d", t + "ed") for t in vocab):
            return word  # a plural or past form of a known word, not a typo
        hits = [t for t in vocab if _near(low, t)]
        return hits[0] if len(hits) == 1 else word

    for typo, meant in _ZH_TYPOS.items():
        text = text.replace(typo, meant)
    return re.sub(r"(?<![\w@.])[A-Za-z]{4,}(?![\w@])", fix, text)


def understand(
    text: str, fallback_language: str, known_products: list[str] | None = None
) -> Understanding:
    """Parse ``text`` with :mod:`kefu.nlu` and read its identifiers deterministically."""
    text = fix_typos(text)
    language = _language(text, fallback_language)
    intent: str | None = None
    confidence = 0.0
    sentiment = 0.0
    frustration = False
    entities: dict[str, list[str]] = {}
    alternatives: list[tuple[str, float]] = []
    parse = getattr(importlib.import_module("kefu.nlu"), "parse", None)
    if parse is not None:
        read = _unshouted(text)  # "WHERE IS MY ORDER" reads as "where is my order"
        result: Any = parse(read, known_products=known_products) if known_products else parse(read)
        language = result.language if result.language in ("zh", "en") else language
        intent = result.intent
        confidence = float(result.confidence)
        raw_sent = getattr(result, "sentiment", None)
        sentiment = float(getattr(raw_sent, "score", raw_sent) or 0.0)
        raw_frus = getattr(result, "frustration", None)
        frustration = float(getattr(raw_frus, "score", raw_frus) or 0.0) >= FRUSTRATED
        for ent in getattr(result, "entities", []) or []:
            entities.setdefault(str(ent.type), []).append(str(ent.value))
        alternatives = [
            (str(a.intent), float(a.confidence)) for a in getattr(result, "alternatives", []) or []
        ]
    else:
        # the NLU's parts, until its one-call parse() is available
        from kefu.nlu.frustration import frustration_score
        from kefu.nlu.intents import get_intent_classifier
        from kefu.reviews.sentiment import analyze_sentiment

        prediction = get_intent_classifier().predict([_unshouted(text)])[0]
        intent, confidence = prediction.intent, float(prediction.confidence)
        sentiment = analyze_sentiment(text, language).score
        frustration = frustration_score(text).score >= FRUSTRATED
    language = _sticky(text, language, fallback_language)
    yes, no = ex.is_yes(text), ex.is_no(text)
    intent, confidence = _request_cue(text, intent, confidence, alternatives)
    if (intent not in FLOW_INTENTS or confidence < CUE_SURE) and _wants_other_variant(text):
        intent, confidence = "exchange_items", CUE_SURE
    if intent in ("refund_status", "order_status") and _ASKS_RETURN.search(text) and not (
        _STATUS_OR_TIMING.search(text)
    ):
        # "之前收到的挂钟要退，钱退回paypal": the money's destination is not a refund status
        intent, confidence = "return_items", max(confidence, CUE_SURE)
    if intent == "product_question" and tells_a_fault(text):
        intent, confidence = "complaint", max(confidence, CUE_SURE)
    complained = intent == "complaint" or (intent in FLOW_INTENTS and sentiment <= -0.4)
    unsure_and_upset = confidence < CUE_SURE and sentiment <= -0.3
    if intent == "complaint" or unsure_and_upset:
        # "it broke after two days, I want to return it": the request is what to do
        asked = _complaint_request(text)
        if asked is not None:
            intent, confidence, complained = asked, CUE_SURE, True
    store = _store_flow(text)
    if store is not None:
        intent, confidence = store, max(confidence, 0.9)  # the store's words for its request
    if (
        (intent in FLOW_INTENTS or intent == store)
        and POLICY_WORDS.search(text)
        and not ex.order_ids(text)
        and not WANTS_ACTION.search(text)
    ):
        intent, confidence = "policy_question", max(confidence, 0.7)
    if yes and intent not in ("affirm", None) and confidence < 0.9:
        intent, confidence = "affirm", 1.0
    if no and intent not in ("deny", None) and confidence < 0.9 and not ex.order_ids(text):
        intent, confidence = "deny", 1.0
    if intent is None and (yes or no):
        intent, confidence = ("affirm" if yes else "deny"), 1.0
    return Understanding(
        text=text,
        language=language,
        intent=intent,
        confidence=confidence,
        sentiment=sentiment,
        frustration=frustration,
        entities=entities,
        order_ids=ex.order_ids(text),
        emails=ex.emails(text),
        zips=ex.zips(text),
        yes=yes,
        no=no,
        alternatives=alternatives,
        complained=complained and intent in FLOW_INTENTS,
    )
