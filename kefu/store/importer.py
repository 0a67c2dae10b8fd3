"""Import a store's own catalogue, customers and orders from CSV or JSON.

All rows are validated first (types, required fields, references to products, variants,
customers and payment methods, duplicate ids); any bad row aborts the whole import with
a list of ``row number: reason`` and nothing is written. Formats are documented in
``docs/import.md``.

CSV shapes (header row required; ``options`` is ``key=value; key=value`` or JSON):
- products: ``product_id,name,name_zh,name_en,category,description,variant_id,options,price,
  available,stock``
  (one row per variant; product columns repeat)
- customers: ``customer_id,first_name,last_name,email,phone,language,address1,address2,city,
  state,country,zip``
- orders: ``order_id,customer_id,status,placed_at,variant_id,quantity,payment_method_id``
  (one row per item)

JSON: a list of records of one kind, or a bundle ``{"products": [...], "customers": [...],
"orders": [...]}`` with nested ``variants``, ``payment_methods``, ``items`` and ``fulfillments``
(see ``kefu/demo/data/zh_store.json``).
"""

from __future__ import annotations

import csv
import io
import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, EmailStr, Field, ValidationError, field_validator
from sqlalchemy import select
from sqlalchemy.orm import Session

from kefu.store.models import (
    Customer,
    Fulfillment,
    Order,
    OrderItem,
    PaymentMethod,
    PaymentTransaction,
    Product,
    Variant,
)

Kind = Literal["products", "customers", "orders"]
MAX_ROWS = 200_000


@dataclass(frozen=True)
class RowError:
    """Why one input row was rejected (rows count from 1; for CSV, the header is row 1)."""

    row: int
    reason: str


class ImportFailed(Exception):
    """Raised with every bad row; the transaction is rolled back by the caller."""

    def __init__(self, errors: list[RowError]) -> None:
        super().__init__(f"{len(errors)} bad row(s)")
        self.errors = errors


# --------------------------------------------------------------------------- row models


def _parse_options(value: Any) -> dict[str, str]:
    if value is None or value == "":
        return {}
    if isinstance(value, dict):
        return {str(k): str(v) for k, v in value.items()}
    text = str(value).strip()
    if text.startswith("{"):
        loaded = json.loads(text)
        if not isinstance(loaded, dict):
            raise ValueError("options must be an object")
        return {str(k): str(v) for k, v in loaded.items()}
    out: dict[str, str] = {}
    for part in text.split(";"):
        if not part.strip():
            continue
        if "=" not in part:
            raise ValueError(f"option {part.strip()!r} is not key=value")
        key, val = part.split("=", 1)
        out[key.strip()] = val.strip()
    return out


class VariantIn(BaseModel):
    variant_id: str = Field(min_length=1, max_length=64)
    options: dict[str, str] = Field(default_factory=dict)
    price: Decimal = Field(ge=0, max_digits=12, decimal_places=2)
    available: bool = True
    stock: int | None = Field(default=None, ge=0)

    _opts = field_validator("options", mode="before")(_parse_options)


class ProductIn(BaseModel):
    product_id: str = Field(min_length=1, max_length=64)
    name: str = Field(min_length=1, max_length=255)
    name_zh: str | None = None
    name_en: str | None = None
    category: str | None = None
    description: str | None = None
    language: Literal["zh", "en"] = "en"
    variants: list[VariantIn] = Field(min_length=1)


class PaymentMethodIn(BaseModel):
    payment_method_id: str = Field(min_length=1, max_length=64)
    source: Literal["credit_card", "paypal", "gift_card", "alipay", "wechat_pay"]
    brand: str | None = None
    last_four: str | None = Field(default=None, pattern=r"^\d{4}$")
    balance: Decimal | None = Field(default=None, ge=0, max_digits=12, decimal_places=2)


class CustomerIn(BaseModel):
    customer_id: str = Field(min_length=1, max_length=64)
    first_name: str = Field(min_length=1, max_length=120)
    last_name: str = Field(min_length=1, max_length=120)
    email: EmailStr
    phone: str | None = Field(default=None, max_length=40)
    language: Literal["zh", "en"] = "en"
    address1: str = ""
    address2: str = ""
    city: str = ""
    state: str = ""
    country: str = ""
    zip: str = Field(default="", max_length=20)
    payment_methods: list[PaymentMethodIn] = Field(default_factory=list)


