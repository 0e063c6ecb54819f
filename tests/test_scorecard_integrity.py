"""Scorecard forms checked against the indicator set kpicli handed out (issue 20: "Forms are checked against their
indicator set"). Every workbook starts as a real `kpicli template 考核表`, filled as people fill it, then handled
as people do: an employee raises a weight, a rule is rewritten, a red line is deleted, the officer changes the set
on purpose and says so with --indicators."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import openpyxl
import pytest
from builders import assert_handled, flat, run

from kpicli import api
from kpicli.io.provenance import read
from kpicli.scorecard.indicators import sets_dir

_MADE: dict[tuple[str, ...], Path] = {}


def template(tmp_path: Path, *names: str) -> Path:
    """A fresh copy of `kpicli template 考核表 --period 2026Q1 --indicators 客服专员 --person …` (made once per
    set of names in this module: the forms are the same every time)."""
    made = _MADE.get(names)
    if made is None or not made.exists():
        made = tmp_path / "made" / "考核表.xlsx"
        made.parent.mkdir()
        args = [a for n in names for a in ("--person", n)]
        assert_handled(run("template", "考核表", "--period", "2026Q1", "--indicators", "客服专员", "-o", made, *args), 0)
        _MADE[names] = made
    out = tmp_path / "考核表.xlsx"
    shutil.copyfile(made, out)
    return out


def rows(ws) -> dict[str, dict]:
    """Indicator name → {row, cols} of a form's item and red-line rows, found from its header rows."""
    found, cols = {}, None
    for row in ws.iter_rows():
        texts = {c.value: c.column for c in row if isinstance(c.value, str)}
        if "考核指标" in texts:
            cols = texts
            continue
        if cols is not None and isinstance(row[0].value, int):
            found[ws.cell(row[0].row, cols["考核指标"]).value] = {"row": row[0].row, "cols": cols}
    return found


def fill(path: Path, share: float = 0.8) -> None:
    """Every item: 上级评分 = share × its points; every red line 否 (what a reviewer types)."""
    wb = openpyxl.load_workbook(path)
    for ws in wb.worksheets:
        for item in rows(ws).values():
            r, cols = item["row"], item["cols"]
            if "是否触及" in cols:
                ws.cell(r, cols["是否触及"]).value = "否"
            else:
                ws.cell(r, cols["上级评分"]).value = round(ws.cell(r, cols["权重"]).value * 100 * share, 2)
    wb.save(path)


def cell(path: Path, sheet: str, name: str, header: str) -> str:
    ws = openpyxl.load_workbook(path)[sheet]
    item = rows(ws)[name]
    return f"{openpyxl.utils.get_column_letter(item['cols'][header])}{item['row']}"


def put(path: Path, sheet: str, values: dict[tuple[str, str], object]) -> None:
    wb = openpyxl.load_workbook(path)
    ws = wb[sheet]
    found = rows(ws)
    for (name, header), value in values.items():
        ws.cell(found[name]["row"], found[name]["cols"][header]).value = value
    wb.save(path)


def changed_set(tmp_path: Path, name: str, weights: dict[str, str]) -> Path:
    """The packaged 客服专员 set with some 权重 changed, saved as NAME.csv (the officer's deliberate change)."""
    table = list(csv.reader((sets_dir() / "客服专员.csv").open(encoding="utf-8-sig")))
    for row in table[1:]:
        if row[2] in weights:
            row[4] = weights[row[2]]
    path = tmp_path / f"{name}.csv"
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        csv.writer(f).writerows(table)
    return path


def test_the_template_records_each_form_and_its_set(tmp_path):
    path = template(tmp_path, "张三", "李四")
    record = read(path)
    assert record.get("book") == "scorecard"
    assert [(f["sheet"], f["set"]) for f in record.get("forms")] == [("张三", "客服专员"), ("李四", "客服专员")]
    kept = record.get("sets")["客服专员"]
    first = kept["sections"][0]
    assert (first["name"], first["weight"], first["items"][0]["name"], first["items"][0]["points"]) == \
        ("业绩考核", "70", "热线接通率", "20")
    assert kept["red_lines"] and record.get("coefficients")[0] == ["95", "1.2"]


