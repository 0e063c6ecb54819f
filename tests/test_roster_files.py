"""One roster loader (issue #18): kpicli.io.tables reads a roster from a CSV (UTF-8 or the GB18030 Excel saves on a
Chinese Windows) or from a workbook for both kinds — `template 检查表 --roster` and `template 考核表 --people`."""

from __future__ import annotations

import csv
from pathlib import Path

import openpyxl
import pytest
from builders import assert_handled, run

CHECKLIST_ROWS = [["单位", "职能", "姓名"], ["甲", "项目总监", "赵甲"], ["城市公司", "营销", "王营销"], ["甲", "客服", "李客服"]]
SCORECARD_ROWS = [["姓名", "部门", "岗位", "绩效奖金基数", "指标套"], ["张三", "客服部", "客服专员", 5000, ""],
                  ["李四", "客服部", "客服主管", 6000, ""]]


def write(path: Path, rows: list[list[object]], *, encoding: str = "utf-8-sig", sheet: str = "Sheet1",
          above: int = 0) -> Path:
    """A roster file: CSV in the given encoding, or a workbook whose sheet holds the rows below `above` blank rows."""
    if path.suffix == ".csv":
        with path.open("w", encoding=encoding, newline="") as f:
            csv.writer(f).writerows(rows)
        return path
    wb = openpyxl.Workbook()
    wb.active.title = "说明"
    wb.active.append(["这张表不是名单"])
    ws = wb.create_sheet(sheet)
    for _ in range(above):
        ws.append([])
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


FILES = [("名单.csv", {}), ("名单_gbk.csv", {"encoding": "gb18030"}), ("名单.xlsx", {}),
         ("名单_下移.xlsx", {"sheet": "人员", "above": 3})]


@pytest.mark.slow
@pytest.mark.parametrize(("name", "how"), FILES)
def test_a_checklist_template_takes_a_roster_from_csv_or_a_workbook(tmp_path, name, how):
    roster = write(tmp_path / name, CHECKLIST_ROWS, **how)
    out = tmp_path / "模板.xlsx"
    result = run("template", "检查表", "--year", 2026, "--quarter", 1, "-p", "甲", "--roster", roster, "-o", out)
    assert_handled(result, 0)
    rows = list(openpyxl.load_workbook(out)["人员名单"].iter_rows(min_row=2, values_only=True))
    assert rows == [tuple(r) for r in CHECKLIST_ROWS[1:]]


@pytest.mark.slow
@pytest.mark.parametrize(("name", "how"), FILES)
def test_a_scorecard_template_takes_a_roster_from_csv_or_a_workbook(tmp_path, name, how):
    roster = write(tmp_path / name, SCORECARD_ROWS, **how)
    out = tmp_path / "考核表.xlsx"
    assert_handled(run("template", "考核表", "--period", "2026Q1", "--people", roster, "-o", out), 0)
    assert {"张三", "李四"} <= set(openpyxl.load_workbook(out, read_only=True).sheetnames)


def test_a_checklist_roster_csv_with_a_bad_row_warns_by_cell_and_one_without_headers_is_refused(tmp_path):
    roster = write(tmp_path / "名单.csv", [*CHECKLIST_ROWS, ["甲", "财务", "钱财务"]])
    result = run("template", "检查表", "--year", 2026, "--quarter", 1, "-p", "甲", "--roster", roster, "-o", tmp_path / "a.xlsx")
    assert_handled(result, 0)
    assert "名单.csv!B5" in result.output.replace("\n", "") and "财务" in result.output
    bad = write(tmp_path / "空.csv", [["名字", "部门"], ["赵甲", "甲"]])
    result = run("template", "检查表", "--year", 2026, "--quarter", 1, "-p", "甲", "--roster", bad, "-o", tmp_path / "b.xlsx")
    assert_handled(result, 2)
    assert "没有找到人员名单" in result.output and not (tmp_path / "b.xlsx").exists()