class ItemIn(BaseModel):
    variant_id: str = Field(min_length=1)
    quantity: int = Field(default=1, ge=1, le=1000)


class FulfillmentIn(BaseModel):
    tracking_ids: list[str] = Field(default_factory=list)
    carrier: str | None = None
    item_variant_ids: list[str] = Field(default_factory=list)


class OrderIn(BaseModel):
    order_id: str = Field(min_length=1, max_length=64)
    customer_id: str = Field(min_length=1)
    status: Literal[
        "pending", "processed", "delivered", "cancelled", "return requested", "exchange requested"
    ]
    placed_at: datetime | None = None
    items: list[ItemIn] = Field(min_length=1)
    payment_method_id: str = Field(min_length=1)
    fulfillments: list[FulfillmentIn] = Field(default_factory=list)
    cancel_reason: str | None = None

    @field_validator("placed_at")
    @classmethod
    def _aware(cls, value: datetime | None) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("placed_at needs a timezone (e.g. 2026-05-01T10:00:00+08:00)")
        return value


# --------------------------------------------------------------------------- reading


def _read_rows(path: Path, kind: Kind) -> list[tuple[int, dict[str, Any]]]:
    """(row number, record) pairs; CSV rows are grouped into nested records per kind."""
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportFailed([RowError(0, "file is not UTF-8 text")]) from None
    if path.suffix.lower() == ".json":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ImportFailed([RowError(exc.lineno, f"invalid JSON: {exc.msg}")]) from None
        if isinstance(data, dict):
            data = data.get(kind, [])
        if not isinstance(data, list):
            raise ImportFailed([RowError(0, f"expected a list of {kind} records")])
        return list(enumerate(data, start=1))
    reader = csv.DictReader(io.StringIO(text))
    rows = [
        (n, {k: (v.strip() if isinstance(v, str) else v) for k, v in row.items() if k})
        for n, row in enumerate(reader, start=2)
    ]
    if len(rows) > MAX_ROWS:
        raise ImportFailed([RowError(0, f"more than {MAX_ROWS} rows")])
    return _group_csv(rows, kind)


def _group_csv(
    rows: list[tuple[int, dict[str, Any]]], kind: Kind
) -> list[tuple[int, dict[str, Any]]]:
    if kind == "customers":
        return [(n, {k: v for k, v in r.items() if v not in ("", None)}) for n, r in rows]
    key = "product_id" if kind == "products" else "order_id"
    grouped: dict[str, tuple[int, dict[str, Any]]] = {}
    for n, r in rows:
        ident = r.get(key) or f"<row {n}>"
        if ident not in grouped:
            head = {k: v for k, v in r.items() if v not in ("", None)}
            head["variants" if kind == "products" else "items"] = []
            grouped[ident] = (n, head)
        _, rec = grouped[ident]
        if kind == "products":
            rec["variants"].append(
                {
                    k: r.get(k)
                    for k in ("variant_id", "options", "price", "available", "stock")
                    if r.get(k) not in ("", None)
                }
            )
        else:
            rec["items"].append(
                {k: r.get(k) for k in ("variant_id", "quantity") if r.get(k) not in ("", None)}
            )
    return list(grouped.values())


# --------------------------------------------------------------------------- validation + write


def _validate(
    rows: list[tuple[int, dict[str, Any]]], model: type[BaseModel]
) -> tuple[list[tuple[int, Any]], list[RowError]]:
    good: list[tuple[int, Any]] = []
    errors: list[RowError] = []
    for n, rec in rows:
        if not isinstance(rec, dict):
            errors.append(RowError(n, "record is not an object"))
            continue
        try:
            good.append((n, model.model_validate(rec)))
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"])
            errors.append(RowError(n, f"{where}: {first['msg']}" if where else first["msg"]))
    return good, errors


