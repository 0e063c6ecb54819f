"""`kpicli template --period …`: blank scorecards from an indicator set and a roster (issue #14, part 1).

The forms must read back through kpicli exactly like a filled scorecard: blank, `check` says only 表格尚未填写; filled
by a script that writes nothing but the value cells, they score without a problem, to the hand-computed total.
"""

from __future__ import annotations

import csv
import json
from fractions import Fraction
from pathlib import Path

import openpyxl
import pytest
from builders import assert_handled, flat, run
from lo import convert, pdf_page_texts, pdf_pages, pdf_word_heights, require_soffice

from kpicli import api
from kpicli.core.errors import KpiError
from kpicli.scorecard.apply import check_rule
from kpicli.scorecard.indicators import load_indicator_set, packaged_sets
from kpicli.scorecard.rule import parse_rule

REPO = Path(__file__).resolve().parents[1]
SETS = ("客服专员", "客服主管", "客服经理", "物业客服")
VALUE_HEADERS = ("实际完成", "自评", "上级评分", "二级评分", "是否触及")


def write_csv(path: Path, rows: list[list[object]]) -> Path:
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        csv.writer(f).writerows(rows)
    return path


def roster(path: Path, rows: list[list[object]] | None = None) -> Path:
    return write_csv(path, [["姓名", "部门", "岗位", "绩效奖金基数", "指标套"], *(rows or [
        ["张三", "客服部", "客服专员", 5000, ""],
        ["李四", "客服部", "客服主管", 6000, ""],
        ["王五", "物业服务中心", "项目客服经理", "", "客服经理"],
        ["赵六", "物业服务中心", "管家", 3200, "物业客服"],
    ])])


def make(tmp_path: Path, *args: object) -> Path:
    out = tmp_path / "表.xlsx"
    result = run("template", "考核表", "--period", "2026Q1", "-o", out, *args)
    assert_handled(result, 0)
    assert "空白绩效考核表已写入" in flat(result.output)
    return out


def tables(ws) -> list[dict]:
    """The item and red-line rows of a form as openpyxl sees it: [{row, name, cols: header → column}]."""
    found, cols = [], None
    for row in ws.iter_rows():
        texts = {c.value: c.column for c in row if isinstance(c.value, str)}
        if "考核指标" in texts:
            cols = texts
            continue
        first = row[0].value
        if cols is None or first is None or first == "合计" or not isinstance(first, int):
            if first == "合计" or (isinstance(first, str) and "签字" in first):
                cols = None
            continue
        found.append({"row": row[0].row, "name": ws.cell(row[0].row, cols["考核指标"]).value, "cols": cols})
    return found


def fill(path: Path, values: dict[str, dict[str, dict[str, object]]], default: object = "full") -> None:
    """Write only value cells: values[sheet][indicator][header]; every other item gets 上级评分 = its maximum
    (default "full"), red lines 否."""
    wb = openpyxl.load_workbook(path)
    for ws in wb.worksheets:
        mine = values.get(ws.title, {})
        for item in tables(ws):
            cols = item["cols"]
            if "是否触及" in cols:
                ws.cell(item["row"], cols["是否触及"]).value = mine.get(item["name"], {}).get("是否触及", "否")
                continue
            given = mine.get(item["name"])
            if given is None and default == "full":
                maximum = ws.cell(item["row"], cols.get("权重", cols.get("标准分"))).value
                given = {"上级评分": maximum * 100 if "权重" in cols else maximum}
            for header, value in (given or {}).items():
                assert header in VALUE_HEADERS
                ws.cell(item["row"], cols[header]).value = value
    wb.save(path)


# ------------------------------------------------------------------------------------------- indicator sets


@pytest.mark.parametrize("name", SETS)
def test_packaged_sets_are_valid_and_add_up(name):
    assert name in packaged_sets()
    found = load_indicator_set(name)
    assert found.red_lines and len(found.sections) >= 2
    for section in found.sections:
        for item in section.items:
            rule = parse_rule(item.rule_text)  # every 计分方式 parses and fits its item, checked again here
            assert check_rule(rule, item.points) == [], (item.name, item.rule_text)
            assert item.requirement and item.standard_text
    if found.weighted:
        assert sum(s.weight for s in found.sections) == 100
        assert all(s.points == 100 for s in found.sections)
    else:
        assert sum(s.points for s in found.sections) == 100
    kinds = {type(i.rule).__name__ for s in found.sections for i in s.items}
    assert len(kinds) >= 4  # the sets show the rule kinds, not just 直接


