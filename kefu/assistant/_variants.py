"""Which variant a customer asks for when changing or exchanging an item.

Customers describe the variant they want in their own words: "the same one but with clicky
switches", "compatible with Google Home instead of Apple HomeKit", "8 hour battery", "15寸",
"黑色的", "no backlight", "a bigger one", "the cheapest one". This module reads those words
against one product's option values and picks an available variant, keeping every option the
customer did not mention. It never guesses past the message: a value is wanted only when the
text names it (exactly, by a distinctive word of it, or by a unit-normalised number).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from kefu.assistant._flows import option_values
from kefu.assistant._glossary import OPTION_VALUES_ZH, option_name_zh
from kefu.catalog._words import ZH_VALUES

_ZH_UNITS = (
    (re.compile(r"(\d+(?:\.\d+)?)\s*(?:英寸|寸)"), r" \1 inch "),
    (re.compile(r"(\d+(?:\.\d+)?)\s*(?:个)?小时"), r" \1 hour "),
    (re.compile(r"(\d+(?:\.\d+)?)\s*(?:升)"), r" \1 l "),
    (re.compile(r"(\d+(?:\.\d+)?)\s*(?:毫升)"), r" \1 ml "),
    (re.compile(r"(\d+(?:\.\d+)?)\s*(?:片|块)"), r" \1 piece "),
    (re.compile(r"(\d+(?:\.\d+)?)\s*(?:英尺)"), r" \1 ft "),
    (re.compile(r"(\d+(?:\.\d+)?)\s*(?:度)"), r" \1 degree "),
    (re.compile(r"(\d+(?:\.\d+)?)\s*(?:倍)"), r" \1x "),
    (re.compile(r"(\d+(?:\.\d+)?)\s*(?:杯)"), r" \1 cup "),
)
_UNITS = (
    (r"inch(?:es)?|in\b|\"|''", "inch"),
    (r"hours?|hrs?|h\b", "hour"),
    (r"lit(?:er|re)s?|l\b", "l"),
    (r"ml\b|milliliters?|millilitres?", "ml"),
    (r"(?:feet|foot|ft)\b", "ft"),
    (r"pieces?|pcs?\b|piece puzzle", "piece"),
    (r"degrees?", "degree"),
    (r"cups?", "cup"),
    (r"gb\b|g\b", "gb"),
    (r"tb\b", "tb"),
    (r"mah\b", "mah"),
    (r"mp\b|megapixels?", "mp"),
    (r"bar\b", "bar"),
    (r"lbs?\b|pounds?", "lbs"),
    (r"mm\b", "mm"),
    (r"w\b|watts?", "w"),
)
_NUMBER_UNIT = re.compile(r"(\d+(?:\.\d+)?)\s*-?\s*(" + "|".join(p for p, _ in _UNITS) + r")", re.I)
_SPELLING = {"gray": "grey", "colour": "color", "full-size": "full size", "fullsize": "full size"}


def _zh_readings() -> list[tuple[str, str]]:
    """Chinese option words and every English value they may stand for ("中号" is M for a
    shirt and medium for a pet bed), longest words first. The words the bot itself shows
    for option values ("全拉链" for zipper: full) come first, then the catalogue's list."""
    readings: dict[str, list[str]] = {}
    for en, zh in OPTION_VALUES_ZH.items():
        if len(zh) >= 2 and not zh.isascii():
            readings.setdefault(zh, []).append(en)
    for zh, values in ZH_VALUES.items():
        for value in [values] if isinstance(values, str) else list(values or ()):
            if value not in readings.setdefault(zh, []):
                readings[zh].append(value)
    return sorted(
        ((zh, " ".join(vals)) for zh, vals in readings.items() if vals), key=lambda kv: -len(kv[0])
    )


_ZH_WORDS = _zh_readings()