def import_file(session: Session, path: Path, kind: str) -> int:
    """Import one file of ``kind``; all rows or none (raises :class:`ImportFailed`)."""
    if kind not in ("products", "customers", "orders"):
        raise ImportFailed([RowError(0, f"unknown kind {kind!r} (products, customers, orders)")])
    rows = _read_rows(Path(path), kind)  # type: ignore[arg-type]
    if not rows:
        raise ImportFailed([RowError(0, "no rows")])
    return import_records(session, kind, [r for _, r in rows], row_numbers=[n for n, _ in rows])  # type: ignore[arg-type]


def import_records(
    session: Session,
    kind: Kind,
    records: list[dict[str, Any]],
    row_numbers: list[int] | None = None,
) -> int:
    """Validate and add ``records`` of ``kind``; raises :class:`ImportFailed` without writing."""
    numbers = row_numbers or list(range(1, len(records) + 1))
    rows = list(zip(numbers, records, strict=True))
    writer = {
        "products": _import_products,
        "customers": _import_customers,
        "orders": _import_orders,
    }[kind]
    return writer(session, rows)


def _duplicates(good: list[tuple[int, Any]], attr: str, existing: set[str]) -> list[RowError]:
    seen: set[str] = set()
    errors = []
    for n, rec in good:
        ident = getattr(rec, attr)
        if ident in existing:
            errors.append(RowError(n, f"{attr} {ident!r} already exists in the store"))
        elif ident in seen:
            errors.append(RowError(n, f"duplicate {attr} {ident!r} in the file"))
        seen.add(ident)
    return errors


def _import_products(session: Session, rows: list[tuple[int, dict[str, Any]]]) -> int:
    good, errors = _validate(rows, ProductIn)
    errors += _duplicates(good, "product_id", set(session.scalars(select(Product.id))))
    existing_variants = set(session.scalars(select(Variant.id)))
    seen: set[str] = set()
    for n, p in good:
        for v in p.variants:
            if v.variant_id in existing_variants or v.variant_id in seen:
                errors.append(RowError(n, f"duplicate variant_id {v.variant_id!r}"))
            seen.add(v.variant_id)
    if errors:
        raise ImportFailed(sorted(errors, key=lambda e: e.row))
    base = (
        session.scalar(select(Product.position).order_by(Product.position.desc()).limit(1)) or 0
    ) + 1
    for i, (_, p) in enumerate(good):
        product = Product(
            id=p.product_id,
            name=p.name,
            name_zh=p.name_zh or (p.name if p.language == "zh" else None),
            name_en=p.name_en or (p.name if p.language == "en" else None),
            category=p.category,
            description=p.description,
            language=p.language,
            position=base + i,
        )
        for pos, v in enumerate(p.variants):
            product.variants.append(
                Variant(
                    id=v.variant_id,
                    options=v.options,
                    price=v.price,
                    available=v.available,
                    stock=v.stock,
                    position=pos,
                )
            )
        session.add(product)
    session.flush()
    return len(good)


def _import_customers(session: Session, rows: list[tuple[int, dict[str, Any]]]) -> int:
    good, errors = _validate(rows, CustomerIn)
    errors += _duplicates(good, "customer_id", set(session.scalars(select(Customer.id))))
    existing_pm = set(session.scalars(select(PaymentMethod.id)))
    for n, c in good:
        for m in c.payment_methods:
            if m.payment_method_id in existing_pm:
                errors.append(
                    RowError(n, f"payment_method_id {m.payment_method_id!r} already exists")
                )
            existing_pm.add(m.payment_method_id)
            if (m.balance is not None) != (m.source == "gift_card"):
                errors.append(
                    RowError(
                        n, f"{m.payment_method_id}: only gift cards carry a balance (and need one)"
                    )
                )
    if errors:
        raise ImportFailed(sorted(errors, key=lambda e: e.row))
    base = (
        session.scalar(select(Customer.position).order_by(Customer.position.desc()).limit(1)) or 0
    ) + 1
    for i, (_, c) in enumerate(good):
        customer = Customer(
            id=c.customer_id,
            first_name=c.first_name,
            last_name=c.last_name,
            email=str(c.email),
            phone=c.phone,
            language=c.language,
            address1=c.address1,
            address2=c.address2,
            city=c.city,
            state=c.state,
            country=c.country,
            zip=c.zip,
            position=base + i,
        )
        for pos, m in enumerate(c.payment_methods):
            customer.payment_methods.append(
                PaymentMethod(
                    id=m.payment_method_id,
                    source=m.source,
                    brand=m.brand,
                    last_four=m.last_four,
                    balance=m.balance,
                    position=pos,
                )
            )
        session.add(customer)
    session.flush()
    return len(good)


