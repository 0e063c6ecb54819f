"""Regenerate the sample checklists in this folder (fixed seed, so the files are reproducible).

    python sample_workbooks/make_samples.py

The checklists go to 触点检查表/, the scorecards and their indicator set and roster to 绩效考核表/.

Writes a filled year (2026 Q1–Q4) for a fictional city company, built on the template, one messy
checklist built by hand the way real users leave them, (make_scorecards.py) a quarter of personal KPI
scorecards and (make_scorecard_year.py) a year of them: three months, the year-end form and its 民主评议.
Every company, project and person is fictional.
"""

from __future__ import annotations

import random
import sys
from datetime import date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run from a checkout without installing kpicli
    sys.path.insert(0, str(ROOT))
HERE = str(Path(__file__).resolve().parent)
if HERE not in sys.path:  # make_scorecards.py beside this file, however this script is loaded
    sys.path.insert(0, HERE)

import pandas as pd  # noqa: E402
from make_scorecard_year import write_scorecard_year  # noqa: E402
from make_scorecards import write_scorecards  # noqa: E402
from openpyxl import Workbook, load_workbook  # noqa: E402
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side  # noqa: E402
from openpyxl.worksheet.worksheet import Worksheet  # noqa: E402

from kpicli.checklist.catalog import load_catalog  # noqa: E402
from kpicli.checklist.render.template import FIRST_ITEM_ROW, HEADER_ROW, write_template  # noqa: E402
from kpicli.checklist.words import COMPANY_GROUP, FUNCTION_SHEETS  # noqa: E402
from kpicli.core.vocab import FUNCTIONS  # noqa: E402
from kpicli.io.outputs import save_workbook  # noqa: E402

OUT = Path(__file__).resolve().parent
CHECKLISTS, SCORECARDS = "触点检查表", "绩效考核表"  # one folder per kind (README)
SEED = 2026
YEAR = 2026
COMPANY = "江城置业有限公司武汉城市公司"
STAGES = ("售前", "签约", "工程建设", "交付", "入住/保修")
DONE, PARTIAL, NOT_DONE, NA = "完成", "部分完成", "未完成", "不适用"

# Per project and quarter: the journey stages under way, and functions not yet involved on site.
PLAN: dict[str, list[tuple[set[str], set[str]]]] = {
    "云栖府": [({"售前"}, {"工程", "物业"}), ({"售前"}, {"工程", "物业"}), ({"售前"}, set()),
               ({"售前", "签约"}, set())],
    "澜湾壹号": [({"售前", "签约"}, set())] * 2 + [({"售前", "签约", "工程建设"}, set()),
                                             ({"签约", "工程建设"}, set())],
    "望江台": [({"售前", "签约", "工程建设"}, set())] * 2 + [({"签约", "工程建设"}, set())] * 2,
    "星河湾": [({"签约", "工程建设"}, set())] * 2 + [({"工程建设", "交付"}, set()),
                                           ({"交付", "入住/保修"}, set())],
    "桃源里": [({"入住/保修"}, set())] * 4,
    "翠湖苑": [({"交付"}, set())] + [({"入住/保修"}, set())] * 3,
}
# Chance that the city company's check finds an item done, per project and quarter.
QUALITY: dict[str, list[float]] = {
    "云栖府": [0.96, 0.90, 0.88, 0.90],
    "澜湾壹号": [0.82, 0.30, 0.74, 0.86],
    "望江台": [0.86, 0.88, 0.80, 0.84],
    "星河湾": [0.90, 0.85, 0.66, 0.80],
    "桃源里": [0.66, 0.74, 0.82, 0.86],
    "翠湖苑": [0.84, 0.93, 0.96, 0.92],
}
FUNCTION_BIAS = {"营销": 0.02, "研发": 0.0, "工程": -0.03, "客服": 0.01, "物业": -0.02}
COMPANY_QUALITY = [0.90, 0.86, 0.92, 0.95]
REMARKS: dict[str, list[str]] = {
    "营销": ["告知书缺客户签字", "展板未及时更新", "回访记录不全", "本月家书未寄发", "物料未经审核即发布",
             "一房一价表未更新"],
    "研发": ["清单未经审批", "差异部位未标识", "变更未书面告知", "审查意见未闭环", "封样记录缺失"],
    "工程": ["节点延误未预警", "整改未销项", "围挡破损未修复", "夜间施工未公告", "验收记录不全"],
    "客服": ["回访超期", "投诉未闭环", "档案信息不全", "派单超时", "满意度分析未输出"],
    "物业": ["巡查记录缺失", "报修超时上门", "公示信息过期", "停水通知未提前发布", "应急演练未开展"],
}
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程魏苏吕丁任沈姚卢"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红鹏飞斌宇浩凯健俊帆帅旭宁晨琳雪婷倩颖佳欣怡"


