"""Pattern "digress": a store question in the middle of a request is answered and the request
resumes; several requests in one message are queued and taken up one after the other.
"""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING

from kefu.assistant import _extract as ex
from kefu.assistant import _requests
from kefu.assistant._state import FlowState
from kefu.assistant._understand import (
    KNOWLEDGE_INTENTS,
    Understanding,
    asks_store_question,
    understand,
)
from kefu.assistant.turn import (
    Turn,
)
from kefu.store.models import (
    HandoffState,
)

if TYPE_CHECKING:
    from kefu.assistant.engine import Assistant

log = logging.getLogger(__name__)


class Digressions:
    """Mixed into :class:`kefu.assistant.engine.Assistant`."""

    def _aside(self: Assistant, turn: Turn, flow: FlowState) -> bool:
        """A policy question in the middle of a request: answer it, then ask again where we were."""
        u = turn.u
        asked = u.intent in KNOWLEDGE_INTENTS and u.confidence >= 0.7
        worded = not asked and asks_store_question(u.text)
        if not (asked or worded) or u.yes or u.no or self._fills_any(turn):
            return False
        if not flow.confirming and self._answers_awaited(turn, flow):
            if worded and self._search_knowledge(u.text, turn.lang)[1]:
                # "退到礼品卡的话是马上到账吗？": answered, and the answer fills the slot too
                self._knowledge(turn, offer_handoff=False)
                turn.quick = []
            return False
        if worded:
            # a question by its wording only: answered when the store's documents know it
            _, confident = self._search_knowledge(u.text, turn.lang)
            if not confident:
                return False
        self._knowledge(turn, offer_handoff=False)
        turn.quick = []
        if flow.confirming and flow.action is not None:
            turn.say("confirm_again", details=flow.action["details"])
            turn.yes_no()
        elif flow.awaiting:
            flow.slots.pop(
                f"_asked_{flow.awaiting}", None
            )  # asked again as a question, not "invalid"
            self._ask(flow.awaiting, turn, flow)
        return True

    def _answer_beside_read(self: Assistant, turn: Turn, request: str) -> None:
        """ "I cancelled an order and the money isn't back on my PayPal. how long does that
        take?": after the order's facts, the question of timing the request also asked is
        answered from the store's documents, when they know it."""
        question = _timing_question(request)
        if question is None:
            return
        if not self._search_knowledge(question, turn.lang)[1]:
            # "how long does that take?": what "that" is, the sentences before it say
            question = re.sub(r"\s+", " ", ex.strip_identity(request)).strip()
            if not self._search_knowledge(question, turn.lang)[1]:
                return
        whole, turn.u = turn.u, self._part(turn.u, question)
        try:
            self._knowledge(turn, offer_handoff=False)
        finally:
            turn.u = whole

    @staticmethod
    def _part(whole: Understanding, text: str) -> Understanding:
        """One request of a message with several; identity given anywhere in it still counts."""
        part = understand(text, whole.language)
        part.emails = part.emails or whole.emails
        part.zips = part.zips or whole.zips
        return part

    def _drain(self: Assistant, turn: Turn) -> None:
        """Take up the next queued request once the current one is finished."""
        state = turn.state
        for _ in range(3):  # bounded: each queued request is at most one flow start
            if (
                not state.queue
                or state.flow is not None
                or state.pending_flow is not None
                or not state.customer_id
                or turn.conv.handoff_state is not HandoffState.BOT
            ):
                return
            text = state.queue.pop(0)
            turn.u = _requests.read_request(text, state.language)
            if not turn.u.flow:
                continue
            turn.quick = []
            quoted = re.sub(r"\s+", " ", ex.strip_identity(text)).strip(" ,.，。")
            turn.say("next_request", request=quoted[:80])
            self._start_flow(turn, self._flow_name(turn.u))


_TIMING = re.compile(
    r"\bhow (?:long|many (?:business |working )?days)\b|\bwhen (?:will|do|does|should|can)\b|"
    r"多久|几天|多长时间|什么时候|何时|多少天",
    re.I,
)


def _timing_question(text: str) -> str | None:
    """The sentence of ``text`` that asks how long something takes, if one does."""
    for sentence in re.split(r"(?<=[.?!。？！])\s*", ex.strip_identity(text)):
        if _TIMING.search(sentence):
            return sentence.strip()
    return None
