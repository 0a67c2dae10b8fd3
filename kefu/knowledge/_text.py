"""Tokenising and language detection for Chinese, English and mixed text.

BM25 needs words: jieba cuts Chinese (search mode, so 退货政策 also yields 退货 and 政策),
Snowball stems English so "returns" meets "return". Stop words come from stopwordsiso (zh)
and bm25s (en); negations and shop terms are kept because "不支持" and "无理由" carry meaning.
"""

from __future__ import annotations

import re
import threading
from functools import lru_cache

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN_WORD = re.compile(r"[a-z0-9]+(?:[.'-][a-z0-9]+)*")
_ALNUM = re.compile(r"\w", re.UNICODE)

SHOP_TERMS = (
    "退货",
    "换货",
    "退款",
    "退换货",
    "无理由",
    "七天无理由",
    "7天无理由",
    "发票",
    "电子发票",
    "增值税",
    "专用发票",
    "普通发票",
    "保修",
    "质保",
    "运费",
    "包邮",
    "快递",
    "物流",
    "顺丰",
    "礼品卡",
    "信用卡",
    "贝宝",
    "支付宝",
    "微信支付",
    "订单号",
    "待处理",
    "已发货",
    "已送达",
    "已取消",
    "收货地址",
    "发货",
    "签收",
    "到货",
    "账号",
    "账户",
    "密码",
    "注销",
    "优惠券",
    "积分",
    "会员",
    "客服",
    "人工客服",
)
# Words that stopwordsiso lists but that change the meaning of a support question.
_KEEP = {
    "不",
    "没",
    "没有",
    "无",
    "未",
    "非",
    "多久",
    "多少",
    "几天",
    "哪些",
    "免费",
    "如何",
    "怎么",
}
_lock = threading.Lock()


def detect_language(text: str) -> str:
    """``zh`` when a meaningful share of the letters are CJK, else ``en``."""
    cjk = len(_CJK.findall(text))
    if cjk == 0:
        return "en"
    letters = len(_ALNUM.findall(text))
    return "zh" if cjk >= 0.2 * max(letters, 1) or cjk >= 20 else "en"


@lru_cache(maxsize=1)
def _jieba():  # type: ignore[no-untyped-def]
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    for term in SHOP_TERMS:
        jieba.add_word(term)
    jieba.initialize()
    return jieba


@lru_cache(maxsize=1)
def _stopwords() -> frozenset[str]:
    import stopwordsiso
    from bm25s.stopwords import STOPWORDS_EN_PLUS

    words = set(stopwordsiso.stopwords("zh")) | {w.lower() for w in STOPWORDS_EN_PLUS}
    return frozenset(words - _KEEP)


@lru_cache(maxsize=1)
def _stemmer():  # type: ignore[no-untyped-def]
    import Stemmer

    return Stemmer.Stemmer("english")


@lru_cache(maxsize=200_000)
def _stem(word: str) -> str:
    """Snowball stem, memoised: a corpus repeats a few thousand words millions of times."""
    return str(_stemmer().stemWord(word))


def tokenize(text: str) -> list[str]:
    """Index terms of ``text``: jieba words for Chinese, stemmed words for English."""
    stop = _stopwords()
    lowered = text.lower()
    out: list[str] = []
    if _CJK.search(lowered):
        with _lock:  # jieba's lazy dictionary load is not thread-safe
            pieces = _jieba().lcut_for_search(lowered)
    else:
        pieces = _LATIN_WORD.findall(lowered)
    for piece in pieces:
        piece = piece.strip()
        if not piece or piece in stop:
            continue
        if _CJK.search(piece):
            out.append(piece)
        elif _LATIN_WORD.fullmatch(piece):
            out.append(_stem(piece))
    return out
