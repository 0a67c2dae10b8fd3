"""The shopping responder: catalogue questions from anonymous shoppers, with follow-ups.

Answers the exact question: a named variant gets in stock or not and its price; when nothing
fits it says so and shows the closest, cheapest first. It browses categories, compares two
products or variants (price, the options that differ), recommends what sells (popularity,
then what the message is about) under the same constraints, and remembers what was shown
(``DialogueState.shown``) and asked (``DialogueState.shop_query``) so "that one", "那个",
"the second one", "cheaper?" and "what about in blue?" (keeping the size asked before)
refer to it. Never asks who the customer is: identity is only for accounts and orders.
Every text is a template (``turn.say``); money is in the product's currency (¥ for the
Chinese store).
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from kefu import catalog as _catalog
from kefu.assistant._glossary import option_name_zh, option_value_zh
from kefu.assistant._reply import Card
from kefu.assistant._templates import t

if TYPE_CHECKING:
    from kefu.catalog import Catalog, Offer, Query

ORDER_WORDS = re.compile(
    r"\border(?:s|ed)?\b|订单|\bmy (?:package|parcel|purchase|account|delivery|refund|item|"
    r"shipment|payment)|\bi (?:bought|ordered|purchased|received|got)\b|"
    r"我(?:买的|买了|下的单|收到)|到哪|在哪里?了?|还没到|没收到|签收|"
    r"\bwhere(?:'s| is| are)\b.*\bmy\b|\barriv|not received|"
    r"我的(?!预算|爸|妈|父|母|老公|老婆|男朋友|女朋友|朋友|孩子|儿子|女儿|宝宝|家|同事)|"
    r"退货|退款|退钱|refund|\breturn(?:ed|ing|s)?\b|cancel|取消|exchang|换货|deliver(?:ed|y)\b|"
    r"\btrack|物流|快递|发货|账户|账号|\baccount\b|send\b.*\bback|\baddress|"
    r"地址|payment method|支付方式|warrant|guarantee|保修|质保|policy|政策|运费|shipping|ship to|"
    r"能退|可以退|可退|退吗|退换|包退|无理由|"
    r"包邮|邮费|发票|invoice|coupon|优惠券|discount code",
    re.I,
)
"""Messages about orders, accounts or store policies: not a catalogue question."""
AFTER_SALES = re.compile(
    r"坏了|坏点|坏的|破了|破损|瑕疵|故障|不能用|用不了|不工作|质量(?:太)?差|要退|想退|退掉|退回|退了|"
    r"那单|这单|单子|寄到|送到|寄给|搬家|\bbroken\b|defect|damaged|faulty|stopped working|"
    r"doesn't work|does not work|not working|arrived|i moved|ship it to|send it to|"
    r"crackl|\bnoisy\b|rattl|\bleak|scratch|won't (?:turn on|charge|work|connect)|"
    r"(?:doesn't|does not|won't|will not) (?:charge|turn on|connect|fit)|fell apart|"
    r"划痕|杂音|异响|不响|漏水|漏电|充不进|开不了机|"
    r"\d+\s+\w+(?:\s+\w+)?\s+(?:street|st|avenue|ave|road|rd|lane|ln|drive|dr|blvd|way)\b",
    re.I,
)
"""Something wrong with a purchase, or where it goes: the engine's, not a shopping question."""
SWITCH_WORDS = re.compile(r"\bswap|换成|改成|换个|换一个|\binstead\b", re.I)
"""Changing an item of an order, unless a shopper is choosing among products just shown."""
COMPARE = re.compile(
    r"\bcompar(?:e|ed|es|ing|ison)|how much (?:cheaper|more)|price difference|便宜多少|贵多少|差价|"
    r"which (?:one |of them |of these |of the two )?(?:is |are )?(?:cheaper|better|"
    r"less|more|pricier)|difference|differ|\bvs\.?\b|versus|or the\b|比较|对比|比一比|哪个|哪款|"
    r"哪一个|区别|不同|差别|差多少|一样价|一个价|一样贵|价格一样|价钱一样|同价|"
    r"same price|cost the same|priced the same",
    re.I,
)
CHEAPER = re.compile(
    r"cheaper|less expensive|lower price|more affordable|budget option|anything less|"
    r"更便宜|便宜点|便宜一点|便宜一些|便宜些|便宜的|实惠|再便宜",
    re.I,
)
_WHICH = r"which(?: one| of (?:them|those|these|the two|the \w+))?(?: is|'s| are)? (?:the )?"
THE_CHEAPER = re.compile(
    r"the (?:cheaper|less expensive|lowest[- ]priced)(?: one| of (?:them|these|the two))?|cheapest"
    r"|" + _WHICH + r"(?:cheap|less expensive|lower[- ]priced)"
    r"|便宜的那|最便宜|哪个便宜|哪款便宜|哪个更便宜|哪个比较便宜|最低价|便宜的是哪",
    re.I,
)
THE_DEARER = re.compile(
    r"most expensive|priciest|dearest|the (?:pricier|dearer|more expensive)(?: one)?"
    r"|" + _WHICH + r"(?:pricier|dearer|more expensive)"
    r"|最贵|哪个贵|哪个更贵|贵的那|贵的是哪",
    re.I,
)
OPTIONS_Q = re.compile(
    r"come in|comes in|what (?:\w+ )?(?:colou?rs|sizes|options|materials|capacities|versions|"
    r"lengths|types|styles)|which (?:\w+ )?(?:colou?rs|sizes|options|materials|types)|"
    r"(?:colou?rs|sizes|options) (?:do|does|are|is)|有(?:什么|哪些|几种)"
    r"(?:颜色|尺码|尺寸|码|规格|款式|型号|版本|容量|选择|轴|轴体|材质|花色|口味|配色)|有哪几种|有几种|"
    r"哪些(?:颜色|尺码|规格|轴|轴体|材质|花色|口味|配色)|什么(?:颜色|尺码|规格|轴|材质|花色|口味)",
    re.I,
)
OPTION_KEYS = (
    (re.compile(r"colou?r|颜色|花色", re.I), ("color", "颜色", "花色", "frame color")),
    (re.compile(r"size|尺码|码|尺寸", re.I), ("size", "尺码", "screen size")),
    (re.compile(r"material|材质|材料", re.I), ("material", "材质")),
    (re.compile(r"capacit|容量", re.I), ("capacity", "容量")),
)
DEARER = re.compile(r"more expensive|higher[- ]end|premium|fancier|更贵|更好的|高端|贵一点", re.I)
PRICE_Q = re.compile(r"how much|price|cost|多少钱|价格|价钱|几块|什么价|多少|贵不贵|贵吗", re.I)
AVAIL_Q = re.compile(
    r"in stock|available|availability|sold out|有货|现货|还有吗|有没有货|缺货|卖完|库存", re.I
)
DETAILS_Q = re.compile(
    r"tell me more|more about|details|describe|how (?:big|large) (?:a |of a )?(?:room|space|area)|"
    r"what size (?:room|space)|介绍|详细|怎么样|具体|适合多大|多大(?:的)?(?:房间|面积|空间)|"
    r"适用面积|适合什么|用在哪",
    re.I,
)
PICK_Q = re.compile(
    r"which (?:one )?(?:do|would|should) (?:you|i)|recommend one|your pick|best one|"
    r"哪个好|哪款好|推荐哪|选哪|买哪",
    re.I,
)
FOLLOW = re.compile(
    r"\bit\b|\bthat\b|\bthis\b|\bthose\b|\bthem\b|\bthese\b|\bone\b|\bones\b|what about|"
    r"how about|and in\b|\bany in\b|那个|这个|它|这两|那两|这款|那款|这些|那些|呢",
    re.I,
)
SHOP_CUES = re.compile(
    r"do you (?:have|sell|carry|stock)|you (?:have|sell|got)|looking for|look for|need an?\b|"
    r"want to buy|wanna buy|shopping for|recommend|suggest|gift|present|in stock|available|"
    r"show me|anything|something|\bany\b|有没有|有卖|卖不卖|推荐|礼物|送给|送人|想买|看看|有哪些|"
    r"哪些|有货|有什么|有啥|啥好|什么好",
    re.I,
)
GIFT = re.compile(
    r"gift|present|recommend|suggest|best[- ]?sell|popular|trending|what.{0,12}\bgood\b|"
    r"礼物|送给|送人|送礼|推荐|热门|热销|爆款|卖得好|好卖",
    re.I,
)
BROWSE_ALL = re.compile(
    r"what (?:do you|does (?:the|your) (?:store|shop)) (?:sell|have|carry|offer)|"
    r"what (?:kinds?|types?|sorts?) of (?:products|things|stuff|items)|what products|"
    r"你们(?:都)?(?:卖|有)(?:些)?(?:什么|哪些)|(?:有|卖)(?:哪些|什么)(?:商品|产品|东西|品类)|"
    r"店里(?:都)?有(?:什么|哪些)",
    re.I,
)
_ORDINALS = [
    (re.compile(r"\bfirst\b|\b1st\b|第一|第1|头一"), 0),
    (re.compile(r"\bsecond\b|\b2nd\b|第二|第2"), 1),
    (re.compile(r"\bthird\b|\b3rd\b|第三|第3"), 2),
    (re.compile(r"\bfourth\b|\b4th\b|第四|第4"), 3),
    (re.compile(r"\bfifth\b|\b5th\b|第五|第5"), 4),
    (re.compile(r"\bthe last\b(?! (?:week|month|year|time))|\blast one\b|最后"), -1),
]
WANTS_PRODUCT = re.compile(
    r"do (?:you|u)(?: guys)? (?:have|sell|carry|stock)|looking for an? \w|want to buy|"
    r"i'd like to buy|shopping for|有没有卖|有卖|想买|你们卖|卖不卖|"
    r"有没有(?!办法|人|可能|问题|什么)",
    re.I,
)
"""A shopper asking for a product (that the catalogue may not have)."""
NOT_A_PRODUCT = re.compile(
    r"人工|客服|human|agent|person|someone|phone number|电话|hours|营业|门店|store (?:in|near)|"
    r"location|app\b|website|网站|会员|membership|gift card|礼品卡|积分|points|优惠|打折|折扣|"
    r"discount|promo|sale\b|deal|help|帮|问题|question|时间|time|多久|how long|"
    r"program|programme|loyalty|reward|subscription|warranty|guarantee|insurance|pick ?up|"
    r"gift ?wrap|wrapping|invoice|receipt|install|repair|service|"
    r"保修|质保|包装|发票|安装|维修|自提|服务|计划",
    re.I,
)
RANGE_Q = re.compile(
    r"price range|how much (?:is|are|does|do)|what(?:'s| is| are) the prices?|prices? of|"
    r"cost\b|多少钱|价格|价位|什么价|贵吗|贵不贵",
    re.I,
)
BIGGER = re.compile(
    r"bigger|larger|more (?:capacity|storage|memory|zoom)|size up|one size up|大一点|大一号|大点|"
    r"大一码|大一个码|大一个号|大一些的|"
    r"更大|大一些|大号一点|容量大|加大一点",
    re.I,
)
SMALLER = re.compile(
    r"smaller|more compact|less (?:capacity|storage)|size down|one size down|小一点|小一号|小点|"
    r"小一码|小一个码|小一个号|"
    r"更小|小一些",
    re.I,
)
BIGGEST = re.compile(
    r"(?:the )?(?:biggest|largest|most (?:zoom|storage|memory|capacity|pieces)|highest)|最大|最多",
    re.I,
)
SIZE_KEYS = (
    "size",
    "capacity",
    "screen size",
    "storage",
    "ram",
    "length",
    "diameter",
    "height",
    "thickness",
    "zoom",
    "pieces",
    "piece count",
    "frame size",
    "kit size",
    "room size",
    "weight range",
    "battery life",
    "resolution",
    "尺码",
    "容量",
    "厚度",
    "件数",
    "配列",
    "规格",
)
_SCALE = ["xs", "s", "m", "l", "xl", "xxl", "small", "medium", "large", "portable", "full size"]
MORE_Q = re.compile(
    r"还有别的|还有其他|其他的|别的款|别的吗|更多|换一批|more options|anything else|other options|"
    r"what else|\bothers\b|show me more|\bany more\b|something else|other ones",
    re.I,
)
BOTH = re.compile(r"这两|那两|both|them|those|these|这些|那些|they\b|all of", re.I)
MAX_SHOWN = 5
CATEGORY_NAMES = {
    "clothing": ("clothing", "服饰"),
    "electronics": ("electronics", "数码电子"),
    "home": ("home & kitchen", "家居家电"),
    "sports": ("sports & outdoors", "运动户外"),
    "beauty": ("beauty", "美妆个护"),
    "food": ("food", "食品"),
    "books": ("books & stationery", "图书文具"),
}