@pytest.mark.slow  # over 0.2 s of CPU (0.72 s measured)
def test_a_raised_weight_is_refused_naming_the_cell_the_handed_out_and_the_value_now(tmp_path):
    path = template(tmp_path, "张三", "李四")
    fill(path, share=0.5)  # reviewers' scores alone: nothing to say (test_reviewers_and_the_employee_…)
    put(path, "张三", {("热线接通率", "权重"): 0.25, ("工单按时办结率", "权重"): 0.15})  # still 100% in all
    where = cell(path, "张三", "热线接通率", "权重")
    result = run("score", path, "-o", tmp_path / "r.xlsx")
    assert_handled(result, 1)
    text = flat(result.output)
    assert f"张三!{where}" in text and "热线接通率" in text and "是20%" in text and "现在是25%" in text
    assert "--indicators" in text
    assert not (tmp_path / "r.xlsx").exists()
    errors = [p for p in api.check(path).problems if p.level == "error"]
    assert {(p.sheet, p.cell) for p in errors} == {("张三", where), ("张三", cell(path, "张三", "工单按时办结率", "权重"))}


@pytest.mark.slow  # over 0.2 s of CPU (0.30 s measured)
def test_reviewers_and_the_employee_fill_their_columns_freely(tmp_path):
    path = template(tmp_path, "张三")
    fill(path, share=0.5)
    put(path, "张三", {("热线接通率", "实际完成"): "96%", ("热线接通率", "自评"): 20, ("热线接通率", "上级评分"): 18,
                     ("热线接通率", "二级评分"): 19, ("热线接通率", "备注"): "复核后加分"})
    result = run("check", path)
    assert_handled(result, 0)
    people = api.rank(path).people
    assert people.iloc[0]["score"] is not None


@pytest.mark.slow  # over 0.2 s of CPU (0.37 s measured)
def test_a_rewritten_rule_is_refused_but_the_same_rule_spelled_differently_is_not(tmp_path):
    path = template(tmp_path, "张三")
    fill(path)
    put(path, "张三", {("热线接通率", "计分方式"): "分档 >=95% : 20 ；>=90% : 14；>=85% : 8；<85% : 0"})
    assert_handled(run("check", path), 0)
    put(path, "张三", {("热线接通率", "计分方式"): "分档 ≥90%:20; ≥85%:14; ≥80%:8; <80%:0"})
    result = run("check", path)
    assert_handled(result, 1)
    assert f"张三!{cell(path, '张三', '热线接通率', '计分方式')}" in flat(result.output)
    assert "分档≥95%:20" in flat(result.output)


@pytest.mark.slow  # over 0.2 s of CPU (0.26 s measured)
def test_a_deleted_red_line_and_an_added_indicator_are_refused(tmp_path):
    path = template(tmp_path, "张三")
    fill(path)
    wb = openpyxl.load_workbook(path)
    ws = wb["张三"]
    found = rows(ws)
    red = next(n for n, item in found.items() if "是否触及" in item["cols"])
    ws.cell(found[red]["row"], found[red]["cols"]["考核指标"]).value = None
    ws.cell(found[red]["row"], found[red]["cols"]["是否触及"]).value = None
    ws.cell(found["服务礼仪"]["row"], found["服务礼仪"]["cols"]["考核指标"]).value = "服务礼仪（加分）"
    wb.save(path)
    assert_handled(run("check", path), 1)
    messages = [p.message for p in api.check(path).problems if p.level == "error"]
    assert any(red in m and "不在表中了" in m for m in messages)
    assert any("服务礼仪(加分)" in m and "不在" in m for m in messages)
    assert any("「服务礼仪」不在表中了" in m for m in messages)


@pytest.mark.slow  # over 0.2 s of CPU (0.60 s measured)
def test_the_officer_changes_the_set_with_indicators(tmp_path):
    path = template(tmp_path, "张三")
    fill(path, share=1)
    put(path, "张三", {("热线接通率", "权重"): 0.25, ("工单按时办结率", "权重"): 0.15,
                     ("热线接通率", "上级评分"): 25, ("工单按时办结率", "上级评分"): 15})
    assert_handled(run("check", path), 1)
    wrong = run("check", path, "--indicators", changed_set(tmp_path, "别的名字", {}), "--indicators", "客服主管")
    assert_handled(wrong, 1)
    assert "不知道它替换哪一套" in flat(wrong.output)
    new = changed_set(tmp_path, "客服专员", {"热线接通率": "25%", "工单按时办结率": "15%"})
    result = run("score", path, "--indicators", new, "-o", tmp_path / "r.xlsx", "--format", "json")
    assert_handled(result, 0)
    assert json.loads(result.stdout)["people"][0]["score"] == 100
    # the result carries the set it was checked against: given back, it is checked against the new set
    carried = read(tmp_path / "r.xlsx").get("sets")["客服专员"]["sections"][0]["items"][0]
    assert (carried["name"], carried["points"]) == ("热线接通率", "25")
    assert_handled(run("check", tmp_path / "r.xlsx"), 0)


