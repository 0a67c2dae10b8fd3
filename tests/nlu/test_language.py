import pytest

from kefu.nlu import detect_language


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("帮我查下订单到哪了", "zh"),
        ("Where is my order?", "en"),
        ("我的订单 #W1234567 还没到", "zh"),
        ("order #W1234567 status please", "en"),
        ("我的 order 还没到 where is it", "mixed"),
        ("I want the 红色 one 蓝色 also", "mixed"),
        ("我想买 iPhone", "zh"),
        ("", "unknown"),
        ("   ", "unknown"),
        ("😀😀👍", "unknown"),
        ("12345 67890", "unknown"),
        ("#W1234567", "unknown"),
    ],
)
def test_detects_language_by_script(text: str, expected: str) -> None:
    assert detect_language(text) == expected