# --------------------------------------------------------------------------- small helpers


def follows_up(turn: Any) -> bool:
    """Whether a message the classifier calls small talk refers to the products just shown
    ("the second one", "that one?", "and in blue?"), so the shopping responder takes it."""
    if turn.state.flow is not None:
        return False
    if not turn.state.shown:
        return _small_talk_shopping(turn)
    text = turn.u.text
    if ORDER_WORDS.search(text):
        return False
    cues = (PRICE_Q, AVAIL_Q, MORE_Q, CHEAPER, DEARER, COMPARE, OPTIONS_Q, THE_CHEAPER, BIGGER)
    if _ordinal(text) or any(c.search(text) for c in cues):
        return True
    cat = _catalog.Catalog.of(turn.session, turn.lang)
    shown = {v for v in turn.state.shown}
    products = [p for p in cat.products if any(v.id in shown for v in p.variants)]
    if cat.values_in(text, products, bare=True):  # "有没有41的", "the 4 ft one?"
        return True
    return bool(cat.parse(text).values) or bool(
        re.search(r"\bthat one\b|\bthis one\b|那个|这个|那款|这款", text, re.I)
    )


YES_NO = re.compile(
    r"^\s*(?:does|do|is|are|can|has|have|will)\b|\b(?:does|is|can) (?:it|this|that)(?: one)?\b|"
    r"吗[？?]?\s*$",
    re.I,
)
_ACTS = re.compile(
    r"\b(?:change|modify|update|swap|replace|switch|cancel|return|exchange)\b|(?<!for )\bmy\b|"
    r"改|换|退|我买|我的",
    re.I,
)


_SMALL_TALK = re.compile(
    r"\b(?:thanks|thank you|thx|bye|goodbye|see you|hello|hi|hey there)\b|谢谢|再见|拜拜|你好",
    re.I,
)


def _small_talk_shopping(turn: Any) -> bool:
    """A catalogue question the classifier reads as a greeting or goodbye ("show me stuff
    between 50 and 100"): a product, category or price range asked for, with no thanks/bye."""
    u = turn.u
    if u.intent not in ("greeting", "thanks", "goodbye", "affirm", "deny"):
        return False
    text = u.text
    if _SMALL_TALK.search(text) or ORDER_WORDS.search(text) or AFTER_SALES.search(text):
        return False
    if turn.state.customer_id and not SHOP_CUES.search(text):
        return False
    q = _catalog.Catalog.of(turn.session, turn.lang).parse(text)
    return bool(q.types or q.category or (q.priced and SHOP_CUES.search(text)))


_ORDER_VOCABULARY = ("order", "ordered", "cancel", "return", "refund", "exchange", "delivery")


def _orderish(text: str) -> bool:
    """An order word written with a typo ("cancle", "ordr", "orderd", "refnd")."""
    from kefu.catalog import _edits

    for word in re.findall(r"[a-z]{4,}", text.lower()):
        if word in ("older", "border", "orders", "returns"):  # real words, or ORDER_WORDS'
            continue
        for target in _ORDER_VOCABULARY:
            if (
                word != target
                and abs(len(word) - len(target)) <= 1
                and _edits(word, target, 1) <= 1
            ):
                return True
    return False


def plainly_shopping(turn: Any) -> bool:
    """An anonymous shopper's catalogue question (a product type or category, no order, no
    request verb) that the intent classifier may read as order work: "makeup kit for dark
    skin tone, professional size" is not a change of items."""
    u, state = turn.u, turn.state
    if state.customer_id or state.flow is not None or u.order_ids or u.complained:
        return False
    if getattr(state, "pending_flow", None):
        return False
    text = u.text
    if ORDER_WORDS.search(text) or AFTER_SALES.search(text) or _ACTS.search(text):
        return False
    if _orderish(text):
        return False
    q = _catalog.Catalog.of(turn.session, turn.lang).parse(text)
    return bool(q.types or q.category)


