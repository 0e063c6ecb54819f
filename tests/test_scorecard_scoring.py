"""Scorecard workbooks end to end (contract scorecard.md §2–§5): built with openpyxl, read through
kpicli.io.workbook.read_workbook, scored by kpicli.scorecard.score_workbook."""

from __future__ import annotations

import dataclasses
import json
from decimal import Decimal
from fractions import Fraction as F
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scorecard_builders import Ind, Part, build_scorecard, points_card, weighted_card

from kpicli import api
from kpicli.core.errors import DataError
from kpicli.io.workbook import Grid, RawWorkbook, read_workbook
from kpicli.scorecard import ScorecardResult, ScorecardSettings, score_workbook

EXAMPLE = Path("/work/shared/docs/scorecard-example.xlsx")


def run(tmp_path: Path, sheets: dict, settings: ScorecardSettings | None = None, **extra: object) -> ScorecardResult:
    path = build_scorecard(tmp_path / "book.xlsx", sheets, **extra)
    raw = read_workbook(path)
    return score_workbook(raw) if settings is None else score_workbook(raw, settings)


def person(result: ScorecardResult, name: str) -> dict:
    return next(p for p in result.to_json()["people"] if p["name"] == name)


def messages(result: ScorecardResult, level: str | None = None) -> list[str]:
    return [f"{p.sheet}!{p.cell}:{p.message}" for p in result.problems if level is None or p.level == level]


def has(result: ScorecardResult, level: str, needle: str, cell: str | None = None) -> bool:
    return any(p.level == level and needle in p.message and (cell is None or p.cell == cell) for p in result.problems)


def item(result: ScorecardResult, sheet: str, indicator: str) -> dict:
    frame = result.indicators
    return frame[(frame["sheet"] == sheet) & (frame["indicator"] == indicator)].iloc[0].to_dict()


# ---------------------------------------------------------------- the example workbook

@pytest.mark.skipif(not EXAMPLE.exists(), reason="scorecard-example.xlsx not present")
def test_example_workbook() -> None:
    result = score_workbook(read_workbook(EXAMPLE))
    assert not result.has_errors, messages(result)
    data = result.to_json()
    assert data["kind"] == "scorecard" and data["period"] == "2026年第1季度"
    a, b = data["people"]
    assert (a["score"], a["grade"], a["coefficient"], a["bonus"]) == (69.6, "B-", 0.5, 2500.0)
    assert [(s["section"], s["weight"], s["score"]) for s in a["sections"]] == [("业绩考核", 80, 74.5), ("行为考核", 20, 50.0)]
    assert (b["score"], b["grade"], b["coefficient"], b["bonus"]) == (92.2, "A", 1.0, 5000.0)
    assert [(s["section"], s["weight"], s["score"]) for s in b["sections"]] == [
        ("经营指标", None, 61.0), ("业务管理指标", None, 24.2), ("综合管理指标", None, 7.0)]
    people = result.people.set_index("sheet")
    assert people.at["示例甲", "score"] == Decimal("69.60") and people.at["示例乙", "score"] == Decimal("92.20")
    assert (a["rank"], b["rank"]) == (2, 1) and a["red_lines"] == [] and a["base"] == 5000
    assert has(result, "warning", "上级评分 18 与按计分方式算出的 17.5 不同", "H9")
    assert has(result, "warning", "未经上级评分，采用自评", "H17")


# ---------------------------------------------------------------- both layouts

def test_weighted_layout_totals(tmp_path: Path) -> None:
    result = run(tmp_path, {"张三": weighted_card()})
    assert not result.has_errors, messages(result)
    p = person(result, "张三")
    assert (p["score"], p["grade"], p["coefficient"], p["bonus"]) == (92.8, "A", 1.0, 5000.0)
    assert [(s["section"], s["weight"], s["score"]) for s in p["sections"]] == [("业绩考核", 80, 96.0), ("行为考核", 20, 80.0)]
    frame = result.indicators
    for column in ("sheet", "person", "department", "position", "section", "section_weight", "indicator", "max_points",
                   "cap", "rule_text", "actual_raw", "self_raw", "reviewer1_raw", "reviewer2_raw", "actual_cell",
                   "reviewer1_cell", "computed", "score", "basis"):
        assert column in frame.columns
    assert item(result, "张三", "满意度")["actual_cell"] == "F6" and item(result, "张三", "满意度")["max_points"] == 40


