"""Replies worded by the language model from what the code decided, checked before they show.

With ``KEFU_LLM_ROLE=converse`` and a model configured, every bot reply is worded by the
model after the engine has decided and committed the turn. The engine's reply records, piece
by piece, the template key, the facts and the template text (``Reply.said``); the model
rewrites those pieces in the customer's language, one numbered line per piece, in **one**
call per turn (no retry), bounded by ``KEFU_LLM_WORDING_TIMEOUT_S``.

Every sentence is checked in code before anyone sees it (:func:`sentence_problems`):

- every number, order id, email address and link comes from the facts or the template;
- no product name of the store, capitalised name or Latin word the facts do not contain;
- no status or "it is done" claim ("cancelled", "已退款" ...), date word, promise or policy
  word ("refund", "free", "guarantee", "立即", "免费" ...) the facts do not contain;
- no repeated instruction line, data fence or talk about "the customer"/"the system";
- the customer's language (a Chinese reply speaks Chinese; an English one has no Chinese
  the facts do not have).

And every piece when its line ends (:func:`part_problems`): it keeps the order ids, emails
and numbers of its template, asks when the template asks, and a write confirmation keeps
the exact action text (``details``) verbatim; a confirmation line is held back until it is
whole and checked.

The first failure ends the model's part of the turn: what was already shown (all checked)
stays, and the rest of the reply is the template from that piece on, logged with the reason.
A model that fails, hangs or is too slow costs at most the timeout, then the template.
"""

from __future__ import annotations

import logging
import queue
import re
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

from kefu.assistant._phrase import _echoes_instructions
from kefu.assistant._reply import Reply
from kefu.llm.prompts import fence, render_prompt

log = logging.getLogger(__name__)

NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
ORDER_ID = re.compile(r"W\d{7}\b")
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
LINK = re.compile(r"https?://[^\s)）>]+|www\.[^\s)）>]+", re.I)
CJK = re.compile(r"[\u3400-\u9fff]")
CJK_RUN = re.compile(r"[\u3400-\u9fff]+")
LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*[A-Za-z]|[A-Za-z]")
CAPITALISED = re.compile(r"\b[A-Z][A-Za-z'’-]*")
SENTENCE_END = re.compile(r"[。！？!?]+[”」』）)\"']*|\.(?=\s)|[.…]+[”」』）)\"']+(?=\s)")
NUMBERING = re.compile(r"^\s*(?:\*\*)?(\d{1,2})\s*[.)、:：]\s*(?:\*\*)?\s*")

VERBATIM_KEYS = frozenset({"declined"})
"""Pieces whose exact words are the decision ("I haven't changed anything"): kept as is."""
CONFIRM_KEYS = frozenset({"confirm", "confirm_again"})
"""Write confirmations: the exact action text (``details``) must be kept verbatim."""
FREE_KEYS: frozenset[str] = frozenset()
"""Pieces whose numbers the wording may leave out (a policy passage is summarised)."""
MAX_SENTENCE = 400

