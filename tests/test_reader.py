"""Reading checklist workbooks: every layout variation of contract §3, on workbooks built here."""

from __future__ import annotations

from decimal import Decimal

import pytest
from builders import (
    GROUPS,
    Blank,
    Item,
    SheetSpec,
    StageLabel,
    Summary,
    assert_handled,
    build_checklist,
    cell_of,
    example_sheet,
    function_row,
    item_rows,
    layout_of,
    problems_of,
    project_row,
    rank_json,
    run,
    unit_row,
)

from kpicli.checklist.assessment import assess
from kpicli.checklist.reader import read_checklist
from kpicli.core.errors import InputError


def scores(a) -> dict:
    """What a layout variation must not change: every score, grade, rank and reward."""
    data = a.to_json()
    data.pop("problems")
    return data


@pytest.fixture
def example(tmp_path):
    return build_checklist(tmp_path / "example.xlsx", {"营销篇": example_sheet()})


@pytest.fixture(scope="module")
def baseline(tmp_path_factory):
    """Scores of the clean example, which every layout variation must reproduce."""
    path = build_checklist(tmp_path_factory.mktemp("baseline") / "example.xlsx", {"营销篇": example_sheet()})
    return scores(assess(path))


def build_variant(tmp_path, name="v.xlsx", **spec_changes):
    spec = example_sheet()
    for key, value in spec_changes.items():
        setattr(spec, key, value)
    return build_checklist(tmp_path / name, {"营销篇": spec})


# --- the clean example -------------------------------------------------------------------------------------------


def test_example_layout_is_read_completely(example):
    a = assess(example)
    assert problems_of(a, "error") == []
    assert a.checklist.function_sheets == {"营销": "营销篇"}
    assert a.checklist.projects == ["示例项目甲", "示例项目乙"]
    items = item_rows(a)
    assert len(items) == 12  # 4 items × (城市公司 + 2 projects)
    first = items[items["group"] == "示例项目乙"].iloc[0]
    assert (first["item_id"], first["stage"], first["name"], first["level"]) == ("YX-01", "售前", "阳光销售宣言讲解", "一级")
    assert (first["self_cell"], first["check_cell"]) == ("O5", "P5")
    assert function_row(a, "营销")["score"] == Decimal("75.00")  # (4 + 8 + 3) / (4 + 8 + 8)
    assert project_row(a, "示例项目甲")["score"] == Decimal("100.00")
    assert project_row(a, "示例项目乙")["score"] == Decimal("37.50")  # (0 + 1 + 2 + 0) / 8
    assert (a.company, a.year, a.quarter) == ("测试公司", 2026, 1)


# --- header ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("header_row", [1, 2, 6, 15])
def test_header_found_below_a_title_within_15_rows(tmp_path, baseline, header_row):
    path = build_variant(tmp_path, header_row=header_row, title="标题" if header_row > 1 else None)
    a = assess(path)
    assert problems_of(a, "error") == []
    assert scores(a) == baseline


def test_header_beyond_row_15_is_an_error(tmp_path):
    path = build_variant(tmp_path, header_row=16, title="很长的说明")
    a = assess(path)
    errors = problems_of(a, "error")
    assert len(errors) == 1
    assert errors[0].sheet == "营销篇"
    assert "触点名称" in errors[0].message
    assert len(a.checklist.items) == 0
    assert not function_row(a, "营销")["assessed"]


def test_a_sheet_without_a_level_column_is_an_error(tmp_path):
    path = build_variant(tmp_path, columns=("序号", "触点名称", "标准动作"))
    errors = problems_of(assess(path), "error")
    assert any("触点等级" in p.message and p.sheet == "营销篇" for p in errors)


