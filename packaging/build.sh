#!/usr/bin/env bash
# Build kpicli as one executable that needs no Python: dist/kpicli/kpicli (dist\kpicli\kpicli.exe on Windows).
# The folder also gets 使用说明.txt (from packaging/使用说明.txt, written by kpicli.spec).
# PyInstaller lives in its own build venv (build/packaging-venv), never in kpicli's runtime dependencies.
#   bash packaging/build.sh              the one-folder bundle (the shipped form: starts fastest, see docs/install.md)
#   KPICLI_BUNDLE=onefile bash packaging/build.sh   a single file instead: dist/onefile/kpicli[.exe]
# Runs on Linux, macOS and Windows (Git Bash, as on GitHub's runners).
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON="${PYTHON:-python3}"
command -v "$PYTHON" >/dev/null 2>&1 || PYTHON=python
export KPICLI_BUNDLE="${KPICLI_BUNDLE:-onedir}"
VENV=build/packaging-venv

if [ ! -d "$VENV" ]; then
  "$PYTHON" -m venv "$VENV"
fi
PY="$VENV/bin/python"
[ -x "$PY" ] || PY="$VENV/Scripts/python.exe"
"$PY" -m pip install --quiet --upgrade pip
"$PY" -m pip install --quiet "pyinstaller>=6,<7" .
# The project itself is installed (not editable) so the bundle holds exactly what a wheel would; reinstalled
# every time because the version number does not change between commits.
"$PY" -m pip install --quiet --force-reinstall --no-deps .

if [ "$KPICLI_BUNDLE" = onefile ]; then
  DIST=dist/onefile BIN=dist/onefile/kpicli
else
  DIST=dist BIN=dist/kpicli/kpicli
fi
"$PY" -m PyInstaller --noconfirm --clean --log-level WARN \
  --distpath "$DIST" --workpath "build/pyinstaller-$KPICLI_BUNDLE" packaging/kpicli.spec

[ -x "$BIN" ] || BIN="$BIN.exe"
"$BIN" --version
echo "built: $BIN"
