# ruff: noqa: E501
"""Customer-facing reply templates in Chinese and English.

Without a language model these are the replies; with one, the model rephrases from the same
facts. Wording lives here, decisions live in the engine.
"""

from __future__ import annotations

from typing import Any

TEMPLATES: dict[str, dict[str, str]] = {
    "greeting": {
        "en": "Hello! I can help with orders (status, cancel, address, payment, items, returns, exchanges) and store questions. How can I help?",
        "zh": "您好！我可以帮您查询订单、取消订单、修改地址/支付方式/商品、退货、换货，也可以解答店铺政策问题。请问有什么可以帮您？",
    },
    "thanks": {
        "en": "You're welcome! Anything else I can help with?",
        "zh": "不客气！还有其他可以帮您的吗？",
    },
    "goodbye": {"en": "Thanks for contacting us. Goodbye!", "zh": "感谢您的咨询，再见！"},
    "ask_auth": {
        "en": "To look into your account, please first tell me your email address, or your first and last name with your zip code.",
        "zh": "为了查看您的账户，请先提供您的邮箱地址，或者您的姓名（名和姓）以及邮编。",
    },
    "ask_auth_rest": {
        "en": "Thanks. Please also tell me your full name (first and last) and your zip code, or your email address.",
        "zh": "谢谢。请再提供您的完整姓名（名和姓）和邮编，或者您的邮箱地址。",
    },
    "ask_auth_no_email": {
        "en": "No problem. Then please tell me your first and last name and your zip code.",
        "zh": "没关系，那请提供您的姓名（名和姓）和邮编，我来帮您查找账户。",
    },
    "ask_auth_zip": {
        "en": "Thanks, {name}. Please also give me your zip code to verify your identity.",
        "zh": "谢谢，{name}。请再提供您的邮编以验证身份。",
    },
    "auth_ok": {"en": "Thank you, {name}, you're verified.", "zh": "谢谢，{name}，身份已验证。"},
    "auth_failed": {
        "en": "I couldn't find an account with those details. Please check your email, or your name and zip code.",
        "zh": "没有找到与这些信息匹配的账户。请核对您的邮箱，或姓名和邮编。",
    },
    "auth_other_customer": {
        "en": "This conversation is already verified for one customer, and I can only help that customer here. I can't access another person's account.",
        "zh": "本次对话已经验证了一位顾客的身份，我只能为该顾客服务，无法查看或操作其他人的账户。",
    },
    "ask_order": {
        "en": "Which order do you mean? Your orders: {orders}",
        "zh": "请问是哪个订单？您的订单：{orders}",
    },
    "next_request": {
        "en": "Now your other request (\u201c{request}\u201d):",
        "zh": "接下来处理您的另一个请求（“{request}”）：",
    },
    "exchange_is_item_change": {
        "en": "Order {order_id} is {status}, not delivered yet, so it can't be exchanged; I can change its items instead (items can be changed only once).",
        "zh": "订单 {order_id} 目前{status}，尚未送达，不能换货；但可以直接修改订单里的商品（商品只能修改一次）。",
    },
    "refund_method_not_allowed": {
        "en": "A return can only be refunded to the original payment method or to a gift card: {allowed}.",
        "zh": "退货款只能退回原支付方式或礼品卡：{allowed}。",
    },
    "sorry_request": {
        "en": "I'm sorry about that. I can take care of it right now, and if you'd rather talk to a person at any point, just say so.",
        "zh": "非常抱歉给您带来不便。我现在就可以为您办理；如果您想转人工客服，随时告诉我。",
    },
    "order_picked": {
        "en": "Your order that this applies to is {order_id} ({status}: {items}); if you mean another one, tell me its number.",
        "zh": "可以办理的是您的订单 {order_id}（{status}：{items}）；如果您指的是其他订单，请告诉我订单号。",
    },
    "ask_order_none": {
        "en": "I don't see any orders on your account.",
        "zh": "您的账户下没有订单。",
    },
    "order_not_found": {
        "en": "I couldn't find order {order_id} on your account. Please check the order number.",
        "zh": "在您的账户下没有找到订单 {order_id}，请核对订单号。",
    },
    "order_status": {
        "en": "Order {order_id} is {status}. Items: {items}.{tracking}",
        "zh": "订单 {order_id} 的状态是：{status}。商品：{items}。{tracking}",
    },
    "tracking": {"en": " Tracking number(s): {ids}.", "zh": "物流单号：{ids}。"},
    "no_tracking": {"en": " It has not shipped yet.", "zh": "尚未发货。"},
    "refund_status": {
        "en": "Order {order_id} ({status}) payment history: {history}.",
        "zh": "订单 {order_id}（{status}）的付款记录：{history}。",
    },
    "account": {
        "en": "Your account: {name}, {email}. Default address: {address}. Payment methods: {methods}. Orders: {orders}.",
        "zh": "您的账户：{name}，{email}。默认地址：{address}。支付方式：{methods}。订单：{orders}。",
    },
    "ask_reason": {
        "en": "Why would you like to cancel: 'no longer needed' or 'ordered by mistake'?",
        "zh": "请问取消的原因是：“不再需要”还是“误下单”？",
    },
    "ask_address": {
        "en": "Please give the new address as: street, (apartment,) city, state, zip, country.",
        "zh": "请按以下格式提供新地址：街道, (门牌/公寓,) 城市, 州, 邮编, 国家。",
    },
    "ask_address_known": {
        "en": "Which address should I use? Type the new one (street, apartment, city, state, zip), or pick one you have used before: {known}.",
        "zh": "请问改成哪个地址？可以输入新地址（街道、门牌、城市、州、邮编），也可以选择您用过的地址：{known}。",
    },
    "ask_address_again": {
        "en": "I couldn't read a complete address there. Please give the street with its number, the city, the state and the 5-digit zip code.",
        "zh": "没能识别出完整的地址。请提供带门牌号的街道、城市、州和5位邮编。",
    },
    "ask_address_again_known": {
        "en": "I couldn't read a complete address there. Please give the street with its number, the city, the state and the 5-digit zip code, or pick one you have used before: {known}.",
        "zh": "没能识别出完整的地址。请提供带门牌号的街道、城市、州和5位邮编，或选择您用过的地址：{known}。",
    },
    "ask_payment": {
        "en": "Which payment method should be used? Your methods: {methods}",
        "zh": "请问使用哪种支付方式？您的支付方式：{methods}",
    },
    "ask_payment_refund": {
        "en": "Where should the refund go: the original payment method ({original}) or a gift card? Your methods: {methods}",
        "zh": "退款退到哪里：原支付方式（{original}）还是礼品卡？您的支付方式：{methods}",
    },
    "ask_items": {
        "en": "Which items? Items in order {order_id}: {items}. You can also say 'all'.",
        "zh": "请问是哪些商品？订单 {order_id} 中的商品：{items}。也可以说“全部”。",
    },
    "ask_new_items": {
        "en": "What should {item} be changed to? Available options: {options}",
        "zh": "{item} 要换成什么规格？可选：{options}",
    },
    "variant_closest": {
        "en": "There's no available {item} with {wanted} that keeps everything else the same. The closest available: {variants}. Which one would you like?",
        "zh": "没有与 {item} 其他规格都相同、且满足“{wanted}”的有货款式。最接近的有货款式：{variants}。您想要哪一个？",
    },
    "no_variant": {
        "en": "I couldn't find an available {item} matching that. Available options: {options}",
        "zh": "没有找到符合要求且有货的 {item}。可选：{options}",
    },
    "confirm": {
        "en": "Please confirm: {details}. Reply 'yes' to proceed or 'no' to stop.",
        "zh": "请确认：{details}。回复“是的”继续，回复“不”取消。",
    },
    "confirm_again": {
        "en": "I need an explicit 'yes' before I make this change: {details}.",
        "zh": "执行此操作前需要您明确回复“是的”：{details}。",
    },
    "declined": {"en": "OK, I haven't changed anything.", "zh": "好的，我没有做任何更改。"},
    "done": {"en": "Done: {result}", "zh": "已完成：{result}"},
    "tool_failed": {"en": "I couldn't do that: {error}", "zh": "无法完成该操作：{error}"},
    "store_requested": {
        "en": "I've sent your request to the store: it isn't done until the store confirms it. {message}",
        "zh": "已将您的请求发送给店铺，目前尚未完成，店铺确认后才算办好。{message}",
    },
    "refused_status": {
        "en": "Order {order_id} is {status}, so it can't be {action}. {rule}",
        "zh": "订单 {order_id} 的状态是“{status}”，因此无法{action}。{rule}",
    },
    "handoff": {
        "en": "I'm transferring you to a human agent. Please hold on — they will see this conversation.",
        "zh": "正在为您转接人工客服，请稍候——客服会看到我们之前的对话。",
    },
    "offer_handoff": {
        "en": "Would you like me to connect you with a person?",
        "zh": "需要我为您转接人工客服吗？",
    },
    "low_confidence": {
        "en": "Sorry, I'm not sure I understood. Could you rephrase? I can help with orders, returns, exchanges and store policies, or you can talk to a person.",
        "zh": "抱歉，我不太确定您的意思。能换个说法吗？我可以处理订单、退换货和店铺政策相关的问题，也可以为您转人工。",
    },
    "out_of_scope": {
        "en": "Sorry, that's outside what I can do here.",
        "zh": "抱歉，这超出了我能处理的范围。",
    },
    "kb_answer": {"en": "{answer}", "zh": "{answer}"},
    "kb_unsure": {
        "en": "I couldn't find a reliable answer to that in our store policies, and I don't want to guess.",
        "zh": "我在店铺政策中没有找到可靠的答案，不想随意猜测。",
    },
    "complaint": {
        "en": "I'm sorry about this. Let me help — what is the order concerned?",
        "zh": "非常抱歉给您带来不便。我来帮您处理——请问是哪个订单？",
    },
    "complaint_detail": {
        "en": "I'm sorry about that. I can return it or exchange it for you, or connect you with a person. What would you like?",
        "zh": "非常抱歉给您带来不好的体验。我可以为您办理退货或换货，也可以为您转接人工客服，您希望怎么处理？",
    },
    "recommend": {"en": "You might like: {items}.", "zh": "为您推荐：{items}。"},
    "recommend_none": {
        "en": "I don't have a recommendation for you right now.",
        "zh": "暂时没有适合您的推荐。",
    },
    "product": {"en": "{name}: {variants}.", "zh": "{name}：{variants}。"},
    "anything_else": {"en": "Anything else?", "zh": "还有其他需要帮忙的吗？"},
    "closed": {
        "en": "This conversation is closed. Please start a new one if you need more help.",
        "zh": "本次对话已结束，如需帮助请开始新的对话。",
    },
}

