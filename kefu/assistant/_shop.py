"""The shopping responder: catalogue questions from anonymous shoppers, with follow-ups.

Answers the exact question (a named variant: in stock or not, and its price; nothing fits:
say so and show the closest, cheapest first), browses categories, compares two shown
products or variants and remembers what was shown (``DialogueState.shown``) so "that one",
"那个", "cheaper?" and "what about in silver?" refer to it. Never asks who the customer is.
"""

from __future__ import annotations

import re
from typing import Any

from kefu.assistant._reply import Card
from kefu.catalog import Catalog, Offer, Query, money

ORDER_WORDS = re.compile(
    r"\border|\bmy\b|i bought|\breturn|refund|cancel|exchang|deliver|track|订单|我的|我买|退|"
    r"取消|换货|物流|快递|发货|账户|account|swap|replace|"
    r"send\b.*\bback|\bi got\b|i received|收到|换成|换个|改成",
    re.I,
)
FOLLOW = re.compile(
    r"\bit\b|\bthat\b|\bthis\b|\bthose\b|\bthem\b|\bone\b|\bones\b|what about|how about|"
    r"那个|这个|它|这两|那两|这款|那款|哪个|哪款|呢|这些",
    re.I,
)
COMPARE = re.compile(
    r"compare|which (?:one |is )?(?:is )?(?:cheaper|better|less)|difference|\bvs\.?\b|versus|"
    r"比较|对比|哪个|哪款|区别|不同|差别",
    re.I,
)
CHEAPER = re.compile(
    r"cheaper|less expensive|lower price|更便宜|便宜点|便宜一些|便宜些|便宜的", re.I
)
PRICE_Q = re.compile(r"how much|price|cost|多少钱|价格|价钱|几块|什么价|多少", re.I)
SHOP_CUES = re.compile(
    r"do you (?:have|sell|carry)|you (?:have|sell)|looking for|recommend|suggest|gift|"
    r"in stock|available|show me|any |有没有|有卖|卖不卖|推荐|礼物|送|想买|看看|有哪些|哪些|有货",
    re.I,
)
MAX_SHOWN = 5


def _one_per_product(offers: list[Offer]) -> list[Offer]:
    seen: set[str] = set()
    out = []
    for o in offers:
        if o.product_id not in seen:
            seen.add(o.product_id)
            out.append(o)
    return out


def _line(offers: list[Offer], lang: str) -> str:
    sep = "；" if lang == "zh" else "; "
    return sep.join(
        f"{o.describe(lang)} {money(o.price, o.currency)}"
        + ("" if o.available else (" (缺货)" if lang == "zh" else " (out of stock)"))
        for o in offers
    )


def _show(turn: Any, offers: list[Offer]) -> None:
    turn.state.shown = [o.variant_id for o in offers[:MAX_SHOWN]]
    for o in offers[:MAX_SHOWN]:
        turn.cards.append(Card(type="product", data=o.card(turn.lang)))


def _type_name(offers: list[Offer], lang: str) -> str:
    return offers[0].title(lang) if offers else ("商品" if lang == "zh" else "products")


def _limit(q: Query, lang: str, currency: str) -> str:
    if q.max_price is not None and q.min_price is not None:
        return (
            f"在{money(q.min_price, currency)}到{money(q.max_price, currency)}之间"
            if lang == "zh"
            else f"between {money(q.min_price, currency)} and {money(q.max_price, currency)}"
        )
    if q.max_price is not None:
        return (
            f"{money(q.max_price, currency)}以内"
            if lang == "zh"
            else f"under {money(q.max_price, currency)}"
        )
    if q.min_price is not None:
        return (
            f"{money(q.min_price, currency)}以上"
            if lang == "zh"
            else f"over {money(q.min_price, currency)}"
        )
    return ""