def main() -> None:
    rng = random.Random(SEED)
    catalog = load_catalog()
    roster = make_roster(rng)
    for kind in (CHECKLISTS, SCORECARDS):
        (OUT / kind).mkdir(parents=True, exist_ok=True)
    written = []
    for quarter in range(1, 5):
        written.append(write_quarter(rng, catalog, roster, quarter))
    written.append(write_messy(rng, catalog))
    written.append(write_scorecards(OUT / SCORECARDS))  # its own seed: the checklists above do not change
    written.extend(write_scorecard_year(OUT / SCORECARDS))  # the scorecard year (its own seed too)
    for path in written:
        print(f"已写入 {path.relative_to(ROOT)}")


# ---------------------------------------------------------------- the filled year


def write_quarter(rng: random.Random, catalog: pd.DataFrame, roster: list[tuple[str, str, str]],
                  quarter: int) -> Path:
    path = OUT / CHECKLISTS / f"{YEAR}Q{quarter}_客户触点检查表.xlsx"
    projects = list(PLAN)
    write_template(path, year=YEAR, quarter=quarter, projects=projects, company=COMPANY, catalog=catalog)
    wb = load_workbook(path)  # fill it the way a user fills the template
    filled_on = date(YEAR, quarter * 3 + 1, 8) if quarter < 4 else date(YEAR + 1, 1, 8)
    wb["基本信息"]["B5"] = datetime(filled_on.year, filled_on.month, filled_on.day)
    wb["基本信息"]["B5"].number_format = "yyyy-mm-dd"
    active_stages: set[str] = set().union(*(PLAN[p][quarter - 1][0] for p in projects))
    by_id = catalog.set_index("item_id")
    for function in FUNCTIONS:
        ws = wb[FUNCTION_SHEETS[function]]
        for group, (self_col, check_col, remark_col) in _groups(ws).items():
            if group == COMPANY_GROUP:
                stages, absent = active_stages, set()
                quality = COMPANY_QUALITY[quarter - 1] + FUNCTION_BIAS[function] / 2
            else:
                stages, absent = PLAN[group][quarter - 1]
                quality = QUALITY[group][quarter - 1] + FUNCTION_BIAS[function]
            rows = []
            for r in range(FIRST_ITEM_ROW, ws.max_row + 1):
                item_id = ws.cell(r, 2).value
                if not item_id or ws.cell(r, check_col).value == NA:
                    continue  # greyed by the template: the item belongs to the other kind of unit
                if by_id.loc[item_id, "stage"] in stages and function not in absent:
                    rows.append(r)
                else:  # stage not reached (or already over) for this unit
                    ws.cell(r, self_col).value = ws.cell(r, check_col).value = NA
            for r, outcome in zip(rows, _outcomes(rng, len(rows), quality), strict=True):
                self_value, check_value, remark = _draw(rng, outcome, function)
                ws.cell(r, self_col).value = self_value
                ws.cell(r, check_col).value = check_value
                ws.cell(r, remark_col).value = remark
    _roster_sheet(wb.create_sheet("人员名单"), roster)
    save_workbook(wb, path)
    return path


def _groups(ws: Worksheet) -> dict[str, tuple[int, int, int]]:
    """group name → (自查, 检查, 备注) columns, read from the template's header rows."""
    groups = {}
    for c in range(1, ws.max_column + 1):
        if ws.cell(HEADER_ROW + 1, c).value == "自查":
            groups[ws.cell(HEADER_ROW, c).value] = (c, c + 1, c + 2)
    return groups


def _outcomes(rng: random.Random, n: int, quality: float) -> list[str]:
    """What the city company's check finds for n items: about `quality` of them done, the rest split
    between partly done and not done, in random order (a quota, so small units still follow quality)."""
    done = min(n, round(n * quality + rng.uniform(-0.5, 0.5)))
    partial = round((n - done) / 2)
    outcomes = [DONE] * done + [PARTIAL] * partial + [NOT_DONE] * (n - done - partial)
    rng.shuffle(outcomes)
    return outcomes


