"""The order service: every customer-service action on the store, as a typed function.

Each function is also a tool for the assistant and the staff API: its docstring is the
tool description a language model reads, so it says when to use the tool. Business rules
(statuses, reasons, balances, one item change per order) are checked here against the
store policy, never left to a prompt. Write tools run inside :func:`write_tool`: one
transaction, row locks, an audit row, idempotency. Error messages follow the tau2-bench
retail reference word for word where it has one.
"""

from __future__ import annotations

import ast
import json
from datetime import timedelta
from decimal import ROUND_HALF_EVEN, Decimal, DivisionByZero, InvalidOperation, localcontext
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kefu.orders._access import (
    get_customer,
    get_order,
    get_payment_method,
    get_product,
    get_variant,
    is_gift_card,
)
from kefu.orders._write import write_tool
from kefu.orders.context import ToolContext
from kefu.orders.errors import (
    InsufficientBalance,
    InvalidArguments,
    ItemNotFound,
    RuleViolation,
    UserNotFound,
)
from kefu.store.lookup import email_matches, name_zip_matches
from kefu.store.models import (
    Customer,
    Order,
    OrderItem,
    PaymentMethod,
    PaymentTransaction,
    Product,
    Variant,
    utcnow,
)
from kefu.store.tau2 import ADDRESS_FIELDS, money_out, order_record, product_record, user_record

CENT = Decimal("0.01")


# --------------------------------------------------------------------------- lookups (read)


def find_user_id_by_email(session: Session, ctx: ToolContext, email: str) -> str:
    """Find a customer's user id by email address (case-insensitive).

    Use this (or find_user_id_by_name_zip) first to authenticate the customer, even when
    they already gave a user id.
    """
    query = select(Customer.id).where(*email_matches(email)).order_by(Customer.position)
    if ctx.customer_id is not None:
        query = query.where(Customer.id == ctx.customer_id)
    user_id = session.scalars(query).first()
    if user_id is None:
        raise UserNotFound()
    return user_id


def find_user_id_by_name_zip(
    session: Session, ctx: ToolContext, first_name: str, last_name: str, zip: str
) -> str:
    """Find a customer's user id by first name, last name and zip code.

    Names are compared ignoring case, the zip code exactly. Use it to authenticate a
    customer who does not remember their email.
    """
    query = (
        select(Customer.id)
        .where(*name_zip_matches(first_name, last_name, zip))
        .order_by(Customer.position)
    )
    if ctx.customer_id is not None:
        query = query.where(Customer.id == ctx.customer_id)
    user_id = session.scalars(query).first()
    if user_id is None:
        raise UserNotFound()
    return user_id


def get_user_details(session: Session, ctx: ToolContext, user_id: str) -> dict[str, Any]:
    """Get a customer's profile: name, email, default address, payment methods (gift card
    balances included) and order ids."""
    return user_record(get_customer(session, ctx, user_id))


def get_order_details(session: Session, ctx: ToolContext, order_id: str) -> dict[str, Any]:
    """Get an order: status, address, items with prices, fulfilments and payment history.

    Check the status with this before any cancel, modify, return or exchange.
    """
    return order_record(get_order(session, ctx, order_id), with_optional=True)


def get_product_details(session: Session, ctx: ToolContext, product_id: str) -> dict[str, Any]:
    """Get a product type and all its variant items (options, price, availability).

    Takes a product id, not an item id: the two are different numbers.
    """
    return product_record(get_product(session, product_id))


def get_item_details(session: Session, ctx: ToolContext, item_id: str) -> dict[str, Any]:
    """Get one variant item by item id: its options, price and availability."""
    variant = session.get(Variant, item_id)
    if variant is None:
        raise ItemNotFound()
    return {
        "item_id": variant.id,
        "options": dict(variant.options),
        "available": variant.available,
        "price": money_out(variant.price),
    }


