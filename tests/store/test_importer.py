"""Store-owned catalogue/customer/order import: every row validated, all or nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kefu.demo.loader import ZH_STORE
from kefu.store.importer import ImportFailed, import_bundle, import_file
from kefu.store.models import Customer, Order, Product, Variant

PRODUCTS_CSV = """product_id,name,name_zh,category,description,variant_id,options,price,available,stock
P1,Tea Cup,茶杯,kitchen,Porcelain cup,V1,color=white; size=S,12.50,true,10
P1,Tea Cup,茶杯,kitchen,Porcelain cup,V2,color=blue; size=L,14.00,true,3
P2,Teapot,茶壶,kitchen,,V3,"{""capacity"": ""1L""}",39.90,false,0
"""


def _count(session: Session, model: type) -> int:
    return int(session.scalar(select(func.count()).select_from(model)) or 0)


def test_csv_products_import_groups_variants(session: Session, tmp_path: Path) -> None:
    path = tmp_path / "products.csv"
    path.write_text(PRODUCTS_CSV, encoding="utf-8")
    assert import_file(session, path, "products") == 2
    session.commit()
    cup = session.get(Product, "P1")
    assert cup is not None and cup.name_zh == "茶杯"
    assert [v.options for v in cup.variants] == [
        {"color": "white", "size": "S"},
        {"color": "blue", "size": "L"},
    ]
    assert str(session.get(Variant, "V3").price) == "39.90"  # type: ignore[union-attr]


def test_malformed_csv_reports_bad_rows_and_changes_nothing(
    session: Session, tmp_path: Path
) -> None:
    good = tmp_path / "good.csv"
    good.write_text(PRODUCTS_CSV, encoding="utf-8")
    import_file(session, good, "products")
    session.commit()
    before = (_count(session, Product), _count(session, Variant))

    bad = tmp_path / "bad.csv"
    bad.write_text(
        "product_id,name,variant_id,options,price\n"
        "P9,Kettle,V9,color=red,29.99\n"  # row 2: fine
        "P10,,V10,color=red,9.99\n"  # row 3: no name
        "P11,Mug,V11,color=red,-1\n"  # row 4: negative price
        "P12,Bowl,V12,colorred,5\n"  # row 5: option not key=value
        "P1,Dup,V13,,5\n",  # row 6: product already exists
        encoding="utf-8",
    )
    with pytest.raises(ImportFailed) as info:
        import_file(session, bad, "products")
    session.rollback()
    rows = {e.row: e.reason for e in info.value.errors}
    assert set(rows) == {3, 4, 5, 6}
    assert "name" in rows[3]
    assert "price" in rows[4]
    assert "key=value" in rows[5]
    assert "already exists" in rows[6]
    assert (_count(session, Product), _count(session, Variant)) == before
    assert session.get(Product, "P9") is None


def test_orders_must_reference_known_customers_variants_and_payment_methods(
    session: Session, tmp_path: Path
) -> None:
    import_bundle(session, ZH_STORE)
    session.commit()
    orders_before = _count(session, Order)
    path = tmp_path / "orders.csv"
    path.write_text(
        "order_id,customer_id,status,placed_at,variant_id,quantity,payment_method_id\n"
        "#X1,wang_fang_8001,pending,2026-05-01T10:00:00+08:00,8810000002,2,alipay_9100001\n"
        "#X2,nobody_1,pending,2026-05-01T10:00:00+08:00,8810000002,1,alipay_9100001\n"
        "#X3,wang_fang_8001,pending,2026-05-01T10:00:00,8810000002,1,alipay_9100001\n"
        "#X4,wang_fang_8001,pending,,0000000000,1,alipay_9100001\n"
        "#X5,wang_fang_8001,pending,,8810000002,1,alipay_9100002\n",
        encoding="utf-8",
    )
    with pytest.raises(ImportFailed) as info:
        import_file(session, path, "orders")
    session.rollback()
    reasons = {e.row: e.reason for e in info.value.errors}
    assert "unknown customer_id" in reasons[3]
    assert "timezone" in reasons[4]
    assert "unknown variant_id" in reasons[5]
    assert "does not belong" in reasons[6]
    assert 2 not in reasons
    assert _count(session, Order) == orders_before


def test_valid_orders_csv_creates_items_and_payment(session: Session, tmp_path: Path) -> None:
    import_bundle(session, ZH_STORE)
    path = tmp_path / "orders.csv"
    path.write_text(
        "order_id,customer_id,status,placed_at,variant_id,quantity,payment_method_id\n"
        "#X1,wang_fang_8001,pending,2026-05-01T10:00:00+08:00,8810000002,2,alipay_9100001\n"
        "#X1,wang_fang_8001,pending,2026-05-01T10:00:00+08:00,8810000010,1,alipay_9100001\n",
        encoding="utf-8",
    )
    assert import_file(session, path, "orders") == 1
    order = session.get(Order, "#X1")
    assert order is not None and len(order.items) == 3
    assert order.payments[0].amount == sum(i.price for i in order.items)
    assert order.placed_at is not None and order.placed_at.utcoffset() is not None
    assert order.city == "北京市"


def test_json_customers_with_bad_email_rejected(session: Session, tmp_path: Path) -> None:
    path = tmp_path / "customers.json"
    path.write_text(
        '[{"customer_id": "a_1", "first_name": "A", "last_name": "B", "email": "not-an-email"}]'
    )
    with pytest.raises(ImportFailed) as info:
        import_file(session, path, "customers")
    assert info.value.errors[0].row == 1 and "email" in info.value.errors[0].reason
    assert _count(session, Customer) == 0


def test_non_utf8_and_broken_json_get_clear_errors(session: Session, tmp_path: Path) -> None:
    binary = tmp_path / "x.csv"
    binary.write_bytes(b"\xff\xfe\x00garbage\x81")
    with pytest.raises(ImportFailed, match="bad row"):
        import_file(session, binary, "products")
    broken = tmp_path / "x.json"
    broken.write_text('{"products": [')
    with pytest.raises(ImportFailed) as info:
        import_file(session, broken, "products")
    assert "invalid JSON" in info.value.errors[0].reason
