"""Read tools, the calculator and the store policy file."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError
from sqlalchemy.orm import Session

from kefu.config import get_settings
from kefu.orders import TOOLS, StorePolicy, ToolContext, call_tool, get_store_policy, tool_schemas


@pytest.fixture
def backend() -> str:
    """Database-independent behaviour: SQLite only (rules and races run on both)."""
    return "sqlite"


STAFF = ToolContext(actor="staff:test")


def test_find_user_by_email_ignores_case(shop: Session) -> None:
    assert (
        call_tool(shop, "find_user_id_by_email", {"email": "ALICE@example.com"}, STAFF).data
        == "alice_1"
    )
    missing = call_tool(shop, "find_user_id_by_email", {"email": "carol@example.com"}, STAFF)
    assert (missing.ok, missing.error, missing.code) == (False, "User not found", "user_not_found")


def test_find_user_by_name_zip_needs_exact_zip(shop: Session) -> None:
    args = {"first_name": "alice", "last_name": "TESTER", "zip": "10001"}
    assert call_tool(shop, "find_user_id_by_name_zip", args, STAFF).data == "alice_1"
    assert (
        call_tool(shop, "find_user_id_by_name_zip", {**args, "zip": "10002"}, STAFF).error
        == "User not found"
    )


def test_order_details_need_the_exact_id(shop: Session) -> None:
    found = call_tool(shop, "get_order_details", {"order_id": "#A-delivered"}, STAFF)
    assert found.ok and found.data["status"] == "delivered" and found.data["cancel_reason"] is None
    assert [i["price"] for i in found.data["items"]] == [10.0, 9.0]
    assert (
        call_tool(shop, "get_order_details", {"order_id": "A-delivered"}, STAFF).error
        == "Order not found"
    )


def test_user_details_show_gift_card_balance(shop: Session) -> None:
    data = call_tool(shop, "get_user_details", {"user_id": "alice_1"}, STAFF).data
    assert data["payment_methods"]["gc_alice"]["balance"] == 15.0
    assert "#A-pending" in data["orders"]


def test_product_and_item_ids_are_not_interchangeable(shop: Session) -> None:
    product = call_tool(shop, "get_product_details", {"product_id": "p-shirt"}, STAFF)
    assert product.ok and set(product.data["variants"]) == {
        "v-red-s",
        "v-red-m",
        "v-blue-s",
        "v-gold",
    }
    assert (
        call_tool(shop, "get_product_details", {"product_id": "v-red-s"}, STAFF).error
        == "Product not found"
    )
    item = call_tool(shop, "get_item_details", {"item_id": "v-gold"}, STAFF)
    assert item.data == {
        "item_id": "v-gold",
        "options": {"variant": "v-gold"},
        "available": False,
        "price": 99.0,
    }
    assert (
        call_tool(shop, "get_item_details", {"item_id": "p-shirt"}, STAFF).error == "Item not found"
    )


def test_product_types_are_sorted_by_name(shop: Session) -> None:
    result = call_tool(shop, "list_all_product_types", {}, STAFF)
    assert list(result.data.items()) == [("Mug", "p-mug"), ("T-Shirt", "p-shirt")]
    assert result.message == '{"Mug": "p-mug", "T-Shirt": "p-shirt"}'


def test_track_order_lists_shipments_and_unshipped_items(shop: Session) -> None:
    delivered = call_tool(shop, "track_order", {"order_id": "#A-delivered"}, STAFF).data
    assert delivered["shipments"][0]["tracking_ids"] == ["TRK123"]
    assert delivered["shipments"][0]["carrier"] == "UPS"
    assert [i["name"] for i in delivered["shipments"][0]["items"]] == ["T-Shirt", "Mug"]
    assert delivered["not_shipped"] == []
    pending = call_tool(shop, "track_order", {"order_id": "#A-pending-gc"}, STAFF).data
    assert pending["shipments"] == [] and pending["not_shipped"] == [
        {"item_id": "m-white", "name": "Mug"}
    ]


def test_order_history_needs_a_customer(shop: Session) -> None:
    result = call_tool(shop, "order_history", {}, STAFF)
    assert result.code == "invalid_arguments"
    totals = {
        o["order_id"]: o["total"]
        for o in call_tool(shop, "order_history", {"user_id": "alice_1"}, STAFF).data
    }
    assert totals["#A-pending"] == 28.0


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("3131.1 + 4777.75 + 367.38", "8276.23"),
        ("155.33 - 147.05 + 268.77 - 235.13", "41.92"),
        ("135.24 - 153.23", "-17.99"),
        ("(1 + 2) * 3 / 4", "2.25"),
        ("0.1 + 0.2", "0.3"),
    ],
)
def test_calculate_is_exact(shop: Session, expression: str, expected: str) -> None:
    assert call_tool(shop, "calculate", {"expression": expression}, STAFF).data == expected


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        ("__import__('os')", "Invalid characters in expression"),
        ("2 ** 3", "Invalid expression"),
        ("1 / 0", "Division by zero"),
        ("(1 + ", "Invalid expression"),
        ("2x", "Invalid characters in expression"),
        ("9" * 200, "Invalid expression"),  # too large to round to cents (found by hypothesis)
    ],
)
def test_calculate_refuses_anything_but_arithmetic(
    shop: Session, expression: str, message: str
) -> None:
    assert call_tool(shop, "calculate", {"expression": expression}, STAFF).error == message


def test_transfer_to_human_is_recorded(shop: Session) -> None:
    ctx = ToolContext(actor="assistant", conversation_id="c-9")
    assert call_tool(
        shop, "transfer_to_human_agents", {"summary": "wants a person"}, ctx
    ).message == ("Transfer successful")


def test_bad_arguments_are_a_result_not_a_crash(shop: Session) -> None:
    for args in ({}, {"order_id": 5}, {"order_id": "#A-pending", "extra": 1}, {"order_id": ""}):
        result = call_tool(shop, "get_order_details", args, STAFF)
        assert not result.ok and result.code == "invalid_arguments" and result.http_status == 422
    unknown = call_tool(shop, "drop_tables", {}, STAFF)
    assert unknown.code == "unknown_tool" and unknown.http_status == 404


def test_schemas_describe_every_tool() -> None:
    schemas = tool_schemas()
    assert len(schemas) == len(TOOLS) == 18
    cancel = next(s for s in schemas if s["function"]["name"] == "cancel_pending_order")["function"]
    assert "pending" in cancel["description"]
    assert set(cancel["parameters"]["required"]) == {"order_id", "reason"}
    assert {s["function"]["name"] for s in tool_schemas("write")} >= {
        "cancel_pending_order",
        "modify_user_address",
    }
    assert all(spec.kind in {"read", "write"} for spec in TOOLS.values())


def test_policy_loads_from_yaml_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "policy.yaml"
    path.write_text(
        "cancel_reasons: [不想要了, no longer needed]\nreturn_window_days: 30\n", encoding="utf-8"
    )
    monkeypatch.setenv("KEFU_STORE_POLICY_FILE", str(path))
    get_settings.cache_clear()
    policy = get_store_policy()
    assert policy.cancel_reasons == ("不想要了", "no longer needed")
    assert policy.return_window_days == 30 and policy.returnable_statuses == ("delivered",)


def test_policy_file_with_unknown_field_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "policy.yaml"
    path.write_text("cancel_reason: [typo]\n", encoding="utf-8")
    with pytest.raises(ValidationError):
        StorePolicy.from_yaml(path)


def test_default_policy_is_tau2(monkeypatch: pytest.MonkeyPatch) -> None:
    policy = get_store_policy()
    assert policy.cancel_reasons == ("no longer needed", "ordered by mistake")
    assert policy.status_items_modified == "pending (item modified)"