def list_all_product_types(session: Session, ctx: ToolContext) -> dict[str, str]:
    """List every product type the store sells, as name -> product id (sorted by name)."""
    rows = session.execute(select(Product.name, Product.id)).all()
    return dict(sorted((name, pid) for name, pid in rows))


def track_order(session: Session, ctx: ToolContext, order_id: str) -> dict[str, Any]:
    """Track an order's shipments: status, carrier, tracking ids and which items each carries."""
    order = get_order(session, ctx, order_id)
    names = {item.variant_id: item.name for item in order.items}
    shipped: set[str] = set()
    shipments = []
    for ful in order.fulfillments:
        shipped.update(ful.item_ids)
        shipments.append(
            {
                "tracking_ids": list(ful.tracking_ids),
                "carrier": ful.carrier,
                "items": [{"item_id": i, "name": names.get(i, "")} for i in ful.item_ids],
                "shipped_at": ful.shipped_at.isoformat() if ful.shipped_at else None,
                "delivered_at": ful.delivered_at.isoformat() if ful.delivered_at else None,
            }
        )
    waiting = [
        {"item_id": i.variant_id, "name": i.name}
        for i in order.items
        if i.variant_id not in shipped
    ]
    return {
        "order_id": order.id,
        "status": order.status,
        "shipments": shipments,
        "not_shipped": waiting,
    }


def order_history(
    session: Session, ctx: ToolContext, user_id: str | None = None
) -> list[dict[str, Any]]:
    """List a customer's orders with status, date, items and total, newest first when dated.

    Without user_id it lists the orders of the customer this conversation is about.
    """
    target = user_id or ctx.customer_id
    if target is None:
        raise InvalidArguments("user_id is required when no customer is authenticated")
    customer = get_customer(session, ctx, target)
    orders = session.scalars(
        select(Order).where(Order.customer_id == customer.id).order_by(Order.customer_position)
    ).all()
    listed = sorted(
        orders, key=lambda o: o.placed_at.timestamp() if o.placed_at else 0.0, reverse=True
    )
    return [
        {
            "order_id": o.id,
            "status": o.status,
            "placed_at": o.placed_at.isoformat() if o.placed_at else None,
            "items": [i.name for i in o.items],
            "total": money_out(sum((i.price for i in o.items), Decimal("0"))),
            "currency": o.currency,
        }
        for o in listed
    ]


# --------------------------------------------------------------------------- calculator

_CALC_CHARS = frozenset("0123456789+-*/(). ")


def calculate(session: Session, ctx: ToolContext, expression: str) -> str:
    """Evaluate an arithmetic expression (numbers, + - * / and parentheses), e.g. to add
    prices. Returns the value rounded to 2 decimals. Never do arithmetic in your head."""
    if not expression.strip() or any(ch not in _CALC_CHARS for ch in expression):
        raise InvalidArguments("Invalid characters in expression")
    try:
        tree = ast.parse(expression.strip(), mode="eval")
        with localcontext() as dec:
            dec.prec = 34
            dec.traps[DivisionByZero] = True
            value = _evaluate(tree.body)
            rounded = value.quantize(CENT, rounding=ROUND_HALF_EVEN)
    except (SyntaxError, InvalidOperation, ValueError, OverflowError):
        raise InvalidArguments("Invalid expression") from None
    except ZeroDivisionError:
        raise InvalidArguments("Division by zero") from None
    return str(float(rounded))


def _evaluate(node: ast.expr) -> Decimal:
    """Exact decimal arithmetic over a parsed expression (no eval, no names, no powers)."""
    if (
        isinstance(node, ast.Constant)
        and isinstance(node.value, int | float)
        and not isinstance(node.value, bool)
    ):
        return Decimal(str(node.value))
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.UAdd | ast.USub):
        operand = _evaluate(node.operand)
        return -operand if isinstance(node.op, ast.USub) else operand
    if isinstance(node, ast.BinOp):
        left, right = _evaluate(node.left), _evaluate(node.right)
        if isinstance(node.op, ast.Add):
            return left + right
        if isinstance(node.op, ast.Sub):
            return left - right
        if isinstance(node.op, ast.Mult):
            return left * right
        if isinstance(node.op, ast.Div):
            if right == 0:
                raise ZeroDivisionError
            return left / right
    raise ValueError("unsupported expression")