def test_points_layout_totals(tmp_path: Path) -> None:
    result = run(tmp_path, {"李四": points_card()})
    assert not result.has_errors, messages(result)
    p = person(result, "李四")
    assert (p["score"], p["grade"], p["coefficient"], p["bonus"]) == (84.0, "B+", 0.8, 6400.0)
    assert [(s["section"], s["weight"], s["score"]) for s in p["sections"]] == [("经营指标", None, 48.0), ("管理指标", None, 36.0)]
    assert item(result, "李四", "回款")["cap"] == 40


@pytest.mark.parametrize(("weights", "ok"), [(("40%", "60%"), True), ((0.4, 0.6), True), ((40, 60), True),
                                              ((40, 50), False), (("40%", 60), False)])
def test_weight_spellings(tmp_path: Path, weights: tuple, ok: bool) -> None:
    card = weighted_card(sections=[Part("一、业绩考核(100%)", [Ind("甲", weights[0], None, None, reviewer1=30),
                                                              Ind("乙", weights[1], None, None, reviewer1=50)])])
    result = run(tmp_path, {"张三": card})
    assert result.has_errors is not ok, messages(result)
    if ok:
        assert person(result, "张三")["score"] == 80.0
    elif weights == (40, 50):
        assert has(result, "error", "各项权重之和为 90%，应为 100%")
    else:  # the one cell written differently from the others is named
        assert [(p.cell, p.level) for p in result.problems if "以文字输入的百分数" in p.message] == [("C6", "error")]


def test_unweighted_sum_must_be_100(tmp_path: Path) -> None:
    card = points_card(sections=[Part("经营指标", [Ind("甲", 30, None, None, reviewer1=20), Ind("乙", 60, None, None,
                                                                                                reviewer1=50)])])
    result = run(tmp_path, {"李四": card})
    assert has(result, "error", "各项标准分之和为 90 分，应为 100")
    assert person(result, "李四")["score"] is None


def test_section_weights_must_sum_to_100(tmp_path: Path) -> None:
    card = weighted_card()
    card.sections[1].title = "二、行为考核(30%)"
    result = run(tmp_path, {"张三": card})
    assert has(result, "error", "各部分权重之和为 110%")


def test_section_item_weights_must_sum_to_100(tmp_path: Path) -> None:
    card = weighted_card()
    card.sections[0].items[1].max = "50%"
    result = run(tmp_path, {"张三": card})
    assert has(result, "error", "「业绩考核」各项权重之和为 90%")


def test_mixed_weighted_and_unweighted_sections(tmp_path: Path) -> None:
    card = weighted_card()
    card.sections[1].title = "二、行为考核"
    result = run(tmp_path, {"张三": card})
    assert has(result, "error", "有的部分写了权重")


def test_points_with_section_weights(tmp_path: Path) -> None:
    card = points_card(layout="weighted", headers=("序号", "考核指标", "标准分", "计分方式", "实际完成", "上级评分"),
                       sections=[Part("一、经营(60%)", [Ind("甲", 20, reviewer1=10), Ind("乙", 30, reviewer1=30)]),
                                 Part("二、管理(40%)", [Ind("丙", 10, reviewer1=5)])])
    result = run(tmp_path, {"李四": card})
    assert not result.has_errors, messages(result)
    assert person(result, "李四")["score"] == 68.0  # 0.6 × 80 + 0.4 × 50


def test_subtotal_differs_is_a_warning(tmp_path: Path) -> None:
    card = points_card()
    card.sections[0].title = "一、经营指标 50"
    result = run(tmp_path, {"李四": card})
    assert has(result, "warning", "标的小计 50 分与各项标准分之和 60 分不同")


def test_dimension_column_names_sections(tmp_path: Path) -> None:
    headers = ("序号", "考核维度", "考核指标", "标准分", "计分方式", "实际完成", "上级评分")
    card = points_card(headers=headers, sections=[Part(None, [
        Ind("甲", 60, reviewer1=50, dimension="经营指标"), Ind("乙", 40, reviewer1=30, dimension="管理指标")])])
    result = run(tmp_path, {"李四": card})
    assert not result.has_errors, messages(result)
    assert [s["section"] for s in person(result, "李四")["sections"]] == ["经营指标", "管理指标"]


