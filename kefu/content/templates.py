"""No-model copy: zh/en templates filled only from :class:`ProductFacts` (true by construction)."""

from __future__ import annotations

from decimal import Decimal

from kefu.content import _vocab
from kefu.content.facts import ProductFacts

KINDS = ("description", "selling_points", "title", "marketing")


def _money(value: Decimal, lang: str) -> str:
    return f"¥{value:.2f}" if lang == "zh" else f"${value:.2f}"


def _value(value: str, lang: str) -> str:
    if lang != "zh":
        return value
    lowered = value.lower()
    return _vocab.ZH_FOR.get(lowered) or _vocab.VALUES_ZH.get(lowered) or value


def _key(key: str, lang: str) -> str:
    """Option name in ``lang``: Chinese stores already use Chinese keys; English ones are
    looked up in a small glossary (unknown keys stay as they are)."""
    return _vocab.OPTION_NAMES_ZH.get(key.lower(), key) if lang == "zh" else key


def _price_range(facts: ProductFacts, lang: str) -> str:
    low, high = _money(facts.price_min, lang), _money(facts.price_max, lang)
    if facts.price_min == facts.price_max:
        return low
    return f"{low} – {high}" if lang == "en" else f"{low}–{high}"


def _name(facts: ProductFacts, lang: str) -> str:
    return (facts.name_zh or facts.name) if lang == "zh" else facts.name


def _option_lines(facts: ProductFacts, lang: str, limit: int = 6) -> list[str]:
    lines = []
    for key, values in list(facts.options.items())[:limit]:
        shown = [_value(v, lang) for v in values]
        name = _key(key, lang)
        lines.append(
            f"{name}：{'、'.join(shown)}" if lang == "zh" else f"{name}: {', '.join(shown)}"
        )
    return lines


def render(facts: ProductFacts, lang: str, kind: str) -> str:
    """Copy of ``kind`` in ``lang`` ("zh" or "en") using nothing but the facts."""
    name, price = _name(facts, lang), _price_range(facts, lang)
    options = _option_lines(facts, lang)
    if kind == "title":
        first = next(iter(facts.options.items()), None)
        extra = ""
        if first and len(first[1]) > 1:
            extra = (
                f"（{len(first[1])}种{_key(first[0], lang)}可选）"
                if lang == "zh"
                else f" ({first[0]}: {len(first[1])} choices)"
            )
        return f"{name}{extra}"
    if kind == "selling_points":
        if lang == "zh":
            points = [f"• {line}" for line in options] + [
                f"• 价格：{price}",
                f"• 共{facts.variants}款可选",
            ]
        else:
            points = [f"• {line}" for line in options] + [
                f"• Price: {price}",
                f"• {facts.variants} variants to choose from",
            ]
        return "\n".join(points)
    if kind == "marketing":
        if lang == "zh":
            return f"{name}，{price}起，{facts.variants}款任你挑选。" + (
                f"{options[0]}。" if options else ""
            )
        return f"{name} from {_money(facts.price_min, lang)}, in {facts.variants} variants." + (
            f" {options[0]}." if options else ""
        )
    if lang == "zh":
        body = f"{name}" + (f"属于{facts.category}类，" if facts.category else "，")
        body += f"共有{facts.variants}款，价格{price}。"
        body += "".join(f"{line}。" for line in options)
        return body
    body = f"{name}" + (f" ({facts.category})" if facts.category else "")
    body += f" comes in {facts.variants} variants priced {price}."
    body += "".join(f" {line}." for line in options)
    return body
