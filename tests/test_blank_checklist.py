"""A blank checklist from `kpicli template` gets one line, 表格尚未填写, as a blank scorecard form does (issue 21),
not a warning per cell and per group; --allow-blank still scores it as 未完成 on purpose."""

from __future__ import annotations

from pathlib import Path

import pytest
from builders import assert_handled, run


@pytest.mark.slow  # over 0.2 s of CPU (0.60 s measured)
def test_a_blank_template_is_one_line(tmp_path: Path):
    book = tmp_path / "2026Q2_客户触点检查表.xlsx"
    assert_handled(run("template", "检查表", "--year", 2026, "--quarter", 2, "-p", "云栖府", "-p", "望江台", "-o", book), 0)
    checked = run("check", book, columns=200)
    assert_handled(checked, 1)
    problems = [line for line in checked.output.splitlines() if line.startswith(("[错误]", "[警告]", "[提示]", "  "))]
    assert len(problems) == 1 and "表格尚未填写" in problems[0], checked.output
    assert "共 1 个错误，0 个警告，0 个提示" in checked.output
    scored = run("score", book, "-o", tmp_path / "结果.xlsx", columns=200)
    assert_handled(scored, 1)
    assert "表格尚未填写" in scored.output and not (tmp_path / "结果.xlsx").exists()


@pytest.mark.slow  # over 0.2 s of CPU (0.32 s measured)
def test_allow_blank_still_scores_a_blank_template(tmp_path: Path):
    book = tmp_path / "2026Q2_客户触点检查表.xlsx"
    assert_handled(run("template", "检查表", "--year", 2026, "--quarter", 2, "-p", "云栖府", "-o", book), 0)
    scored = run("rank", book, "--allow-blank", columns=200)
    assert_handled(scored, 0)
    assert "表格尚未填写" not in scored.output
