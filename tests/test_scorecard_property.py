"""Property: a random scorecard form — either layout, section titles or rows, red-line tables, rule texts good and
bad, actuals and points of every type a cell holds, merged cells, blank rows, total rows — read, scored, grouped,
explained and rendered through the library raises nothing but kpicli's own errors (KpiError), and whatever it
scores is consistent: explain reproduces the score, the JSON is plain JSON, the result sheets are built.

The forms are built as in-memory grids (the values calamine hands over: str, float, int, bool, datetime), which
keeps a hundred forms within a few seconds; test_scorecard_scoring.py covers workbooks on disk."""

from __future__ import annotations

import io
import json
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from rich.console import Console

from kpicli.core.errors import KpiError
from kpicli.io.workbook import Grid, RawWorkbook
from kpicli.scorecard import score_books, score_workbook
from kpicli.scorecard.explain import explain_person
from kpicli.scorecard.render.book import build_scorecard_sheets
from kpicli.scorecard.render.terminal import print_person_explain, print_scorecard

pytestmark = pytest.mark.slow

LABELS = ["姓名", "部门", "岗位", "考核期间", "绩效奖金基数", "管理处", "考核周期", "奖金基数"]
LABEL_VALUES = ["张三", "李四", "客服部", "物业服务中心", "2026年第1季度", "2026Q1", "2026年3月", "2026年度", "明年",
                5000, 5000.5, -1, "6000元", "abc", None, datetime(2026, 3, 1)]
TITLES = ["一、业绩考核(80%)", "二、行为考核（20%）", "经营指标 60", "(一)管理指标 40", "第三部分 综合", "三、电网指标",
          "红线（一票否决）", "一、业绩考核(70%)", "二、行为考核(30%)", "说明", "业绩考核 100分"]
HEADER_POOL = ["序号", "考核维度", "考核指标", "考核项目", "指标要求", "权重", "标准分", "分值", "评分标准", "计分方式",
               "实际完成", "完成值", "自评", "上级评分", "上级", "二级评分", "复核", "得分", "备注", "负责人", "是否触及"]
RULES = ["", "直接", "分档 ≥95%:40; ≥85%:20; <85%:0", "分档 ≥95%:30; ≥85%:15; <80%:0", "分档 ≤100%:15; >100%:0",
         "达标 ≥100万", "达标", "达标 ≥98%", "比例 目标100%", "比例 目标50万 上限12", "比例 目标0", "扣分 每次0.5",
         "扣分 每次3", "扣分 每次-1", "步进 目标60% 每5% 0.5 上限4", "步进 目标0天 每7天 -0.5 上限20",
         "步进 目标92% 每1% 1 上限20", "步进 目标1 每0 1", "等级 1:5; 2:10; 3:15; 4:20; 5:25",
         "等级 优秀:60; 良好:50; 一般:30; 差:0", "等级 1:1; 1:2", "上限 10", "打分", "分档", "比例 目标abc",
         "分档 ≥95%:40 上限30", "达标 ≥20万 上限5"]
MAXIMA = ["30%", "20%", "50%", "100%", 0.3, 0.2, 0.5, 1, 10, 15, 20, 25, 30, 40, 50, 100, -5, 0, "abc", None, "10分"]
ACTUALS = [None, "", "90%", "96%", "110%", 0.9, 1.05, 0.876, 95, "120万", "-3天", "-120万", "3级", "三级", "5", 2, 0, 1.5,
           "是", "否", "完成", "未完成", "良好", "优秀", "abc", True, datetime(2026, 1, 1), "#N/A", float("nan"), -0.5]
POINTS = [None, 0, 5, 8.5, 10, 20, 29.995, 30, 40, 100, -1, "18分", "abc", True, float("inf")]
TOUCHED = ["是", "否", "", None, "触及", "未触及", "有", "无", "也许", 1]

cell = st.sampled_from


@st.composite
def item_row(draw, headers: list[str]) -> list[object]:
    values = {"序号": draw(st.integers(1, 9)), "考核维度": draw(cell([None, "业绩", "行为", "经营指标 60"])),
              "权重": draw(cell(MAXIMA)), "标准分": draw(cell(MAXIMA)), "分值": draw(cell(MAXIMA)),
              "计分方式": draw(cell(RULES)), "实际完成": draw(cell(ACTUALS)), "完成值": draw(cell(ACTUALS)),
              "自评": draw(cell(POINTS)), "上级评分": draw(cell(POINTS)), "上级": draw(cell(POINTS)),
              "二级评分": draw(cell(POINTS)), "复核": draw(cell(POINTS)), "得分": draw(cell(POINTS)),
              "是否触及": draw(cell(TOUCHED))}
    name = draw(cell(["客户满意度", "回访率", "有效投诉", "", None, "合计", "泄露信息", "收缴率", 42]))
    return [name if h in ("考核指标", "考核项目") else values.get(h, draw(cell(["见要求", None, "x"]))) for h in headers]


