"""Pattern "hand off": explicit requests for a person, disputes after a refusal, repeated
frustration, and the offer of a person.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from kefu.assistant import _extract as ex
from kefu.assistant._reply import Card, QuickReply
from kefu.assistant._state import FlowState
from kefu.assistant._templates import label
from kefu.assistant._understand import FAULT, FLOW_INTENTS, REQUEST_CUES
from kefu.assistant.flows import FLOWS
from kefu.assistant.turn import (
    CONFIDENCE_FLOOR,
    NEGATIVE_SENTIMENT,
    Turn,
)
from kefu.handoff import (
    HandoffReason,
    request_handoff,
    summarize,
)

if TYPE_CHECKING:
    from kefu.assistant.engine import Assistant

log = logging.getLogger(__name__)


class HandingOff:
    """Mixed into :class:`kefu.assistant.engine.Assistant`."""

    def _handoff_triggers(self: Assistant, turn: Turn) -> bool:
        u, state = turn.u, turn.state
        read_as_human = u.intent == "human_agent" and u.confidence >= CONFIDENCE_FLOOR
        if read_as_human and state.flow and self._answers_awaited(turn, state.flow):
            read_as_human = False  # "Acme Trading Ltd" answering "who is the invoice for?"
        if ex.wants_human(u.text) or read_as_human:
            self._handoff(turn, HandoffReason.EXPLICIT_REQUEST)
            return True
        if state.offer_handoff and u.yes and not (state.flow and state.flow.confirming):
            self._handoff(turn, HandoffReason(state.offer_handoff))
            return True
        refused_flow = (state.last_refusal or "").split(" ", 1)[0]
        repeats = bool(refused_flow) and self._flow_name(u) == refused_flow and not u.order_ids
        if repeats and refused_flow in FLOWS:
            # "fine, then cancel the water bottle one instead": another order, a new request
            other = self._order_naming(turn, FlowState(name=refused_flow), u.text, other=False)
            refused_order = (state.last_refusal or "").split(" ")[1:2]
            repeats = other is None or [other] == [o.rstrip(":") for o in refused_order]
        # "ok, then I want to return it" after a refused cancel is a new request, not a dispute
        cue = next((c for name, c in REQUEST_CUES if FLOW_INTENTS.get(name) == u.flow), None)
        asked = cue is not None and bool(cue.search(u.text))  # "那T恤退了吧": in so many words
        moves_on = bool(u.flow) and not repeats and (u.confidence >= 0.7 or asked)
        accepts = u.no and u.intent != "complaint" and u.sentiment > -0.6  # "no, leave it"
        if state.last_refusal and not accepts and (
            u.no or u.intent == "complaint" or (u.sentiment <= -0.3 and not moves_on) or repeats
        ):
            self._handoff(turn, HandoffReason.POLICY_DISPUTE)
            return True
        state.last_refusal = None
        # sentiment alone misfires on neutral questions (e.g. -0.93 for "退货的退款会退到哪里？"),
        # so a strongly negative score counts only together with a complaint or frustration
        if (
            u.sentiment <= NEGATIVE_SENTIMENT
            and (u.intent == "complaint" or u.frustration)
            and not u.complained  # a request the bot can carry out: do it, offer a person
        ):
            self._handoff(turn, HandoffReason.NEGATIVE_SENTIMENT)
            return True
        return False

    def _track_frustration(self: Assistant, turn: Turn) -> None:
        u, state = turn.u, turn.state
        if u.complained and state.frustration == 0:
            state.frustration = 1  # counts once; the bot is now doing what was asked
            return
        if u.frustration or (u.sentiment <= -0.4 and u.intent == "complaint"):
            state.frustration += 1
            if state.frustration >= 2:
                self._handoff(turn, HandoffReason.REPEATED_FRUSTRATION)
        else:
            state.frustration = (
                max(0, state.frustration - 1) if u.sentiment > 0 else state.frustration
            )

    def _low_confidence(self: Assistant, turn: Turn) -> None:
        turn.state.low_confidence += 1
        if turn.state.low_confidence >= 2:
            self._handoff(turn, HandoffReason.LOW_CONFIDENCE)
            return
        turn.say("low_confidence")
        turn.quick = [QuickReply(label=label("human", turn.lang), value=label("human", turn.lang))]

    def _offer_handoff(self: Assistant, turn: Turn, reason: HandoffReason) -> None:
        turn.state.offer_handoff = reason.value
        turn.say("offer_handoff")
        turn.yes_no()

    def _handoff(self: Assistant, turn: Turn, reason: HandoffReason) -> None:
        turn.conv.state = {**(turn.conv.state or {}), **turn.state.dump()}
        summary = summarize(turn.session, turn.conv, reason)
        turn.tools.call("transfer_to_human_agents", {"summary": summary[:4000]}, write=True)
        request_handoff(turn.session, turn.conv, reason, summary)
        turn.state.offer_handoff = None
        turn.state.low_confidence = 0
        turn.state.frustration = 0
        turn.state.last_refusal = None
        turn.rewind(0)
        turn.say("handoff")
        turn.quick = []
        turn.cards.append(Card(type="handoff", data={"reason": reason.value}))

    def _complaint(self: Assistant, turn: Turn) -> None:
        """Acknowledge and offer a person; a second complaint after the offer hands over,
        unless it tells what is wrong with what ("the speaker crackles at any volume"):
        then a return or an exchange is offered beside the person, and what was said is
        kept for the request that follows (its product names the item)."""
        u, state = turn.u, turn.state
        detail = bool(u.order_ids) or _tells_the_problem(turn)
        state.context = [*state.context, u.text[:500]][-3:]
        if turn.previous_offer == HandoffReason.NEGATIVE_SENTIMENT.value and (
            not detail or u.frustration
        ):
            self._handoff(turn, HandoffReason.REPEATED_FRUSTRATION)
            return
        if not detail:
            turn.say("complaint")
            self._offer_handoff(turn, HandoffReason.NEGATIVE_SENTIMENT)
            return
        turn.say("complaint_detail")
        state.offer_handoff = HandoffReason.NEGATIVE_SENTIMENT.value  # "yes, a person" still works
        turn.quick = [
            QuickReply(label=label(key, turn.lang), value=label(key, turn.lang))
            for key in ("start_return_items", "start_exchange_items", "human")
        ]


def _tells_the_problem(turn: Turn) -> bool:
    """Whether a complaint says what is wrong ("it crackles", 开胶了) or with which product."""
    from kefu import catalog as _catalog
    from kefu.assistant._shop import AFTER_SALES

    if FAULT.search(turn.u.text) or AFTER_SALES.search(turn.u.text):
        return True
    return bool(_catalog.Catalog.of(turn.session, turn.lang).parse(turn.u.text, infer=False).types)
