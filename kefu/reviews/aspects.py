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
        "性能",
        "续航",
        "电池",
        "电量",
        "充电",
        "异味",
        "噪音",
        "运行",
        "好用",
        "难用",
        "坏的",
        "散架",
        "收到就是坏",
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
        "快递小哥",
        "包裹",
        "下单",
        "发出",
        "寄出",
        "签收",
        "快递柜",
        "次日达",
        "当日达",
        "等了",
        "才到",
        "能到",
        "刚到",
        "送到",
        "家门口",
        "比预计",
        "快递师傅",
        "到了",
        "隔天",
        "到得",
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
        "贵",
        "便宜点",
        "活动价",
        "这个价",
        "这价",
        "亏了",
    ),
    "service": (
        "客服",
        "服务",
        "态度",
        "卖家",
        "商家",
        "掌柜",
        "老板",
        "售后",
        "店家",
        "回复",
        "退换",
        "退款",
        "保修",
        "换货",
    ),
    "packaging": (
        "包装",
        "盒子",
        "箱子",
        "外包装",
        "纸箱",
        "封口",
        "塑料袋",
        "泡沫",
        "气泡膜",
        "礼盒",
        "包好",
        "包得",
        "打包",
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
        "太短",
        "太长",
        "偏短",
        "偏长",
        "多大码",
        "什么码",
        "穿多大",
        "选的码",
        "的码",
        "码子",
        "不挤",
        "不松",
        "尺码表",
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
        "原装",
        "盗版",
        "真品",
        "真货",
        "序列号",
        "官网",
        "翻新",
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
        "图片",
        "照片",
        "商品图",
        "主图",
        "网页",
        "页面",
        "描述",
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
        "performance",
        "smell",
        "smells",
        "odor",
        "noise",
        "noisy",
        "charges",
        "charging",
        "arrived broken",
        "arrived damaged",
        "arrived dead",
        "came broken",
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
        "arrive",
        "arrives",
        "deliver",
        "package",
        "parcel",
        "parcel locker",
        "signed for",
        "order today",
        "ships",
        "took ages",
        "took forever",
        "next day delivery",
        "next day",
        "waited",
        "came quickly",
        "came fast",
        "came early",
        "doorstep",
        "porch",
        "estimated date",
        "the estimate",
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
        "good deal",
        "great deal",
        "special offer",
        "on sale",
        "steal",
        "discount",
        "dollars",
        "than elsewhere",
        "more than usual",
        "this price",
        "half off",
        "big sale",
        "sale price",
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
        "rep",
        "vendor",
        "warranty",
        "after-sales",
        "sales",
        "shop",
    ),
    "packaging": (
        "packaging",
        "packaged",
        "packed",
        "box",
        "boxes",
        "wrapping",
        "wrapped",
        "packing",
        "plastic bag",
        "bubble wrap",
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
        "runs big",
        "run big",
        "run small",
        "runs a little large",
        "runs a little small",
        "runs a bit large",
        "runs a bit small",
        "dimensions",
        "smaller",
        "a size too big",
        "a size too small",
        "size chart",
        "what size",
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
        "real deal",
        "not real",
        "imitation",
        "serial number",
        "serial",
        "official site",
        "refurbished",
    ),
    "description_match": (
        "not as described",
        "not as pictured",
        "as described",
        "as pictured",
        "described as",
        "the picture",
        "the pictures",
        "the photos",
        "the photo",
        "listing",
        "false advertising",
        "color difference",
        "product page",
        "website",
        "listed as",
        "pictures",
        "photos",
        "overstated",
        "what they claim",
        "the description",
    ),
}

_SPLIT = re.compile(
    r"[，,。.！!？?；;\n~～…]+|但是|不过|可是|然而|\bbut\b|\bhowever\b|\bthough\b|\balthough\b|\band\b",
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
    "太短": -1,
    "太长": -1,
    "偏短": -1,
    "偏长": -1,
    "散架": -1,
    "收到就是坏": -1,
    "亏了": -1,
    "翻新": -1,
    "等了": -1,
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
    "arrived broken": -1,
    "arrived damaged": -1,
    "arrived dead": -1,
    "came broken": -1,
    "overstated": -1,
    "a size too big": -1,
    "a size too small": -1,
    "runs a little large": -1,
    "runs a little small": -1,
    "runs a bit large": -1,
    "runs a bit small": -1,
    "steal": 1,
    "real deal": 1,
    "took ages": -1,
    "took forever": -1,
    "waited": -1,
    "came quickly": 1,
    "came fast": 1,
    "came early": 1,
    "special offer": 1,
    "refurbished": -1,
    "legit": 1,
}