# --- item columns ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "columns",
    [
        ("触点名称", "触点等级", "触点编号", "客户阶段", "序号"),
        ("触点编号", "触点名称", GROUPS, "触点等级", "客户阶段"),
        ("客户阶段", GROUPS, "触点等级", "序号", "触点名称", "触点编号", "检查方式"),
        ("序号", "触点编号", "阶段", "触点名称", "等级"),
        ("编号", "阶段", "触点名称", "等级", "交付件", "责任部门"),
    ],
    ids=["reordered", "groups-in-the-middle", "groups-first", "short-names", "编号-and-责任部门"],
)
def test_item_columns_in_any_order_and_either_name(tmp_path, baseline, columns):
    path = build_variant(tmp_path, columns=columns)
    a = assess(path)
    assert problems_of(a, "error") == []
    assert [p for p in problems_of(a, "info") if p.sheet == "营销篇"] == []  # every header was recognised
    assert scores(a) == baseline
    items = item_rows(a, group="示例项目甲")
    assert list(items["item_id"]) == ["YX-01", "YX-02", "YX-03", "YX-04"]
    assert list(items["stage"]) == ["售前", "签约", "签约", "工程建设"]
    assert list(items["level"]) == ["一级", "二级", "二级", "三级"]


def test_merged_and_unmerged_project_headers_read_the_same(tmp_path, baseline):
    unmerged = assess(build_variant(tmp_path, merged=False, merge_item_headers=False))
    assert problems_of(unmerged, "error") == []
    assert scores(unmerged) == baseline
    assert unmerged.checklist.projects == ["示例项目甲", "示例项目乙"]


@pytest.mark.parametrize(
    ("subheaders", "self_first"),
    [
        (("自查结果", "检查结果", "说明"), True),
        (("项目自查", "复查", "备注"), True),
        (("项目自查", "复核", "备注"), True),
        (("自查", "城市公司检查", "说明"), True),
        (("检查", "自查", "备注"), False),
    ],
)
def test_sub_header_spellings(tmp_path, subheaders, self_first):
    spec = SheetSpec(subheaders=subheaders, items=[
        Item("甲", "一级", {"项目甲": ("完成", "未完成") if self_first else ("未完成", "完成")}),
    ])
    a = assess(build_checklist(tmp_path / "s.xlsx", {"营销篇": spec}))
    assert problems_of(a, "error") == []
    row = item_rows(a).iloc[0]
    assert (row["self_value"], row["check_value"], row["counted"]) == ("完成", "未完成", "检查")
    assert project_row(a, "项目甲")["score"] == Decimal("0.00")
    assert len(a.deviations) == 1


def test_city_company_group_counts_for_the_function_but_is_not_a_project(tmp_path):
    spec = SheetSpec(items=[
        Item("甲", "一级", {"城市公司": (None, "完成"), "项目甲": (None, "未完成")}),
        Item("乙", "三级", {"城市公司": (None, "完成"), "项目甲": (None, "完成")}),
    ])
    a = assess(build_checklist(tmp_path / "c.xlsx", {"营销篇": spec}))
    assert a.checklist.projects == ["项目甲"]
    assert list(a.projects["project"]) == ["项目甲"]
    assert [p["project"] for p in a.to_json()["projects"]] == ["项目甲"]
    assert all(u["project"] != "城市公司" for u in a.to_json()["units"])
    assert function_row(a, "营销")["score"] == Decimal("62.50")  # (3 + 1 + 0 + 1) / 8
    assert project_row(a, "项目甲")["score"] == Decimal("25.00")  # (0 + 1) / 4
    assert unit_row(a, "营销", "城市公司")["score"] == Decimal("100.00")


# --- rows --------------------------------------------------------------------------------------------------------


def test_stage_label_rows_are_skipped_and_give_the_stage(tmp_path):
    spec = SheetSpec(columns=("序号", "触点名称", "触点等级"), items=[
        StageLabel("一、售前阶段"),
        Item("甲", "一级", {"项目甲": (None, "完成")}),
        Item("乙", "二级", {"项目甲": (None, "完成")}),
        StageLabel("二、签约阶段", merge=True),
        Blank(),
        Item("丙", "三级", {"项目甲": (None, "未完成")}),
    ])
    a = assess(build_checklist(tmp_path / "s.xlsx", {"营销篇": spec}))
    assert problems_of(a, "error") == []
    items = item_rows(a)
    assert list(items["name"]) == ["甲", "乙", "丙"]
    assert list(items["stage"]) == ["一、售前阶段", "一、售前阶段", "二、签约阶段"]
    assert project_row(a, "项目甲")["score"] == Decimal("83.33")  # 5 / 6


