"""Genuine workbooks written by other programs (../shared/corpus/foreign): none is a checklist, so every
command must refuse each one cleanly — a non-zero exit, a Chinese message naming the file, no traceback —
and leave the file untouched and nothing written.

The files are used where they are (by path), never copied into the repository.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from builders import assert_handled, run, sha256

pytestmark = pytest.mark.slow  # every file of the foreign corpus, through every command

FOREIGN = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "foreign"
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xltx", ".xltm")

if not FOREIGN.is_dir():
    pytest.skip(f"foreign corpus not found at {FOREIGN} (expected ../shared/corpus/foreign beside the repository)",
                allow_module_level=True)

FILES = sorted(p for p in FOREIGN.iterdir() if p.is_file() and p.suffix.lower() in WORKBOOK_SUFFIXES)
if not FILES:
    pytest.skip(f"no workbooks in {FOREIGN}", allow_module_level=True)

CJK = re.compile(r"[\u4e00-\u9fff]")


def test_corpus_holds_xlsx_and_xlsm() -> None:
    suffixes = {p.suffix.lower() for p in FILES}
    assert {".xlsx", ".xlsm"} <= suffixes, suffixes


@pytest.mark.parametrize("command", ["check", "rank", "score"])
@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_foreign_workbook_is_refused_cleanly(tmp_path: Path, path: Path, command: str) -> None:
    digest = sha256(path)
    stamp = path.stat().st_mtime_ns
    beside = {p.name for p in FOREIGN.iterdir()}
    args = [command, str(path)]
    if command == "score":
        args += ["-o", str(tmp_path / "结果.xlsx")]
    result = run(*args)
    out = result.output
    assert result.exit_code != 0, out
    assert result.exit_code in (1, 2), out
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "内部错误" not in out, out
    assert CJK.search(out), out
    assert path.name in re.sub(r"\s+", "", out), out
    assert list(tmp_path.iterdir()) == []
    assert {p.name for p in FOREIGN.iterdir()} == beside  # no default output or temporary file beside it
    assert sha256(path) == digest and path.stat().st_mtime_ns == stamp


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_foreign_workbook_with_json_format_is_refused_cleanly(path: Path) -> None:
    result = run("rank", path, "--format", "json")
    assert result.exit_code in (1, 2), result.output
    assert_handled(result)
    assert CJK.search(result.output)
