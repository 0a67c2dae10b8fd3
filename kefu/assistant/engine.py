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
from decimal import Decimal
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from kefu.assistant import _address, _requests, _shop, _variants
from kefu.assistant import _extract as ex
from kefu.assistant import _flows as fl
from kefu.assistant._glossary import english_names
from kefu.assistant._phrase import Prepared, phrase_answer
from kefu.assistant._reply import Card, Citation, QuickReply, Reply
from kefu.assistant._state import DialogueState, FlowState
from kefu.assistant._templates import label, t
from kefu.assistant._tools import ToolRunner
from kefu.assistant._understand import (
    FLOW_INTENTS,
    KNOWLEDGE_INTENTS,
    Understanding,
    understand,
)
from kefu.config import get_settings
from kefu.handoff import (
    HandoffReason,
    append_message,
    bot_may_reply,
    record_csat,
    request_handoff,
    summarize,
)
from kefu.store.db import session_factory, write_gate, writer_engine
from kefu.store.models import (
    Conversation,
    Customer,
    Fulfillment,
    HandoffState,
    Message,
    Order,
)

log = logging.getLogger(__name__)

KNOWLEDGE_LIKE = KNOWLEDGE_INTENTS | {"product_question"}
MODEL_MARGIN = 0.25
MODEL_SURE = 0.6
"""With a model, a best intent under MODEL_SURE or within MODEL_MARGIN of the runner-up,
when the two lead to different actions, is settled by the model choosing between them
(its choice still validated by the code)."""
CONFIDENCE_FLOOR = 0.45
"""Below this intent confidence the engine asks to rephrase (twice in a row: a person)."""
NEGATIVE_SENTIMENT = -0.6
"""A message this negative goes straight to a person."""
SMALL_TALK = {"greeting", "thanks", "goodbye"}
POLICY_TOPICS = re.compile(
    r"(?P<exchange_items>exchang|换货|换成)|(?P<return_items>return|退货|退回|能退|可以退)"
    r"|(?P<cancel_order>cancel|取消)",
    re.I,
)
"""Which request a policy question is about, to offer starting it."""
POLICY_CUES = re.compile(r"warrant|guarantee|return|refund|保修|质保|保固|退货|退款|三包", re.I)
"""Product questions about these are policy questions about that product."""


class ConversationNotFound(LookupError):
    """No conversation with that id (or not visible to the caller)."""


class Turn:
    """Everything one turn reads and writes; the policy methods below fill ``reply``."""

    def __init__(
        self, session: Session, conv: Conversation, state: DialogueState, u: Understanding
    ) -> None:
        self.session = session
        self.conv = conv
        self.state = state
        self.u = u
        self.tools = ToolRunner(session, conv.id, state.customer_id)
        self.texts: list[str] = []
        self.said: list[dict[str, Any]] = []
        """One entry per text: the template key and the facts it was filled from (for a
        model to word them; code-written texts have no key)."""
        self.quick: list[QuickReply] = []
        self.cards: list[Card] = []
        self.citations: list[Citation] = []
        self.previous_offer: str | None = None
        self.model_command: str | None = None
        self.prepared: Prepared | None = None
        self._orders: dict[str, dict[str, Any] | None] = {}
        self._user: dict[str, Any] | None = None

    @property
    def lang(self) -> str:
        return self.state.language

    def say(self, key: str, **facts: Any) -> None:
        self.add(t(key, self.lang, **facts), key=key, facts=facts)

    def add(
        self, text: str, *, key: str | None = None, facts: dict[str, Any] | None = None
    ) -> None:
        """Append one piece of the reply (``say`` for a template; code-built text otherwise)."""
        self.texts.append(text)
        self.said.append({"key": key, "facts": _plain(facts or {}), "text": text})

    def rewind(self, n: int) -> None:
        """Drop every text after the first ``n`` (a probe that must leave no trace)."""
        del self.texts[n:]
        del self.said[n:]

    def yes_no(self) -> None:
        self.quick = [
            QuickReply(label=label("yes", self.lang), value=label("yes", self.lang)),
            QuickReply(label=label("no", self.lang), value=label("no", self.lang)),
        ]

    # ------------------------------------------------------------------ records via tools

    def order(self, order_id: str) -> dict[str, Any] | None:
        if order_id not in self._orders:
            call = self.tools.call("get_order_details", {"order_id": order_id})
            self._orders[order_id] = call.data if call.ok and isinstance(call.data, dict) else None
        return self._orders[order_id]

    def user(self) -> dict[str, Any] | None:
        if self._user is None and self.state.customer_id:
            call = self.tools.call("get_user_details", {"user_id": self.state.customer_id})
            self._user = call.data if call.ok and isinstance(call.data, dict) else None
        return self._user

    def product(self, product_id: str) -> dict[str, Any] | None:
        call = self.tools.call("get_product_details", {"product_id": product_id})
        return call.data if call.ok and isinstance(call.data, dict) else None

    def methods(self) -> list[dict[str, Any]]:
        user = self.user()
        return list((user or {}).get("payment_methods", {}).values())