SUMMARY_LABELS = ["合计", "小计", "总计", "得分", "得分率", "完成率", " 合 计 "]


def test_summary_rows_are_skipped(tmp_path):
    rows = []
    for i, label in enumerate(SUMMARY_LABELS):
        rows += [
            Item(f"甲{i}", "一级", {"项目甲": (None, "完成")}, item_id=f"YX-{i}1", stage="售前"),
            Item(f"乙{i}", "一级", {"项目甲": (None, "未完成")}, item_id=f"YX-{i}2", stage="售前"),
            Summary(label, {"项目甲": (85, "85分" if i % 2 else 0.5)}),  # values that would be errors in an item
        ]
    a = assess(build_checklist(tmp_path / "s.xlsx", {"营销篇": SheetSpec(items=rows)}))
    assert problems_of(a, "error") == []
    assert list(item_rows(a)["name"]) == [f"{k}{i}" for i in range(len(SUMMARY_LABELS)) for k in "甲乙"]
    assert project_row(a, "项目甲")["score"] == Decimal("50.00")


def test_summary_label_in_the_stage_column_is_skipped(tmp_path):
    spec = SheetSpec(items=[
        Item("甲", "一级", {"项目甲": (None, "完成")}),
        Summary("合计", {"项目甲": (None, "85")}, column="客户阶段"),
    ])
    a = assess(build_checklist(tmp_path / "s.xlsx", {"营销篇": spec}))
    assert problems_of(a, "error") == []
    assert list(item_rows(a)["name"]) == ["甲"]


def test_summary_label_merged_from_the_first_column_is_skipped(tmp_path):
    spec = SheetSpec(items=[
        Item("甲", "一级", {"项目甲": (None, "完成")}),
        Summary("合计", {"项目甲": (None, "100%")}, column="序号", merge=True),
    ])
    a = assess(build_checklist(tmp_path / "s.xlsx", {"营销篇": spec}))
    assert problems_of(a, "error") == []
    assert list(item_rows(a)["name"]) == ["甲"]


def test_blank_rows_are_skipped(tmp_path, baseline):
    spec = example_sheet()
    spec.items = [Blank(), spec.items[0], Blank(), Blank(), *spec.items[1:3], Blank(), spec.items[3], Blank()]
    a = assess(build_checklist(tmp_path / "b.xlsx", {"营销篇": spec}))
    assert problems_of(a, "error") == []
    assert scores(a) == baseline
    assert len(item_rows(a, group="示例项目甲")) == 4


def test_vertically_merged_stage_cells_fill_down(tmp_path):
    spec = SheetSpec(merge_stage=True, items=[
        Item("甲", "一级", {"项目甲": (None, "完成")}, stage="售前"),
        Item("乙", "一级", {"项目甲": (None, "完成")}, stage="售前"),
        Item("丙", "一级", {"项目甲": (None, "完成")}, stage="售前"),
        Item("丁", "一级", {"项目甲": (None, "完成")}, stage="交付"),
        Item("戊", "一级", {"项目甲": (None, "完成")}, stage="交付"),
    ])
    path = build_checklist(tmp_path / "m.xlsx", {"营销篇": spec})
    import openpyxl

    assert {str(r) for r in openpyxl.load_workbook(path)["营销篇"].merged_cells.ranges} >= {"C5:C7", "C8:C9"}
    items = item_rows(assess(path))
    assert list(items["stage"]) == ["售前", "售前", "售前", "交付", "交付"]


# --- result values -----------------------------------------------------------------------------------------------