HYPOTHETICAL = re.compile(
    r"\bif\b|\bin case\b|\bwhat if\b|return (?:window|period|policy)|how many days|"
    r"\b(?:do|does) (?:you|the store) (?:accept|take|allow|do) (?:returns|exchanges)|"
    r"\bis it possible to (?:return|exchange)|\bare returns\b|"
    r"如果|要是|万一|的话|(?:能|可以|能不能|可不可以|支持)(?:退|换|退货|换货|退换)(?:吗|么|货吗|不)|"
    r"包退|包换|无理由",
    re.I,
)
OWN_PURCHASE = re.compile(
    r"\bmy (?:order|purchase|package|parcel|item)|\bi (?:bought|ordered|received|got)\b|"
    r"\bi (?:want|need|would like|'d like) to\b|我买|我的订单|订单|已经|收到|我要|我想|帮我",
    re.I,
)


DELIVERY_Q = re.compile(
    r"\bhow (?:long|many days|soon)\b[^.?!]{0,40}\b(?:ship|deliver|arriv|get (?:here|to me|it)|"
    r"reach|take)|\bwhen (?:will|would|does|do) (?:it|they|my|the)\b[^.?!]{0,30}\b(?:arriv|come|"
    r"get here|get to me|be delivered|ship)|\b(?:days?|weeks?) (?:until|till|to) (?:it|they) "
    r"(?:arrive|gets? (?:here|to me))|\bdelivery (?:time|times)\b|\bshipping (?:time|cost|fee)"
    r"|(?:多久|几天|多长时间|什么时候)(?:能|可以|才能|会)?(?:到|送到|收到|到货|发货)|运费|配送时效",
    re.I,
)
"""Questions about delivery times and costs in general (not about an order, no order id)."""
HYPOTHETICAL_ORDER = re.compile(
    r"\bif (?:i|we) (?:order|buy|place|purchase)|\bordered today\b|\border (?:it )?(?:today|now)\b"
    r"|(?:如果|要是)?(?:今天|现在|马上)(?:下单|买|拍)",
    re.I,
)
"""An order the shopper has not placed yet: its delivery is a question about the rules."""


def asks_policy(turn: Any) -> bool:
    """An anonymous shopper asking what the return or exchange rules would be ("can I send
    it back if my dog hates it?", "这个买了不喜欢能退吗", "尺码不合适可以换吗"): a question
    for the knowledge base, not a request that needs a login. A customer who is known, names
    an order or says they bought it is asking for the request."""
    u, state = turn.u, turn.state
    if state.customer_id or state.flow is not None or u.order_ids:
        return False
    text = u.text
    if u.flow == "order_status" and HYPOTHETICAL_ORDER.search(text):
        return True  # "when will it arrive if I order today?", "今天下单几天能到？"
    if u.flow not in ("return_items", "exchange_items"):
        return False
    return bool(HYPOTHETICAL.search(text)) and not (
        OWN_PURCHASE.search(text) or AFTER_SALES.search(text)
    )


def _one_per_product(offers: list[Offer]) -> list[Offer]:
    seen: set[str] = set()
    out = []
    for o in offers:
        if o.product_id not in seen:
            seen.add(o.product_id)
            out.append(o)
    return out


def _describe(o: Offer, lang: str) -> str:
    """The offer's name and options, a yes/no feature written as the feature."""
    opts = []
    for k, v in o.options.items():
        low = str(v).lower()
        if low in ("yes", "no"):
            feature = k.replace("water resistance", "waterproof")
            name = option_name_zh(feature) if lang == "zh" else k
            if lang == "zh":
                opts.append(name if low == "yes" else f"不{name}")
            else:
                feature = k.replace("water resistance", "waterproof")
                opts.append(feature if low == "yes" else f"not {feature}")
        else:
            opts.append(option_value_zh(str(v), k) if lang == "zh" else _catalog.value_en(str(v)))
    if not opts:
        return o.title(lang)
    if lang == "zh":
        return f"{o.title(lang)}（{'，'.join(opts)}）"
    return f"{o.title(lang)} ({', '.join(opts)})"


def _price(o: Offer) -> str:
    return _catalog.money(o.price, o.currency)


def _status(o: Offer, lang: str) -> str:
    if not o.available:
        return t("shop_out_of_stock", lang)
    if o.stock is not None and o.stock > 0:
        return t("shop_in_stock_n", lang, n=o.stock)
    return t("shop_in_stock", lang)


def _items(offers: list[Offer], lang: str) -> str:
    sep = "；" if lang == "zh" else "; "
    return sep.join(
        f"{_describe(o, lang)} {_price(o)}" + ("" if o.available else t("shop_sold_out_mark", lang))
        for o in offers
    )


def _limit(q: Query, lang: str, currency: str) -> str:
    def m(v: Decimal) -> str:
        return _catalog.money(v, currency)

    if q.max_price is not None and q.min_price is not None:
        return t("shop_between", lang, low=m(q.min_price), high=m(q.max_price))
    if q.max_price is not None:
        return t("shop_under", lang, price=m(q.max_price))
    if q.min_price is not None:
        return t("shop_over", lang, price=m(q.min_price))
    return ""


def _value_text(values: list[str], lang: str, offers: list[Offer]) -> str:
    """The asked option values as the shopper reads them ("purple XL" / "紫色、XL")."""
    out = []
    for v in values:
        v = v.split("|")[0]
        key, _, val = v.partition("=") if "=" in v else ("", "", v)
        shown = val
        for o in offers:  # the catalogue's own spelling (XL, not xl)
            for k, x in o.options.items():
                if str(x).lower() == val:
                    shown, key = str(x), key or k
                    break
            else:
                continue
            break
        if shown.isdigit() and key.lower() in ("size", "尺码"):
            shown = f"{shown}码" if lang == "zh" else f"size {shown}"
        elif val in ("yes", "no"):
            feature = key.replace("water resistance", "waterproof")
            name = option_name_zh(feature) if lang == "zh" else feature
            shown = name if val == "yes" else (f"不{name}" if lang == "zh" else f"not {name}")
        elif lang == "zh":
            shown = option_value_zh(shown, key)
        out.append(shown)
    return "、".join(out) if lang == "zh" else " ".join(out)


def _what(offers: list[Offer], lang: str) -> str:
    names = []
    for o in offers:
        if o.title(lang) not in names:
            names.append(o.title(lang))
    if len(names) == 1:
        return names[0]
    return t("shop_products", lang)


def _show(turn: Any, offers: list[Offer], q: Query | None = None) -> None:
    turn.state.shown = [o.variant_id for o in offers[:MAX_SHOWN]]
    if q is not None:
        turn.state.shop_query = q.dump()
    for o in offers[:MAX_SHOWN]:
        turn.cards.append(Card(type="product", data=o.card(turn.lang)))


def _ordinal(text: str) -> list[int]:
    hits = []
    for pattern, index in _ORDINALS:
        m = pattern.search(text.lower())
        if m:
            hits.append((m.start(), index))
    return [i for _, i in sorted(hits)]


# --------------------------------------------------------------------------- entry point


