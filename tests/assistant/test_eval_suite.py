"""The scripted-conversation suite: its hand-written scripts load strictly and pass."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from kefu.assistant.eval.harness import SUITE_DIR, Suite, load_scripts


def test_handwritten_scripts_are_half_chinese_half_english() -> None:
    scripts = [s for s in load_scripts() if s.source == "handwritten"]
    assert len(scripts) >= 24
    counts = Counter(s.language for s in scripts)
    assert counts["zh"] == counts["en"]
    assert all(s.expect for s in scripts)


def test_unquoted_yes_or_order_id_turn_is_rejected(tmp_path: Path) -> None:
    # YAML reads `- yes` as True and `- #W1234567` as a comment: the loader must refuse both
    (tmp_path / "bad.yaml").write_text(
        "- id: x\n  language: en\n  turns:\n  - yes\n  expect: {}\n", encoding="utf-8"
    )
    with pytest.raises(ValueError, match="quote these turns"):
        load_scripts(tmp_path)


@pytest.mark.slow
def test_handwritten_scripts_for_corrections_and_reconsidering_pass() -> None:
    wanted = {
        "hw-en-change-items-by-product",  # 'swap' on a pending order is an item change
        "hw-en-no-then-yes-later",  # no at confirmation, then 'actually yes'
        "hw-en-refused-cancel-then-return",  # refusal then a new request is not a dispute
        "hw-zh-correction-other",  # 不对，是另一个订单，有键盘的那个
        "hw-zh-payment-change",  # 订单W…的 glued to Chinese; payment named before auth
    }
    scripts = [s for s in load_scripts(SUITE_DIR) if s.id in wanted]
    assert len(scripts) == len(wanted)
    suite = Suite()
    failures = {s.id: suite.run(s).failures for s in scripts}
    assert failures == {s: [] for s in wanted}