DONE, PARTIAL, NOT_DONE, NA = "完成", "部分完成", "未完成", "不适用"
VOCABULARY: list[tuple[object, str, Decimal | None]] = [
    *[(s, DONE, Decimal(1)) for s in ("完成", "已完成", "√", "✓", "✔", "是", "Y", "YES", "达标", "合格", "1", "100%")],
    *[(s, DONE, Decimal(1)) for s in ("y", "Yes", "yes", "Ｙ", "ＹＥＳ", " 完成 ", "\u3000完成\u3000", "完 成",
                                       "１００％", "100 %", 1, 1.0, "完成\n", "\t√")],
    *[(s, PARTIAL, Decimal("0.5")) for s in ("部分完成", "部分", " 部分\u3000完成")],
    *[(s, NOT_DONE, Decimal(0)) for s in ("未完成", "×", "✗", "✘", "X", "x", "否", "N", "n", "NO", "No",
                                          "未达标", "不合格", "0", "0%", 0, "Ｎ", "\u3000未完成")],
    *[(s, NA, None) for s in ("不适用", "N/A", "n/a", "NA", "na", "/", "—", "-", "无", "不涉及", "Ｎ／Ａ", "－",
                              " 不 适 用 ")],
    ("80%", "比例", Decimal("0.8")),
    ("８０％", "比例", Decimal("0.8")),
    (0.8, "比例", Decimal("0.8")),
    ("0.8", "比例", Decimal("0.8")),
    ("12.5%", "比例", Decimal("0.125")),
    (0.25, "比例", Decimal("0.25")),
]


@pytest.fixture(scope="module")
def vocabulary(tmp_path_factory):
    """One workbook holding every spelling as a 检查 value, one item per spelling."""
    items = [Item(f"触点{i}", "一级", {"项目甲": (None, value)}) for i, (value, _, _) in enumerate(VOCABULARY)]
    items.append(Item("基准", "一级", {"项目甲": (None, "完成")}))  # keeps the project assessed
    path = build_checklist(tmp_path_factory.mktemp("vocab") / "v.xlsx", {"营销篇": SheetSpec(items=items)})
    a = assess(path)
    return a, item_rows(a).set_index("name")


def test_vocabulary_workbook_has_no_errors(vocabulary):
    a, _ = vocabulary
    assert problems_of(a, "error") == []


@pytest.mark.parametrize(("index", "spelling", "meaning", "credit"),
                         [(i, *v) for i, v in enumerate(VOCABULARY)], ids=[repr(v[0]) for v in VOCABULARY])
def test_every_accepted_spelling_maps_to_its_credit(vocabulary, index, spelling, meaning, credit):
    _, items = vocabulary
    row = items.loc[f"触点{index}"]
    assert row["value"] == meaning
    assert row["counted"] == "检查"
    if credit is None:
        assert not row["applicable"]
        assert row["w_int"] == 0
    else:
        assert row["applicable"]
        assert isinstance(row["credit"], Decimal)
        assert row["credit"] == credit


UNKNOWN_VALUES = ["进行中", 2, 85, "好", "85", "120%", -0.5, "1.5", "完成了"]


def test_unknown_values_are_errors_naming_sheet_and_cell(tmp_path):
    spec = SheetSpec(items=[
        Item("正常", "一级", {"项目甲": ("完成", "完成")}),
        *[Item(f"触点{i}", "一级", {"项目甲": ("完成", value)}) for i, value in enumerate(UNKNOWN_VALUES)],
    ])
    a = assess(build_checklist(tmp_path / "u.xlsx", {"营销篇": spec}))
    errors = problems_of(a, "error")
    assert [(p.sheet, p.cell) for p in errors] == [("营销篇", f"J{6 + i}") for i in range(len(UNKNOWN_VALUES))]
    assert cell_of(spec, 1, "项目甲", 1) == "J6"
    for error, value in zip(errors, UNKNOWN_VALUES, strict=True):
        assert f"「{value}」" in error.message


def test_unknown_self_check_value_is_an_error_too_unless_the_check_is_filled(tmp_path):
    spec = SheetSpec(items=[Item("甲", "一级", {"项目甲": ("还行", None)}), Item("乙", "一级", {"项目甲": ("还行", "完成")})])
    a = assess(build_checklist(tmp_path / "u.xlsx", {"工程篇": spec}))
    assert [(p.sheet, p.cell) for p in problems_of(a, "error")] == [("工程篇", "I5")]
    assert ("工程篇", "I6") in [(p.sheet, p.cell) for p in problems_of(a, "warning")]  # the 检查 counts: a warning