def answer(turn: Any) -> bool:
    """Answer a shopping message; False when it is not one (then the engine goes on)."""
    text, lang, state = turn.u.text, turn.lang, turn.state
    if turn.u.order_ids or ORDER_WORDS.search(text) or re.search(r"phone number|电话", text):
        return False
    if _orderish(text):  # "pls cancle my keybord ordr"
        return False
    if getattr(state, "pending_flow", None) and not (
        SHOP_CUES.search(text) or PRICE_Q.search(text)
    ):
        return False  # "就是有手表和行李箱的那个": the order of a request waiting for identity
    if SWITCH_WORDS.search(text) and (state.customer_id or not state.shown):
        return False
    if AFTER_SALES.search(text):
        return False
    if DELIVERY_Q.search(text) and not turn.u.order_ids:
        return False  # "how many days until it gets to me?": the store's delivery times
    if state.customer_id and not (
        SHOP_CUES.search(text) or GIFT.search(text) or PRICE_Q.search(text) or state.shown
    ):
        return (
            False  # a known customer naming products mid-request ("not the boots, just the lamp")
        )
    cat = _catalog.Catalog.of(turn.session, lang)
    q = cat.parse(text, infer=not state.shown)
    if turn.u.intent in ("greeting", "thanks", "goodbye") and not (
        q.types or q.category or q.priced or GIFT.search(text) or follows_up(turn)
    ):
        return False
    shown = [o for o in (cat.by_variant(v) for v in state.shown) if o is not None]
    shown_products = {o.product_id for o in shown}
    if (
        shown
        and q.types
        and not set(q.types) <= shown_products
        and FOLLOW_ONE.search(text)
        and (_step(text) or BIG_ONE.search(text) or SMALL_ONE.search(text))
        and not cat.types_in(GENERIC_SIZE_WORDS.sub(" ", text))
    ):
        # "is there a bigger bottle of that one?" about the perfume: "bottle" is its size
        q = cat.parse(GENERIC_SIZE_WORDS.sub(" ", text), infer=False)
    same_products = bool(q.types) and set(q.types) <= shown_products
    # option values are read against what was shown ("size 10" is a boot size, "41" a shoe size)
    against = [p for p in cat.products if p.id in shown_products]
    loose = cat.values_in(text, against, bare=True) if shown else []
    if (
        shown
        and (not q.types or same_products)
        and q.category is None
        and (loose or _refers(text, q))
    ):
        q.values = loose
        if same_products and not q.values and not q.priced:
            chosen = [o for o in shown if o.product_id in q.types]
            shown = chosen + [o for o in shown if o not in chosen]
        return _follow_up(turn, cat, q, shown)
    if shown and not q.types and q.category is None:
        q = cat.parse(text)  # not about what was shown: values may name a product
    gift = bool(GIFT.search(text))
    if BROWSE_ALL.search(text) and not q.types and q.category is None:
        return _store_overview(turn, cat)
    if gift and not q.types and not BROWSE_ALL.search(text):
        if state.customer_id and q.empty:
            return False  # a known customer: the engine's personalised recommendations
        return _recommend(turn, cat, q, text)
    if not (q.types or q.category or (q.priced and SHOP_CUES.search(text))):
        if turn.u.intent == "recommendation" and not state.customer_id:
            return _recommend(turn, cat, q, text)  # anonymous: what sells, no login needed
        if WANTS_PRODUCT.search(text) and not NOT_A_PRODUCT.search(text):
            return _not_carried(turn, cat)
        return False
    if COMPARE.search(text) and _fresh_compare(turn, cat, q):
        return True
    if gift and not q.values:
        return _recommend(turn, cat, q, text)
    if OPTIONS_Q.search(text) and q.types and _lists_options(text, q):
        return _options(turn, cat, q, text)
    if THE_CHEAPER.search(text) or THE_DEARER.search(text):
        return _extreme(turn, cat, q, cat.pool(q), dearer=not THE_CHEAPER.search(text))
    return _search(turn, cat, q)


def _lists_options(text: str, q: Query) -> bool:
    """ "what sizes …" lists; "does it come in 4K?" (a value, no option word) is a yes/no."""
    named = any(p.search(text) for p, _ in OPTION_KEYS) or re.search(
        r"options|versions|types|styles|有哪几种|有几种|规格|型号|款式|哪些(?:轴|轴体|材质|花色|口味|配色)|"
        r"什么(?:轴|材质|花色|口味)",
        text,
        re.I,
    )
    return bool(named) or not q.values


def _refers(text: str, q: Query) -> bool:
    return bool(
        FOLLOW.search(text)
        or OPTIONS_Q.search(text)
        or MORE_Q.search(text)
        or THE_CHEAPER.search(text)
        or THE_DEARER.search(text)
        or _step(text)
        or q.values
        or q.priced
        or CHEAPER.search(text)
        or DEARER.search(text)
        or PRICE_Q.search(text)
        or AVAIL_Q.search(text)
        or COMPARE.search(text)
        or PICK_Q.search(text)
        or DETAILS_Q.search(text)
        or _ordinal(text)
    )


def _search(turn: Any, cat: Catalog, q: Query) -> bool:
    lang = turn.lang
    offers, exact = cat.search(q)
    if not exact and q.only_available:  # "is the rose gold one in stock?": it is not
        loose = _catalog.Query(**{**q.__dict__, "only_available": False})
        offers_all, exact_all = cat.search(loose)
        if exact_all:
            offers, exact = offers_all, True
    if not offers:
        return False
    cur = offers[0].currency
    limit = _limit(q, lang, cur)
    if q.category and not q.types and not q.values and not q.priced:
        rows = _one_per_product(
            sorted(
                offers,
                key=lambda o: (not o.available, -cat.popular().get(o.product_id, 0), o.price),
            )
        )[:8]
        name = CATEGORY_NAMES.get(q.category, (q.category, q.category))
        turn.say(
            "shop_category",
            category=name[1] if lang == "zh" else name[0],
            items=_items(rows, lang),
        )
        _show(turn, rows, q)
        return True
    several = len({o.product_id for o in offers}) > 1
    if q.missing:  # "有没有蓝色的背包": no backpack is blue
        wanted = _value_text(q.missing + q.values, lang, offers)
        turn.say("shop_no_combo", what=_what(offers, lang), wanted=wanted)
        rows = [o for o in offers if o.available][:3] or offers[:3]
        turn.say("shop_closest", items=_items(sorted(rows, key=lambda o: o.price), lang))
        _show(turn, rows, q)
        return True
    if exact and not q.values and not q.priced and not several and RANGE_Q.search(turn.u.text):
        prices = [o.price for o in offers if o.available] or [o.price for o in offers]
        turn.say(
            "shop_range",
            what=offers[0].title(lang),
            low=_catalog.money(min(prices), cur),
            high=_catalog.money(max(prices), cur),
            n=len(offers),
            m=sum(1 for o in offers if o.available),
        )
        rows = offers[:3]
        turn.say("shop_list", limit="", items=_items(rows, lang))
        _show(turn, rows, q)
        return True
    if exact and q.values:
        wanted = _value_text(q.values, lang, offers)
        what = _what(offers, lang)
        pinned = all(o.options == offers[0].options for o in offers) or len(offers) == 1
        top = offers[0]
        if (pinned or _pins_variant(cat, q, top)) and not several:
            if top.available:
                turn.say(
                    "shop_yes",
                    item=_describe(top, lang),
                    status=_status(top, lang),
                    price=_price(top),
                )
                _show(turn, [top], q)
            else:
                turn.say("shop_out", item=_describe(top, lang), price=_price(top))
                alt = _alternatives(cat, q, top)
                if alt:
                    turn.say("shop_instead", items=_items(alt, lang))
                _show(turn, [top, *alt], q)
            return True
        rows = _one_per_product(offers)[:MAX_SHOWN] if several else offers[:MAX_SHOWN]
        if not any(o.available for o in rows):
            turn.say("shop_out_all", what=what, wanted=wanted)
            alt = _alternatives(cat, q, rows[0])
            if alt:
                turn.say("shop_instead", items=_items(alt, lang))
            _show(turn, [rows[0], *alt], q)
            return True
        turn.say(
            "shop_yes_many",
            what=what,
            wanted=wanted + (f" {limit.strip()}" if limit and lang == "en" else limit),
            items=_items(rows, lang),
        )
        _show(turn, rows, q)
        return True
    if not exact:
        rows = _closest(offers, several)
        what = _what(offers, lang) if q.types else t("shop_products", lang)
        if q.values:
            wanted = _value_text(q.values, lang, offers)
            if q.priced:
                wanted = f"{wanted} {limit.strip()}" if lang == "en" else f"{limit}{wanted}"
            turn.say("shop_no_combo", what=what, wanted=wanted)
        else:
            turn.say("shop_none", what=what, limit=limit.strip())
        turn.say("shop_closest", items=_items(rows, lang))
        _show(turn, rows, q)
        return True
    # every fit of a constrained search ("键盘 400以内": all four), three of a plain browse
    n = MAX_SHOWN if (q.priced or q.values) else 3
    rows = _one_per_product(offers)[:n] if several else offers[:n]
    if not any(o.available for o in offers):  # "headphones under $340": all sold out
        what = _what(offers, lang) if q.types else t("shop_products", lang)
        turn.say("shop_none_in_stock", what=what, limit=limit.strip())
        loose = _catalog.Query(types=q.types, category=q.category)
        near, _ = cat.search(loose, within=[o for o in cat.pool(loose) if o.available])
        rows = sorted(near, key=lambda o: abs(o.price - (q.max_price or q.min_price or 0)))[:3]
        if rows:
            turn.say("shop_closest", items=_items(sorted(rows, key=lambda o: o.price), lang))
        _show(turn, rows or offers[:3], q)
        return True
    turn.say("shop_list", limit=limit, items=_items(rows, lang))
    _show(turn, rows, q)
    return True