PROMISES = re.compile(
    r"refund|reimburs|compensat|free\b|for free|no charge|at no cost|guarantee|warrant|"
    r"discount|coupon|voucher|credit|cashback|cash back|gift card|bonus|points|upgrade|"
    r"priority|expedit|promise|waive|immediately|right away|asap|as soon as|shortly|"
    r"within \d|money back|"
    r"退款|退钱|补偿|赔偿|免费|包邮|保证|确保|保修|质保|折扣|打折|优惠|优惠券|代金券|红包|"
    r"返现|积分|礼品卡|赠送|送您|承诺|立即|马上|立刻|尽快|加急|升级|优先",
    re.I,
)
"""Offers, policies and speed promises: only when the facts or the template say them."""
CLAIMS = re.compile(
    r"\b(?:cancell?ed|refunded|shipped|delivered|returned|exchanged|processed|completed|"
    r"updated|changed|modified|approved|submitted|pending|transferred|verified|done)\b|"
    r"已取消|已退款|已退回|已发货|已送达|已签收|已退货|已换货|已处理|已完成|已更新|已修改|"
    r"已更改|已改为|已提交|已申请|已验证|已转接|已到账|待处理|处理中|已寄出",
    re.I,
)
"""Statuses and "it is done" claims: a confirmation must not say the change is made."""
DATES = re.compile(
    r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+\d|"
    r"\b(?:january|february|march|april|june|july|august|september|october|november|"
    r"december|monday|tuesday|wednesday|thursday|friday|saturday|sunday|today|tonight|"
    r"tomorrow|yesterday|this week|next week|business days?|working days?|hours?)\b|"
    r"今天|明天|后天|昨天|今晚|本周|下周|星期[一二三四五六日天]|周[一二三四五六日末]|"
    r"工作日|小时|[一二三四五六七八九十两]+天",
    re.I,
)
"""Dates and durations the facts must carry."""
ASKS = re.compile(
    r"\b(?:e-?mail|zip|postcode|postal code|phone|password|passcode|pin|card number|cvv|"
    r"security code|birthday|date of birth|a person|human|agent|representative)\b|"
    r"邮箱|邮件|邮编|电话|手机|密码|验证码|卡号|生日|人工|客服专员",
    re.I,
)
"""What a reply may ask for or offer only when the decision does: contact details, secrets
(never asked for by the code), a person."""
META = re.compile(
    r"\b(?:the customer|the system|instructions?|the reference|reference wording|"
    r"as an ai|language model|prompt|system message|rewrit\w*|part \d|line \d)\b|"
    r"顾客|客户|系统|参考措辞|要求|指令|提示词|语言模型|人工智能|改写|第.部分|第.行",
    re.I,
)
"""Talk about the task instead of to the customer: such a sentence is not sent."""
ALLOWED_WORDS = frozenset(
    {
        "I", "I'm", "I'll", "I've", "I'd", "OK", "Ok", "Hi", "Hello", "Hey", "Dear", "Thanks",
        "Thank", "Sure", "Yes", "No", "Please", "Sorry", "Great", "Of", "Certainly", "Got",
        "Good", "Happy", "Glad", "Welcome", "Unfortunately", "Alright", "Absolutely",
    }
)  # fmt: skip
"""Capitalised words any reply may use mid-sentence (greetings, the pronoun)."""


def current_role() -> str:
    """The configured ``KEFU_LLM_ROLE`` (route, understand or converse)."""
    from kefu.config import get_settings

    return get_settings().llm_role


@dataclass(frozen=True)
class Part:
    """One piece of the decided reply: template key, facts, the template's text."""

    key: str | None
    facts: dict[str, Any]
    text: str


@dataclass
class Grounds:
    """What a worded sentence may draw on: the facts, the templates, the store's names."""

    source: str
    lang: str
    products: tuple[str, ...] = ()
    low: str = ""
    numbers: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.low = self.source.lower()
        self.numbers = _numbers(self.source)


@dataclass
class Wording:
    """How one turn was worded: the text the customer saw and why any of it is template."""

    text: str
    template: str
    status: Literal["worded", "partial", "template"]
    reasons: list[str] = field(default_factory=list)
    first_visible_s: float | None = None
    """When the customer could first see text (a checked sentence, or the template)."""
    model_first_token_s: float | None = None
    latency_s: float = 0.0
    calls: int = 0
    raw: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "reasons": self.reasons,
            "template": self.template,
            "first_visible_s": None
            if self.first_visible_s is None
            else round(self.first_visible_s, 3),
            "model_first_token_s": None
            if self.model_first_token_s is None
            else round(self.model_first_token_s, 3),
            "latency_s": round(self.latency_s, 3),
            "calls": self.calls,
        }


# ---------------------------------------------------------------------------------- checks


def _numbers(text: str) -> set[str]:
    return {n.replace(",", "") for n in NUMBER.findall(text)}


