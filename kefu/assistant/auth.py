"""Who the customer is: identity in a message, verified through the order tools."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from sqlalchemy import select

from kefu.assistant import _extract as ex
from kefu.assistant._requests import read_request
from kefu.assistant._understand import (
    REQUEST_CUES,
    Understanding,
)
from kefu.assistant.turn import (
    Turn,
)
from kefu.store.models import (
    Customer,
)

if TYPE_CHECKING:
    from kefu.assistant.engine import Assistant

log = logging.getLogger(__name__)

SIBLINGS = {
    "exchange_items": {"exchange_items", "change_items"},
    "change_items": {"exchange_items", "change_items"},
}


class Authentication:
    """Mixed into :class:`kefu.assistant.engine.Assistant`."""

    def _authenticate(self: Assistant, turn: Turn) -> bool:
        """Try the identity in the message; True when the turn's answer is already decided."""
        u, state = turn.u, turn.state
        found: str | None = None
        tried = False
        if u.emails:
            tried = True
            call = turn.tools.call("find_user_id_by_email", {"email": u.emails[0]})
            found = str(call.data) if call.ok and call.data else None
        else:
            name = state.pending_slots.get("name") or self._name_in(turn)
            if name and u.zips:
                tried = True
                call = turn.tools.call(
                    "find_user_id_by_name_zip",
                    {"first_name": name[0], "last_name": name[1], "zip": u.zips[0]},
                )
                found = str(call.data) if call.ok and call.data else None
                state.pending_slots.pop("name", None)
                state.pending_slots.pop("name_words", None)
            elif name and not state.customer_id:
                state.pending_slots["name"] = list(name)
                turn.say("ask_auth_zip", name=f"{name[0]} {name[1]}")
                return True
        if not tried:
            return False
        if state.customer_id:
            if found != state.customer_id:
                turn.say("auth_other_customer")
            else:
                turn.say("already_verified")
            return True
        if found is None:
            state.auth_failures += 1
            turn.say("auth_failed")
            return True
        state.customer_id = found
        turn.tools.customer_id = found
        turn.conv.customer_id = found
        user = turn.user()
        first = (user or {}).get("name", {}).get("first_name", "")
        turn.say("auth_ok", name=first)
        return state.flow is None and state.pending_flow is None

    def _name_in(self: Assistant, turn: Turn) -> tuple[str, str] | None:
        """A customer's first and last name written in the message (the zip then decides)."""
        from sqlalchemy import func, or_

        state = turn.state
        own = ex.latin_words(ex.strip_identity(turn.u.text))
        earlier = [w for w in state.pending_slots.get("name_words", []) if w not in own]
        words = own + earlier
        if len(words) >= 2:
            rows = turn.session.execute(
                select(Customer.first_name, Customer.last_name)
                .where(
                    func.lower(Customer.first_name).in_(words),
                    func.lower(Customer.last_name).in_(words),
                )
                .limit(1)
            ).first()
            if rows:
                return (rows[0], rows[1])
        if not state.customer_id and own and len(own) <= 3:
            # "Mei", then "Davis. zip 80217" (我叫yara / 姓johansson): a name told in parts
            # while the bot waits for it is kept until the rest comes
            named = turn.session.scalar(
                select(func.count())
                .select_from(Customer)
                .where(
                    or_(
                        func.lower(Customer.first_name).in_(own),
                        func.lower(Customer.last_name).in_(own),
                    )
                )
            )
            if named:
                state.pending_slots["name_words"] = list(dict.fromkeys(earlier + own))[-4:]
        return None

    def _request_beside_identity(
        self: Assistant, turn: Turn
    ) -> tuple[str | None, Understanding | None]:
        """What a message that also identifies the customer asks ("I'm x@y.com, cancel ...").

        Identity details alone often look like an intent to the classifier (a zip reads as
        an address change), so only the text left after removing them is classified. Returns
        the request it starts, or else the rest of the message understood on its own (a
        question to answer now), or neither when only identity was given.
        """
        rest = ex.strip_identity(turn.u.text)
        short = (
            len(ex.latin_words(rest)) < 3
            and sum(1 for ch in rest if "\u4e00" <= ch <= "\u9fff") < 4
        )
        if short and not any(cue.search(rest) for _, cue in REQUEST_CUES[:3]):
            return None, None  # identity alone; "cancel order. x@y.com" still asks to cancel
        again = read_request(rest, turn.state.language)
        family = SIBLINGS.get(again.intent or "", {again.intent})
        # "exchange" and "change items" are one request told apart by the order's status
        # later: their readings add up, and the runner-up is the best reading outside them
        again.confidence = max(
            again.confidence, sum(c for i, c in again.alternatives if i in family)
        )
        runner_up = max((c for i, c in again.alternatives if i not in family), default=0.0)
        if again.flow and (
            again.confidence >= 0.7
            or (again.confidence >= 0.45 and again.confidence - runner_up >= 0.2)
        ):
            return self._flow_name(again), again
        if again.intent and again.confidence >= 0.45 and again.intent not in ("greeting", "thanks"):
            return None, again
        return None, None
