"""People: 人员名单 in score (岗位得分, 奖惩明细, 奖惩分配表), in annual (who is capped), and template --roster."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest
from builders import Item, SheetSpec, build_checklist, run
from year_books import COMPANY, ROSTERS, build_quarter, build_year, quarter_sheets

from kpicli.checklist.assessment import assess
from kpicli.checklist.render.allocation import OK_TEXT

YELLOW = "FFF2CC"


def score(path: Path, out: Path) -> openpyxl.Workbook:
    result = run("score", path, "-o", out)
    assert result.exit_code == 0, result.output
    return openpyxl.load_workbook(out)


def blocks(ws) -> dict[str, dict]:
    """奖惩分配表 read back: unit label → amount, members [(row, name, post)], total row, note."""
    found: dict[str, dict] = {}
    current = None
    for row in ws.iter_rows(min_row=4):
        a, b, c, d = (cell.value for cell in row[:4])
        if b == "团队金额（元）":
            current = found.setdefault(a, {"row": row[0].row, "amount": c, "method": d, "members": [],
                                           "total": None, "note": None})
        elif current is None or a in (None, "姓名"):
            continue
        elif a == "合计":
            current["total"] = row[0].row
        elif b is None and c is None:
            current["note"] = a
        else:
            current["members"].append((row[0].row, a, b))
    return found


# --- score: names, team members, 奖惩分配表 --------------------------------------------------------------------------------


@pytest.fixture
def q1(tmp_path) -> Path:
    folder = tmp_path / "一季度"
    folder.mkdir()
    return build_quarter(folder, 1)


@pytest.mark.slow  # over 0.2 s of CPU (0.55 s measured)
def test_roster_names_in_role_scores_and_reward_details(q1, tmp_path):
    wb = score(q1, tmp_path / "结果.xlsx")
    roles = {(r[0], r[1], r[2]): r[3] for r in wb["岗位得分"].iter_rows(min_row=5, values_only=True)}
    assert roles[("职能负责人", "城市公司", "工程")] == "李工程"
    assert next(name for (role, unit, _), name in roles.items() if role == "项目总监" and unit == "甲") == "赵甲"
    assert roles[("职能经理", "甲", "营销")] == "钱甲营销"
    details = {r[1]: r for r in wb["奖惩明细"].iter_rows(min_row=5, values_only=True)}
    assert details["甲"][5] == -3000 and details["甲"][8] == "赵甲、钱甲营销、孙甲工程"
    assert details["工程"][5] == 3000 and details["工程"][8] == "李工程"


@pytest.mark.slow  # over 0.2 s of CPU (0.36 s measured)
def test_allocation_sheet_structure(q1, tmp_path):
    wb = score(q1, tmp_path / "结果.xlsx")
    names = wb.sheetnames
    assert names.index("奖惩分配表") == names.index("奖惩明细") + 1
    ws = wb["奖惩分配表"]
    found = blocks(ws)
    # Q1: 营销 −3000, 工程 +3000 (functions), 甲 −3000, 丙 −3000 (projects); 乙 has no reward: no block
    assert list(found) == ["营销职能", "工程职能", "甲项目", "丙项目"]
    a = found["甲项目"]
    assert a["amount"] == -3000 and isinstance(a["amount"], int)
    assert [(m[1], m[2]) for m in a["members"]] == [("赵甲", "项目总监"), ("钱甲营销", "营销职能经理"),
                                                    ("孙甲工程", "工程职能经理")]
    first, last, total = a["members"][0][0], a["members"][-1][0], a["total"]
    assert total == last + 1
    assert ws.cell(total, 3).value == f"=SUM(C{first}:C{last})"
    check = ws.cell(total, 4).value
    assert check.startswith("=IF(") and f"SUM(C{first}:C{last})" in check and "=-3000," in check
    assert f"COUNT(C{first}:C{last})" in check
    for row, _, _ in a["members"]:
        cell = ws.cell(row, 3)
        assert cell.value is None and cell.fill.fgColor.rgb[-6:] == YELLOW
    assert found["工程职能"]["members"] == [(found["工程职能"]["members"][0][0], "李工程", "工程职能负责人")]
    assert "=3000," in ws.cell(found["工程职能"]["total"], 4).value
    assert ws.freeze_panes == "A3"
    ranges = [str(r) for dv in ws.data_validations.dataValidation for r in dv.sqref.ranges]
    assert f"C{first}:C{last}" in ranges


@pytest.mark.slow  # over 0.2 s of CPU (0.38 s measured)
def test_allocation_sheet_prints_on_a4(q1, tmp_path):
    ws = score(q1, tmp_path / "结果.xlsx")["奖惩分配表"]
    assert int(ws.page_setup.paperSize) == 9 and ws.page_setup.fitToWidth == 1
    last = max(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value is not None)
    assert ws.print_area == f"'奖惩分配表'!$A$1:$D${last}"
    assert ws.print_title_rows == "$1:$2"


@pytest.mark.slow
def test_team_without_members_and_service_fee(tmp_path):
    roster = [r for r in ROSTERS[1] if r[0] != "丙"]  # nobody of 丙 on the roster
    path = build_checklist(tmp_path / "2026Q1_物业.xlsx", {
        **quarter_sheets(1),
        "物业篇": SheetSpec(items=[Item("报修上门", "一级", {"甲": ("未完成", "未完成"), "乙": ("未完成", "未完成")})]),
    }, info={"公司名称": COMPANY, "年度": 2026, "季度": 1}, roster=[*roster, ("城市公司", "物业", "邓物业")])
    found = blocks(score(path, tmp_path / "结果.xlsx")["奖惩分配表"])
    assert found["丙项目"]["members"] == [] and found["丙项目"]["total"] is None
    assert "人员名单中没有该团队成员" in found["丙项目"]["note"]
    fee = found["物业职能"]
    assert fee["amount"] == -3000 and "服务费调整" in fee["method"]
    assert fee["members"] == [] and fee["total"] is None and "不分配给个人" in fee["note"]


@pytest.mark.slow
def test_no_allocation_sheet_without_roster_or_rewards(tmp_path):
    no_roster = build_quarter(tmp_path, 1, roster=False)
    assert "奖惩分配表" not in score(no_roster, tmp_path / "无名单结果.xlsx").sheetnames
    calm = build_checklist(tmp_path / "2026Q1_无奖惩.xlsx", {
        "营销篇": SheetSpec(items=[Item("案场接待", "一级", {"甲": ("完成", "80%"), "乙": ("完成", "80%")})]),
    }, info={"公司名称": COMPANY, "年度": 2026, "季度": 1}, roster=ROSTERS[1])
    assert "奖惩分配表" not in score(calm, tmp_path / "无奖惩结果.xlsx").sheetnames


@pytest.mark.slow
def test_rescoring_a_result_replaces_the_allocation_sheet(q1, tmp_path):
    first = tmp_path / "结果.xlsx"
    score(q1, first)
    again = score(first, tmp_path / "再次结果.xlsx")
    assert [n for n in again.sheetnames if n.startswith("奖惩分配表")] == ["奖惩分配表"]


@pytest.mark.slow
def test_allocation_check_recalculated_by_libreoffice(q1, tmp_path):
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        if os.environ.get("CI") == "true":
            pytest.fail("CI 环境应安装 LibreOffice(soffice),用于重新计算分配表公式")
        pytest.skip("没有安装 LibreOffice(soffice),无法重新计算公式;结构检查见 test_allocation_sheet_structure")
    out = tmp_path / "结果.xlsx"
    wb = score(q1, out)
    ws = wb["奖惩分配表"]
    found = blocks(ws)
    for row, amount in zip([m[0] for m in found["甲项目"]["members"]], (-1500, -1000, -500)):
        ws.cell(row, 3).value = amount  # adds up to −3000
    ws.cell(found["营销职能"]["members"][0][0], 3).value = -3000
    ws.cell(found["丙项目"]["members"][0][0], 3).value = -1000  # short of −3000
    filled = tmp_path / "已分配.xlsx"
    wb.save(filled)
    converted = tmp_path / "重算"
    converted.mkdir()
    profile = (tmp_path / "lo-profile").as_uri()  # a private profile: no clash with a running LibreOffice
    subprocess.run([soffice, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "xlsx",
                    "--outdir", str(converted), str(filled)], check=True, capture_output=True, timeout=180)
    values = openpyxl.load_workbook(converted / filled.name, data_only=True)["奖惩分配表"]

    def checked(label: str) -> tuple[object, object]:
        total = found[label]["total"]
        return values.cell(total, 3).value, values.cell(total, 4).value

    assert checked("甲项目") == (-3000, OK_TEXT)
    assert checked("营销职能") == (-3000, OK_TEXT)
    assert checked("丙项目") == (-1000, "✗ 合计应为 -3000")
    assert checked("工程职能") == (0, "待分配")


# --- annual: every person and whether they are capped ----------------------------------------------------------------


@pytest.mark.slow
def test_people_capped_by_the_unit_they_are_assessed_in(tmp_path):
    files = build_year(tmp_path / "2026")
    result = run("annual", *files, "--format", "json")
    assert result.exit_code == 0, result.output
    people = {(p["name"], p["unit"]): p for p in json.loads(result.stdout)["people"]}
    assert people[("李工程", "城市公司")] == {
        "name": "李工程", "role": "职能负责人", "unit": "城市公司", "function": "工程", "capped": True,
        "reason": "工程职能：第2、3季度连续两个季度为B-及以下"}
    assert people[("王营销", "城市公司")]["capped"] is False  # 营销: only Q1 at or below
    assert people[("赵甲", "甲")]["capped"] is True and people[("赵甲", "甲")]["role"] == "项目总监"
    assert people[("韩新", "甲")]["capped"] is True  # 甲·营销 manager: the unit is capped
    assert people[("韩新", "甲")]["reason"].startswith("甲·营销：")
    assert people[("孙甲工程", "甲")]["capped"] is False  # 甲·工程 is B- or below in Q2 and Q4 only
    assert people[("周乙", "乙")]["capped"] is False and people[("吴丙", "丙")]["capped"] is False


@pytest.mark.slow
def test_people_union_of_rosters_with_their_last_post(tmp_path):
    files = build_year(tmp_path / "2026")
    result = run("annual", *files, "--format", "json")
    people = json.loads(result.stdout)["people"]
    names = [p["name"] for p in people]
    assert len(names) == len(set(names)) == 9
    assert "陈前任" in names  # only on Q1's roster, still listed
    moved = next(p for p in people if p["name"] == "钱甲营销")
    assert (moved["unit"], moved["function"], moved["capped"]) == ("乙", "营销", False)  # Q4 post counts


@pytest.mark.slow
def test_people_in_the_workbook_and_terminal(tmp_path):
    files = build_year(tmp_path / "2026")
    out = tmp_path / "年度.xlsx"
    result = run("annual", *files, "-o", out)
    assert result.exit_code == 0, result.output
    assert "封顶人员（3 人" in result.stdout and "韩新" in result.stdout
    rows = list(openpyxl.load_workbook(out)["人员年度结果"].iter_rows(min_row=5, values_only=True))
    capped = {r[0] for r in rows if r[5] == "是"}
    assert capped == {"李工程", "赵甲", "韩新"}
    assert next(r for r in rows if r[0] == "陈前任")[8] == "第1季度"


@pytest.mark.slow
def test_no_roster_anywhere(tmp_path):
    folder = tmp_path / "无名单"
    folder.mkdir()
    files = [build_quarter(folder, q, roster=False) for q in (1, 2)]
    data = json.loads(run("annual", *files, "--format", "json").stdout)
    assert data["people"] == []
    table = run("annual", *files, "-o", tmp_path / "年度.xlsx")
    assert table.exit_code == 0 and "没有「人员名单」" in table.stdout
    ws = openpyxl.load_workbook(tmp_path / "年度.xlsx")["人员年度结果"]
    assert "没有「人员名单」" in ws["B5"].value


# --- template --roster --------------------------------------------------------------------------------------------------


@pytest.mark.slow
def test_template_copies_the_roster(q1, tmp_path):
    out = tmp_path / "2026Q2_模板.xlsx"
    result = run("template", "检查表", "--year", 2026, "--quarter", 2, "-p", "甲", "-p", "乙", "--roster", q1, "-o", out)
    assert result.exit_code == 0, result.output
    assert "「丙」" in result.output and "警告" in result.output  # 丙 is not a project of the new template
    ws = openpyxl.load_workbook(out)["人员名单"]
    assert [c.value for c in ws[1]] == ["单位", "职能", "姓名"]
    assert ws.freeze_panes == "A2" and ws["A1"].font.bold
    copied = assess(out).checklist.roster
    source = assess(q1).checklist.roster
    columns = ["unit", "role", "function", "name"]
    assert copied[columns].fillna("").values.tolist() == source[columns].fillna("").values.tolist()


@pytest.mark.slow  # over 0.2 s of CPU (0.24 s measured)
def test_template_roster_from_a_plain_sheet(tmp_path):
    plain = tmp_path / "名单.xlsx"
    wb = openpyxl.Workbook()
    wb.active.title = "Sheet1"
    wb.active.append(["2026年项目人员"])
    wb.active.append(["姓名", "单位", "岗位"])
    wb.active.append(["赵甲", "甲", "项目总监"])
    wb.active.append(["王营销", "城市公司", "营销"])
    wb.save(plain)
    out = tmp_path / "模板.xlsx"
    result = run("template", "检查表", "--year", 2026, "--quarter", 3, "-p", "甲", "--roster", plain, "-o", out)
    assert result.exit_code == 0, result.output
    assert "警告" not in result.output
    rows = list(openpyxl.load_workbook(out)["人员名单"].iter_rows(min_row=2, values_only=True))
    assert rows == [("甲", "项目总监", "赵甲"), ("城市公司", "营销", "王营销")]


def test_template_roster_file_without_roster(tmp_path):
    nothing = build_quarter(tmp_path, 1, roster=False)
    out = tmp_path / "模板.xlsx"
    result = run("template", "检查表", "--year", 2026, "--quarter", 2, "-p", "甲", "--roster", nothing, "-o", out)
    assert result.exit_code == 2
    assert "没有找到人员名单" in result.output and not out.exists()


@pytest.mark.slow
def test_rescoring_a_result_with_an_allocation_sheet_warns_that_it_starts_empty(q1, tmp_path):
    first = tmp_path / "一季度结果.xlsx"
    assert run("score", q1, "-o", first).exit_code == 0
    assert "奖惩分配表" in openpyxl.load_workbook(first, read_only=True).sheetnames
    again = run("rank", first, "--format", "json")
    assert again.exit_code == 0, again.output
    warnings = [p for p in json.loads(again.stdout)["problems"] if p["sheet"] == "奖惩分配表"]
    assert len(warnings) == 1 and warnings[0]["level"] == "warning" and "已填写的分配金额" in warnings[0]["message"]