def _in_range(o: Offer, q: Query) -> bool:
    """Whether an offer's price is within the query's price range."""
    return (q.min_price is None or o.price >= q.min_price) and (
        q.max_price is None or o.price <= q.max_price
    )


def _closest(offers: list[Offer], several: bool) -> list[Offer]:
    """The three closest (the search's order), shown cheapest first."""
    rows = _one_per_product(offers)[:3] if several else offers[:3]
    return sorted(rows, key=lambda o: o.price)


def _pins_variant(cat: Catalog, q: Query, top: Offer) -> bool:
    """Whether the asked values name one variant: every option that varies is given."""
    values = cat.option_values(top.product_id)
    varying = [k for k, vals in values.items() if len(vals) > 1]
    asked = {cat.key_of(v, [top]) for v in q.values}
    return all(k.lower() in asked for k in varying)


def _alternatives(cat: Catalog, q: Query, missing: Offer) -> list[Offer]:
    """Available variants of the same product closest to the one out of stock."""
    pool = [o for o in cat.offers([p for p in cat.products if p.id == missing.product_id])]
    same = [o for o in pool if o.available and o.variant_id != missing.variant_id]

    def close(o: Offer) -> tuple[int, int, Decimal]:
        kept = sum(1 for k, v in missing.options.items() if o.options.get(k) == v)
        asked = sum(1 for v in q.values if o.has(v))
        return (-asked, -kept, o.price)

    return sorted(same, key=close)[:3]


# --------------------------------------------------------------------------- store / category


def _categories(cat: Catalog, lang: str) -> str:
    names = []
    for key, (en, zh) in CATEGORY_NAMES.items():
        prods = cat.category_products(key)
        if prods and len(prods) < len(cat.prefer(cat.products)):
            names.append(zh if lang == "zh" else en)
    return "、".join(names) if lang == "zh" else ", ".join(names)


def _not_carried(turn: Any, cat: Catalog) -> bool:
    """ "do you sell TVs?": not in the catalogue; say so and what the store sells."""
    turn.say("shop_not_carried", categories=_categories(cat, turn.lang))
    return True


def _store_overview(turn: Any, cat: Catalog) -> bool:
    lang = turn.lang
    names = []
    for key, (en, zh) in CATEGORY_NAMES.items():
        prods = cat.category_products(key)
        if prods and len(prods) < len(cat.prefer(cat.products)):
            examples = "、".join(o.title(lang) for o in _one_per_product(cat.offers(prods))[:3])
            names.append(
                f"{zh}（{examples}）" if lang == "zh" else f"{en} ({examples.replace('、', ', ')})"
            )
    if not names:
        return False
    turn.say("shop_store", categories=("；".join(names) if lang == "zh" else "; ".join(names)))
    return True


# --------------------------------------------------------------------------- recommendations


def _recommend(turn: Any, cat: Catalog, q: Query, text: str) -> bool:
    lang = turn.lang
    picks = cat.recommend(q, text)[:3]
    if not picks:
        pool = cat.pool(q) if (q.types or q.category) else cat.offers()
        offers, _ = cat.search(q, within=pool)
        if not offers:
            return False
        rows = _closest(offers, True)
        cur = rows[0].currency
        what = _what(rows, lang) if q.types else t("shop_products", lang)
        turn.say("shop_none", what=what, limit=_limit(q, lang, cur).strip())
        turn.say("shop_closest", items=_items(rows, lang))
        _show(turn, rows, q)
        return True
    turn.say("shop_recommend", limit=_limit(q, lang, picks[0].currency), items=_items(picks, lang))
    _show(turn, picks, q)
    turn.state.shop_query["recommend"] = True
    return True


# --------------------------------------------------------------------------- comparisons


def _fresh_compare(turn: Any, cat: Catalog, q: Query) -> bool:
    if len(q.types) >= 2:
        pair = []
        for pid in q.types[:2]:
            sub = _catalog.Query(types=[pid], values=q.values)
            found, _ = cat.search(sub)
            if found:
                pair.append(found[0])
        return _compare(turn, pair, q)
    if q.types and len(q.values) >= 2:
        return _compare_values(turn, cat, cat.pool(q), q.values, q)
    return False


def _compare_values(
    turn: Any, cat: Catalog, pool: list[Offer], values: list[str], q: Query | None = None
) -> bool:
    """ "the over-ear or the in-ear": the best variant for each value, then compare."""
    keys = {v: cat.key_of(v, pool) for v in values}
    by_key: dict[str | None, list[str]] = {}
    for v in values:
        by_key.setdefault(keys[v], []).append(v)
    contrast = next((vals for vals in by_key.values() if len(vals) >= 2), values[:2])
    common = [v for v in values if v not in contrast]
    picks = []
    for v in contrast[:2]:
        cands = [o for o in pool if o.has(v)]
        cands.sort(key=lambda o: (-sum(1 for c in common if o.has(c)), not o.available, o.price))
        if cands:
            picks.append(cands[0])
    return _compare(turn, picks, q)


def _compare(turn: Any, pair: list[Offer], q: Query | None = None) -> bool:
    lang = turn.lang
    if len(pair) < 2 or pair[0].variant_id == pair[1].variant_id:
        return False
    a, b = pair[0], pair[1]
    cur = a.currency
    da = _describe(a, lang) + ("" if a.available else t("shop_sold_out_mark", lang))
    db = _describe(b, lang) + ("" if b.available else t("shop_sold_out_mark", lang))
    if a.price == b.price:
        turn.say("shop_compare_same", a=da, b=db, price=_price(a))
    else:
        cheap = a if a.price < b.price else b
        turn.say(
            "shop_compare",
            a=da,
            pa=_price(a),
            b=db,
            pb=_price(b),
            cheaper=_describe(cheap, lang),
            diff=_catalog.money(abs(a.price - b.price), cur),
        )
    if a.product_id == b.product_id:
        keys = [k for k in a.options if a.options.get(k) != b.options.get(k)]
        keys += [k for k in b.options if k not in a.options]

        def val(o: Offer, k: str) -> str:
            v = str(o.options.get(k, "-"))
            return option_value_zh(v, k) if lang == "zh" else v

        if keys:
            if lang == "zh":
                diffs = "；".join(f"{option_name_zh(k)}：{val(a, k)} / {val(b, k)}" for k in keys)
            else:
                diffs = "; ".join(f"{k}: {val(a, k)} vs {val(b, k)}" for k in keys)
            turn.say("shop_differ", diffs=diffs)
    _show(turn, [a, b], q)
    return True


# --------------------------------------------------------------------------- follow-ups


