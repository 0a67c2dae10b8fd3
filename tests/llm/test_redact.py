"""Personal data is masked before prompts leave for a remote model; order ids stay."""

from __future__ import annotations

import pytest

from kefu.llm import redact


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("mail me at Ann.Lee+shop@example.co.uk please", "mail me at [EMAIL] please"),
        ("call 555-123-4567", "call [PHONE]"),
        ("call (555) 123-4567", "call [PHONE]"),
        ("手机 13812345678 联系", "手机 [PHONE] 联系"),
        ("tel +86 138 1234 5678", "tel [PHONE]"),
        ("card 4111 1111 1111 1111 ok", "card [CARD] ok"),
        ("card 4111-1111-1111-1111", "card [CARD]"),
        ("ship to 123 Maple Street, Apt 4 now", "ship to [ADDRESS] now"),
        ("寄到南京西路100号", "寄到[ADDRESS]"),
    ],
)
def test_personal_data_is_masked(text: str, expected: str) -> None:
    assert redact(text) == expected


def test_order_ids_amounts_and_zip_codes_are_kept() -> None:
    text = "Order #W1234567 cost 1234.56, zip 94105, item 1008292230"
    assert redact(text) == text
