"""Frustration score for chat messages (zh and en), 0 = calm, 1 = furious.

Review sentiment says whether someone liked a product; frustration says whether a live
conversation is going wrong and a human should step in. The cues are different (threats to
complain, repeated questions, "!!!", shouting), so this is its own small, explainable
scorer: a weighted lexicon plus typography, squashed into [0, 1].
"""

from __future__ import annotations

import math
import re

from pydantic import BaseModel, Field

_EN_CUES: dict[str, float] = {
    "ridiculous": 1.2,
    "unacceptable": 1.3,
    "terrible": 1.0,
    "horrible": 1.0,
    "awful": 1.0,
    "worst": 1.2,
    "useless": 1.1,
    "scam": 1.5,
    "fraud": 1.5,
    "rip off": 1.3,
    "ripoff": 1.3,
    "angry": 1.0,
    "furious": 1.4,
    "pissed": 1.3,
    "fed up": 1.2,
    "sick of": 1.1,
    "tired of": 0.8,
    "disappointed": 0.7,
    "annoyed": 0.8,
    "frustrated": 1.0,
    "frustrating": 1.0,
    "complaint": 0.9,
    "complain": 0.9,
    "lawyer": 1.4,
    "sue ": 1.4,
    "report you": 1.3,
    "bbb": 1.0,
    "chargeback": 1.1,
    "never again": 1.1,
    "never buy": 1.1,
    "waste of": 1.0,
    "still waiting": 0.9,
    "still not": 0.8,
    "again?": 0.6,
    "how many times": 1.2,
    "i already told": 1.0,
    "already asked": 0.9,
    "nobody": 0.6,
    "no one": 0.6,
    "wtf": 1.4,
    "damn": 0.9,
    "crap": 1.0,
    "shit": 1.3,
    "stupid": 1.1,
    "idiot": 1.3,
    "garbage": 1.1,
    "joke": 0.7,
    "real person": 0.8,
    "human being": 0.8,
    "refund now": 1.0,
    "not happy": 0.9,
    "unhappy": 0.8,
    "hate": 1.0,
    "sucks": 1.1,
}
_ZH_CUES: dict[str, float] = {
    "太差": 1.2,
    "很差": 1.0,
    "差劲": 1.1,
    "垃圾": 1.3,
    "投诉": 1.2,
    "骗子": 1.5,
    "骗人": 1.4,
    "坑人": 1.3,
    "坑爹": 1.2,
    "无语": 0.9,
    "气死": 1.4,
    "生气": 1.0,
    "愤怒": 1.3,
    "恶心": 1.2,
    "失望": 0.8,
    "受够": 1.3,
    "再也不": 1.1,
    "退钱": 1.0,
    "赔偿": 0.9,
    "消协": 1.4,
    "12315": 1.5,
    "曝光": 1.3,
    "差评": 1.1,
    "什么破": 1.2,
    "破玩意": 1.3,
    "烂": 0.9,
    "搞什么": 1.1,
    "怎么回事": 0.7,
    "到底": 0.6,
    "还没": 0.5,
    "一直": 0.4,
    "多少次": 1.1,
    "说了多少遍": 1.3,
    "敷衍": 1.1,
    "不负责": 1.1,
    "离谱": 1.1,
    "过分": 1.0,
    "忍无可忍": 1.5,
    "人工": 0.5,
    "真人": 0.6,
    "服了": 0.9,
    "无法接受": 1.2,
    "不满意": 0.9,
    "着急": 0.6,
    "急死": 1.1,
    "靠": 0.8,
    "妈的": 1.4,
    "tmd": 1.4,
}
_SOFTENERS = ("thank", "thanks", "谢谢", "感谢", "please", "麻烦", "辛苦")
_NEGATED = re.compile(
    r"\b(?:not|isn't|wasn't|no)\s+(?:that\s+)?(?:bad|terrible|awful)\b|不差|不算差|没那么差"
)


class Frustration(BaseModel):
    """Score with the cues that produced it, so a handoff can say why."""

    score: float = Field(ge=0.0, le=1.0)
    cues: list[str] = Field(default_factory=list)


def frustration_score(text: str, *, previous_messages: list[str] | None = None) -> Frustration:
    """How frustrated the writer of ``text`` sounds.

    ``previous_messages`` (the customer's earlier turns) adds a cue when the customer
    repeats themselves, the most reliable sign that the bot is not helping.
    """
    if not text or not text.strip():
        return Frustration(score=0.0)
    lowered = text.lower()
    cues: list[str] = []
    raw = 0.0
    for lexicon in (_EN_CUES, _ZH_CUES):
        for cue, weight in lexicon.items():
            if cue in lowered:
                raw += weight
                cues.append(cue.strip())
    if _NEGATED.search(lowered):
        raw = max(0.0, raw - 1.0)
        cues.append("negated")
    bangs = len(re.findall(r"[!！]", text))
    if bangs >= 2:
        raw += min(1.2, 0.3 * bangs)
        cues.append("!" * min(bangs, 3))
    if re.search(r"[?？]{2,}|[?？][!！]|[!！][?？]", text):
        raw += 0.6
        cues.append("?!")
    letters = [c for c in text if c.isascii() and c.isalpha()]
    upper_words = re.findall(r"\b[A-Z]{3,}\b", text)
    if len(letters) >= 8 and sum(c.isupper() for c in letters) / len(letters) > 0.6:
        raw += 1.0
        cues.append("caps")
    elif len(upper_words) >= 2:
        raw += 0.4
        cues.append("caps")
    if re.search(r"(.)\1{3,}", text) and not re.search(r"\d{4}", text):
        raw += 0.3
        cues.append("elongation")
    if previous_messages and _repeats(text, previous_messages):
        raw += 0.8
        cues.append("repeated")
    if any(s in lowered for s in _SOFTENERS):
        raw = max(0.0, raw - 0.4)
    # 1 - exp(-x/1.5): one strong cue ~0.55, two ~0.8, calm text stays at 0.
    return Frustration(score=round(1.0 - math.exp(-raw / 1.5), 4), cues=cues)


def _repeats(text: str, previous: list[str]) -> bool:
    def grams(s: str) -> set[str]:
        s = re.sub(r"\s+", " ", s.lower().strip())
        return {s[i : i + 3] for i in range(max(1, len(s) - 2))}

    current = grams(text)
    for old in previous[-5:]:
        other = grams(old)
        if current and other and len(current & other) / len(current | other) > 0.6:
            return True
    return False