def answer(turn: Any) -> bool:
    """Answer a shopping message; False when it is not one (then the engine goes on)."""
    text, lang, state = turn.u.text, turn.lang, turn.state
    if turn.u.order_ids or (ORDER_WORDS.search(text) and turn.u.flow):
        return False
    if re.search(r"warrant|guarantee|保修|质保|policy|政策|运费|shipping|ship to", text, re.I):
        return False
    cat = Catalog(turn.session)
    q = cat.parse(text)
    shown = [o for o in (cat.by_variant(v) for v in state.shown) if o is not None]
    priced = q.min_price is not None or q.max_price is not None
    refers = (
        bool(shown)
        and not q.types
        and q.category is None
        and bool(
            FOLLOW.search(text)
            or q.values
            or CHEAPER.search(text)
            or PRICE_Q.search(text)
            or COMPARE.search(text)
            or priced
        )
    )
    if refers:
        return _follow_up(turn, cat, q, shown)
    gift = re.search(r"gift|present|recommend|suggest|礼物|送给|推荐", text, re.I)
    if not (q.types or q.category or (priced and (SHOP_CUES.search(text) or gift))):
        return False
    if ORDER_WORDS.search(text) and not SHOP_CUES.search(text):
        return False
    if COMPARE.search(text) and q.types and len(q.values) >= 2:
        pool = cat.offers([p for p in cat.products if p.id in q.types])
        return _compare_values(turn, pool, q.values)
    if COMPARE.search(text) and len(q.types) >= 2:
        a = cat.search(Query(types=[q.types[0]], values=q.values))[0][:1]
        b = cat.search(Query(types=[q.types[1]], values=q.values))[0][:1]
        return _compare(turn, a + b)
    offers, exact = cat.search(q)
    if not offers:
        return False
    cur = offers[0].currency
    if q.category and not q.types and not q.values and not priced:
        rows = _one_per_product(sorted(offers, key=lambda o: (not o.available, o.price)))[:8]
        turn.add(
            f"我们的这类商品有：{_line(rows, lang)}。想看哪一款？"
            if lang == "zh"
            else f"In that category we have: {_line(rows, lang)}. Which one would you like to see?"
        )
        _show(turn, rows)
        return True
    if exact and q.values and q.types:
        best = [o for o in offers if o.score >= len(q.values)]
        top = best[0]
        if len(_one_per_product(best)) == 1 and (len(best) == 1 or _all_named(best, q)):
            if top.available:
                turn.add(
                    f"有的：{top.describe(lang)} 有货，价格 {money(top.price, cur)}。"
                    if lang == "zh"
                    else f"Yes: {top.describe(lang)} is in stock at {money(top.price, cur)}."
                )
            else:
                alt = [o for o in best if o.available]
                more = (
                    (
                        f"可选的有：{_line(alt[:3], lang)}。"
                        if lang == "zh"
                        else f" Available instead: {_line(alt[:3], lang)}."
                    )
                    if alt
                    else ""
                )
                turn.add(
                    (
                        f"{top.describe(lang)} 目前缺货（{money(top.price, cur)}）。"
                        if lang == "zh"
                        else f"Sorry, {top.describe(lang)} ({money(top.price, cur)}) "
                        "is out of stock."
                    )
                    + more
                )
            _show(turn, [top, *[o for o in best if o is not top][:2]])
            return True
    if not exact:
        limit = _limit(q, lang, cur)
        rows = _one_per_product(offers)[:3] if not q.types or len(q.types) > 1 else offers[:3]
        what = _type_name(offers, lang) if q.types else ("商品" if lang == "zh" else "products")
        wanted = " ".join(q.values)
        turn.add(
            f"抱歉，没有符合条件（{limit or wanted}）的{what}。"
            f"最接近的（从便宜到贵）：{_line(rows, lang)}。"
            if lang == "zh"
            else f"Sorry, we have no {what} {limit or 'in ' + wanted}. "
            f"The closest, cheapest first: {_line(rows, lang)}."
        )
        _show(turn, rows)
        return True
    rows = offers if q.values else sorted(offers, key=lambda o: (not o.available, o.price))
    rows = _one_per_product(rows)[:3] if not q.types or len(q.types) > 1 else rows[:3]
    limit = _limit(q, lang, cur)
    turn.add(
        f"为您找到{limit}：{_line(rows, lang)}。"
        if lang == "zh"
        else f"Here is what fits{(' ' + limit) if limit else ''}: {_line(rows, lang)}."
    )
    _show(turn, rows)
    return True


def _all_named(best: list[Offer], q: Query) -> bool:
    return all(o.options == best[0].options for o in best)


