"""Mask personal data in text bound for a remote model (``KEFU_LLM_REDACT_REMOTE``).

Regular expressions, deliberately simple: they catch the common shapes (emails, phone
numbers, card numbers, street addresses in English and Chinese) and leave order ids such
as ``#W1234567`` alone because the model needs them to talk about an order.
"""

from __future__ import annotations

import re

_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
# 13-19 digits, optionally grouped by spaces or dashes (card-like).
_CARD = re.compile(r"(?<![\w#])(?:\d[ -]?){12,18}\d(?!\w)")
_PHONE = re.compile(
    r"(?<![\w#])(?:"
    r"(?:\+?86[ -]?)?1[3-9]\d(?:[ -]?\d{4}){2}"  # mainland China mobile
    r"|\+\d{1,3}[ .-]?\(?\d{1,4}\)?(?:[ .-]?\d{2,4}){2,4}"  # international with +
    r"|\(?\d{3}\)?[ .-]\d{3}[ .-]\d{4}"  # North American 555-123-4567 / (555) 123-4567
    r")(?!\w)"
)
_STREET_EN = re.compile(
    r"\b\d{1,6}\s+(?:[A-Z][A-Za-z'.-]*\s+){1,4}"
    r"(?:Street|St|Avenue|Ave|Road|Rd|Lane|Ln|Drive|Dr|Boulevard|Blvd|Court|Ct|Way|Place|Pl|"
    r"Terrace|Parkway|Pkwy|Circle|Cir|Highway|Hwy)\b\.?"
    r"(?:,?\s+(?:Apt|Suite|Unit|#)\.?\s*\w+)?"
)
# A road name (not starting with a verb or particle such as 寄到/地址是), road word, number.
_STREET_ZH = re.compile(
    r"(?:(?![到在是为成往寄送址的])[\u4e00-\u9fff]){1,12}(?:路|街|大道|巷|弄)\d{1,5}(?:号|號)"
    r"(?:[\u4e00-\u9fff\d]{0,8}(?:室|楼|单元))?"
)


def redact(text: str) -> str:
    """``text`` with emails, card numbers, phone numbers and street addresses masked."""
    text = _EMAIL.sub("[EMAIL]", text)
    text = _PHONE.sub("[PHONE]", text)
    text = _CARD.sub("[CARD]", text)
    text = _STREET_EN.sub("[ADDRESS]", text)
    return _STREET_ZH.sub("[ADDRESS]", text)