LABELS: dict[str, dict[str, str]] = {
    "yes": {"en": "Yes", "zh": "是的"},
    "no": {"en": "No", "zh": "不"},
    "human": {"en": "Talk to a person", "zh": "转人工"},
    "all": {"en": "all", "zh": "全部"},
    "cancel": {"en": "cancel", "zh": "取消"},
    "change the shipping address of": {
        "en": "change the shipping address of",
        "zh": "修改收货地址",
    },
    "change the payment method of": {"en": "change the payment method of", "zh": "修改支付方式"},
    "modify items of": {"en": "modify items of", "zh": "修改商品"},
    "return items of": {"en": "return items of", "zh": "退货"},
    "exchange items of": {"en": "exchange items of", "zh": "换货"},
    # what a status refusal says can't be done ("so it can't be returned")
    "refused:cancel_order": {"en": "cancelled", "zh": "取消"},
    "refused:change_address": {"en": "sent to another address", "zh": "修改收货地址"},
    "refused:change_payment": {"en": "paid another way", "zh": "修改支付方式"},
    "refused:change_items": {"en": "changed", "zh": "修改商品"},
    "refused:return_items": {"en": "returned", "zh": "退货"},
    "refused:exchange_items": {"en": "exchanged", "zh": "换货"},
    "no longer needed": {"en": "no longer needed", "zh": "不再需要"},
    "ordered by mistake": {"en": "ordered by mistake", "zh": "误下单"},
    "start_return_items": {"en": "I want to return an item", "zh": "我要退货"},
    "start_exchange_items": {"en": "I want to exchange an item", "zh": "我要换货"},
    "start_cancel_order": {"en": "I want to cancel an order", "zh": "我要取消订单"},
}


