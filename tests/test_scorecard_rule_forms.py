"""Issue 20 — the 计分方式 rules the real forms use, and the value accidents that silently changed money, each on a
real form: `kpicli template 考核表 --period 2026年3月 --indicators 客服专员`, filled by writing only value cells,
then its 计分方式 and 实际完成 edited the way people edit them.

The filled form gives every item full marks from the 上级 (column I): 100.00, A, K 1.2, bonus 6000 on a base of 5000.
业绩考核 (70%): 热线接通率 20 (row 9), 工单按时办结率 20 (10), 回访满意率 20 (11), 有效投诉 15 (12), 信息录入差错 15 (13),
业务知识考试 10 (14); 行为考核 (30%) full marks throughout. An item whose 上级 cell is cleared is scored by its 计分方式.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest
from builders import assert_handled, flat, run
from scorecard_builders import Ind, Laid, Part, build_scorecard, supervisor_form, weighted_card

from kpicli import api

pytestmark = pytest.mark.slow  # each test runs kpicli on a generated form

ITEM_ROWS = (9, 10, 11, 12, 13, 14, 19, 20, 21, 22)
SET = Path(__file__).resolve().parent.parent / "templates" / "indicators" / "客服专员.csv"
SET_ROW = {9: 1, 10: 2, 11: 3, 12: 4, 13: 5, 14: 6, 19: 7, 20: 8, 21: 9, 22: 10}  # form row → line of the set


def forms(tmp_path: Path, rules: dict[str, dict[int, str]], change=None) -> Path:
    """A folder with one real form per person, each made by `kpicli template` from the 客服专员 set with the
    计分方式 of some rows changed (a set changed on purpose, before the forms go out: forms record their set and
    a 计分方式 edited on a form afterwards is refused), filled with full marks by the 上级, then change(wb)."""
    folder = tmp_path / "表"
    folder.mkdir(parents=True)
    for person, changed in rules.items():
        lines_ = SET.read_text(encoding="utf-8").splitlines()
        for row, rule in changed.items():
            cells = lines_[SET_ROW[row]].split(",")
            lines_[SET_ROW[row]] = ",".join([*cells[:6], f'"{rule}"'])
        own = tmp_path / person / "客服专员.csv"
        own.parent.mkdir(parents=True)
        own.write_text("\n".join(lines_) + "\n", encoding="utf-8")
        path = folder / f"2026年3月_{person}.xlsx"
        result = run("template", "考核表", "--period", "2026年3月", "--indicators", own, "--person", person, "-o", path)
        assert_handled(result, 0)
        wb = openpyxl.load_workbook(path)
        ws = wb[person]
        ws["F3"], ws["C5"] = "客服部", 5000
        for r in ITEM_ROWS:
            ws.cell(r, 9).value = round(ws.cell(r, 4).value * 100, 6)
        for r in (27, 28, 29):
            ws.cell(r, 7).value = "否"
        if change is not None:
            change(wb)
        wb.save(path)
    return folder


def by_rule(ws, row: int, actual: object, number_format: str | None = None) -> None:
    """Let the 计分方式 score the row: write the actual (and its cell format), clear the 上级's points."""
    ws.cell(row, 7).value = actual
    if number_format is not None:
        ws.cell(row, 7).number_format = number_format
    ws.cell(row, 9).value = None


def each(**changes):
    """change(wb) for forms(): the change of the person whose form it is."""
    def change(wb):
        for name, edit in changes.items():
            if name in wb.sheetnames:
                edit(wb[name])
    return change


def score_json(path: Path, code: int = 0) -> dict:
    result = run("rank", path, "--format", "json")
    assert_handled(result, code)
    return json.loads(result.stdout)


def money(data: dict) -> dict[str, tuple[float, float, float]]:
    return {p["name"]: (p["score"], p["coefficient"], p["bonus"]) for p in data["people"]}


def lines(data: dict, level: str) -> list[tuple[str | None, str | None, str]]:
    return [(p["sheet"], p["cell"], p["message"]) for p in data["problems"] if p["level"] == level]


def item_scores(path: Path, sheet: str) -> list[str]:
    frame = api.rank(path).indicators
    return [str(s) for s in frame[frame["sheet"] == sheet]["score"]]


# ---------------------------------------------------------------- rules the real forms use

DEADLINE = "期限 2026-03-15 每延迟1个月扣5分，延迟超过3个月不得分"  # 000: 每延迟1个月扣…，延迟超过…不得分


