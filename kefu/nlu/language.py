"""Language detection for chat messages: ``zh``, ``en``, ``mixed`` or ``unknown``.

Chat messages are short and full of order ids, emoji and product names, where statistical
detectors guess wildly. Counting scripts is deterministic and right for the only question
we ask: should the reply be Chinese or English?
"""

from __future__ import annotations

import re
from typing import Literal

Language = Literal["zh", "en", "mixed", "unknown"]

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
# Tokens that look Latin but say nothing about the language: order/item ids, units, codes.
_NOISE = re.compile(r"#?W\d{5,}|\b[A-Z]{1,3}\d+\b|\b\d+[A-Za-z]{1,3}\b|https?://\S+|\S+@\S+")


def detect_language(text: str) -> Language:
    """The language of ``text``: mostly Han characters -> zh, mostly Latin words -> en.

    ``mixed`` when both carry real weight (e.g. "我的 order 还没到 where is it");
    ``unknown`` for empty, emoji-only or digits-only text, so callers fall back to the
    conversation's or store's language.
    """
    cleaned = _NOISE.sub(" ", text or "")
    han = len(_HAN.findall(cleaned))
    words = _LATIN_WORD.findall(cleaned)
    # One Chinese character carries roughly as much as one short English word.
    latin = len(words)
    if han == 0 and latin == 0:
        return "unknown"
    if han == 0:
        return "en"
    if latin == 0:
        return "zh"
    han_share = han / (han + 1.5 * latin)
    if han_share >= 0.6:
        return "zh"
    if han_share <= 0.2:
        return "en"
    return "mixed"
