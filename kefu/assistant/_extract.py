"""Deterministic slot extraction: order ids, emails, zips, ordinals, yes/no, addresses.

These are the structured values a flow needs verbatim; the NLU model finds intents, this
module reads the exact identifiers so that a write never depends on a guess.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

ORDER_ID = re.compile(r"#?\s?(?<![A-Za-z0-9])(W\d{7})(?!\d)", re.IGNORECASE)
"""``#W1234567``; also glued to Chinese text ("订单W1234567的"), where ``\b`` finds no edge."""
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
ZIP = re.compile(r"(?<!\d)(\d{5})(?!\d)")
LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z'-]*")

YES = {
    "yes",
    "y",
    "yes please",
    "yeah",
    "yep",
    "sure",
    "confirm",
    "confirmed",
    "ok",
    "okay",
    "correct",
    "go ahead",
    "please do",
    "do it",
    "proceed",
    "是",
    "是的",
    "确认",
    "好",
    "好的",
    "对",
    "对的",
    "可以",
    "没问题",
    "没错",
    "对的没错",
    "对没错",
    "是的没错",
    "行",
    "确定",
}
NO = {
    "no",
    "n",
    "nope",
    "no thanks",
    "don't",
    "do not",
    "stop",
    "never mind",
    "nevermind",
    "forget it",
    "leave it",
    "leave it as is",
    "leave it as it is",
    "nah",
    "nah, leave it",
    "no, leave it",
    "那先不弄了",
    "先不弄了",
    "不弄了",
    "不换了",
    "不退了",
    "不改了",
    "not now",
    "不",
    "不是",
    "不要",
    "不用",
    "不用了",
    "算了",
    "先不要",
    "否",
}

HUMAN = {
    "talk to a person",
    "转人工",
    "人工",
    "人工客服",
    "human",
    "human agent",
    "agent",
    "real person",
}

_ORDINALS_EN = {
    "first": 0,
    "1st": 0,
    "second": 1,
    "2nd": 1,
    "third": 2,
    "3rd": 2,
    "fourth": 3,
    "4th": 3,
    "fifth": 4,
    "5th": 4,
}
_ORDINALS_ZH = {
    "第一": 0,
    "第1": 0,
    "第二": 1,
    "第2": 1,
    "第三": 2,
    "第3": 2,
    "第四": 3,
    "第4": 3,
    "第五": 4,
    "第5": 4,
}


def _norm(text: str) -> str:
    return re.sub(r"[\s!！。.,，?？~]+$", "", text.strip().lower())


def order_ids(text: str) -> list[str]:
    """Order ids in the store's ``#W1234567`` form, in mention order."""
    return [f"#{m.upper()}" for m in ORDER_ID.findall(text)]


def emails(text: str) -> list[str]:
    """Email addresses mentioned."""
    return EMAIL.findall(text)


def zips(text: str) -> list[str]:
    """Five-digit zip codes mentioned (order ids and emails removed first)."""
    cleaned = EMAIL.sub(" ", ORDER_ID.sub(" ", text))
    return ZIP.findall(cleaned)


def latin_words(text: str) -> list[str]:
    """Latin-script words (names, product names, option values) in lower case."""
    return [w.lower() for w in LATIN_WORD.findall(EMAIL.sub(" ", text))]


_IDENTITY_WORDS = re.compile(
    r"my (e-?mail(?: address)?|name|zip( code)?) is|\be-?mail(?: address)?\b"
    r"|(?<!half )(?<!full )(?<!quarter )\bzip( code)?\b"
    r"|\bi am\b|\bi'm\b|\bthis is\b"
    r"|我的邮箱是|邮箱|我叫|邮编|我是",
    re.I,
)


def strip_identity(text: str) -> str:
    """The message without emails, zips and the phrases that introduce them."""
    return _IDENTITY_WORDS.sub(" ", ZIP.sub(" ", EMAIL.sub(" ", text))).strip(" ,，.。;；")


FILLERS = re.compile(
    r"^(?:(?:嗯+|哦+|噢|额|呃|um+|uh+|well|so|hmm+|oh|ah|actually|wait|hold on|on second thought"
    r"|sorry|其实|等等|等一下)[\s,，.。!！~]*)+",
    re.I,
)
"""Leading hesitation that does not change what follows ("嗯 确认" is a yes)."""


_ACK = re.compile(
    r"^(?:(?:好的|好|对的|对|嗯+|是的|是|行|ok|okay|yes|yeah|yep|yup|sure|alright|right)"
    r"[\s,，.。!！~]*)+",
    re.I,
)
_BUT = re.compile(
    r"不|别|don'?t|do not|\bnot\b|\bno\b|\bwait\b|hold on|instead|rather|\bbut\b|\bonly\b|"
    r"\bjust\b|\bchange\b|先别|但是|不过|只",
    re.I,
)
_CONFIRM_ACTION = re.compile(
    r"(?:确认|确定)(?:取消|退货|换货|修改|更改|办理|提交|退款|改)?(?:吧|的|了|啊|呀)?"
    r"|(?:那|那就|就)?(?:改|换|退|办|提交|弄|这么办|这么改|按这个来)(?:吧|了吧|啊|呀)"
    r"|go ahead|please do(?: it)?|do it|go for it|sounds good|proceed|please|confirm(?:ed)?"
    r"|that'?s (?:right|correct|fine)",
    re.I,
)