def _draw(rng: random.Random, check: object, function: str) -> tuple[object, object, str | None]:
    """(自查, 检查, 备注) for one applicable cell: self-checks are sometimes rosier than the check."""
    if check == DONE:
        self_value: object = DONE
    elif check == PARTIAL:
        self_value = DONE if rng.random() < 0.5 else PARTIAL
        if rng.random() < 0.15:  # some checkers type the ratio they found
            check = rng.choice([0.8, 0.6, "70%", "60%"])
    else:
        self_value = rng.choices([DONE, PARTIAL, NOT_DONE], weights=[4, 3, 3])[0]
    if rng.random() < 0.04:  # not checked by the city company: the self-check stands in
        check = None
    counted = check if check is not None else self_value
    remark = None
    if counted == NOT_DONE or (counted != DONE and rng.random() < 0.4):
        remark = rng.choice(REMARKS[function])
    return self_value, check, remark


def make_roster(rng: random.Random) -> list[tuple[str, str, str]]:
    used: set[str] = set()

    def name() -> str:
        while True:
            given = rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.6 else "")
            full = rng.choice(SURNAMES) + given
            if full not in used:
                used.add(full)
                return full

    rows = [(COMPANY_GROUP, f, name()) for f in FUNCTIONS]
    for project in PLAN:
        rows.append((project, "项目总监", name()))
        rows += [(project, f, name()) for f in FUNCTIONS]
    return rows


def _roster_sheet(ws: Worksheet, roster: list[tuple[str, str, str]]) -> None:
    ws.append(["单位", "职能", "姓名"])
    for row in roster:
        ws.append(list(row))
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
    for letter, width in zip("ABC", (12, 10, 10), strict=True):
        ws.column_dimensions[letter].width = width


# ---------------------------------------------------------------- the messy checklist

_THIN = Side(style="thin")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
# Synonyms users type for each value, with stray spaces (a full-width one too).
_DONE_SPELLINGS = ["√", "√", "完成", " 完成 ", "完成\u3000", "是", "Y", "已完成"]
_PARTIAL_SPELLINGS = ["部分", "80%", 0.5, "部分完成", "60%"]
_NOT_DONE_SPELLINGS = ["×", "否", "未完成", "×"]
_NA_SPELLINGS = ["/", "N/A", "不涉及", "—", "/"]


def _spell(rng: random.Random, value: str) -> object:
    table = {DONE: _DONE_SPELLINGS, PARTIAL: _PARTIAL_SPELLINGS, NOT_DONE: _NOT_DONE_SPELLINGS, NA: _NA_SPELLINGS}
    return rng.choice(table[value])


def _messy_value(rng: random.Random, quality: float) -> str:
    u = rng.random()
    return DONE if u < quality else PARTIAL if u < quality + (1 - quality) / 2 else NOT_DONE


def write_messy(rng: random.Random, catalog: pd.DataFrame) -> Path:
    path = OUT / CHECKLISTS / "messy_客户触点检查表_2026Q2.xlsx"
    wb = Workbook()
    info = wb.active
    info.title = "基本信息"
    for row in (["公司名称", COMPANY], ["年度", "2026年"], ["季度", "第二季度"], ["填报部门", "运营管理部客服组"]):
        info.append(row)
    info.column_dimensions["A"].width = 12
    info.column_dimensions["B"].width = 34
    _messy_marketing(wb.create_sheet("营销篇"), rng, catalog)
    _messy_construction(wb.create_sheet("工程篇 "), rng, catalog)
    _messy_customer(wb.create_sheet("客户关系篇"), rng, catalog)
    wb.save(path)  # a user's file, so not marked as kpicli's
    return path


def _items(catalog: pd.DataFrame, function: str, stages: tuple[str, ...]) -> pd.DataFrame:
    items = catalog[(catalog["function"] == function) & catalog["stage"].isin(stages)]
    return items.reset_index(drop=True)