_WEAK_ZH: tuple[str, ...] = (
    "东西",
    "产品",
    "宝贝",
    "商品",
    "收到的",
    "外观",
    "颜值",
    "样子",
    "功能",
    "衣服",
    "裤子",
    "鞋子",
    "鞋",
    "用着",
    "用起来",
    "爱吃",
    "爱玩",
    "爱用",
    "喜欢",
    "满意",
)
_WEAK_EN: tuple[str, ...] = (
    "product",
    "item",
    "items",
    "gadget",
    "dress",
    "shirt",
    "shoes",
    "jacket",
    "features",
    "looks",
    "the thing",
    "this thing",
    "it broke",
    "to use",
    "it's",
    "it is",
    "it was",
    "with it",
    "loves it",
    "love it",
    "likes it",
    "loves this",
    "as good as",
    "pleased",
)
"""The product itself, named generically: quality, when the clause has an opinion and no other
aspect ("东西很好，发货也快", "Great product and fast shipping")."""

_MASK_ZH: tuple[str, ...] = (
    "不值得买",
    "值得买",
    "值得入手",
    "值得等",
    "值得",
    "便宜货",
    "便宜的那种",
    "冰块",
)
_MASK_EN: tuple[str, ...] = (
    "loose threads",
    "loose thread",
    "what arrived",
    "what came",
    "worth it",
    "worth buying",
    "worth every penny",
    "worth the wait",
    "worth the money",
    "waste of money",
    "out of the box",
    "lunch box",
    "lunchbox",
    "storage box",
    "tool box",
    "cheap ones",
    "cheaper ones",
    "cheap brands",
    "cheap stuff",
    "the cheap",
    "smells expensive",
    "looks expensive",
    "feels expensive",
    "for its size",
    "for the size",
    "for their size",
)
"""General verdicts that hold an aspect word ("不值得买" is not about the price)."""

# --- eighth pass (#18, en): words shoppers use for an aspect that the lists above lacked, and
# mentions that hold no opinion about the aspect they name ------------------------------------
_MORE_TERMS_EN: tuple[tuple[Aspect, tuple[str, ...]], ...] = (
    ("shipping", ("get here", "got here", "gets here", "to arrive", "never arrived", "mailroom")),
    (
        "service",
        (
            "answered",
            "messages",
            "emails",
            "processed",
            "blamed",
            "ignored",
            "wrong item",
            "sent the wrong",
            "return request",
            "requested a return",
        ),
    ),
    ("size", ("pinch", "pinches", "runs really small", "runs really large")),
    ("price", ("free shipping", "free delivery", "they charge", "they're charging")),
    ("quality", ("well made", "well built", "feels cheap", "holds a charge")),
    ("description_match", ("than listed", "than advertised", "what was advertised")),
)
for _aspect, _more in _MORE_TERMS_EN:
    _TERMS_EN[_aspect] = (*_more, *_TERMS_EN[_aspect])