def test_packaged_sets_are_text_files_in_the_package_data_folder():
    folder = REPO / "templates" / "indicators"
    assert {p.stem for p in folder.glob("*.csv")} >= set(SETS)
    text = (folder / "客服专员.csv").read_text(encoding="utf-8")
    assert text.splitlines()[0] == "部分,部分权重,考核指标,指标要求,权重,评分标准,计分方式"


@pytest.mark.parametrize(("row", "where", "words"), [
    (["业绩", "100%", "接通率", "要求", "60%", "说明", "分档 ≥95%:60; ≥85%:30; <80%:0"],
     "第 3 行「计分方式」列", "80%–85%"),
    (["业绩", "100%", "接通率", "要求", "60%", "说明", "分档 ≥95%:70; <95%:0"], "第 3 行「计分方式」列", "超过本项满分"),
    (["业绩", "100%", "接通率", "要求", "60%", "说明", "评级 A:60"], "第 3 行「计分方式」列", "无法识别"),
    (["业绩", "100%", "接通率", "要求", "六十", "说明", "直接"], "第 3 行「权重」列", "应为正数"),
    (["业绩", "100%", "接通率", "要求", "50%", "说明", "直接"], "部分「业绩」各项权重之和为 90%", "应为 100%"),
    (["红线", "", "泄密", "", "10%", "", ""], "第 3 行「权重」列", "红线事项不计分"),
])
def test_a_bad_user_set_is_refused_naming_file_row_and_column(tmp_path, row, where, words):
    path = write_csv(tmp_path / "我的指标.csv", [
        ["部分", "部分权重", "考核指标", "指标要求", "权重", "评分标准", "计分方式"],
        ["业绩", "100%", "投诉", "要求", "40%", "说明", "扣分 每次5"],
        row,
    ])
    result = run("template", "考核表", "--period", "2026Q1", "--indicators", path, "-o", tmp_path / "x.xlsx")
    assert_handled(result, 2)
    text = flat(result.output)
    assert "我的指标.csv" in text and flat(where) in text and flat(words) in text, result.output
    assert not (tmp_path / "x.xlsx").exists()


