"""Regenerate the sample scorecard year (年度综合得分) in this folder from a fixed seed.

    python sample_workbooks/make_scorecard_year.py      (make_samples.py calls it too)

Writes four workbooks of the fictional city company's 客服部 (the department of 2026Q1_客服部绩效考核表.xlsx):

    2026年01月_客服部绩效考核表.xlsx … 2026年03月_…   one sheet per person, the weighted layout of the quarter
                                                    sample (业绩考核 70%, 行为考核 30%, red lines)
    2026年度_客服部年终考核表.xlsx                    the year-end form (年度目标 70%, 能力素质 30%, red lines, the
                                                    year's 绩效奖金基数) and a 民主评议 sheet

so that `kpicli annual` shows every case of the contract (docs/scorecard.md, 年度): 吴雨桐 has no February form
(缺少 2月, not counted as 0), 黄志强 touched a red line in February (it applies to the year), 赵敏 joined in
March and has no 民主评议 score (not computed, not ranked). 周晓琳's forms are written by hand: her year is
computed by hand in tests/test_scorecard_annual.py and docs/scorecard.md. Every person is fictional.
"""

from __future__ import annotations

import csv
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run from a checkout without installing kpicli
    sys.path.insert(0, str(ROOT))
HERE = str(Path(__file__).resolve().parent)
if HERE not in sys.path:  # make_scorecards.py beside this file
    sys.path.insert(0, HERE)

from make_scorecards import (  # noqa: E402
    BOLD,
    BOX,
    COMPANY,
    CS,
    CS_BEHAVIOUR,
    CS_HEADERS,
    CS_RED_LINES,
    CS_RESULTS,
    HEAD_FILL,
    WIDTHS,
    write_table,
)
from openpyxl import Workbook  # noqa: E402
from openpyxl.styles import Alignment, Font  # noqa: E402
from openpyxl.utils import get_column_letter  # noqa: E402
from openpyxl.worksheet.worksheet import Worksheet  # noqa: E402

from kpicli.io.outputs import save_workbook  # noqa: E402

OUT = Path(__file__).resolve().parent / "绩效考核表"
SEED = 202612
YEAR = 2026
MONTHS = (1, 2, 3)
YEAR_END_NAME = f"{YEAR}年度_客服部年终考核表.xlsx"

# (name, position, monthly base, year-end base)
PEOPLE = [("周晓琳", "客服经理", 2000, 30000), ("黄志强", "客服专员", 1000, 12000), ("陈思远", "客服主管", 1500, 20000),
          ("刘佳怡", "客服专员", 1000, 12000), ("吴雨桐", "400热线专员", 900, 11000), ("赵敏", "客服专员", 1000, 10000)]
ABSENT = {("吴雨桐", 2), ("赵敏", 1), ("赵敏", 2)}  # 吴雨桐 on leave in February; 赵敏 joined in March
RED_LINE = ("黄志强", 2, 2)  # (person, month, red-line item number touched)
NOT_REVIEWED = {"赵敏"}  # joined too late for the year's 民主评议

# 周晓琳 by hand: per month the CS_RESULTS actuals and (服务意识, 团队协作, 执行力 (自评, 上级), 学习与成长 (上级, 二级))
HAND = {
    1: ([0.92, 0.97, 0.98, 0, 0.99], ["优秀", "4级", (23, 22), (21, None)]),
    2: ([0.88, 0.95, 0.96, 1, 0.985], ["良好", "4级", (22, 21), (20, 22)]),
    3: ([0.905, 1.0, 0.99, 0, 0.995], ["优秀", "5级", (24, 24), (22, None)]),
}
# The year-end form: (考核指标, 指标要求, 权重, 评分标准, 计分方式)
YEAR_RESULTS = [
    ("年度客户满意度", "第三方年度满意度测评≥90%", 0.30, "≥90%得30分；85%–90%得24分；80%–85%得15分；低于80%不得分",
     "分档 ≥90%:30; ≥85%:24; ≥80%:15; <80%:0"),
    ("年度投诉闭环率", "全年投诉100%闭环", 0.25, "按闭环率折算：权重×实际÷100%", "比例 目标100%"),
    ("年度重点工作", "完成年初确定的重点工作", 0.25, "上级按完成情况评分", "直接"),
    ("客服体系建设", "制度、流程、培训体系完善", 0.20, "1–5级，每级4分", "等级 1:4; 2:8; 3:12; 4:16; 5:20"),
]
YEAR_ABILITY = [
    ("专业能力", "业务知识与问题解决", 0.50, "上级按表现评分", "直接"),
    ("团队协作", "跨部门协同、补位", 0.50, "优秀50；良好40；合格25；待改进0", "等级 优秀:50; 良好:40; 合格:25; 待改进:0"),
]
# 周晓琳's year-end: actuals of YEAR_RESULTS (年度重点工作 as 上级 points), then (专业能力 上级, 团队协作 level)
HAND_YEAR = ([0.915, 0.98, 23, "5级"], (46, "优秀"))
HAND_REVIEW = 92.5  # 周晓琳's 民主评议 score