# ---------------------------------------------------------------- which score counts

def one_item(tmp_path: Path, settings: ScorecardSettings | None = None, **values: object) -> ScorecardResult:
    card = points_card(sections=[Part("一、经营", [Ind("甲", 100, **values)])])
    return run(tmp_path, {"李四": card}, settings)


def test_second_reviewer_wins(tmp_path: Path) -> None:
    result = one_item(tmp_path, rule="比例 目标100%", actual="90%", self=95, reviewer1=80, reviewer2=85)
    assert item(result, "李四", "甲")["basis"] == "二级评分" and person(result, "李四")["score"] == 85.0
    assert has(result, "info", "上级评分 80 与二级评分 85 不同")
    assert has(result, "warning", "二级评分 85 与按计分方式算出的 90 不同", "J6")


def test_reviewer_then_computed_then_self_then_zero(tmp_path: Path) -> None:
    assert person(one_item(tmp_path, rule="比例 目标100%", actual="90%", self=95, reviewer1=80), "李四")["score"] == 80
    result = one_item(tmp_path, rule="比例 目标100%", actual="90%", self=95)
    assert person(result, "李四")["score"] == 90 and not messages(result, "warning")
    result = one_item(tmp_path, rule="比例 目标100%", self=95)
    assert person(result, "李四")["score"] == 95 and has(result, "warning", "未经上级评分，采用自评", "H6")
    result = one_item(tmp_path, rule="比例 目标100%", actual="90%", reviewer1=90)
    assert not messages(result, "warning")  # equal: no warning


def test_unscored_row_is_zero_with_warning(tmp_path: Path) -> None:
    card = points_card(sections=[Part("经营", [Ind("甲", 50, reviewer1=40), Ind("乙", 50)])])
    result = run(tmp_path, {"李四": card})
    assert person(result, "李四")["score"] == 40 and has(result, "warning", "未评分")


def test_weighted_reviewers(tmp_path: Path) -> None:
    setting = ScorecardSettings(reviewer_weights={"self": 10, "reviewer1": 90})
    assert person(one_item(tmp_path, setting, self=100, reviewer1=80), "李四")["score"] == 82.0
    # renormalised over those who filled the row
    setting = ScorecardSettings(reviewer_weights={"reviewer1": 80, "reviewer2": 20})
    assert person(one_item(tmp_path, setting, reviewer2=70), "李四")["score"] == 70.0
    assert person(one_item(tmp_path, setting, reviewer1=60, reviewer2=70), "李四")["score"] == 62.0


@pytest.mark.parametrize(("values", "cell", "needle"), [
    ({"reviewer1": 120}, "I6", "超出本项分数范围 0–100"), ({"self": -1}, "H6", "超出本项分数范围"),
    ({"reviewer2": "好"}, "J6", "不是数字"), ({"rule": "分档 ≥95%:40; <80%:0", "actual": "90%"}, "F6", "没有对应分档"),
    ({"rule": "比例 目标100%", "actual": 90}, "G6", "请写成 90%"), ({"rule": "扣分 每次1", "actual": "1.5"}, "G6", "次数"),
    ({"rule": "评分", "reviewer1": 1}, "F6", "无法识别"), ({"rule": "等级 1:50; 2:120", "actual": 1}, "F6", "超过本项满分"),
])
def test_item_errors_name_the_cell(tmp_path: Path, values: dict, cell: str, needle: str) -> None:
    result = one_item(tmp_path, **values)
    assert has(result, "error", needle, cell), messages(result)


def test_typed_score_differs_is_info(tmp_path: Path) -> None:
    card = weighted_card()
    card.sections[0].items[0].typed = 30
    result = run(tmp_path, {"张三": card})
    assert has(result, "info", "表中填的得分 30 与 kpicli 算出的 36 不同", "J6")


def test_empty_form_is_an_error(tmp_path: Path) -> None:
    card = points_card(sections=[Part("经营", [Ind("甲", 50, "比例 目标100%"), Ind("乙", 50)])])
    result = run(tmp_path, {"李四": card})
    assert has(result, "error", "整张表没有任何评分") and person(result, "李四")["score"] is None


# ---------------------------------------------------------------- red lines, grades, ranks

