"""explain, rank, annual and check read cleanly at 80 columns (issue 21), on the bundled samples: no line wider
than the terminal, nothing cut with "…", touchpoint names and numbers never broken, headers whole, decimals aligned."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from builders import assert_handled, run
from rich.cells import cell_len
from samples import CHECKLISTS, QUARTER_NAMES, SCORECARD_NAME, SCORECARDS

from kpicli.checklist.catalog import load_catalog

pytestmark = pytest.mark.slow  # every test runs a command over a whole sample


TABLE_LINE = re.compile(r"\S {2,}\S|^[ ━─]+$")  # a table row, header or rule: cells apart by two spaces or more


def _at_80(*args: object) -> list[str]:
    """The output at 80 columns: every table line fits (prose lines are wrapped by the terminal), nothing is cut."""
    result = run(*args, columns=80)
    assert_handled(result)
    lines = result.output.splitlines()
    for line in lines:
        assert "…" not in line, line
        if TABLE_LINE.search(line):
            assert cell_len(line) <= 80, line
    return lines


@pytest.fixture(scope="module")
def quarters(tmp_path_factory) -> list[Path]:
    folder = tmp_path_factory.mktemp("year")
    return [Path(shutil.copy(CHECKLISTS / name, folder / name)) for name in QUARTER_NAMES]


def test_explain_project_keeps_every_touchpoint_name_whole_and_the_total_unbroken(quarters):
    lines = _at_80("explain", quarters[0], "--project", "望江台")
    names = set(load_catalog()["name"])
    rows = [line for line in lines if re.match(r"\s*[A-Z]{2}-\d{2}\s", line)]
    assert len(rows) > 60
    for line in rows:
        assert line.split()[1] in names, line  # the name in one piece on its row
    assert "合计：Σ 贡献 = 81.2500 → 81.25" in lines or any(re.fullmatch(r"合计：Σ 贡献 = \d+\.\d{4} → \d+\.\d{2}", x)
                                                          for x in lines)
    assert len(lines) < 140  # one line per touchpoint, not three or four


def test_explain_person_headers_are_whole():
    lines = _at_80("explain", SCORECARDS / SCORECARD_NAME, "--person", "周晓琳")
    headers = [line.split() for line in lines if line.startswith("考核指标")]
    assert headers and all(h == ["考核指标", "满分", "实际完成", "计算", "自评", "上级", "二级", "采用", "得分"]
                           for h in headers)
    assert any("绩效系数 1.0" in line for line in lines)


def test_annual_aligns_the_decimals_and_keeps_score_and_grade_apart(quarters):
    lines = _at_80("annual", *quarters)
    rows = [line for line in lines if re.search(r"\d+\.\d{2}\s+(A|B\+|B|B-|C)\b", line)]
    assert len(rows) >= 10
    points = {tuple(cell_len(line[:m.start()]) for m in re.finditer(r"\.\d{2}\b", line)) for line in rows}
    assert len(points) == 1, rows  # every quarter's decimal point in the same column on every row
    at = next(i for i, line in enumerate(lines) if line.startswith("—"))
    legend = "".join(lines[at:at + 3])  # the marks explained (wrapped at 80 columns)
    assert "不列入考核" in legend and "未提交" in legend and "缺少" in legend


def test_rank_and_check_fit_80_columns(quarters):
    lines = _at_80("rank", quarters[0])
    assert any(line.startswith("奖惩：") and "，" in line for line in lines)  # one punctuation
    assert not any("见结果工作簿" in line for line in lines)  # rank writes no workbook to point to
    _at_80("rank", SCORECARDS / SCORECARD_NAME)
    _at_80("check", quarters[1])
    _at_80("check", SCORECARDS / SCORECARD_NAME)
