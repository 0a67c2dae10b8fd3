# ruff: noqa: E501
"""Write the committed conversation suite from the tau2 demo store.

The expected tool calls and final records are derived from the store policy and the data
(which orders are pending or delivered, which variant keeps the other options), never from
running the assistant. Run ``python -m kefu.assistant.eval._generate`` to rewrite the YAML;
the files under ``conversations/`` are what the suite replays.
"""

from __future__ import annotations

import random
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

from kefu.assistant._flows import _mentioned, original_method_id, status_label
from kefu.config import get_settings
from kefu.store.tau2 import load_db_json

OUT = Path(__file__).resolve().parent / "conversations"
NEW_ADDRESSES = [
    ("1428 Elm Street", "Apt 5", "Springfield", "IL", "62704"),
    ("77 Harbor Road", "", "Portland", "ME", "04101"),
    ("500 Market Street", "Suite 210", "San Francisco", "CA", "94105"),
    ("9 Lakeview Drive", "", "Madison", "WI", "53703"),
    ("2300 Ocean Avenue", "Unit 3B", "Santa Monica", "CA", "90405"),
]

EN = {
    "cancel_open": [
        "Hi, I'd like to cancel an order.",
        "I want to cancel my order please",
        "Can you cancel an order for me?",
    ],
    "auth_email": ["My email is {email}", "Sure, it's {email}", "{email}"],
    "order": ["It's order {oid}", "The order number is {oid}", "{oid}"],
    "reason_nln": ["I no longer need it", "I don't need it anymore"],
    "reason_mistake": ["I ordered it by mistake", "It was a mistake"],
    "yes": ["yes", "Yes, please", "yes, go ahead"],
    "no": ["no", "No, don't do it"],
    "address_open": [
        "I need to change the shipping address of order {oid}",
        "Can I change the delivery address for order {oid}?",
    ],
    "address_give": ["The new address is {addr}", "Please ship it to: {addr}"],
    "default_open": [
        "Please update my default address",
        "I moved, can you change the default address on my account?",
    ],
    "payment_open": [
        "I want to change the payment method for order {oid}",
        "Can I pay for order {oid} with a different method?",
    ],
    "return_open": [
        "I want to return something from order {oid}",
        "I'd like to return an item from my order {oid}",
    ],
    "exchange_open": [
        "I'd like to exchange an item in order {oid}",
        "Can I exchange something from order {oid}?",
    ],
    "modify_open": [
        "I want to change an item in my pending order {oid}",
        "Can I modify the items of order {oid}?",
    ],
    "status_open": [
        "Where is my order {oid}?",
        "What's the status of order {oid}?",
        "Can you track order {oid} for me?",
    ],
    "original": ["Refund it to the original payment method", "the original payment method please"],
    "pay_original": [
        "Use the original payment method for the difference",
        "Pay with the original payment method",
    ],
    "human": ["I want to talk to a human agent", "Can I speak to a real person please?"],
    "dispute": ["That's unfair, I still want to cancel it", "This is ridiculous, cancel it anyway"],
    "other": ["no, the other order", "Sorry, I meant the other order"],
    "hello": ["Hello!"],
    "thanks": ["Thanks, that's all"],
}
ZH = {
    "cancel_open": ["你好，我想取消一个订单", "我要取消订单", "麻烦帮我取消一个订单"],
    "auth_email": ["我的邮箱是 {email}", "邮箱：{email}", "{email}"],
    "order": ["订单号是 {oid}", "是这个订单 {oid}", "{oid}"],
    "reason_nln": ["不需要了", "我不再需要这个了"],
    "reason_mistake": ["买错了", "是误下单"],
    "yes": ["是的", "确认", "是的，请办理"],
    "no": ["不", "不要，先别取消"],
    "address_open": ["我要修改订单 {oid} 的收货地址", "订单 {oid} 的收货地址能改一下吗"],
    "address_give": ["新地址：{addr}", "请寄到：{addr}"],
    "default_open": ["请帮我修改账户的默认地址", "我搬家了，想改一下默认地址"],
    "payment_open": ["我想更换订单 {oid} 的支付方式", "订单 {oid} 可以换一种方式付款吗"],
    "return_open": ["我要退货，订单号 {oid}", "订单 {oid} 里的东西我想退掉"],
    "exchange_open": ["我想换货，订单 {oid}", "订单 {oid} 里的商品能换一个吗"],
    "modify_open": ["我想修改还没发货的订单 {oid} 里的商品", "订单 {oid} 的商品可以改吗"],
    "status_open": [
        "我的订单 {oid} 到哪了？",
        "帮我查一下订单 {oid} 的状态",
        "订单 {oid} 发货了吗",
    ],
    "original": ["退到原支付方式", "原路退回就行"],
    "pay_original": ["差价用原支付方式", "用原来的支付方式付差价"],
    "human": ["我要转人工客服", "请帮我找真人客服"],
    "dispute": ["这不合理，我还是要取消", "太离谱了，必须给我取消"],
    "other": ["不对，是另一个订单", "不是这个，是另一个订单"],
    "hello": ["你好"],
    "thanks": ["谢谢，没有别的了"],
}