# --------------------------------------------------------------------------- helpers


def _set_address(
    row: Order | Customer,
    address1: str,
    address2: str,
    city: str,
    state: str,
    country: str,
    zip: str,
) -> None:
    """Replace the six address fields of an order or a customer."""
    values = {"address1": address1, "address2": address2, "city": city, "state": state}
    values.update(country=country, zip=zip)
    for field in ADDRESS_FIELDS:
        setattr(row, field, values[field])


def _touch(order: Order) -> None:
    """Every write updates the order row, so its version check catches a racing writer."""
    order.updated_at = utcnow()


def _add_transaction(order: Order, kind: str, amount: Decimal, method_id: str) -> None:
    order.payments.append(
        PaymentTransaction(
            transaction_type=kind,
            amount=amount.quantize(CENT),
            payment_method_id=method_id,
            position=len(order.payments),
        )
    )


def _credit(method: PaymentMethod, amount: Decimal) -> None:
    """Move a gift card's balance by ``amount`` (negative = debit), exact to the cent."""
    assert method.balance is not None
    method.balance = (method.balance + amount).quantize(CENT)


def _check_counts(order: Order, item_ids: list[str], message: str) -> None:
    """Each id must occur in the order at least as often as it is listed (duplicates count)."""
    in_order = [item.variant_id for item in order.items]
    for item_id in item_ids:
        if item_ids.count(item_id) > in_order.count(item_id):
            raise ItemNotFound(message.format(item_id=item_id))


def _first_item(order: Order, item_id: str) -> OrderItem:
    item = next((i for i in order.items if i.variant_id == item_id), None)
    if item is None:
        raise ItemNotFound(f"Item {item_id} not found")
    return item


def _replacement(session: Session, item: OrderItem, new_item_id: str) -> Variant:
    """The new variant for an item: same product, and available to buy."""
    variant = get_variant(session, item.product_id, new_item_id)
    if not variant.available:
        raise RuleViolation(f"New item {new_item_id} not found or available")
    return variant


def _check_window(order: Order, days: int | None, what: str) -> None:
    """Refuse a return or exchange once the store's window after delivery has passed."""
    if days is None:
        return
    delivered = [f.delivered_at for f in order.fulfillments if f.delivered_at is not None]
    if delivered and utcnow() - max(delivered) > timedelta(days=days):
        raise RuleViolation(f"The {what} window of {days} days after delivery has passed")


# --------------------------------------------------------------------------- writes


@write_tool("order", "order_id")
def cancel_pending_order(
    session: Session, ctx: ToolContext, order_id: str, reason: str
) -> dict[str, Any]:
    """Cancel a pending order and refund every payment to its original method (gift cards at
    once, other methods in 5-7 business days).

    Only for status 'pending'. The reason must be 'no longer needed' or 'ordered by
    mistake'. List the details and get the customer's explicit yes first.
    """
    policy = ctx.active_policy()
    order = get_order(session, ctx, order_id, lock=True)
    if order.status not in policy.cancellable_statuses:
        raise RuleViolation("Non-pending order cannot be cancelled")
    if reason not in policy.cancel_reasons:
        raise RuleViolation("Invalid reason")
    for payment in list(order.payments):
        method = get_payment_method(
            session, order.customer_id, payment.payment_method_id, lock=True
        )
        _add_transaction(order, "refund", payment.amount, payment.payment_method_id)
        if is_gift_card(method):
            _credit(method, payment.amount)
    order.status = policy.status_cancelled
    order.cancel_reason = reason
    _touch(order)
    return order_record(order, with_optional=True)


