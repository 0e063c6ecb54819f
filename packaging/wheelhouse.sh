#!/usr/bin/env bash
# The offline install kit: kpicli's wheel plus the wheels of all its dependencies in dist/wheelhouse/.
# Copy that folder to a machine without Internet access and run
#   python -m pip install --no-index --find-links wheelhouse kpicli
# Dependencies' wheels are for THIS machine's OS and Python; for another, pass pip download's platform options,
# e.g. WHEELHOUSE_PLATFORM="--platform win_amd64 --python-version 3.11 --only-binary=:all:".
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON="${PYTHON:-python3}"
command -v "$PYTHON" >/dev/null 2>&1 || PYTHON=python
VENV=build/packaging-venv
if [ ! -d "$VENV" ]; then
  "$PYTHON" -m venv "$VENV"
fi
PY="$VENV/bin/python"
[ -x "$PY" ] || PY="$VENV/Scripts/python.exe"
"$PY" -m pip install --quiet "build>=1"

rm -rf dist/wheelhouse
"$PY" -m build --wheel --outdir dist/wheelhouse .
WHEEL=$(ls dist/wheelhouse/kpicli-*.whl)
# shellcheck disable=SC2086  # WHEELHOUSE_PLATFORM is a list of options
"$PY" -m pip download --quiet ${WHEELHOUSE_PLATFORM:-} --dest dist/wheelhouse "$WHEEL"
echo "wheelhouse: dist/wheelhouse ($(ls dist/wheelhouse | wc -l) wheels)"