def test_completion_dates_against_a_deadline_with_a_cut_off(tmp_path):
    rules = {"张三": {11: DEADLINE}, "李四": {11: DEADLINE}}
    # 张三: a date cell a month and 5 days late → 1 step → 15; 业绩 95 → 66.5 + 30 = 96.50 (K 1.2, 6000)
    # 李四: date text 3 months and 16 days late → past the cut-off → 0; 业绩 80 → 56 + 30 = 86.00 (K 0.9, 4500)
    path = forms(tmp_path, rules, each(张三=lambda ws: by_rule(ws, 11, datetime(2026, 4, 20), "yyyy-mm-dd"),
                                       李四=lambda ws: by_rule(ws, 11, "2026年7月1日")))
    data = score_json(path)
    assert money(data) == {"张三": (96.5, 1.2, 6000.0), "李四": (86.0, 0.9, 4500.0)}
    assert not lines(data, "error") and not lines(data, "warning")
    assert item_scores(path / "2026年3月_张三.xlsx", "张三")[2] == "15"
    assert item_scores(path / "2026年3月_李四.xlsx", "李四")[2] == "0"
    explained = run("explain", path / "2026年3月_李四.xlsx", "--person", "李四")
    assert_handled(explained, 0)
    assert "2026年7月1日完成，比期限2026年3月15日晚3个月零16天，超过3个月，不得分" in flat(explained.output)


def test_a_delay_written_as_the_actual(tmp_path):
    rules = {"张三": {11: DEADLINE}, "李四": {11: DEADLINE}}
    path = forms(tmp_path, rules, each(张三=lambda ws: by_rule(ws, 11, "延迟2个月"),  # 10 → 业绩 90 → 93.00
                                       李四=lambda ws: by_rule(ws, 11, "延迟3天")))  # days under months: named
    data = score_json(path, 1)
    assert [(s, c) for s, c, m in lines(data, "error")] == [("李四", "G11")]
    assert "按天写，而计分方式按月计" in lines(data, "error")[0][2]
    assert money(score_json(forms(tmp_path / "b", {"张三": {11: DEADLINE}},
                                  each(张三=lambda ws: by_rule(ws, 11, "延迟2个月")))))["张三"] == (93.0, 1.0, 5000.0)


def test_a_step_with_a_cut_off(tmp_path):
    rule = "步进 目标92% 每1% 2，低于目标超过5%不得分"  # each point short of 92% −2; more than 5 points short: 0
    path = forms(tmp_path, {"张三": {11: rule}, "李四": {11: rule}},
                 each(张三=lambda ws: by_rule(ws, 11, 0.87, "0%"),  # 5 points short: 20 − 10 = 10 → 93.00 (K 1.0)
                      李四=lambda ws: by_rule(ws, 11, "86%")))  # 6 points short: 0 → 业绩 80 → 86.00 (K 0.9)
    assert money(score_json(path)) == {"张三": (93.0, 1.0, 5000.0), "李四": (86.0, 0.9, 4500.0)}


def test_a_step_stops_at_full_points_unless_the_cap_is_lifted(tmp_path):
    rules = {"张三": {11: "步进 目标92% 每1% 2"}, "李四": {11: "步进 目标92% 每1% 2 上不封顶"}}
    # 4 steps above target: 28; 张三 stops at 20 → 100.00; 李四 28 → 业绩 108 → 75.6 + 30 = 105.60
    path = forms(tmp_path, rules, each(张三=lambda ws: by_rule(ws, 11, "96%"), 李四=lambda ws: by_rule(ws, 11, "96%")))
    assert money(score_json(path)) == {"张三": (100.0, 1.2, 6000.0), "李四": (105.6, 1.2, 6000.0)}

    def by_hand(ws):
        ws["I11"] = 28  # the 上级 gives the bonus by hand
    data = score_json(forms(tmp_path / "b", rules, each(张三=by_hand, 李四=by_hand)), 1)
    assert lines(data, "error") == [("张三", "I11", "上级评分 28 超出本项分数范围 0–20")]