def _messy_marketing(ws: Worksheet, rng: random.Random, catalog: pd.DataFrame) -> None:
    """Reordered and renamed item columns, an added 负责人 column, project headers not merged,
    stage-label rows, a vertically merged stage column, blank rows and a 合计 row."""
    ws["A1"] = "武汉城市公司2026年二季度客户触点检查(营销)"
    ws["A1"].font = Font(bold=True, size=13)
    header = ["序号", "触点名称", "触点编号", "阶段", "等级", "负责人", "标准动作"]
    groups = [(COMPANY_GROUP, ("自查", "检查", "备注")), ("澜湾壹号", ("自查结果", "复查", "说明")),
              ("望江台 ", ("自查", "检查", "备注")), ("云栖府", ("自查", "检查", "备注"))]
    row3, row4 = list(header), [None] * len(header)
    for name, subs in groups:
        row3 += [name, None, None]  # name only above the first column of its group
        row4 += list(subs)
    ws.append([])
    ws.append(row3)
    ws.append(row4)
    owners = ["张岚", "刘一鸣", "陈思远", "周婧"]
    quality = {"澜湾壹号": 0.55, "望江台 ": 0.85, "云栖府": 0.9, COMPANY_GROUP: 0.9}
    r, seq = 5, 1
    for label, stage in (("一、售前阶段", "售前"), ("二、签约阶段", "签约"), ("三、工程建设阶段", "工程建设")):
        ws.cell(r, 1, label).font = Font(bold=True)
        r += 1
        items = _items(catalog, "营销", (stage,))
        first = r
        for item in items.itertuples():
            merged_stage = stage == "售前"
            ws.cell(r, 1, seq)
            ws.cell(r, 2, item.name)
            ws.cell(r, 3, item.item_id)
            ws.cell(r, 4, stage if (not merged_stage or r == first) else None)
            ws.cell(r, 5, item.level)
            ws.cell(r, 6, rng.choice(owners))
            ws.cell(r, 7, item.action)
            col = len(header) + 1
            for name, _subs in groups:
                company_item = item.scope == COMPANY_GROUP
                applies = company_item == (name == COMPANY_GROUP)
                if name == "云栖府" and stage != "售前":
                    applies = False  # not selling yet
                if not applies:
                    ws.cell(r, col, _spell(rng, NA))
                    ws.cell(r, col + 1, _spell(rng, NA))
                else:
                    check = _messy_value(rng, quality[name])
                    self_value = DONE if check != DONE and rng.random() < 0.5 else check
                    ws.cell(r, col, _spell(rng, self_value))
                    if name != "云栖府":  # 云栖府 was not checked this quarter: only its self-check is filled
                        ws.cell(r, col + 1, _spell(rng, check))
                    if (check if name != "云栖府" else self_value) == NOT_DONE:
                        ws.cell(r, col + 2, rng.choice(REMARKS["营销"]))
                col += 3
            r += 1
            seq += 1
        if stage == "售前":
            ws.merge_cells(start_row=first, start_column=4, end_row=r - 1, end_column=4)
        r += 1 if stage != "签约" else 2  # blank rows in the middle
    last = r - 1
    ws.cell(r, 2, "合计")
    col = len(header) + 1
    for _name, _subs in groups:
        for k in range(2):
            letter = ws.cell(1, col + k).column_letter
            ws.cell(r, col + k, f'=COUNTIF({letter}6:{letter}{last},"√")')
        col += 3
    ws.cell(r, 7, "完成数(√)统计,仅供参考")
    for letter, width in zip("ABCDEFG", (10, 20, 8, 8, 6, 8, 36), strict=True):
        ws.column_dimensions[letter].width = width
    _box(ws, 3, r)