def write_scorecard_year(out: Path = OUT) -> list[Path]:
    """The three monthly workbooks and the year-end one; returns their paths in that order."""
    out.mkdir(parents=True, exist_ok=True)
    rng = random.Random(SEED)
    written = []
    for month in MONTHS:
        wb = Workbook()
        _info(wb.active, f"{YEAR}年{month}月")
        for name, position, base, _ in PEOPLE:
            if (name, month) in ABSENT:
                continue
            actuals, behaviour = HAND[month] if name == "周晓琳" else _draw_month(rng)
            red = RED_LINE[2] if (name, month) == RED_LINE[:2] else None
            _month_sheet(wb.create_sheet(name), name, position, base, month, actuals, behaviour, red)
        path = out / f"{YEAR}年{month:02d}月_客服部绩效考核表.xlsx"
        save_workbook(wb, path)
        written.append(path)
    wb = Workbook()
    _info(wb.active, f"{YEAR}年度")
    reviews = []
    for name, position, _, base in PEOPLE:
        actuals, ability = HAND_YEAR if name == "周晓琳" else _draw_year(rng)
        _year_sheet(wb.create_sheet(name), name, position, base, actuals, ability)
        if name not in NOT_REVIEWED:
            reviews.append((name, HAND_REVIEW if name == "周晓琳" else round(rng.uniform(80, 96), 1)))
    _review_sheet(wb.create_sheet("民主评议"), reviews)
    path = out / YEAR_END_NAME
    save_workbook(wb, path)
    written.append(path)
    written.extend(write_form_inputs(out))
    return written


def write_form_inputs(out: Path = OUT) -> list[Path]:
    """The indicator set and the roster the monthly forms come from, for `kpicli template` (docs/scorecard.md)."""
    rows = [["部分", "部分权重", "考核指标", "指标要求", "权重", "评分标准", "计分方式"]]
    for section, weight, items in (("业绩考核", "70%", CS_RESULTS), ("行为考核", "30%", CS_BEHAVIOUR)):
        for i, (indicator, requirement, share, standard, rule) in enumerate(items):
            rows.append([section, weight if i == 0 else "", indicator, requirement, f"{round(share * 100)}%", standard, rule])
    rows.extend(["红线事项（一票否决）", "", item, "", "", "", ""] for item in CS_RED_LINES)
    # 指标套 names the set file beside the roster, so `template --people` needs no --indicators (docs/commands/template.md)
    roster = [["姓名", "部门", "岗位", "绩效奖金基数", "指标套"]] + [[name, CS, position, base, f"{CS}_指标套"]
                                                          for name, position, base, _ in PEOPLE]
    paths = []
    for name, table in ((f"{CS}_指标套.csv", rows), (f"{CS}_人员名单.csv", roster)):
        path = out / name
        with path.open("w", encoding="utf-8", newline="") as f:
            csv.writer(f, lineterminator="\n").writerows(table)
        paths.append(path)
    return paths


def _draw_month(rng: random.Random) -> tuple[list[object], list[object]]:
    actuals = [round(rng.uniform(0.82, 0.97), 3), round(rng.uniform(0.88, 1.0), 3), round(rng.uniform(0.92, 0.995), 3),
               rng.choice([0, 0, 0, 1, 2]), round(rng.uniform(0.96, 1.0), 3)]
    own = rng.randint(20, 24)
    behaviour = [rng.choice(["优秀", "良好", "良好", "合格"]), f"{rng.randint(3, 5)}级", (own, own - rng.randint(0, 3)),
                 (rng.randint(16, 24), None)]
    return actuals, behaviour


def _draw_year(rng: random.Random) -> tuple[list[object], tuple[int, str]]:
    actuals = [round(rng.uniform(0.84, 0.96), 3), round(rng.uniform(0.9, 1.0), 3), rng.randint(17, 24),
               f"{rng.randint(3, 5)}级"]
    return actuals, (rng.randint(36, 48), rng.choice(["优秀", "良好", "良好", "合格"]))


# ---------------------------------------------------------------- sheets


def _info(ws: Worksheet, period: str) -> None:
    ws.title = "基本信息"
    for row in (["项目", "内容"], ["公司名称", COMPANY], ["考核期间", period], ["填表说明", "每人一张考核表，上级评分后交人力资源部"]):
        ws.append(row)
    ws.column_dimensions["A"].width, ws.column_dimensions["B"].width = 12, 40
    for cell in ws[1]:
        cell.font, cell.fill = BOLD, HEAD_FILL