# --- levels and points -------------------------------------------------------------------------------------------

LEVEL_SPELLINGS = [
    ("一级", 3), ("二级", 2), ("三级", 1), (1, 3), (2, 2), (3, 1), ("1", 3), ("2", 2), ("3", 1),
    ("A", 3), ("B", 2), ("C", 1), ("a", 3), ("Ⅰ", 3), ("Ⅱ", 2), ("Ⅲ", 1), ("A类", 3), ("B类", 2), ("C类", 1),
    ("关键", 3), ("重要", 2), ("一般", 1), (" 一 级 ", 3), ("Ａ类", 3),
]


def test_level_aliases_give_the_right_weights(tmp_path):
    items = [Item(f"触点{i}", level, {"项目甲": (None, "完成")}) for i, (level, _) in enumerate(LEVEL_SPELLINGS)]
    a = assess(build_checklist(tmp_path / "l.xlsx", {"营销篇": SheetSpec(items=items)}))
    assert problems_of(a, "error") == []
    rows = item_rows(a).set_index("name")
    got = {repr(level): rows.loc[f"触点{i}", "weight"] for i, (level, _) in enumerate(LEVEL_SPELLINGS)}
    assert got == {repr(level): Decimal(w) for level, w in LEVEL_SPELLINGS}


@pytest.mark.parametrize("level", ["四级", "D", "", None, "高"])
def test_unknown_or_missing_level_is_an_error_at_the_level_cell(tmp_path, level):
    spec = SheetSpec(items=[Item("甲", "一级", {"项目甲": (None, "完成")}), Item("乙", level, {"项目甲": (None, "完成")})])
    errors = problems_of(assess(build_checklist(tmp_path / "l.xlsx", {"营销篇": spec})), "error")
    assert [(p.sheet, p.cell) for p in errors] == [("营销篇", "E6")]


def test_points_override_the_level_weight(tmp_path):
    spec = SheetSpec(columns=("触点编号", "触点名称", "触点等级", "分值"), items=[
        Item("甲", "一级", {"项目甲": (None, "完成")}, points=5),
        Item("乙", "三级", {"项目甲": (None, "未完成")}, points=None),  # blank: the level's weight
        Item("丙", "二级", {"项目甲": (None, "未完成")}, points=0),  # zero: the level's weight
        Item("丁", None, {"项目甲": (None, "完成")}, points=2.5),  # points without a level
    ])
    a = assess(build_checklist(tmp_path / "p.xlsx", {"营销篇": spec}))
    assert problems_of(a, "error") == []
    rows = item_rows(a).set_index("name")
    assert list(rows["weight"]) == [Decimal(5), Decimal(1), Decimal(2), Decimal("2.5")]
    assert project_row(a, "项目甲")["score"] == Decimal("71.43")  # 7.5 / 10.5


def test_negative_points_are_an_error(tmp_path):
    spec = SheetSpec(columns=("触点名称", "触点等级", "分值"), items=[Item("甲", "一级", {"项目甲": (None, "完成")}, points=-1)])
    errors = problems_of(assess(build_checklist(tmp_path / "p.xlsx", {"营销篇": spec})), "error")
    assert [(p.sheet, p.cell) for p in errors] == [("营销篇", "C5")]


# --- period ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("quarter", [1, "1", "Q1", "q1", "第一季度", "第1季度", "一季度", "Ｑ１"])
def test_period_from_the_info_sheet(tmp_path, quarter):
    spec = SheetSpec(items=[Item("甲", "一级", {"项目甲": (None, "完成")})])
    path = build_checklist(tmp_path / "x.xlsx", {"营销篇": spec}, info={"公司名称": "某城市公司", "年度": 2025, "季度": quarter})
    period = read_checklist(path).period
    assert (period.company, period.year, period.quarter) == ("某城市公司", 2025, 1)