_EXCLUDE = re.compile(
    r"\b(?:instead of|rather than|not|no longer|other than|from|currently|now|have|had|got)\s+"
    r"(?:the\s+|a\s+|an\s+|my\s+)?$|不要|不是|而不是|原来的|现在的|之前的",
    re.I,
)
_WITHOUT = re.compile(r"\b(?:no|without|w/o|none)\s+(?:\w+\s+)?$|不要|没有|无", re.I)
CHEAPEST = re.compile(
    r"cheapest|least expensive|lowest price|cheaper|最便宜|便宜一点|便宜点|更便宜|最低价", re.I
)
_ROOMY = r"(?:capacity|storage|memory|ram|space|battery|pieces|zoom|resolution)"
BIGGER = re.compile(
    rf"\b(?:bigger|larger|longer)\b|\b(?:more|higher|larger|bigger) {_ROOMY}"
    r"|更大|大一点|大点|大一号|容量更大",
    re.I,
)
SMALLER = re.compile(
    rf"\b(?:smaller|shorter|lighter)\b|\b(?:less|lower|smaller) {_ROOMY}|更小|小一点|小点|小一号",
    re.I,
)
_BRIGHT_LEVELS = ("low", "medium", "high")
_GENERIC_VALUE_WORDS = {"with", "and", "the", "for", "type", "size", "color", "inch", "hour"}


def normalize(text: str) -> str:
    """Lower-case, Chinese option words and units in one English spelling ("15寸" → "15 inch")."""
    out = text
    for pattern, repl in _ZH_UNITS:
        out = pattern.sub(repl, out)
    for zh, en in _ZH_WORDS:
        if zh in out:
            out = out.replace(zh, f" {en} ")
    out = out.lower()
    for a, b in _SPELLING.items():
        out = out.replace(a, b)
    out = _NUMBER_UNIT.sub(lambda m: f" {m.group(1)} {_unit(m.group(2))} ", out)
    out = re.sub(r"(?<=[a-z0-9])-(?=[a-z0-9])", " ", out)
    return re.sub(r"\s+", " ", out)


def _unit(raw: str) -> str:
    for pattern, unit in _UNITS:
        if re.fullmatch(pattern, raw, re.I):
            return unit
    return raw.lower()


def _mention(value: str, text: str) -> tuple[int, int]:
    """(strength, position) of ``value`` in normalised ``text``: 2 whole value, 1 a telling word."""
    v = normalize(value).strip()
    if not v:
        return 0, -1
    m = re.search(rf"(?<![a-z0-9.]){re.escape(v)}(?![a-z0-9])", text)
    if m:
        return 2, m.start()
    words = [w for w in v.split() if len(w) > 3 and w not in _GENERIC_VALUE_WORDS]
    if len(v.split()) > 1 and words:
        for w in words:
            m = re.search(rf"(?<![a-z0-9]){re.escape(w)}(?![a-z0-9])", text)
            if m:
                return 1, m.start()
    return 0, -1


@dataclass
class Choice:
    """The outcome of reading a message against one product."""

    variant_id: str | None = None
    wanted: dict[str, str] = field(default_factory=dict)
    """Option values the message asks for (empty: it names none)."""
    closest: list[dict[str, Any]] = field(default_factory=list)
    """When nothing available has every wanted value: available variants with most of them."""