def _title(ws: Worksheet, text: str) -> None:
    ws.append([text])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(CS_HEADERS))
    ws["A1"].font = Font(bold=True, size=14)
    ws["A1"].alignment = Alignment(horizontal="center")


def _person(ws: Worksheet, name: str, position: str, period: str, base: int) -> None:
    ws.append(["姓名", name, "部门", CS, "岗位", position])
    ws.append(["考核期间", period, "绩效奖金基数", base])
    for r in (2, 3):
        for c in (1, 3, 5):
            ws.cell(r, c).font = BOLD


def _section(ws: Worksheet, text: str) -> None:
    ws.append([])
    ws.append([text])
    ws.cell(ws.max_row, 1).font = BOLD


def _items(spec: list[tuple], values: list[tuple[object, object, object, object]]) -> list[list[object]]:
    """Item rows: spec (indicator, target, weight, standard, rule) with (actual, 自评, 上级, 二级)."""
    return [[n, indicator, target, weight, standard, rule, actual, own, r1, r2, None]
            for n, ((indicator, target, weight, standard, rule), (actual, own, r1, r2)) in enumerate(zip(spec, values), 1)]


def _red_lines(ws: Worksheet, touched: int | None) -> None:
    _section(ws, "三、红线指标（一票否决）")
    write_table(ws, ["序号", "考核指标", "是否触及", "备注"],
           [[n, item, "是" if touched == n else "否", "经核实，已通报" if touched == n else None]
            for n, item in enumerate(CS_RED_LINES, start=1)])


def _finish(ws: Worksheet) -> None:
    ws.append([])
    ws.append(["总分", None, None, None, "（由 kpicli 计算）"])
    ws.cell(ws.max_row, 1).font = BOLD
    ws.append([])
    ws.append(["被考核人签字：                    直接上级签字：                    日期："])
    for i, width in enumerate(WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


def _month_sheet(ws: Worksheet, name: str, position: str, base: int, month: int, actuals: list[object],
                 behaviour: list[object], red: int | None) -> None:
    period = f"{YEAR}年{month}月"
    _title(ws, f"{COMPANY}客服部员工月度绩效考核表（{period}）")
    _person(ws, name, position, period, base)
    _section(ws, "一、业绩考核（70%）")
    write_table(ws, CS_HEADERS, _items(CS_RESULTS, [(a, None, None, None) for a in actuals]), percent_cols=(4, 7))
    _section(ws, "二、行为考核（30%）")
    service, team, (own, boss), (boss2, second) = behaviour
    values = [(service, None, None, None), (team, None, None, None), (None, own, boss, None), (None, None, boss2, second)]
    write_table(ws, CS_HEADERS, _items(CS_BEHAVIOUR, values), percent_cols=(4,))
    _red_lines(ws, red)
    _finish(ws)


def _year_sheet(ws: Worksheet, name: str, position: str, base: int, actuals: list[object],
                ability: tuple[int, str]) -> None:
    period = f"{YEAR}年度"
    _title(ws, f"{COMPANY}客服部员工年终考核表（{period}）")
    _person(ws, name, position, period, base)
    _section(ws, "一、年度目标（70%）")
    satisfaction, closed, key_work, system = actuals
    values = [(satisfaction, None, None, None), (closed, None, None, None), (None, None, key_work, None),
              (system, None, None, None)]
    write_table(ws, CS_HEADERS, _items(YEAR_RESULTS, values), percent_cols=(4, 7))
    _section(ws, "二、能力素质（30%）")
    skill, team = ability
    write_table(ws, CS_HEADERS, _items(YEAR_ABILITY, [(None, None, skill, None), (team, None, None, None)]),
           percent_cols=(4,))
    _red_lines(ws, None)
    _finish(ws)


def _review_sheet(ws: Worksheet, reviews: list[tuple[str, float]]) -> None:
    """民主评议: 姓名, 部门, 得分 (the mean of the colleagues' votes, as HR types it)."""
    ws.append([f"{CS}{YEAR}年度民主评议结果"])
    ws["A1"].font = Font(bold=True, size=14)
    ws.append([])
    ws.append(["序号", "姓名", "部门", "参评人数", "得分"])
    for cell in ws[3]:
        cell.font, cell.fill, cell.border = BOLD, HEAD_FILL, BOX
    for n, (name, score) in enumerate(reviews, start=1):
        ws.append([n, name, CS, 12, score])
        for cell in ws[ws.max_row]:
            cell.border = BOX
    for letter, width in zip("ABCDE", (6, 10, 10, 10, 8)):
        ws.column_dimensions[letter].width = width


if __name__ == "__main__":
    for written in write_scorecard_year():
        print(f"已写入 {written.relative_to(ROOT)}")
