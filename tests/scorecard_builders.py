"""Build scorecard workbooks (绩效考核表, contract scorecard.md §2) for tests, with openpyxl.

Two layouts, like scorecard-example.xlsx:

    weighted  title, person block, then per section: a section title row (一、业绩考核(80%)), its own header row
              (序号 考核项目 权重 指标要求 计分方式 实际完成 自评 上级 二级评分 得分) and item rows; red-line sections
              get a header 序号 考核项目 是否触及; a 总分 row at the end.
    points    title, person block, ONE header row (… 标准分 …), section rows inside the table (一、经营指标 60),
              item rows, a 合计 row with Σ 标准分.

    build_scorecard(path, {"张三": Card(person={"姓名": "张三"}, sections=[Part("一、业绩考核(80%)", [Ind("a", "30%")])])})
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl

WEIGHTED_HEADERS: tuple[str, ...] = ("序号", "考核项目", "权重", "指标要求", "计分方式", "实际完成", "自评", "上级",
                                     "二级评分", "得分")
POINTS_HEADERS: tuple[str, ...] = ("序号", "考核指标", "经营管理目标", "标准分", "考核办法", "计分方式", "实际完成",
                                   "自评", "上级评分", "二级评分", "备注")
FIELD_OF = {"序号": "seq", "考核项目": "name", "考核指标": "name", "权重": "max", "标准分": "max", "计分方式": "rule",
            "实际完成": "actual", "自评": "self", "上级": "reviewer1", "上级评分": "reviewer1", "二级评分": "reviewer2",
            "得分": "typed", "考核维度": "dimension", "指标要求": "text", "经营管理目标": "text", "考核办法": "text"}


@dataclass
class Ind:
    """One indicator row."""

    name: object
    max: object = None
    rule: object = None
    actual: object = None
    self: object = None
    reviewer1: object = None
    reviewer2: object = None
    typed: object = None
    dimension: object = None
    text: object = "见要求"


@dataclass
class RedLine:
    name: str
    touched: object = "否"


@dataclass
class Part:
    """A section: its title (None: no title row) and its rows (Ind, or RedLine in a red-line section)."""

    title: str | None
    items: Sequence[Ind | RedLine] = ()


@dataclass
class Card:
    """One person's sheet."""

    person: Mapping[str, object] = field(default_factory=lambda: {"姓名": "张三", "部门": "客服部", "岗位": "客服主管",
                                                                  "考核期间": "2026年第1季度", "绩效奖金基数": 5000})
    sections: Sequence[Part] = ()
    layout: str = "weighted"  # or "points"
    headers: Sequence[str] | None = None
    person_style: str = "cells"  # cells: label, value in the next cell; inline: 标签：值 in one cell
    title: str | None = "2026年第1季度员工绩效考核表"
    total_row: str | None = None  # default 总分 (weighted) / 合计 (points)
    total_value: object = "auto"  # 'auto': Σ of the max column (points layout only)
    redline_headers: Sequence[str] = ("序号", "考核项目", "是否触及")


def _person_rows(card: Card) -> list[list[object]]:
    if card.person_style == "inline":
        return [[f"{k}：{v}" for k, v in card.person.items()]]
    row: list[object] = []
    for k, v in card.person.items():
        row.extend([k, v])
    return [row]


def _item_row(headers: Sequence[str], item: Ind, seq: int) -> list[object]:
    values = {"seq": seq, **{k: getattr(item, k) for k in ("name", "max", "rule", "actual", "self", "reviewer1",
                                                           "reviewer2", "typed", "dimension", "text")}}
    return [values.get(FIELD_OF.get(h, ""), None) for h in headers]


def card_rows(card: Card) -> list[list[object]]:
    rows: list[list[object]] = []
    if card.title:
        rows.append([card.title])
    rows.extend(_person_rows(card))
    rows.append([])
    if card.layout == "weighted":
        headers = list(card.headers or WEIGHTED_HEADERS)
        for part in card.sections:
            red = any(isinstance(i, RedLine) for i in part.items)
            if part.title:
                rows.append([part.title])
            rows.append(list(card.redline_headers if red else headers))
            for n, item in enumerate(part.items, 1):
                if isinstance(item, RedLine):
                    rows.append([n, item.name, item.touched])
                else:
                    rows.append(_item_row(headers, item, n))
            rows.append([])
        rows.append([card.total_row or "总分"])
        return rows
    headers = list(card.headers or POINTS_HEADERS)
    rows.append(headers)
    total = 0
    for part in card.sections:
        if part.title:
            rows.append([part.title])
        for n, item in enumerate(part.items, 1):
            rows.append(_item_row(headers, item, n))
            if isinstance(item.max, (int, float)):
                total += item.max
    total_row: list[object] = [card.total_row or "合计"] + [None] * (len(headers) - 1)
    if card.total_value is not None and "标准分" in headers:
        total_row[headers.index("标准分")] = total if card.total_value == "auto" else card.total_value
    rows.append(total_row)
    return rows