def test_a_user_set_in_a_workbook_with_percent_cells(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "指标"
    ws.append(["我司热线岗指标"])  # a title above the header row
    ws.append(["部分", "部分权重", "考核指标", "指标要求", "权重", "评分标准", "计分方式"])
    ws.append(["业绩", 0.8, "接通率", "≥95%", 0.6, "见办法", "达标 ≥95%"])
    ws.append(["业绩", None, "投诉", "为0", 0.4, "每起扣10分", "扣分 每次10"])
    ws.append(["态度", 0.2, "礼仪", "规范", 1, "上级评", "直接"])
    wb.save(tmp_path / "热线.xlsx")
    found = load_indicator_set(tmp_path / "热线.xlsx")
    assert found.name == "热线" and found.layout == "权重"
    assert [(s.name, s.weight, [i.points for i in s.items]) for s in found.sections] == [
        ("业绩", 80, [60, 40]), ("态度", 20, [100])]
    ws["G4"] = "扣分 每起"
    wb.save(tmp_path / "热线.xlsx")
    with pytest.raises(KpiError, match=r"热线\.xlsx「指标」G4"):
        load_indicator_set(tmp_path / "热线.xlsx")


def test_an_unknown_set_name_lists_the_packaged_ones(tmp_path):
    result = run("template", "考核表", "--period", "2026Q1", "--indicators", "保安", "-o", tmp_path / "x.xlsx")
    assert_handled(result, 2)
    assert all(name in flat(result.output) for name in SETS)


# ------------------------------------------------------------------------------------------- the forms


@pytest.mark.slow  # over 0.2 s of CPU (0.25 s measured)
def test_blank_template_check_says_only_that_the_forms_are_not_filled(tmp_path):
    out = make(tmp_path, "--people", roster(tmp_path / "人员.csv"))
    result = run("check", out)
    assert_handled(result, 1)
    lines = [line for line in result.output.splitlines() if line.strip().startswith("[")]
    assert len(lines) == 4 and all("表格尚未填写" in line for line in lines), result.output
    assert {n for n in ("张三", "李四", "王五", "赵六") if any(n in line for line in lines)} == {"张三", "李四", "王五", "赵六"}
    assert "[警告]" not in result.output and "[提示]" not in result.output


@pytest.mark.slow  # several runs of kpicli (> 0.15 s)
def test_a_form_filled_only_in_its_value_cells_scores_as_computed_by_hand(tmp_path):
    out = make(tmp_path, "--people", roster(tmp_path / "人员.csv"))
    fill(out, {"张三": {
        "热线接通率": {"实际完成": "96%"},                 # ≥95% → 20
        "工单按时办结率": {"实际完成": 0.9408},           # 20 × 94.08% ÷ 98% = 19.2
        "回访满意率": {"实际完成": "90.5%"},              # 1.5 steps below 92% → one step: 20 − 2 = 18
        "有效投诉": {"实际完成": 1},                      # 15 − 5 = 10
        "信息录入差错": {"实际完成": 0, "自评": 15},      # 15
        "业务知识考试": {"实际完成": 88},                 # ≥85 → 10: 业绩 92.2
        "服务礼仪": {"实际完成": "良好"},                 # 24
        "工作纪律": {"实际完成": 0},                      # 30
        "团队协作": {"自评": 20, "上级评分": 18},         # 18
        "学习成长": {"实际完成": "4级"},                  # 16: 行为 88
    }})
    result = run("rank", out, "--format", "json")
    assert_handled(result, 0)
    data = json.loads(result.stdout)
    assert [p for p in data["problems"] if p["level"] != "info"] == []
    people = {p["name"]: p for p in data["people"]}
    zhang = people["张三"]
    assert zhang["score"] == 90.94  # 70% × 92.2 + 30% × 88
    assert (zhang["department"], zhang["position"], zhang["base"], zhang["grade"], zhang["bonus"]) == (
        "客服部", "客服专员", 5000, "A", 5000.0)
    assert [(s["section"], s["weight"], s["score"]) for s in zhang["sections"]] == [
        ("业绩考核", 70, 92.2), ("行为考核", 30, 88.0)]
    assert people["李四"]["score"] == people["王五"]["score"] == people["赵六"]["score"] == 100.0
    assert people["王五"]["base"] is None and data["period"] == "2026年第1季度"
    assert zhang["red_lines"] == []


@pytest.mark.slow  # over 0.2 s of CPU (0.30 s measured)
def test_the_sum_rows_are_formulas_and_kpicli_never_uses_them(tmp_path):
    out = make(tmp_path, "--indicators", "客服经理", "--person", "王五")
    ws = openpyxl.load_workbook(out)["王五"]
    totals = [r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "合计"]
    assert len(totals) == 3
    items = tables(ws)
    first = next(i["row"] for i in items if i["name"] == "物业费收缴率")
    assert ws.cell(totals[0], 4).value == f"=SUM(D{first}:D{totals[0] - 1})"
    assert [ws.cell(totals[0], c).value for c in (8, 9, 10)] == [
        f"=SUM({c}{first}:{c}{totals[0] - 1})" for c in "HIJ"]
    fill(out, {})
    scored = json.loads(run("rank", out, "--format", "json").stdout)
    wb = openpyxl.load_workbook(out)
    for r in totals:  # what Excel would store after recalculating, and more: a typed total is never used
        for c in (8, 9, 10):
            wb["王五"].cell(r, c).value = 999
    wb.save(out)
    again = json.loads(run("rank", out, "--format", "json").stdout)
    assert again["people"][0]["score"] == scored["people"][0]["score"] == 100.0
    assert [p for p in again["problems"] if p["level"] != "info"] == []


def test_person_block_and_data_validation(tmp_path):
    out = make(tmp_path, "--people", roster(tmp_path / "人员.csv"), "--company", "江城置业")
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["基本信息", "填写说明", "张三", "李四", "王五", "赵六"]
    ws = wb["赵六"]
    assert [ws[c].value for c in ("A3", "C3", "E3", "F3", "A4", "C4", "E4", "F4", "A5", "C5")] == [
        "姓名", "赵六", "部门", "物业服务中心", "岗位", "管家", "考核期间", "2026年第1季度", "绩效奖金基数", 3200]
    rules = {}
    for dv in ws.data_validations.dataValidation:
        for cell_range in dv.sqref.ranges:
            for r, c in cell_range.cells:
                rules[ws.cell(r, c).coordinate] = dv
    items = {i["name"]: i for i in tables(ws)}

    def rule_at(name: str, header: str):
        return rules[ws.cell(items[name]["row"], items[name]["cols"][header]).coordinate]

    step = rule_at("物业费收缴率", "上级评分")  # 步进 … 上限24 on a 20-point item: bonus up to 24
    assert (step.type, step.operator, step.formula1, step.formula2, step.errorStyle) == ("decimal", "between", "0", "24",
                                                                                         "stop")
    assert rule_at("物业费收缴率", "自评").formula2 == rule_at("物业费收缴率", "二级评分").formula2 == "24"
    assert rule_at("业主有效投诉", "上级评分").formula2 == "10"
    assert rule_at("服务态度", "实际完成").formula1 == '"优秀,良好,合格,待改进"'
    assert rule_at("社区活动", "实际完成").formula1 == '"是,否"'  # 达标 without a condition
    assert (rule_at("装修巡查", "实际完成").type, rule_at("装修巡查", "实际完成").formula1) == ("whole", "0")
    assert rule_at("泄露业主个人信息", "是否触及").formula1 == '"否,是"'
    assert ws.freeze_panes == f"C{min(i['row'] for i in items.values())}"
    assert (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight, int(ws.page_setup.paperSize)) == (1, 1, 9)
    assert ws["D9"].number_format == "General" and wb["张三"]["D9"].number_format == "0%"


@pytest.mark.slow  # several runs of kpicli (> 0.15 s)
def test_sets_by_roster_column_by_position_or_the_one_given(tmp_path):
    people = roster(tmp_path / "人员.csv", [["甲", "客服部", "客服主管", "", ""], ["乙", "客服部", "管家", "", "物业客服"],
                                          ["丙", "客服部", "客服专员", "", ""]])
    wb = openpyxl.load_workbook(make(tmp_path, "--people", people))
    assert [wb[n]["A1"].value for n in ("甲", "乙", "丙")] == [
        "客服主管绩效考核表（2026年第1季度）", "管家绩效考核表（2026年第1季度）", "客服专员绩效考核表（2026年第1季度）"]
    assert [wb[n]["B9"].value for n in ("甲", "乙", "丙")] == ["客户满意度", "管辖楼栋满意度", "热线接通率"]
    only = roster(tmp_path / "两人.csv", [["甲", "客服部", "实习生", "", ""], ["乙", "客服部", "客服主管", "", ""]])
    wb = openpyxl.load_workbook(make(tmp_path, "--people", only, "--indicators", "客服专员", "--force"))
    assert wb["甲"]["B9"].value == wb["乙"]["B9"].value == "热线接通率"  # the one set given is everyone's


def test_a_roster_person_without_a_set_is_refused_naming_the_row(tmp_path):
    people = roster(tmp_path / "人员.csv", [["甲", "客服部", "客服主管", "", ""], ["乙", "客服部", "实习生", "", ""],
                                          ["丙", "客服部", "客服专员", "五千", ""]])
    result = run("template", "考核表", "--period", "2026Q1", "--people", people, "-o", tmp_path / "x.xlsx")
    assert_handled(result, 2)
    assert "人员.csv第4行「绩效奖金基数」列" in flat(result.output)
    roster(people, [["甲", "客服部", "客服主管", "", ""], ["乙", "客服部", "实习生", "", ""]])
    result = run("template", "考核表", "--period", "2026Q1", "--people", people, "-o", tmp_path / "x.xlsx")
    assert_handled(result, 2)
    assert "人员.csv第3行：乙岗位「实习生」不是指标套的名称" in flat(result.output)
    assert not (tmp_path / "x.xlsx").exists()


@pytest.mark.slow  # several runs of kpicli (> 0.15 s)
def test_split_writes_one_file_per_person_that_check_reads_as_a_group(tmp_path):
    folder = tmp_path / "各人"
    result = run("template", "考核表", "--period", "2026年3月", "--people", roster(tmp_path / "人员.csv"), "--split", "-o", folder)
    assert_handled(result, 0)
    files = sorted(p.name for p in folder.iterdir())
    assert files == ["2026年03月_客服部_张三_绩效考核表.xlsx", "2026年03月_客服部_李四_绩效考核表.xlsx",
                     "2026年03月_物业服务中心_王五_绩效考核表.xlsx", "2026年03月_物业服务中心_赵六_绩效考核表.xlsx"]
    assert openpyxl.load_workbook(folder / files[0]).sheetnames == ["张三"]
    checked = run("check", folder)
    assert_handled(checked, 1)
    assert flat(checked.output).count("表格尚未填写") == 4 and "[警告]" not in checked.output


@pytest.mark.slow  # over 0.2 s of CPU (0.28 s measured)
def test_one_blank_form_without_people_and_the_default_name(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = run("template", "考核表", "--period", "2026Q2", "--indicators", "客服专员")
    assert_handled(result, 0)
    wb = openpyxl.load_workbook(tmp_path / "2026Q2_绩效考核表.xlsx")
    assert wb.sheetnames == ["填写说明", "客服专员"] and wb["客服专员"]["C3"].value is None
    written, notes = api.template("考核表", period="2026Q2", indicators=["客服经理"],
                                  people=roster(tmp_path / "人员.csv", [["甲", "客服部", "", "", ""]]))
    assert written == [Path("2026Q2_客服部绩效考核表.xlsx")] and notes == []


@pytest.mark.parametrize(("args", "words"), [
    (["检查表", "--year", "2026"], "缺少必填选项--quarter、-p"),
    (["考核表", "--period", "2026Q1", "--indicators", "客服专员", "-p", "云栖府"],
     "--project只用于触点检查表；要生成的是绩效考核表，请去掉--project再运行"),
    (["考核表", "--indicators", "客服专员"], "需要--period"),
    (["考核表", "--period", "2026Q5", "--indicators", "客服专员"], "考核期间「2026Q5」无法识别"),
    (["考核表", "--period", "2026Q1"], "请用--indicators给出一个指标套"),
    # the kind is named, never guessed from the options: today's spelling without it says how to write it
    (["--period", "2026Q1", "--indicators", "客服专员"], "请先写要生成的工作簿种类：kpiclitemplate检查表…，或kpiclitemplate考核表…"),
    (["--year", "2026", "--quarter", "1", "-p", "甲"], "见kpiclitemplate-h"),
    (["问卷", "--period", "2026Q1"], "不认识的工作簿种类「问卷」：请写检查表、考核表之一"),
    # --roster is the checklist's (copy a 人员名单); a scorecard's list of people is --people
    (["考核表", "--period", "2026Q1", "--indicators", "客服专员", "--roster", "名单.xlsx"],
     "--roster只用于触点检查表（绩效考核表的人员名单请用--people）"),
    (["检查表", "--year", "2026", "--quarter", "1", "-p", "甲", "--people", "名单.csv"],
     "--people只用于绩效考核表；要生成的是触点检查表"),
])
def test_usage_mistakes_exit_2_in_chinese(tmp_path, args, words):
    result = run("template", *args, "-o", tmp_path / "x.xlsx")
    assert_handled(result, 2)
    assert words in flat(result.output), result.output


@pytest.mark.slow  # over 0.2 s of CPU (0.22 s measured)
def test_the_checklist_template_is_unchanged(tmp_path):
    out = tmp_path / "检查表.xlsx"
    result = run("template", "检查表", "--year", "2026", "--quarter", "2", "-p", "云栖府", "-o", out)
    assert_handled(result, 0)
    assert "空白触点检查表已写入" in result.output
    assert "营销篇" in openpyxl.load_workbook(out).sheetnames


@pytest.mark.slow  # over 0.2 s of CPU (0.22 s measured)
def test_two_people_of_one_name_get_distinct_sheets(tmp_path):
    people = roster(tmp_path / "人员.csv", [["张三", "客服部", "客服专员", "", ""], ["张三", "物业服务中心", "客服专员", "", ""]])
    wb = openpyxl.load_workbook(make(tmp_path, "--people", people))
    assert wb.sheetnames[-2:] == ["张三（客服部）", "张三（物业服务中心）"]


@pytest.mark.slow
def test_every_person_prints_on_one_a4_page(tmp_path):
    require_soffice()
    out = make(tmp_path, "--people", roster(tmp_path / "人员.csv"))
    pdf = convert(out, "pdf", tmp_path / "pdf")[0]
    pages = pdf_page_texts(pdf)
    assert pdf_pages(pdf) == 5  # 填写说明, then one page per person
    assert "填写说明（2026年第1季度绩效考核表）" in pages[0] and "kpicli score" in pages[0]  # not cut at the edges
    for page, name in zip(pages[1:], ("张三", "李四", "王五", "赵六")):
        assert name in page and "合计" in page and "被考核人签字" in page
    for number in range(2, 6):
        heights = [h for word, h in pdf_word_heights(pdf, number) if word in ("序号", "考核指标")]
        assert heights and min(heights) > 5.5  # scaled to fit, still readable (10-point text at ≥ 55%)


def test_fraction_weights_make_the_points_of_the_form():
    found = load_indicator_set("客服专员")
    assert found.sections[0].items[0].points == Fraction(20)