def _messy_construction(ws: Worksheet, rng: random.Random, catalog: pd.DataFrame) -> None:
    """Merged project headers like the template, but other columns: 编号, 客户阶段, an added 完成时限,
    grades written A类/B类/C类, and a 城市公司 group without 备注."""
    ws["A1"] = "工程篇 触点检查表(2026 Q2)"
    header = ["序号", "编号", "客户阶段", "触点名称", "完成时限", "触点等级", "交付件"]
    groups = [(COMPANY_GROUP, ("自查", "检查")), ("望江台", ("自查", "检查", "备注")),
              ("星河湾", ("项目自查", "城市公司检查", "备注")), ("澜湾壹号", ("自查", "检查", "备注"))]
    row3, row4 = list(header), [None] * len(header)
    for name, subs in groups:
        row3 += [name] + [None] * (len(subs) - 1)
        row4 += list(subs)
    ws.append([])
    ws.append(row3)
    ws.append(row4)
    col = len(header) + 1
    for _name, subs in groups:
        ws.merge_cells(start_row=3, start_column=col, end_row=3, end_column=col + len(subs) - 1)
        col += len(subs)
    grade = {"一级": "A类", "二级": "B类", "三级": "C类"}
    quality = {COMPANY_GROUP: 0.85, "望江台": 0.8, "星河湾": 0.88, "澜湾壹号": 0.5}
    r = 5
    items = _items(catalog, "工程", ("售前", "工程建设", "交付"))
    for seq, item in enumerate(items.itertuples(), start=1):
        if seq == 8:
            r += 1  # a blank row left after deleting an item
        values = [seq, item.item_id, item.stage, item.name, rng.choice(["每月", "节点前", "交付前30天", None]),
                  grade[item.level], item.deliverable]
        for c, value in enumerate(values, start=1):
            ws.cell(r, c, value)
        col = len(header) + 1
        for name, subs in groups:
            applies = (item.scope == COMPANY_GROUP) == (name == COMPANY_GROUP)
            if name != COMPANY_GROUP and item.stage not in ("售前", "工程建设"):
                applies = False
            if not applies:
                ws.cell(r, col, _spell(rng, NA))
                ws.cell(r, col + 1, _spell(rng, NA))
            else:
                check = _messy_value(rng, quality[name])
                ws.cell(r, col, _spell(rng, DONE if rng.random() < 0.6 else check))
                ws.cell(r, col + 1, _spell(rng, check))
                if check == NOT_DONE and len(subs) == 3:
                    ws.cell(r, col + 2, rng.choice(REMARKS["工程"]))
            col += len(subs)
        r += 1
    _box(ws, 3, r - 1)


def _messy_customer(ws: Worksheet, rng: random.Random, catalog: pd.DataFrame) -> None:
    """No 序号 and no 触点编号, the stage merged vertically in the first column, grades written
    关键/重要/一般, a note above the header instead of a blank row, and an 得分率 row at the bottom."""
    ws["A1"] = "客户关系篇"
    ws["A2"] = "检查日期:2026年6月下旬"
    header = ["阶段", "触点名称", "等级", "检查方式"]
    groups = [(COMPANY_GROUP, ("自查", "检查", "备注")), ("桃源里", ("自查", "检查", "备注")),
              ("翠湖苑", ("自查", "检查", "备注")), ("星河湾", ("自查", "复核", "备注"))]
    row4, row5 = list(header), [None] * len(header)
    for name, subs in groups:
        row4 += [name, None, None]
        row5 += list(subs)
    ws.append([])
    ws.append(row4)
    ws.append(row5)
    level_words = {"一级": "关键", "二级": "重要", "三级": "一般"}
    quality = {COMPANY_GROUP: 0.9, "桃源里": 0.78, "翠湖苑": 0.92, "星河湾": 0.85}
    active = {"桃源里": ("入住/保修",), "翠湖苑": ("入住/保修",), "星河湾": ("签约", "工程建设")}
    r = 6
    for stage in STAGES:
        first = r
        ws.cell(r, 1, stage)
        for item in _items(catalog, "客服", (stage,)).itertuples():
            ws.cell(r, 2, item.name)
            ws.cell(r, 3, level_words[item.level])
            ws.cell(r, 4, item.method)
            col = len(header) + 1
            for name, _subs in groups:
                if name == COMPANY_GROUP:
                    applies = item.scope == COMPANY_GROUP
                else:
                    applies = item.scope != COMPANY_GROUP and stage in active[name]
                if not applies:
                    ws.cell(r, col, _spell(rng, NA))
                    ws.cell(r, col + 1, _spell(rng, NA))
                else:
                    check = _messy_value(rng, quality[name])
                    ws.cell(r, col, _spell(rng, check))
                    ws.cell(r, col + 1, _spell(rng, check))
                    if check == NOT_DONE:
                        ws.cell(r, col + 2, rng.choice(REMARKS["客服"]))
                col += 3
            r += 1
        if r - 1 > first:
            ws.merge_cells(start_row=first, start_column=1, end_row=r - 1, end_column=1)
    ws.cell(r, 2, "得分率")
    ws.cell(r, 3, "见汇总表")
    ws.column_dimensions["B"].width = 20
    _box(ws, 4, r)


def _box(ws: Worksheet, first_row: int, last_row: int) -> None:
    for row in ws.iter_rows(min_row=first_row, max_row=last_row, max_col=ws.max_column):
        for cell in row:
            cell.border = _BOX
            cell.alignment = Alignment(vertical="center")


if __name__ == "__main__":
    main()
