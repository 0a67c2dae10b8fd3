"""Policy questions are answered from retrieval with citations; weak retrieval offers a person."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine

from kefu.assistant import Assistant
from kefu.knowledge import KnowledgeBase
from tests.conftest import TAU2_DIR

pytestmark = pytest.mark.slow


def test_knowledge_answer_cites_its_source_and_weak_retrieval_offers_a_person(
    sqlite_tau2_engine: Engine, tmp_path: Path
) -> None:
    kb = KnowledgeBase(sqlite_tau2_engine, tmp_path / "kb")
    assert kb.ingest_paths([TAU2_DIR / "policy.md"]).ok
    assistant = Assistant(sqlite_tau2_engine, knowledge=kb)
    cid = assistant.start(language="en")
    answer = assistant.handle(cid, "What payment methods do you accept?")
    assert answer.citations and all("policy.md" in c.citation for c in answer.citations)
    assert "gift card" in answer.text.lower()
    unsure = assistant.handle(cid, "Can I pick up my order at your warehouse?")
    assert unsure.citations == []
    assert "don't want to guess" in unsure.text and "person" in unsure.text
    assert [q.value for q in unsure.quick_replies] == ["Yes", "No"]
    # something the store does not sell is a catalogue answer, not a gap for a person
    other = assistant.start(language="en")
    tickets = assistant.handle(other, "Do you sell airline tickets?")
    assert "catalogue" in tickets.text and tickets.handoff_state == "bot"
    handed = assistant.handle(cid, "yes")
    assert handed.handoff_state == "waiting_for_agent"