def test_a_tier_worth_more_than_the_item_needs_an_explicit_limit(tmp_path):
    # 004: "≥95%: 40分" on a 30-point item; here ≥95%: 70 on the 60% 回访率 of a company's own weighted form
    tiers = "分档 ≥95%:70; ≥85%:30; <85%:0"
    refused = weighted_card(sections=[
        Part("一、业绩考核(80%)", [Ind("满意度", "40%", "比例 目标100%", "90%"), Ind("回访率", "60%", tiers, "96%")]),
        Part("二、行为考核(20%)", [Ind("服务意识", "100%", "等级 1:20; 2:40; 3:60; 4:80; 5:100", "4级")])])
    data = score_json(build_scorecard(tmp_path / "a.xlsx", {"张三": refused}), 1)
    assert [(s, c, m) for s, c, m in lines(data, "error")] == [
        ("张三", "E7", "分档中最高 70 分超过本项满分 60 分；如果超出部分是加分，请在计分方式后写「上限 70」（或「上不封顶」），否则请改正分数")]
    refused.sections[0].items[1].rule = tiers + " 上限70"  # 36 + 70 = 106 → 0.8 × 106 + 0.2 × 80 = 100.80
    assert money(score_json(build_scorecard(tmp_path / "b.xlsx", {"张三": refused})))["张三"] == (100.8, 1.2, 6000.0)
    # a set with such a tier is refused before any form is made
    own = tmp_path / "客服专员.csv"
    own.write_text(SET.read_text(encoding="utf-8").replace("分档 ≥95%:20; ≥90%:14", "分档 ≥95%:30; ≥90%:14"),
                   encoding="utf-8")
    made = run("template", "考核表", "--period", "2026年3月", "--indicators", own, "--person", "张三", "-o",
               tmp_path / "c.xlsx")
    assert_handled(made, 2)
    assert "客服专员.csv第2行「计分方式」列：分档中最高30分超过本项满分20分" in flat(made.output) and not (tmp_path / "c.xlsx").exists()


def test_amounts_with_thousands_separators_and_wan(tmp_path):
    def amounts(ws):
        ws["C5"] = "36,000元"  # the base as typed
        by_rule(ws, 14, "1,600")
        by_rule(ws, 10, "23.5万")
        by_rule(ws, 12, "0")
    path = forms(tmp_path, {"张三": {14: "达标 ≥1,500", 10: "比例 目标23.5万"}}, each(张三=amounts))
    assert money(score_json(path))["张三"] == (100.0, 1.2, 43200.0)  # 36,000 × 1.2, never 0 or a refusal


# ---------------------------------------------------------------- accident 1: the rule's unit and the value's

def test_a_rule_without_percent_against_a_percent_value_is_named(tmp_path):
    # "分档 ≥95:20 …" (no %) against 98% scored 0 (bonus 6000 → 4200): now the cell is named and nothing is paid
    rule = "分档 ≥95:20; ≥90:14; ≥85:8; <85:0"
    path = forms(tmp_path, {"张三": {9: rule}, "李四": {9: rule}},
                 each(张三=lambda ws: by_rule(ws, 9, 0.98, "0%"),  # a %-formatted cell
                      李四=lambda ws: by_rule(ws, 9, "98%")))  # typed as text
    data = score_json(path, 1)
    errors = lines(data, "error")
    assert [(s, c) for s, c, m in errors] == [("张三", "G9"), ("李四", "G9")]
    assert errors[0][2].startswith("实际完成单元格是百分比格式（显示为 98%），而计分方式的数字（95、90、85）没有写 %")
    assert not data["people"] and not lines(data, "warning")  # one line each, no 未评分 after it


def test_a_rule_without_wan_against_a_wan_value_is_named(tmp_path):
    # "达标 ≥100" (万 missing) passed 99.9万
    path = forms(tmp_path, {"张三": {14: "达标 ≥100"}, "李四": {14: "达标 ≥100万"}},
                 each(张三=lambda ws: by_rule(ws, 14, "99.9万"), 李四=lambda ws: by_rule(ws, 14, 99.9)))
    errors = lines(score_json(path, 1), "error")
    assert [(s, c) for s, c, m in errors] == [("张三", "G14"), ("李四", "G14")]
    assert "写了「万」，而计分方式的金额（100）没有写「万」" in errors[0][2]
    assert "是 99.9 万元请写成 99.9万" in errors[1][2]


# ---------------------------------------------------------------- accident 6: a value hidden by the display

def test_a_value_within_display_rounding_of_a_tier_boundary_is_warned(tmp_path):
    path = forms(tmp_path, {"张三": {}, "李四": {}},
                 # 张三 shows 95.0%: held 94.99999999% → 14, shown → 20; 李四 shows 96.5%: the same tier either way
                 each(张三=lambda ws: by_rule(ws, 9, 0.9499999999, "0.0%"),
                      李四=lambda ws: by_rule(ws, 9, 0.9649999999, "0.0%")))
    data = score_json(path)
    # 张三: scored as held, 业绩 94 → 65.8 + 30 = 95.80; 李四 full marks
    assert money(data) == {"张三": (95.8, 1.2, 6000.0), "李四": (100.0, 1.2, 6000.0)}
    assert lines(data, "warning") == [("张三", "G9", "实际完成显示为 95.0%，单元格里存的是 94.99999999%，正好在计分方式的"
                                                     "分界处：按存的值计 14 分，按显示的值会是 20 分。kpicli 按存的值计分；"
                                                     "如果应为 95.0%，请在这一格直接输入 95.0%")]
    assert item_scores(path / "2026年3月_张三.xlsx", "张三")[0] == "14"


