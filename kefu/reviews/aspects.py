"""Aspect-based opinions: which part of the purchase a review praises or blames.

Rules over a small lexicon, not a model: each clause (split on punctuation and on
"but / 但是 / 不过") is searched for aspect terms, and the clause's own opinion words
(with negation) give that aspect its polarity. Words that carry both an aspect and an
opinion ("偏大", "overpriced", "假货") count on their own. When several clauses mention the
same aspect, the later one wins ties because reviewers put their verdict last.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from kefu.reviews._text import guess_language
from kefu.reviews.sentiment import Label, clause_polarity

Aspect = Literal[
    "quality",
    "shipping",
    "price",
    "service",
    "packaging",
    "size",
    "authenticity",
    "description_match",
]
ASPECTS: tuple[Aspect, ...] = (
    "quality",
    "shipping",
    "price",
    "service",
    "packaging",
    "size",
    "authenticity",
    "description_match",
)

_TERMS_ZH: dict[Aspect, tuple[str, ...]] = {
    "quality": (
        "质量",
        "品质",
        "做工",
        "材质",
        "面料",
        "用料",
        "手感",
        "质感",
        "效果",
        "耐用",
        "结实",
        "起球",
        "掉色",
        "开线",
        "脱线",
        "瑕疵",
        "故障",
        "坏了",
        "用了",
        "味道",
        "口感",
        "音质",
    ),
    "shipping": (
        "物流",
        "快递",
        "发货",
        "送货",
        "到货",
        "配送",
        "派送",
        "运输",
        "送达",
        "收到货",
        "顺丰",
        "快递员",
        "速度",
    ),
    "price": (
        "价格",
        "价钱",
        "性价比",
        "价位",
        "便宜",
        "划算",
        "实惠",
        "太贵",
        "偏贵",
        "贵了",
        "不值",
        "超值",
        "物美价廉",
        "优惠",
        "降价",
        "差价",
        "值这个价",
    ),
    "service": ("客服", "服务", "态度", "卖家", "商家", "掌柜", "售后", "店家", "回复", "退换"),
    "packaging": (
        "包装",
        "盒子",
        "箱子",
        "外包装",
        "纸箱",
        "包裹",
        "封口",
        "泡沫",
        "气泡膜",
        "礼盒",
    ),
    "size": (
        "尺码",
        "尺寸",
        "大小",
        "码数",
        "偏大",
        "偏小",
        "合身",
        "不合身",
        "太大",
        "太小",
        "长度",
        "腰围",
        "鞋码",
        "宽松",
        "紧身",
        "挤脚",
        "磨脚",
        "夹脚",
        "大了",
        "小了",
        "一码",
    ),
    "authenticity": (
        "正品",
        "假货",
        "真假",
        "山寨",
        "仿品",
        "高仿",
        "假的",
        "防伪",
        "专柜",
        "原装",
        "盗版",
        "真品",
    ),
    "description_match": (
        "与描述不符",
        "和描述不符",
        "跟描述不符",
        "描述不符",
        "货不对板",
        "图片不符",
        "色差",
        "虚假宣传",
        "虚标",
        "和图片",
        "跟图片",
        "与图片",
        "比图片",
        "图片上",
        "和描述",
        "跟描述",
        "与描述",
        "详情页",
        "实物",
    ),
}

_TERMS_EN: dict[Aspect, tuple[str, ...]] = {
    "quality": (
        "quality",
        "build",
        "material",
        "materials",
        "fabric",
        "stitching",
        "durable",
        "durability",
        "sturdy",
        "flimsy",
        "workmanship",
        "craftsmanship",
        "broke",
        "defective",
        "faulty",
        "taste",
        "tastes",
        "sound",
        "battery",
        "works",
        "worked",
    ),
    "shipping": (
        "shipping",
        "delivery",
        "delivered",
        "shipped",
        "arrived",
        "arrival",
        "courier",
        "carrier",
        "tracking",
        "dispatch",
        "dispatched",
        "ship",
        "transit",
        "shipment",
        "on time",
        "delayed",
        "same day",
        "driver",
        "order was",
    ),
    "price": (
        "price",
        "priced",
        "value",
        "cost",
        "costs",
        "expensive",
        "cheap",
        "overpriced",
        "pricey",
        "affordable",
        "bargain",
        "money",
        "deal",
        "worth",
    ),
    "service": (
        "service",
        "support",
        "seller",
        "staff",
        "agent",
        "customer service",
        "refund",
        "reply",
        "replied",
        "responded",
        "response",
        "helpdesk",
        "vendor",
        "warranty",
    ),
    "packaging": (
        "packaging",
        "package",
        "packed",
        "box",
        "boxes",
        "wrapping",
        "wrapped",
        "packing",
        "bubble wrap",
        "parcel",
        "seal",
        "sealed",
        "gift box",
    ),
    "size": (
        "size",
        "sizing",
        "fit",
        "fits",
        "fitted",
        "too small",
        "too big",
        "too large",
        "too tight",
        "too loose",
        "runs small",
        "runs large",
        "length",
        "width",
        "tight",
        "loose",
        "snug",
        "snugly",
        "too long",
        "too short",
        "smaller than",
        "larger than",
        "true to size",
        "sleeves",
    ),
    "authenticity": (
        "genuine",
        "authentic",
        "fake",
        "counterfeit",
        "knockoff",
        "knock-off",
        "replica",
        "original",
        "real thing",
        "not real",
        "imitation",
    ),
    "description_match": (
        "not as described",
        "not as pictured",
        "as described",
        "as pictured",
        "as advertised",
        "the picture",
        "the pictures",
        "the photos",
        "the photo",
        "listing",
        "false advertising",
        "color difference",
    ),
}

_SPLIT = re.compile(
    r"[，,。.！!？?；;\n~～…]+|但是|不过|可是|然而|\bbut\b|\bhowever\b|\bthough\b|\balthough\b",
    re.IGNORECASE,
)

_IMPLIED_POLARITY_ZH: dict[str, int] = {
    "偏大": -1,
    "偏小": -1,
    "不合身": -1,
    "太大": -1,
    "太小": -1,
    "挤脚": -1,
    "磨脚": -1,
    "夹脚": -1,
    "大了": -1,
    "小了": -1,
    "合身": 1,
    "假货": -1,
    "山寨": -1,
    "仿品": -1,
    "高仿": -1,
    "假的": -1,
    "盗版": -1,
    "正品": 1,
    "原装": 1,
    "太贵": -1,
    "偏贵": -1,
    "贵了": -1,
    "不值": -1,
    "超值": 1,
    "划算": 1,
    "实惠": 1,
    "物美价廉": 1,
    "便宜": 1,
    "起球": -1,
    "掉色": -1,
    "开线": -1,
    "脱线": -1,
    "瑕疵": -1,
    "故障": -1,
    "坏了": -1,
    "耐用": 1,
    "结实": 1,
    "值这个价": 1,
    "与描述不符": -1,
    "和描述不符": -1,
    "跟描述不符": -1,
    "描述不符": -1,
    "货不对板": -1,
    "图片不符": -1,
    "虚假宣传": -1,
    "虚标": -1,
}
_IMPLIED_POLARITY_EN: dict[str, int] = {
    "too small": -1,
    "too big": -1,
    "too large": -1,
    "too tight": -1,
    "too loose": -1,
    "runs small": -1,
    "runs large": -1,
    "fake": -1,
    "counterfeit": -1,
    "knockoff": -1,
    "knock-off": -1,
    "replica": -1,
    "imitation": -1,
    "not real": -1,
    "genuine": 1,
    "authentic": 1,
    "overpriced": -1,
    "pricey": -1,
    "expensive": -1,
    "affordable": 1,
    "bargain": 1,
    "cheap": 1,
    "flimsy": -1,
    "sturdy": 1,
    "on time": 1,
    "early": 1,
    "too long": -1,
    "too short": -1,
    "smaller than": -1,
    "larger than": -1,
    "true to size": 1,
    "same day": 1,
    "durable": 1,
    "defective": -1,
    "faulty": -1,
    "broke": -1,
    "not as described": -1,
    "not as pictured": -1,
    "false advertising": -1,
    "as described": 1,
    "as pictured": 1,
}


@dataclass(frozen=True)
class AspectOpinion:
    """One aspect's polarity in a text, with the clause that decided it."""

    aspect: Aspect
    label: Label
    evidence: str


