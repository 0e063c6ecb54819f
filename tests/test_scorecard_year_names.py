"""Accident 5 of issue 20: in the year, one month's department typo ("客服布" for "客服部") split a person in two and
detached a red line, so an A and 18,000 were paid instead of 0. Built from real `kpicli template 考核表` forms for
each month and the year-end, filled as reviewers fill them, with a 民主评议 sheet added to the year-end workbook."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import openpyxl
import pytest
from builders import assert_handled, flat, run

from kpicli import api
from kpicli.scorecard.year_names import near_departments


def roster(path: Path, people: list[tuple[str, str]]) -> Path:
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        csv.writer(f).writerows([["姓名", "部门", "岗位", "绩效奖金基数", "指标套"],
                                 *([n, d, "客服专员", 18000, "客服专员"] for n, d in people)])
    return path


def form(folder: Path, period: str, people: list[tuple[str, str]], *, red: set[str] = frozenset(),
         review: list[tuple[str, str, int]] | None = None) -> Path:
    """One period's workbook from the template: every item scored 95% of its points by the reviewer, red lines
    否 except for the sheets in `red` (是 on the first); with review, a 民主评议 sheet."""
    out = folder / f"{period}.xlsx"
    people_file = roster(folder / f"{period}_名单.csv", people)
    assert_handled(run("template", "考核表", "--period", period, "--people", people_file, "-o", out), 0)
    wb = openpyxl.load_workbook(out)
    for ws in wb.worksheets:
        cols, first_red = None, True
        for row in ws.iter_rows():
            texts = {c.value: c.column for c in row if isinstance(c.value, str)}
            if "考核指标" in texts:
                cols = texts
                continue
            if cols is None or not isinstance(row[0].value, int):
                continue
            r = row[0].row
            if "是否触及" in cols:
                ws.cell(r, cols["是否触及"]).value = "是" if ws.title in red and first_red else "否"
                first_red = False
            else:
                ws.cell(r, cols["上级评分"]).value = round(ws.cell(r, cols["权重"]).value * 95, 2)
    if review is not None:
        sheet = wb.create_sheet("民主评议")
        sheet.append(["姓名", "部门", "得分"])
        for row in review:
            sheet.append(list(row))
    wb.save(out)
    return out


def year(tmp_path: Path, *args: object) -> tuple[int, dict, str]:
    result = run("annual", *args, "--format", "json")
    assert_handled(result)
    return result.exit_code, json.loads(result.stdout) if result.stdout.strip().startswith("{") else {}, \
        flat(result.output)


def person(data: dict, name: str, department: str) -> dict:
    return next(p for p in data["people"] if p["name"] == name and p["department"] == department)


def test_near_departments():
    assert near_departments("客服部", "客服布") and near_departments("客服部", "")
    assert near_departments("客服一部", "客服二部") and near_departments("客服部", "客服中心部") is False
    assert not near_departments("客服部", "工程部") and not near_departments("客服部", "客服部")


@pytest.mark.slow
def test_a_department_typo_in_one_month_no_longer_detaches_a_red_line(tmp_path):
    team = [("王芳", "客服部"), ("刘洋", "客服部")]
    files = [
        form(tmp_path, "2026年1月", team),
        form(tmp_path, "2026年2月", [("王芳", "客服布"), ("刘洋", "客服部")], red={"王芳"}),  # the typo month
        form(tmp_path, "2026年3月", team),
        form(tmp_path, "2026", team, review=[("王芳", "客服部", 95), ("刘洋", "客服部", 95)]),
    ]
    code, data, _text = year(tmp_path, *files)
    assert code == 0
    wang = person(data, "王芳", "客服部")
    # the red line touched under 客服布 follows her: lowest grade, K 0, no bonus (it was A and 18,000)
    assert wang["red_lines"] == ["泄露客户个人信息或公司内部资料（2月）"]
    assert (wang["grade"], wang["coefficient"], wang["bonus"]) == ("C", 0, 0)
    liu = person(data, "刘洋", "客服部")
    assert (liu["grade"], liu["coefficient"], liu["bonus"]) == ("A", 1.2, 21600)
    warnings = [p for p in data["problems"] if p["level"] == "warning"]
    typo = next(p for p in warnings if "写法不同" in p["message"])
    assert "「客服部」" in typo["message"] and "「客服布」" in typo["message"] and "改为「客服部」" in typo["message"]
    assert (typo["file"], typo["sheet"], typo["cell"]) == ("2026年2月.xlsx", "王芳", "C3")
    assert any("随人计入" in p["message"] for p in warnings)
    # the stray spelling is listed, not paid
    stray = person(data, "王芳", "客服布")
    assert stray["computed"] is False and stray["bonus"] is None
    # the fix the warning names: with the department corrected, one row and the same red line, no warning
    wb = openpyxl.load_workbook(files[1])
    wb["王芳"]["F3"] = "客服部"
    wb.save(files[1])
    _code, fixed, _ = year(tmp_path, *files)
    assert [p["department"] for p in fixed["people"] if p["name"] == "王芳"] == ["客服部"]
    assert person(fixed, "王芳", "客服部")["bonus"] == 0
    assert not any("写法不同" in p["message"] for p in fixed["problems"])


@pytest.mark.slow
def test_a_red_line_that_could_follow_two_people_refuses_the_year(tmp_path):
    both = [("王芳", "客服一部"), ("王芳", "客服三部")]
    files = [
        form(tmp_path, "2026年1月", both),
        form(tmp_path, "2026年2月", [("王芳", "客服二部")], red={"王芳"}),
        form(tmp_path, "2026", both, review=[("王芳", "客服一部", 90), ("王芳", "客服三部", 90)]),
    ]
    code, _data, text = year(tmp_path, *files)
    assert code == 1
    assert "不能确定红线属于谁" in text and "2026年2月.xlsx" in text and "客服二部" in text
    with pytest.raises(api.DataError):
        api.annual(files)


@pytest.mark.slow
def test_a_transfer_to_another_department_stays_two_rows_without_a_red_line_moving(tmp_path):
    files = [
        form(tmp_path, "2026年1月", [("王芳", "工程部")], red={"王芳"}),
        form(tmp_path, "2026年2月", [("王芳", "客服部")]),
        form(tmp_path, "2026", [("王芳", "客服部")], review=[("王芳", "客服部", 95)]),
    ]
    code, data, _text = year(tmp_path, *files)
    assert code == 0
    assert person(data, "王芳", "客服部")["red_lines"] == []
    assert not any("写法不同" in p["message"] for p in data["problems"])
