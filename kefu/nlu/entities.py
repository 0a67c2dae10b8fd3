"""Entity extraction for customer-service messages in Chinese and English.

Everything here is rules, on purpose: the values feed tools that act on orders, so an
extractor must be predictable and testable, and no Chinese NER model ships in any package
we may use. Each rule proposes spans with a priority; overlapping spans are resolved by
priority, then length, so ``#W1234567`` is an order id and never a zip code.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from datetime import date, timedelta
from functools import lru_cache
from typing import Literal

from pydantic import BaseModel, Field

EntityType = Literal[
    "order_id",
    "item_id",
    "email",
    "phone",
    "zip_code",
    "person_name",
    "product",
    "option",
    "amount",
    "date",
    "payment_method",
    "quantity",
    "ordinal",
]


class Entity(BaseModel):
    """One mention found in a message; ``start``/``end`` index into the original text."""

    type: EntityType
    value: str = Field(description="Normalised value, e.g. '#W1234567', '2024-05-01', '12.50'.")
    start: int
    end: int
    raw: str = Field(description="The text exactly as written.")
    unit: str | None = Field(default=None, description="Currency for amounts (USD, CNY).")


_ORDER_ID = re.compile(r"(?<![A-Za-z0-9])#?\s?[Ww](\d{7})(?!\d)")
_ITEM_ID = re.compile(r"(?<![\d#A-Za-z])(\d{10})(?!\d)")
_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
_CN_MOBILE = re.compile(r"(?<![\d+])(?:\+?86[\s-]?)?(1[3-9]\d)[\s-]?(\d{4})[\s-]?(\d{4})(?!\d)")
_INTL_PHONE = re.compile(r"(?<![\w+])\+\d{1,3}[\s-]?\(?\d{1,4}\)?(?:[\s-]?\d{2,4}){2,4}(?!\d)")
_US_PHONE = re.compile(r"(?<![\d\w])(?:\(\d{3}\)\s?|\d{3}[-.\s])\d{3}[-.\s]\d{4}(?!\d)")
_US_ZIP = re.compile(r"(?<![\d#A-Za-z$¥.])(\d{5})(?:-(\d{4}))?(?![\d.])")
_CN_ZIP = re.compile(r"(?<![\d#A-Za-z$¥.])(\d{6})(?![\d.])")

_NUM = r"\d+(?:,\d{3})*(?:\.\d{1,2})?"
_AMOUNT_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(rf"(?:US\$|\$|USD\s?)\s?({_NUM})"), "USD"),
    (re.compile(rf"({_NUM})\s?(?:dollars?|bucks|usd|USD|美元|美金|刀)"), "USD"),
    (re.compile(rf"(?:¥|￥|RMB\s?|CNY\s?)\s?({_NUM})"), "CNY"),
    (re.compile(rf"({_NUM})\s?(?:元|块钱|块|rmb|RMB|CNY|yuan)"), "CNY"),
]

_CN_DIGITS = {
    "零": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
    "十": 10,
}
_EN_ORDINALS = {
    "first": 1,
    "1st": 1,
    "second": 2,
    "2nd": 2,
    "third": 3,
    "3rd": 3,
    "fourth": 4,
    "4th": 4,
    "fifth": 5,
    "5th": 5,
    "sixth": 6,
    "6th": 6,
    "last": -1,
}
_EN_NUMBERS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "a pair of": 2,
    "a couple of": 2,
}
_ORDINAL_EN = re.compile(
    r"\b(?:the\s+)?(first|second|third|fourth|fifth|sixth|last|1st|2nd|3rd|4th|5th|6th)\b"
    r"(?=\s+(?:one|item|order|product|thing|pair|shirt|\w+))?",
    re.IGNORECASE,
)
_ORDINAL_ZH = re.compile(
    r"第\s?([一二两三四五六七八九十\d]{1,3})\s?(?:个|件|单|项|条|款|双|笔)?|最后一(?:个|件|单|项)"
)
_QTY_EN = re.compile(
    r"\b(\d{1,3}|one|two|three|four|five|six|a pair of|a couple of)\s+"
    r"(pieces?|pcs|items?|units?|pairs?|of them|boxes|bottles?)\b"
    r"|\bx\s?(\d{1,3})\b|\bqty\s?:?\s?(\d{1,3})\b",
    re.IGNORECASE,
)
_QTY_ZH = re.compile(
    r"(?<![第\d])([一二两三四五六七八九十]|\d{1,3})\s?(个|件|双|条|台|瓶|盒|套|份|只|把)"
)

_PAYMENT = [
    ("credit_card", r"credit\s?card|visa|mastercard|amex|信用卡"),
    ("debit_card", r"debit\s?card|bank\s?card|借记卡|银行卡"),
    ("paypal", r"pay\s?pal|贝宝"),
    ("gift_card", r"gift\s?card|gift\s?certificate|礼品卡|购物卡"),
    ("alipay", r"ali\s?pay|支付宝"),
    ("wechat_pay", r"wechat\s?pay|微信支付"),
    ("apple_pay", r"apple\s?pay"),
    ("store_credit", r"store\s?credit|余额"),
]
_PAYMENT_RE = [(name, re.compile(rf"(?:{pat})", re.IGNORECASE)) for name, pat in _PAYMENT]

_NAME_EN = re.compile(
    r"\b(?:my name is|my name's|this is|i am|i'm|im|name:)\s+"
    r"([A-Z][a-z]+(?:[-'][A-Z]?[a-z]+)?(?:\s+[A-Z][a-z]+(?:[-'][A-Z]?[a-z]+)?){0,2})",
    re.IGNORECASE,
)
_NAME_ZH = re.compile(
    r"(?:我叫|我的名字是|我的名字叫|本人|我是|姓名[:：]?\s?)([\u4e00-\u9fff]{2,4})"
)
_NOT_NAME_START = set("想要来在要不的个这那们问说买能会就也还要给刚已")
_EN_NOT_NAMES = {
    "Looking",
    "Trying",
    "Not",
    "Just",
    "So",
    "Very",
    "Really",
    "Still",
    "Here",
    "Going",
    "Sorry",
    "Interested",
    "Calling",
    "Writing",
    "Waiting",
    "Happy",
    "Sure",
    "Good",
    "Fine",
    "The",
}

_WEEKDAYS_EN = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
_WEEKDAY_ZH = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6}
_DATE_ISO = re.compile(r"(?<!\d)(20\d{2})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?!\d)")
_DATE_MD_ZH = re.compile(r"(?<![\d年])(\d{1,2})月(\d{1,2})[日号]")
_MONTHS = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
]
_DATE_EN_MD = re.compile(
    r"\b(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+(\d{1,2})(?:st|nd|rd|th)?"
    r"(?:,?\s+(20\d{2}))?\b",
    re.IGNORECASE,
)
_RELATIVE_DAYS: dict[str, int] = {
    "today": 0,
    "tonight": 0,
    "tomorrow": 1,
    "yesterday": -1,
    "day before yesterday": -2,
    "day after tomorrow": 2,
    "今天": 0,
    "今日": 0,
    "今晚": 0,
    "明天": 1,
    "明日": 1,
    "昨天": -1,
    "昨日": -1,
    "前天": -2,
    "后天": 2,
    "大前天": -3,
}
_RELATIVE_WEEKS: dict[str, int] = {
    "last week": -1,
    "this week": 0,
    "next week": 1,
    "上周": -1,
    "上星期": -1,
    "上个星期": -1,
    "这周": 0,
    "本周": 0,
    "这个星期": 0,
    "下周": 1,
    "下星期": 1,
    "下个星期": 1,
}
_RELATIVE_RE = re.compile(
    "|".join(
        re.escape(k) for k in sorted([*_RELATIVE_DAYS, *_RELATIVE_WEEKS], key=len, reverse=True)
    ),
    re.IGNORECASE,
)
_WEEKDAY_EN_RE = re.compile(
    r"\b(last|next|this)?\s*(" + "|".join(_WEEKDAYS_EN) + r")\b", re.IGNORECASE
)
_WEEKDAY_ZH_RE = re.compile(r"(上|下|这|本)?(?:周|星期|礼拜)([一二三四五六日天])")

# Higher wins when spans overlap.
_PRIORITY: dict[str, int] = {
    "order_id": 100,
    "email": 95,
    "item_id": 90,
    "phone": 85,
    "amount": 80,
    "date": 75,
    "product": 70,
    "option": 65,
    "payment_method": 60,
    "person_name": 55,
    "zip_code": 50,
    "ordinal": 45,
    "quantity": 40,
}


def _cn_number(text: str) -> int:
    if text.isdigit():
        return int(text)
    if text == "十":
        return 10
    if text.startswith("十"):
        return 10 + _CN_DIGITS.get(text[1:], 0)
    if "十" in text:
        tens, _, ones = text.partition("十")
        return _CN_DIGITS.get(tens, 1) * 10 + (_CN_DIGITS.get(ones, 0) if ones else 0)
    return _CN_DIGITS.get(text, 0)


def _ent(
    kind: EntityType, value: str, m: re.Match[str], group: int = 0, unit: str | None = None
) -> Entity:
    return Entity(
        type=kind,
        value=value,
        start=m.start(group),
        end=m.end(group),
        raw=m.group(group),
        unit=unit,
    )


def _order_ids(text: str, patterns: Sequence[str]) -> Iterable[Entity]:
    for m in _ORDER_ID.finditer(text):
        yield _ent("order_id", f"#W{m.group(1)}", m)
    for pattern in patterns:
        for m in _compiled(pattern).finditer(text):
            group = "id" if "id" in m.re.groupindex else 0
            yield Entity(
                type="order_id", value=m.group(group), start=m.start(), end=m.end(), raw=m.group(0)
            )


@lru_cache(maxsize=64)
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


def _contacts(text: str) -> Iterable[Entity]:
    for m in _EMAIL.finditer(text):
        yield _ent("email", m.group(0).lower(), m)
    for m in _CN_MOBILE.finditer(text):
        yield _ent("phone", "".join(m.groups()), m)
    for m in _INTL_PHONE.finditer(text):
        yield _ent("phone", "+" + re.sub(r"\D", "", m.group(0)), m)
    for m in _US_PHONE.finditer(text):
        yield _ent("phone", re.sub(r"\D", "", m.group(0)), m)
    for m in _ITEM_ID.finditer(text):
        yield _ent("item_id", m.group(1), m, 1)
    for m in _US_ZIP.finditer(text):
        yield _ent("zip_code", m.group(0), m)
    for m in _CN_ZIP.finditer(text):
        yield _ent("zip_code", m.group(1), m, 1)


def _amounts(text: str) -> Iterable[Entity]:
    for pattern, currency in _AMOUNT_PATTERNS:
        for m in pattern.finditer(text):
            value = m.group(1).replace(",", "")
            yield _ent("amount", f"{float(value):.2f}", m, unit=currency)


def _dates(text: str, today: date) -> Iterable[Entity]:
    for m in _DATE_ISO.finditer(text):
        try:
            yield _ent("date", date(int(m[1]), int(m[2]), int(m[3])).isoformat(), m)
        except ValueError:
            continue
    for m in _DATE_MD_ZH.finditer(text):
        try:
            yield _ent("date", date(today.year, int(m[1]), int(m[2])).isoformat(), m)
        except ValueError:
            continue
    for m in _DATE_EN_MD.finditer(text):
        month = next(i for i, name in enumerate(_MONTHS, 1) if name.startswith(m[1].lower()[:3]))
        try:
            yield _ent("date", date(int(m[3] or today.year), month, int(m[2])).isoformat(), m)
        except ValueError:
            continue
    monday = today - timedelta(days=today.weekday())
    for m in _RELATIVE_RE.finditer(text):
        key = m.group(0).lower()
        if key in _RELATIVE_DAYS:
            yield _ent("date", (today + timedelta(days=_RELATIVE_DAYS[key])).isoformat(), m)
        else:
            yield _ent("date", (monday + timedelta(weeks=_RELATIVE_WEEKS[key])).isoformat(), m)
    for m in _WEEKDAY_EN_RE.finditer(text):
        shift = {"last": -1, "next": 1}.get((m[1] or "").lower(), 0)
        day = monday + timedelta(weeks=shift, days=_WEEKDAYS_EN.index(m[2].lower()))
        yield _ent("date", day.isoformat(), m)
    for m in _WEEKDAY_ZH_RE.finditer(text):
        shift = {"上": -1, "下": 1}.get(m[1] or "", 0)
        yield _ent("date", (monday + timedelta(weeks=shift, days=_WEEKDAY_ZH[m[2]])).isoformat(), m)


def _payment_methods(text: str) -> Iterable[Entity]:
    for name, pattern in _PAYMENT_RE:
        for m in pattern.finditer(text):
            yield _ent("payment_method", name, m)


def _names(text: str) -> Iterable[Entity]:
    for m in _NAME_EN.finditer(text):
        words = m.group(1).split()
        # Case-insensitive trigger, but the name itself must be capitalised as written.
        kept: list[str] = []
        for word in words:
            if not word[0].isupper() or word in _EN_NOT_NAMES:
                break
            kept.append(word)
        if kept:
            raw = " ".join(kept)
            start = m.start(1)
            yield Entity(type="person_name", value=raw, start=start, end=start + len(raw), raw=raw)
    for m in _NAME_ZH.finditer(text):
        candidate = m.group(1)
        if candidate[0] in _NOT_NAME_START:
            continue
        name = _trim_zh_name(candidate)
        if name:
            start = m.start(1)
            yield Entity(
                type="person_name", value=name, start=start, end=start + len(name), raw=name
            )


def _trim_zh_name(candidate: str) -> str | None:
    """Keep the part jieba tags as a person name (``nr``); None if it is not a name."""
    import jieba.posseg

    _ensure_jieba_words()
    pieces = list(jieba.posseg.cut(candidate))
    if pieces and pieces[0].flag == "nr":
        return str(pieces[0].word) if len(pieces[0].word) >= 2 else None
    if pieces and pieces[0].flag in {"nrfg", "nrt"} and len(pieces[0].word) >= 2:
        return str(pieces[0].word)
    return None


_SHOP_WORDS = (
    "退货",
    "换货",
    "退款",
    "订单号",
    "快递",
    "物流",
    "发票",
    "收货地址",
    "礼品卡",
    "信用卡",
    "优惠券",
    "客服",
    "人工客服",
    "运费",
    "包邮",
    "签收",
    "发货",
    "尺码",
    "颜色",
)


@lru_cache(maxsize=1)
def _ensure_jieba_words() -> None:
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    for word in _SHOP_WORDS:
        jieba.add_word(word)


def _quantities_and_ordinals(text: str) -> Iterable[Entity]:
    for m in _ORDINAL_EN.finditer(text):
        yield Entity(
            type="ordinal",
            value=str(_EN_ORDINALS[m.group(1).lower()]),
            start=m.start(),
            end=m.end(1),
            raw=text[m.start() : m.end(1)],
        )
    for m in _ORDINAL_ZH.finditer(text):
        value = -1 if m.group(0).startswith("最后") else _cn_number(m.group(1))
        if value:
            yield _ent("ordinal", str(value), m)
    for m in _QTY_EN.finditer(text):
        if m.group(1):
            word = m.group(1).lower()
            count = int(word) if word.isdigit() else _EN_NUMBERS[word]
        else:
            count = int(m.group(3) or m.group(4))
        yield _ent("quantity", str(count), m)
    for m in _QTY_ZH.finditer(text):
        count = _cn_number(m.group(1))
        if count:
            yield _ent("quantity", str(count), m)


def _catalogue(text: str, names: Sequence[str], kind: EntityType) -> Iterable[Entity]:
    lowered = text.lower()
    for name in sorted({n for n in names if n and n.strip()}, key=len, reverse=True):
        needle = name.lower()
        ascii_name = needle.isascii()
        start = lowered.find(needle)
        while start != -1:
            end = start + len(needle)
            # Latin names must stand as whole words ("red" is not inside "bored"); plural
            # "s"/"es" still matches so "t-shirts" finds "T-Shirt".
            before_ok = start == 0 or not lowered[start - 1].isalnum()
            tail = lowered[end:]
            plural = re.match(r"(?:es|s)(?![a-z0-9])", tail)
            after_ok = not tail or not tail[0].isalnum() or plural is not None
            if not ascii_name or (before_ok and after_ok):
                real_end = end + (
                    plural.end() if ascii_name and plural and tail[:1].isalnum() else 0
                )
                yield Entity(
                    type=kind, value=name, start=start, end=real_end, raw=text[start:real_end]
                )
            start = lowered.find(needle, start + 1)


def _resolve(candidates: Iterable[Entity]) -> list[Entity]:
    ranked = sorted(candidates, key=lambda e: (-_PRIORITY[e.type], -(e.end - e.start), e.start))
    taken: list[Entity] = []
    for ent in ranked:
        if all(ent.end <= t.start or ent.start >= t.end for t in taken):
            taken.append(ent)
    return sorted(taken, key=lambda e: e.start)


def extract_entities(
    text: str,
    *,
    known_products: Sequence[str] | None = None,
    known_options: Sequence[str] | None = None,
    order_id_patterns: Sequence[str] | None = None,
    today: date | None = None,
) -> list[Entity]:
    """Every entity in ``text``, in reading order, with no two spans overlapping.

    ``known_products``/``known_options`` are catalogue names and option values (from the
    store, or any list); ``order_id_patterns`` are extra regexes for a store's own order ids
    (a named group ``id`` selects the value); ``today`` anchors relative dates.
    """
    if not text:
        return []
    anchor = today or date.today()
    extractors: list[Callable[[], Iterable[Entity]]] = [
        lambda: _order_ids(text, order_id_patterns or ()),
        lambda: _contacts(text),
        lambda: _amounts(text),
        lambda: _dates(text, anchor),
        lambda: _payment_methods(text),
        lambda: _names(text),
        lambda: _quantities_and_ordinals(text),
        lambda: _catalogue(text, known_products or (), "product"),
        lambda: _catalogue(text, known_options or (), "option"),
    ]
    return _resolve(ent for extract in extractors for ent in extract())