def _plain(value: Any) -> Any:
    """Facts as JSON-safe values (Decimal and dates as text) for the stored reply."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


_ORDER_ID = re.compile(r"#?\bW\d{7}\b")


def _proposal_key(text: str, lang: str, menu: dict[str, str] | None) -> tuple[Any, ...]:
    """What a model reading depends on: the message, its language and the offered menu."""
    return (text, lang, tuple(sorted(menu.items())) if menu else None)


def _scrub_identifiers(text: str) -> str:
    """A policy answer never needs a particular customer's order: a document that carries
    order ids (planted or pasted) is quoted without them. Store contact details in the
    documents (hotline, returns address) are kept."""
    return _ORDER_ID.sub("[order]", text)


class Assistant:
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

    def _search_knowledge(self, text: str, language: str) -> tuple[list[Any], bool]:
        """Top passages for ``text``: the customer's language first (an English question
        should get the English FAQ), then any language when that finds nothing close enough."""
        try:
            from kefu.knowledge import get_knowledge_base

            kb = self.knowledge or get_knowledge_base()
            hits = kb.search(text, k=3, language=language)
            confident = kb.is_confident(hits)
            if not confident:
                hits = kb.search(text, k=3)
                confident = kb.is_confident(hits)
        except Exception:  # the knowledge base may be empty or not built yet
            log.exception("knowledge search failed")
            return [], False
        return list(hits), bool(confident)

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
        if parts:
            state.queue = [p.text for p in parts[1:] if not p.is_question] + state.queue
            for question in (p for p in parts[1:] if p.is_question):
                turn.u = self._part(u, question.text)
                self._knowledge(turn, offer_handoff=False)
                turn.quick = []
            turn.u = self._part(u, parts[0].text)
            self._policy(turn)
        elif orders:
            state.queue = orders[1:] + state.queue
            turn.u = self._part(u, orders[0])
            self._policy(turn)
        else:
            self._policy(turn)
        self._drain(turn)
        return self._finish(turn, customer_msg)

    @staticmethod
    def _part(whole: Understanding, text: str) -> Understanding:
        """One request of a message with several; identity given anywhere in it still counts."""
        part = understand(text, whole.language)
        part.emails = part.emails or whole.emails
        part.zips = part.zips or whole.zips
        return part

    def _drain(self, turn: Turn) -> None:
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
            turn.u = understand(text, state.language)
            if not turn.u.flow:
                continue
            turn.quick = []
            quoted = re.sub(r"\s+", " ", ex.strip_identity(text)).strip(" ,.，。")
            turn.say("next_request", request=quoted[:80])
            self._start_flow(turn, self._flow_name(turn.u))

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
        needs_identity = not state.customer_id and self._name_in(turn) is not None
        if u.emails or u.zips or state.pending_slots.get("name") or needs_identity:
            decided = self._authenticate(turn)
            if state.customer_id and state.flow is None and state.pending_flow is None:
                request = self._request_beside_identity(turn)
                if request:
                    state.pending_flow = request
            if decided and state.flow is None and state.pending_flow is None:
                return
        if state.flow and state.flow.confirming:
            self._confirming(turn)
            return
        if state.flow and state.customer_id:
            if self._aside(turn, state.flow):
                return
            if (
                u.flow
                and u.flow != state.flow.name
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
        if turn.texts:
            return
        declined, state.declined = state.declined, None
        if declined is not None and state.customer_id and self._reconsiders(turn, declined):
            # shown again, never executed: it still takes an explicit yes
            state.flow = declined
            turn.say("confirm", details=(declined.action or {}).get("details", ""))
            turn.yes_no()
            return
        self._dispatch(turn)

    def _reconsiders(self, turn: Turn, declined: FlowState) -> bool:
        """Right after a no: "actually yes" or asking for the same thing again."""
        u = turn.u
        if u.no or u.order_ids or declined.action is None:
            return False
        return (
            u.yes
            or u.intent == "affirm"
            or (u.flow is not None and self._flow_name(u) == declined.name)
        )

    def _aside(self, turn: Turn, flow: FlowState) -> bool:
        """A policy question in the middle of a request: answer it, then ask again where we were."""
        u = turn.u
        if (
            u.intent not in KNOWLEDGE_INTENTS
            or u.confidence < 0.7
            or u.yes
            or u.no
            or self._fills_any(turn)
            or (not flow.confirming and self._answers_awaited(turn, flow))
        ):
            return False
        self._knowledge(turn, offer_handoff=False)
        turn.quick = []
        if flow.confirming and flow.action is not None:
            turn.say("confirm_again", details=flow.action["details"])
            turn.yes_no()
        elif flow.awaiting:
            getattr(self, f"_ask_{flow.awaiting}")(turn, flow)
        return True

    def _flow_name(self, u: Understanding) -> str:
        name = u.flow or ""
        default = fl.DEFAULT_ADDRESS_WORDS.search(u.text)
        if name in ("change_address", "account") and default:
            before = u.text[max(0, default.start() - 12) : default.start()]
            target = r"\b(?:to|into|with|use|as|on)\s+(?:my|the)?\s*$|改成|改为|换成|用"
            if re.search(target, before):
                return name  # "change it to my default address": the order's address changes
            return "change_default_address" if fl.CHANGE_WORDS.search(u.text) else name
        return name

    def _request_beside_identity(self, turn: Turn) -> str | None:
        """The request in a message that also identifies the customer ("I'm x@y.com, cancel ...").

        Identity details alone often look like an intent to the classifier (a zip reads as
        an address change), so only the text left after removing them is classified.
        """
        rest = ex.strip_identity(turn.u.text)
        if (
            len(ex.latin_words(rest)) < 3
            and sum(1 for ch in rest if "\u4e00" <= ch <= "\u9fff") < 4
        ):
            return None
        again = understand(rest, turn.state.language)
        if again.flow and again.confidence >= 0.7:
            return self._flow_name(again)
        return None

    def _answers_awaited(self, turn: Turn, flow: FlowState) -> bool:
        """Whether the message fills the slot the flow asked for (then it is not a new request)."""
        slot = flow.awaiting
        if slot is None or slot == "order_id":
            return False
        probe = flow.model_copy(deep=True)
        texts, cards = len(turn.texts), len(turn.cards)
        filled = bool(getattr(self, f"_fill_{slot}")(turn, probe, False))
        turn.rewind(texts)
        del turn.cards[cards:]
        return filled

    def _fills_any(self, turn: Turn) -> bool:
        """Whether the message answers the open flow (ids, ordinals), not a new request."""
        u = turn.u
        return bool(u.order_ids) or ex.ordinal(u.text) is not None or ex.means_other(u.text)

    def _dispatch(self, turn: Turn) -> None:
        u, state = turn.u, turn.state
        intent = u.intent
        if u.order_ids and state.customer_id and not u.flow:
            self._start_flow(turn, "order_status")
            return
        if state.flow is None and intent not in SMALL_TALK and _shop.answer(turn):
            state.low_confidence = 0
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
        if u.flow:
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

    def _complaint(self, turn: Turn) -> None:
        """Acknowledge and offer a person; a second complaint after the offer hands over."""
        if turn.previous_offer == HandoffReason.NEGATIVE_SENTIMENT.value:
            self._handoff(turn, HandoffReason.REPEATED_FRUSTRATION)
            return
        turn.say("complaint")
        self._offer_handoff(turn, HandoffReason.NEGATIVE_SENTIMENT)

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

    def _model_command(self, turn: Turn, candidates: dict[str, str] | None = None) -> bool:
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

    # ------------------------------------------------------------------ handoff

    def _handoff_triggers(self, turn: Turn) -> bool:
        u, state = turn.u, turn.state
        if ex.wants_human(u.text) or (
            u.intent == "human_agent" and u.confidence >= CONFIDENCE_FLOOR
        ):
            self._handoff(turn, HandoffReason.EXPLICIT_REQUEST)
            return True
        if state.offer_handoff and u.yes and not (state.flow and state.flow.confirming):
            self._handoff(turn, HandoffReason(state.offer_handoff))
            return True
        refused_flow = (state.last_refusal or "").split(" ", 1)[0]
        repeats = bool(refused_flow) and self._flow_name(u) == refused_flow and not u.order_ids
        # "ok, then I want to return it" after a refused cancel is a new request, not a dispute
        moves_on = bool(u.flow) and not repeats and u.confidence >= 0.7
        if state.last_refusal and (
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

    def _track_frustration(self, turn: Turn) -> None:
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

    def _low_confidence(self, turn: Turn) -> None:
        turn.state.low_confidence += 1
        if turn.state.low_confidence >= 2:
            self._handoff(turn, HandoffReason.LOW_CONFIDENCE)
            return
        turn.say("low_confidence")
        turn.quick = [QuickReply(label=label("human", turn.lang), value=label("human", turn.lang))]

    def _offer_handoff(self, turn: Turn, reason: HandoffReason) -> None:
        turn.state.offer_handoff = reason.value
        turn.say("offer_handoff")
        turn.yes_no()

    def _handoff(self, turn: Turn, reason: HandoffReason) -> None:
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

    # ------------------------------------------------------------------ authentication

    def _authenticate(self, turn: Turn) -> bool:
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

    def _name_in(self, turn: Turn) -> tuple[str, str] | None:
        """A customer's first and last name written in the message (the zip then decides)."""
        words = ex.latin_words(turn.u.text)
        if len(words) < 2:
            return None
        from sqlalchemy import func

        rows = turn.session.execute(
            select(Customer.first_name, Customer.last_name)
            .where(
                func.lower(Customer.first_name).in_(words),
                func.lower(Customer.last_name).in_(words),
            )
            .limit(1)
        ).first()
        return (rows[0], rows[1]) if rows else None

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
        state.flow = FlowState(name=name, request=request)
        if name == "account":
            self._account(turn)
            state.flow = None
            return
        self._advance(turn, fresh=True)

    def _advance(self, turn: Turn, *, fresh: bool) -> None:
        """Fill what the message gives, ask for the next missing slot, or show the action."""
        flow = turn.state.flow
        assert flow is not None
        spec = fl.FLOWS[flow.name]
        named = turn.u.order_ids
        if named and flow.slots.get("order_id") and flow.slots["order_id"] not in named:
            # another order named mid-request: it replaces the one picked before
            for slot in ("order_id", "item_ids", "new_item_ids", "_new", "_want", "_picked"):
                flow.slots.pop(slot, None)
        while True:
            # the order's status may turn the request into another one (退掉: cancel or
            # return), so the slots still missing are read again after every fill
            spec = fl.FLOWS[flow.name]
            missing = [s for s in spec.slots if s not in flow.slots]
            if not missing:
                break
            slot = missing[0]
            filled = getattr(self, f"_fill_{slot}")(turn, flow, fresh)
            if turn.state.flow is not None and slot not in flow.slots:
                filled = False  # a filler that fills nothing must not loop
            if not filled:
                if turn.state.flow is None or turn.conv.handoff_state is not HandoffState.BOT:
                    return
                flow.awaiting = slot
                getattr(self, f"_ask_{slot}")(turn, flow)
                return
            if turn.state.flow is None:
                return
        flow.awaiting = None
        if spec.tool is None:
            self._read_flow(turn, flow)
            turn.state.flow = None
            return
        self._propose(turn, flow)

    # slot fillers --------------------------------------------------------

    def _fill_order_id(self, turn: Turn, flow: FlowState, fresh: bool) -> bool:
        u, state = turn.u, turn.state
        order_id: str | None = None
        pending_ids = state.pending_slots.pop("order_ids", None) if fresh else None
        if u.order_ids:
            order_id = u.order_ids[-1]
        elif pending_ids:
            order_id = pending_ids[-1]
        elif named := self._order_naming(turn, flow, u.text, other=ex.means_other(u.text)):
            order_id = named
        elif ex.means_other(u.text):
            order_id = self._other_order(turn, flow)
        else:
            pos = ex.ordinal(u.text)
            if (
                pos is not None
                and state.orders_shown
                and -len(state.orders_shown) <= pos < len(state.orders_shown)
            ):
                order_id = state.orders_shown[pos]
            elif flow.request and flow.request != u.text:
                order_id = self._order_naming(turn, flow, flow.request, other=False)
            if order_id is None and fresh and state.current_order:
                order_id = state.current_order
            if order_id is None:
                order_id = self._only_fitting_order(turn, flow)
                picked = turn.order(order_id) if order_id is not None else None
                if picked is not None:
                    flow.slots["_picked"] = order_id  # said in the reply; a named order wins
                    turn.say(
                        "order_picked",
                        order_id=order_id,
                        status=fl.status_label(picked["status"], turn.lang),
                        items=", ".join(
                            fl.product_name(i["name"], turn.lang) for i in picked["items"]
                        ),
                    )
        if order_id is None:
            return False
        order = turn.order(order_id)
        if order is None:
            turn.say("order_not_found", order_id=order_id)
            return False
        state.focus_order(order_id)
        flow.slots["order_id"] = order_id
        self._items_flow_for_status(flow, order)
        spec = fl.FLOWS[flow.name]
        if spec.statuses:
            from kefu.orders.policy import get_store_policy

            allowed = getattr(get_store_policy(), spec.statuses)
            if order["status"] not in allowed:
                rule = {
                    "en": f"Only orders that are {' or '.join(allowed)} can be handled this way.",
                    "zh": "只有状态为 "
                    + " 或 ".join(fl.status_label(a, "zh") for a in allowed)
                    + " 的订单才能办理。",
                }[turn.lang if turn.lang in ("zh", "en") else "en"]
                turn.say(
                    "refused_status",
                    order_id=order_id,
                    status=fl.status_label(order["status"], turn.lang),
                    action=label(spec.action, turn.lang),
                    rule=rule,
                )
                state.last_refusal = f"{flow.name} {order_id}: status {order['status']}"
                state.flow = None
                turn.cards.append(self._order_card(turn, order))
                return True
        return True

    @staticmethod
    def _items_flow_for_status(flow: FlowState, order: dict[str, Any]) -> None:
        """Exchange once delivered, item change while pending: the status names the request.

        Customers use the same words for both ("swap the kettle for the glass one"; 退掉 for
        cancel and return), so a pending order is not refused as "not delivered" (and vice
        versa).
        """
        from kefu.orders.policy import get_store_policy

        policy = get_store_policy()
        status = order["status"]
        if flow.name == "exchange_items" and status in policy.items_modifiable_statuses:
            flow.name = "change_items"
        elif flow.name == "change_items" and status in policy.exchangeable_statuses:
            flow.name = "exchange_items"
        elif re.search(r"退(?![款钱])", flow.request):
            # 退掉 is "cancel" before shipping and "return" after delivery
            if flow.name == "cancel_order" and status in policy.returnable_statuses:
                flow.name = "return_items"
            elif flow.name == "return_items" and status in policy.cancellable_statuses:
                flow.name = "cancel_order"

    def _only_fitting_order(self, turn: Turn, flow: FlowState) -> str | None:
        """The customer's one order this request can act on, when no other order is named."""
        spec = fl.FLOWS[flow.name]
        if not spec.statuses:
            orders = list((turn.user() or {}).get("orders", []))
            return orders[0] if len(orders) == 1 else None
        from kefu.orders.policy import get_store_policy

        allowed = set(getattr(get_store_policy(), spec.statuses))
        if flow.name in ("change_items", "exchange_items"):
            policy = get_store_policy()
            allowed |= set(policy.items_modifiable_statuses) | set(policy.exchangeable_statuses)
        fitting = []
        for oid in (turn.user() or {}).get("orders", []):
            order = turn.order(oid)
            if order is None or order["status"] not in allowed:
                continue
            fitting.append(oid)
        return fitting[0] if len(fitting) == 1 else None

    def _order_naming(self, turn: Turn, flow: FlowState, text: str, *, other: bool) -> str | None:
        """The one order of the customer's that holds the product the text names ("the camera").

        Among several, orders this flow can act on are preferred; with "the other" the
        current order is left out. None unless exactly one order fits. For an address change
        only the words before "to ..." name the order ("the order that went to Washington,
        change it to the address on my luggage order"), and the place it ships to counts.
        """
        if not turn.state.customer_id or not (ex.latin_words(text) or english_names(text)):
            return None
        if flow.name == "change_address":
            marks = list(re.finditer(r"\b(?:to|into)\b|改成|改为|换成|改到", text, re.I))
            source = text[: marks[-1].start()] if marks else text
            by_place = self._order_by_place(turn, flow, source)
            if by_place:
                return by_place
            text = source
        holding = []
        scores: dict[str, int] = {}
        for oid in (turn.user() or {}).get("orders", []):
            if other and oid == turn.state.current_order:
                continue
            order = turn.order(oid)
            if order is not None and fl.named_items(text, order.get("items", [])):
                holding.append(order)
                scores[oid] = len(fl.names_mentioned(text, order.get("items", [])))
        if len(holding) > 1:
            # "the backpack I got with the vacuum": the order holding more of the named things
            best = max(scores.values())
            holding = [o for o in holding if scores[o["order_id"]] == best]
        spec = fl.FLOWS[flow.name]
        if len(holding) > 1 and spec.statuses:
            from kefu.orders.policy import get_store_policy

            allowed = getattr(get_store_policy(), spec.statuses)
            holding = [o for o in holding if o["status"] in allowed]
        return str(holding[0]["order_id"]) if len(holding) == 1 else None

    def _order_by_place(self, turn: Turn, flow: FlowState, text: str) -> str | None:
        """The one open order shipping to a place the text names ("sent to Washington DC")."""
        from kefu.orders.policy import get_store_policy

        allowed = get_store_policy().address_modifiable_statuses
        orders = [o for o in map(turn.order, (turn.user() or {}).get("orders", [])) if o]
        orders = [o for o in orders if o["status"] in allowed]
        places = {
            str(a) for a in _address.resolve_places(text, _address.known_addresses({}, orders))
        }
        fits = [o for o in orders if str(_address.known_addresses({}, [o])[0]) in places]
        return str(fits[0]["order_id"]) if len(fits) == 1 else None

    def _other_order(self, turn: Turn, flow: FlowState) -> str | None:
        """'The other order': the previous one, else the only other order this flow can act on."""
        state = turn.state
        if state.previous_order and state.previous_order != state.current_order:
            return state.previous_order
        spec = fl.FLOWS[flow.name]
        allowed: tuple[str, ...] | None = None
        if spec.statuses:
            from kefu.orders.policy import get_store_policy

            allowed = getattr(get_store_policy(), spec.statuses)
        shown = state.orders_shown or list((turn.user() or {}).get("orders", []))
        others = []
        for oid in shown:
            if oid == state.current_order:
                continue
            order = turn.order(oid)
            if order is not None and (allowed is None or order["status"] in allowed):
                others.append(oid)
        return others[0] if len(others) == 1 else None

    def _fill_reason(self, turn: Turn, flow: FlowState, fresh: bool) -> bool:
        reason = ex.cancel_reason(turn.u.text) or ex.cancel_reason(flow.request)
        if reason:
            flow.slots["reason"] = reason
        return reason is not None

    def _fill_address(self, turn: Turn, flow: FlowState, fresh: bool) -> bool:
        """A typed address (every field validated) or one of the customer's own on record."""
        texts = [turn.u.text, flow.request] if flow.request != turn.u.text else [turn.u.text]
        addr = next((a for a in map(_address.parse_address, texts) if a is not None), None)
        offered = flow.slots.get("_offered") or []
        if addr is None and turn.u.yes and len(offered) == 1:
            addr = ex.Address(**offered[0])  # "yes" to the one address shown
        if addr is None:
            user = turn.user() or {}
            orders = [o for o in map(turn.order, user.get("orders", [])) if o is not None]
            current = turn.order(flow.slots["order_id"]) if "order_id" in flow.slots else None
            if flow.name == "change_default_address":
                user = {**user, "address": None}  # "my profile's address" changes nothing
            for text in texts:
                addr = _address.resolve_address(text, user, orders, current_order=current)
                if addr is None and _address.ORDER_WORDS.search(text):
                    # "the address on my luggage order": the order holding the named product
                    named = [
                        o
                        for o in orders
                        if o is not current and fl.named_items(text, o.get("items", []))
                    ]
                    found = _address.known_addresses({}, named)
                    addr = found[0] if len(found) == 1 else None
                if addr is not None:
                    break
        if addr is None:
            return False
        flow.slots["address"] = addr.as_args()
        return True

    def _fill_payment_method_id(self, turn: Turn, flow: FlowState, fresh: bool) -> bool:
        order = turn.order(flow.slots["order_id"]) if "order_id" in flow.slots else None
        ids: list[str] = []
        for text in (turn.u.text, flow.request):
            ids = fl.match_payment(text, turn.methods(), order)
            if flow.name == "change_payment" and order is not None:
                ids = [i for i in ids if i != fl.original_method_id(order)]
            if ids:
                break
        methods = turn.methods()
        if not ids and len(methods) == 1 and flow.name != "change_payment":
            ids = [methods[0]["id"]]  # the only method on the account (shown for the yes)
        if len(ids) != 1:
            return False
        flow.slots["payment_method_id"] = ids[0]
        return True

    def _fill_item_ids(self, turn: Turn, flow: FlowState, fresh: bool) -> bool:
        order = turn.order(flow.slots["order_id"])
        items = (order or {}).get("items", [])
        text = turn.u.text
        ids = fl.match_items(text, items)
        if not ids and flow.request:
            text = flow.request
            ids = [i["item_id"] for i in fl.named_items(text, items)]
        if not ids and len(items) == 1:
            ids = [items[0]["item_id"]]
        chosen = [i for i in items if i["item_id"] in ids]
        if not ids or fl.ambiguous_same_product(text, chosen):
            return False  # ask which (the list shows their options)
        flow.slots["item_ids"] = ids
        return True

    def _fill_new_item_ids(self, turn: Turn, flow: FlowState, fresh: bool) -> bool:
        self._narrow_items(turn, flow)
        order = turn.order(flow.slots["order_id"]) or {}
        items = order.get("items", [])
        by_id = {i["item_id"]: i for i in items}
        chosen: dict[str, str] = dict(flow.slots.get("_new", {}))
        wants: dict[str, dict[str, str]] = dict(flow.slots.get("_want", {}))
        closest: dict[str, list[str]] = {}
        for item_id in flow.slots["item_ids"]:
            item = by_id.get(item_id)
            if item is None:
                continue
            product = turn.product(item["product_id"])
            if product is None:
                continue
            texts = [turn.u.text] if item_id in chosen else [turn.u.text, flow.request]
            for text in texts:
                part = _variants.segment(text, item, items)
                if text is flow.request:
                    part = fl.wanted_part(part) or part
                pick = _variants.choose(part, item, product, wants.get(item_id))
                if pick.wanted:
                    wants[item_id] = pick.wanted
                if pick.variant_id:
                    chosen[item_id] = pick.variant_id
                    break
                if pick.closest:
                    closest[item_id] = [str(v["item_id"]) for v in pick.closest]
                    chosen.pop(item_id, None)
                    break
        flow.slots["_want"] = wants
        flow.slots["_closest"] = closest
        flow.slots["_new"] = chosen
        if all(i in chosen for i in flow.slots["item_ids"]):
            flow.slots["new_item_ids"] = [chosen[i] for i in flow.slots["item_ids"]]
            for key in ("_new", "_want", "_closest", "_asked_new"):
                flow.slots.pop(key, None)
            return True
        return False

    # slot questions ------------------------------------------------------

    def _ask_order_id(self, turn: Turn, flow: FlowState) -> None:
        user = turn.user()
        order_ids: list[str] = list((user or {}).get("orders", []))
        if not order_ids:
            turn.say("ask_order_none")
            turn.state.flow = None
            return
        listed = []
        for oid in order_ids:
            order = turn.order(oid)
            if order is None:
                continue
            listed.append(
                f"{oid} ({fl.status_label(order['status'], turn.lang)}: "
                f"{', '.join(fl.product_name(i['name'], turn.lang) for i in order['items'])})"
            )
            turn.cards.append(self._order_card(turn, order))
        turn.state.orders_shown = order_ids
        turn.say("ask_order", orders="; ".join(listed))
        turn.quick = [QuickReply(label=o, value=o) for o in order_ids]

    def _ask_reason(self, turn: Turn, flow: FlowState) -> None:
        turn.say("ask_reason")
        turn.quick = [
            QuickReply(label=label(r, turn.lang), value=label(r, turn.lang))
            for r in ("no longer needed", "ordered by mistake")
        ]

    def _ask_address(self, turn: Turn, flow: FlowState) -> None:
        user = turn.user() or {}
        orders = [o for o in map(turn.order, user.get("orders", [])) if o is not None]
        current = turn.order(flow.slots["order_id"]) if "order_id" in flow.slots else None
        skip = {
            str(a)
            for a in _address.known_addresses({"address": (current or {}).get("address")}, [])
        }
        if flow.name == "change_default_address":
            skip |= {str(a) for a in _address.known_addresses(user, [])}
        known = [a for a in _address.known_addresses(user, orders) if str(a) not in skip][:4]
        again = flow.slots.get("_asked_address") and bool(turn.u.text)
        flow.slots["_asked_address"] = True
        key = "ask_address_again" if again else "ask_address"
        flow.slots["_offered"] = [a.as_args() for a in known]
        if known:
            turn.say(f"{key}_known", known="; ".join(str(a) for a in known))
            turn.quick = [QuickReply(label=str(a), value=str(a)) for a in known]
        else:
            turn.say(key)

    def _ask_payment_method_id(self, turn: Turn, flow: FlowState) -> None:
        methods = turn.methods()
        listing = "; ".join(fl.describe_method(m, turn.lang) for m in methods)
        order = turn.order(flow.slots["order_id"]) if "order_id" in flow.slots else None
        original = fl.original_method_id(order) if order else None
        if flow.name == "return_items" and original:
            turn.say("ask_payment_refund", original=original, methods=listing)
        else:
            turn.say("ask_payment", methods=listing)
        turn.quick = [
            QuickReply(label=fl.describe_method(m, turn.lang), value=m["id"]) for m in methods
        ]

    def _ask_item_ids(self, turn: Turn, flow: FlowState) -> None:
        order = turn.order(flow.slots["order_id"]) or {}
        items = order.get("items", [])
        turn.say(
            "ask_items",
            order_id=flow.slots["order_id"],
            items="; ".join(fl.item_label(i, turn.lang) for i in items),
        )
        turn.quick = [
            QuickReply(label=fl.item_label(i, turn.lang), value=i["item_id"]) for i in items
        ]

    def _ask_new_item_ids(self, turn: Turn, flow: FlowState) -> None:
        """Ask what each item still open should become (the closest variants when known)."""
        order = turn.order(flow.slots["order_id"]) or {}
        chosen = flow.slots.get("_new", {})
        again = bool(flow.slots.get("_asked_new")) and bool(turn.u.text)
        flow.slots["_asked_new"] = True
        for item in order.get("items", []):
            if item["item_id"] not in flow.slots["item_ids"] or item["item_id"] in chosen:
                continue
            product = turn.product(item["product_id"]) or {}
            near = flow.slots.get("_closest", {}).get(item["item_id"])
            label_ = fl.item_label(item, turn.lang)
            if near:
                variants = product.get("variants", {})
                rows = [variants[v] for v in near if v in variants]
                wanted = flow.slots.get("_want", {}).get(item["item_id"], {})
                turn.say(
                    "variant_closest",
                    item=label_,
                    wanted=fl.options_text(wanted, turn.lang),
                    variants="; ".join(fl.variant_label(v, turn.lang) for v in rows),
                )
                if not turn.quick:
                    turn.quick = [
                        QuickReply(label=fl.variant_label(v, turn.lang), value=str(v["item_id"]))
                        for v in rows
                    ]
                continue
            key = "no_variant" if again else "ask_new_items"
            turn.say(key, item=label_, options=fl.options_hint(product, turn.lang))

    # ------------------------------------------------------------------ actions

    def _propose(self, turn: Turn, flow: FlowState) -> None:
        """Build the exact tool call from the records and ask for an explicit yes."""
        spec = fl.FLOWS[flow.name]
        assert spec.tool is not None
        args, details = self._action(turn, flow)
        if args is None:
            return
        flow.action = {"tool": spec.tool, "args": args, "details": details}
        flow.confirming = True
        turn.say("confirm", details=details)
        turn.yes_no()

    def _action(self, turn: Turn, flow: FlowState) -> tuple[dict[str, Any] | None, str]:
        s, lang, name = flow.slots, turn.lang, flow.name
        order = turn.order(s["order_id"]) if "order_id" in s else None
        methods = {m["id"]: m for m in turn.methods()}
        method = (
            fl.describe_method(methods[s["payment_method_id"]], lang)
            if "payment_method_id" in s
            else ""
        )
        total = sum(Decimal(str(i["price"])) for i in (order or {}).get("items", []))
        if name == "cancel_order":
            items = (
                ", ".join(fl.product_name(i["name"], lang) for i in order["items"]) if order else ""
            )
            reason = label(s["reason"], lang)
            args = {"order_id": s["order_id"], "reason": s["reason"]}
            return args, t(
                "details_cancel_order",
                lang,
                order_id=s["order_id"],
                items=items,
                reason=reason,
                total=fl.money(total),
            )
        if name in ("change_address", "change_default_address"):
            addr = ex.Address(**s["address"])
            if name == "change_address":
                args = {"order_id": s["order_id"], **addr.as_args()}
                return args, t(
                    "details_change_address", lang, order_id=s["order_id"], address=str(addr)
                )
            args = {"user_id": turn.state.customer_id, **addr.as_args()}
            return args, t("details_change_default_address", lang, address=str(addr))
        if name == "change_payment":
            args = {"order_id": s["order_id"], "payment_method_id": s["payment_method_id"]}
            return args, t(
                "details_change_payment",
                lang,
                order_id=s["order_id"],
                total=fl.money(total),
                method=method,
            )
        assert order is not None
        by_id = {i["item_id"]: i for i in order["items"]}
        if name == "return_items":
            amount = sum(Decimal(str(by_id[i]["price"])) for i in s["item_ids"])
            items = ", ".join(fl.item_label(by_id[i], lang) for i in s["item_ids"])
            args = {
                "order_id": s["order_id"],
                "item_ids": s["item_ids"],
                "payment_method_id": s["payment_method_id"],
            }
            return args, t(
                "details_return_items",
                lang,
                order_id=s["order_id"],
                items=items,
                amount=fl.money(amount),
                method=method,
            )
        changes, difference = [], Decimal("0")
        for old, new in zip(s["item_ids"], s["new_item_ids"], strict=True):
            item = by_id[old]
            product = turn.product(item["product_id"]) or {}
            variant = product.get("variants", {}).get(new, {})
            difference += Decimal(str(variant.get("price", 0))) - Decimal(str(item["price"]))
            new_label = fl.item_label(
                {"name": item["name"], "options": variant.get("options", {})}, lang
            )
            arrow = " → " if lang == "zh" else " to "
            changes.append(f"{fl.item_label(item, lang)}{arrow}{new_label}")
        args = {
            "order_id": s["order_id"],
            "item_ids": s["item_ids"],
            "new_item_ids": s["new_item_ids"],
            "payment_method_id": s["payment_method_id"],
        }
        key = "details_change_items" if name == "change_items" else "details_exchange_items"
        return args, t(
            key,
            lang,
            order_id=s["order_id"],
            changes="; ".join(changes),
            difference=fl.money(difference),
            method=method,
        )

    def _confirming(self, turn: Turn) -> None:
        u, state = turn.u, turn.state
        flow = state.flow
        assert flow is not None and flow.action is not None
        if u.yes and not u.no:
            self._execute(turn, flow)
            return
        if u.no and not self._fills_any(turn):
            state.flow, state.declined = None, flow
            turn.say("declined")
            return
        if self._aside(turn, flow):
            return
        if self._correct(turn, flow):
            return
        own_slot = {
            "change_payment": "payment_method_id",
            "refund_status": "payment_method_id",
            "change_address": "address",
        }
        if own_slot.get(u.flow or "") in fl.FLOWS[flow.name].slots:
            pass  # "use the original card" while confirming is about this action's slot
        elif u.flow and u.flow != flow.name and u.confidence >= 0.7:
            state.flow = None
            self._start_flow(turn, self._flow_name(u))
            return
        turn.say("confirm_again", details=flow.action["details"])
        turn.yes_no()

    def _correct(self, turn: Turn, flow: FlowState) -> bool:
        """A correction while confirming ('no, the other order', another card): re-propose."""
        u = turn.u
        changed = False
        if "order_id" in flow.slots and (
            u.order_ids or ex.means_other(u.text) or ex.ordinal(u.text) is not None
        ):
            previous = flow.slots.pop("order_id")
            kept: dict[str, Any] = {
                k: flow.slots.pop(k) for k in ("item_ids", "new_item_ids") if k in flow.slots
            }
            refilled = self._fill_order_id(turn, flow, False)
            if turn.state.flow is None:  # the other order was refused (status): said so
                return True
            if refilled and flow.slots.get("order_id") != previous:
                changed = True
            else:
                flow.slots["order_id"] = previous
                flow.slots.update(kept)
        if not changed and self._correct_items(turn, flow):
            changed = True
        for slot, filler in (
            ("payment_method_id", self._fill_payment_method_id),
            ("reason", self._fill_reason),
            ("address", self._fill_address),
        ):
            if slot in flow.slots:
                old = flow.slots.pop(slot)
                if filler(turn, flow, False) and flow.slots[slot] != old:
                    changed = True
                else:
                    flow.slots[slot] = old
        if not changed:
            return False
        flow.confirming = False
        flow.action = None
        self._advance(turn, fresh=False)
        return True

    def _correct_items(self, turn: Turn, flow: FlowState) -> bool:
        """While confirming: "only the lamp", "not the bottle", "actually the black one"."""
        if "item_ids" not in flow.slots or "order_id" not in flow.slots:
            return False
        if self._narrow_items(turn, flow):
            return True
        if "new_item_ids" not in flow.slots:
            return False
        order = turn.order(flow.slots["order_id"]) or {}
        items = [i for i in order.get("items", []) if i["item_id"] in flow.slots["item_ids"]]
        text = turn.u.text
        changed = False
        new_ids = list(flow.slots["new_item_ids"])
        for n, item in enumerate(items):
            product = turn.product(item["product_id"])
            if product is None:
                continue
            part = _variants.segment(text, item, items)
            current = product.get("variants", {}).get(new_ids[n], {})
            pick = _variants.choose(part, {**item, "item_id": new_ids[n], **current}, product)
            if pick.variant_id and pick.variant_id not in (new_ids[n], item["item_id"]):
                new_ids[n] = pick.variant_id
                changed = True
        if changed:
            flow.slots["new_item_ids"] = new_ids
        return changed

    def _narrow_items(self, turn: Turn, flow: FlowState) -> bool:
        """ "only the lamp" / "not the bottle": keep just some of the request's items."""
        if len(flow.slots.get("item_ids", [])) < 2 or "order_id" not in flow.slots:
            return False
        order = turn.order(flow.slots["order_id"]) or {}
        items = [i for i in order.get("items", []) if i["item_id"] in flow.slots["item_ids"]]
        text = turn.u.text
        keep: list[str] | None = None
        only, drop = ex.ONLY_WORDS.search(text), ex.DROP_WORDS.search(text)
        if only:
            named = [i["item_id"] for i in fl.named_items(text[only.start() :], items)]
            if named and len(named) < len(items):
                keep = named
        elif drop:
            named = [i["item_id"] for i in fl.named_items(text[drop.start() :], items)]
            if named and len(named) < len(items):
                keep = [i["item_id"] for i in items if i["item_id"] not in named]
        if keep is None:
            return False
        pairs = dict(zip(flow.slots["item_ids"], flow.slots.get("new_item_ids", []), strict=False))
        flow.slots["item_ids"] = keep
        if "new_item_ids" in flow.slots:
            flow.slots["new_item_ids"] = [pairs[i] for i in keep]
        for key in ("_new", "_want", "_closest"):
            if isinstance(flow.slots.get(key), dict):
                flow.slots[key] = {k: v for k, v in flow.slots[key].items() if k in keep}
        return True

    def _execute(self, turn: Turn, flow: FlowState) -> None:
        assert flow.action is not None
        call = turn.tools.call(flow.action["tool"], flow.action["args"], write=True)
        turn.state.flow = None
        if not call.ok:
            turn.say("tool_failed", error=call.error)
            turn.state.last_refusal = f"{flow.name}: {call.error}"
            return
        data = call.data if isinstance(call.data, dict) else {}
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
        if flow.name == "cancel_order":
            facts["total"] = fl.money(sum(Decimal(str(i["price"])) for i in data.get("items", [])))
        elif flow.name in ("change_address", "change_default_address"):
            facts["address"] = str(ex.Address(**s["address"]))
        elif flow.name == "return_items":
            by_id = {i["item_id"]: i for i in data.get("items", [])}
            facts["amount"] = fl.money(
                sum(Decimal(str(by_id[i]["price"])) for i in s["item_ids"] if i in by_id)
            )
        elif flow.name in ("change_items", "exchange_items"):
            diff = data.get("exchange_price_difference")
            if diff is None:
                diff = self._price_difference(turn, s)
            facts["difference"] = fl.money(diff)
        turn.say(f"done_{flow.name}", **facts)
        if data.get("order_id"):
            turn.cards.append(self._order_card(turn, data))

    def _price_difference(self, turn: Turn, slots: dict[str, Any]) -> Decimal:
        order = turn.order(slots["order_id"]) or {}
        old = {i["item_id"]: Decimal(str(i["price"])) for i in order.get("items", [])}
        total = Decimal("0")
        for old_id, new_id in zip(slots["item_ids"], slots["new_item_ids"], strict=True):
            call = turn.tools.call("get_item_details", {"item_id": new_id})
            if call.ok and isinstance(call.data, dict):
                total += Decimal(str(call.data.get("price", 0))) - old.get(old_id, Decimal("0"))
        return total

    # ------------------------------------------------------------------ read-only answers

    def _read_flow(self, turn: Turn, flow: FlowState) -> None:
        order = turn.order(flow.slots["order_id"])
        if order is None:
            return
        turn.cards.append(self._order_card(turn, order))
        if flow.name == "refund_status":
            history = "; ".join(
                f"{p['transaction_type']} {fl.money(p['amount'])} ({p['payment_method_id']})"
                for p in order.get("payment_history", [])
            )
            turn.say(
                "refund_status",
                order_id=order["order_id"],
                status=fl.status_label(order["status"], turn.lang),
                history=history,
            )
            return
        ids = [tid for f in order.get("fulfillments", []) for tid in f.get("tracking_id", [])]
        tracking = (
            t("tracking", turn.lang, ids=", ".join(ids)) if ids else t("no_tracking", turn.lang)
        )
        items = ", ".join(fl.item_label(i, turn.lang) for i in order["items"])
        turn.say(
            "order_status",
            order_id=order["order_id"],
            status=fl.status_label(order["status"], turn.lang),
            items=items,
            tracking=tracking,
        )

    def _account(self, turn: Turn) -> None:
        user = turn.user()
        if user is None:
            return
        addr = user.get("address", {})
        turn.say(
            "account",
            name=f"{user['name']['first_name']} {user['name']['last_name']}",
            email=user.get("email", ""),
            address=str(
                ex.Address(
                    **{
                        k: addr.get(k, "")
                        for k in ("address1", "address2", "city", "state", "zip", "country")
                    }
                )
            ),
            methods="; ".join(fl.describe_method(m, turn.lang) for m in turn.methods()),
            orders=", ".join(user.get("orders", [])),
        )

    def _knowledge(self, turn: Turn, *, offer_handoff: bool = True) -> None:
        prepared = turn.prepared
        if (
            prepared is not None
            and prepared.searched
            and (prepared.text, prepared.language) == (turn.u.text, turn.lang)
        ):
            hits, confident = prepared.hits, prepared.confident
        else:
            prepared = None
            hits, confident = self._search_knowledge(turn.u.text, turn.lang)
        if not hits or not confident:
            turn.say("kb_unsure")
            if offer_handoff:
                self._offer_handoff(turn, HandoffReason.LOW_CONFIDENCE)
            return
        best = hits[0]
        answer = _scrub_identifiers(best.text.strip())
        if prepared is not None and prepared.phrased and prepared.passage == answer:
            answer = prepared.phrased  # the model's wording, checked against this passage
        turn.say("kb_answer", answer=answer)
        turn.citations = [
            Citation(citation=h.citation, section=getattr(h, "section", ""), score=float(h.score))
            for h in hits[:2]
        ]
        if turn.u.intent == "policy_question" and turn.state.flow is None:
            # a policy answer often precedes the request itself: offer it as one tap
            flow = POLICY_TOPICS.search(turn.u.text)
            if flow is not None:
                name = next(k for k, v in flow.groupdict().items() if v)
                text = label(f"start_{name}", turn.lang)
                turn.quick = [QuickReply(label=text, value=text)]

    def _product_question(self, turn: Turn) -> None:
        if POLICY_CUES.search(turn.u.text):
            self._knowledge(turn)  # "how long is the warranty on headphones": a policy answer
            return
        words = ex.latin_words(turn.u.text)
        call = turn.tools.call("list_all_product_types", {})
        types: dict[str, str] = call.data if call.ok and isinstance(call.data, dict) else {}
        low = turn.u.text.lower()
        match = next((pid for name, pid in types.items() if name.lower() in low), None)
        if match is None:
            match = next((types[n] for n in english_names(turn.u.text) if n in types), None)
        if match is None and words:
            match = next(
                (pid for name, pid in types.items() if name.lower().split()[-1] in words), None
            )
        if match is None:
            self._knowledge(turn)
            return
        product = turn.product(match)
        if product is None:
            self._knowledge(turn)
            return
        available = [v for v in product["variants"].values() if v.get("available")]
        variants = "; ".join(
            f"{', '.join(str(x) for x in v['options'].values())} {fl.money(v['price'])}"
            for v in available[:8]
        )
        turn.say("product", name=product["name"], variants=variants or "-")
        turn.cards.append(
            Card(
                type="product", data={"product_id": product["product_id"], "name": product["name"]}
            )
        )

    def _recommend(self, turn: Turn) -> None:
        try:
            from kefu.recommend import recommend_for_customer
        except ImportError:
            turn.say("recommend_none")
            return
        recs = (
            recommend_for_customer(turn.session, turn.state.customer_id, 3)
            if turn.state.customer_id
            else []
        )
        if not recs:
            turn.say("recommend_none")
            return
        zh = turn.lang == "zh"
        turn.say(
            "recommend",
            items=", ".join(
                f"{(r.name_zh or r.name) if zh else r.name} ({fl.money(r.price)}): "
                f"{r.reason_zh if zh else r.reason}"
                for r in recs
            ),
        )
        for r in recs:
            turn.cards.append(
                Card(
                    type="product",
                    data={
                        "product_id": r.product_id,
                        "variant_id": r.variant_id,
                        "name": r.name,
                        "price": str(r.price),
                        "reason": r.reason,
                    },
                )
            )

    def _order_card(self, turn: Turn, order: dict[str, Any]) -> Card:
        """The order as the widget shows it: status, items, placed date and shipments.

        ``order`` comes from the customer-scoped tool, so it is theirs; the placed date and
        carriers, which the tool record does not carry, are read for that same order id.
        """
        placed, shipments = _shipping_facts(turn.session, str(order.get("order_id")))
        if not shipments:
            shipments = [
                {
                    "tracking_ids": list(f.get("tracking_id", [])),
                    "carrier": None,
                    "item_ids": list(f.get("item_ids", [])),
                }
                for f in order.get("fulfillments", [])
            ]
        return Card(
            type="order",
            data={
                "order_id": order.get("order_id"),
                "status": order.get("status"),
                "placed_at": placed,
                "tracking": shipments,
                "items": [
                    {
                        "name": i["name"],
                        "item_id": i["item_id"],
                        "price": i["price"],
                        "options": i.get("options", {}),
                    }
                    for i in order.get("items", [])
                ],
            },
        )


def _shipping_facts(session: Session, order_id: str) -> tuple[str | None, list[dict[str, Any]]]:
    """(placed date ISO 8601 or None, shipments with tracking ids and carrier) of one order."""
    placed = session.scalar(select(Order.placed_at).where(Order.id == order_id))
    rows = session.scalars(
        select(Fulfillment).where(Fulfillment.order_id == order_id).order_by(Fulfillment.position)
    ).all()
    shipments = [
        {
            "tracking_ids": list(f.tracking_ids or []),
            "carrier": f.carrier,
            "item_ids": list(f.item_ids or []),
        }
        for f in rows
    ]
    return (placed.isoformat() if placed is not None else None), shipments
