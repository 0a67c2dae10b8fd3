"""The real 0.5B model for the slow tests: skipped locally when absent, required in CI."""

from __future__ import annotations

import os

import pytest

from kefu.llm.local import LocalLlama
from kefu.llm.models import ModelError, get_spec, model_path, verify


@pytest.fixture(scope="session")
def local_llm() -> LocalLlama:
    """Qwen2.5-Coder-0.5B via llama.cpp, loaded once for the whole run (`make llm` fetches it)."""
    spec = get_spec("0.5b")
    path = model_path(spec.name)
    try:
        import llama_cpp  # noqa: F401

        verify(spec, path, full=False)
    except (ImportError, ModelError) as exc:
        if os.environ.get("CI"):
            pytest.fail(f"the local model must be available in CI (make llm): {exc}")
        pytest.skip(f"local model not available (run `make llm`): {exc}")
    return LocalLlama(path, n_ctx=2048, name=spec.name)
