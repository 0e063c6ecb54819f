"""Issue 20, part A — scorecards as companies already lay them out, and the accidents people make on real forms.

The two company layouts (a 目标责任书 like seed 000, a 主管绩效考核表 like seed 002) are built in
scorecard_builders with their own indicators and score to the numbers computed by hand in the builders' docstrings.
Every accident and message case starts from a real form: `kpicli template --period 2026年3月 --indicators 客服专员`,
filled by writing only value cells, then edited the way people edit it.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import openpyxl
import pytest
from builders import assert_handled, flat, run
from scorecard_builders import Laid, build_scorecard, responsibility_letter, supervisor_form

from kpicli import api
from kpicli.core.errors import DataError
from kpicli.io.provenance import CHUNK_PREFIX

pytestmark = pytest.mark.slow  # each test runs kpicli on a generated form


def score_json(path: Path, code: int = 0) -> dict:
    result = run("rank", path, "--format", "json")
    assert_handled(result, code)
    return json.loads(result.stdout)


def people(data: dict) -> dict[str, dict]:
    return {p["name"]: p for p in data["people"]}


def lines(data: dict, level: str | None = None) -> list[tuple[str | None, str | None, str]]:
    return [(p["sheet"], p["cell"], p["message"]) for p in data["problems"] if level in (None, p["level"])]


# ---------------------------------------------------------------- the two company layouts


def test_a_responsibility_letter_scores_as_laid_out(tmp_path):
    path = build_scorecard(tmp_path / "责任书.xlsx", {"王晓": responsibility_letter()})
    data = score_json(path)
    p = people(data)["王晓"]
    # hand-computed in responsibility_letter: 24 + 20 + 29.5 + 9 = 82.50 → B+, K 0.8, 60000 × 0.8
    assert (p["score"], p["grade"], p["coefficient"], p["bonus"]) == (82.5, "B+", 0.8, 48000.0)
    assert [(s["section"], s["score"]) for s in p["sections"]] == [("经营指标", 44.0), ("管理指标", 38.5)]
    assert data["period"] == "2026年度"
    assert ("王晓", "A1", "表头区没有填写考核期间，按标题「2026年度客服中心经营管理目标责任书」取考核期间为 2026年度") \
        in lines(data, "info")
    assert not lines(data, "warning") and not lines(data, "error")
    result = api.rank(path)
    items = result.indicators[result.indicators["sheet"] == "王晓"]
    # each row of the merged 交房办证 is its own item, told apart by its 经营管理目标; the merged 计分方式 fills down
    assert list(items["indicator"])[:3] == ["交房办证（一期6月底前办结）", "交房办证（二期9月底前办结）",
                                            "交房办证（三期12月底前办结）"]
    assert [str(s) for s in items["score"]][:3] == ["10", "8", "6"]
    assert list(items["basis"])[-1] == "二级评分"  # 总经理评分 is the second reviewer (by position)


def test_a_supervisor_form_scores_as_laid_out(tmp_path):
    path = build_scorecard(tmp_path / "主管.xlsx", {"李敏": supervisor_form()})
    data = score_json(path)
    p = people(data)["李敏"]
    # hand-computed in supervisor_form: 20 + 9 + 17 + 14 + 12 + 20 = 92.00 → A, K 1.0, 20000
    assert (p["score"], p["grade"], p["coefficient"], p["bonus"]) == (92.0, "A", 1.0, 20000.0)
    assert (p["department"], p["position"]) == ("客服部", "客服主管")
    # 工作目标 (merged down) is the 维度; 评价指标及指标值 the 考核指标
    assert [(s["section"], s["score"]) for s in p["sections"]] == [("财务指标", 29.0), ("日常管理", 43.0),
                                                                   ("社区文化", 20.0)]
    assert data["period"] == "2026年度" and not lines(data, "error")


def test_a_filled_period_label_wins_over_the_title(tmp_path):
    form = responsibility_letter()
    rows = [list(r) for r in form.rows]
    rows[2] = ["考核期间", "2026年第4季度"]
    path = build_scorecard(tmp_path / "责任书.xlsx", {"王晓": Laid(rows, form.merges)})
    data = score_json(path)
    assert data["period"] == "2026年第4季度"
    assert not any("按标题" in m for _, _, m in lines(data))


def test_both_layouts_in_one_workbook_rank_together(tmp_path):
    path = build_scorecard(tmp_path / "年度.xlsx", {"王晓": responsibility_letter(), "李敏": supervisor_form()})
    found = people(score_json(path))
    assert (found["李敏"]["rank"], found["王晓"]["rank"]) == (1, 2)


def test_numbered_section_rows_under_weights_are_section_weights_when_each_adds_up(tmp_path):
    header = ["序号", "考核指标", "权重", "计分方式", "实际完成", "上级评分"]
    rows = [["2026年3月绩效考核表"], ["姓名", "赵一"], header,
            ["一", "业绩指标", "80%"], [1, "接通率", "50%", "直接", None, 40], [2, "回访率", "50%", "直接", None, 50],
            ["二", "行为指标", "20%"], [1, "纪律", "100%", "直接", None, 60],
            ["合计"]]
    data = score_json(build_scorecard(tmp_path / "a.xlsx", {"赵一": rows}))
    p = people(data)["赵一"]
    # 0.8 × (40 + 50) + 0.2 × 60 = 72 + 12 = 84
    assert p["score"] == 84.0 and [s["weight"] for s in p["sections"]] == [80, 20]
    # the same rows holding the subtotals of their items' weights (30 + 30 = 60, 40): plain sections, Σ = 100
    rows[3][2], rows[4][2:], rows[5][2:], rows[6][2], rows[7][2:] = (
        "60%", ["30%", "直接", None, 20], ["30%", "直接", None, 25], "40%", ["40%", "直接", None, 30])
    p = people(score_json(build_scorecard(tmp_path / "b.xlsx", {"赵一": rows})))["赵一"]
    assert p["score"] == 75.0 and [s["weight"] for s in p["sections"]] == [None, None]  # 20 + 25 + 30


def test_a_third_reviewer_title_is_an_error_naming_it(tmp_path):
    form = supervisor_form()
    rows = [list(r) for r in form.rows]
    rows[2] = [*rows[2], "总经理评分"]
    rows[3] = [*rows[3], None, 20]
    data = score_json(build_scorecard(tmp_path / "x.xlsx", {"李敏": Laid(rows, form.merges, form.percent)}), 1)
    assert [(c, "第三位评分人" in m) for _, c, m in lines(data, "error")] == [("J3", True)]


# ---------------------------------------------------------------- a real form, filled and edited


@pytest.fixture(scope="module")
def blank_form(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("form")
    out = folder / "表.xlsx"
    result = run("template", "考核表", "--period", "2026年3月", "--indicators", "客服专员", "--person", "张三", "--person", "李四",
                 "-o", out)
    assert_handled(result, 0)
    return out


ITEM_ROWS = (9, 10, 11, 12, 13, 14, 19, 20, 21, 22)  # the template's item rows (客服专员: 6 + 4 items)


def filled(blank: Path, tmp_path: Path, change=None, name: str = "表.xlsx") -> Path:
    """The form with every item given full marks by the 上级 (column I) and red lines 否, bases 5000; then change(wb).
    Full marks: 100.00 → A, K 1.2, bonus 6000 for each person."""
    path = tmp_path / name
    shutil.copy(blank, path)
    wb = openpyxl.load_workbook(path)
    for ws in wb.worksheets[1:]:
        ws["F3"], ws["C5"] = "客服部", 5000
        for r in ITEM_ROWS:
            ws.cell(r, 9).value = round(ws.cell(r, 4).value * 100, 6)
        for r in (27, 28, 29):
            ws.cell(r, 7).value = "否"
    if change is not None:
        change(wb)
    wb.save(path)
    return path


def hand_made(change):
    """The edit, on a copy of the form that no longer carries kpicli's record (a company's own copy of the layout,
    or a form from before the record existed): the accident's own message is what the user sees. With the record,
    any edit of the set is refused first (tests/test_scorecard_integrity.py)."""
    def edit(wb):
        wb.custom_doc_props.props = [p for p in wb.custom_doc_props.props if not p.name.startswith(CHUNK_PREFIX)]
        change(wb)
    return edit


def test_the_filled_form_scores_full_marks(blank_form, tmp_path):
    data = score_json(filled(blank_form, tmp_path))
    assert {(p["name"], p["score"], p["bonus"]) for p in data["people"]} == {("张三", 100.0, 6000.0),
                                                                            ("李四", 100.0, 6000.0)}


def test_accident_1_a_merged_indicator_keeps_every_row(blank_form, tmp_path):
    def merge(wb):
        ws = wb["张三"]
        ws["I10"] = 14  # 工单按时办结率 20 → 14: 业绩考核 94 (70%), 行为考核 100 (30%): 65.8 + 30 = 95.80
        ws.merge_cells("B9:B10")  # the two rows now share the name 热线接通率
    data = score_json(filled(blank_form, tmp_path, hand_made(merge)))
    p = people(data)["张三"]
    assert (p["score"], p["coefficient"], p["bonus"]) == (95.8, 1.2, 6000.0)  # the second row was not dropped
    names = list(api.rank(filled(blank_form, tmp_path, hand_made(merge), "b.xlsx")).indicators["indicator"])[:2]
    assert names == ["热线接通率（工作时间来电接通率不低于95%）", "热线接通率（报事报修工单在承诺时限内办结，目标98%）"]


def test_accident_2_a_reviewer_titled_column_counts_and_an_unknown_score_column_is_an_error(blank_form, tmp_path):
    def retitle(wb):
        ws = wb["张三"]
        ws["J8"] = "部门经理评分"  # the second reviewer, by position
        ws["J9"] = 12  # 热线接通率 20 → 12: 业绩考核 92 (70%) + 行为考核 100 (30%) = 94.40 (A, K 1.0, 5000)
    p = people(score_json(filled(blank_form, tmp_path, retitle)))["张三"]
    assert (p["score"], p["bonus"]) == (94.4, 5000.0)

    def unknown(wb):
        ws = wb["张三"]
        ws["K8"], ws["K9"] = "考核小组打分", 12  # scores under a header kpicli does not know: never dropped
    data = score_json(filled(blank_form, tmp_path, unknown, "b.xlsx"), 1)
    assert [(s, c) for s, c, m in lines(data, "error")] == [("张三", "K8")]
    assert "考核小组打分" in lines(data, "error")[0][2]


def test_accident_3_an_indicator_row_below_the_total_row_is_named(blank_form, tmp_path):
    def below(wb):
        ws = wb["张三"]
        ws["A16"], ws["B16"], ws["D16"], ws["I16"] = 7, "加班支援", 0.1, 8
    data = score_json(filled(blank_form, tmp_path, below), 1)
    assert [(s, c) for s, c, m in lines(data, "error")] == [("张三", "B16")]
    assert "合计行（A15）下面" in lines(data, "error")[0][2]


def test_accident_4_hidden_sheet_blank_name_and_one_name_in_two_departments(blank_form, tmp_path):
    def hide(wb):
        wb["李四"].sheet_state = "hidden"
    data = score_json(filled(blank_form, tmp_path, hide))
    assert [(s, "隐藏" in m) for s, c, m in lines(data, "warning")] == [("李四", True)]

    def no_name(wb):
        wb["李四"]["C3"] = None
    data = score_json(filled(blank_form, tmp_path, no_name, "b.xlsx"), 1)
    assert [(s, c) for s, c, m in lines(data, "error")] == [("李四", "A3")]
    assert not data["people"]  # never "李四" (the sheet name) ranked and paid

    def transfer(wb):
        wb["李四"]["C3"], wb["李四"]["F3"] = "张三", "工程部"
    data = score_json(filled(blank_form, tmp_path, transfer, "c.xlsx"))
    warned = [m for s, c, m in lines(data, "warning")]
    assert len(warned) == 1 and "工作表「张三」（客服部）" in warned[0] and "工作表「李四」（工程部）" in warned[0]


# ---------------------------------------------------------------- messages that used to bury the cause


def test_weights_adding_up_to_99_give_one_line_with_the_sum(blank_form, tmp_path):
    def off(wb):
        wb["张三"]["D14"] = 0.09  # %-formatted: 9% instead of 10%
    data = score_json(filled(blank_form, tmp_path, hand_made(off)), 1)
    found = lines(data)
    assert [(s, c, m) for s, c, m in found if s == "张三" and "权重" in m] == [
        ("张三", "B9", "「业绩考核」各项权重之和为 99%，应为 100%")]
    assert not any("普通数字" in m or "0%" in m.replace("99%", "").replace("100%", "") or "未评分" in m
                   for _, _, m in found)


def test_a_weight_typed_as_text_among_percent_cells_is_named(blank_form, tmp_path):
    def text(wb):
        wb["张三"]["D14"] = "10%"
    data = score_json(filled(blank_form, tmp_path, text), 1)
    assert [(s, c) for s, c, m in lines(data, "error")] == [("张三", "D14")]


def test_an_uncalculated_formula_says_open_and_save(blank_form, tmp_path):
    def formula(wb):
        wb["张三"]["I9"] = "=20*1"  # openpyxl saves no cached value: as a file written by a script
    data = score_json(filled(blank_form, tmp_path, formula), 1)
    assert [(s, c) for s, c, m in lines(data, "error")] == [("张三", "I9")]
    assert "请在 Excel/WPS 中打开并保存" in lines(data, "error")[0][2]


@pytest.mark.parametrize("title", ["三、高压线", "三、底线事项"])
def test_a_red_line_title_in_other_words_is_a_red_line_table(blank_form, tmp_path, title):
    def retitle(wb):
        wb["张三"]["A25"] = title
        wb["张三"]["G27"] = "是"
    data = score_json(filled(blank_form, tmp_path, retitle))
    p = people(data)["张三"]
    assert p["red_lines"] == ["泄露客户个人信息或公司内部资料"] and p["bonus"] == 0.0


# ---------------------------------------------------------------- a person not assessed this period


def not_assessed(wb):
    ws = wb["李四"]
    ws["A6"], ws["C6"] = "考核状态", "不参加考核（3月20日入职）"
    for r in ITEM_ROWS:
        ws.cell(r, 9).value = None


def test_a_person_not_assessed_is_left_out_with_a_line(blank_form, tmp_path):
    path = filled(blank_form, tmp_path, not_assessed)
    data = score_json(path)
    assert [p["name"] for p in data["people"]] == ["张三"]
    said = [(s, c, m) for s, c, m in lines(data, "info") if "不参加考核" in m]
    assert len(said) == 1 and said[0][:2] == ("李四", "C6") and "3月20日入职" in said[0][2] and "未计分、未排名" in said[0][2]
    result = run("score", path, "-o", tmp_path / "结果.xlsx")
    assert_handled(result, 0)
    assert "李四" in flat(result.output) and "不参加考核" in flat(result.output)


def test_a_person_not_assessed_but_scored_is_an_error(blank_form, tmp_path):
    def both(wb):
        wb["李四"]["A6"], wb["李四"]["C6"] = "考核状态", "不参加考核"
    data = score_json(filled(blank_form, tmp_path, both), 1)
    assert [(s, c) for s, c, m in lines(data, "error")] == [("李四", "C6")]


def test_not_assessed_in_per_person(blank_form, tmp_path):
    path = filled(blank_form, tmp_path, not_assessed)
    folder = tmp_path / "个人"
    result = run("score", path, "-o", tmp_path / "结果.xlsx", "--per-person", folder)
    assert_handled(result, 0)
    made = sorted(p.name for p in folder.iterdir())
    assert len(made) == 1 and "张三" in made[0]
    assert "李四" in flat(result.output) and "不参加考核" in flat(result.output)


def test_not_assessed_in_the_payout_list(blank_form, tmp_path):
    """The HR list names a person not assessed this period with 0 and the reason, never leaves them out."""
    from kpicli import api

    path = filled(blank_form, tmp_path, not_assessed)
    scored = tmp_path / "结果.xlsx"
    assert_handled(run("score", path, "-o", scored), 0)
    lines_ = api.payout([scored]).payout.lines
    li = [x for x in lines_ if x.name == "李四"]
    assert len(li) == 1 and li[0].amount == 0 and "不参加考核" in li[0].reason
    result = run("payout", scored, "-o", tmp_path / "发放清单.xlsx")
    assert_handled(result, 0)
    assert "李四" in flat(result.output)


def test_not_assessed_in_annual(blank_form, tmp_path):
    """March: 李四 not assessed; 张三 full marks. The year-end form and 民主评议 for both: 李四's year is computed
    from the months he was assessed in, never a 0 for March and never 缺少 3月."""
    march = filled(blank_form, tmp_path, not_assessed, "2026年3月.xlsx")

    def april(wb):
        for ws in wb.worksheets[1:]:
            ws["F4"] = "2026年4月"
    april_path = filled(blank_form, tmp_path, april, "2026年4月.xlsx")

    def year_end(wb):
        for ws in wb.worksheets[1:]:
            ws["F4"] = "2026年度"
        review = wb.create_sheet("民主评议")
        review.append(["姓名", "部门", "得分"])
        review.append(["张三", "客服部", 90])
        review.append(["李四", "客服部", 80])
    end = filled(blank_form, tmp_path, year_end, "2026年度.xlsx")
    result = run("annual", march, april_path, end, "-o", tmp_path / "年度.xlsx", "--format", "json")
    assert_handled(result, 0)
    data = json.loads(result.stdout)
    found = {p["name"]: p for p in data["people"]}
    assert found["李四"]["periods"] == {"4月": 100.0} and found["李四"]["missing"] == []
    # 李四: 100 × 30% + 100 × 65% + 80 × 5% = 99.00; 张三: 100 × 30% + 100 × 65% + 90 × 5% = 99.50
    assert (found["李四"]["score"], found["张三"]["score"]) == (99.0, 99.5)
    assert any("不参加考核" in p["message"] and "3月" in p["message"] for p in data["problems"])


def test_the_library_refuses_a_blank_name(blank_form, tmp_path):
    def no_name(wb):
        wb["李四"]["C3"] = None
    with pytest.raises(DataError):
        api.rank(filled(blank_form, tmp_path, no_name))


def test_one_name_in_two_department_workbooks_is_warned_naming_both(blank_form, tmp_path):
    first = filled(blank_form, tmp_path, None, "客服部.xlsx")

    def other(wb):
        for ws in wb.worksheets[1:]:
            ws["F3"] = "工程部"
        wb["李四"]["C3"] = "王五"
    second = filled(blank_form, tmp_path, other, "工程部.xlsx")
    result = run("rank", first, second, "--format", "json")
    assert_handled(result, 0)
    data = json.loads(result.stdout)
    warned = [p["message"] for p in data["problems"] if p["level"] == "warning"]
    assert len(warned) == 1 and "客服部.xlsx" in warned[0] and "工程部.xlsx" in warned[0] and "「张三」" in warned[0]
    assert len(data["people"]) == 4  # two people named 张三: both scored, as the warning says


def test_an_uncalculated_actual_is_one_line_at_its_cell(blank_form, tmp_path):
    def formula(wb):
        wb["张三"]["G9"] = "=0.96"
        wb["张三"]["I9"] = None  # 热线接通率 left to its 计分方式
    result = api.check(filled(blank_form, tmp_path, formula))
    errors = [(p.sheet, p.cell, p.message) for p in result.problems if p.level == "error"]
    assert errors == [("张三", "G9", "实际完成是公式没有保存计算结果；请在 Excel/WPS 中打开并保存后再运行")]


def test_an_unknown_red_line_title_gives_one_line_not_one_per_item(blank_form, tmp_path):
    def retitle(wb):
        wb["张三"]["A25"] = "三、严禁行为"
    data = score_json(filled(blank_form, tmp_path, hand_made(retitle)), 1)
    errors = lines(data, "error")
    assert [(s, c) for s, c, m in errors] == [("张三", "B27")] and "没有「权重」或「标准分」列" in errors[0][2]


def test_explain_says_a_person_is_not_assessed(blank_form, tmp_path):
    result = run("explain", filled(blank_form, tmp_path, not_assessed), "--person", "李四")
    assert_handled(result, 2)
    assert "本期不参加考核" in flat(result.output) and "李四!C6" in flat(result.output)


def test_a_roster_column_marks_a_person_not_assessed_on_the_form(tmp_path):
    roster = tmp_path / "名单.csv"
    roster.write_text("姓名,部门,岗位,绩效奖金基数,考核状态\n张三,客服部,客服专员,5000,\n"
                      "李四,客服部,客服专员,5000,不参加考核（4月入职）\n", encoding="utf-8-sig")
    form = tmp_path / "表.xlsx"
    assert_handled(run("template", "考核表", "--period", "2026年3月", "--people", roster, "--indicators", "客服专员", "-o", form), 0)
    wb = openpyxl.load_workbook(form)
    assert (wb["李四"]["E5"].value, wb["李四"]["F5"].value) == ("考核状态", "不参加考核（4月入职）")
    assert wb["张三"]["F5"].value is None
    ws = wb["张三"]
    for r in ITEM_ROWS:
        ws.cell(r, 9).value = round(ws.cell(r, 4).value * 100, 6)
    wb.save(form)
    data = score_json(form)
    assert [(p["name"], p["score"], p["bonus"]) for p in data["people"]] == [("张三", 100.0, 6000.0)]
    assert [(s, c) for s, c, m in lines(data, "info") if "不参加考核" in m] == [("李四", "F5")]


def test_a_score_on_a_numbered_section_row_is_an_error(tmp_path):
    form = responsibility_letter()
    rows = [list(r) for r in form.rows]
    rows[4] = ["一", "经营指标", None, 60, None, None, None, 50]  # a reviewer's points on the section row
    data = score_json(build_scorecard(tmp_path / "x.xlsx", {"王晓": Laid(rows, form.merges)}), 1)
    assert [(s, c) for s, c, m in lines(data, "error")] == [("王晓", "H5")]


def test_not_assessed_at_year_end_is_the_reason_the_year_is_not_computed(blank_form, tmp_path):
    march = filled(blank_form, tmp_path, None, "2026年3月.xlsx")

    def year_end(wb):
        for ws in wb.worksheets[1:]:
            ws["F4"] = "2026年度"
        not_assessed(wb)
        review = wb.create_sheet("民主评议")
        review.append(["姓名", "部门", "得分"])
        review.append(["张三", "客服部", 90])
        review.append(["李四", "客服部", 80])
    end = filled(blank_form, tmp_path, year_end, "2026年度.xlsx")
    result = run("annual", march, end, "-o", tmp_path / "年度.xlsx", "--format", "json")
    assert_handled(result, 0)
    found = {p["name"]: p for p in json.loads(result.stdout)["people"]}
    assert found["李四"]["computed"] is False and "年终考核标了不参加考核" in found["李四"]["reason"]
    assert found["李四"]["score"] is None and found["张三"]["score"] == 99.5  # 30 + 65 + 4.5


@pytest.mark.parametrize(("change", "cells"), [
    (lambda wb: wb["张三"].merge_cells("B9:B10"), []),
    (lambda wb: wb["张三"].__setitem__("D14", "10%"), [("张三", "D14")]),
    (lambda wb: wb["李四"].__setitem__("C3", None), [("李四", "A3")]),
])
def test_the_library_says_what_the_command_says(blank_form, tmp_path, change, cells):
    path = filled(blank_form, tmp_path, hand_made(change))
    result = api.check(path)
    assert [(p.sheet, p.cell) for p in result.problems if p.level == "error"] == cells
    assert [(s, c) for s, c, m in lines(score_json(path, 1 if cells else 0), "error")] == cells