def t(key: str, lang: str, **facts: Any) -> str:
    """The ``key`` template in ``lang`` (English fallback) filled with ``facts``."""
    forms = TEMPLATES[key]
    return forms.get(lang, forms["en"]).format(**facts)


def label(key: str, lang: str) -> str:
    """A short UI label or action name in ``lang``."""
    forms = LABELS.get(key)
    return key if forms is None else forms.get(lang, forms["en"])


TEMPLATES.update(
    {
        "done_cancel_order": {
            "en": "Order {order_id} is now cancelled. The refund of {total} goes back to the original payment method (immediately for a gift card, otherwise within 5-7 business days).",
            "zh": "订单 {order_id} 已取消。{total} 将退回原支付方式（礼品卡立即到账，其他方式 5-7 个工作日内到账）。",
        },
        "done_change_address": {
            "en": "Order {order_id} will now ship to {address}.",
            "zh": "订单 {order_id} 的收货地址已改为：{address}。",
        },
        "done_change_default_address": {
            "en": "Your default address is now {address}.",
            "zh": "您的默认地址已改为：{address}。",
        },
        "done_change_payment": {
            "en": "Order {order_id} is now paid with {method}. The original payment is refunded (immediately for a gift card, otherwise within 5-7 business days).",
            "zh": "订单 {order_id} 的支付方式已改为 {method}。原支付款项将退回（礼品卡立即到账，其他 5-7 个工作日）。",
        },
        "done_change_items": {
            "en": "The items of order {order_id} are changed; its status is now '{status}'. The price difference of {difference} is settled with {method}.",
            "zh": "订单 {order_id} 的商品已修改，状态为“{status}”。差价 {difference} 通过 {method} 结算。",
        },
        "done_return_items": {
            "en": "Return requested for order {order_id} (status '{status}'). The refund of {amount} goes to {method}; you'll get an email on how to send the items back.",
            "zh": "订单 {order_id} 已申请退货（状态“{status}”）。{amount} 将退至 {method}；您会收到一封说明如何寄回商品的邮件。",
        },
        "done_exchange_items": {
            "en": "Exchange requested for order {order_id} (status '{status}'). The price difference of {difference} is settled with {method}; you'll get an email on how to send the items back.",
            "zh": "订单 {order_id} 已申请换货（状态“{status}”）。差价 {difference} 通过 {method} 结算；您会收到一封说明如何寄回商品的邮件。",
        },
        "details_cancel_order": {
            "en": "cancel order {order_id} ({items}), reason '{reason}', refund {total}",
            "zh": "取消订单 {order_id}（{items}），原因“{reason}”，退款 {total}",
        },
        "details_change_address": {
            "en": "change the shipping address of order {order_id} to {address}",
            "zh": "将订单 {order_id} 的收货地址改为 {address}",
        },
        "details_change_default_address": {
            "en": "change your default address to {address}",
            "zh": "将您的默认地址改为 {address}",
        },
        "details_change_payment": {
            "en": "pay order {order_id} ({total}) with {method} instead",
            "zh": "订单 {order_id}（{total}）改用 {method} 支付",
        },
        "details_change_items": {
            "en": "in order {order_id}, change {changes}; price difference {difference} settled with {method}. Items can be changed only once, so please make sure this is everything",
            "zh": "订单 {order_id} 中：{changes}；差价 {difference} 通过 {method} 结算。商品只能修改一次，请确认已包含所有要改的商品",
        },
        "details_return_items": {
            "en": "return {items} from order {order_id}; refund {amount} to {method}",
            "zh": "退回订单 {order_id} 中的 {items}；退款 {amount} 至 {method}",
        },
        "details_exchange_items": {
            "en": "in order {order_id}, exchange {changes}; price difference {difference} settled with {method}. Please make sure this lists every item you want to exchange",
            "zh": "订单 {order_id} 中换货：{changes}；差价 {difference} 通过 {method} 结算。请确认已包含所有要换的商品",
        },
        "already_verified": {"en": "You're already verified.", "zh": "您的身份已经验证过了。"},
        "nothing_pending": {
            "en": "There's nothing waiting for your confirmation. How can I help?",
            "zh": "目前没有需要您确认的操作。请问有什么可以帮您？",
        },
        "csat_thanks": {"en": "Thank you for your feedback!", "zh": "感谢您的评价！"},
    }
)