_IMPLIED_POLARITY_EN.update(
    {"pinch": -1, "pinches": -1, "runs really small": -1, "runs really large": -1}
)
_MASK_EN = (
    *_MASK_EN,
    "how it works",
    "if it works",
    "whether it works",
)
_BOX_COUNT_EN = re.compile(
    r"\b(\d+|two|three|four|five|six|a few|several|more|another|extra) (more )?boxes\b"
    r"|\bboxes? of\b"
)
""""Asked for three more boxes", "a box of tea": a quantity, not the packaging."""
_DELAY_WORDS_EN = re.compile(r"\b(\d+|a|one|two|three|four|five|six) (days?|weeks?|months?)\b")
"""A span of time ("It's been three weeks"): the delay's opinion, not the product's."""
_FIT_HARDWARE_EN = re.compile(
    r"\b(plugs?|outlets?|cases?|cables?|chargers?|connectors?|ports?|buttons?|drawers?|"
    r"batter(y|ies)|cartridges?)\b|\bshr[ua]nk\b"
)
"""Loose outlets, a case that doesn't fit, shrunk in the wash: the product works badly, the
size of what was bought is not the point."""
_DAMAGE_ZH = ("破", "压", "烂", "坏", "扁", "漏")
_DAMAGE_EN = ("smashed", "crushed", "damaged", "torn", "dented", "ripped", "wet", "soaked")
_NOT_SIZE = ("噪音", "声音", "音量", "噪声", "味道", "气味", "吸力", "noise", "sound", "volume")
_NOT_SIZE_ZH = ("温差", "误差", "差距", "动静", "力度", "风力", "火力", "压力", "信号", "温度")
_NOT_SIZE_EN = re.compile(
    r"\b(seals?|lid|caps?|grip|grips|holds|socket|sockets|plug|screws?|knot|bolts?|pieces|"
    r"fits? (in|into|on|onto|under|inside|through))\b"
)
"""A tight lid, a plug that won't fit in, 温差太大: not the size of what was bought."""
_PICTURE_TERMS = frozenset(
    (
        "图片",
        "照片",
        "商品图",
        "主图",
        "图片上",
        "the picture",
        "the pictures",
        "the photos",
        "the photo",
        "pictures",
        "photos",
    )
)
_COMPARED_ZH = re.compile(r"和|跟|与|比|像|不符|一样|一致|相符|不一|差|同|实物|收到|到手")
_COMPARED_EN = re.compile(
    r"\b(than|like|as|match|matches|matched|same|different|differs?|identical|exactly|"
    r"in person|compared|nothing like|resembles?|from|shows?|showed|got|received|arrived|came)\b"
)
"""Pictures are the listing only when compared with what came (比图片暗, "same as the photos");
"takes clear photos" and "the picture is blurry" are about the product."""
_DEFECT_TERMS = frozenset(("坏了", "坏的", "故障", "瑕疵", "问题", "broke", "faulty", "defective"))
_SERVICE_STORY = ("换", "补发", "找", "寄回", "when", "replaced", "replace", "sent", "mail")
"""Words that make a defect the start of a service story (坏了直接给换了新的)."""
_CHEAP_QUALITY_EN = ("feel", "look", "smell", "made", "knockoff", "plastic", "fake")
_CHEAP_THING = re.compile(r"\b(a|an|the|this|that|like a) cheap (?!price|deal|and\b)\w+")
"""'a cheap sticker', 'a cheap blender': the kind of product, not its price."""


@dataclass(frozen=True)
class AspectOpinion:
    """One aspect's polarity in a text, with the clause that decided it."""

    aspect: Aspect
    label: Label
    evidence: str


def _clauses(text: str) -> list[str]:
    return [c.strip() for c, _ in _clauses_with_turn(text)]


_TURN_SPLIT = re.compile(r"但是|不过|可是|然而|\bbut\b|\bhowever\b|\bthough\b|\balthough\b", re.I)
_TURN_START = re.compile(
    r"^(可惜|只是|就是|但|却|偏偏|(too bad|shame|sadly|unfortunately|pity|what a shame)\b)", re.I
)


def _clauses_with_turn(text: str) -> list[tuple[str, bool]]:
    """Clauses, each with whether a turn (但是, 可惜, but, too bad) opens it."""
    out: list[tuple[str, bool]] = []
    start, turn = 0, False
    for match in _SPLIT.finditer(text):
        piece = text[start : match.start()].strip()
        if piece:
            out.append((piece, turn or bool(_TURN_START.match(piece))))
            turn = False
        turn = turn or bool(_TURN_SPLIT.fullmatch(match.group(0).strip()))
        start = match.end()
    piece = text[start:].strip()
    if piece:
        out.append((piece, turn or bool(_TURN_START.match(piece))))
    return out


def _has(clause: str, term: str, language: str) -> bool:
    if language == "zh":
        return term in clause
    return re.search(rf"\b{re.escape(term)}\b", clause.lower()) is not None


_MONEY_ZH = re.compile(
    r"\d+多?\s*(块|元|毛)|[一二两三四五六七八九十百千几]+多?(块钱|元|毛钱)"
    r"|[一二两三四五六七八九几]?[十百千][一二三四五六七八九十百千]*多?块"
)
_MONEY_EN = re.compile(
    r"\$\s?\d|\b(\d+|ten|five|twenty|thirty|forty|fifty|hundred) "
    r"(bucks|dollars|quid|pounds|euros)\b"
)
"""An amount of money (二十块钱, "twenty bucks"); 冰块 and 一块布 are no price."""