# ---------------------------------------------------------------- the K table as the company writes it

def test_coefficient_bands_as_written_and_a_gap_refused(tmp_path):
    def ten(ws):
        ws["I11"] = 10  # 回访满意率 20 → 10 by the 上级: 业绩 90 → 63 + 30 = 93.00
    path = forms(tmp_path, {"张三": {}}, each(张三=ten))
    rules = tmp_path / "kpicli.toml"
    rules.write_text('[scorecard]\ncoefficients = [{ band = "95分以上", k = 1.2 }, { band = "90-95", k = 1.0 }, '
                     '{ band = "60-90", k = 0.5 }, { band = "60分以下", k = 0 }]\n', encoding="utf-8")
    result = run("rank", path, "--format", "json", "--rules", rules)
    assert_handled(result, 0)
    assert money(json.loads(result.stdout))["张三"] == (93.0, 1.0, 5000.0)
    # 004's table: 90-94 and 95分以上 leave a total of 94.5 without a coefficient
    rules.write_text('[scorecard]\ncoefficients = [{ band = "95分以上", k = 1.2 }, { band = "90-94", k = 1.0 }, '
                     '{ band = "60-89", k = 0.5 }, { band = "60分以下", k = 0 }]\n', encoding="utf-8")
    result = run("rank", path, "--format", "json", "--rules", rules)
    assert_handled(result, 2)
    assert "绩效系数档「60-89」与「90-94」之间有空档：总分在89与90之间（如89.5）" in flat(result.output)


# ---------------------------------------------------------------- messages that used to bury the cause (a 002 form)

def supervisor(tmp_path: Path, change) -> Path:
    """The 主管绩效考核表 (seed 002's layout, 权重 in %-formatted cells C4:C9, 92.00 by hand), changed by change(rows,
    percent cells)."""
    form = supervisor_form()
    rows, percent = [list(r) for r in form.rows], list(form.percent)
    change(rows, percent)
    return build_scorecard(tmp_path / "主管.xlsx", {"李敏": Laid(rows, merges=form.merges, percent=percent)})


def test_weights_adding_up_to_101_in_percent_cells_give_one_line(tmp_path):
    def off(rows, percent):
        rows[4][2] = 0.11  # C5: 11% instead of 10%
    data = score_json(supervisor(tmp_path, off), 1)
    assert lines(data, "error") == [("李敏", "B4", "各项权重之和为 101%，应为 100%")]
    assert not any("普通数字" in m or "未评分" in m or "自评" in m for _, _, m in lines(data, "warning"))


def test_a_weight_typed_as_text_among_percent_cells_is_the_one_line(tmp_path):
    def text(rows, percent):
        rows[4][2] = "10%"
        percent.remove("C5")
    data = score_json(supervisor(tmp_path, text), 1)
    assert lines(data, "error") == [("李敏", "C5", "权重「10%」是以文字输入的百分数，而本表其他权重是百分比格式的数字；"
                                                   "请把这一格改成与其他格同样的写法（百分比格式的数字）")]
    assert not lines(data, "warning")  # never "未经上级评分，采用自评" on a row whose weight is not the cause


def test_an_uncalculated_weight_formula_says_open_and_save(tmp_path):
    def formula(rows, percent):
        rows[4][2] = "=0.05*2"  # openpyxl saves no calculated value: as a file written by a script
    data = score_json(supervisor(tmp_path, formula), 1)
    assert lines(data, "error") == [("李敏", "C5", "权重是公式没有保存计算结果；请在 Excel/WPS 中打开并保存后再运行")]
    assert not lines(data, "warning")


def test_a_red_line_table_titled_gaoyaxian_is_one_table_not_nine_lines(tmp_path):
    def red(rows, percent):
        rows += [["高压线"], ["序号", "考核指标", "是否触及"]]
        rows += [[i, f"事项{i}", "是" if i == 9 else "否"] for i in range(1, 10)]
    data = score_json(supervisor(tmp_path, red))
    p = data["people"][0]
    assert (p["score"], p["red_lines"], p["coefficient"], p["bonus"]) == (92.0, ["事项9"], 0.0, 0.0)
    assert not lines(data, "error") and not any("权重" in m for _, _, m in lines(data, "warning"))
