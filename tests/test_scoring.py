"""Scoring, grading, ranking and rewards (contract §4) through kpicli.checklist.assessment.assess, on built workbooks."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pandas as pd
import pytest
from builders import (
    FUNCTION_SHEET_NAMES,
    Item,
    SheetSpec,
    build_checklist,
    function_row,
    item_rows,
    problems_of,
    project_row,
    unit_row,
)

from kpicli.checklist.assessment import assess
from kpicli.rules.model import Rules, Scoring

POINTS_COLUMNS = ("触点编号", "触点名称", "触点等级", "分值")


def rows_for(targets: dict[str, str], groups: list[str] | None = None, prefix: str = "") -> list[Item]:
    """Item rows that give each group exactly the score `targets[group]` (a decimal string, e.g. '59.995').

    Per group: one row worth n points done and one worth d − n points not done, where n/d = score/100;
    the other groups mark those rows 不适用, so every group's score is independent of the others.
    """
    groups = groups or list(targets)
    rows: list[Item] = []
    for group, target in targets.items():
        ratio = Fraction(Decimal(target)) / 100
        n, d = ratio.numerator, ratio.denominator
        others = {g: (None, "不适用") for g in groups if g != group}
        if n:
            rows.append(Item(f"{group}·完成", None, {group: (None, "完成"), **others}, points=n,
                             item_id=f"{prefix}{group}-1"))
        if d - n:
            rows.append(Item(f"{group}·未完成", None, {group: (None, "未完成"), **others}, points=d - n,
                             item_id=f"{prefix}{group}-2"))
    return rows


def projects_workbook(path, targets: dict[str, str], sheet: str = "营销篇"):
    return build_checklist(path, {sheet: SheetSpec(columns=POINTS_COLUMNS, items=rows_for(targets))})


def functions_workbook(path, targets: dict[str, str], group: str = "项目甲"):
    """One sheet per function (keys 营销 … 物业), each with one group scoring the target."""
    sheets = {FUNCTION_SHEET_NAMES[f]: SheetSpec(columns=POINTS_COLUMNS, items=rows_for({group: s}))
              for f, s in targets.items()}
    return build_checklist(path, sheets)


# --- pooling -----------------------------------------------------------------------------------------------------


def test_function_score_is_pooled_over_all_groups_including_the_city_company(tmp_path):
    spec = SheetSpec(items=[
        Item("甲", "一级", {"城市公司": (None, "完成"), "项目甲": (None, "不适用"), "项目乙": (None, "不适用")}),
        Item("乙", "三级", {"城市公司": (None, "不适用"), "项目甲": (None, "未完成"), "项目乙": (None, "不适用")}),
        Item("丙", "二级", {"城市公司": (None, "不适用"), "项目甲": (None, "不适用"), "项目乙": (None, "部分完成")}),
    ])
    a = assess(build_checklist(tmp_path / "f.xlsx", {"营销篇": spec}))
    assert problems_of(a, "error") == []
    # units 100, 0 and 50 (mean 50); pooled (3 + 0 + 1) / (3 + 1 + 2)
    assert [unit_row(a, "营销", g)["score"] for g in ("城市公司", "项目甲", "项目乙")] == [
        Decimal("100.00"), Decimal("0.00"), Decimal("50.00")]
    assert function_row(a, "营销")["score"] == Decimal("66.67")


@pytest.mark.slow  # over 0.2 s of CPU (0.30 s measured)
def test_project_score_is_pooled_over_five_functions_without_the_city_company(tmp_path):
    def sheet(level, value):
        return SheetSpec(items=[
            Item("项目触点", level, {"城市公司": (None, "不适用"), "项目甲": (None, value)}),
            Item("公司触点", "一级", {"城市公司": (None, "未完成"), "项目甲": (None, "不适用")}, points=None),
        ])

    sheets = {"营销篇": sheet("一级", "完成"), "研发篇": sheet("三级", "未完成"), "工程篇": sheet("二级", "部分完成"),
              "客户关系篇": sheet("一级", "不适用"), "物业篇": sheet("一级", "80%")}
    a = assess(build_checklist(tmp_path / "p.xlsx", sheets))
    assert problems_of(a, "error") == []
    # units 100, 0, 50, not assessed, 80 (mean 57.5); pooled (3 + 0 + 1 + 2.4) / (3 + 1 + 2 + 3) = 6.4 / 9
    assert project_row(a, "项目甲")["score"] == Decimal("71.11")
    assert not unit_row(a, "客服", "项目甲")["assessed"]
    assert unit_row(a, "物业", "项目甲")["score"] == Decimal("80.00")
    # 城市公司 is in every function score (its 未完成 lowers them) but in no project
    assert function_row(a, "营销")["score"] == Decimal("50.00")
    assert list(a.projects["project"]) == ["项目甲"]


@pytest.mark.slow  # over 0.2 s of CPU (0.34 s measured)
def test_function_weights_setting_renormalises_over_assessed_functions(tmp_path):
    sheets = {
        "营销篇": SheetSpec(items=[Item("a", "一级", {"项目甲": (None, "完成")})]),
        "工程篇": SheetSpec(items=[Item("b", "三级", {"项目甲": (None, "未完成")})]),
        "物业篇": SheetSpec(items=[Item("c", "一级", {"项目甲": (None, "不适用")})]),
    }
    path = build_checklist(tmp_path / "w.xlsx", sheets)
    rules = Rules(scoring=Scoring(project_aggregation="function_weights",
                                  function_weights={"营销": 3, "工程": 1, "物业": 6}))
    a = assess(path, rules=rules)
    assert project_row(a, "项目甲")["score"] == Decimal("75.00")  # (3·100 + 1·0) / (3 + 1); 物业 not assessed
    assert project_row(assess(path), "项目甲")["score"] == Decimal("75.00")  # pooled: 3 / 4 as well
    equal_weights = Rules(scoring=Scoring(project_aggregation="function_weights"))
    assert project_row(assess(path, rules=equal_weights), "项目甲")["score"] == Decimal("50.00")  # (100 + 0) / 2


# --- rounding at the thresholds ----------------------------------------------------------------------------------


def test_59_995_rounds_to_60_and_gets_no_penalty(tmp_path):
    assert round(59.995, 2) == 59.99  # binary floats would fail this rule
    a = assess(projects_workbook(tmp_path / "r.xlsx", {"项目甲": "59.995", "项目乙": "40"}))
    p = project_row(a, "项目甲")
    assert p["score"] == Decimal("60.00")
    assert (p["grade"], p["reward"]) == ("B-", 0)
    assert project_row(a, "项目乙")["reward"] == Decimal(-3000)
    assert function_row(a, "营销")["score"] == Decimal("59.99")  # (11999 + 2) / (20000 + 5) = 0.5999000…


def test_a_single_fraction_059995_scores_60(tmp_path):
    spec = SheetSpec(items=[Item("唯一触点", "一级", {"项目甲": (None, 0.59995)})])
    a = assess(build_checklist(tmp_path / "f.xlsx", {"营销篇": spec}))
    assert problems_of(a, "error") == []
    for row in (project_row(a, "项目甲"), function_row(a, "营销")):
        assert row["score"] == Decimal("60.00")
        assert row["grade"] == "B-"
        assert row["reward"] == 0
    assert a.to_json()["projects"][0]["score"] == 60.0


def test_89_995_is_graded_a_but_not_rewarded_even_when_first(tmp_path):
    a = assess(projects_workbook(tmp_path / "r.xlsx", {"项目甲": "89.995", "项目乙": "70"}))
    p = project_row(a, "项目甲")
    assert (p["score"], p["grade"], p["rank"], p["reward"]) == (Decimal("90.00"), "A", 1, 0)
    assert project_row(a, "项目乙")["rank"] == 2


def test_exactly_90_first_is_not_rewarded(tmp_path):
    a = assess(functions_workbook(tmp_path / "r.xlsx", {"营销": "90", "工程": "85"}))
    f = function_row(a, "营销")
    assert (f["score"], f["grade"], f["rank"], f["reward"]) == (Decimal("90.00"), "A", 1, 0)


@pytest.mark.slow  # over 0.2 s of CPU (0.24 s measured)
def test_90_005_rounds_to_90_01_and_is_rewarded_when_first(tmp_path):
    a = assess(projects_workbook(tmp_path / "r.xlsx", {"项目甲": "90.005", "项目乙": "95"}))
    assert project_row(a, "项目甲")["score"] == Decimal("90.01")
    assert project_row(a, "项目甲")["reward"] == 0  # second
    a = assess(projects_workbook(tmp_path / "s.xlsx", {"项目甲": "90.005", "项目乙": "70"}))
    p = project_row(a, "项目甲")
    assert (p["score"], p["grade"], p["rank"], p["reward"]) == (Decimal("90.01"), "A", 1, Decimal(3000))


def test_functions_rewarded_the_same_way(tmp_path):
    a = assess(functions_workbook(tmp_path / "r.xlsx", {"营销": "70", "研发": "90.005", "工程": "59.99",
                                                       "客服": "59.995", "物业": "85"}))
    table = a.functions.set_index("function")
    assert list(table.loc[["营销", "研发", "工程", "客服", "物业"], "score"]) == [
        Decimal("70.00"), Decimal("90.01"), Decimal("59.99"), Decimal("60.00"), Decimal("85.00")]
    assert list(table.loc[["营销", "研发", "工程", "客服", "物业"], "rank"]) == [3, 1, 5, 4, 2]
    assert list(table.loc[["营销", "研发", "工程", "客服", "物业"], "reward"]) == [0, 3000, -3000, 0, 0]


# --- ranks and ties ----------------------------------------------------------------------------------------------


def test_ties_on_the_rounded_score_share_rank_one_and_both_are_rewarded(tmp_path):
    # 95.001 and 95.004 differ, but both show as 95.00: what people see is what counts
    targets = {"项目甲": "95.001", "项目乙": "95.004", "项目丙": "80", "项目丁": "80", "项目戊": "79.99"}
    a = assess(projects_workbook(tmp_path / "t.xlsx", targets))
    table = a.projects.set_index("project")
    assert list(table["score"]) == [Decimal("95.00"), Decimal("95.00"), Decimal("80.00"), Decimal("80.00"),
                                    Decimal("79.99")]
    assert list(table["rank"]) == [1, 1, 3, 3, 5]
    assert list(table["reward"]) == [3000, 3000, 0, 0, 0]
    data = a.to_json()["projects"]
    assert [(p["project"], p["rank"], p["reward"]) for p in data] == [
        ("项目甲", 1, 3000), ("项目乙", 1, 3000), ("项目丙", 3, 0), ("项目丁", 3, 0), ("项目戊", 5, 0)]


def test_a_tie_below_the_threshold_is_not_rewarded(tmp_path):
    a = assess(projects_workbook(tmp_path / "t.xlsx", {"项目甲": "88", "项目乙": "88", "项目丙": "50"}))
    assert list(a.projects["rank"]) == [1, 1, 3]
    assert list(a.projects["reward"]) == [0, 0, -3000]


# --- not assessed ------------------------------------------------------------------------------------------------


def test_a_function_with_nothing_applicable_is_not_assessed(tmp_path):
    sheets = {
        "营销篇": SheetSpec(items=[Item("a", "一级", {"项目甲": (None, "完成")})]),
        "研发篇": SheetSpec(items=[Item("b", "一级", {"城市公司": ("不适用", "不适用"), "项目甲": (None, "N/A")}),
                                Item("c", "三级", {"城市公司": (None, "/"), "项目甲": ("完成", "不涉及")})]),
    }
    a = assess(build_checklist(tmp_path / "n.xlsx", sheets))
    assert problems_of(a, "error") == []
    f = function_row(a, "研发")
    assert not f["assessed"]
    assert f["score"] is None and pd.isna(f["grade"]) and pd.isna(f["rank"])
    assert f["reward"] == 0  # no −3000 for a unit not assessed
    assert not unit_row(a, "研发", "项目甲")["assessed"]
    assert function_row(a, "营销")["rank"] == 1
    by_name = {e["function"]: e for e in a.to_json()["functions"]}
    assert by_name["研发"] == {"function": "研发", "assessed": False, "score": None, "grade": None, "rank": None,
                              "reward": 0}
    assert by_name["工程"]["assessed"] is False  # no sheet at all: not assessed either
    assert by_name["营销"] == {"function": "营销", "assessed": True, "score": 100.0, "grade": "A", "rank": 1,
                              "reward": 3000}


def test_a_project_with_nothing_applicable_is_not_assessed(tmp_path):
    spec = SheetSpec(items=[
        Item("a", "一级", {"项目甲": (None, "完成"), "项目乙": ("完成", "不适用")}),
        Item("b", "二级", {"项目甲": (None, "未完成"), "项目乙": (None, "—")}),
    ])
    a = assess(build_checklist(tmp_path / "n.xlsx", {"工程篇": spec, "物业篇": SheetSpec(items=[
        Item("c", "一级", {"项目乙": (None, "无"), "项目甲": (None, "完成")})])}))
    p = project_row(a, "项目乙")
    assert not p["assessed"]
    assert p["score"] is None and pd.isna(p["grade"]) and pd.isna(p["rank"]) and p["reward"] == 0
    assert project_row(a, "项目甲")["rank"] == 1
    entry = next(e for e in a.to_json()["projects"] if e["project"] == "项目乙")
    assert entry == {"project": "项目乙", "assessed": False, "score": None, "grade": None, "rank": None, "reward": 0}
    units = [u for u in a.to_json()["units"] if u["project"] == "项目乙"]
    assert units and all(u["score"] is None and u["grade"] is None and u["assessed"] is False for u in units)
    roles = a.roles[(a.roles["role"] == "项目总监") & (a.roles["unit"] == "项目乙")]
    assert len(roles) == 1 and roles.iloc[0]["score"] is None


# --- which check counts ------------------------------------------------------------------------------------------


def test_self_check_stands_in_when_the_check_is_blank_with_a_warning(tmp_path):
    spec = SheetSpec(items=[
        Item("a", "一级", {"项目甲": ("完成", None)}),
        Item("b", "一级", {"项目甲": ("未完成", "完成")}),
    ])
    a = assess(build_checklist(tmp_path / "s.xlsx", {"营销篇": spec}))
    rows = item_rows(a)
    assert list(rows["counted"]) == ["自查", "检查"]
    assert project_row(a, "项目甲")["score"] == Decimal("100.00")
    warnings = [p for p in problems_of(a, "warning") if p.sheet == "营销篇"]
    assert [(p.cell, "未经城市公司检查" in p.message) for p in warnings] == [("J5", True)]
    assert problems_of(a, "error") == []


def test_self_check_fallback_can_be_switched_off(tmp_path):
    spec = SheetSpec(items=[Item("a", "一级", {"项目甲": ("完成", None)}), Item("b", "一级", {"项目甲": (None, "完成")})])
    a = assess(build_checklist(tmp_path / "s.xlsx", {"营销篇": spec}),
               rules=Rules(scoring=Scoring(self_check_fallback=False)))
    assert project_row(a, "项目甲")["score"] == Decimal("50.00")


def test_both_blank_counts_as_not_done_with_a_warning(tmp_path):
    spec = SheetSpec(items=[
        Item("a", "一级", {"项目甲": (None, None), "项目乙": (None, "完成")}),
        Item("b", "一级", {"项目甲": (None, "完成"), "项目乙": (None, "完成")}),
    ])
    a = assess(build_checklist(tmp_path / "b.xlsx", {"营销篇": spec}))
    row = item_rows(a, group="项目甲").iloc[0]
    assert (row["counted"], row["value"], row["credit"]) == ("空", "未完成", Decimal(0))
    assert project_row(a, "项目甲")["score"] == Decimal("50.00")
    warnings = [p for p in problems_of(a, "warning") if p.sheet == "营销篇"]
    assert [(p.cell, "未填写" in p.message) for p in warnings] == [("J5", True)]


def test_blank_can_be_made_an_error_by_the_rules(tmp_path):
    spec = SheetSpec(items=[Item("a", "一级", {"项目甲": (None, None)}), Item("b", "一级", {"项目甲": (None, "完成")})])
    a = assess(build_checklist(tmp_path / "b.xlsx", {"营销篇": spec}), rules=Rules(scoring=Scoring(blank="error")))
    assert [(p.sheet, p.cell) for p in problems_of(a, "error")] == [("营销篇", "J5")]


def test_self_check_deviation_is_listed_and_not_scored(tmp_path):
    spec = SheetSpec(items=[
        Item("a", "一级", {"项目甲": ("完成", "未完成")}, item_id="A1"),  # deviation
        Item("b", "一级", {"项目甲": ("部分完成", "×")}, item_id="A2"),  # deviation
        Item("c", "一级", {"项目甲": ("90%", 0.5)}, item_id="A3"),  # deviation
        Item("d", "一级", {"项目甲": ("未完成", "完成")}, item_id="A4"),  # claims less: fine
        Item("e", "一级", {"项目甲": ("不适用", "完成")}, item_id="A5"),  # not comparable
        Item("f", "一级", {"项目甲": ("完成", "完成")}, item_id="A6"),
        Item("g", "一级", {"项目甲": ("完成", None)}, item_id="A7"),  # no check: fallback, not a deviation
    ])
    a = assess(build_checklist(tmp_path / "d.xlsx", {"营销篇": spec}))
    dev = a.deviations
    assert list(dev["item_id"]) == ["A1", "A2", "A3"]
    assert list(dev["self_cell"]) == ["I5", "I6", "I7"]
    assert list(dev["check_cell"]) == ["J5", "J6", "J7"]
    assert set(dev["sheet"]) == {"营销篇"} and set(dev["group"]) == {"项目甲"}
    # scored on the checks: 0 + 0 + 0.5 + 1 + 1 + 1 + 1 (fallback) = 4.5 of 7
    assert project_row(a, "项目甲")["score"] == Decimal("64.29")
    assert not [p for p in problems_of(a) if p.level == "error"]


# --- grades, penalties, reward method --------------------------------------------------------------------------

BANDS = [("100", "A", 3000), ("90", "A", 0), ("89.99", "B+", 0), ("80", "B+", 0), ("79.99", "B", 0),
         ("70", "B", 0), ("69.99", "B-", 0), ("60", "B-", 0), ("59.995", "B-", 0), ("59.99", "C", -3000),
         ("59.994", "C", -3000), ("0", "C", -3000)]


def test_grades_at_every_band_edge(tmp_path):
    targets = {f"P{i:02d}": score for i, (score, _, _) in enumerate(BANDS)}
    a = assess(projects_workbook(tmp_path / "g.xlsx", targets))
    assert problems_of(a, "error") == []
    got = [(str(r.score), r.grade, int(r.reward)) for r in a.projects.itertuples()]
    expected = [(str(Decimal(s).quantize(Decimal("0.01"), "ROUND_HALF_UP")), g, m) for s, g, m in BANDS]
    assert got == expected
    assert list(a.projects["rank"]) == [1, 2, 3, 4, 5, 6, 7, 8, 8, 10, 10, 12]


@pytest.mark.slow  # over 0.2 s of CPU (0.25 s measured)
def test_penalty_applies_to_functions_below_60_and_property_is_settled_as_service_fee(tmp_path):
    a = assess(functions_workbook(tmp_path / "m.xlsx", {"营销": "50", "物业": "40", "工程": "95"}))
    table = a.functions.set_index("function")
    assert table.loc["营销", "reward"] == -3000 and table.loc["物业", "reward"] == -3000
    assert table.loc["工程", "reward"] == 3000
    assert list(table["method"]) == ["团队奖金", "团队奖金", "团队奖金", "团队奖金", "服务费调整"]
    assert set(a.projects["method"]) == {"团队奖金"}
    b = assess(functions_workbook(tmp_path / "n.xlsx", {"物业": "92", "营销": "91"}))
    wy = function_row(b, "物业")
    assert (wy["rank"], wy["reward"], wy["method"]) == (1, 3000, "服务费调整")
    assert function_row(b, "营销")["reward"] == 0


def test_first_place_below_60_is_penalised_not_rewarded(tmp_path):
    a = assess(projects_workbook(tmp_path / "m.xlsx", {"项目甲": "55", "项目乙": "30"}))
    assert list(a.projects["rank"]) == [1, 2]
    assert list(a.projects["reward"]) == [-3000, -3000]


# --- roles -------------------------------------------------------------------------------------------------------


def test_role_scores(tmp_path):
    sheets = {
        "营销篇": SheetSpec(items=[
            Item("a", "一级", {"城市公司": (None, "完成"), "项目甲": (None, "完成"), "项目乙": (None, "未完成")}),
            Item("b", "三级", {"城市公司": (None, "未完成"), "项目甲": (None, "未完成"), "项目乙": (None, "完成")}),
        ]),
        "工程篇": SheetSpec(items=[Item("c", "二级", {"项目甲": (None, "部分完成"), "项目乙": (None, "完成")})]),
    }
    roster = [("城市公司", "营销", "张三"), ("项目甲", "项目总监", "李四"), ("项目甲", "营销", "王五"),
              ("项目甲", "工程", "赵六"), ("城市公司", "工程", "钱七"), ("项目乙", "总监", "孙八")]
    a = assess(build_checklist(tmp_path / "r.xlsx", sheets, roster=roster))
    roles = a.roles

    def role(kind, unit, function=None):
        hit = roles[(roles["role"] == kind) & (roles["unit"] == unit)]
        if function is not None:
            hit = hit[hit["function"] == function]
        assert len(hit) == 1
        return hit.iloc[0]

    head = role("职能负责人", "城市公司", "营销")
    assert (head["score"], head["names"]) == (function_row(a, "营销")["score"], "张三")
    assert head["score"] == Decimal("58.33")  # (3 + 0 + 3 + 0 + 0 + 1) / 12
    director = role("项目总监", "项目甲")
    assert (director["score"], director["names"]) == (project_row(a, "项目甲")["score"], "李四")
    assert director["score"] == Decimal("66.67")  # (3 + 0 + 1) / (3 + 1 + 2)
    assert role("项目总监", "项目乙")["names"] == "孙八"
    manager = role("职能经理", "项目甲", "营销")
    assert (manager["score"], manager["names"]) == (unit_row(a, "营销", "项目甲")["score"], "王五")
    assert manager["score"] == Decimal("75.00")
    assert role("职能经理", "项目甲", "工程")["score"] == Decimal("50.00")
    assert role("职能负责人", "城市公司", "工程")["names"] == "钱七"
    assert not role("职能负责人", "城市公司", "物业")["assessed"]


# --- exactness ---------------------------------------------------------------------------------------------------


def test_three_tenths_do_not_drift(tmp_path):
    assert 0.1 + 0.1 + 0.1 != 0.3
    spec = SheetSpec(items=[Item(n, "三级", {"项目甲": (None, 0.1)}) for n in "abc"])
    a = assess(build_checklist(tmp_path / "e.xlsx", {"营销篇": spec}))
    score = project_row(a, "项目甲")["score"]
    assert isinstance(score, Decimal) and score == Decimal("10.00") and score.as_tuple().exponent == -2
    assert unit_row(a, "营销", "项目甲")["ratio"] == Fraction(1, 10)
    assert list(item_rows(a)["credit"]) == [Decimal("0.1")] * 3


def test_half_cents_round_up_exactly(tmp_path):
    # credits 0.1 + 0.1 + 0.1 + 0.1002 over 4 = 0.10005 → 10.005 → 10.01; 0.12345 → 12.345 → 12.35
    spec = SheetSpec(items=[
        *[Item(f"a{i}", "三级", {"项目甲": (None, 0.1), "项目乙": (None, "不适用")}) for i in range(3)],
        Item("a3", "三级", {"项目甲": (None, "10.02%"), "项目乙": (None, "不适用")}),
        Item("b", "三级", {"项目甲": (None, "不适用"), "项目乙": (None, 0.12345)}),
    ])
    a = assess(build_checklist(tmp_path / "e.xlsx", {"营销篇": spec}))
    assert problems_of(a, "error") == []
    assert project_row(a, "项目甲")["score"] == Decimal("10.01")
    assert project_row(a, "项目乙")["score"] == Decimal("12.35")
    assert function_row(a, "营销")["score"] == Decimal("10.47")  # (0.4002 + 0.12345) / 5 = 0.10473
    assert [p["score"] for p in a.to_json()["projects"]] == [10.01, 12.35]


def test_decimal_weights_from_points_stay_exact(tmp_path):
    spec = SheetSpec(columns=POINTS_COLUMNS, items=[
        Item("a", None, {"项目甲": (None, "完成")}, points=0.1),
        Item("b", None, {"项目甲": (None, "完成")}, points=0.2),
        Item("c", None, {"项目甲": (None, "未完成")}, points=0.3),
        Item("d", None, {"项目甲": (None, "完成")}, points=0.4),
        Item("e", None, {"项目甲": (None, "未完成")}, points=1999.0),
    ])
    a = assess(build_checklist(tmp_path / "w.xlsx", {"营销篇": spec}))
    # (0.1 + 0.2 + 0.4) / 2000 = 0.00035 → 0.035 → 0.04
    assert project_row(a, "项目甲")["score"] == Decimal("0.04")
    assert unit_row(a, "营销", "项目甲")["ratio"] == Fraction(7, 20000)


@pytest.mark.slow  # over 0.2 s of CPU (0.23 s measured)
def test_partial_credit_setting(tmp_path):
    spec = SheetSpec(items=[Item("a", "一级", {"项目甲": (None, "部分完成")}), Item("b", "一级", {"项目甲": (None, "完成")})])
    path = build_checklist(tmp_path / "p.xlsx", {"营销篇": spec})
    assert project_row(assess(path), "项目甲")["score"] == Decimal("75.00")
    rules = Rules(scoring=Scoring(partial_credit=0.3))
    assert project_row(assess(path, rules=rules), "项目甲")["score"] == Decimal("65.00")


def test_level_weights_setting(tmp_path):
    spec = SheetSpec(items=[Item("a", "一级", {"项目甲": (None, "完成")}), Item("b", "三级", {"项目甲": (None, "未完成")})])
    path = build_checklist(tmp_path / "l.xlsx", {"营销篇": spec})
    assert project_row(assess(path), "项目甲")["score"] == Decimal("75.00")
    rules = Rules(scoring=Scoring(level_weights={"一级": 5, "三级": 0.5}))
    assert project_row(assess(path, rules=rules), "项目甲")["score"] == Decimal("90.91")  # 5 / 5.5