@pytest.mark.parametrize("quarter", [5, "Q5", "第五季度", "上半年"])
def test_bad_quarter_in_the_info_sheet_is_an_error(tmp_path, quarter):
    spec = SheetSpec(items=[Item("甲", "一级", {"项目甲": (None, "完成")})])
    path = build_checklist(tmp_path / "x.xlsx", {"营销篇": spec}, info={"年度": 2026, "季度": quarter})
    errors = problems_of(read_checklist(path), "error")
    assert [(p.sheet, p.cell) for p in errors] == [("基本信息", "B3")]


@pytest.mark.parametrize(
    ("filename", "period"),
    [("2026Q1_客户触点检查表.xlsx", (2026, 1)), ("客户触点检查表2026年第1季度.xlsx", (2026, 1)),
     ("武汉2025-Q3.xlsx", (2025, 3)), ("2027年第四季度检查表.xlsx", (2027, 4)), ("2026q2.xlsx", (2026, 2))],
)
def test_period_from_the_file_name(tmp_path, filename, period):
    spec = SheetSpec(items=[Item("甲", "一级", {"项目甲": (None, "完成")})])
    checklist = read_checklist(build_checklist(tmp_path / filename, {"营销篇": spec}, info=None))
    assert (checklist.period.year, checklist.period.quarter) == period
    assert checklist.period.company is None
    assert not [p for p in problems_of(checklist) if "年度/季度" in p.message]


def test_period_unknown_is_a_warning(tmp_path):
    spec = SheetSpec(items=[Item("甲", "一级", {"项目甲": (None, "完成")})])
    a = assess(build_checklist(tmp_path / "检查表.xlsx", {"营销篇": spec}, info=None))
    assert (a.year, a.quarter) == (None, None)
    assert [p.level for p in problems_of(a) if "年度/季度" in p.message] == ["warning"]
    assert a.to_json()["year"] is None


@pytest.mark.slow  # over 0.2 s of CPU (0.39 s measured)
def test_period_from_options_overrides_info_and_file_name(tmp_path):
    spec = SheetSpec(items=[Item("甲", "一级", {"项目甲": (None, "完成")})])
    no_info = build_checklist(tmp_path / "2026Q1.xlsx", {"营销篇": spec}, info=None)
    a = assess(no_info, year=2024, quarter=3, company="命令行公司")
    assert (a.company, a.year, a.quarter) == ("命令行公司", 2024, 3)
    with_info = build_checklist(tmp_path / "i.xlsx", {"营销篇": spec})
    b = assess(with_info, quarter=2)
    assert (b.year, b.quarter) == (2026, 2)
    assert any(p.level == "warning" and "季度" in p.message for p in problems_of(b))
    data = rank_json(no_info, "--year", 2023, "--quarter", 4)
    assert (data["year"], data["quarter"]) == (2023, 4)


# --- descriptive columns and sheet names -------------------------------------------------------------------------


def test_a_descriptive_column_the_user_added_is_info_and_ignored(tmp_path, baseline):
    columns = ("序号", "触点编号", "客户阶段", "触点名称", "触点等级", "负责人", "标准动作")
    path = build_variant(tmp_path, columns=columns)
    a = assess(path)
    assert problems_of(a, "error") == []
    infos = [p for p in problems_of(a, "info") if p.sheet == "营销篇"]
    assert [(p.cell, "负责人" in p.message) for p in infos] == [("F3", True)]
    assert scores(a) == baseline


def test_a_descriptive_column_after_the_groups_is_ignored(tmp_path, baseline):
    path = build_variant(tmp_path, columns=(*example_sheet().columns, GROUPS, "整改期限"))
    a = assess(path)
    assert problems_of(a, "error") == []
    assert [p.cell for p in problems_of(a, "info") if p.sheet == "营销篇"] == ["R3"]
    assert scores(a) == baseline


