"""Pattern "clarify": when the classifier is torn or lost, the model may choose between readings
(its choice still validated by the code).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from kefu.assistant._understand import (
    FLOW_INTENTS,
    KNOWLEDGE_INTENTS,
    Understanding,
)
from kefu.assistant.turn import (
    KNOWLEDGE_LIKE,
    MODEL_MARGIN,
    MODEL_SURE,
    Turn,
    _proposal_key,
)
from kefu.handoff import (
    HandoffReason,
)

if TYPE_CHECKING:
    from kefu.assistant.engine import Assistant

log = logging.getLogger(__name__)


class Clarification:
    """Mixed into :class:`kefu.assistant.engine.Assistant`."""

    @staticmethod
    def _unsure_between(u: Understanding) -> dict[str, str] | None:
        """The readings the model may choose between, when the classifier is torn; else None.

        Torn means: it calls the message out of scope (often a request in words it has not
        seen), or its best intent is under ``MODEL_SURE`` or within ``MODEL_MARGIN`` of the
        runner-up, and the two lead to different actions (return_items vs policy_question;
        not order_status vs track_shipment).
        Messages whose intent a rule decided (yes/no words, policy words) are not torn.
        """
        if u.intent == "out_of_scope":
            return {}
        alts = u.alternatives
        if not alts or alts[0][0] != u.intent:
            return None
        if len(alts) < 2 or (alts[0][1] >= MODEL_SURE and alts[0][1] - alts[1][1] >= MODEL_MARGIN):
            return None
        readings = {name: FLOW_INTENTS.get(name, "") for name, _ in alts[:2]}
        actions = {
            flow or ("knowledge" if name in KNOWLEDGE_LIKE else name)
            for name, flow in readings.items()
        }
        return readings if len(actions) > 1 else None

    def _model_command(
        self: Assistant, turn: Turn, candidates: dict[str, str] | None = None
    ) -> bool:
        """Let the model choose what a message the NLU could not settle asks for.

        ``candidates`` empty means out of scope: the full menu, but only a reading that
        brings the message back in scope is taken (the code's out-of-scope policy otherwise).
        """
        from kefu.assistant._commands import propose

        out_of_scope = candidates == {}
        menu = None if out_of_scope else candidates
        prepared = turn.prepared
        if prepared is not None and prepared.proposal_key == _proposal_key(
            turn.u.text, turn.lang, menu
        ):
            command = prepared.proposal  # asked before the transaction
        else:
            command = propose(self.llm, turn.u.text, turn.lang, menu)
        if command is None or command.kind == "clarify":
            return False
        if out_of_scope and command.kind == "handoff":
            return False
        if command.kind == "handoff" and candidates and "human_agent" not in candidates:
            # the customer did not ask for a person: a complaint reading gets the code's
            # complaint policy (acknowledge, offer a person), not an immediate transfer
            turn.model_command = "handoff->complaint"
            self._complaint(turn)
            return True
        turn.state.low_confidence = 0
        turn.model_command = f"{command.kind}:{command.argument or ''}"
        if command.kind == "start_flow" and command.argument:
            self._start_flow(turn, command.argument)
        elif command.kind == "knowledge":
            if (
                candidates
                and "product_question" in candidates
                and not (KNOWLEDGE_INTENTS & set(candidates))
            ):
                self._product_question(turn)
            else:
                self._knowledge(turn)
        elif command.kind == "handoff" and command.argument:
            self._handoff(turn, HandoffReason(command.argument))
        elif command.kind == "chitchat" and command.argument:
            turn.say(command.argument)
        return True
