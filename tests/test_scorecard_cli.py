"""Scorecards through the same commands as checklists (issue 13): score, rank, check and explain tell the two kinds
apart by their headers, on workbooks built here (scorecard_builders) and on the bundled sample, one workbook or a
folder of one file per person scored as one group (contract scorecard.md §2, §4, §5)."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from builders import (
    assert_handled,
    build_checklist,
    example_sheet,
    flat,
    rank_json,
    result_path,
    run,
    standard_workbook,
)
from samples import SCORECARD_NAME, SCORECARDS
from scorecard_builders import Ind, Part, build_scorecard, points_card, weighted_card

from kpicli import api
from kpicli.checklist.assessment import assess
from kpicli.io.workbook import read_workbook
from kpicli.scorecard import score_workbook
from kpicli.scorecard.render.book import RESULT_SHEETS

pytestmark = pytest.mark.slow  # full kpicli runs, several per test

SAMPLE = SCORECARDS / SCORECARD_NAME
TOP_KEYS = ["kind", "company", "period", "people", "problems"]
PERSON_KEYS = {"name", "department", "position", "sheet", "sections", "score", "grade", "coefficient", "base", "bonus",
               "rank", "department_rank", "red_lines"}
CHECKLIST_KEYS = {"company", "year", "quarter", "functions", "projects", "units", "problems"}


def listing(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}


def by_name(data: dict) -> dict[str, dict]:
    return {p["name"]: p for p in data["people"]}


def two_people(path: Path, **cards: object) -> Path:
    """张三 (weighted, 92.80, A, K 1.0, pay 5000.00) and 李四 (points, 84.00, B+, K 0.8, pay 6400.00) in one workbook."""
    return build_scorecard(path, {"张三": cards.get("张三", weighted_card("张三")),
                                  "李四": cards.get("李四", points_card("李四"))})


def with_a_tier_gap(name: str) -> object:
    """A weighted card whose 回访率 rule leaves 80%–85% uncovered: an error at its 计分方式 cell (E7)."""
    card = weighted_card(name)
    card.sections = [Part("一、业绩考核(80%)", [Ind("满意度", "40%", "比例 目标100%", "90%"),
                                               Ind("回访率", "60%", "分档 ≥95%:60; ≥85%:30; <80%:0", "96%")]),
                     *card.sections[1:]]
    return card


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """客服部/: one file per person, the sheet in each called 考核表, one of them in another department."""
    folder = tmp_path / "客服部"
    folder.mkdir()
    build_scorecard(folder / "张三.xlsx", {"考核表": weighted_card("张三")})
    build_scorecard(folder / "李四.xlsx", {"考核表": points_card("李四")})
    build_scorecard(folder / "王五.xlsx", {"考核表": points_card("王五", department="物业部")})
    return folder


# --- the bundled sample --------------------------------------------------------------------------------------------


def test_rank_json_of_the_sample_is_exactly_contract_section_5():
    data = rank_json(SAMPLE)
    assert list(data) == TOP_KEYS
    assert (data["kind"], data["company"], data["period"]) == ("scorecard", "江城置业有限公司武汉城市公司", "2026年第1季度")
    assert data == score_workbook(read_workbook(SAMPLE)).to_json()  # the CLI prints what the library computes
    for person in data["people"]:
        assert set(person) == PERSON_KEYS
        assert isinstance(person["score"], float) and isinstance(person["rank"], int)
        assert isinstance(person["coefficient"], float) and isinstance(person["bonus"], float)
        assert isinstance(person["red_lines"], list)
        for section in person["sections"]:
            assert set(section) == {"section", "weight", "score"}
    for problem in data["problems"]:
        assert set(problem) == {"level", "sheet", "cell", "message"}
    people = by_name(data)
    # hand-computed in test_scorecard_samples.py
    zhou = people["周晓琳"]
    assert (zhou["score"], zhou["grade"], zhou["coefficient"], zhou["base"], zhou["bonus"]) == (91.54, "A", 1.0, 6000, 6000.0)
    assert [(s["section"], s["weight"], s["score"]) for s in zhou["sections"]] == [("业绩考核", 70, 95.2),
                                                                                   ("行为考核", 30, 83.0)]
    zheng = people["郑国华"]
    assert (zheng["score"], zheng["coefficient"], zheng["bonus"], zheng["rank"]) == (97.86, 1.2, 7800.0, 1)
    assert {s["weight"] for s in zheng["sections"]} == {None}
    huang = people["黄志强"]
    assert (huang["score"], huang["grade"], huang["coefficient"], huang["bonus"]) == (66.9, "C", 0.0, 0.0)
    assert huang["red_lines"] == ["瞒报、漏报重大投诉或群诉事件"]
    assert sorted(p["rank"] for p in people.values()) == list(range(1, 11))


def test_rank_the_sample_as_a_table():
    result = run("rank", SAMPLE, columns=120)
    assert_handled(result, 0)
    text = flat(result.output)
    assert "江城置业有限公司武汉城市公司·2026年第1季度" in text and "个人排名" in text
    assert "1物业服务中心郑国华97.86A1.27,800.00" in text
    assert "黄志强（红线）66.90C0.00.00" in text  # 绩效系数 written one way: 0.0
    assert "触及红线：黄志强（客服部）：瞒报、漏报重大投诉或群诉事件" in text
    assert "郑国华·安全管理：上级评分8，计分方式4（郑国华!I17）" in text


def test_score_the_sample_writes_the_result_workbook(tmp_path):
    out = tmp_path / "结果.xlsx"
    result = run("score", SAMPLE, "-o", out, columns=200)
    assert_handled(result, 0)
    assert f"结果已写入：{out}" in flat(result.output)
    wb = openpyxl.load_workbook(out, read_only=True)
    try:
        assert wb.sheetnames[:5] == list(RESULT_SHEETS)
        assert wb.sheetnames[5:] == read_workbook(SAMPLE).sheet_names  # the input follows, every sheet
        rows = list(wb["考核汇总"].iter_rows(values_only=True))
        header = next(r for r in rows if r and r[0] == "部门")
        first = rows[rows.index(header) + 1]
        assert first[header.index("姓名")] == "郑国华" and first[header.index("总分")] == 97.86
    finally:
        wb.close()
    as_json = run("score", SAMPLE, "-o", out, "--format", "json")
    assert_handled(as_json, 0)
    assert json.loads(as_json.stdout) == rank_json(SAMPLE)


def test_check_the_sample_lists_its_warning_and_exits_0():
    result = run("check", SAMPLE, columns=200)
    assert_handled(result, 0)
    text = flat(result.output)
    assert "2026Q1_客服部绩效考核表.xlsx（2026年第1季度，10人）" in text
    assert "[警告]郑国华!I17：上级评分8与按计分方式算出的4不同" in text
    assert "共0个错误，1个警告，1个提示" in text


def test_explain_a_person_of_the_sample_totals_the_shown_score():
    result = run("explain", SAMPLE, "--person", "周晓琳", "--department", "客服部", columns=200)
    assert_handled(result, 0)
    text = result.output
    assert "总分 = 70% × 95.2 + 30% × 83 = 91.54，四舍五入保留两位小数 → 91.54" in text
    assert "绩效奖金 = 6000 × 1.0 = 6000.00" in text
    assert "报事报修回访率（步进 目标95% 每1% 1 上限24）：步进：(97.5%−95%)÷1% = 2.5，不足一步不计，按 2 步" in text
    # every person: explain's total is the score rank shows
    shown = {p["name"]: p["score"] for p in rank_json(SAMPLE)["people"]}
    for name, score in shown.items():
        explained = api.explain(SAMPLE, person=name).explanation
        assert explained.score == Decimal(str(score)).quantize(Decimal("0.01")), name
    as_json = run("explain", SAMPLE, "--person", "郑国华", "--format", "json")
    assert_handled(as_json, 0)
    data = json.loads(as_json.stdout)
    assert (data["name"], data["score"], data["grade"], data["bonus"]) == ("郑国华", "97.86", "A", "7800")  # exact text
    assert [i["counted"] for i in data["items"] if i["indicator"] == "安全管理"] == ["上级评分"]


# --- one workbook built here -------------------------------------------------------------------------------------


def test_score_a_workbook_of_two_people_by_default_beside_it(tmp_path):
    book = two_people(tmp_path / "2026Q1_考核表.xlsx")
    result = run("score", book, columns=120)
    assert_handled(result, 0)
    out = result_path(book)
    assert out.exists()
    assert openpyxl.load_workbook(out, read_only=True).sheetnames == [*RESULT_SHEETS, "张三", "李四"]
    text = flat(result.output)
    assert "1客服部张三92.80A1.05,000.00" in text and "2客服部李四84.00B+0.86,400.00" in text


def test_an_error_in_one_sheet_refuses_the_whole_workbook(tmp_path):
    book = two_people(tmp_path / "考核表.xlsx", 李四=with_a_tier_gap("李四"))
    before = listing(tmp_path)
    scored = run("score", book, columns=200)
    assert_handled(scored, 1)
    assert "考核表.xlsx有错误，未评分，也未写入任何文件" in flat(scored.output)
    assert "李四!E7" in scored.output and "80%" in scored.output
    assert listing(tmp_path) == before  # nothing written, 张三's correct sheet included
    ranked = run("rank", book, "--format", "json")
    assert_handled(ranked, 1)
    data = json.loads(ranked.stdout)
    assert list(data) == TOP_KEYS and data["kind"] == "scorecard" and data["people"] == []
    assert [(p["sheet"], p["cell"]) for p in data["problems"] if p["level"] == "error"] == [("李四", "E7")]
    checked = run("check", book)
    assert_handled(checked, 1)
    assert "李四!E7" in checked.output
    explained = run("explain", book, "--person", "张三")
    assert_handled(explained, 1)
    assert listing(tmp_path) == before


def test_in_place_puts_the_result_into_the_workbook_after_a_backup_and_it_reads_again(tmp_path):
    book = two_people(tmp_path / "考核表.xlsx")
    ranked = rank_json(book)
    result = run("score", book, "--in-place", columns=200)
    assert_handled(result, 0)
    backups = [p for p in tmp_path.iterdir() if "_备份_" in p.name]
    assert len(backups) == 1 and openpyxl.load_workbook(backups[0]).sheetnames == ["张三", "李四"]
    assert openpyxl.load_workbook(book, read_only=True).sheetnames == [*RESULT_SHEETS, "张三", "李四"]
    # the result sheets are no input: 指标明细 has a scorecard's headers, yet the same two people come back
    assert rank_json(book) == ranked
    again = run("score", book, "-o", tmp_path / "again.xlsx")
    assert_handled(again, 0)
    assert openpyxl.load_workbook(tmp_path / "again.xlsx", read_only=True).sheetnames == [*RESULT_SHEETS, "张三",
                                                                                           "李四"]


def test_scorecard_settings_come_from_the_kpicli_toml_beside_the_workbook(tmp_path):
    book = two_people(tmp_path / "考核表.xlsx")
    (tmp_path / "kpicli.toml").write_text("[scorecard]\ncoefficients = [{ min = 90, k = 1.5 }, { min = 80, k = 1.1 }]\n"
                                          "below_coefficient = 0\n", encoding="utf-8")
    people = by_name(rank_json(book))
    assert (people["张三"]["coefficient"], people["张三"]["bonus"]) == (1.5, 7500.0)
    assert (people["李四"]["coefficient"], people["李四"]["bonus"]) == (1.1, 8800.0)
    assert people["张三"]["score"] == 92.8  # the total does not depend on the pay table
    scored = run("score", book)
    assert_handled(scored, 0)
    rules = openpyxl.load_workbook(result_path(book), read_only=True)["评分规则"]
    assert any(isinstance(v, str) and "1.5" in v for row in rules.iter_rows(values_only=True) for v in row)
    # --rules names another file: it wins over the one beside the workbook
    other = tmp_path / "其他规则.toml"
    other.write_text('[scorecard]\nred_line = "zero"\n', encoding="utf-8")
    assert by_name(rank_json(book, "--rules", other))["张三"]["coefficient"] == 1.0


def test_checklist_only_options_are_refused_and_company_overrides(tmp_path):
    book = two_people(tmp_path / "考核表.xlsx")
    for option in (["--year", "2026"], ["--quarter", "2"], ["--allow-blank"]):
        result = run("rank", book, *option)
        assert_handled(result, 2)
        assert f"{option[0]} 只用于触点检查表" in result.output and "考核期间" in result.output
    assert rank_json(book, "--company", "江城物业")["company"] == "江城物业"


def test_explain_says_which_options_fit_which_kind(tmp_path):
    book = two_people(tmp_path / "考核表.xlsx")
    checklist = standard_workbook(tmp_path / "2026Q1_客户触点检查表.xlsx")
    cases = [
        (("explain", book, "--project", "云栖府"), ["请用 --person 姓名", "--project 只用于触点检查表", "考核表.xlsx 是绩效考核表"]),
        (("explain", book), ["请用 --person 指定要解释的人", "张三、李四"]),
        (("explain", book, "--person", "张"), ["找不到「张」", "张三"]),
        (("explain", book, "--person", "张三", "--department", "物业部"), ["不在部门「物业部」", "客服部"]),
        (("explain", checklist, "--person", "张三"), ["--person 只用于绩效考核表", "请用 --project"]),
    ]
    for args, expected in cases:
        result = run(*args)
        assert_handled(result, 2)
        for text in expected:
            assert text in result.output, (args, result.output)
    fine = run("explain", book, "--person", " 张三 ", "--department", "客服部", columns=200)
    assert_handled(fine, 0)
    assert "总分 = 80% × 96 + 20% × 80 = 92.8，四舍五入保留两位小数 → 92.80" in fine.output


def test_a_workbook_holding_both_kinds_is_an_error_naming_the_sheets(tmp_path):
    book = build_scorecard(tmp_path / "混合.xlsx", {"张三": weighted_card("张三")},
                           extra={"营销篇": [["序号", "触点名称", "触点等级"], [1, "案场接待", "一级"]]})
    for command in ("check", "rank", "score"):
        result = run(command, book)
        assert_handled(result, 1)
        assert "绩效考核表（张三）" in result.output and "触点检查表（营销篇）" in result.output
    assert not result_path(book).exists()


def test_a_workbook_of_neither_kind_says_what_both_need(tmp_path):
    book = build_scorecard(tmp_path / "其他.xlsx", {}, extra={"Sheet1": [["考核指标", "目标"], ["回款", "100万"]]})
    result = run("check", book)
    assert_handled(result, 2)
    text = flat(result.output)
    assert "不是客户触点分级管理检查表" in text and "也不是绩效考核表" in text and "「权重」或「标准分」" in text


# --- a folder of one file per person: one group ------------------------------------------------------------------


def test_a_folder_of_per_person_files_is_ranked_as_one_group(folder):
    data = rank_json(folder)
    assert list(data) == TOP_KEYS and data["kind"] == "scorecard"  # one object, not one per file
    people = by_name(data)
    assert {n: (p["score"], p["rank"], p["department_rank"]) for n, p in people.items()} == {
        "张三": (92.8, 1, 1), "李四": (84.0, 2, 2), "王五": (84.0, 2, 1)}  # ranks over everyone, ties shared
    assert people["李四"]["sheet"] == "[李四.xlsx]考核表"
    table = run("rank", folder, columns=120)
    assert_handled(table, 0)
    text = flat(table.output)
    assert "绩效考核表一组（张三.xlsx、李四.xlsx、王五.xlsx，共3个文件）" in text  # the folder's order, by name
    assert "1客服部张三92.80" in text and "2物业部王五84.00" in text
    checked = run("check", folder, columns=200)
    assert_handled(checked, 0)
    assert "（2026年第1季度，3人）" in flat(checked.output)


def test_score_a_folder_writes_one_result_workbook_inside_it(folder, tmp_path):
    before = listing(folder)
    result = run("score", folder, columns=200)
    assert_handled(result, 0)
    out = folder / "客服部_评分结果.xlsx"
    assert "写出1个结果工作簿" in flat(result.output) and out.exists()
    assert {n: b for n, b in listing(folder).items() if n != out.name} == before  # inputs untouched
    wb = openpyxl.load_workbook(out, read_only=True)
    assert wb.sheetnames == list(RESULT_SHEETS)  # several files: the result sheets only
    rows = [r for r in wb["考核汇总"].iter_rows(values_only=True)]
    assert sum(1 for r in rows if r and r[2] in ("张三", "李四", "王五")) == 3
    wb.close()
    again = run("rank", folder, "--format", "json")  # the result workbook in the folder is skipped
    assert_handled(again, 0)
    assert len(json.loads(again.stdout)["people"]) == 3
    named = run("score", folder, "-o", tmp_path / "全员.xlsx", "--format", "json")
    assert_handled(named, 0)
    assert (tmp_path / "全员.xlsx").exists() and list(json.loads(named.stdout)) == TOP_KEYS
    into = tmp_path / "结果"
    into.mkdir()
    assert_handled(run("score", folder, "-o", into), 0)
    assert [p.name for p in into.iterdir()] == ["客服部_评分结果.xlsx"]
    refused = run("score", folder, "--in-place")
    assert_handled(refused, 2)
    assert "--in-place只用于一个工作簿" in flat(refused.output)


def test_files_of_different_periods_are_refused_naming_the_files(folder):
    card = points_card("赵六")
    card.person = {**card.person, "考核期间": "2026年第2季度"}
    build_scorecard(folder / "赵六.xlsx", {"考核表": card})
    before = listing(folder)
    result = run("score", folder, columns=200)
    assert_handled(result, 1)
    text = flat(result.output)
    assert "考核期间不同" in text and "2026年第2季度：赵六.xlsx" in text and "张三.xlsx" in text
    assert listing(folder) == before
    ranked = run("rank", folder, "--format", "json")
    assert_handled(ranked, 1)
    data = json.loads(ranked.stdout)
    assert list(data) == TOP_KEYS and data["people"] == [] and data["problems"]


def test_an_error_in_one_persons_file_refuses_the_group(folder):
    build_scorecard(folder / "王五.xlsx", {"考核表": with_a_tier_gap("王五")})
    result = run("rank", folder, "--format", "json")
    assert_handled(result, 1)
    errors = [p for p in json.loads(result.stdout)["problems"] if p["level"] == "error"]
    assert [(p["sheet"], p["cell"]) for p in errors] == [("考核表", "E7")]
    text = flat(run("check", folder, columns=200).output)
    assert "王五.xlsx" in text and "考核表!E7" in text


def test_checklists_mixed_with_scorecards_refuse_the_scorecards_naming_the_files(folder, tmp_path):
    standard_workbook(folder / "2026Q1_客户触点检查表.xlsx")
    result = run("rank", folder, "--format", "json")
    assert_handled(result, 1)
    data = json.loads(result.stdout)
    assert [(e["file"], e["kind"]) for e in data] == [("2026Q1_客户触点检查表.xlsx", "checklist"), ("张三.xlsx", "scorecard"),
                                                      ("李四.xlsx", "scorecard"), ("王五.xlsx", "scorecard")]
    assert data[0]["projects"] and not data[0]["problems"]  # the checklist is ranked as ever
    for entry in data[1:]:
        assert entry["people"] == [] and "不能与触点检查表（2026Q1_客户触点检查表.xlsx）一起评分" in entry["problems"][0]["message"]
    before = listing(folder)
    refused = run("score", folder, "-o", tmp_path / "全员.xlsx")
    assert_handled(refused, 2)
    assert "-o不能是一个文件" in flat(refused.output)
    assert listing(folder) == before and not (tmp_path / "全员.xlsx").exists()


# --- checklists: only "kind" is new -------------------------------------------------------------------------------


def test_a_checklists_json_gains_only_kind(tmp_path):
    book = standard_workbook(tmp_path / "2026Q1_客户触点检查表.xlsx")
    data = rank_json(book)
    assert data["kind"] == "checklist" and set(data) == CHECKLIST_KEYS | {"kind"}
    assert data == assess(book).to_json()
    spec = example_sheet()
    spec.items[1].results = {**spec.items[1].results, "示例项目甲": ("完成", "进行中")}
    broken = build_checklist(tmp_path / "坏.xlsx", {"营销篇": spec})
    blocked = run("rank", broken, "--format", "json")
    assert_handled(blocked, 1)
    assert set(json.loads(blocked.stdout)) == CHECKLIST_KEYS | {"kind"}
    assert json.loads(blocked.stdout)["kind"] == "checklist"
