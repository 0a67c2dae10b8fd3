"""The assistant: multi-turn conversations that resolve customer requests in code.

Public surface: :class:`Assistant` (``start``, ``handle``), the service functions
(:func:`open_conversation`, :func:`send_message`, :func:`transcript`) and :class:`Reply`.
"""

from kefu.assistant._reply import Card, Citation, QuickReply, Reply, ToolCall
from kefu.assistant._state import DialogueState, FlowState
from kefu.assistant.engine import Assistant, ConversationNotFound
from kefu.assistant.service import (
    OpenedConversation,
    Transcript,
    conversation_from_token,
    customer_from_token,
    get_assistant,
    open_conversation,
    send_message,
    transcript,
)

__all__ = [
    "Assistant",
    "Card",
    "Citation",
    "ConversationNotFound",
    "DialogueState",
    "FlowState",
    "OpenedConversation",
    "QuickReply",
    "Reply",
    "ToolCall",
    "Transcript",
    "conversation_from_token",
    "customer_from_token",
    "get_assistant",
    "open_conversation",
    "send_message",
    "transcript",
]