@write_tool("order", "order_id")
def modify_pending_order_address(
    session: Session,
    ctx: ToolContext,
    order_id: str,
    address1: str,
    address2: str,
    city: str,
    state: str,
    country: str,
    zip: str,
) -> dict[str, Any]:
    """Change the shipping address of a pending order (the customer's default address is not
    changed). Get the customer's explicit yes first."""
    order = get_order(session, ctx, order_id, lock=True)
    if order.status not in ctx.active_policy().address_modifiable_statuses:
        raise RuleViolation("Non-pending order cannot be modified")
    _set_address(order, address1, address2, city, state, country, zip)
    _touch(order)
    return order_record(order, with_optional=True)


@write_tool("order", "order_id")
def modify_pending_order_payment(
    session: Session, ctx: ToolContext, order_id: str, payment_method_id: str
) -> dict[str, Any]:
    """Pay a pending order with a different saved payment method; the old one is refunded
    (gift cards at once). A gift card must cover the whole amount. Get an explicit yes first."""
    order = get_order(session, ctx, order_id, lock=True)
    if order.status not in ctx.active_policy().payment_modifiable_statuses:
        raise RuleViolation("Non-pending order cannot be modified")
    method = get_payment_method(session, order.customer_id, payment_method_id, lock=True)
    if len(order.payments) != 1 or order.payments[0].transaction_type != "payment":
        raise RuleViolation("There should be exactly one payment for a pending order")
    current = order.payments[0]
    if current.payment_method_id == payment_method_id:
        raise RuleViolation("The new payment method should be different from the current one")
    amount = current.amount
    if is_gift_card(method) and (method.balance or Decimal(0)) < amount:
        raise InsufficientBalance("Insufficient gift card balance to pay for the order")
    old_method = get_payment_method(
        session, order.customer_id, current.payment_method_id, lock=True
    )
    _add_transaction(order, "payment", amount, payment_method_id)
    _add_transaction(order, "refund", amount, current.payment_method_id)
    if is_gift_card(method):
        _credit(method, -amount)
    if is_gift_card(old_method):
        _credit(old_method, amount)
    _touch(order)
    return order_record(order, with_optional=True)


@write_tool("order", "order_id")
def modify_pending_order_items(
    session: Session,
    ctx: ToolContext,
    order_id: str,
    item_ids: list[str],
    new_item_ids: list[str],
    payment_method_id: str,
) -> dict[str, Any]:
    """Swap items of a pending order for other available variants of the same product; the
    price difference is paid with, or refunded to, the given payment method.

    Can be done only once per order (status becomes 'pending (item modified)'), so collect
    every item to change first. item_ids[i] becomes new_item_ids[i]. A gift card must cover
    the difference. Get the customer's explicit yes first.
    """
    policy = ctx.active_policy()
    order = get_order(session, ctx, order_id, lock=True)
    if order.status not in policy.items_modifiable_statuses:
        raise RuleViolation("Non-pending order cannot be modified")
    _check_counts(order, item_ids, "{item_id} not found")
    if len(item_ids) != len(new_item_ids):
        raise InvalidArguments("The number of items to be exchanged should match")
    diff = Decimal("0")
    variants: list[Variant] = []
    for item_id, new_item_id in zip(item_ids, new_item_ids, strict=True):
        if item_id == new_item_id:
            raise InvalidArguments("The new item id should be different from the old item id")
        item = _first_item(order, item_id)
        variant = _replacement(session, item, new_item_id)
        variants.append(variant)
        diff += variant.price - item.price
    method = get_payment_method(session, order.customer_id, payment_method_id, lock=True)
    if is_gift_card(method) and (method.balance or Decimal(0)) < diff:
        raise InsufficientBalance("Insufficient gift card balance to pay for the new item")
    _add_transaction(order, "payment" if diff > 0 else "refund", abs(diff), payment_method_id)
    if is_gift_card(method):
        _credit(method, -diff)
    for item_id, variant in zip(item_ids, variants, strict=True):
        item = _first_item(order, item_id)
        item.variant_id = variant.id
        item.price = variant.price
        item.options = dict(variant.options)
    order.status = policy.status_items_modified
    _touch(order)
    return order_record(order, with_optional=True)