# the shopping assistant (kefu/assistant/_shop.py): anonymous shoppers, no login
TEMPLATES.update(
    {
        "shop_yes": {
            "en": "Yes, {item} is {status} at {price}.",
            "zh": "有的，{item}{status}，价格 {price}。",
        },
        "shop_out": {
            "en": "Sorry, {item} ({price}) is out of stock right now.",
            "zh": "抱歉，{item}（{price}）目前缺货。",
        },
        "shop_instead": {"en": "Available instead: {items}.", "zh": "有货的可选：{items}。"},
        "shop_out_all": {
            "en": "Sorry, {what} in {wanted} is out of stock right now.",
            "zh": "抱歉，{wanted}的{what}目前都缺货。",
        },
        "shop_available": {"en": "In stock: {items}.", "zh": "有货的是：{items}。"},
        "shop_more": {"en": "More options: {items}.", "zh": "还有这些：{items}。"},
        "shop_option_of": {"en": "{item}: {option} {value}.", "zh": "{item}的{option}是{value}。"},
        "shop_option_best": {
            "en": "That is {item}, with {option} {value}: {price}, {status}.",
            "zh": "是{item}，{option}为{value}，价格 {price}，{status}。",
        },
        "shop_largest": {
            "en": "{item} is already the biggest we have.",
            "zh": "{item}已经是最大的规格了。",
        },
        "shop_smallest": {
            "en": "{item} is already the smallest we have.",
            "zh": "{item}已经是最小的规格了。",
        },
        "shop_none_in_stock": {
            "en": "Sorry, the {what} {limit} are all out of stock right now.",
            "zh": "抱歉，{limit}的{what}目前都缺货。",
        },
        "shop_range": {
            "en": "{what} in stock costs from {low} to {high} ({m} of {n} options in stock).",
            "zh": "有货的{what}价格从{low}到{high}（共{n}款，{m}款有货）。",
        },
        "shop_no_more": {
            "en": "That's everything we have that fits.",
            "zh": "符合条件的就是这些了。",
        },
        "shop_not_carried": {
            "en": "Sorry, I couldn't find that in our catalogue. We sell {categories}.",
            "zh": "抱歉，我们的商品目录里没有找到。我们有这些品类：{categories}。",
        },
        "shop_options": {
            "en": "{what} comes in {options}.",
            "zh": "{what}可选：{options}。",
        },
        "shop_yes_many": {
            "en": "Yes, we have {what} in {wanted}: {items}.",
            "zh": "有的，{what}有{wanted}的款式：{items}。",
        },
        "shop_no_combo": {
            "en": "Sorry, we don't have {what} in {wanted}.",
            "zh": "抱歉，{what}没有{wanted}的款式。",
        },
        "shop_none": {
            "en": "Sorry, we have no {what} {limit}.",
            "zh": "抱歉，没有{limit}的{what}。",
        },
        "shop_closest": {
            "en": "The closest options, cheapest first: {items}.",
            "zh": "最接近的选择（从便宜到贵）：{items}。",
        },
        "shop_list": {
            "en": "Here's what we have{limit}, best match first: {items}.",
            "zh": "为您找到{limit}：{items}。",
        },
        "shop_category": {
            "en": "In {category} we have: {items}. Which one would you like to know more about?",
            "zh": "{category}类商品有：{items}。想了解哪一款？",
        },
        "shop_store": {
            "en": "We sell {categories}. What are you looking for?",
            "zh": "我们有这些品类：{categories}。您想找什么？",
        },
        "shop_compare": {
            "en": "{a} costs {pa}; {b} costs {pb}. {cheaper} is cheaper by {diff}.",
            "zh": "{a} {pa}；{b} {pb}。{cheaper} 便宜 {diff}。",
        },
        "shop_compare_same": {
            "en": "{a} and {b} both cost {price}.",
            "zh": "{a} 和 {b} 价格相同，都是 {price}。",
        },
        "shop_differ": {"en": "They differ in {diffs}.", "zh": "不同之处：{diffs}。"},
        "shop_cheaper": {"en": "Cheaper options: {items}.", "zh": "更便宜的有：{items}。"},
        "shop_cheapest": {
            "en": "{item} at {price} is already the cheapest one we have in stock.",
            "zh": "{item}（{price}）已经是有货的最便宜的一款了。",
        },
        "shop_dearer": {"en": "Higher-end options: {items}.", "zh": "更高端的有：{items}。"},
        "shop_price": {
            "en": "{item} costs {price} and is {status}.",
            "zh": "{item} 的价格是 {price}，{status}。",
        },
        "shop_prices": {"en": "Prices: {items}.", "zh": "价格：{items}。"},
        "shop_recommend": {
            "en": "Popular picks{limit}: {items}.",
            "zh": "为您推荐{limit}的热门商品：{items}。",
        },
        "shop_pick": {
            "en": "I'd suggest {item} at {price}: it's the most popular of these.",
            "zh": "推荐 {item}（{price}），是这几款里最受欢迎的。",
        },
        "shop_details": {
            "en": "{item}: {description} It costs {price} and is {status}.",
            "zh": "{item}：{description} 价格 {price}，{status}。",
        },
        "shop_fits": {"en": "These fit{limit}: {items}.", "zh": "{limit}的有：{items}。"},
        "shop_in_stock": {"en": "in stock", "zh": "有货"},
        "shop_in_stock_n": {"en": "in stock ({n} left)", "zh": "有货（库存 {n} 件）"},
        "shop_out_of_stock": {"en": "out of stock", "zh": "目前缺货"},
        "shop_sold_out_mark": {"en": " (out of stock)", "zh": "（缺货）"},
        "shop_under": {"en": " under {price}", "zh": "{price}以内"},
        "shop_over": {"en": " over {price}", "zh": "{price}以上"},
        "shop_between": {"en": " between {low} and {high}", "zh": "{low}到{high}之间"},
        "shop_products": {"en": "products", "zh": "商品"},
        "shop_and": {"en": " and ", "zh": "和"},
    }
)