@pytest.mark.parametrize(("mode", "score", "grade", "k", "bonus"), [
    ("lowest", 92.8, "C", 0.0, 0.0), ("zero", 0.0, "C", 0.0, 0.0), ("flag", 92.8, "A", 1.0, 5000.0)])
def test_red_line_modes(tmp_path: Path, mode: str, score: float, grade: str, k: float, bonus: float) -> None:
    card = weighted_card()
    card.sections[2].items[1].touched = "是"
    result = run(tmp_path, {"张三": card}, ScorecardSettings(red_line=mode))  # type: ignore[arg-type]
    p = person(result, "张三")
    assert (p["score"], p["grade"], p["coefficient"], p["bonus"], p["red_lines"]) == (score, grade, k, bonus, ["收受回扣"])
    assert [s["section"] for s in p["sections"]] == ["业绩考核", "行为考核"]


def test_red_line_bad_value(tmp_path: Path) -> None:
    card = weighted_card()
    card.sections[2].items[0].touched = "可能"
    assert has(run(tmp_path, {"张三": card}), "error", "「可能」无法识别")


def test_ranks_overall_and_by_department(tmp_path: Path) -> None:
    sheets = {"甲": points_card("甲", "一部"), "乙": points_card("乙", "二部"), "丙": weighted_card("丙", "一部"),
              "丁": weighted_card("丁", None)}
    result = run(tmp_path, sheets)
    assert not result.has_errors, messages(result)
    ranks = {p["name"]: (p["rank"], p["department_rank"]) for p in result.to_json()["people"]}
    assert ranks == {"丙": (1, 1), "丁": (1, None), "甲": (3, 2), "乙": (3, 1)}


def test_no_base_gives_null_bonus(tmp_path: Path) -> None:
    card = points_card()
    card.person = {k: v for k, v in card.person.items() if k != "绩效奖金基数"}
    p = person(run(tmp_path, {"李四": card}), "李四")
    assert p["base"] is None and p["bonus"] is None and p["coefficient"] == 0.8


def test_pay_is_half_up(tmp_path: Path) -> None:
    card = points_card()
    card.person = {**card.person, "绩效奖金基数": 1234.565}  # × 0.8 = 987.652
    assert person(run(tmp_path, {"李四": card}), "李四")["bonus"] == 987.65
    card.person = {**card.person, "绩效奖金基数": 0.00625}  # × 0.8 = 0.005 → 0.01
    assert person(run(tmp_path, {"李四": card}), "李四")["bonus"] == 0.01


def test_total_rounded_half_up_at_the_end(tmp_path: Path) -> None:
    card = points_card(sections=[Part("经营", [Ind("甲", 100, reviewer1=80.005)])])
    result = run(tmp_path, {"李四": card})
    assert result.people.iloc[0]["score"] == Decimal("80.01") and result.people.iloc[0]["total"] == F("80.005")


# ---------------------------------------------------------------- the person block and the workbook

def test_inline_person_block_and_no_name_is_an_error(tmp_path: Path) -> None:
    card = weighted_card(person_style="inline")
    card.person = {"部门": "客服部", "考核周期": "2026Q1"}
    result = run(tmp_path, {"王五": card})
    assert result.period == "2026年第1季度"
    assert has(result, "error", "表头区没有填写姓名") and result.has_errors  # never the sheet name as a person


def test_label_followed_by_label_is_empty(tmp_path: Path) -> None:
    card = dataclasses.replace(points_card(), person={"姓名": "李四", "部门": "岗位", "考核期间": "2026年3月"})
    p = person(run(tmp_path, {"李四": card}), "李四")
    assert p["department"] is None and p["position"] is None


def test_duplicate_person_and_periods(tmp_path: Path) -> None:
    other = points_card("李四")
    other.person = {**other.person, "考核期间": "2026年第2季度"}
    result = run(tmp_path, {"李四": points_card("李四"), "李四(2)": other})
    assert has(result, "error", "已在工作表「李四」出现") and has(result, "error", "各表的考核期间不同")


def test_bad_period(tmp_path: Path) -> None:
    card = points_card()
    card.person = {**card.person, "考核期间": "三月"}
    assert has(run(tmp_path, {"李四": card}), "error", "考核期间「三月」无法识别")