@pytest.mark.slow  # over 0.2 s of CPU (0.42 s measured)
def test_a_result_given_back_is_checked_against_what_was_handed_out(tmp_path):
    path = template(tmp_path, "张三")
    fill(path)
    assert_handled(run("score", path, "-o", tmp_path / "r.xlsx"), 0)
    put(tmp_path / "r.xlsx", "张三", {("热线接通率", "权重"): 0.3, ("服务礼仪", "权重"): 0.2})
    result = run("check", tmp_path / "r.xlsx")
    assert_handled(result, 1)
    assert f"张三!{cell(tmp_path / 'r.xlsx', '张三', '热线接通率', '权重')}" in flat(result.output)


def test_hand_made_forms_are_scored_as_before_and_indicators_says_it_is_unused(tmp_path):
    from scorecard_builders import Card, Ind, Part, build_scorecard

    path = build_scorecard(tmp_path / "手工.xlsx", {"张三": Card(sections=[Part(
        "一、业绩考核(100%)", [Ind("a", "60%", reviewer1=50), Ind("b", "40%", reviewer1=40)])])})
    assert_handled(run("check", path), 0)
    result = run("check", path, "--indicators", "客服专员")
    assert_handled(result, 0)
    assert "--indicators未使用" in flat(result.output)


@pytest.mark.slow
def test_a_different_coefficient_table_now_is_a_warning(tmp_path):
    path = template(tmp_path, "张三")
    fill(path)
    (tmp_path / "kpicli.toml").write_text("[scorecard]\ncoefficients = [{ min = 90, k = 1.5 }, { min = 80, k = 1.1 }]\n",
                                          encoding="utf-8")
    result = run("check", path)
    assert_handled(result, 0)
    assert "绩效系数表与生成考核表时不同" in flat(result.output) and "≥90：1.5" in flat(result.output)


@pytest.mark.slow
def test_a_libreoffice_round_trip_of_a_filled_form_keeps_the_record(tmp_path):
    from lo import convert, require_soffice

    require_soffice()
    path = template(tmp_path, "张三")
    fill(path)
    saved = convert(path, "xlsx:Calc MS Excel 2007 XML", tmp_path / "lo")[0]
    record = read(saved)
    assert record is not None and record.get("sets") == read(path).get("sets")
    assert_handled(run("check", saved), 0)
    put(saved, "张三", {("热线接通率", "权重"): 0.25, ("工单按时办结率", "权重"): 0.15})
    result = run("check", saved)
    assert_handled(result, 1)
    assert f"张三!{cell(saved, '张三', '热线接通率', '权重')}" in flat(result.output)


@pytest.mark.slow
def test_payout_over_a_result_whose_form_was_changed_afterwards_is_refused(tmp_path):
    path = template(tmp_path, "张三")
    fill(path)
    result = tmp_path / "r.xlsx"
    assert_handled(run("score", path, "-o", result), 0)
    assert_handled(run("payout", result), 0)
    put(result, "张三", {("热线接通率", "权重"): 0.3, ("服务礼仪", "权重"): 0.2})
    refused = run("payout", result)
    assert_handled(refused, 1)
    assert f"张三!{cell(result, '张三', '热线接通率', '权重')}" in flat(refused.output)


@pytest.mark.slow
def test_annual_checks_each_form_and_accepts_the_changed_set_with_indicators(tmp_path):
    files = []
    for period in ("2026年1月", "2026"):
        folder = tmp_path / period
        folder.mkdir()
        out = folder / f"{period}.xlsx"
        assert_handled(run("template", "考核表", "--period", period, "--indicators", "客服专员", "--person", "张三",
                           "-o", out), 0)
        fill(out, share=0.5)
        files.append(out)
    wb = openpyxl.load_workbook(files[1])
    wb.create_sheet("民主评议").append(["姓名", "得分"])
    wb["民主评议"].append(["张三", 90])
    wb.save(files[1])
    assert_handled(run("annual", *files), 0)
    put(files[0], "张三", {("热线接通率", "权重"): 0.25, ("工单按时办结率", "权重"): 0.15})
    refused = run("annual", *files)
    assert_handled(refused, 1)
    assert "2026年1月.xlsx" in flat(refused.output) and "热线接通率" in flat(refused.output)
    new = changed_set(tmp_path, "客服专员", {"热线接通率": "25%", "工单按时办结率": "15%"})
    refused_year_end = run("annual", *files, "--indicators", new)  # the year-end form still has the old weights
    assert_handled(refused_year_end, 1)
    assert "2026.xlsx" in flat(refused_year_end.output)
    put(files[1], "张三", {("热线接通率", "权重"): 0.25, ("工单按时办结率", "权重"): 0.15})
    assert_handled(run("annual", *files, "--indicators", new), 0)