def wanted_values(text: str, item: dict[str, Any], product: dict[str, Any]) -> dict[str, str]:
    """The option values ``text`` asks for, against the item the customer has.

    A value named right after "instead of / not / from / 不要" is what they have or refuse,
    not what they want; "no backlight" / "without X" asks for the value "none"; the item's
    current value counts only when no other value of that option is named ("keep the
    leather strap").
    """
    norm = normalize(text)
    current = item.get("options", {})
    wanted: dict[str, str] = {}
    for key, values in option_values(product).items():
        scored: list[tuple[int, int, str]] = []
        for value in values:
            strength, pos = _mention(value, norm)
            if strength and not _EXCLUDE.search(norm[max(0, pos - 25) : pos]):
                scored.append((strength, len(value), value))
        key_word = normalize(key).split()[-1]
        if "none" in values or "no" in values:
            none_value = "none" if "none" in values else "no"
            names_zh = "|".join(re.escape(k) for k in {key, option_name_zh(key)} if k)
            if re.search(rf"\b(?:no|without|w/o)\s+(?:\w+\s+)?{re.escape(key_word)}", norm) or (
                re.search(
                    rf"(?:不要|没有|无|不带|去掉)(?:{names_zh})|(?:{names_zh})(?:也|就)?(?:不要|去掉)",
                    text,
                )
            ):
                scored.append((3, 0, none_value))
        if not scored:
            continue
        scored.sort(reverse=True)
        changed = [s for s in scored if s[2] != current.get(key)]
        if changed and changed[0][0] >= scored[0][0] - 1:
            wanted[key] = changed[0][2]
        else:
            wanted[key] = scored[0][2]
    return wanted


def _number(value: str) -> float | None:
    m = re.search(r"\d+(?:\.\d+)?", value)
    return float(m.group()) if m else None


