#!/usr/bin/env bash
# Install llama-cpp-python into the virtualenv. PyPI has only its source for Python 3.11,
# so it is built once (about 5-10 minutes on 2 cores) into build/wheels and the wheel is
# reused afterwards. GGML_NATIVE=OFF makes the build portable across x86-64 machines.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-.venv/bin}
VERSION=${LLAMA_CPP_VERSION:-0.3.36}
WHEELS=build/wheels

if "$BIN/python" - "$VERSION" <<'PY' 2>/dev/null; then
import sys
from importlib.metadata import version
sys.exit(0 if version("llama-cpp-python") == sys.argv[1] else 1)
PY
  echo "llama-cpp-python $VERSION already installed"
  exit 0
fi

find_wheel() { ls "$WHEELS"/llama_cpp_python-"$VERSION"-*.whl 2>/dev/null | head -n 1; }
wheel=$(find_wheel || true)
if [ -z "$wheel" ]; then
  echo "building llama-cpp-python $VERSION from source (one time, several minutes)..."
  mkdir -p "$WHEELS"
  CMAKE_ARGS="${CMAKE_ARGS:--DGGML_NATIVE=OFF}" CMAKE_BUILD_PARALLEL_LEVEL="$(nproc)" \
    "$BIN/pip" wheel -q --no-deps -w "$WHEELS" "llama-cpp-python==$VERSION"
  wheel=$(find_wheel)
fi
"$BIN/pip" install -q "$wheel"
echo "installed $(basename "$wheel")"