def _flat(value: Any) -> list[str]:
    if isinstance(value, dict):
        return [s for v in value.values() for s in _flat(v)]
    if isinstance(value, list | tuple):
        return [s for v in value for s in _flat(v)]
    return [] if value is None else [str(value)]


def _norm(text: str) -> str:
    return text.lower().replace("canceled", "cancelled")


def sentence_problems(sentence: str, grounds: Grounds) -> list[str]:
    """Why ``sentence`` may not be shown (empty: it may)."""
    s = sentence.strip()
    low = _norm(s)
    source_low = _norm(grounds.low)
    problems = [f"number {n}" for n in sorted(_numbers(s) - grounds.numbers)]
    problems += [f"order id {m}" for m in ORDER_ID.findall(s) if m not in grounds.source]
    for kind, pattern in (("email", EMAIL), ("link", LINK)):
        problems += [f"{kind} {m}" for m in pattern.findall(s) if m not in grounds.source]
    if "<data" in low or "</data" in low or "‹data" in low:
        problems.append("data fence")
    if _echoes_instructions(low, source_low):
        problems.append("repeats its instructions")
    for kind, pattern in (
        ("promise", PROMISES),
        ("claim", CLAIMS),
        ("date", DATES),
        ("asks for", ASKS),
    ):
        found = {_norm(m.group(0)) for m in pattern.finditer(s)}
        problems += [f"{kind} {m!r}" for m in sorted(found) if m not in source_low]
    problems += [f"speaks about {m!r}" for m in META.findall(s) if m.lower() not in source_low][:1]
    for name in grounds.products:
        if _mentions(low, name) and name not in source_low:
            problems.append(f"product {name!r}")
    problems += _names(s, grounds)
    if grounds.lang == "zh":
        if not CJK.search(s) and len(LATIN_WORD.findall(s)) >= 2:
            problems.append("not in Chinese")
    else:
        problems += [
            f"not in English ({r})" for r in CJK_RUN.findall(s) if r not in grounds.source
        ][:1]
    if len(s) > max(MAX_SENTENCE, len(grounds.source) // 2 + 80):
        problems.append("too long")
    return problems


def _mentions(low: str, name: str) -> bool:
    if name.isascii():
        return re.search(r"(?<![a-z0-9])" + re.escape(name) + r"(?![a-z0-9])", low) is not None
    return name in low


def _names(sentence: str, grounds: Grounds) -> list[str]:
    """Names the facts do not have: in English a capitalised word inside a sentence (an
    invented product, another person), in Chinese any Latin word."""
    found: list[str] = []
    if grounds.lang == "zh":
        for word in LATIN_WORD.findall(sentence):
            if word.lower() not in grounds.low and word not in ALLOWED_WORDS:
                found.append(f"name {word!r}")
        return found[:2]
    for m in CAPITALISED.finditer(sentence):
        word = m.group(0).rstrip("'’-")
        before = sentence[: m.start()].rstrip(" \"'“‘(")
        if not before or before[-1] in ".!?:;":
            continue  # a sentence's first word
        if word in ALLOWED_WORDS or word in grounds.source:
            continue
        found.append(f"name {word!r}")
    return found[:2]


QUOTED = re.compile(r"(?<![A-Za-z])'([^']{2,40})'(?![A-Za-z])|“([^”]{1,40})”|‘([^’]{2,40})’")


def _quoted(text: str) -> list[str]:
    """The choices a template quotes ('no longer needed', “误下单”): the wording keeps them."""
    return [next(g for g in m.groups() if g) for m in QUOTED.finditer(text)]


def part_problems(line: str, part: Part) -> list[str]:
    """Why ``line`` does not stand for ``part`` (empty: it does)."""
    problems: list[str] = []
    if part.key in VERBATIM_KEYS and part.text.strip() not in line:
        problems.append("reworded a fixed statement")
    if part.key in CONFIRM_KEYS:
        details = str(part.facts.get("details", ""))
        if details and details not in line:
            problems.append("confirmation without its exact action text")
    if part.key not in FREE_KEYS:
        problems += [f"lost order id {m}" for m in ORDER_ID.findall(part.text) if m not in line]
        problems += [f"lost email {m}" for m in EMAIL.findall(part.text) if m not in line]
        problems += [f"lost number {n}" for n in sorted(_numbers(part.text) - _numbers(line))]
    problems += [f"lost quoted {q!r}" for q in _quoted(part.text) if q not in line]
    if ("?" in part.text or "？" in part.text) and not ("?" in line or "？" in line):
        problems.append("does not ask")
    ends = (".", "!", "?", "。", "！", "？", "…", ")", "）", "”", "'", '"')
    if part.text.rstrip().endswith(ends) and not line.rstrip().endswith(ends):
        problems.append("unfinished")  # cut off by the token budget or a broken stream
    if not line.strip():
        problems.append("empty")
    return problems


# ---------------------------------------------------------------------------------- plan


def parts_of(reply: Reply) -> list[Part]:
    """The reply's pieces with text, as the engine decided them."""
    return [
        Part(p.get("key"), dict(p.get("facts") or {}), str(p.get("text") or ""))
        for p in reply.said
        if str(p.get("text") or "").strip()
    ]


def grounds_for(reply: Reply, parts: list[Part], products: tuple[str, ...] = ()) -> Grounds:
    """Everything the code put into this reply: template texts, facts, cards, buttons."""
    pieces = [p.text for p in parts]
    pieces += [s for p in parts for s in _flat(p.facts)]
    pieces += [s for c in reply.cards for s in _flat(c.data)]
    pieces += [q.label for q in reply.quick_replies] + [q.value for q in reply.quick_replies]
    return Grounds(
        "\n".join(pieces), reply.language if reply.language in ("zh", "en") else "en", products
    )


def prompt_for(reply: Reply, parts: list[Part], customer_text: str) -> list[dict[str, str]]:
    """The one wording request of a turn: short (prompt time is most of a small model's
    latency), the template parts numbered inside one data fence. The facts are not repeated:
    the template text carries them, and the checks hold the wording to them."""
    lang = reply.language if reply.language in ("zh", "en") else "en"
    keep = []
    for n, part in enumerate(parts, 1):
        if part.key in VERBATIM_KEYS:
            keep.append(
                f"第{n}行原样照抄：{part.text}"
                if lang == "zh"
                else f" Line {n} must be exactly: {part.text}"
            )
        details = part.facts.get("details") if part.key in CONFIRM_KEYS else None
        if details:
            keep.append(
                f"第{n}行必须原样包含：{details}"
                if lang == "zh"
                else f" Line {n} must contain exactly: {details}"
            )
    numbered = "\n".join(f"{n}. {part.text}" for n, part in enumerate(parts, 1))
    user = render_prompt(
        "word_reply",
        lang,
        customer_message=fence(customer_text, "customer message"),
        count=len(parts),
        parts=fence(numbered, "reply"),
        keep="".join(keep),
    )
    return [{"role": "user", "content": user}]


# ---------------------------------------------------------------------------------- the run


class WordingRun:
    """One turn's wording: iterate for the text deltas that passed the checks (stream them
    as they come); ``result`` holds the :class:`Wording` once the iteration ends.

    Exactly one model call (``llm.stream``), no retry; the whole run ends by
    ``timeout_s`` after it starts, with the template for whatever is not worded by then.
    """

    def __init__(
        self,
        llm: Any,
        reply: Reply,
        customer_text: str,
        *,
        timeout_s: float = 8.0,
        max_tokens: int = 240,
        products: tuple[str, ...] = (),
    ) -> None:
        self.llm = llm
        self.reply = reply
        self.parts = parts_of(reply)
        self.grounds = grounds_for(reply, self.parts, products)
        self.customer_text = customer_text
        self.timeout_s = timeout_s
        self.max_tokens = max_tokens
        self.result: Wording | None = None
        self._shown: list[str] = []
        self._cancel = threading.Event()
        self._start = 0.0
        self._first: float | None = None
        self._raw: list[str] = []
        self._step = threading.Lock()
        self._stream: Any = None
        self._gen: Iterator[str] | None = None

    @property
    def lang(self) -> str:
        return self.grounds.lang

    def _emit(self, text: str, *, join: str = " ") -> Iterator[str]:
        text = text.strip()
        if not text:
            return
        prefix = join if self._shown else ""
        if self._first is None:
            self._first = time.perf_counter() - self._start
        self._shown.append(prefix + text)
        yield prefix + text

    def _produce(self, messages: list[dict[str, str]], out: queue.Queue[tuple[str, Any]]) -> None:
        from kefu.llm import LLMError

        try:
            stream = self.llm.stream(messages, max_tokens=self.max_tokens, temperature=0.3)
            self._stream = stream
            for delta in stream:
                if self._cancel.is_set():
                    stream.close()
                    return
                out.put(("delta", delta))
            out.put(("end", None))
        except LLMError as exc:
            out.put(("error", f"model failed ({type(exc).__name__})"))
        except Exception as exc:  # a broken stream must cost the template, not the turn
            log.exception("wording stream broke")
            out.put(("error", f"model failed ({type(exc).__name__})"))

    def __iter__(self) -> Iterator[str]:
        return self

    def __next__(self) -> str:
        # one step at a time: a client that left mid-stream is finished by another thread
        with self._step:
            if self._gen is None:
                self._gen = self._words()
            return next(self._gen)

    def _words(self) -> Iterator[str]:
        self._start = time.perf_counter()
        template = " ".join(p.text for p in self.parts) or self.reply.text
        reasons: list[str] = []
        worded_parts = 0
        index = 0  # the part the current line words
        if not self.parts:
            yield from self._emit(self.reply.text)
            self.result = Wording(self.reply.text, self.reply.text, "template", ["nothing to word"])
            return
        messages = prompt_for(self.reply, self.parts, self.customer_text)
        out: queue.Queue[tuple[str, Any]] = queue.Queue()
        threading.Thread(target=self._produce, args=(messages, out), daemon=True).start()
        line = ""  # text of the current line not yet judged
        line_shown: list[str] = []  # sentences of the current line already shown
        failed = False
        deadline = self._start + self.timeout_s
        ended = False
        model_first: float | None = None

        def fail(why: list[str]) -> None:
            nonlocal failed
            failed = True
            reasons.extend(why)

        while not failed and not ended:
            left = deadline - time.perf_counter()
            try:
                kind, value = out.get(timeout=max(0.0, left))
            except queue.Empty:
                fail([f"timeout after {self.timeout_s:g} s"])
                break
            if kind == "error":
                fail([value])
                break
            if kind == "end":
                ended = True
                value = "\n"
            elif model_first is None:
                model_first = time.perf_counter() - self._start
            self._raw.append(value)
            line += value
            while not failed:
                newline = line.find("\n")
                if newline < 0:
                    if index < len(self.parts) and self.parts[index].key not in CONFIRM_KEYS:
                        sentences, line = _complete_sentences(
                            _strip_numbering(line, index, bool(line_shown))
                        )
                        for sentence in sentences:
                            problems = sentence_problems(sentence, self.grounds)
                            if problems:
                                fail(problems)
                                break
                            line_shown.append(sentence)
                            yield from self._emit(sentence, join=self._join(line_shown))
                    break
                whole, line = line[:newline], line[newline + 1 :]
                whole = _strip_numbering(whole, index, bool(line_shown))
                if not whole.strip() and not line_shown:
                    continue
                if index >= len(self.parts):
                    reasons.append("extra line dropped")
                    ended = True
                    break
                if not line_shown and index == 0 and whole.rstrip().endswith((":", "：")):
                    reasons.append("preamble dropped")
                    continue
                sentences, rest = _complete_sentences(whole + " ")
                if rest.strip():
                    sentences.append(rest.strip())
                part = self.parts[index]
                held: list[str] = []
                for sentence in sentences:
                    problems = sentence_problems(sentence, self.grounds)
                    if problems:
                        fail(problems)
                        break
                    held.append(sentence)
                if failed:
                    break
                text = _join_sentences([*line_shown, *held], self.lang)
                problems = part_problems(text, part)
                if problems:
                    fail(problems)
                    break
                for sentence in held:
                    line_shown.append(sentence)
                    yield from self._emit(sentence, join=self._join(line_shown))
                line_shown = []
                worded_parts += 1
                index += 1
        self._cancel.set()
        if self._stream is not None and (failed or ended):
            self._stream.abort()  # a slow model stops now, not at its next token
        model_text = "".join(self._shown)
        while index < len(self.parts) and self._shown and _covered(model_text, self.parts[index]):
            reasons.append(f"part {index + 1} already said")
            index += 1
        if index < len(self.parts) and not failed:
            reasons.append(f"worded {index} of {len(self.parts)} parts")
        shown_by_model = bool(self._shown)
        for n, part in enumerate(self.parts[index:]):
            text = part.text
            if n == 0 and line_shown:  # the part was begun: the rest of its template
                text = _remainder(text, line_shown, self.lang)
                reasons.append("template for the rest of the part")
            yield from self._emit(text, join=" ")
        status: Literal["worded", "partial", "template"] = (
            "worded" if index >= len(self.parts) else "partial" if shown_by_model else "template"
        )
        self.result = Wording(
            text="".join(self._shown),
            template=template,
            status=status,
            reasons=reasons,
            first_visible_s=self._first,
            model_first_token_s=model_first,
            latency_s=time.perf_counter() - self._start,
            calls=1,
            raw="".join(self._raw),
        )
        if status != "worded":
            log.info(
                "reply wording fell back to the template",
                extra={"wording": {"status": status, "reasons": reasons[:5]}},
            )

    def _join(self, line_shown: list[str]) -> str:
        """The separator before the latest sentence: a space between English sentences and
        between parts, nothing between Chinese sentences of one part."""
        if len(line_shown) > 1 and self.lang == "zh":
            return ""
        return " "

    def run(self) -> Wording:
        """Word the whole reply without streaming it."""
        for _ in self:
            pass
        assert self.result is not None
        return self.result


def _strip_numbering(line: str, index: int, started: bool) -> str:
    """Drop the "1." the model puts before a part's line."""
    if started:
        return line
    m = NUMBERING.match(line)
    if m and int(m.group(1)) == index + 1:
        return line[m.end() :]
    return line


def _remainder(template: str, shown: list[str], lang: str) -> str:
    """The template's sentences that the shown ones have not said: not one shown as is, nor
    one whose ids and numbers the shown text already carries."""
    said = _join_sentences(shown, lang)
    norm_said = {_norm(x) for x in shown}
    sentences, rest = _complete_sentences(template + " ")
    kept = []
    for sentence in [*sentences, rest.strip()]:
        if not sentence or _norm(sentence) in norm_said:
            continue
        needs = ORDER_ID.findall(sentence) + sorted(_numbers(sentence))
        if needs and all(x in said or x in _numbers(said) for x in needs):
            continue
        kept.append(sentence)
    return _join_sentences(kept, lang)


def _covered(text: str, part: Part) -> bool:
    """Whether ``text`` already says ``part`` (a model that put two parts on one line):
    it carries all the part's ids and numbers, and the part has some, or asks."""
    needs = ORDER_ID.findall(part.text) or _numbers(part.text) or EMAIL.findall(part.text)
    return bool(needs) and part.key not in CONFIRM_KEYS and not part_problems(text, part)


def _complete_sentences(text: str) -> tuple[list[str], str]:
    """Whole sentences at the start of ``text`` and what is left (an unfinished one)."""
    sentences = []
    start = 0
    for m in SENTENCE_END.finditer(text):
        piece = text[start : m.end()].strip()
        if piece:
            sentences.append(piece)
        start = m.end()
    return sentences, text[start:].lstrip() if start else text


def _join_sentences(sentences: list[str], lang: str) -> str:
    return ("" if lang == "zh" else " ").join(s.strip() for s in sentences)


# ---------------------------------------------------------------------------------- service


_PRODUCTS: dict[int, tuple[float, tuple[str, ...]]] = {}
_PRODUCTS_LOCK = threading.Lock()


def store_products(engine: Any, ttl_s: float = 300.0) -> tuple[str, ...]:
    """The store's product names (lower case, every language): a worded sentence may name
    one only when the facts do."""
    key = id(engine)
    now = time.monotonic()
    with _PRODUCTS_LOCK:
        cached = _PRODUCTS.get(key)
        if cached is not None and now - cached[0] < ttl_s:
            return cached[1]
    from sqlalchemy import select

    from kefu.store.db import session_factory
    from kefu.store.models import Product

    names: set[str] = set()
    try:
        with session_factory(engine)() as session:
            for row in session.execute(select(Product.name, Product.name_zh, Product.name_en)):
                names.update(n.strip().lower() for n in row if n and len(n.strip()) >= 2)
    except Exception:  # a store without a catalog: the other checks still hold
        log.exception("could not read product names")
    found = tuple(sorted(names))
    with _PRODUCTS_LOCK:
        _PRODUCTS[key] = (now, found)
    return found


def wording_for(assistant: Any, reply: Reply, customer_text: str) -> WordingRun | None:
    """The wording run for this turn's reply, or None: not role=converse, no model, nothing
    said, or a replayed turn already worded."""
    from kefu.config import get_settings

    settings = get_settings()
    llm = getattr(assistant, "llm", None)
    if settings.llm_role != "converse" or llm is None:
        return None
    if reply.silent or not reply.text.strip() or not reply.said:
        return None
    if _already_worded(assistant, reply):
        return None
    return WordingRun(
        llm,
        reply,
        customer_text,
        timeout_s=settings.llm_wording_timeout_s,
        max_tokens=settings.llm_wording_max_tokens,
        products=store_products(assistant.engine),
    )


def _already_worded(assistant: Any, reply: Reply) -> bool:
    if reply.message_id is None:
        return False
    from kefu.store.db import session_factory
    from kefu.store.models import Message

    with session_factory(assistant.engine)() as session:
        msg = session.get(Message, reply.message_id)
        return msg is not None and bool((msg.data or {}).get("wording"))


def record(assistant: Any, reply: Reply, wording: Wording) -> Reply:
    """Store what the customer saw as the assistant message (text and reply data) with how
    it was worded, and return the reply with that text."""
    from kefu.store.db import session_factory, write_gate, writer_engine
    from kefu.store.models import Message

    worded = reply.model_copy(update={"text": wording.text})
    if reply.message_id is None:
        return worded
    factory = session_factory(writer_engine(assistant.engine))
    with write_gate(assistant.engine), factory() as session, session.begin():
        msg = session.get(Message, reply.message_id)
        if msg is not None:
            data = dict(msg.data or {})
            data["reply"] = {**(data.get("reply") or {}), "text": wording.text}
            data["wording"] = wording.as_dict()
            msg.data = data
            msg.text = wording.text
    return worded


# ---------------------------------------------------------------------------------- reading
# The model as a command generator (KEFU_LLM_ROLE=understand|converse): which requests a
# message makes, with which slot values, several allowed; schema-constrained JSON, then
# cross-checked by the exact extractors. Nothing here decides: the engine still runs every
# request through its flows, authentication and explicit yes. The engine calls it through
# kefu/assistant/commands_model.py before the turn's transaction.

READING_REASONS = ("no longer needed", "ordered by mistake")


@dataclass(frozen=True)
class ModelRequest:
    """One request the model read in a message, after the code's cross-check."""

    flow: str
    order_id: str | None = None
    email: str | None = None
    reason: str | None = None
    dropped: tuple[str, ...] = ()
    """Values the model gave that the message does not contain (removed)."""
    quote: str | None = None
    """The words of the message that make this request (kept only if verbatim in it)."""


def reading_schema(flows: list[str]) -> dict[str, Any]:
    """At most three requests, each a known flow with optional slot values."""
    return {
        "type": "object",
        "properties": {
            "requests": {
                "type": "array",
                "maxItems": 3,
                "items": {
                    "type": "object",
                    "properties": {
                        "flow": {"enum": [*flows, "question", "handoff", "none"]},
                        "order_id": {"type": ["string", "null"]},
                        "email": {"type": ["string", "null"]},
                        "reason": {"enum": [*READING_REASONS, None]},
                        "quote": {"type": ["string", "null"], "maxLength": 200},
                    },
                    "required": ["flow"],
                    "additionalProperties": False,
                },
            }
        },
        "required": ["requests"],
        "additionalProperties": False,
    }


def cross_check(value: dict[str, Any], u: Any, flows: list[str]) -> list[ModelRequest]:
    """The model's reading held to the message: an order id or email the message does not
    contain is dropped; an explicit yes/no in the message means the code's reading stands
    (no model requests); one order id the extractor found fills a request that has none."""
    if getattr(u, "yes", False) or getattr(u, "no", False):
        return []
    text = str(getattr(u, "text", ""))
    code_ids = [i.lstrip("#").upper() for i in getattr(u, "order_ids", [])]
    code_emails = [e.lower() for e in getattr(u, "emails", [])]
    found: list[ModelRequest] = []
    for raw in value.get("requests", [])[:3]:
        flow = raw.get("flow")
        if flow not in flows:
            continue
        dropped: list[str] = []
        order_id = raw.get("order_id")
        if order_id is not None:
            bare = str(order_id).lstrip("#").upper()
            if bare not in code_ids or bare not in text.upper():
                dropped.append(f"order id {order_id}")
                order_id = None
            else:
                order_id = "#" + bare
        if order_id is None and len(code_ids) == 1:
            order_id = "#" + code_ids[0]
        email = raw.get("email")
        if email is not None and (str(email).lower() not in code_emails):
            dropped.append(f"email {email}")
            email = None
        reason = raw.get("reason")
        if reason is not None and reason not in READING_REASONS:
            reason = None
        quote = raw.get("quote")
        quote = str(quote).strip() if quote and str(quote).strip() in text else None
        found.append(ModelRequest(flow, order_id, email, reason, tuple(dropped), quote))
    return found


def read_message(llm: Any, u: Any, flows: list[str] | None = None) -> list[ModelRequest] | None:
    """The model's cross-checked reading of ``u`` (None: the model gave none)."""
    from kefu.assistant.flows import FLOWS
    from kefu.llm import LLMError

    menu = sorted(flows or FLOWS)
    lang = u.language if u.language in ("zh", "en") else "en"
    system = (
        "把顾客消息中的请求读成JSON：每个请求的flow，以及消息里原样出现的订单号、邮箱。"
        if lang == "zh"
        else "Read the customer's message as JSON: each request's flow, and only the order "
        "ids and emails that appear in the message."
    )
    system += (
        " quote：该请求在消息中的原话。"
        if lang == "zh"
        else " quote: the message's own words for that request."
    )
    messages = [
        {"role": "system", "content": system + " flows: " + ", ".join(menu)},
        {"role": "user", "content": fence(u.text, "customer message")},
    ]
    try:
        value = llm.json(messages, reading_schema(menu), max_tokens=160)
    except LLMError as exc:
        log.info("model gave no reading: %s", type(exc).__name__)
        return None
    return cross_check(value, u, [*menu, "question", "handoff"])