def _comparative(
    text: str, item: dict[str, Any], product: dict[str, Any], candidates: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Variants one step bigger / smaller than the item on its numeric option ("a bigger one")."""
    up, down = bool(BIGGER.search(text)), bool(SMALLER.search(text))
    bright = re.search(r"bright|亮", text, re.I)
    if up == down and not bright:
        return candidates
    current = item.get("options", {})
    for key, values in option_values(product).items():
        now = current.get(key)
        if now is None:
            continue
        if bright and key == "brightness" and now in _BRIGHT_LEVELS:
            level = _BRIGHT_LEVELS.index(now)
            less = bool(re.search(r"less|dimmer|not as|暗", text, re.I))
            want = level - 1 if less else level + 1
            if 0 <= want < len(_BRIGHT_LEVELS):
                hits = [c for c in candidates if c["options"].get(key) == _BRIGHT_LEVELS[want]]
                return hits or candidates
            return []
        base = _number(now)
        numeric = [_number(v) for v in values]
        if base is None or any(n is None for n in numeric) or len(values) < 2:
            continue
        if key in ("pieces", "price"):
            continue
        ups = [c for c in candidates if (_number(c["options"].get(key, "")) or 0) > base]
        downs = [c for c in candidates if (_number(c["options"].get(key, "")) or 0) < base]
        pool = ups if up else downs
        if not pool:
            return []
        step = (min if up else max)(_number(c["options"][key]) or 0 for c in pool)
        return [c for c in pool if _number(c["options"][key]) == step]
    return candidates


_TAKES_IT = re.compile(
    r"^\s*(?:ok(?:ay)?|yes|yeah|yep|sure|fine|alright|that one|that'?s fine|sounds good|good|"
    r"行|好的?|可以|就这个|就它|那就这个|没问题|也行)(?:[\s,，.。!！~]|$)",
    re.I,
)


def _accepts(text: str) -> bool:
    """A short yes to an offered option, possibly followed by the next answer."""
    from kefu.assistant import _extract as ex

    return bool(_TAKES_IT.match(text)) and not ex.is_no(text)


def choose(
    text: str,
    item: dict[str, Any],
    product: dict[str, Any],
    prior: dict[str, str] | None = None,
    shown: list[str] | None = None,
) -> Choice:
    """The available variant ``text`` asks for instead of ``item`` (see the module docstring).

    ``prior`` holds the values asked for in earlier turns ("clicky", then "no backlight
    then"); the message's own values win over them. ``shown`` are the closest variants the
    customer was just offered: one of them that has every value the message names is the
    choice ("ok the 5mm pink one then"), whatever else differs from the item.
    """
    wanted = {**(prior or {}), **wanted_values(text, item, product)}
    current = item.get("options", {})
    variants = [
        v
        for v in product.get("variants", {}).values()
        if v.get("available") and v["item_id"] != item["item_id"]
    ]
    named = [v for v in variants if re.search(rf"(?<!\d){v['item_id']}(?!\d)", text)]
    if len(named) == 1:  # the variant's own id (a quick reply, or typed)
        return Choice(variant_id=str(named[0]["item_id"]), wanted=dict(named[0]["options"]))
    cheapest = bool(CHEAPEST.search(text))
    comparative = _comparative(text, item, product, variants)
    moved = comparative is not variants
    if not wanted and not cheapest and not moved:
        return Choice()
    pool = [v for v in comparative if all(v["options"].get(k) == w for k, w in wanted.items())]
    told = wanted_values(text, item, product)
    offered = [v for v in pool if str(v["item_id"]) in (shown or [])]
    if told and len(offered) == 1:
        return Choice(variant_id=str(offered[0]["item_id"]), wanted=wanted)
    if shown and len(shown) == 1 and not told and _accepts(text):
        # "行，差价用paypal" / "ok that one" to the one closest variant offered
        only = next((v for v in variants if str(v["item_id"]) == shown[0]), None)
        if only is not None:
            return Choice(variant_id=str(only["item_id"]), wanted=dict(only["options"]))
    if not pool:
        closest = sorted(
            variants,
            key=lambda v: (
                -sum(v["options"].get(k) == w for k, w in wanted.items()),
                Decimal(str(v.get("price", 0))),
            ),
        )[:3]
        return Choice(wanted=wanted, closest=closest)

    def kept(v: dict[str, Any]) -> int:
        return sum(
            1 for k, val in current.items() if k not in wanted and v["options"].get(k) == val
        )

    if cheapest:
        best = min(pool, key=lambda v: (Decimal(str(v.get("price", 0))), -kept(v)))
    else:
        best = max(pool, key=lambda v: (kept(v), -Decimal(str(v.get("price", 0)))))
    if not cheapest and not moved and best["options"] == current:
        return Choice(wanted=wanted)
    others = [k for k in current if k not in wanted]
    if moved:  # the option the comparative moved is not one to keep
        others = [k for k in others if any(v["options"].get(k) == current[k] for v in pool)]
    if not cheapest and kept(best) < len(others):
        # nothing keeps every option the customer did not mention: show, never pick silently
        ranked = sorted(pool, key=lambda v: (-kept(v), Decimal(str(v.get("price", 0)))))
        return Choice(wanted=wanted, closest=ranked[:4])
    return Choice(variant_id=str(best["item_id"]), wanted=wanted)


def _positions(text: str, name: str) -> list[int]:
    """Where a product is named: its English name, a telling word of it, or its Chinese name."""
    from kefu.assistant._glossary import ZH_PRODUCT_NAMES

    low = text.lower()
    found = [m.start() for m in re.finditer(re.escape(name.lower()), low)]
    if not found:
        last = name.lower().split()[-1]
        found = [m.start() for m in re.finditer(rf"(?<![a-z]){re.escape(last)}", low)]
    for word in ZH_PRODUCT_NAMES.get(name, ()):
        found += [m.start() for m in re.finditer(re.escape(word), text)]
    return sorted(found)


def segment(text: str, item: dict[str, Any], items: list[dict[str, Any]]) -> str:
    """The part of ``text`` about ``item`` when the message describes several items.

    "the keyboard with clicky switches, and the thermostat for Google Home": the words after
    an item's name, up to the next other item's name, describe that item. A message that
    names only one product (or none) is about all of it.
    """
    names = {str(i["name"]) for i in items}
    if len(names) < 2:
        return text
    marks = sorted((pos, str(i)) for i in names for pos in _positions(text, i))
    mine = [pos for pos, n in marks if n == item["name"]]
    if not mine or len({n for _, n in marks}) < 2:
        return text
    parts = []
    for start in mine:
        after = [pos for pos, n in marks if pos > start and n != item["name"]]
        parts.append(text[start : after[0] if after else len(text)])
    return " ".join(parts)