def _find_terms(clause: str, language: str, context: str = "") -> list[tuple[Aspect, str]]:
    hits: list[tuple[Aspect, str]] = []
    for masked in _MASK_ZH if language == "zh" else _MASK_EN:
        clause = re.sub(re.escape(masked), " ", clause, flags=re.IGNORECASE)
    lowered = clause.lower()
    table = _TERMS_ZH if language == "zh" else _TERMS_EN
    implied = _IMPLIED_POLARITY_ZH if language == "zh" else _IMPLIED_POLARITY_EN
    money = (_MONEY_ZH if language == "zh" else _MONEY_EN).search(lowered)
    if money:
        hits.append(("price", money.group(0)))
    for aspect, terms in table.items():
        if money and aspect == "price":
            continue
        for term in sorted(terms, key=lambda t: t not in implied):
            found = (
                term in clause
                if language == "zh"
                else re.search(rf"\b{re.escape(term)}\b", lowered)
            )
            if found:
                hits.append((aspect, term))
                break
    if language != "zh":
        if any(t in ("free shipping", "free delivery") for _, t in hits):
            hits = [(a, t) for a, t in hits if a != "shipping"]
        if _BOX_COUNT_EN.search(lowered):
            hits = [(a, t) for a, t in hits if t not in ("box", "boxes")]
    kinds = {a for a, _ in hits}
    damage = _DAMAGE_ZH if language == "zh" else _DAMAGE_EN
    parcel = any(t in ("包裹", "package", "parcel") for a, t in hits if a == "shipping")
    lost = any(_has(clause, t, language) for t in ("丢", "lost", "never arrived", "where"))
    if parcel and not lost and any(d in lowered for d in damage):
        # a damaged parcel is a packaging complaint; otherwise a parcel is about delivery
        hits = [(a, t) for a, t in hits if a != "shipping"]
        if "packaging" not in kinds:
            hits.append(("packaging", "包裹" if language == "zh" else "package"))
    if "service" in kinds and any(
        _has(clause, t, language) for t in ("快递员", "快递小哥", "courier", "delivery guy")
    ):
        hits = [(a, t) for a, t in hits if a != "service"]  # the courier's manners: delivery
    if ("price", "cheap") in hits and (
        any(w in lowered for w in _CHEAP_QUALITY_EN) or _CHEAP_THING.search(lowered)
    ):
        hits = [(a, t) for a, t in hits if a != "price"]  # "feels cheap": the product
    if "size" in kinds and "description_match" in kinds:
        hits = [(a, t) for a, t in hits if a != "size"]  # "smaller than the pictures"
    if any(a == "description_match" and t in _PICTURE_TERMS for a, t in hits):
        compared = _COMPARED_ZH if language == "zh" else _COMPARED_EN
        if not compared.search((context or clause).lower()):
            hits = [(a, t) for a, t in hits if a != "description_match"]
            if not any(a == "quality" for a, _ in hits) and clause_polarity(
                clause, language, wide=True
            ):
                hits.append(("quality", ""))
    not_size = any(w in lowered for w in _NOT_SIZE) or (
        any(w in lowered for w in _NOT_SIZE_ZH)
        if language == "zh"
        else bool(_NOT_SIZE_EN.search(lowered) or _FIT_HARDWARE_EN.search(lowered))
    )
    if any(a == "size" for a, _ in hits) and not_size:
        hits = [(a, t) for a, t in hits if a != "size"]  # "噪音太大": loud, not large
        if not any(a == "quality" for a, _ in hits):
            hits.append(("quality", ""))
    if not hits:
        weak = _WEAK_ZH if language == "zh" else _WEAK_EN
        opinion_of = clause if language == "zh" else _DELAY_WORDS_EN.sub(" ", clause.lower())
        for term in weak:
            if _has(clause, term, language) and clause_polarity(opinion_of, language, wide=True):
                hits.append(("quality", term))
                break
    return hits


def _polarity(clause: str, term: str, language: str) -> int:
    implied = (_IMPLIED_POLARITY_ZH if language == "zh" else _IMPLIED_POLARITY_EN).get(term)
    rest = clause.replace(term, " ") if implied is not None else clause
    opinion = clause_polarity(rest, language, wide=True)
    if implied is not None:
        if implied > 0 and _compared(clause, term, language):
            return -1 if opinion < 0 or _negated_before(clause, term, language) else 0
        return -implied if _negated_before(clause, term, language) else implied
    return opinion


def _compared(clause: str, term: str, language: str) -> bool:
    """ "和正品差很多", "nothing like the genuine one": the term is the yardstick."""
    start = clause.lower().find(term)
    prefix = clause.lower()[max(0, start - (2 if language == "zh" else 14)) : start]
    if language == "zh":
        return any(w in prefix for w in ("和", "跟", "与", "比", "像"))
    return bool(re.search(r"\b(like|than|as) the\s*$|\bthe\s*$", prefix))