def _clauses(text: str) -> list[str]:
    return [c.strip() for c in _SPLIT.split(text) if c and c.strip()]


def _find_terms(clause: str, language: str) -> list[tuple[Aspect, str]]:
    hits: list[tuple[Aspect, str]] = []
    lowered = clause.lower()
    table = _TERMS_ZH if language == "zh" else _TERMS_EN
    implied = _IMPLIED_POLARITY_ZH if language == "zh" else _IMPLIED_POLARITY_EN
    for aspect, terms in table.items():
        for term in sorted(terms, key=lambda t: t not in implied):
            found = (
                term in clause
                if language == "zh"
                else re.search(rf"\b{re.escape(term)}\b", lowered)
            )
            if found:
                hits.append((aspect, term))
                break
    return hits


def _polarity(clause: str, term: str, language: str) -> int:
    implied = (_IMPLIED_POLARITY_ZH if language == "zh" else _IMPLIED_POLARITY_EN).get(term)
    rest = clause.replace(term, " ") if implied is not None else clause
    opinion = clause_polarity(rest, language)
    if implied is not None:
        return -implied if _negated_before(clause, term, language) else implied
    return opinion


def _negated_before(clause: str, term: str, language: str) -> bool:
    start = clause.lower().find(term)
    prefix = clause.lower()[max(0, start - (3 if language == "zh" else 12)) : start]
    if language == "zh":
        return any(n in prefix for n in ("不", "没", "非"))
    return bool(re.search(r"\b(not|no|never|isn't|wasn't|aren't|don't|doesn't|didn't)\b", prefix))


def extract_aspects(text: str, language: str | None = None) -> list[AspectOpinion]:
    """Aspects mentioned in ``text`` with their polarity, in order of first mention."""
    lang = language if language in ("zh", "en") else guess_language(text)
    found: dict[Aspect, tuple[int, str]] = {}
    for clause in _clauses(text):
        for aspect, term in _find_terms(clause, lang):
            polarity = _polarity(clause, term, lang)
            previous = found.get(aspect)
            if previous is None or polarity != 0:
                found[aspect] = (polarity, clause)
    from kefu.reviews.sentiment import analyze_review_sentiment

    overall = analyze_review_sentiment(text, lang)
    sign = {"positive": 1, "negative": -1}.get(overall.label, 0)
    if not found and sign:
        # An opinion with no named aspect is about the product itself ("很好用", "junk").
        found["quality"] = (sign, text)
    for aspect, (pol, clause) in list(found.items()):
        if pol == 0 and sign and len(found) == 1:
            # the only aspect named, with no opinion word of its own: the review's verdict
            found[aspect] = (sign, clause)
    return [
        AspectOpinion(
            aspect, "positive" if pol > 0 else "negative" if pol < 0 else "neutral", clause
        )
        for aspect, (pol, clause) in found.items()
    ]
