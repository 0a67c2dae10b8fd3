"""The conversation engine: one customer message in, one structured reply out.

Per turn it loads the conversation (state JSON on a version-locked row), understands the
message, decides with a dialogue policy written in code, calls order tools scoped to the
authenticated customer, and persists both messages. Writes happen only after the customer
answers an explicit yes to the exact action shown; while a person owns the conversation the
bot stays silent.
"""

from __future__ import annotations

import logging
import re
import secrets
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from kefu.assistant import _extract as ex
from kefu.assistant import _flows as fl
from kefu.assistant import _requests, _shop
from kefu.assistant._phrase import Prepared, phrase_answer
from kefu.assistant._reply import Card, Reply
from kefu.assistant._state import DialogueState, FlowState
from kefu.assistant._templates import t
from kefu.assistant._understand import (
    KNOWLEDGE_INTENTS,
    Understanding,
    asks_store_question,
    understand,
)
from kefu.assistant.auth import Authentication
from kefu.assistant.commands_model import model_queued, model_reading
from kefu.assistant.flows import FLOWS, load_store_flows, order_card
from kefu.assistant.patterns.clarify import Clarification
from kefu.assistant.patterns.correct import Corrections
from kefu.assistant.patterns.digress import Digressions
from kefu.assistant.patterns.handoff import HandingOff
from kefu.assistant.responders.knowledge import KnowledgeResponder
from kefu.assistant.responders.recommend import RecommendResponder
from kefu.assistant.slots import SlotFilling
from kefu.assistant.turn import (
    CONFIDENCE_FLOOR,
    OWN_SLOT,
    SMALL_TALK,
    ConversationNotFound,
    Turn,
    _proposal_key,
    _scrub_identifiers,
)
from kefu.config import get_settings
from kefu.handoff import (
    HandoffReason,
    append_message,
    bot_may_reply,
    record_csat,
)
from kefu.store.db import session_factory, write_gate, writer_engine
from kefu.store.models import (
    Conversation,
    Customer,
    HandoffState,
    Message,
)

log = logging.getLogger(__name__)

__all__ = ["Assistant", "ConversationNotFound", "Turn"]