def _import_orders(session: Session, rows: list[tuple[int, dict[str, Any]]]) -> int:
    good, errors = _validate(rows, OrderIn)
    errors += _duplicates(good, "order_id", set(session.scalars(select(Order.id))))
    customer_ids = {o.customer_id for _, o in good}
    customers = {
        c.id: c for c in session.scalars(select(Customer).where(Customer.id.in_(customer_ids)))
    }
    methods = {
        m.id: m.customer_id
        for m in session.scalars(
            select(PaymentMethod).where(PaymentMethod.customer_id.in_(customer_ids))
        )
    }
    variant_ids = {i.variant_id for _, o in good for i in o.items}
    variants = {
        v.id: v for v in session.scalars(select(Variant).where(Variant.id.in_(variant_ids)))
    }
    for n, o in good:
        if o.customer_id not in customers:
            errors.append(RowError(n, f"unknown customer_id {o.customer_id!r}"))
        elif methods.get(o.payment_method_id) != o.customer_id:
            errors.append(
                RowError(
                    n, f"payment method {o.payment_method_id!r} does not belong to {o.customer_id}"
                )
            )
        for item in o.items:
            if item.variant_id not in variants:
                errors.append(RowError(n, f"unknown variant_id {item.variant_id!r}"))
    if errors:
        raise ImportFailed(sorted(errors, key=lambda e: e.row))
    base = (
        session.scalar(select(Order.position).order_by(Order.position.desc()).limit(1)) or 0
    ) + 1
    per_customer: dict[str, int] = defaultdict(int)
    for c in customers.values():
        per_customer[c.id] = len(c.orders)
    for i, (_, o) in enumerate(good):
        customer = customers[o.customer_id]
        order = Order(
            id=o.order_id,
            customer_id=o.customer_id,
            status=o.status,
            placed_at=o.placed_at.astimezone(UTC) if o.placed_at else None,
            cancel_reason=o.cancel_reason,
            position=base + i,
            customer_position=per_customer[o.customer_id],
            currency="CNY" if customer.language == "zh" else "USD",
            **{
                f: getattr(customer, f)
                for f in ("address1", "address2", "city", "state", "country", "zip")
            },
        )
        per_customer[o.customer_id] += 1
        total = Decimal("0.00")
        pos = 0
        for item in o.items:
            v = variants[item.variant_id]
            for _ in range(item.quantity):
                order.items.append(
                    OrderItem(
                        product_id=v.product_id,
                        variant_id=v.id,
                        name=v.product.name,
                        price=v.price,
                        options=dict(v.options),
                        position=pos,
                    )
                )
                total += v.price
                pos += 1
        for f_pos, f in enumerate(o.fulfillments):
            order.fulfillments.append(
                Fulfillment(
                    tracking_ids=f.tracking_ids,
                    item_ids=f.item_variant_ids,
                    carrier=f.carrier,
                    position=f_pos,
                )
            )
        order.payments.append(
            PaymentTransaction(
                transaction_type="payment",
                amount=total,
                payment_method_id=o.payment_method_id,
                position=0,
            )
        )
        if o.status == "cancelled":
            order.payments.append(
                PaymentTransaction(
                    transaction_type="refund",
                    amount=total,
                    payment_method_id=o.payment_method_id,
                    position=1,
                )
            )
        session.add(order)
    session.flush()
    return len(good)


def import_bundle(session: Session, path: Path) -> dict[str, int]:
    """Import a JSON bundle with products, customers and orders (in that order)."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    counts = {}
    for kind in ("products", "customers", "orders"):
        records = data.get(kind, [])
        counts[kind] = import_records(session, kind, records) if records else 0
    return counts