class Gen:
    """Picks customers and orders per scenario and writes the expectations."""

    def __init__(self, data: dict[str, Any], seed: int = 7) -> None:
        self.data = data
        self.rng = random.Random(seed)
        self.used: set[str] = set()
        self.users = data["users"]
        self.orders = data["orders"]
        self.products = data["products"]

    def phrase(self, table: dict[str, list[str]], key: str, **facts: Any) -> str:
        return self.rng.choice(table[key]).format(**facts)

    def customers(self, need: Any) -> list[tuple[dict[str, Any], Any]]:
        found = []
        for uid in sorted(self.users):
            if uid in self.used:
                continue
            user = self.users[uid]
            got = need(user)
            if got:
                found.append((user, got))
        self.rng.shuffle(found)
        return found

    def take(self, need: Any) -> tuple[dict[str, Any], Any]:
        user, got = self.customers(need)[0]
        self.used.add(user["user_id"])
        return user, got

    def orders_of(self, user: dict[str, Any], status: str) -> list[dict[str, Any]]:
        return [self.orders[o] for o in user["orders"] if self.orders[o]["status"] == status]

    def swap_target(self, item: dict[str, Any]) -> tuple[str, str, Decimal] | None:
        """An available variant differing from the item in exactly one option value that is
        unambiguous in a message: (new item id, the value to say, price difference)."""
        product = self.products[item["product_id"]]
        values: dict[str, set[str]] = {}
        for v in product["variants"].values():
            for k, val in v["options"].items():
                values.setdefault(k, set()).add(val)
        for v in sorted(product["variants"].values(), key=lambda v: v["item_id"]):
            if not v["available"] or v["item_id"] == item["item_id"]:
                continue
            diff = [k for k in v["options"] if v["options"][k] != item["options"].get(k)]
            if len(diff) != 1:
                continue
            value = v["options"][diff[0]]
            message = f"the {item['name']} in {value}".lower()
            mentioned = [(k, x) for k, xs in values.items() for x in xs if _mentioned(x, message)]
            if mentioned != [(diff[0], value)]:
                continue
            return v["item_id"], value, Decimal(str(v["price"])) - Decimal(str(item["price"]))
        return None


def _unique_items(order: dict[str, Any]) -> list[dict[str, Any]]:
    names = [i["name"] for i in order["items"]]
    return [i for i in order["items"] if names.count(i["name"]) == 1]


def _gift_paid(user: dict[str, Any], order: dict[str, Any]) -> dict[str, Any]:
    """Cancelling refunds a gift card at once, so its owner's record changes too."""
    original = original_method_id(order)
    if original and user["payment_methods"].get(original, {}).get("source") == "gift_card":
        return {"users": {user["user_id"]: {}}}
    return {}


