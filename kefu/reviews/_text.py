"""Language guess, clause splitting and tokenisation shared by sentiment and aspects."""

from __future__ import annotations

import re
from functools import lru_cache

_CJK = re.compile(r"[\u4e00-\u9fff]")
_LATIN = re.compile(r"[A-Za-z]")
_CLAUSE_SPLIT = re.compile(r"[，,。.！!？?；;\n~～…]+|\s+-\s+")
_EN_WORD = re.compile(r"[a-z]+(?:'[a-z]+)?")


def guess_language(text: str) -> str:
    """``"zh"`` when the text has any real share of Han characters, else ``"en"``."""
    han = len(_CJK.findall(text))
    latin = len(_LATIN.findall(text))
    return "zh" if han and han * 3 >= latin else "en"


def split_clauses(text: str) -> list[str]:
    """Clauses on punctuation; opinions rarely cross a comma in shop reviews."""
    return [c.strip() for c in _CLAUSE_SPLIT.split(text) if c.strip()]


def en_words(text: str) -> list[str]:
    """Lower-case English words, contractions kept whole (``didn't``)."""
    return _EN_WORD.findall(text.lower().replace("’", "'"))


@lru_cache(maxsize=1)
def _jieba() -> object:
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    for word in (
        "性价比",
        "不值",
        "偏大",
        "偏小",
        "掉色",
        "起球",
        "物流",
        "快递",
        "客服",
        "包装",
        "正品",
        "假货",
        "做工",
        "质量",
        "尺码",
        "发货",
        "态度",
        "磨脚",
        "不合身",
    ):
        jieba.add_word(word)
    return jieba


def zh_words(text: str) -> list[str]:
    """jieba words (shop terms added), whitespace dropped."""
    jieba = _jieba()
    return [w for w in jieba.lcut(text) if w.strip()]  # type: ignore[attr-defined]