def _follow_up(turn: Any, cat: Catalog, q: Query, shown: list[Offer]) -> bool:
    text, lang = turn.u.text, turn.lang
    last = _catalog.Query.load(turn.state.shop_query)
    if q.types:
        last.types = list(q.types)
    products = [p for p in cat.products if p.id in {o.product_id for o in shown}]
    if q.types:
        products = [p for p in products if p.id in q.types] or products
        shown = [o for o in shown if o.product_id in q.types] or shown
    pool = cat.offers(products)
    picked = [shown[i] for i in _ordinal(text) if -len(shown) <= i < len(shown)]
    cheaper = bool(CHEAPER.search(text)) and not THE_CHEAPER.search(text)
    extreme = bool(THE_CHEAPER.search(text) or THE_DEARER.search(text))
    unseen = bool(q.values) and not any(all(o.has(v) for v in q.values) for o in shown)
    if COMPARE.search(text) and (not extreme or unseen):  # "跟蓝色的比哪个便宜": vs one not shown
        if len(picked) >= 2:
            return _compare(turn, picked[:2], last)
        if len(q.values) >= 2:  # the options asked before (size 41) still hold
            asked = {cat.key_of(v, pool) for v in q.values}
            before = [v for v in last.values if cat.key_of(v, pool) not in asked]
            return _compare_values(turn, cat, pool, q.values + before, last)
        if len(q.values) == 1 and shown:  # "how does the blue one compare?"
            other = [o for o in pool if o.has(q.values[0]) and o.variant_id != shown[0].variant_id]
            if other:
                return _compare(turn, [shown[0], _nearest(other, shown[0])], last)
        if len(shown) >= 2:
            return _compare(turn, shown[:2], last)
    if THE_CHEAPER.search(text) or THE_DEARER.search(text):
        among = picked or shown
        if re.search(r"cheapest|最便宜|最低价|most expensive|最贵", text, re.I) and not BOTH.search(
            text
        ):
            wide = cat.pool(last) if (last.types or last.category) else shown
            among = [o for o in wide if all(o.has(v) for v in last.values + q.values)] or wide
            if last.priced:  # "the cheapest of those" after "between ¥300 and ¥400"
                among = [o for o in among if _in_range(o, last)] or among
            if q.only_available and not any(o.available for o in among):
                among = [o for o in wide if o.available] or among  # "the cheapest in stock"
        return _extreme(turn, cat, last, among, dearer=not THE_CHEAPER.search(text))
    if OPTIONS_Q.search(text) and _lists_options(text, q):
        base = _catalog.Query(types=[shown[0].product_id], values=q.values)
        return _options(turn, cat, base, text)
    if MORE_Q.search(text) and not q.values and not q.priced:
        if any(p.search(text) for p, _ in OPTION_KEYS):  # "other colours?", "还有别的颜色吗"
            keys = {k for p, names in OPTION_KEYS if p.search(text) for k in names}
            kept = [v for v in last.values if cat.key_of(v, pool) not in keys]
            base = _catalog.Query(types=[shown[0].product_id], values=kept)
            return _options(turn, cat, base, text)
        return _more(turn, cat, last, shown)
    if not q.values and not picked and _superlative(turn, cat, q, last, shown):
        return True  # "which of them has the longest battery?", "大的那个还有货吗"
    named_key = _option_asked(text, picked[0] if picked else shown[0]) if not q.values else None
    if named_key and not PRICE_Q.search(text):  # "how long does the battery last?"
        first = picked[0] if picked else shown[0]
        value = str(first.options[named_key])
        turn.say(
            "shop_option_of",
            item=_describe(first, lang),
            option=option_name_zh(named_key) if lang == "zh" else named_key,
            value=option_value_zh(value, named_key) if lang == "zh" else _catalog.value_en(value),
        )
        _show(turn, [first] + [o for o in shown if o is not first], last)
        return True
    step = _step(text)
    if step and not q.values:
        return _resize(turn, cat, last, picked[0] if picked else shown[0], step, text)
    ref: Offer | None = picked[0] if picked else None
    if ref is None and q.values:
        matching = [o for o in shown if all(o.has(v) for v in q.values)]
        if len(matching) > 1 and not cheaper and not DEARER.search(text) and not FOLLOW_ONE.search(
            text
        ):
            # "白的" when two white ones were shown: both, not the first
            turn.say("shop_list", limit="", items=_items(matching, lang))
            narrowed = _catalog.Query.load(last.dump())
            narrowed.values = list(dict.fromkeys([*last.values, *q.values]))
            _show(turn, matching, narrowed)  # "降噪的有货不" next is about these
            return True
        if matching and not cheaper and not DEARER.search(text):
            ref = matching[0]
            if ref is shown[0] and YES_NO.search(text) and not PRICE_Q.search(text):
                # "does it use SD cards?": yes, with its price and stock
                turn.say(
                    "shop_yes",
                    item=_describe(ref, lang),
                    status=_status(ref, lang),
                    price=_price(ref),
                )
                _show(turn, [ref] + [o for o in shown if o is not ref], last)
                return True
        elif not cheaper and not DEARER.search(text):
            return _switch(turn, cat, q, last, shown, pool)
    if cheaper or DEARER.search(text):
        return _cheaper(turn, cat, last, [ref] if ref else shown, dearer=not cheaper)
    if q.priced and ref is None:
        merged = _catalog.Query(
            types=last.types,
            category=last.category,
            values=last.values,
            min_price=q.min_price,
            max_price=q.max_price,
        )
        if turn.state.shop_query.get("recommend"):
            return _recommend(turn, cat, merged, text)
        offers, exact = cat.search(merged, within=cat.pool(merged))
        if not offers:
            return False
        rows = _closest(offers, len(products) > 1) if not exact else _one_or_variants(offers)
        limit = _limit(merged, lang, rows[0].currency)
        if exact:
            turn.say("shop_fits", limit=limit, items=_items(rows, lang))
        else:
            turn.say("shop_none", what=_what(rows, lang), limit=limit.strip())
            turn.say("shop_closest", items=_items(rows, lang))
        _show(turn, rows, merged)
        return True
    if ref is None and PICK_Q.search(text) and len(shown) > 1:
        pop = cat.popular()
        best = sorted(shown, key=lambda o: (not o.available, -pop.get(o.product_id, 0), o.price))[0]
        turn.say("shop_pick", item=_describe(best, lang), price=_price(best))
        _show(turn, [best], last)
        return True
    if ref is None and BOTH.search(text) and len(shown) > 1:
        rows = shown[:3]
        if AVAIL_Q.search(text) and not PRICE_Q.search(text):
            rows = [o for o in shown if o.available]
            if not rows:
                turn.say("shop_out", item=_describe(shown[0], lang), price=_price(shown[0]))
                _show(turn, shown, last)
                return True
            turn.say("shop_available", items=_items(rows, lang))
        else:
            turn.say("shop_prices", items=_items(rows, lang))
        _show(turn, rows, last)
        return True
    ref = ref or shown[0]
    if DETAILS_Q.search(text):
        p = cat.product(ref.product_id)
        if p is not None and p.description:
            turn.say(
                "shop_details",
                item=_describe(ref, lang),
                description=p.description,
                price=_price(ref),
                status=_status(ref, lang),
            )
            _show(turn, [ref], last)
            return True
    if AVAIL_Q.search(text) and not PRICE_Q.search(text):
        if ref.available:
            turn.say(
                "shop_yes", item=_describe(ref, lang), status=_status(ref, lang), price=_price(ref)
            )
            _show(turn, [ref], last)
        else:
            turn.say("shop_out", item=_describe(ref, lang), price=_price(ref))
            alt = _alternatives(cat, last, ref)
            if alt:
                turn.say("shop_instead", items=_items(alt, lang))
            _show(turn, [ref, *alt], last)
        return True
    turn.say("shop_price", item=_describe(ref, lang), price=_price(ref), status=_status(ref, lang))
    _show(turn, [ref] + [o for o in shown if o is not ref], last)
    return True


def _more(turn: Any, cat: Catalog, last: Query, shown: list[Offer]) -> bool:
    """ "anything else?" / "还有别的吗": the next results of the last search."""
    lang = turn.lang
    seen = {o.variant_id for o in shown}
    if turn.state.shop_query.get("recommend"):
        rows = [o for o in cat.recommend(last, turn.u.text) if o.variant_id not in seen]
        rows = [o for o in rows if o.product_id not in {s.product_id for s in shown}][:3]
    else:
        offers, _ = cat.search(last)
        several = len({o.product_id for o in offers}) > 1
        if several:
            rows = [
                o
                for o in _one_per_product(offers)
                if o.product_id not in {s.product_id for s in shown}
            ][:3]
        else:
            rows = [o for o in offers if o.variant_id not in seen][:3]
    if not rows:
        turn.say("shop_no_more")
        return True
    turn.say("shop_more", items=_items(rows, lang))
    flag = bool(turn.state.shop_query.get("recommend"))
    _show(turn, rows, last)
    if flag:
        turn.state.shop_query["recommend"] = True
    return True