@write_tool("order", "order_id")
def return_delivered_order_items(
    session: Session, ctx: ToolContext, order_id: str, item_ids: list[str], payment_method_id: str
) -> dict[str, Any]:
    """Request a return of items of a delivered order; the customer gets return instructions
    by email. The refund goes to the original payment method or an existing gift card.
    Get the customer's explicit yes first."""
    policy = ctx.active_policy()
    order = get_order(session, ctx, order_id, lock=True)
    if order.status not in policy.returnable_statuses:
        raise RuleViolation("Non-delivered order cannot be returned")
    _check_window(order, policy.return_window_days, "return")
    method = get_payment_method(session, order.customer_id, payment_method_id)
    original = order.payments[0].payment_method_id if order.payments else None
    gift_card_ok = policy.refund_to_any_gift_card and is_gift_card(method)
    if not gift_card_ok and payment_method_id != original:
        raise RuleViolation("Payment method should be the original payment method")
    _check_counts(order, item_ids, "Some item not found")
    order.status = policy.status_return_requested
    order.return_items = sorted(item_ids)
    order.return_payment_method_id = payment_method_id
    _touch(order)
    return order_record(order, with_optional=True)


@write_tool("order", "order_id")
def exchange_delivered_order_items(
    session: Session,
    ctx: ToolContext,
    order_id: str,
    item_ids: list[str],
    new_item_ids: list[str],
    payment_method_id: str,
) -> dict[str, Any]:
    """Request an exchange of items of a delivered order for available variants of the same
    product; the price difference is settled with the given payment method.

    Can be done only once per order, so collect every item first. item_ids[i] is exchanged
    for new_item_ids[i]. A gift card must cover the difference. Get an explicit yes first.
    """
    policy = ctx.active_policy()
    order = get_order(session, ctx, order_id, lock=True)
    if order.status not in policy.exchangeable_statuses:
        raise RuleViolation("Non-delivered order cannot be exchanged")
    _check_window(order, policy.exchange_window_days, "exchange")
    _check_counts(order, item_ids, "Number of {item_id} not found.")
    if len(item_ids) != len(new_item_ids):
        raise InvalidArguments("The number of items to be exchanged should match.")
    diff = Decimal("0")
    for item_id, new_item_id in zip(item_ids, new_item_ids, strict=True):
        item = _first_item(order, item_id)
        diff += _replacement(session, item, new_item_id).price - item.price
    diff = diff.quantize(CENT)
    method = get_payment_method(session, order.customer_id, payment_method_id)
    if is_gift_card(method) and (method.balance or Decimal(0)) < diff:
        raise InsufficientBalance("Insufficient gift card balance to pay for the price difference")
    order.status = policy.status_exchange_requested
    order.exchange_items = sorted(item_ids)
    order.exchange_new_items = sorted(new_item_ids)
    order.exchange_payment_method_id = payment_method_id
    order.exchange_price_difference = diff
    _touch(order)
    return order_record(order, with_optional=True)


@write_tool("customer", "user_id")
def modify_user_address(
    session: Session,
    ctx: ToolContext,
    user_id: str,
    address1: str,
    address2: str,
    city: str,
    state: str,
    country: str,
    zip: str,
) -> dict[str, Any]:
    """Change a customer's default address (existing orders keep theirs). Get an explicit
    yes first."""
    customer = get_customer(session, ctx, user_id, lock=True)
    _set_address(customer, address1, address2, city, state, country, zip)
    return user_record(customer)


@write_tool("conversation", None)
def transfer_to_human_agents(session: Session, ctx: ToolContext, summary: str) -> str:
    """Hand the conversation to a human agent, with a summary of the customer's issue.

    Only when the request cannot be handled with the other tools, or the customer asks
    for a person.
    """
    return "Transfer successful"


def render(data: Any) -> str:
    """The text a language model sees for a tool's data (JSON for records)."""
    return data if isinstance(data, str) else json.dumps(data, ensure_ascii=False)