class Assistant(
    Authentication,
    SlotFilling,
    Corrections,
    Digressions,
    HandingOff,
    Clarification,
    KnowledgeResponder,
    RecommendResponder,
):
    """The engine bound to one store database."""

    def __init__(
        self,
        engine: Engine,
        llm: Any | None = None,
        knowledge: Any | None = None,
        phrase_answers: bool | None = None,
    ) -> None:
        self.engine = engine
        self.llm = llm
        self.knowledge = knowledge
        self.phrase_answers = (
            get_settings().llm_phrase_answers if phrase_answers is None else phrase_answers
        )
        self._sessions = session_factory(writer_engine(engine))
        load_store_flows()  # the store's own requests (KEFU_STORE_FLOWS, kefu.flows plugins)
        self._reads = session_factory(engine)

    # ------------------------------------------------------------------ conversations

    def start(
        self, *, language: str | None = None, customer_id: str | None = None, channel: str = "web"
    ) -> str:
        """Open a conversation (optionally already authenticated by the store site)."""
        lang = language if language in ("zh", "en") else "en"
        with write_gate(self.engine), self._sessions() as session, session.begin():
            if customer_id is not None and session.get(Customer, customer_id) is None:
                raise ValueError("unknown customer")
            state = DialogueState(language=lang, customer_id=customer_id)
            conv = Conversation(
                id="c_" + secrets.token_hex(12),
                customer_id=customer_id,
                channel=channel,
                language=lang,
                state=state.dump(),
            )
            session.add(conv)
        return conv.id

    def handle(
        self, conversation_id: str, text: str, client_message_id: str | None = None
    ) -> Reply:
        """Process one customer message; a retried ``client_message_id`` returns the first reply."""
        text = text.strip()
        if not text:
            raise ValueError("empty message")
        if len(text) > 4000:
            raise ValueError("message too long (4000 characters at most)")
        # Understanding is the slow, CPU-bound part of a turn: do it before the turn's
        # transaction so the database is held only for the short read-decide-write part.
        language, bot_replies, idle = self._peek(conversation_id)
        u = understand(text, language)
        # KEFU_LLM_ROLE=understand|converse: the model reads the message too, held to it by code
        u = model_reading(self.llm, u, bot_replies, idle)
        # likewise the model's work for this message (seconds): a worded knowledge answer,
        # the reading of a message the classifier cannot settle
        prepared = self._prepare(u, idle) if bot_replies and self.llm is not None else None
        for attempt in range(3):
            try:
                with write_gate(self.engine), self._sessions() as session:
                    # order write tools commit their own transaction mid-turn; the rest of
                    # the turn (reply, state) commits here
                    try:
                        reply = self._handle(
                            session, conversation_id, text, client_message_id, u, prepared
                        )
                        session.commit()
                    except BaseException:
                        session.rollback()
                        raise
                    return reply
            except StaleDataError:
                if attempt == 2:
                    raise
                log.info("conversation %s changed concurrently; retrying turn", conversation_id)
        raise RuntimeError("unreachable")

    def _peek(self, conversation_id: str) -> tuple[str, bool, bool]:
        """A short read before the turn: the conversation's language, whether the bot answers
        it now, and whether no request is in progress (no flow, pending or declined one)."""
        with self._reads() as session:
            conv = session.get(Conversation, conversation_id)
            if conv is None:
                return "en", True, True  # the turn itself reports the missing conversation
            state = DialogueState.load(conv.state)
            idle = state.flow is None and state.pending_flow is None and state.declined is None
            return state.language, bot_may_reply(conv.handoff_state), idle

    def _prepare(self, u: Understanding, idle: bool) -> Prepared:
        """The model's work for ``u``, done before the turn's transaction:

        - a policy question (with ``phrase_answers``): retrieve and word its answer;
        - no request in progress and the classifier unsure or out of scope: the model's
          reading, which the dispatch would otherwise ask for while holding the database.
        Work the turn ends up not needing is simply unused."""
        from kefu.assistant._commands import propose

        prepared = Prepared(u.text, u.language)
        if self.phrase_answers and u.intent in KNOWLEDGE_INTENTS and u.confidence >= 0.7:
            prepared.hits, prepared.confident = self._search_knowledge(u.text, u.language)
            prepared.searched = True
            if prepared.hits and prepared.confident:
                prepared.passage = _scrub_identifiers(prepared.hits[0].text.strip())
                prepared.phrased = phrase_answer(self.llm, u.text, prepared.passage, u.language)
        if idle and not (u.yes or u.no or u.order_ids):
            unsettled = u.intent is None or u.confidence < CONFIDENCE_FLOOR
            menu = None if unsettled else self._unsure_between(u)
            if unsettled or menu is not None:
                menu = menu or None  # out of scope ({}) is asked with the full menu
                prepared.proposal_key = _proposal_key(u.text, u.language, menu)
                prepared.proposal = propose(self.llm, u.text, u.language, menu)
        return prepared

    def _handle(
        self,
        session: Session,
        conversation_id: str,
        text: str,
        client_message_id: str | None,
        u: Understanding,
        prepared: Prepared | None = None,
    ) -> Reply:
        conv = session.get(Conversation, conversation_id)
        if conv is None:
            raise ConversationNotFound(conversation_id)
        if client_message_id:
            previous = self._replay(session, conv, client_message_id)
            if previous is not None:
                return previous
        state = DialogueState.load(conv.state)
        customer_msg = append_message(
            session,
            conv,
            "customer",
            text,
            language=u.language,
            intent=u.intent,
            confidence=u.confidence,
            sentiment=u.sentiment,
            client_message_id=client_message_id,
        )
        if not bot_may_reply(conv.handoff_state):
            return self._silent(session, conv, state, u, customer_msg)
        if u.language != state.language:
            state.language = u.language
            conv.language = u.language
        turn = Turn(session, conv, state, u)
        turn.prepared = prepared
        state.turns += 1
        confirming = state.flow is not None and state.flow.confirming
        parts = [] if confirming else _requests.split_requests(u.text, state.language)
        orders = [] if confirming or parts else _requests.per_order(u.text, u.flow, u.order_ids)
        if not (confirming or parts or orders):  # requests only the model read in the message
            state.queue = model_queued(u) + state.queue
        if parts:
            state.queue = [p.text for p in parts[1:] if not p.is_question] + state.queue
            turn.u = self._part(u, parts[0].text)
            self._policy(turn)
            main = len(turn.texts)
            quick = turn.quick
            for question in (p for p in parts[1:] if p.is_question):
                if turn.conv.handoff_state is not HandoffState.BOT:
                    break
                asked = question.text
                if not self._search_knowledge(asked, state.language)[1]:
                    # "… my refund is still not back. when will it arrive?": what "it" is,
                    # the rest of the message says
                    whole = re.sub(r"\s+", " ", ex.strip_identity(u.text)).strip()
                    if self._search_knowledge(whole, state.language)[1]:
                        asked = whole
                turn.u = self._part(u, asked)
                self._knowledge(turn, offer_handoff=False)
            self._read_now(
                turn,
                [p.text for p in parts[1:] if not p.is_question and not _after(u.text, p.text)],
            )
            turn.quick = quick
            turn.lead_with(main)  # the answers first; the request's question or yes/no last
        elif orders:
            state.queue = orders[1:] + state.queue
            turn.u = self._part(u, orders[0])
            self._policy(turn)
        else:
            self._policy(turn)
        self._drain(turn)
        return self._finish(turn, customer_msg)

    def _read_now(self, turn: Turn, texts: list[str]) -> None:
        """Answer at once the read-only requests queued beside another one ("退宠物床，另外
        有笔记本电脑的那单发货了吗？"): a status needs no yes, so it need not wait for the
        other request's. One that needs asking (which order?) stays queued."""
        state = turn.state
        for text in texts:
            reading = _requests.read_request(text, state.language)
            flow = FLOWS.get(reading.flow or "")
            if (
                flow is None
                or flow.tool is not None
                or not state.customer_id
                or state.pending_flow is not None
                or turn.conv.handoff_state is not HandoffState.BOT
                or text not in state.queue
            ):
                continue
            current, said, cards = state.flow, len(turn.texts), len(turn.cards)
            state.flow, turn.u = None, reading
            self._start_flow(turn, flow.name)
            if state.flow is not None:  # it asked something: undone, left for its turn
                turn.rewind(said)
                del turn.cards[cards:]
            else:
                state.queue.remove(text)
            state.flow = current

    def _replay(self, session: Session, conv: Conversation, client_message_id: str) -> Reply | None:
        original = session.scalar(
            select(Message).where(
                Message.conversation_id == conv.id, Message.client_message_id == client_message_id
            )
        )
        if original is None:
            return None
        answer = session.scalar(
            select(Message)
            .where(
                Message.conversation_id == conv.id,
                Message.seq > original.seq,
                Message.role == "assistant",
            )
            .order_by(Message.seq)
            .limit(1)
        )
        if answer is not None and answer.data and "reply" in answer.data:
            return Reply.model_validate(answer.data["reply"])
        return Reply(
            conversation_id=conv.id,
            silent=True,
            handoff_state=conv.handoff_state.value,
            language=conv.language,
        )

    def _silent(
        self,
        session: Session,
        conv: Conversation,
        state: DialogueState,
        u: Understanding,
        msg: Message,
    ) -> Reply:
        """A person owns (or closed) the conversation: store the message, say nothing."""
        csat = False
        if conv.handoff_state is HandoffState.CLOSED and (conv.state or {}).get("csat_requested"):
            score = u.text.strip()
            if score.isdigit() and 1 <= int(score) <= 5:
                record_csat(session, conv.id, int(score))
                csat = True
        return Reply(
            conversation_id=conv.id,
            message_id=msg.id,
            text=t("csat_thanks", conv.language) if csat else "",
            language=u.language,
            intent=u.intent,
            confidence=u.confidence,
            handoff_state=conv.handoff_state.value,
            silent=not csat,
        )

    def _finish(self, turn: Turn, customer_msg: Message) -> Reply:
        conv, state = turn.conv, turn.state
        if turn.state.customer_id and conv.customer_id != turn.state.customer_id:
            conv.customer_id = turn.state.customer_id
        conv.state = {**(conv.state or {}), **state.dump()}
        reply = Reply(
            conversation_id=conv.id,
            text=" ".join(turn.texts),
            language=state.language,
            intent=turn.u.intent,
            confidence=turn.u.confidence,
            flow=state.flow.name if state.flow else None,
            quick_replies=turn.quick,
            cards=turn.cards,
            citations=turn.citations,
            tool_calls=turn.tools.calls,
            handoff_state=conv.handoff_state.value,
            model_command=turn.model_command,
            said=turn.said,
        )
        if conv.handoff_state is not HandoffState.BOT:
            reply.quick_replies = []
        msg = append_message(
            turn.session,
            conv,
            "assistant",
            reply.text,
            language=state.language,
            intent=turn.u.intent,
            data={"reply": reply.model_dump(mode="json"), "in_reply_to": customer_msg.seq},
        )
        reply.message_id = msg.id
        msg.data = {**(msg.data or {}), "reply": reply.model_dump(mode="json")}
        return reply

    # ------------------------------------------------------------------ the dialogue policy

    def _policy(self, turn: Turn) -> None:
        u, state = turn.u, turn.state
        if self._handoff_triggers(turn):
            return
        self._track_frustration(turn)
        if turn.conv.handoff_state is not HandoffState.BOT:
            return
        turn.previous_offer = state.offer_handoff
        state.offer_handoff = None
        answer_rest = False  # identity and a question in one message: both answered
        needs_identity = not state.customer_id and self._name_in(turn) is not None
        identity = u.emails or u.zips or state.pending_slots.get("name") or needs_identity
        if not state.customer_id and not identity and ex.NO_EMAIL.search(u.text):
            turn.say("ask_auth_no_email")  # "我也不记得邮箱了": the other way in
            return
        if (
            state.pending_flow
            and not state.customer_id
            and not identity
            and not (
                u.flow and not fl.same_request(u.flow, state.pending_flow) and u.confidence >= 0.7
            )
            and not (u.intent in KNOWLEDGE_INTENTS and u.confidence >= 0.7)
            and not asks_store_question(u.text)
            and not u.no
        ):
            # "就是有手表和行李箱的那个", "买错了" while the request waits for login: more
            # about that request, kept for when the customer is known
            parts = state.pending_slots.get("name_words", [])
            if parts and set(ex.latin_words(u.text)) <= set(parts):
                turn.say("ask_auth_rest")  # "Mei": a part of the name, the rest is asked for
                return
            state.pending_text = f"{state.pending_text or ''} {u.text}".strip()
            turn.say("ask_auth")
            return
        if identity:
            decided = self._authenticate(turn)
            if state.customer_id and state.flow is None and state.pending_flow is None:
                request, rest = self._request_beside_identity(turn)
                if request:
                    state.pending_flow = request
                elif rest is not None and decided:
                    turn.u = rest  # "x@y.com — how long do refunds take?": answer the rest
                    decided = False
                    answer_rest = True
            if decided and state.flow is None and state.pending_flow is None:
                return
            u = turn.u
        if state.flow and state.flow.confirming:
            self._confirming(turn)
            return
        if state.flow and state.customer_id:
            if self._aside(turn, state.flow):
                return
            if self._switches_order(turn, state.flow) and self._correct(turn, state.flow):
                return  # "no sorry, wrong order. the other one, with the bookshelf"
            if state.flow.awaiting not in (None, "item_ids") and self._correct_items(
                turn, state.flow
            ):
                # "actually only exchange the lamp, keep the kettle" / "actually make it the
                # stainless steel one" before the confirmation
                self._advance(turn, fresh=False)
                return
            if u.no and not self._fills_any(turn) and not self._answers_awaited(turn, state.flow):
                state.flow = None  # "nah, leave it": the request is dropped, nothing written
                state.queue = []
                turn.say("declined")
                return
            own = OWN_SLOT.get(u.flow or "")
            if own in FLOWS[state.flow.name].slots:
                # "use paypal for the difference" inside an exchange: this request's slot
                old = state.flow.slots.pop(own, None)
                if not self._fill(own, turn, state.flow, False) and old:
                    state.flow.slots[own] = old
                self._advance(turn, fresh=False)
                return
            if (
                u.flow
                and not fl.same_request(u.flow, state.flow.name)
                and u.confidence >= 0.7
                and not self._fills_any(turn)
                and not self._answers_awaited(turn, state.flow)
            ):
                self._start_flow(turn, self._flow_name(u))
                return
            self._advance(turn, fresh=False)
            return
        if state.flow is None and state.pending_flow and state.customer_id:
            name, state.pending_flow = state.pending_flow, None
            self._start_flow(turn, name)
            return
        if turn.texts and not answer_rest:
            return
        declined, state.declined = state.declined, None
        if declined is not None and state.customer_id and self._reconsiders(turn, declined):
            # shown again, never executed: it still takes an explicit yes
            state.flow = declined
            turn.say("confirm", details=(declined.action or {}).get("details", ""))
            turn.yes_no()
            return
        self._dispatch(turn)

    def _flow_name(self, u: Understanding) -> str:
        name = u.flow or ""
        if name in ("change_address", "account") and fl.DEFAULT_ADDRESS_WORDS.search(u.text):
            return "change_default_address" if fl.changes_default_address(u.text) else name
        return name

    def _dispatch(self, turn: Turn) -> None:
        u, state = turn.u, turn.state
        intent = u.intent
        if u.order_ids and state.customer_id and not u.flow:
            self._start_flow(turn, "order_status")
            return
        following = state.flow is None and _shop.follows_up(turn)  # "the second one"
        asks_order_work = (
            bool(u.flow) and u.confidence >= 0.7 and u.flow != "account" and not following
        ) and not _shop.plainly_shopping(turn)
        if (
            state.flow is None
            and (intent not in SMALL_TALK or following)
            and not asks_order_work  # "the shoes fell apart, I want my money back"
            and _shop.answer(turn)
        ):
            state.low_confidence = 0
            return
        unsure = intent is None or u.confidence < CONFIDENCE_FLOOR or intent == "out_of_scope"
        if (
            unsure
            and not u.flow
            and asks_store_question(u.text)
            and self._search_knowledge(u.text, turn.lang)[1]
        ):
            # "how many days until it gets to me?" read as out of scope: a question by its
            # wording is answered when the store's documents know the answer
            state.low_confidence = 0
            self._knowledge(turn)
            return
        if intent is None or u.confidence < CONFIDENCE_FLOOR:
            if self.llm is not None and self._model_command(turn):
                return
            self._low_confidence(turn)
            return
        if self.llm is not None:
            candidates = self._unsure_between(u)
            if candidates is not None and self._model_command(turn, candidates):
                return
        state.low_confidence = 0
        if u.flow and _shop.asks_policy(turn):  # anonymous "can I return it if it won't fit?"
            self._knowledge(turn)
        elif u.flow:
            if u.complained:
                turn.say("sorry_request")
            self._start_flow(turn, self._flow_name(u))
        elif intent in SMALL_TALK:
            turn.say(intent)
        elif intent in ("affirm", "deny"):
            if turn.previous_offer and intent == "deny":
                turn.say("anything_else")
            else:
                turn.say("nothing_pending")
        elif intent in KNOWLEDGE_INTENTS:
            self._knowledge(turn)
        elif intent == "product_question":
            self._product_question(turn)
        elif intent == "recommendation":
            self._start_flow(turn, "recommend")
        elif intent == "complaint":
            self._complaint(turn)
        elif intent == "out_of_scope":
            if turn.previous_offer == HandoffReason.OUT_OF_SCOPE.value:
                self._handoff(turn, HandoffReason.OUT_OF_SCOPE)
                return
            turn.say("out_of_scope")
            self._offer_handoff(turn, HandoffReason.OUT_OF_SCOPE)
        else:
            self._knowledge(turn)

    # ------------------------------------------------------------------ handoff

    # ------------------------------------------------------------------ authentication

    # ------------------------------------------------------------------ flows

    def _start_flow(self, turn: Turn, name: str) -> None:
        state = turn.state
        if not state.customer_id:
            state.pending_flow = name
            state.pending_text = turn.u.text
            if turn.u.order_ids:
                state.pending_slots["order_ids"] = turn.u.order_ids
            turn.say("ask_auth")
            return
        if name == "recommend":
            self._recommend(turn)
            return
        request, state.pending_text = state.pending_text or turn.u.text, None
        # the problem told before the request ("the speaker crackles"): its products and
        # orders are this request's when the request names none of its own
        context, state.context = " ".join(state.context), []
        state.flow = FlowState(name=name, request=request, context=context)
        self._advance(turn, fresh=True)

    def _advance(self, turn: Turn, *, fresh: bool) -> None:
        """Fill what the message gives, ask for the next missing slot, or show the action."""
        flow = turn.state.flow
        assert flow is not None
        spec = FLOWS[flow.name]
        named = turn.u.order_ids
        if named and flow.slots.get("order_id") and flow.slots["order_id"] not in named:
            # another order named mid-request: it replaces the one picked before
            for slot in ("order_id", "item_ids", "new_item_ids", "_new", "_want", "_picked"):
                flow.slots.pop(slot, None)
        while True:
            # the order's status may turn the request into another one (退掉: cancel or
            # return), so the slots still missing are read again after every fill
            spec = FLOWS[flow.name]
            missing = [s for s in spec.slots if s not in flow.slots]
            if not missing:
                break
            slot = missing[0]
            filled = self._fill(slot, turn, flow, fresh)
            if turn.state.flow is not None and slot not in flow.slots:
                filled = False  # a filler that fills nothing must not loop
            if not filled:
                if turn.state.flow is None or turn.conv.handoff_state is not HandoffState.BOT:
                    return
                flow.awaiting = slot
                self._ask(slot, turn, flow)
                return
            if turn.state.flow is None:
                return
        flow.awaiting = None
        if spec.tool is None:
            spec.read(turn, flow)
            turn.state.flow = None
            self._answer_beside_read(turn, flow.request)
            return
        self._propose(turn, flow)

    # slot fillers --------------------------------------------------------

    # slot questions ------------------------------------------------------

    # ------------------------------------------------------------------ actions

    def _propose(self, turn: Turn, flow: FlowState) -> None:
        """Build the exact tool call from the records and ask for an explicit yes."""
        spec = FLOWS[flow.name]
        assert spec.tool is not None
        args, details = spec.propose(turn, flow)
        if args is None:
            return
        flow.action = {"tool": spec.tool, "args": args, "details": details}
        flow.confirming = True
        turn.say("confirm", details=details)
        turn.yes_no()

    def _execute(self, turn: Turn, flow: FlowState) -> None:
        assert flow.action is not None
        call = turn.tools.call(flow.action["tool"], flow.action["args"], write=True)
        turn.state.flow = None
        if not call.ok:
            turn.say("tool_failed", error=call.error)
            turn.state.last_refusal = f"{flow.name}: {call.error}"
            return
        data = call.data if isinstance(call.data, dict) else {}
        if data.get("store_confirmation") == "requested":
            # the shop queues the write (signed-webhook backend): never say it is done; the
            # outbox posts the shop's answer to this conversation when it comes
            turn.say("store_requested", message=str(data.get("store_message") or ""))
            return
        s, lang = flow.slots, turn.lang
        methods = {m["id"]: m for m in turn.methods()}
        method = (
            fl.describe_method(methods[s["payment_method_id"]], lang)
            if s.get("payment_method_id") in methods
            else ""
        )
        facts: dict[str, Any] = {
            "order_id": s.get("order_id", ""),
            "status": fl.status_label(str(data.get("status", "")), lang),
            "method": method,
        }
        FLOWS[flow.name].done(turn, flow, data, facts)

    def _order_card(self, turn: Turn, order: dict[str, Any]) -> Card:
        return order_card(turn, order)


_THEN = re.compile(r"(?:\bthen|\bafter that|\bafterwards|然后|之后|接着|再)[\s,，]*$", re.I)


def _after(whole: str, part: str) -> bool:
    """Whether the customer asked for ``part`` to come after what precedes it ("…and then
    tell me where my other order is"): then it waits its turn."""
    at = whole.find(part)
    return at > 0 and bool(_THEN.search(whole[max(0, at - 16) : at]))