MOST = re.compile(
    r"\b(?:longest|biggest|largest|most|highest|greatest|maximum|widest|tallest|heaviest|"
    r"thickest)\b|最长|最大|最高|最多|最久|最宽|最厚",
    re.I,
)
LEAST = re.compile(
    r"\b(?:shortest|smallest|least|lowest|lightest|minimum|narrowest|thinnest)\b|"
    r"最短|最小|最低|最少|最轻|最薄",
    re.I,
)
# a superlative that is itself a dimension ("the thickest"), so no option need be named
DIMENSION = re.compile(
    r"\b(?:longest|biggest|largest|widest|tallest|thickest|shortest|smallest|narrowest|"
    r"thinnest)\b|最长|最大|最宽|最厚|最短|最小|最窄|最薄",
    re.I,
)
BIG_ONE = re.compile(
    r"\b(?:the )?(?:big|large|bigger|larger|thick|thicker|long|longer|tall|taller|wide|wider) "
    r"(?:one|box|bottle|size|pack|version)\b|(?:大|厚|长|高|宽)的那|大盒|大瓶|大罐|大包装|大号的|"
    r"那个(?:大|厚|长|高|宽)的|(?:大|厚|长|高|宽)的(?:还|有|多|呢|吧|[？?。！!]|$)",
    re.I,
)
SMALL_ONE = re.compile(
    r"\b(?:the )?(?:small|smaller|little|thin|thinner|short|shorter|narrow|narrower) "
    r"(?:one|box|bottle|size|pack|version)\b|(?:小|薄|短|矮|窄)的那|小盒|小瓶|小罐|小号的|"
    r"那个(?:小|薄|短|矮|窄)的|(?:小|薄|短|矮|窄)的(?:还|有|多|呢|吧|[？?。！!]|$)",
    re.I,
)
WHOLE_STORE = re.compile(
    r"\b(?:your|all|any|in the store|you have|you sell)\b|你们|所有|全部|店里", re.I
)


GENERIC_SIZE_WORDS = re.compile(
    r"\b(?:bottles?|box(?:es)?|packs?|sets?|jars?|cans?|bags?)\b|瓶|盒|罐|包|袋", re.I
)
FOLLOW_ONE = re.compile(r"\b(?:the|that|this) (?:\w+ )?one\b|\bit\b|那个|这个|那款|这款", re.I)


def _superlative(turn: Any, cat: Catalog, q: Query, last: Query, shown: list[Offer]) -> bool:
    """ "which of them has the longest battery?" among what was shown (or, "of your cameras",
    among the whole range asked about); "大的那个" is the one with the biggest size-like
    option among those shown. Answered with that one's value, price and stock."""
    text, lang = turn.u.text, turn.lang
    most, least = bool(MOST.search(text)), bool(LEAST.search(text))
    big, small = bool(BIG_ONE.search(text)), bool(SMALL_ONE.search(text))
    if most == least and big == small:
        return False
    among = shown
    if (big or small) and q.types:
        # "茶叶那个大盒的" after a list of gifts: the big box of the tea, not of the list
        among = cat.pool(_catalog.Query(types=list(q.types[:1])))
    if (most or least) and WHOLE_STORE.search(text) and (last.types or last.category):
        wide = cat.pool(last)
        among = [o for o in wide if all(o.has(v) for v in last.values)] or wide
    if len(among) < 2:
        return False
    key = _option_asked(text, among[0]) if (most or least) else None
    if key is None:
        # no option named ("the big one"): the size-like option that tells them apart
        varying = [
            k
            for k in among[0].options
            if len({_magnitude(str(o.options.get(k, ""))) for o in among} - {None}) > 1
        ]
        sized = [k for k in varying if k.lower() in SIZE_KEYS] or varying
        if not sized or ((most or least) and not (big or small) and not DIMENSION.search(text)):
            return False
        key = sized[0]
    rated: list[tuple[Offer, float]] = []
    for o in among:
        size = _magnitude(str(o.options.get(key, "")))
        if size is not None:
            rated.append((o, size))
    if len({m for _, m in rated}) < 2:
        return False
    top = max(m for _, m in rated) if (most or big) else min(m for _, m in rated)
    best = sorted((o for o, m in rated if m == top), key=lambda o: (not o.available, o.price))[0]
    value = str(best.options[key])
    turn.say(
        "shop_option_best",
        item=_describe(best, lang),
        option=option_name_zh(key) if lang == "zh" else key,
        value=option_value_zh(value, key) if lang == "zh" else _catalog.value_en(value),
        price=_price(best),
        status=_status(best, lang),
    )
    _show(turn, [best] + [o for o in among if o is not best], last)
    return True


def _option_asked(text: str, ref: Offer) -> str | None:
    """The option of ``ref`` a question names ("battery" → battery life, 材质 → material)."""
    if not re.search(r"\?|？|what|how|which|is it|吗|多少|什么|哪", text, re.I):
        return None
    low = text.lower().replace("colour", "color")
    for key in ref.options:
        words = [w for w in re.findall(r"[a-z]{4,}", key.lower()) if w not in ("type", "size")]
        zh = option_name_zh(key)
        if any(re.search(r"\b" + w, low) for w in words) or (not zh.isascii() and zh in text):
            return key
    return None


def _step(text: str) -> int:
    """+1 bigger, -1 smaller, +2 the biggest, 0 none."""
    if BIGGEST.search(text):
        return 2
    if BIGGER.search(text):
        return 1
    if SMALLER.search(text):
        return -1
    return 0


def _magnitude(value: str) -> float | None:
    """A size-like value's place in its order: 500ml < 1L, S < M < XL, 87键 < 104键."""
    low = str(value).lower().strip()
    if low in _SCALE:
        return float(_SCALE.index(low) % 6 if _SCALE.index(low) < 6 else _SCALE.index(low))
    m = re.search(r"(\d+(?:\.\d+)?)\s*([a-z%]*)", low)
    if not m:
        return None
    number, unit = float(m.group(1)), m.group(2)
    scale = {"l": 1000, "liter": 1000, "liters": 1000, "tb": 1000, "k": 1000, "ft": 12}
    return number * scale.get(unit, 1)


def _resize(turn: Any, cat: Catalog, last: Query, ref: Offer, step: int, text: str) -> bool:
    """ "a bigger one?" / "大一号的" / "the largest": the next (or last) value of a size-like
    option of the product, its other options kept where possible."""
    lang = turn.lang
    pool = cat.offers([p for p in cat.products if p.id == ref.product_id])
    low = text.lower()
    keys = [k for k in ref.options if k.lower() in SIZE_KEYS and _magnitude(ref.options[k])]
    named = [k for k in keys if k.lower() in low or option_name_zh(k) in text]
    keys = named or keys
    if not keys:
        return False
    key = keys[0]
    here = _magnitude(ref.options[key]) or 0.0
    cands = [o for o in pool if (_magnitude(o.options.get(key, "")) or 0.0) != here]
    if step > 0:
        cands = [o for o in cands if (_magnitude(o.options.get(key, "")) or 0.0) > here]
    else:
        cands = [o for o in cands if (_magnitude(o.options.get(key, "")) or 0.0) < here]
    if not cands:
        turn.say("shop_largest" if step > 0 else "shop_smallest", item=_describe(ref, lang))
        _show(turn, [ref], last)
        return True

    def order(o: Offer) -> tuple[float, float, bool, Decimal]:
        size = _magnitude(o.options.get(key, "")) or 0.0
        kept = float(sum(1 for k, v in ref.options.items() if k != key and o.options.get(k) == v))
        if step == 2:
            return (-size, -kept, not o.available, o.price)
        return (-kept, abs(size - here), not o.available, o.price)

    ranked = sorted(cands, key=order)
    best = ranked[0]
    if best.available:
        turn.say(
            "shop_yes", item=_describe(best, lang), status=_status(best, lang), price=_price(best)
        )
        _show(turn, ranked[:3], last)
        return True
    turn.say("shop_out", item=_describe(best, lang), price=_price(best))
    alt = [o for o in ranked if o.available][:2]
    if alt:
        turn.say("shop_instead", items=_items(alt, lang))
    _show(turn, [best, *alt], last)
    return True