@dataclass
class Laid:
    """A sheet laid out as a company's own form: rows, merged ranges ("B6:B8"), cells formatted as % ("D6")."""

    rows: Sequence[Sequence[object]]
    merges: Sequence[str] = ()
    percent: Sequence[str] = ()
    hidden: bool = False


def build_scorecard(path: Path, sheets: Mapping[str, Card | Laid | Sequence[Sequence[object]]],
                    extra: Mapping[str, Sequence[Sequence[object]]] | None = None) -> Path:
    """Write one sheet per entry: a Card, a Laid form, or raw rows (lists of cell values, None for blank)."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, spec in {**sheets, **(extra or {})}.items():
        sheet = book.create_sheet(name)
        rows = card_rows(spec) if isinstance(spec, Card) else spec.rows if isinstance(spec, Laid) else spec
        for r, row in enumerate(rows, 1):
            for c, value in enumerate(row, 1):
                if value is not None and value != "":
                    sheet.cell(r, c, value)
        if isinstance(spec, Laid):
            for cell in spec.percent:
                sheet[cell].number_format = "0%"
            for merged in spec.merges:
                sheet.merge_cells(merged)
            if spec.hidden:
                sheet.sheet_state = "hidden"
    path = Path(path)
    book.save(path)
    return path


# ---------------------------------------------------------------- the companies' own layouts (issue 20)


def responsibility_letter(name: object = "王晓", department: str = "客服中心", base: object = 60000) -> Laid:
    """A 目标责任书 laid out like seed 000 (own indicators): the period only in the title, 责任人 for 姓名,
    section rows by 序号 numeral (一 | 经营指标 | 60), an indicator written over three rows with its name and
    计分方式 merged down, reviewers titled 主管领导评分 / 总经理评分, 标准分数 in points, a 合计 row.

    By hand (contract §3, the latest reviewer counts, else the 计分方式):
      经营指标 (60)  交房办证 ×3 rows, 10 each, 扣分 每次2, 0 / 1 / 2 incidents   10 + 8 + 6 = 24
                    物业费收缴 30, 分档 ≥95%:30; ≥90%:20; <90%:0, 93%                       20
      管理指标 (40)  客户满意度 ×2 rows: 20, 达标 ≥90, 92 → 20; 10, 比例 目标100%, 95% → 9.5  29.5
                    制度建设 10, 直接, 主管领导 8, 总经理 9 (the second reviewer counts)      9
      total 24 + 20 + 29.5 + 9 = 82.50 → B+ (≥80), K 0.8, bonus 60000 × 0.8 = 48000.00
    """
    rows: list[list[object]] = [
        ["2026年度客服中心经营管理目标责任书"],
        ["责任人", name, None, "部门", department, None, "岗位", "客服经理", "绩效奖金基数", base],
        [],
        ["序号", "考核指标", "经营管理目标", "标准分数", "考核办法", "计分方式", "实际完成", "主管领导评分", "总经理评分", "备注"],
        ["一", "经营指标", None, 60],
        [1, "交房办证", "一期6月底前办结", 10, "按期办结得满分，每逾期一户扣2分", "扣分 每次2", 0],
        [None, None, "二期9月底前办结", 10, None, None, 1],
        [None, None, "三期12月底前办结", 10, None, None, 2],
        [2, "物业费收缴", "年度收缴率95%", 30, "按收缴率分档", "分档 ≥95%:30; ≥90%:20; <90%:0", "93%"],
        ["二", "管理指标", None, 40],
        [1, "客户满意度", "年度满意度调查不低于90分", 20, "达到得满分", "达标 ≥90", 92],
        [None, None, "投诉处理及时率100%", 10, "按比例", "比例 目标100%", "95%"],
        [2, "制度建设", "完善客服制度并执行", 10, "领导评分", "直接", None, 8, 9],
        ["合计", None, None, 100],
    ]
    return Laid(rows, merges=("B6:B8", "E6:E8", "F6:F8", "A6:A8", "B11:B12", "A11:A12"))


def supervisor_form(name: object = "李敏", department: str = "客服部", base: object = 20000) -> Laid:
    """A 主管绩效考核表 laid out like seed 002 (own indicators): the period only in the title, 部门/管理处 and
    岗位(职务) labels, 工作目标 (merged down: the 维度) beside 评价指标及指标值 (the 考核指标), 权重 in cells
    formatted as %, 指标完成情况, 自评 / 一级评分 / 二级评分.

    By hand (the latest reviewer counts, else the 计分方式):
      财务指标  管理费收缴率 20%: 一级 20 → 20;  应收款清收率 10%: 比例 目标90%, 81% → 10 × 81/90 = 9, 一级 9 → 9
      日常管理  检查达标 20%: 二级 17;  临时任务 15%: 一级 14;  会议精神 15%: 一级 12
      社区文化  社区活动 20%: 达标 ≥2次, 3次 → 20
      total 20 + 9 + 17 + 14 + 12 + 20 = 92.00 → A (≥90), K 1.0, bonus 20000 × 1.0 = 20000.00
    """
    rows: list[list[object]] = [
        ["2026年度客服部主管绩效考核表"],
        ["部门/管理处：", department, None, "岗位(职务)：", "客服主管", None, "姓名：", name, "奖金基数", base],
        ["工作目标", "评价指标及指标值", "权重", "计分方式", "指标完成情况", "未完成指标原因", "自评", "一级评分", "二级评分"],
        ["财务指标", "1、管理费收缴率达95%以上", 0.2, "分档 ≥95%:20; ≥90%:12; <90%:0", "96%", None, 18, 20],
        [None, "2、应收款清收率达90%", 0.1, "比例 目标90%", "81%", "个别业主拖欠", 9, 9],
        ["日常管理", "1、部门各项工作达到检查标准", 0.2, "直接", None, None, 18, 16, 17],
        [None, "2、按时完成临时交办任务", 0.15, "直接", None, None, 15, 14],
        [None, "3、落实各类会议要求", 0.15, "直接", None, None, 14, 12],
        ["社区文化", "1、全年举办社区活动不少于2次", 0.2, "达标 ≥2次", "3次", None, 20],
        ["得分"],
    ]
    return Laid(rows, merges=("A4:A5", "A6:A8"), percent=("C4", "C5", "C6", "C7", "C8", "C9"))


def weighted_card(name: str = "张三", department: str | None = "客服部", **overrides: object) -> Card:
    """A small weighted card: 业绩考核 80% (two items), 行为考核 20% (one item), a red-line table.

    By default it totals 0.8 × (36 + 60) + 0.2 × 80 = 92.8 (A, K 1.0).
    """
    person = {"姓名": name, "部门": department, "岗位": "客服主管", "考核期间": "2026年第1季度", "绩效奖金基数": 5000}
    person = {k: v for k, v in person.items() if v is not None}
    sections = [
        Part("一、业绩考核(80%)", [Ind("满意度", "40%", "比例 目标100%", "90%", reviewer1=None),
                                  Ind("回访率", "60%", "分档 ≥95%:60; ≥85%:30; <85%:0", "96%")]),
        Part("二、行为考核(20%)", [Ind("服务意识", "100%", "等级 1:20; 2:40; 3:60; 4:80; 5:100", "4级")]),
        Part("三、电网指标", [RedLine("泄露客户信息", "否"), RedLine("收受回扣", "否")]),
    ]
    values = {"person": person, "sections": sections, "layout": "weighted"}
    values.update(overrides)
    return Card(**values)  # type: ignore[arg-type]


def points_card(name: str = "李四", department: str | None = "客服部", **overrides: object) -> Card:
    """A small standard-points card: 经营指标 60 (two items), 管理指标 40 (two items). Totals (28 + 20) + (16 + 20) = 84 (B+, K 0.8)."""
    person = {"姓名": name, "部门": department, "岗位": "客服经理", "考核期间": "2026年第1季度", "绩效奖金基数": 8000}
    person = {k: v for k, v in person.items() if v is not None}
    sections = [
        Part("一、经营指标 60", [Ind("回款", 30, "步进 目标100万 每10万 1 上限40", "80万"),
                                 Ind("办证", 30, "扣分 每次2", "5")]),
        Part("二、管理指标 40", [Ind("制度", 20, None, None, self=18, reviewer1=16),
                                 Ind("协调", 20, "达标 ≥90%", "是")]),
    ]
    values = {"person": person, "sections": sections, "layout": "points"}
    values.update(overrides)
    return Card(**values)  # type: ignore[arg-type]