@st.composite
def form(draw) -> list[list[object]]:
    rows: list[list[object]] = []
    if draw(st.booleans()):
        rows.append(["2026年第1季度员工绩效考核表"])
    for label in draw(st.lists(cell(LABELS), max_size=5, unique=True)):
        value = draw(cell(LABEL_VALUES))
        rows.append([f"{label}：{value}"] if draw(st.booleans()) else [label, value])
    weight_layout = draw(st.booleans())
    for _ in range(draw(st.integers(1, 3))):
        if draw(st.booleans()):
            rows.append([draw(cell(TITLES))])
        base = ["序号", "考核指标", "权重" if weight_layout else "标准分", "计分方式", "实际完成", "自评", "上级评分"]
        extra = draw(st.lists(cell(HEADER_POOL), max_size=4))
        headers = list(dict.fromkeys(base + extra)) if draw(st.integers(0, 4)) else draw(st.permutations(base))
        rows.append(headers)
        for _ in range(draw(st.integers(0, 6))):
            kind = draw(st.integers(0, 9))
            if kind == 0:
                rows.append([])  # a blank row inside the table
            elif kind == 1:
                rows.append([draw(cell(TITLES)), None, draw(cell([None, 60, 40, "30%"]))])  # a section row
            else:
                rows.append(draw(item_row(headers)))
        if draw(st.booleans()):
            rows.append([draw(cell(["合计", "总分", "加权合计", "签字："])), None, draw(cell([None, 100, "100%", 1, 99]))])
    return rows


@st.composite
def merges(draw, rows: list[list[object]]) -> list[tuple[tuple[int, int], tuple[int, int]]]:
    found = []
    for _ in range(draw(st.integers(0, 3))):
        if not rows:
            break
        r0 = draw(st.integers(0, len(rows) - 1))
        c0 = draw(st.integers(0, 6))
        found.append(((r0, c0), (r0 + draw(st.integers(0, 2)), c0 + draw(st.integers(0, 2)))))
    return found


@st.composite
def workbook(draw) -> RawWorkbook:
    names = draw(st.lists(cell(["张三", "李四", "王五", "基本信息", "民主评议", "Sheet1"]), min_size=1, max_size=3,
                          unique=True))
    grids = {}
    for name in names:
        rows = [[("公司名称" if name == "基本信息" else v) for v in r] for r in draw(form())] if name != "基本信息" \
            else [["公司名称", draw(cell(["江城置业", None, 3]))]]
        grid = Grid(name, [list(r) for r in rows], merged=draw(merges(rows)))
        grids[name] = grid
    return RawWorkbook(Path(f"{names[0]}.xlsx"), names, grids)


def _render(result, source: Path) -> None:
    json.dumps(result.to_json(), ensure_ascii=False, allow_nan=False)
    build_scorecard_sheets(Workbook(), result, [source])
    out = Console(file=io.StringIO(), width=80)
    print_scorecard(result, out)
    for person in result.to_json()["people"]:
        if person["score"] is None:
            continue
        try:
            ex = explain_person(result, person["name"], person["department"])
        except KpiError:
            continue  # two people of one name and department (an error the result already lists)
        assert f"{ex.score:.2f}" == f"{person['score']:.2f}"
        print_person_explain(ex, out)


# No shrinking: every example builds the result sheets, and shrinking one takes minutes; the failing example is
# printed as drawn, which is enough to rebuild it (the forms are small).
@settings(max_examples=25, deadline=None, phases=(Phase.explicit, Phase.reuse, Phase.generate),
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(first=workbook(), second=workbook())
def test_random_forms_raise_only_kpicli_errors(tmp_path_factory, first: RawWorkbook, second: RawWorkbook) -> None:
    source = tmp_path_factory.getbasetemp() / "source.xlsx"
    source.write_bytes(b"stand-in for the input file: only its SHA-256 is read")
    _render(score_workbook(first), source)
    second.path = Path("另一个.xlsx")
    try:
        grouped = score_books([first, second])
    except KpiError:
        return  # different periods, or a checklist header among them: refused with a message
    _render(grouped, source)