def _extreme(turn: Any, cat: Catalog, q: Query, among: list[Offer], dearer: bool) -> bool:
    """ "the cheaper one" / "最便宜的": the cheapest (or dearest) available of ``among``."""
    lang = turn.lang
    rows = (
        [o for o in among if o.available and all(o.has(v) for v in q.values)]
        or [o for o in among if o.available]
        or among
    )
    if not rows:
        return False
    best = (max if dearer else min)(rows, key=lambda o: o.price)
    turn.say(
        "shop_price", item=_describe(best, lang), price=_price(best), status=_status(best, lang)
    )
    # the others stay referable ("the pricier one", "贵的那个"), the answer first
    rest = sorted((o for o in rows if o is not best), key=lambda o: o.price)
    turn.state.shown = [o.variant_id for o in [best, *rest][:MAX_SHOWN]]
    turn.state.shop_query = q.dump()
    turn.cards.append(Card(type="product", data=best.card(lang)))
    return True


def _options(turn: Any, cat: Catalog, q: Query, text: str) -> bool:
    """ "what sizes does the black t-shirt come in?": the values of the asked option."""
    lang = turn.lang
    pool = [o for o in cat.pool(q) if all(o.has(v) for v in q.values)] or cat.pool(q)
    if not pool:
        return False
    if AVAIL_Q.search(text):
        pool = [o for o in pool if o.available] or pool
    keys: list[str] = []
    for pattern, names in OPTION_KEYS:
        if pattern.search(text):
            keys += [k for k in pool[0].options if k.lower() in names]
    low = text.lower()
    for k in pool[0].options:  # "what frame sizes", "有哪些轴体"
        words = [k.lower(), option_name_zh(k), *k.lower().split()]
        if k not in keys and any(len(w) > 1 and w in low for w in words[:2]):
            keys.append(k)
    asked_keys = {cat.key_of(v, pool) for v in q.values}
    if not keys:
        keys = [
            k
            for k in pool[0].options
            if k.lower() not in asked_keys and len({o.options.get(k) for o in pool}) > 1
        ] or list(pool[0].options)
    parts = []
    for k in keys:
        vals: list[str] = []
        for o in sorted(pool, key=lambda o: o.price):
            v = str(o.options.get(k, ""))
            shown_v = option_value_zh(v, k) if lang == "zh" else v
            if v and shown_v not in vals:
                vals.append(shown_v)
        name = option_name_zh(k) if lang == "zh" else k
        parts.append(f"{name}：{'、'.join(vals)}" if lang == "zh" else f"{name}: {', '.join(vals)}")
    what = _describe_base(pool[0], q, lang)
    turn.say(
        "shop_options", what=what, options=("；".join(parts) if lang == "zh" else "; ".join(parts))
    )
    rows = sorted(pool, key=lambda o: (not o.available, o.price))[:3]
    turn.say("shop_list", limit="", items=_items(rows, lang))  # with their prices
    _show(turn, rows, q)
    return True


def _describe_base(o: Offer, q: Query, lang: str) -> str:
    """The product's name with the asked values ("T-Shirt in black" / "黑色的T恤")."""
    if not q.values:
        return o.title(lang)
    wanted = _value_text(q.values, lang, [o])
    return f"{wanted}的{o.title(lang)}" if lang == "zh" else f"{o.title(lang)} in {wanted}"


def _one_or_variants(offers: list[Offer]) -> list[Offer]:
    several = len({o.product_id for o in offers}) > 1
    return _one_per_product(offers)[:3] if several else offers[:3]


def _nearest(cands: list[Offer], base: Offer) -> Offer:
    return sorted(
        cands,
        key=lambda o: (
            -sum(1 for k, v in base.options.items() if o.options.get(k) == v),
            not o.available,
            o.price,
        ),
    )[0]


def _switch(
    turn: Any, cat: Catalog, q: Query, last: Query, shown: list[Offer], pool: list[Offer]
) -> bool:
    """ "what about in blue?": the shown product with the new value, other asked options kept."""
    lang = turn.lang
    new_keys = {cat.key_of(v, pool) for v in q.values}
    last_keys = [cat.key_of(v, pool) for v in last.values]
    kept = [
        v
        for v, k in zip(last.values, last_keys, strict=True)
        if k not in new_keys and last_keys.count(k) == 1  # not one side of a comparison
    ]
    values = list(q.values) + [v for v in kept if v not in q.values]
    focus = [p for p in dict.fromkeys(o.product_id for o in shown)]
    with_new = [o for o in pool if all(o.has(v) for v in q.values)]
    if with_new:
        focus_ids = [pid for pid in focus if any(o.product_id == pid for o in with_new)]
        pool = [o for o in pool if o.product_id in focus_ids[:1]] if focus_ids else pool
    merged = _catalog.Query(  # the price range asked before still holds ("under 600")
        types=[pool[0].product_id] if pool else last.types,
        values=values,
        min_price=last.min_price,
        max_price=last.max_price,
    )
    offers, exact = cat.search(merged, within=pool)
    wanted = _value_text(values, lang, pool)
    what = _what(pool, lang) if pool else t("shop_products", lang)
    if exact:
        top = offers[0]
        if (
            len(offers) == 1
            or _pins_variant(cat, merged, top)
            or all(o.options == top.options for o in offers)
        ):
            if top.available:
                turn.say(
                    "shop_yes",
                    item=_describe(top, lang),
                    status=_status(top, lang),
                    price=_price(top),
                )
                _show(turn, [top], merged)
            else:
                turn.say("shop_out", item=_describe(top, lang), price=_price(top))
                alt = _with_new(pool, q.values, kept, top) or _alternatives(cat, merged, top)
                if alt:
                    turn.say("shop_instead", items=_items(alt, lang))
                _show(turn, [top, *alt], merged)
            return True
        rows = offers[:3]
        if not any(o.available for o in rows):  # "and in red?": every red one is sold out
            turn.say("shop_out_all", what=what, wanted=wanted)
            alt = _alternatives(cat, merged, rows[0])
            if alt:
                turn.say("shop_instead", items=_items(alt, lang))
            _show(turn, [rows[0], *alt], merged)
            return True
        turn.say("shop_yes_many", what=what, wanted=wanted, items=_items(rows, lang))
        _show(turn, rows, merged)
        return True
    turn.say("shop_no_combo", what=what, wanted=wanted)
    alt = [o for o in pool if o.available and all(o.has(v) for v in q.values)]
    alt = sorted(alt, key=lambda o: (-sum(1 for v in kept if o.has(v)), o.price))[:3]
    if not alt:
        alt = [o for o in offers if o.available][:3]
    if alt:
        turn.say("shop_instead", items=_items(alt, lang))
    _show(turn, alt or shown, merged)
    return True


def _with_new(pool: list[Offer], new: list[str], kept: list[str], skip: Offer) -> list[Offer]:
    """Available variants with the newly asked values, the most kept options first."""
    rows = [
        o
        for o in pool
        if o.available and o.variant_id != skip.variant_id and all(o.has(v) for v in new)
    ]
    return sorted(rows, key=lambda o: (-sum(1 for v in kept if o.has(v)), o.price))[:3]


def _cheaper(turn: Any, cat: Catalog, last: Query, ref: list[Offer], dearer: bool = False) -> bool:
    lang = turn.lang
    floor = min(o.price for o in ref) if not dearer else max(o.price for o in ref)
    ids = {o.product_id for o in ref}
    same = cat.offers([p for p in cat.products if p.id in ids])
    wider = cat.pool(last) if (last.types or last.category) else same

    def pick(pool: list[Offer]) -> list[Offer]:
        rows = [o for o in pool if o.available and (o.price > floor if dearer else o.price < floor)]
        rows.sort(
            key=lambda o: (
                -sum(1 for v in last.values if o.has(v)),
                o.price if not dearer else -o.price,
            )
        )
        return rows

    rows = pick(same) or pick(wider)
    if not rows:
        first = min(ref, key=lambda o: o.price)
        turn.say("shop_cheapest", item=_describe(first, lang), price=_price(first))
        _show(turn, [first], last)
        return True
    several = len({o.product_id for o in rows}) > 1
    rows = _one_per_product(rows)[:3] if several else rows[:3]
    rows.sort(key=lambda o: o.price)
    turn.say("shop_dearer" if dearer else "shop_cheaper", items=_items(rows, lang))
    _show(turn, rows, last)
    return True