def _negated_before(clause: str, term: str, language: str) -> bool:
    start = clause.lower().find(term)
    prefix = clause.lower()[max(0, start - (3 if language == "zh" else 12)) : start]
    if language == "zh":
        return any(n in prefix for n in ("不", "没", "非"))
    return bool(re.search(r"\b(not|no|never|isn't|wasn't|aren't|don't|doesn't|didn't)\b", prefix))


_VERDICT_ZH = re.compile(
    r"好评|差评|推荐|满意|五星|一星|点赞|回购|下次还|还会再|总体|总的来说|整体|总之|以后|"
    r"再也不|不会再|失望|后悔|喜欢|开心|高兴|值得|谢谢|感谢|放心|靠谱"
)
_VERDICT_EN = re.compile(
    r"\b(recommend\w*|stars?|buy again|order again|happy|pleased|satisfied|overall|all in all|"
    r"disappoint\w*|regret\w*|love|loved|thanks|thank you|worth|again|glad|impressed)\b",
    re.IGNORECASE,
)


def _names_product(clause: str, language: str) -> bool:
    """A clause that judges some thing (台灯也超级好看), not a bare verdict (很满意, 好评)."""
    if language == "zh":
        core = re.sub(r"[也都很挺太超真非常特别就还了的啊呀哦吧呢!！]", "", clause)
        return len(core) >= 4 and not _VERDICT_ZH.search(clause)
    words = re.findall(r"[a-z']+", clause.lower())
    return len(words) >= 3 and not _VERDICT_EN.search(clause)


def extract_aspects(text: str, language: str | None = None) -> list[AspectOpinion]:
    """Aspects mentioned in ``text`` with their polarity, in order of first mention."""
    from kefu.reviews.sentiment import _is_question

    lang = language if language in ("zh", "en") else guess_language(text)
    found: dict[Aspect, tuple[int, str]] = {}
    question = _is_question(text, lang)
    implied_terms = _IMPLIED_POLARITY_ZH if lang == "zh" else _IMPLIED_POLARITY_EN
    previous_clause: dict[Aspect, int] = {}
    for clause, turned in _clauses_with_turn(text):
        terms = _find_terms(clause, lang, text)
        if not terms and not question:
            carried = clause_polarity(clause, lang, wide=True)
            unsure = [a for a, pol in previous_clause.items() if pol == 0]
            if carried and unsure:
                for aspect in unsure:
                    # "After-sales won't deal with it, they just stall", "the sound is tinny
                    # and weak": an opinion-only clause speaks of the clause before it
                    found[aspect] = (1 if carried > 0 else -1, found[aspect][1])
            elif turned and carried and "quality" in found:
                # "It looks sleek, but it overheats": the verdict after the turn
                found["quality"] = (1 if carried > 0 else -1, clause)
            elif turned and carried and found and _names_product(clause, lang):
                # "包装很好，可惜坚果不新鲜", "fast shipping, but the speaker crackles": after a
                # turn, an opinion on a thing no aspect word names is the product's quality
                # (without the turn such a clause mostly goes on about the aspect before it)
                found["quality"] = (1 if carried > 0 else -1, clause)
        previous_clause = {}
        for aspect, term in terms:
            if question:
                # a question names what it asks about ("能发顺丰吗"); it holds no opinion
                if term not in implied_terms or aspect not in ("quality",):
                    found.setdefault(aspect, (0, clause))
                continue
            polarity = _polarity(clause, term, lang)
            previous_clause[aspect] = polarity
            previous = found.get(aspect)
            if previous is None or polarity != 0:
                found[aspect] = (polarity, clause)
    from kefu.reviews.sentiment import analyze_review_sentiment, neutral_cue

    overall = analyze_review_sentiment(text, lang)
    sign = {"positive": 1, "negative": -1}.get(overall.label, 0) if not question else 0
    if not found and sign:
        # An opinion with no named aspect is about the product itself ("很好用", "junk").
        found["quality"] = (sign, text)
    quality = found.get("quality")
    if (
        quality
        and "service" in found
        and len(found) == 2
        and any(_has(quality[1], t, lang) for t in _DEFECT_TERMS)
        and any(_has(quality[1], t, lang) for t in _SERVICE_STORY)
    ):
        # "坏了直接给换了新的", "When it broke, after-sales told me…": the defect sets the
        # scene of a service story; the opinion is about the service
        del found["quality"]
    if not question and neutral_cue(text, lang):
        # "还没开封，用了再说", "Still sealed, I'll review after using it": a thing named while
        # saying there is no verdict yet is a mention, not an aspect opinion
        found = {a: v for a, v in found.items() if v[0] != 0}
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