def test_workbook_kinds(tmp_path: Path) -> None:
    checklist = [["序号", "触点名称", "触点等级"], [1, "接待", "一级"]]
    mixed = build_scorecard(tmp_path / "混合.xlsx", {"李四": points_card()}, extra={"营销篇": checklist})
    with pytest.raises(DataError, match="同时含有触点检查表（营销篇）和绩效考核表（李四）"):  # the registry refuses it
        api.check(mixed)
    review = [["姓名", "得分"], ["李四", 90]]
    result = run(tmp_path, {"李四": points_card()}, extra={"民主评议": review, "基本信息": [["公司名称", "测试公司"]]})
    assert not result.has_errors and has(result, "info", "民主评议") and result.to_json()["company"] == "测试公司"
    assert has(run(tmp_path, {"说明": [["随便写写"]]}), "error", "没有找到绩效考核表")


def test_extra_columns_and_typed_total(tmp_path: Path) -> None:
    headers = ("序号", "考核指标", "标准分", "计分方式", "实际完成", "上级评分", "负责人")
    card = points_card(headers=headers, total_value=90,
                       sections=[Part("经营", [Ind("甲", 100, reviewer1=80)])])
    result = run(tmp_path, {"李四": card})
    assert not result.has_errors
    assert has(result, "info", "「负责人」列不是绩效考核表的已知列") and has(result, "info", "合计行填的 90")


def test_section_title_rows_and_table_end(tmp_path: Path) -> None:
    rows = [
        ["员工绩效考核表"],
        ["姓名", "赵六", "部门", "客服部", "考核期间", "2026年度"],
        [],
        ["一、业绩考核（70%）"],
        [],
        ["序号", "考核项目", "权重(%)", "计分方式", "实际完成", "上级评分"],
        [1, "甲", 0.5, "达标 ≥100万", "120万", None],
        [None, None, None, None, None, None],
        [2, "乙", 0.5, None, None, 40],
        ["合计", None, 1],
        ["二、行为考核 30%"],
        ["序号", "考核项目", "权重(%)", "计分方式", "实际完成", "上级评分"],
        [1, "丙", 1, "等级 优秀:100; 良好:80; 一般:60", "良好", None],
        ["被考核人签字：", None, None, "日期"],
        ["以下为备注", None, "不读"],
    ]
    result = run(tmp_path, {"赵六": rows})
    assert not result.has_errors, messages(result)
    p = person(result, "赵六")
    assert [(s["section"], s["weight"], s["score"]) for s in p["sections"]] == [("业绩考核", 70, 90.0), ("行为考核", 30, 80.0)]
    assert p["score"] == 87.0 and result.period == "2026年度"


def test_row_without_indicator_but_scores(tmp_path: Path) -> None:
    rows = [["姓名", "赵六"], ["序号", "考核指标", "标准分", "上级评分"], [1, "甲", 100, 90], [2, None, None, 5]]
    assert has(run(tmp_path, {"赵六": rows}), "error", "没有考核指标", "B4")


# ---------------------------------------------------------------- property: any grid, only problems

CELL = st.one_of(st.none(), st.sampled_from(["考核指标", "权重", "标准分", "计分方式", "实际完成", "自评", "上级评分",
                                              "二级评分", "得分", "合计", "姓名", "姓名：甲", "部门", "考核期间",
                                              "2026年3月", "一、业绩(80%)", "经营 60", "电网", "是否触及", "是", "30%",
                                              "分档 ≥95%:40; <95%:0", "比例 目标100%", "步进 目标0 每1 1", "90%",
                                              "3级", "考核维度", "绩效奖金基数", "触点名称", "民主评议"]),
                 st.integers(-5, 120), st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=4),
                 st.booleans())
GRID = st.lists(st.lists(CELL, max_size=7), max_size=12)


@pytest.mark.slow
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(st.sampled_from(["甲", "乙", "民主评议", "基本信息"]), GRID, max_size=3))
def test_any_grid_gives_a_result(grids: dict) -> None:
    raw = RawWorkbook(Path("x.xlsx"), list(grids), {n: Grid(n, [list(r) for r in rows]) for n, rows in grids.items()})
    result = score_workbook(raw)
    data = result.to_json()
    json.dumps(data, ensure_ascii=False, allow_nan=False)
    assert all(p["level"] in ("error", "warning", "info") for p in data["problems"])
