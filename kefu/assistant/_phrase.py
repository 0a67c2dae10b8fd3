"""Knowledge answers phrased by the language model, checked in code before anyone sees them.

With a model configured, the best retrieved passage is turned into a short answer in the
customer's language (its citation stays the passage's). The engine asks for it *before* the
turn's transaction: a model call takes seconds and must not hold the database. The phrased
text replaces the quoted passage only if :func:`grounding_problems` finds nothing:

- every number in it appears in the passage (no invented days, amounts or percentages);
- it names no order id (documents never speak for a particular order), and every email
  address and web address in it appears in the passage;
- it repeats no line of the instructions the model was given, opens no data fence, and
  talks to the customer rather than about "the customer" or "the system";
- it is in the customer's language and short.

Otherwise the passage is quoted, exactly as without a model.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from typing import Any

from kefu.llm.prompts import fence, instruction_lines, render_prompt

log = logging.getLogger(__name__)

NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
ORDER_ID = re.compile(r"W\d{7}\b")
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
LINK = re.compile(r"https?://[^\s)）>]+|www\.[^\s)）>]+", re.I)
CJK = re.compile(r"[\u4e00-\u9fff]")
MAX_CHARS = 600
META = re.compile(
    r"\b(?:the customer|the system|the passage|the policy text|instructions?)\b"
    r"|顾客|客户|系统|段落|原文|要求",
    re.I,
)
"""Talk about the conversation instead of to the customer ("The customer asked ..., the
system decided ..."): small models slip into it; such a text is not sent."""


@dataclass
class Prepared:
    """Model work done ahead of a turn for one message, outside its transaction: a worded
    knowledge answer (with its retrieval) and the model's reading of an unsettled message."""

    text: str
    language: str
    searched: bool = False
    hits: list[Any] = field(default_factory=list)
    confident: bool = False
    phrased: str | None = None
    passage: str | None = None
    proposal_key: tuple[Any, ...] | None = None
    proposal: Any = None


def _numbers(text: str) -> set[str]:
    return {n.replace(",", "") for n in NUMBER.findall(text)}


def _echoes_instructions(answer: str, passage: str) -> bool:
    """Whether ``answer`` (lower case) repeats a stretch of any prompt line: 24 characters in
    a row (10 of Chinese) that the passage itself does not contain."""
    for line in instruction_lines():
        line = line.lower()
        width = 10 if CJK.search(line) else 24
        for start in range(0, max(1, len(line) - width + 1)):
            piece = line[start : start + width]
            if piece in answer and piece not in passage:
                return True
    return False


def grounding_problems(answer: str, passage: str, lang: str) -> list[str]:
    """Why ``answer`` may not stand in for ``passage`` (empty: it may)."""
    problems = [f"number {n}" for n in sorted(_numbers(answer) - _numbers(passage))]
    problems += [f"order id {m}" for m in ORDER_ID.findall(answer)]
    for kind, pattern in (("email", EMAIL), ("link", LINK)):
        problems += [f"{kind} {m}" for m in pattern.findall(answer) if m not in passage]
    low = answer.lower()
    if "<data" in low or "</data" in low:
        problems.append("data fence")
    if _echoes_instructions(low, passage.lower()):
        problems.append("repeats its instructions")
    problems += [f"speaks about {m}" for m in META.findall(answer) if m not in passage][:1]
    chinese = len(CJK.findall(answer))
    if lang == "zh" and chinese < 4:
        problems.append("not in Chinese")
    if lang == "en" and chinese > 0:
        problems.append("not in English")
    if not answer.strip() or len(answer) > MAX_CHARS:
        problems.append("empty or too long")
    return problems


def phrase_answer(llm: Any, question: str, passage: str, lang: str) -> str | None:
    """The model's short answer from ``passage``, or None (model failed, or ungrounded)."""
    from kefu.llm import LLMError

    lang = lang if lang in ("zh", "en") else "en"
    system = render_prompt("system", lang, store_name="本店" if lang == "zh" else "the store")
    user = render_prompt(
        "kb_answer",
        lang,
        question=fence(question, "customer message"),
        passage=fence(passage, "store policy"),
        max_sentences=3,
    )
    try:
        completion = llm.chat(
            [{"role": "system", "content": system}, {"role": "user", "content": user}],
            max_tokens=160,
            temperature=0.1,
        )
    except LLMError as exc:
        log.info("knowledge answer not phrased: %s", type(exc).__name__)
        return None
    answer = completion.text.strip()
    problems = grounding_problems(answer, passage, lang)
    if problems:
        log.info("phrased knowledge answer dropped: %s", "; ".join(problems[:3]))
        return None
    return answer