@pytest.mark.parametrize(
    ("sheet", "function"),
    [("营销篇", "营销"), ("设计篇", "研发"), ("研发篇", "研发"), ("工程篇", "工程"), ("客服篇", "客服"),
     ("客户关系篇", "客服"), ("物业篇", "物业"), ("2026Q1营销检查", "营销"), ("物业服务", "物业")],
)
def test_sheet_names_detect_the_function(tmp_path, sheet, function):
    spec = SheetSpec(items=[Item("甲", "一级", {"项目甲": (None, "完成")})])
    path = build_checklist(tmp_path / "n.xlsx", {sheet: spec}, extra_sheets={
        "填写说明": [["请在每个项目的检查列填写 完成/未完成"], ["触点名称", "等级"]],
    }, roster=[("城市公司", "营销", "张三")])
    a = assess(path)
    assert problems_of(a, "error") == []
    assert a.checklist.function_sheets == {function: sheet}
    assert function_row(a, function)["score"] == Decimal("100.00")
    assert "填写说明" in a.checklist.sheet_names
    assert set(a.checklist.items["sheet"]) == {sheet}


def test_two_sheets_of_one_function_are_an_error(tmp_path):
    spec = SheetSpec(items=[Item("甲", "一级", {"项目甲": (None, "完成")})])
    a = assess(build_checklist(tmp_path / "d.xlsx", {"客户关系篇": spec, "客服篇(补充)": spec}))
    errors = problems_of(a, "error")
    assert len(errors) == 1
    assert errors[0].sheet == "客服篇(补充)"
    assert "客户关系篇" in errors[0].message and "客服" in errors[0].message


def test_a_sheet_name_of_two_functions_is_an_error(tmp_path):
    spec = SheetSpec(items=[Item("甲", "一级", {"项目甲": (None, "完成")})])
    a = assess(build_checklist(tmp_path / "d.xlsx", {"营销篇": spec, "工程物业联合检查": spec}))
    assert [p.sheet for p in problems_of(a, "error")] == ["工程物业联合检查"]


def test_two_groups_with_one_name_are_an_error(tmp_path):
    spec = SheetSpec(groups=["项目甲", "项目乙", "项目甲"], items=[Item("甲", "一级", {"项目甲": (None, "完成")})])
    errors = problems_of(assess(build_checklist(tmp_path / "g.xlsx", {"营销篇": spec})), "error")
    duplicate = [p for p in errors if p.cell == "O3"]
    assert len(duplicate) == 1 and duplicate[0].sheet == "营销篇"
    assert "项目甲" in duplicate[0].message and "两次" in duplicate[0].message


def test_a_duplicate_group_is_reported_once(tmp_path):
    spec = SheetSpec(groups=["项目甲", "项目乙", "项目甲"], items=[Item("甲", "一级", {"项目甲": (None, "完成")})])
    errors = problems_of(assess(build_checklist(tmp_path / "g.xlsx", {"营销篇": spec})), "error")
    assert [(p.sheet, p.cell) for p in errors] == [("营销篇", "O3")]


def test_a_group_with_two_check_columns_is_an_error(tmp_path):
    spec = SheetSpec(group_subheaders={"项目甲": ("自查", "检查", "复核", "备注")},
                     items=[Item("甲", "一级", {"项目甲": (None, "完成", "完成")})])
    errors = problems_of(assess(build_checklist(tmp_path / "g.xlsx", {"营销篇": spec})), "error")
    assert [(p.sheet, p.cell) for p in errors] == [("营销篇", "K4")]


def test_a_row_with_results_but_no_name_is_an_error_at_the_name_cell(tmp_path):
    spec = SheetSpec(items=[
        Item("甲", "一级", {"项目甲": (None, "完成")}),
        Item(None, "一级", {"项目甲": (None, "完成")}),
        Item("丙", "一级", {"项目甲": (None, "完成")}),
    ])
    errors = problems_of(assess(build_checklist(tmp_path / "r.xlsx", {"营销篇": spec})), "error")
    assert [(p.sheet, p.cell) for p in errors] == [("营销篇", "D6")]
    assert "触点名称" in errors[0].message


