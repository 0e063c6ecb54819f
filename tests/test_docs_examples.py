"""Every `kpicli …` example in README.md and docs/ that names a bundled sample runs as written.

An example is one line of a fenced block. It names a bundled sample when a path in it starts with
sample_workbooks/ (run from a copy of the project's root) or when a file name or glob in it matches a file of one of
the sample folders (run inside a copy of that folder, as a user would after `cd sample_workbooks/触点检查表`).
Globs are expanded as the shell expands them; `> FILE` writes the output to FILE. Each example runs in a fresh copy
of the samples, so a command's outputs never change another example. The exit code must be 0 unless the line says
otherwise in its comment (`# 退出码 1`). Examples that name only files of the reader's own (三月提交/, 人员名单.xlsx)
are not run here; test_docs.py checks their commands and options.
"""

from __future__ import annotations

import glob
import re
import shlex
import shutil
from pathlib import Path

import pytest
import typer
from builders import assert_handled, run
from samples import CHECKLISTS, SAMPLE_ROOT, SCORECARDS

from kpicli.cli.app import app

ROOT = SAMPLE_ROOT.parent
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
FENCE = re.compile(r"^[ \t]*```[^\n]*\n(.*?)^[ \t]*```", re.S | re.M)
COMMAND = re.compile(r"^\s*(?:\S*/)?kpicli(?:\.exe)?\s+(.*)$")
EXIT = re.compile(r"退出码\s*(\d)")
KIND_FOLDERS = (CHECKLISTS, SCORECARDS)
COMMANDS = set(typer.main.get_command(app).commands)
OUTPUT_OPTIONS = {"-o", "--output", "--per-person"}  # what follows is written, not read

pytestmark = pytest.mark.slow  # every example scores a real sample


def _examples() -> list[tuple[str, str, str]]:
    """(page:line, the command line after `kpicli`, its comment) for every example in a fenced block."""
    found = []
    for page in PAGES:
        text = page.read_text(encoding="utf-8")
        for block in FENCE.finditer(text):
            first = text.count("\n", 0, block.start(1)) + 1
            for i, line in enumerate(block.group(1).splitlines()):
                match = COMMAND.match(line)
                if match:
                    command, _, comment = match.group(1).partition("  #")
                    found.append((f"{page.relative_to(ROOT)}:{first + i}", command.strip(), comment))
    return found


def _sample_folder(words: list[str]) -> Path | None:
    """Where the example runs: the project root when it names sample_workbooks/…, the kind folder whose files its
    names match, or None when it names no bundled file."""
    if any(w.startswith("sample_workbooks/") for w in words):
        return ROOT
    inputs = [w for i, w in enumerate(words) if not w.startswith("-") and words[i - 1] not in OUTPUT_OPTIONS]
    paths = [w for w in inputs if "/" in w or w.endswith((".xlsx", ".csv"))]
    for folder in KIND_FOLDERS:
        # every file it reads is a sample of this folder (a folder of the reader's own, 各项目提交/, is not)
        if paths and all(glob.glob(w, root_dir=folder) for w in paths):
            return folder
    return None


# --open starts Excel/WPS: not run here (tests/test_cli.py covers it without an application)
EXAMPLES = [e for e in _examples() if _sample_folder(shlex.split(e[1])) is not None and "--open" not in e[1]]


def test_the_docs_have_examples_over_the_bundled_samples():
    pages = {where.split(":")[0] for where, _, _ in EXAMPLES}
    assert len(EXAMPLES) >= 30, len(EXAMPLES)
    assert {"README.md", "docs/scorecard.md", "docs/commands/annual.md", "docs/commands/rank.md"} <= pages


@pytest.mark.parametrize(("where", "command", "comment"), EXAMPLES, ids=[e[0] for e in EXAMPLES])
def test_every_example_runs_as_written(where: str, command: str, comment: str, tmp_path: Path,
                                       monkeypatch: pytest.MonkeyPatch):
    words = shlex.split(command)
    folder = _sample_folder(words)
    work = tmp_path / "work"
    if folder == ROOT:
        shutil.copytree(SAMPLE_ROOT, work / "sample_workbooks", ignore=shutil.ignore_patterns("*.py", "*_评分结果.xlsx"))
    else:
        shutil.copytree(folder, work, ignore=shutil.ignore_patterns("*_评分结果.xlsx"))
    monkeypatch.chdir(work)
    target = None
    if ">" in words:
        words, target = words[:words.index(">")], words[words.index(">") + 1]
    args: list[str] = []
    for word in words:
        matches = sorted(glob.glob(word)) if any(c in word for c in "*?[") else []
        args.extend(matches or [word])  # as bash does: a glob that matches nothing stays as written
    args = [a for a in args if a != "--debug"]  # kpicli's global option, read before the command line is parsed
    if args[0] not in COMMANDS:  # kpicli FILE… without a command scores the files (dropped on kpicli.exe)
        args.insert(0, "score")
    result = run(*args, columns=80)
    expected = int(EXIT.search(comment).group(1)) if EXIT.search(comment) else 0
    assert_handled(result)
    assert result.exit_code == expected, f"{where}: kpicli {command}\n{result.output}"
    if target:
        Path(target).write_text(result.stdout, encoding="utf-8")


def test_the_message_check_md_shows_is_the_real_one(tmp_path: Path):
    """docs/commands/check.md quotes the error for 「进行中」 in 营销篇!S16 (a 自查 whose 检查 is blank) of the Q1
    sample word for word."""
    import openpyxl

    page = (ROOT / "docs" / "commands" / "check.md").read_text(encoding="utf-8")
    shown = re.search(r"```text\n(\[错误\] 营销篇!S16：.*)\n```", page).group(1)
    book = openpyxl.load_workbook(CHECKLISTS / "2026Q1_客户触点检查表.xlsx")
    book["营销篇"]["S16"] = "进行中"
    book.save(tmp_path / "2026Q1_客户触点检查表.xlsx")
    result = run("check", tmp_path / "2026Q1_客户触点检查表.xlsx", columns=400)
    assert_handled(result, 1)
    assert shown in result.output.splitlines()
