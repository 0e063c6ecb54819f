"""The regulation's money rules as settings (issue 19), on workbooks made by a real `kpicli template`: one combined
ranking or two rankings, and who shares a project's reward (the project's 物业经理 not by default)."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest
from builders import assert_handled, edit, run

from kpicli.checklist.render.template import FIRST_ITEM_ROW, HEADER_ROW

SUB_ROW = HEADER_ROW + 1
ROSTER = [("城市公司", "营销", "周城"), ("云栖府", "项目总监", "陈总"), ("云栖府", "营销", "李营"),
          ("云栖府", "研发", "王研"), ("云栖府", "工程", "赵工"), ("云栖府", "客服", "钱客"), ("云栖府", "物业", "孙物"),
          ("望江台", "项目总监", "吴总"), ("望江台", "物业", "郑物")]


def fill(wb: openpyxl.Workbook) -> None:
    """云栖府 done everywhere (project 100); 望江台: the first applicable touchpoint of every sheet 未完成, the rest
    done — so every function is below 100 and 云栖府 the best project; a 人员名单 sheet."""
    for ws in wb.worksheets[2:]:
        current = None
        for c in range(1, ws.max_column + 1):
            current = ws.cell(HEADER_ROW, c).value or current
            if ws.cell(SUB_ROW, c).value != "检查":
                continue
            first = True
            for r in range(FIRST_ITEM_ROW, ws.max_row + 1):
                if ws.cell(r, c).value is None and ws.cell(r, 4).value:
                    missed = current == "望江台" and first
                    ws.cell(r, c).value = "未完成" if missed else "完成"
                    first = False
    roster = wb.create_sheet("人员名单")
    roster.append(["单位", "职能", "姓名"])
    for row in ROSTER:
        roster.append(list(row))


@pytest.fixture(scope="module")
def book(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("money") / "2026Q1_检查表.xlsx"
    result = run("template", "检查表", "-o", path, "--year", 2026, "--quarter", 1, "-p", "云栖府", "-p", "望江台")
    assert result.exit_code == 0, result.output
    return edit(path, fill)


def rewards(path: Path, *extra: object) -> dict[str, int]:
    result = run("rank", path, "--format", "json", *extra)
    assert_handled(result, 0)
    data = json.loads(result.stdout)
    found = {f["function"]: f["reward"] for f in data["functions"]} | {p["project"]: p["reward"] for p in data["projects"]}
    return {unit: amount for unit, amount in found.items() if amount}


def rules_file(folder: Path, text: str) -> Path:
    path = folder / "规则.toml"
    path.write_text(text, encoding="utf-8")
    return path


def sheet_text(path: Path, sheet: str) -> str:
    ws = openpyxl.load_workbook(path)[sheet]
    return "\n".join(" | ".join(str(v) for v in row if v is not None) for row in ws.iter_rows(values_only=True))


@pytest.mark.slow
def test_combined_ranking_pays_one_first_place_reward_per_quarter(book, tmp_path):
    separate = rewards(book)
    best_function = next(unit for unit in separate if unit in ("营销", "研发", "工程", "客服", "物业"))
    assert separate == {best_function: 3000, "云栖府": 3000}  # two rankings: the best function, the best project
    combined = rewards(book, "--rules", rules_file(tmp_path, '[rewards]\nranking = "combined"\n'))
    assert combined == {"云栖府": 3000}  # one ranking: 云栖府 (100) is first, every function (below 100) after it

    target = tmp_path / "综合排名.xlsx"
    assert_handled(run("score", book, "-o", target, "--rules", tmp_path / "规则.toml"), 0)
    shown = sheet_text(target, "评分规则")
    assert "排名方式" in shown and "职能与项目一起排名" in shown
    assert_handled(run("score", book, "-o", tmp_path / "分别排名.xlsx"), 0)
    assert "职能与项目分别排名" in sheet_text(tmp_path / "分别排名.xlsx", "评分规则")


@pytest.mark.slow
def test_the_projects_property_manager_is_not_in_its_reward_by_default(book, tmp_path):
    target = tmp_path / "默认.xlsx"
    assert_handled(run("score", book, "-o", target), 0)
    details = sheet_text(target, "奖惩明细")
    line = next(row for row in details.splitlines() if row.startswith("项目 | 云栖府"))
    assert all(name in line for name in ("陈总", "李营", "王研", "赵工", "钱客")) and "孙物" not in line
    allocation = sheet_text(target, "奖惩分配表")
    assert "李营" in allocation and "孙物" not in allocation
    assert "物业经理不参与" in sheet_text(target, "评分规则")
    positions = sheet_text(target, "岗位得分")
    assert "孙物" in positions  # the post is still scored: only the money is shared without them

    with_property = tmp_path / "含物业.xlsx"
    rules = rules_file(tmp_path, "[rewards]\nproperty_in_project_team = true\n")
    assert_handled(run("score", book, "-o", with_property, "--rules", rules), 0)
    line = next(row for row in sheet_text(with_property, "奖惩明细").splitlines() if row.startswith("项目 | 云栖府"))
    assert "孙物" in line and "孙物" in sheet_text(with_property, "奖惩分配表")
    assert "含物业经理" in sheet_text(with_property, "评分规则")


@pytest.mark.slow
def test_the_property_setting_is_checked_and_shown(tmp_path):
    bad = rules_file(tmp_path, '[rewards]\nproperty_in_project_team = "是"\n')
    result = run("rules", "show", "--rules", bad)
    assert_handled(result, 2)
    assert "property_in_project_team" in result.output
    shown = run("rules", "show")
    assert_handled(shown, 0)
    assert "property_in_project_team = false" in shown.output

