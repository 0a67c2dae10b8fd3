"""How a request's slots are read from a message, and how its records are worded.

The requests themselves are in :mod:`kefu.assistant.flows`, one module each. Slots are
filled from exact identifiers, ordinals and catalogue option values found in the message;
the action shown for confirmation is built only from the tool's own records (order,
products, payment methods), never from free text.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from kefu.assistant import _extract as ex
from kefu.assistant._glossary import english_names


def same_request(a: str, b: str) -> bool:
    """Whether two flow names are one request: an exchange and an item change are told apart
    only by the order's status ("exchange it for an L" on a pending order is the item change
    already proposed)."""
    return a == b or {a, b} <= {"exchange_items", "change_items"}


DEFAULT_ADDRESS_WORDS = re.compile(
    r"\b(default|profile|account|user) address\b"
    r"|\b(?:update|change|fix) (?:my )?(?:account|profile)\b"
    r"|\baddress on (?:my )?(?:account|profile|file)\b|默认地址|账户地址|个人地址|账户上的地址",
    re.I,
)

CHANGE_WORDS = re.compile(r"\b(change|update|modify|set|new)\b|改|换|更新|更换|设置", re.I)

# the default address named as where something should go: "ship it to my profile address",
# "use the address on my account", 改寄到我账户里的默认地址, 改成默认地址
_TO_DEFAULT = re.compile(
    r"\b(?:to|into|with|use|as|on|at)\s+(?:my|the)?\s*$"
    r"|(?:改成|改为|换成|用|到|往)[^，。,.!?？！\s]{0,10}$",
    re.I,
)


def changes_default_address(text: str) -> bool:
    """Whether an address request names the account's default address as what changes
    ("update my default address", 修改账户的默认地址), not as where the order should go
    ("change the order's address to my default address": the order changes)."""
    default = DEFAULT_ADDRESS_WORDS.search(text)
    if default is None or not CHANGE_WORDS.search(text):
        return False
    before = text[max(0, default.start() - 12) : default.start()]
    return not _TO_DEFAULT.search(before)

SOURCE_WORDS: dict[str, tuple[str, ...]] = {
    "gift_card": ("gift card", "giftcard", "礼品卡", "购物卡"),
    "paypal": ("paypal", "贝宝"),
    "credit_card": ("credit card", "信用卡", "visa", "mastercard", "amex", "discover", "卡"),
}
ORIGINAL_WORDS = (
    "original",
    "same card",
    "same method",
    "原支付",
    "原来的",
    "原路",
    "原付款",
    "原方式",
)

SOURCE_ZH = {"gift_card": "礼品卡", "paypal": "PayPal", "credit_card": "信用卡"}


def money(value: Any) -> str:
    """'$12.30' from a number."""
    return f"${Decimal(str(value)).quantize(Decimal('0.01'))}"


def describe_method(method: dict[str, Any], lang: str) -> str:
    """A payment method as the customer recognises it (with its id for the exact record)."""
    source = str(method.get("source", ""))
    if lang == "zh":
        name = SOURCE_ZH.get(source, source)
        if method.get("last_four"):
            name += f" {method.get('brand', '')} 尾号{method['last_four']}"
        if method.get("balance") is not None:
            name += f"（余额 {money(method['balance'])}）"
    else:
        name = source.replace("_", " ")
        if method.get("last_four"):
            name = f"{method.get('brand', '')} {name} ending {method['last_four']}".strip()
        if method.get("balance") is not None:
            name += f" (balance {money(method['balance'])})"
    return f"{name} [{method['id']}]"


def original_method_id(order: dict[str, Any]) -> str | None:
    """The payment method the order was paid with."""
    for txn in order.get("payment_history", []):
        if txn.get("transaction_type") == "payment":
            return str(txn["payment_method_id"])
    return None


def match_payment(
    text: str, methods: list[dict[str, Any]], order: dict[str, Any] | None
) -> list[str]:
    """Payment method ids the message names (by id, last four, kind, or 'original').

    What follows "instead of / rather than / not / from" is the method being replaced, so
    it does not count ("my credit card instead of paypal")."""
    text = re.sub(
        r"\b(?:instead of|rather than|not|from|no longer|other than)\s+(?:my\s+|the\s+)?"
        r"[\w-]+(?:\s+card)?|不用|不要用|而不是|别用",
        " ",
        text,
        flags=re.I,
    )
    low = text.lower()
    ids = [m["id"] for m in methods if m["id"].lower() in low]
    if ids:
        return ids
    four = [
        m["id"]
        for m in methods
        if m.get("last_four") and re.search(rf"(?<!\d){m['last_four']}(?!\d)", text)
    ]
    if four:
        return four
    if order is not None and any(w in low for w in ORIGINAL_WORDS):
        original = original_method_id(order)
        return [original] if original else []
    for source, words in SOURCE_WORDS.items():
        hits = [w for w in words if w in low]
        if not hits:
            continue
        if (
            source == "credit_card"
            and hits == ["卡"]
            and any(w in low for w in SOURCE_WORDS["gift_card"])
        ):
            continue
        found = [m["id"] for m in methods if m.get("source") == source]
        brand = [m["id"] for m in methods if m.get("brand") and str(m["brand"]).lower() in low]
        return brand or found
    return []


ZH_STATUS = {
    "pending": "待发货",
    "processed": "已发货",
    "delivered": "已送达",
    "cancelled": "已取消",
    "return requested": "退货申请中",
    "exchange requested": "换货申请中",
}


def status_label(status: str, lang: str) -> str:
    """An order status in the customer's language."""
    return ZH_STATUS.get(status, status) if lang == "zh" else status