_ENDS_CONFIRMING = re.compile(
    r"(?:^|[,，.。!！\s])"
    r"(?:确认|确定|确认吧|就这样|没问题|go ahead|confirm(?:ed)?|yes(?: please)?)$",
    re.I,
)


def is_yes(text: str) -> bool:
    """An explicit confirmation ("yes", "是的", "好的，确认取消", "ok go ahead") and nothing
    that contradicts or narrows it ("yes but only the lamp" is not a plain yes)."""
    norm = _norm(FILLERS.sub("", text.strip()))
    if norm in YES:
        return True
    head = re.split(r"[,，.。!！\s]+", norm, maxsplit=1)[0]
    if head in {"yes", "是的", "确认", "confirm"} and not is_no(norm) and not _BUT.search(norm):
        return True
    rest = _ACK.sub("", norm).strip(" ,，.。!！~")
    if _BUT.search(rest) and not rest.startswith(("确认取消", "确定取消")):
        return False
    if rest != norm and (not rest or rest in YES):
        return True  # "ok yes", "好的好的"
    if _ENDS_CONFIRMING.search(norm) and not _BUT.search(norm) and not is_no(norm):
        return True  # "好，那地址就按刚才说的改，确认": whatever leads in, it ends on a yes
    return bool(_CONFIRM_ACTION.fullmatch(rest))


def is_no(text: str) -> bool:
    """An explicit refusal ("no", "不", "算了", "hmm, actually no. leave it, I'll keep it")."""
    norm = _norm(FILLERS.sub("", text.strip()))
    if norm in NO:
        return True
    head = re.split(r"[,，.。!！\s]+", norm, maxsplit=1)[0]
    if head in {"no", "nope", "nah", "不", "不要", "不用", "算了"}:
        return True
    return bool(
        re.match(
            r"(?:nah|no|ok|okay|fine|then)?[,，\s]*(?:leave it|forget it|never ?mind"
            r"|i'?ll keep (?:it|them)|keep (?:it|them) as (?:it is|they are|is))\b",
            norm,
        )
        or re.fullmatch(r"(?:那|那就|那我)?(?:先)?(?:不(?:弄|换|退|改|要)了|算了)(?:吧|啊)?", norm)
    )


def wants_human(text: str) -> bool:
    """The 'talk to a person' quick reply (or the bare word), regardless of the NLU."""
    return _norm(text) in HUMAN


def ordinal(text: str) -> int | None:
    """0-based position named by 'the second one' / '第二个' / 'the last one' (-1)."""
    low = text.lower()
    for word, idx in _ORDINALS_EN.items():
        if re.search(rf"\b{word}\b", low):
            return idx
    for word, idx in _ORDINALS_ZH.items():
        if word in text:
            return idx
    if re.search(r"\blast\b", low) or "最后" in text:
        return -1
    return None


def means_other(text: str) -> bool:
    """'No, the other order' / '另一个'."""
    return bool(re.search(r"\bother\b", text.lower())) or "另一" in text or "其他那" in text


ONLY_WORDS = re.compile(r"\b(?:only|just)\b|只要|只换|只退|只需要|仅|就(?:换|退)", re.I)
"""Narrowing a request to some of its items ("only exchange the lamp")."""
EXCEPT_WORDS = re.compile(
    r"\b(?:except(?: for)?|other than|apart from|excluding|aside from|but not|save for)\b"
    r"|除了|除去|不包括|不含",
    re.I,
)
"""'Everything except X': X is the part to leave out."""


def means_all(text: str) -> bool:
    """'all items' / '全部'."""
    return bool(re.search(r"\b(all|everything|both)\b", text.lower())) or any(
        w in text for w in ("全部", "所有", "都", "两件")
    )


def cancel_reason(text: str) -> str | None:
    """One of the two reasons the store accepts, or None."""
    low = text.lower()
    if (
        "mistake" in low
        or "accident" in low
        or "wrong" in low
        or any(w in text for w in ("误", "买错", "下错", "拍错"))
    ):
        return "ordered by mistake"
    if re.search(
        r"no longer|do ?n[o']?t (?:need|want)|not need|no need|changed my mind",
        low,
    ) or any(w in text for w in ("不需要", "不再需要", "不想要", "用不上", "不要了")):
        return "no longer needed"
    return None


@dataclass(frozen=True)
class Address:
    """A postal address in the store's six fields."""

    address1: str
    address2: str
    city: str
    state: str
    zip: str
    country: str

    def as_args(self) -> dict[str, str]:
        """Tool arguments form."""
        return {
            "address1": self.address1,
            "address2": self.address2,
            "city": self.city,
            "state": self.state,
            "country": self.country,
            "zip": self.zip,
        }

    def __str__(self) -> str:
        parts = [self.address1, self.address2, self.city, f"{self.state} {self.zip}", self.country]
        return ", ".join(p for p in parts if p.strip())


NO_EMAIL = re.compile(
    r"(?:don'?t|do not|can'?t|cannot|couldn'?t) (?:remember|recall|find|know|access)\b.{0,25}"
    r"\be-?mail|\bforg[eo]t\b.{0,25}\be-?mail|\bno e-?mail\b|don'?t have (?:an? )?e-?mail|"
    r"(?:不记得|忘了|忘记|想不起|找不到|没有|不知道).{0,5}邮箱|邮箱.{0,5}(?:忘了|忘记|不记得|想不起来)",
    re.I,
)
"""The customer cannot give the email ("I forgot which email I used", 不记得邮箱了)."""