def test_duplicate_item_ids_are_an_error(tmp_path):
    spec = SheetSpec(items=[
        Item("甲", "一级", {"项目甲": (None, "完成")}, item_id="YX-01"),
        Item("乙", "一级", {"项目甲": (None, "完成")}, item_id="YX-02"),
        Item("丙", "一级", {"项目甲": (None, "完成")}, item_id="yx-01 "),
    ])
    errors = problems_of(assess(build_checklist(tmp_path / "i.xlsx", {"营销篇": spec})), "error")
    assert [(p.sheet, p.cell) for p in errors] == [("营销篇", "B7")]


def test_a_project_is_one_unit_across_sheets_despite_spacing(tmp_path):
    sheets = {
        "营销篇": SheetSpec(items=[Item("a", "一级", {"云栖 府": (None, "完成"), "望江台": (None, "完成")})]),
        "工程篇": SheetSpec(merged=False, items=[Item("b", "一级", {" 云栖  府 ": (None, "未完成"),
                                                                 "望江台": (None, "完成")})]),
        "物业篇": SheetSpec(items=[Item("c", "三级", {"望江台": (None, "未完成"), "云栖\u3000府": (None, "完成")})]),
    }
    a = assess(build_checklist(tmp_path / "p.xlsx", sheets))
    assert problems_of(a, "error") == []
    assert a.checklist.projects == ["云栖 府", "望江台"]
    assert project_row(a, "云栖 府")["score"] == Decimal("57.14")  # (3 + 0 + 1) / 7
    assert project_row(a, "望江台")["score"] == Decimal("85.71")  # (3 + 3 + 0) / 7


def test_the_same_item_id_in_two_sheets_is_fine(tmp_path):
    spec = SheetSpec(items=[Item("甲", "一级", {"项目甲": (None, "完成")}, item_id="01")])
    a = assess(build_checklist(tmp_path / "i.xlsx", {"营销篇": spec, "工程篇": spec}))
    assert problems_of(a, "error") == []


def test_a_workbook_with_no_function_sheet_is_refused(tmp_path):
    path = build_checklist(tmp_path / "none.xlsx", {}, extra_sheets={"汇总": [["a"]], "Sheet2": [["b"]]})
    with pytest.raises(InputError) as caught:
        read_checklist(path)
    assert caught.value.exit_code == 2
    assert "基本信息" in caught.value.message and "汇总" in caught.value.message and "Sheet2" in caught.value.message
    result = run("check", path)
    assert result.exit_code == 2
    assert "汇总" in result.output and "Sheet2" in result.output
    assert_handled(result)


def test_layout_helper_matches_the_example_file():
    where = layout_of(example_sheet())
    assert where["item_cols"]["触点名称"] == "D"
    assert where["group_cols"] == {"城市公司": ["I", "J", "K"], "示例项目甲": ["L", "M", "N"],
                                   "示例项目乙": ["O", "P", "Q"]}


# --- the read in a background thread (kpicli.api starts it before pandas is imported) ---------------------------


def test_a_background_read_gives_the_same_checklist(tmp_path):
    from kpicli.api.read import start_read

    path = build_checklist(tmp_path / "例.xlsx", {"营销篇": example_sheet(), "工程篇": example_sheet()})
    now = read_checklist(path)
    ahead = read_checklist(path, raw=start_read(path).result())
    assert ahead.function_sheets == now.function_sheets == {"营销": "营销篇", "工程": "工程篇"}
    assert ahead.items.equals(now.items)
    assert [p.to_dict() for p in ahead.problems] == [p.to_dict() for p in now.problems]


def test_a_background_read_hands_its_error_to_the_caller(tmp_path):
    from kpicli import api
    from kpicli.api.read import start_read

    text = tmp_path / "备注.xlsx"
    text.write_text("不是工作簿", encoding="utf-8")
    pending = start_read(text)
    with pytest.raises(InputError) as raised:
        read_checklist(text, raw=pending.result())
    assert "备注.xlsx" in raised.value.message
    with pytest.raises(InputError) as raised:
        api.check(tmp_path / "没有这个文件.xlsx")
    assert "没有这个文件.xlsx" in raised.value.message and "不存在" in raised.value.message