def product_name(name: str, lang: str) -> str:
    """A catalogue product name in the customer's language (the glossary's Chinese name)."""
    if lang != "zh":
        return name
    from kefu.assistant._glossary import chinese_name

    return chinese_name(name) or name


def _value(value: Any, lang: str, name: str = "") -> str:
    if lang != "zh":
        return str(value)
    from kefu.assistant._glossary import option_value_zh

    return option_value_zh(str(value), name)


def _option(name: str, lang: str) -> str:
    if lang != "zh":
        return name
    from kefu.assistant._glossary import option_name_zh

    return option_name_zh(name)


def options_text(options: dict[str, Any], lang: str = "en") -> str:
    """'color: blue, size: M' (颜色：蓝色，尺码：M in Chinese)."""
    if lang == "zh":
        return "，".join(f"{_option(k, lang)}：{_value(v, lang, k)}" for k, v in options.items())
    return ", ".join(f"{k}: {v}" for k, v in options.items())


def item_label(item: dict[str, Any], lang: str = "en") -> str:
    """'T-Shirt (color: blue, size: M)'; in Chinese 'T恤（颜色：蓝色，尺码：M）'."""
    opts = options_text(item.get("options", {}), lang)
    name = product_name(str(item["name"]), lang)
    if not opts:
        return name
    return f"{name}（{opts}）" if lang == "zh" else f"{name} ({opts})"


def variant_label(variant: dict[str, Any], lang: str = "en") -> str:
    """A variant by its options and price, for choosing between close alternatives."""
    opts = options_text(variant.get("options", {}), lang)
    return f"{opts} {money(variant.get('price', 0))} [{variant['item_id']}]"


GENERIC_NAME_WORDS = {
    "set",
    "smart",
    "electric",
    "portable",
    "digital",
    "wireless",
    "indoor",
    "security",
    "light",
    "water",
    "office",
    "running",
    "action",
    "mechanical",
    "gaming",
    "garden",
}
"""Words of product names too common to name a product on their own ("light blue")."""


def _name_score(name: str, low: str, zh_names: set[str]) -> int:
    """How clearly ``low`` names the product: 3 whole name, 2 its Chinese name, 1 a telling word."""
    if re.search(rf"(?<![a-z]){re.escape(name.lower())}(?:e?s)?(?![a-z])", low):
        return 3
    if name in zh_names:
        return 2
    words = [w for w in re.findall(r"[a-z][a-z-]+", name.lower()) if w not in GENERIC_NAME_WORDS]
    hit = any(re.search(rf"(?<![a-z]){re.escape(w)}(?:e?s)?(?![a-z])", low) for w in words)
    return 1 if hit else 0


def naming_strength(text: str, items: list[dict[str, Any]]) -> tuple[int, int]:
    """How well the text names something in ``items``: (best match, distinct products named)."""
    low, readings = text.lower(), set(english_names(text))
    scores = {str(i["name"]): _name_score(str(i["name"]), low, readings) for i in items}
    return max(scores.values(), default=0), sum(1 for v in scores.values() if v)


