from datetime import date

from kefu.nlu import Entity, extract_entities

TODAY = date(2024, 5, 15)  # a Wednesday


def found(text: str, **kwargs: object) -> list[tuple[str, str]]:
    return [(e.type, e.value) for e in extract_entities(text, today=TODAY, **kwargs)]  # type: ignore[arg-type]


def test_order_ids_with_and_without_hash_are_normalised() -> None:
    assert found("where is #W1234567 and W7654321?") == [
        ("order_id", "#W1234567"),
        ("order_id", "#W7654321"),
    ]
    assert found("订单号w2378156到哪了") == [("order_id", "#W2378156")]


def test_store_order_id_pattern_uses_id_group() -> None:
    ents = found("my order is SO-2024-00017", order_id_patterns=[r"SO-(?P<id>\d{4}-\d{5})"])
    assert ents == [("order_id", "2024-00017")]


def test_spans_point_into_original_text() -> None:
    text = "邮箱是 Yusuf.Rossi@Example.com 谢谢"
    (ent,) = extract_entities(text)
    assert isinstance(ent, Entity)
    assert text[ent.start : ent.end] == ent.raw == "Yusuf.Rossi@Example.com"
    assert ent.value == "yusuf.rossi@example.com"


def test_chinese_contact_details() -> None:
    assert found("手机13812345678，邮编200120") == [
        ("phone", "13812345678"),
        ("zip_code", "200120"),
    ]
    assert found("电话 +86 138-1234-5678") == [("phone", "13812345678")]


def test_english_contact_details() -> None:
    assert found("zip is 19122, phone +1 (215) 555-0199") == [
        ("zip_code", "19122"),
        ("phone", "+12155550199"),
    ]
    assert found("call me at 215-555-0199") == [("phone", "2155550199")]


def test_item_ids_are_ten_digits_and_not_zip_or_phone() -> None:
    assert found("swap item 1234567890 please") == [("item_id", "1234567890")]


def test_person_names_en_and_zh() -> None:
    assert ("person_name", "Yusuf Rossi") in found("Hi, my name is Yusuf Rossi")
    assert ("person_name", "Mei Chen") in found("I'm Mei Chen, zip 10001")
    assert not [t for t, _ in found("I'm looking for shoes") if t == "person_name"]
    assert ("person_name", "王小明") in found("我叫王小明")
    assert ("person_name", "张伟") in found("你好，我是张伟")
    assert not [t for t, _ in found("我是想问一下退货") if t == "person_name"]


def test_amounts_with_currency() -> None:
    ents = extract_entities("paid $1,250.50 and 99元, refund ¥30 or 12 dollars")
    assert [(e.value, e.unit) for e in ents if e.type == "amount"] == [
        ("1250.50", "USD"),
        ("99.00", "CNY"),
        ("30.00", "CNY"),
        ("12.00", "USD"),
    ]


def test_dates_absolute_and_relative() -> None:
    assert found("delivered yesterday, ordered 2024-05-01") == [
        ("date", "2024-05-14"),
        ("date", "2024-05-01"),
    ]
    assert found("昨天签收，上周三付款，5月20日前要到") == [
        ("date", "2024-05-14"),
        ("date", "2024-05-08"),
        ("date", "2024-05-20"),
    ]
    assert found("arrives tomorrow or next friday") == [
        ("date", "2024-05-16"),
        ("date", "2024-05-24"),
    ]


def test_payment_methods() -> None:
    assert found("switch from paypal to my gift card") == [
        ("payment_method", "paypal"),
        ("payment_method", "gift_card"),
    ]
    assert found("改用信用卡，不用支付宝") == [
        ("payment_method", "credit_card"),
        ("payment_method", "alipay"),
    ]


def test_ordinals_and_quantities_for_corrections() -> None:
    assert found("no, the second one") == [("ordinal", "2")]
    assert found("不是，第三个") == [("ordinal", "3")]
    assert found("return 2 pieces of the last item") == [("quantity", "2"), ("ordinal", "-1")]
    assert found("要两件") == [("quantity", "2")]


def test_products_and_options_from_catalogue_lists() -> None:
    ents = found(
        "I want a red T-shirts in size L, not the Water Bottle",
        known_products=["T-Shirt", "Water Bottle"],
        known_options=["red", "L", "blue"],
    )
    assert ents == [
        ("option", "red"),
        ("product", "T-Shirt"),
        ("option", "L"),
        ("product", "Water Bottle"),
    ]
    assert found("the bored cat", known_options=["red"]) == []
    assert found("想要蓝色的水杯", known_products=["水杯"], known_options=["蓝色"]) == [
        ("option", "蓝色"),
        ("product", "水杯"),
    ]


def test_overlaps_resolved_by_priority() -> None:
    # the digits of an order id are never also read as a zip code or an item id
    assert found("#W1234567") == [("order_id", "#W1234567")]
    assert found("$12345") == [("amount", "12345.00")]


def test_empty_and_noise_text() -> None:
    assert extract_entities("") == []
    assert extract_entities("😀👍!!!") == []