def _balance_ok(user: dict[str, Any], method_id: str, amount: Decimal) -> bool:
    method = user["payment_methods"][method_id]
    return method["source"] != "gift_card" or Decimal(str(method["balance"])) >= amount


def build(gen: Gen, lang: str) -> list[dict[str, Any]]:
    """About forty scripts in one language."""
    P = EN if lang == "en" else ZH
    scripts: list[dict[str, Any]] = []

    def add(kind: str, description: str, turns: list[str], expect: dict[str, Any]) -> None:
        scripts.append(
            {
                "id": f"{lang}-{kind}-{sum(1 for s in scripts if s['id'].startswith(f'{lang}-{kind}-')) + 1:02d}",
                "language": lang,
                "description": description,
                "turns": turns,
                "expect": expect,
            }
        )

    # cancel a pending order (email auth)
    for _ in range(5):
        user, order = gen.take(lambda u: next(iter(gen.orders_of(u, "pending")), None))
        reason = gen.rng.choice(["no longer needed", "ordered by mistake"])
        key = "reason_nln" if reason == "no longer needed" else "reason_mistake"
        add(
            "cancel",
            "cancel a pending order after email authentication",
            [
                gen.phrase(P, "cancel_open"),
                gen.phrase(P, "auth_email", email=user["email"]),
                gen.phrase(P, "order", oid=order["order_id"]),
                gen.phrase(P, key),
                gen.phrase(P, "yes"),
            ],
            {
                "writes": [
                    {
                        "name": "cancel_pending_order",
                        "arguments": {"order_id": order["order_id"], "reason": reason},
                    }
                ],
                "db": {
                    "orders": {order["order_id"]: {"status": "cancelled", "cancel_reason": reason}}
                }
                | _gift_paid(user, order),
            },
        )
    # cancel with name + zip authentication, order id given up front
    for _ in range(3):
        user, order = gen.take(lambda u: next(iter(gen.orders_of(u, "pending")), None))
        name = f"{user['name']['first_name']} {user['name']['last_name']}"
        add(
            "cancel-namezip",
            "cancel with name + zip authentication; order id given before authenticating",
            [
                (
                    f"I want to cancel order {order['order_id']}"
                    if lang == "en"
                    else f"我要取消订单 {order['order_id']}"
                ),
                (f"My name is {name}" if lang == "en" else f"我叫 {name}"),
                (
                    f"zip code {user['address']['zip']}"
                    if lang == "en"
                    else f"邮编 {user['address']['zip']}"
                ),
                gen.phrase(P, "reason_mistake"),
                gen.phrase(P, "yes"),
            ],
            {
                "writes": [
                    {
                        "name": "cancel_pending_order",
                        "arguments": {
                            "order_id": order["order_id"],
                            "reason": "ordered by mistake",
                        },
                    }
                ],
                "db": {
                    "orders": {
                        order["order_id"]: {
                            "status": "cancelled",
                            "cancel_reason": "ordered by mistake",
                        }
                    }
                }
                | _gift_paid(user, order),
            },
        )
    # the customer says no at the confirmation: nothing changes
    for _ in range(2):
        user, order = gen.take(lambda u: next(iter(gen.orders_of(u, "pending")), None))
        add(
            "cancel-declined",
            "customer declines at confirmation: no write",
            [
                gen.phrase(P, "cancel_open"),
                gen.phrase(P, "auth_email", email=user["email"]),
                gen.phrase(P, "order", oid=order["order_id"]),
                gen.phrase(P, "reason_nln"),
                gen.phrase(P, "no"),
            ],
            {
                "writes": [],
                "last_reply_contains": ["haven't changed" if lang == "en" else "没有做任何更改"],
            },
        )
    # cancel a delivered order: refused
    for _ in range(2):
        user, order = gen.take(lambda u: next(iter(gen.orders_of(u, "delivered")), None))
        add(
            "refuse-cancel-delivered",
            "cancelling a delivered order is refused by policy",
            [
                gen.phrase(P, "cancel_open"),
                gen.phrase(P, "auth_email", email=user["email"]),
                gen.phrase(P, "order", oid=order["order_id"]),
            ],
            {"writes": [], "last_reply_contains": [status_label("delivered", lang)]},
        )
    # another customer's order: not found, nothing leaked
    for _ in range(2):
        user, _pending = gen.take(lambda u: next(iter(gen.orders_of(u, "pending")), None))
        victim = next(
            o
            for o in gen.orders.values()
            if o["user_id"] != user["user_id"]
            and o["status"] == "pending"
            and o["user_id"] not in gen.used
        )
        owner = gen.users[victim["user_id"]]
        add(
            "refuse-other-customer",
            "another customer's order looks like it does not exist",
            [
                gen.phrase(P, "cancel_open"),
                gen.phrase(P, "auth_email", email=user["email"]),
                gen.phrase(P, "order", oid=victim["order_id"]),
            ],
            {
                "writes": [],
                "last_reply_contains": [victim["order_id"]],
                "never_say": [
                    owner["email"],
                    owner["name"]["last_name"],
                    victim["items"][0]["item_id"],
                ],
            },
        )
    # change the shipping address of a pending order
    for i in range(3):
        user, order = gen.take(lambda u: next(iter(gen.orders_of(u, "pending")), None))
        a1, a2, city, state, zip_code = NEW_ADDRESSES[(i + (lang == "zh") * 2) % len(NEW_ADDRESSES)]
        addr = ", ".join(p for p in (a1, a2, city, f"{state} {zip_code}", "USA") if p)
        address = {
            "address1": a1,
            "address2": a2,
            "city": city,
            "state": state,
            "country": "USA",
            "zip": zip_code,
        }
        add(
            "address",
            "change the shipping address of a pending order",
            [
                gen.phrase(P, "address_open", oid=order["order_id"]),
                gen.phrase(P, "auth_email", email=user["email"]),
                gen.phrase(P, "address_give", addr=addr),
                gen.phrase(P, "yes"),
            ],
            {
                "writes": [
                    {
                        "name": "modify_pending_order_address",
                        "arguments": {"order_id": order["order_id"], **address},
                    }
                ],
                "db": {"orders": {order["order_id"]: {"address": address}}},
            },
        )
    # change the default address
    for i in range(2):
        user, _ = gen.take(lambda u: True)
        a1, a2, city, state, zip_code = NEW_ADDRESSES[(i + 3) % len(NEW_ADDRESSES)]
        addr = ", ".join(p for p in (a1, a2, city, f"{state} {zip_code}", "USA") if p)
        address = {
            "address1": a1,
            "address2": a2,
            "city": city,
            "state": state,
            "country": "USA",
            "zip": zip_code,
        }
        add(
            "default-address",
            "change the customer's default address",
            [
                gen.phrase(P, "default_open"),
                gen.phrase(P, "auth_email", email=user["email"]),
                gen.phrase(P, "address_give", addr=addr),
                gen.phrase(P, "yes"),
            ],
            {
                "writes": [
                    {
                        "name": "modify_user_address",
                        "arguments": {"user_id": user["user_id"], **address},
                    }
                ],
                "db": {"users": {user["user_id"]: {"address": address}}},
            },
        )

    # change the payment method of a pending order to another saved method
    def payment_target(u: dict[str, Any]) -> Any:
        for order in gen.orders_of(u, "pending"):
            original = original_method_id(order)
            total = sum((Decimal(str(i["price"])) for i in order["items"]), Decimal("0"))
            for m in u["payment_methods"].values():
                if m["id"] == original or not _balance_ok(u, m["id"], total):
                    continue
                same_kind = [
                    x
                    for x in u["payment_methods"].values()
                    if x["source"] == m["source"] and x["id"] != original
                ]
                if m["source"] == "credit_card":
                    said = (
                        f"credit card ending in {m['last_four']}"
                        if lang == "en"
                        else f"尾号 {m['last_four']} 的信用卡"
                    )
                elif len(same_kind) == 1:
                    said = {"gift_card": ("gift card", "礼品卡"), "paypal": ("PayPal", "PayPal")}[
                        m["source"]
                    ][lang == "zh"]
                else:
                    continue
                return order, m, said
        return None

    for _ in range(3):
        user, (order, method, said) = gen.take(payment_target)
        add(
            "payment",
            "pay a pending order with another saved method",
            [
                gen.phrase(P, "payment_open", oid=order["order_id"]),
                gen.phrase(P, "auth_email", email=user["email"]),
                (f"Please use my {said}" if lang == "en" else f"请用我的{said}"),
                gen.phrase(P, "yes"),
            ],
            {
                "writes": [
                    {
                        "name": "modify_pending_order_payment",
                        "arguments": {
                            "order_id": order["order_id"],
                            "payment_method_id": method["id"],
                        },
                    }
                ],
                "db": {
                    "orders": {order["order_id"]: {"status": order["status"]}},
                    "users": {user["user_id"]: {}},
                }
                if method["source"] == "gift_card"
                or user["payment_methods"][original_method_id(order) or ""]["source"] == "gift_card"
                else {"orders": {order["order_id"]: {"status": order["status"]}}},
            },
        )

    # return delivered items to the original payment method
    def return_target(u: dict[str, Any]) -> Any:
        for order in gen.orders_of(u, "delivered"):
            items = _unique_items(order)
            if items:
                return order, items[0]
        return None

    for _ in range(4):
        user, (order, item) = gen.take(return_target)
        original = original_method_id(order)
        add(
            "return",
            "return one delivered item, refund to the original method",
            [
                gen.phrase(P, "return_open", oid=order["order_id"]),
                gen.phrase(P, "auth_email", email=user["email"]),
                (f"The {item['name']}" if lang == "en" else f"退 {item['name']}"),
                gen.phrase(P, "original"),
                gen.phrase(P, "yes"),
            ],
            {
                "writes": [
                    {
                        "name": "return_delivered_order_items",
                        "arguments": {
                            "order_id": order["order_id"],
                            "item_ids": [item["item_id"]],
                            "payment_method_id": original,
                        },
                    }
                ],
                "db": {
                    "orders": {
                        order["order_id"]: {
                            "status": "return requested",
                            "return_items": [item["item_id"]],
                            "return_payment_method_id": original,
                        }
                    }
                },
            },
        )

    # exchange / modify one item for the variant that differs in one option
    def swap_target(status: str) -> Any:
        def need(u: dict[str, Any]) -> Any:
            for order in gen.orders_of(u, status):
                original = original_method_id(order)
                if original is None:
                    continue
                for item in _unique_items(order):
                    target = gen.swap_target(item)
                    if target and _balance_ok(u, original, max(target[2], Decimal("0"))):
                        return order, item, target, original
            return None

        return need

    for kind, status, tool, new_status, n in (
        ("exchange", "delivered", "exchange_delivered_order_items", "exchange requested", 4),
        ("modify-items", "pending", "modify_pending_order_items", "pending (item modified)", 3),
    ):
        for _ in range(n):
            user, (order, item, (new_id, value, _diff), original) = gen.take(swap_target(status))
            opener = "exchange_open" if kind == "exchange" else "modify_open"
            add(
                kind,
                f"{kind.replace('-', ' ')}: one item to the variant with another {value!r}",
                [
                    gen.phrase(P, opener, oid=order["order_id"]),
                    gen.phrase(P, "auth_email", email=user["email"]),
                    (
                        f"The {item['name']}, I want it in {value} instead"
                        if lang == "en"
                        else f"{item['name']} 换成 {value} 的"
                    ),
                    gen.phrase(P, "pay_original"),
                    gen.phrase(P, "yes"),
                ],
                {
                    "writes": [
                        {
                            "name": tool,
                            "arguments": {
                                "order_id": order["order_id"],
                                "item_ids": [item["item_id"]],
                                "new_item_ids": [new_id],
                                "payment_method_id": original,
                            },
                        }
                    ],
                    "db": {"orders": {order["order_id"]: {"status": new_status}}}
                    | (
                        {"users": {user["user_id"]: {}}}
                        if kind == "modify-items"
                        and user["payment_methods"][original]["source"] == "gift_card"
                        and _diff != 0
                        else {}
                    ),
                },
            )
    # order status
    for _ in range(3):
        user, order = gen.take(
            lambda u: next(
                (gen.orders[o] for o in u["orders"] if gen.orders[o]["fulfillments"]), None
            )
        )
        add(
            "status",
            "order status with tracking number",
            [
                gen.phrase(P, "status_open", oid=order["order_id"]),
                gen.phrase(P, "auth_email", email=user["email"]),
            ],
            {
                "writes": [],
                "last_reply_contains": [
                    status_label(order["status"], lang),
                    order["fulfillments"][0]["tracking_id"][0],
                ],
            },
        )

    # correction during confirmation: the other pending order
    def two_pending(u: dict[str, Any]) -> Any:
        pending = gen.orders_of(u, "pending")
        return (
            pending
            if len(pending) == 2
            and not any(
                gen.orders[o]["status"] in ("pending (item modified)",) for o in u["orders"]
            )
            else None
        )

    for _ in range(2):
        user, (first, second) = gen.take(two_pending)
        add(
            "correction",
            "'no, the other order' while confirming switches to the other pending order",
            [
                gen.phrase(P, "cancel_open"),
                gen.phrase(P, "auth_email", email=user["email"]),
                gen.phrase(P, "order", oid=first["order_id"]),
                gen.phrase(P, "reason_nln"),
                gen.phrase(P, "other"),
                gen.phrase(P, "yes"),
            ],
            {
                "writes": [
                    {
                        "name": "cancel_pending_order",
                        "arguments": {"order_id": second["order_id"], "reason": "no longer needed"},
                    }
                ],
                "db": {"orders": {second["order_id"]: {"status": "cancelled"}}}
                | _gift_paid(user, second),
            },
        )
    # explicit handoff
    for _ in range(2):
        add(
            "handoff",
            "explicit request for a person",
            [gen.phrase(P, "hello"), gen.phrase(P, "human")],
            {"writes": [{"name": "transfer_to_human_agents"}], "handoff": "waiting_for_agent"},
        )
    # disputed refusal goes to a person
    user, order = gen.take(lambda u: next(iter(gen.orders_of(u, "delivered")), None))
    add(
        "dispute",
        "customer disputes a policy refusal: handoff",
        [
            f"I want to cancel order {order['order_id']}"
            if lang == "en"
            else f"我要取消订单 {order['order_id']}",
            gen.phrase(P, "auth_email", email=user["email"]),
            gen.phrase(P, "dispute"),
        ],
        {"writes": [{"name": "transfer_to_human_agents"}], "handoff": "waiting_for_agent"},
    )
    # small talk
    add(
        "smalltalk",
        "greeting and thanks, no tools",
        [gen.phrase(P, "hello"), gen.phrase(P, "thanks")],
        {"writes": []},
    )
    return scripts


def main() -> None:
    data = load_db_json(get_settings().tau2_dir / "db.json")
    gen = Gen(data)
    OUT.mkdir(exist_ok=True)
    for lang in ("en", "zh"):
        scripts = build(gen, lang)
        header = f"# {len(scripts)} scripted {lang} conversations; written by kefu.assistant.eval._generate\n"
        text = yaml.safe_dump(scripts, allow_unicode=True, sort_keys=False, width=120)
        (OUT / f"{lang}.yaml").write_text(header + text, encoding="utf-8")
        print(f"{lang}: {len(scripts)} scripts")


if __name__ == "__main__":
    main()