def names_mentioned(text: str, items: list[dict[str, Any]]) -> set[str]:
    """The distinct product names of ``items`` the text names at all (any strength)."""
    low, readings = text.lower(), set(english_names(text))
    return {str(i["name"]) for i in items if _name_score(str(i["name"]), low, readings)}


def named_items(text: str, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The items the message names by product (English name, a telling word of it, or Chinese)."""
    low, readings = text.lower(), english_names(text)
    scored = [(_name_score(str(i["name"]), low, set(readings)), i) for i in items]
    best = max((score for score, _ in scored), default=0)
    found = [i for score, i in scored if best and score == best]
    if best == 2:  # a generic Chinese word (耳机): its most usual reading among these items
        chosen = _first_reading_per_word(text, {str(i["name"]) for i in found})
        found = [i for i in found if i["name"] in chosen]
    if not best:
        return found
    # the words of the clearest names taken out, the rest may still name other items less
    # clearly ("the cycling helmet and the earbuds": the helmet by name, the earbuds by a word)
    rest = text
    for name in {str(i["name"]) for i in found}:
        for start, end in sorted(_spans(rest, name), reverse=True):
            rest = rest[:start] + " " * (end - start) + rest[end:]
    others = [i for i in items if i["name"] not in {f["name"] for f in found}]
    more = named_items(rest, others) if others and rest != text else []
    return found + more


def _first_reading_per_word(text: str, names: set[str]) -> set[str]:
    """For each Chinese product word in the text, its first reading among ``names`` ("T恤和
    背包" keeps both; a generic 耳机 keeps only its usual reading)."""
    from kefu.assistant._glossary import ZH_PRODUCT_NAMES

    chosen: set[str] = set()
    words = {w for n in names for w in ZH_PRODUCT_NAMES.get(n, ()) if w in text}
    for word in sorted(words, key=len, reverse=True):
        if any(word in longer for longer in words if longer != word and longer in text):
            continue  # 耳机 inside 头戴式耳机
        readings = [n for n in english_names(word) if n in names]
        if readings:
            chosen.add(readings[0])
    return chosen or names


def by_options(text: str, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The items whose option values the message mentions most (none mentioned: empty)."""
    from kefu.assistant._variants import normalize

    low = f"{text.lower()} {normalize(text)}"  # 黑色的 names "black"
    counts = [
        (sum(_mentioned(str(v), low) for v in i.get("options", {}).values()), i) for i in items
    ]
    best = max((n for n, _ in counts), default=0)
    return [i for n, i in counts if best and n == best]


def ambiguous_same_product(text: str, items: list[dict[str, Any]]) -> bool:
    """Several items of one product chosen by its name alone ("the vacuum" of two vacuums)."""
    names = {str(i["name"]) for i in items}
    if len(items) < 2 or len(names) != 1 or ex.means_all(text):
        return False
    last = next(iter(names)).lower().split()[-1]
    return not re.search(rf"\b{re.escape(last)}e?s\b", text.lower())  # plural names them all


ORDER_CONTEXT = re.compile(
    r"\b(?:(?:i\s+)?(?:received|got|bought|ordered|came|arrived|shipped)\s+(?:\w+\s+)?"
    r"(?:with|along with|together with)|in the same order as|from the order with)\b"
    r"|和.{1,12}一起(?:买|收到|到|寄)|跟.{1,12}一起(?:买|收到|到|寄)|同一个订单",
    re.I,
)
"""Words after which a named product only says which order is meant."""
ORDER_DESCRIPTOR = re.compile(
    r"\b(?:from|in|of)?\s*(?:the|my)?\s*order (?:with|that has|containing) [^,.;]*"
    r"|\b(?:the\s+)?other\s+(?:one|order),?\s+(?:with|that has)\s+[^,.;]*"
    r"|\bthe (?:other )?order,?\s+the one (?:with|that has)\s+[^,.;]*"
    r"|\b(?:the|my)\s+(?:(?!(?:from|in|of|on|for|to|and|with)\b)[\w-]+\s+){1,3}order\b"
    r"|[\u4e00-\u9fffA-Za-z\s]{1,10}(?:那单|那个订单|的订单|的单子|那个单子|那笔订单)",
    re.I,
)
"""'the order with the hiking boots', 'my laptop order', '烧烤炉那单': a product named only to
say which order is meant (in 'everything from the order with the boots except the e-reader'
the boots are returned with the rest)."""


_NEGATED_BEFORE = re.compile(
    r"(?:\bnot|\bno|don'?t|without|except|\bkeep|\bleave|除了|不要|不用|别|不|留着)\s*(?:the\s+|my\s+)?$",
    re.I,
)
_NEGATED_AFTER = re.compile(
    r"^\s*(?:还是|就|也|先|都|暂时)?(?:不退|不换|不要|不用|不改|别退|别换|算了)|^\s*(?:就不|先不|也不)"
)
ADD_WORDS = re.compile(
    r"\b(?:also|too|as well|plus|add)\b|还有|也要|也退|也换|加上|再加|换成退|改成退", re.I
)


def _spans(text: str, name: str) -> list[tuple[int, int]]:
    """Where the text names a product: its English name, its last word, or a Chinese word."""
    from kefu.assistant._glossary import ZH_PRODUCT_NAMES

    low = text.lower()
    words = [name.lower(), name.lower().split()[-1], *ZH_PRODUCT_NAMES.get(name, ())]
    spans: list[tuple[int, int]] = []
    for word in words:
        for m in re.finditer(rf"(?<![a-z]){re.escape(word.lower())}", low):
            if not any(s <= m.start() < e for s, e in spans):
                spans.append((m.start(), m.end()))
    return spans


def _negated_names(text: str, names: set[str]) -> set[str]:
    """The names in ``text`` that are only ever mentioned negated ("keep the X", "不退X")."""
    out = set()
    for name in names:
        spans = _spans(text, name)
        if spans and all(
            _NEGATED_BEFORE.search(text[max(0, a - 12) : a])
            or _NEGATED_AFTER.match(text[b : b + 8])
            for a, b in spans
        ):
            out.add(name)
    return out


_KEEP_BEFORE = re.compile(
    r"(?:\bkeep(?:ing)?|\bleave|\bexcept|\bbut not|\bnot|除了|留着|保留|不退|不换)"
    r"\s*(?:the\s+|my\s+)?$",
    re.I,
)


def _kept_names(text: str, names: set[str]) -> set[str]:
    """The names said to be kept at least once ("but keep the bookshelf", 除了书架), when some
    other name never is; empty otherwise."""
    kept = {
        name
        for name in names
        if any(
            _KEEP_BEFORE.search(text[max(0, a - 14) : a])
            or _NEGATED_AFTER.match(text[b : b + 8])
            or re.match(r"^\S{0,4}\s*(?:留着|不退|不换|不用退|就不退)", text[b : b + 10])
            for a, b in _spans(text, name)
        )
    }
    return kept if kept and names - kept else set()


def edit_items(
    text: str, items: list[dict[str, Any]], current: list[str], *, allow_add: bool = True
) -> list[str] | None:
    """The request's item list after a correction ("背包不退了，换成退哑铃", "only the lamp",
    "not the bottle", "and the earbuds too"); None when the message edits nothing."""
    names = sorted({str(i["name"]) for i in items})
    positive: set[str] = set()
    negative: set[str] = set()
    for name in names:
        for start, end in _spans(text, name):
            before, after = text[max(0, start - 12) : start], text[end : end + 8]
            if _NEGATED_BEFORE.search(before) or _NEGATED_AFTER.match(after):
                negative.add(name)
            else:
                positive.add(name)
    if not positive:
        # "只换水壶" with 电热水壶 in the request: a short word for an item already asked for
        from kefu.assistant._glossary import ZH_PRODUCT_NAMES

        asked = {str(i["name"]) for i in items if i["item_id"] in current} - negative
        for name in asked:
            tails = {zh[-2:] for zh in ZH_PRODUCT_NAMES.get(name, ()) if len(zh) >= 3}
            if any(tail in text for tail in tails):
                positive.add(name)
    positive -= negative
    by_name = {n: [i["item_id"] for i in items if i["name"] == n] for n in names}
    if not positive and not negative:
        return _edit_by_options(text, items, current)
    kept = [i for i in current if not any(i in by_name[n] for n in negative)]
    if positive and ex.ONLY_WORDS.search(text):
        new = [i for n in sorted(positive) for i in by_name[n]]
    elif positive and allow_add and (ADD_WORDS.search(text) or negative):
        new = kept + [i for n in sorted(positive) for i in by_name[n] if i not in kept]
    elif negative:
        new = kept
    else:
        return None
    new = [i for i in dict.fromkeys(new)] if new != current else new
    return new if new and new != current else None


def _edit_by_options(
    text: str, items: list[dict[str, Any]], current: list[str]
) -> list[str] | None:
    """ "只换米色那个，灰色的不换了" / "only the beige one": among items of one product in the
    request, the option values that tell them apart say which to keep."""
    from kefu.assistant._glossary import option_value_zh

    chosen = [i for i in items if i["item_id"] in current]
    if len(chosen) < 2:
        return None
    low = text.lower()
    keep: list[str] = []
    drop: list[str] = []
    for item in chosen:
        others = [o for o in chosen if o is not item]
        telling = [
            (k, v)
            for k, v in item.get("options", {}).items()
            if all(o.get("options", {}).get(k) != v for o in others)
        ]
        for key, value in telling:
            for word in {str(value).lower(), option_value_zh(str(value), key).lower()}:
                at = low.find(word)
                if len(word) < 2 or at < 0:
                    continue
                before, after = low[max(0, at - 12) : at], low[at + len(word) : at + len(word) + 8]
                if _NEGATED_BEFORE.search(before) or re.match(
                    r"^\s*(?:的|那个|那件|one)?\s*(?:不换|不退|不要|不用|也不)", after
                ):
                    drop.append(item["item_id"])
                else:
                    keep.append(item["item_id"])
                break
    keep = [i for i in keep if i not in drop]
    if keep and (ex.ONLY_WORDS.search(text) or drop):
        new = [i for i in current if i in keep]
    elif drop:
        new = [i for i in current if i not in drop]
    else:
        return None
    return new if new and new != current else None


ZH_ORDER_OF = re.compile(r"(?:那单|那个订单|的订单|这单|的单子|那个单子)(?:里面?|中)的?")
"""'<product>那单里的<item>': what precedes names the order, what follows is the item."""
ONE_OF = re.compile(r"\bone of\b|\b(?:just|only) one\b|\ba single\b|其中一|一件|一个就", re.I)


_REQUEST_VERB = re.compile(
    r"\b(?:return|exchange|swap|refund|replace|send (?:it|them|this|that) back)\b|换|退",
    re.I,
)
_BOUGHT = re.compile(r"\b(?:bought|ordered|purchased|got)\b|买了|购买了|下单了|下了单|订了", re.I)


def _asked_in_request(
    text: str, items: list[dict[str, Any]], named: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """In a long message that first tells what was bought ("买了烧水壶、行李箱、键盘，还有一个
    台灯") and then asks ("能不能把台灯换成银色的"), the items of the asking sentences; the
    others were only listed. Unchanged when no sentence asks, or none tells a purchase."""
    sentences = [s for s in re.split(r"(?<=[。！？!?；;\n])|(?<=[.])\s+", text) if s.strip()]
    asking = [s for s in sentences if _REQUEST_VERB.search(s)]
    telling = [s for s in sentences if not _REQUEST_VERB.search(s) and _BOUGHT.search(s)]
    if not asking or not telling:
        return named
    asked = {i["item_id"] for s in asking for i in named_items(s, items)}
    return [i for i in named if i["item_id"] in asked] or named


def match_items(text: str, items: list[dict[str, Any]]) -> list[str]:
    """Item ids of the order the message names: by item id, product name, ordinal or 'all'."""
    low = text.lower()
    by_id = [i["item_id"] for i in items if i["item_id"] in text]
    if by_id:
        return by_id
    inside = ZH_ORDER_OF.search(text)
    if inside:
        # "笔记本电脑那单里的耳机": the laptop names the order, the earbuds are the item
        after = named_items(text[inside.end() :], items)
        if after:
            return [i["item_id"] for i in after]
    context = ORDER_CONTEXT.search(text)
    if context:
        # "the backpack I received with the vacuum": the vacuum only says which order
        before = named_items(text[: context.start()], items)
        if before and not ex.means_all(text):
            return [i["item_id"] for i in before]
    cut = ex.EXCEPT_WORDS.search(text)
    if cut:
        left_out = named_items(text[cut.end() :], items)
        head = ORDER_DESCRIPTOR.sub(" ", text[: cut.start()])
        if left_out and not named_items(head, items):
            return [i["item_id"] for i in items if i not in left_out]
    named = named_items(text, items)
    if named and ORDER_DESCRIPTOR.search(text):
        # "the purple t-shirt from my laptop order": the laptop only says which order; "the
        # other order, the one with the notebook" names no item at all
        told = named_items(ORDER_DESCRIPTOR.sub(" ", text), items)
        named = told if told or len(named) == 1 else named
    if len(named) > 1 and not ex.means_all(text) and len({i["name"] for i in named}) == 1:
        # "the canister vacuum" among two vacuums: the option values decide
        named = by_options(text, named) or named
    if len(named) > 1:
        named = _asked_in_request(text, items, named)
    if len(named) > 1:
        # "return the toothbrush please, but keep the bookshelf": a kept item is not asked for
        kept = _negated_names(text, {str(i["name"]) for i in named})
        if not kept:
            # "a bookshelf (great, no complaints) and a toothbrush ... return the toothbrush,
            # but keep the bookshelf": an item the customer says to keep, beside one never
            # said so, is not part of the request
            kept = _kept_names(text, {str(i["name"]) for i in named})
        named = [i for i in named if i["name"] not in kept] or named
    if named:
        ids = [i["item_id"] for i in named]
        if len(set(ids)) < len(ids) and ONE_OF.search(text):
            ids = list(dict.fromkeys(ids))  # "one of the two navy jackets": one unit
        return ids
    if ex.means_all(text):
        return [i["item_id"] for i in items]
    described = by_options(text, items)
    if len(described) == 1:  # "the canister one"
        return [described[0]["item_id"]]
    pos = ex.ordinal(text)
    if (
        pos is not None
        and re.search(r"item|件|商品|product|one", low)
        and -len(items) <= pos < len(items)
    ):
        return [items[pos]["item_id"]]
    return []


def option_values(product: dict[str, Any]) -> dict[str, list[str]]:
    """Each option of a product and its values across variants."""
    values: dict[str, list[str]] = {}
    for variant in product.get("variants", {}).values():
        for key, value in variant.get("options", {}).items():
            bucket = values.setdefault(key, [])
            if value not in bucket:
                bucket.append(value)
    return values


def _mentioned(value: str, low: str) -> bool:
    v = value.lower()
    if re.fullmatch(r"[a-z0-9 .\-/+']+", v):
        return re.search(rf"(?<![a-z0-9]){re.escape(v)}(?![a-z0-9])", low) is not None
    return v in low


def pick_variant(text: str, item: dict[str, Any], product: dict[str, Any]) -> str | None:
    """The available variant the message asks for: the mentioned option values, other options kept.

    Returns None when the message names no option value of this product or nothing fits.
    """
    low = text.lower()
    wanted: dict[str, str] = {}
    for key, values in option_values(product).items():
        hits = [v for v in values if _mentioned(v, low)]
        if hits:
            wanted[key] = max(hits, key=len)
    if not wanted:
        return None
    current = item.get("options", {})
    best: tuple[int, str] | None = None
    for variant in product.get("variants", {}).values():
        opts = variant.get("options", {})
        if not variant.get("available") or variant["item_id"] == item["item_id"]:
            continue
        if any(opts.get(k) != v for k, v in wanted.items()):
            continue
        kept = sum(1 for k, v in current.items() if k not in wanted and opts.get(k) == v)
        if best is None or kept > best[0]:
            best = (kept, variant["item_id"])
    return best[1] if best else None


TARGET_MARKER = re.compile(r"\b(?:for|to|into|instead)\b|换成|改成|换为|改为|换一个", re.I)


def wanted_part(text: str) -> str:
    """What follows the last "for / to / 换成" in a request ("swap it for the glass one").

    A request's other option words often describe the item the customer has ("too small"),
    so only the part naming the target may choose the new variant.
    """
    marks = list(TARGET_MARKER.finditer(text))
    return text[marks[-1].end() :] if marks else ""


def options_hint(product: dict[str, Any], lang: str = "en") -> str:
    """'color: red / blue; size: S / M' for a product (option names in Chinese for zh)."""
    if lang == "zh":
        return "；".join(
            f"{_option(k, lang)}：{' / '.join(_value(x, lang, k) for x in v)}"
            for k, v in option_values(product).items()
        )
    return "; ".join(f"{k}: {' / '.join(v)}" for k, v in option_values(product).items())