def _compare(turn: Any, pair: list[Offer]) -> bool:
    lang = turn.lang
    if len(pair) < 2:
        return False
    a, b = pair[0], pair[1]
    cheap, dear = (a, b) if a.price <= b.price else (b, a)
    diff = [k for k in set(a.options) | set(b.options) if a.options.get(k) != b.options.get(k)]
    diffs = ", ".join(f"{k}: {a.options.get(k, '-')} / {b.options.get(k, '-')}" for k in diff)
    cur = cheap.currency
    turn.add(
        (
            f"{cheap.describe(lang)} 更便宜：{money(cheap.price, cur)}，{dear.describe(lang)} 是 "
            f"{money(dear.price, cur)}（差 {money(dear.price - cheap.price, cur)}）。"
            + (f"不同之处：{diffs}。" if diffs and a.product_id == b.product_id else "")
        )
        if lang == "zh"
        else (
            f"{cheap.describe(lang)} is cheaper at {money(cheap.price, cur)}; "
            f"{dear.describe(lang)} "
            f"costs {money(dear.price, cur)} ({money(dear.price - cheap.price, cur)} more)."
            + (f" They differ in {diffs}." if diffs and a.product_id == b.product_id else "")
        )
    )
    _show(turn, [a, b])
    return True


def _compare_values(turn: Any, pool: list[Offer], values: list[str]) -> bool:
    picks = []
    for v in values[:2]:
        cands = sorted(
            (o for o in pool if v in {str(x).lower() for x in o.options.values()}),
            key=lambda o: (not o.available, o.price),
        )
        if cands:
            picks.append(cands[0])
    return _compare(turn, picks)


def _follow_up(turn: Any, cat: Catalog, q: Query, shown: list[Offer]) -> bool:
    text, lang = turn.u.text, turn.lang
    products = [p for p in cat.products if p.id in {o.product_id for o in shown}]
    pool = cat.offers(products)
    if COMPARE.search(text):
        if len(q.values) >= 2:
            return _compare_values(turn, pool, q.values)
        if len(shown) >= 2:
            return _compare(turn, shown[:2])
    if CHEAPER.search(text):
        floor = min(o.price for o in shown)
        same = cat.offers([p for p in cat.products if p.id in {o.product_id for o in shown}])
        cheaper = sorted(
            (o for o in same if o.price < floor and o.available), key=lambda o: o.price
        )
        if not cheaper:
            first = shown[0]
            turn.add(
                f"{first.describe(lang)}（{money(first.price, first.currency)}）已经是最便宜的了。"
                if lang == "zh"
                else f"{first.describe(lang)} at {money(first.price, first.currency)} "
                "is already the cheapest one."
            )
            _show(turn, [first])
            return True
        rows = cheaper[:3]
        turn.add(
            f"更便宜的有：{_line(rows, lang)}。"
            if lang == "zh"
            else f"Cheaper options: {_line(rows, lang)}."
        )
        _show(turn, rows)
        return True
    if q.values:
        vals = [v for v in q.values]
        keep = [
            o for o in pool if all(v in {str(x).lower() for x in o.options.values()} for v in vals)
        ]
        if not keep:  # "the black one" among those shown, or nothing in that option
            turn.add(
                f"抱歉，没有{' '.join(vals)}的款式。"
                if lang == "zh"
                else f"Sorry, that is not available in {' '.join(vals)}."
            )
            return True
        # the shown variant's other options are kept where possible
        base = shown[0].options
        keep.sort(
            key=lambda o: (
                -sum(
                    1
                    for k, v in base.items()
                    if o.options.get(k) == v and str(v).lower() not in vals
                ),
                not o.available,
                o.price,
            )
        )
        top = keep[0]
        cur = top.currency
        if top.available:
            turn.add(
                f"有的：{top.describe(lang)} 有货，{money(top.price, cur)}。"
                if lang == "zh"
                else f"Yes: {top.describe(lang)} is in stock at {money(top.price, cur)}."
            )
        else:
            turn.add(
                f"{top.describe(lang)}（{money(top.price, cur)}）目前缺货。"
                if lang == "zh"
                else f"{top.describe(lang)} ({money(top.price, cur)}) is out of stock right now."
            )
        _show(turn, [top] + [o for o in keep[1:3]])
        return True
    if q.max_price is not None or q.min_price is not None:
        offers, exact = cat.search(q, within=pool)
        rows = offers[:3]
        turn.add(
            (
                f"符合的有：{_line(rows, lang)}。"
                if exact
                else f"没有符合的，最接近的：{_line(rows, lang)}。"
            )
            if lang == "zh"
            else (
                f"These fit: {_line(rows, lang)}."
                if exact
                else f"None fits; the closest, cheapest first: {_line(rows, lang)}."
            )
        )
        _show(turn, rows)
        return True
    many = bool(re.search(r"这两|那两|both|them|those|these|这些", text, re.I))
    rows = shown[:2] if many else shown[:1]
    turn.add(f"{_line(rows, lang)}。" if lang == "zh" else f"{_line(rows, lang)}.")
    _show(turn, rows)
    return True
