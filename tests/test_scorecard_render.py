"""Scorecard rendering (issue #13): the result workbook, the terminal output and explain, on built workbooks."""

from __future__ import annotations

import hashlib
import re
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from rich.cells import cell_len
from rich.console import Console

from kpicli.core.errors import KpiError
from kpicli.io.graft import GraftUnsupported
from kpicli.io.workbook import read_workbook
from kpicli.render import book as result_book_writer
from kpicli.scorecard import score_workbook
from kpicli.scorecard.explain import explain_person
from kpicli.scorecard.render.book import RESULT_SHEETS, write_scorecard_result
from kpicli.scorecard.render.terminal import print_person_explain, print_scorecard
from tests.scorecard_builders import Ind, Part, RedLine, build_scorecard, points_card, weighted_card

EXAMPLE = Path("/work/shared/docs/scorecard-example.xlsx")


def red_line_card(name: str = "王五", department: str = "工程部"):
    """Like weighted_card, but 上级 gave 回访率 50 where the rule computes 60, and a red line is touched:
    0.8 × (36 + 50) + 0.2 × 80 = 84.8, kept; grade C, K 0, pay 0."""
    return weighted_card(name, department, sections=[
        Part("一、业绩考核(80%)", [Ind("满意度", "40%", "比例 目标100%", "90%"),
                                  Ind("回访率", "60%", "分档 ≥95%:60; ≥85%:30; <85%:0", "96%", reviewer1=50)]),
        Part("二、行为考核(20%)", [Ind("服务意识", "100%", "等级 1:20; 2:40; 3:60; 4:80; 5:100", "4级")]),
        Part("三、电网指标", [RedLine("泄露客户信息", "否"), RedLine("收受回扣", "是")]),
    ])


@pytest.fixture(scope="module")
def scored(tmp_path_factory):
    folder = tmp_path_factory.mktemp("render")
    source = build_scorecard(folder / "考核.xlsx", {"张三": weighted_card(), "李四": points_card(),
                                                    "王五": red_line_card()})
    result = score_workbook(read_workbook(source))
    assert not result.has_errors, result.problems
    out = write_scorecard_result(result, source, folder / "结果.xlsx")
    return source, result, out


def table(ws, header_row: int = 4) -> list[dict[str, object]]:
    headers = [c.value for c in ws[header_row]]
    rows = []
    for row in ws.iter_rows(min_row=header_row + 1):
        if row[0].value is None and row[2].value is None:
            break
        rows.append({h: c for h, c in zip(headers, row) if h})
    return rows


@pytest.mark.slow  # over 0.2 s of CPU (0.24 s measured)
def test_sheets_result_first_then_input_byte_identical(scored):
    source, _, out = scored
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == [*RESULT_SHEETS, "张三", "李四", "王五"]
    with zipfile.ZipFile(source) as a, zipfile.ZipFile(out) as b:
        for name in a.namelist():
            if name.startswith("xl/worksheets/sheet"):
                assert b.read(name) == a.read(name).replace(b' tabSelected="1"', b""), name
    original = openpyxl.load_workbook(source)
    for name in original.sheetnames:
        assert [[c.value for c in r] for r in wb[name].iter_rows()] == \
               [[c.value for c in r] for r in original[name].iter_rows()]


def test_summary_values_grades_pay_and_ranks(scored):
    _, _, out = scored
    ws = openpyxl.load_workbook(out)["考核汇总"]
    rows = table(ws)
    by_name = {r["姓名"].value: r for r in rows}
    assert [r["姓名"].value for r in rows] == ["张三", "王五", "李四"]  # rank order; the red line keeps its total
    zhang, wang, li = by_name["张三"], by_name["王五"], by_name["李四"]
    assert (zhang["总分"].value, zhang["等级"].value, zhang["绩效系数"].value, zhang["绩效奖金"].value) == (92.8, "A", 1, 5000)
    assert zhang["总分"].number_format == "0.00" and zhang["总分"].fill.fgColor.rgb.endswith("C6EFCE")
    assert zhang["业绩考核（80%）"].value == 96 and zhang["行为考核（20%）"].value == 80
    assert (li["总分"].value, li["等级"].value, li["绩效系数"].value, li["绩效奖金"].value) == (84, "B+", 0.8, 6400)
    assert li["经营指标（60分）"].value == 48 and li["管理指标（40分）"].value == 36 and li["业绩考核（80%）"].value is None
    assert (wang["总分"].value, wang["等级"].value, wang["绩效系数"].value, wang["绩效奖金"].value) == (84.8, "C", 0, 0)
    assert wang["红线"].value == "收受回扣"
    assert [(r["排名"].value, r["部门排名"].value) for r in rows] == [(1, 1), (2, 1), (3, 2)]
    assert [r["部门"].value for r in rows] == ["客服部", "工程部", "客服部"]
    assert ws.freeze_panes == "D5" and ws.print_title_rows == "$4:$4"
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.fitToWidth == 1
    assert ws.column_dimensions["C"].width == 9


def test_chart_has_bars_of_totals_with_explicit_colours(scored):
    _, _, out = scored
    with zipfile.ZipFile(out) as z:
        charts = [n for n in z.namelist() if re.match(r"xl/charts/chart\d+\.xml$", n)]
        assert len(charts) == 1
        xml = z.read(charts[0]).decode()
    assert "<barChart>" in xml and '<a:solidFill><a:srgbClr val="4F81BD"' in xml
    assert "'考核汇总'!$C$5:$C$7" in xml and "'考核汇总'!$H$5:$H$7" in xml  # names, then 总分 after 4 sections


def test_details_differences_problems_audit(scored):
    source, result, out = scored
    wb = openpyxl.load_workbook(out)
    details = table(wb["指标明细"])
    assert len(details) == len(result.indicators) == 10
    li = next(r for r in details if r["姓名"].value == "李四" and r["考核指标"].value == "回款")
    assert (li["实际完成"].value, li["计算得分"].value, li["采用"].value, li["最终得分"].value) == ("80万", 28, "计分方式", 28)
    assert li["计分方式"].value == "步进 目标100万 每10万 1 上限40" and li["单元格"].value.startswith("李四!G")
    assert li["计算得分"].number_format == "0.00"
    zhidu = next(r for r in details if r["考核指标"].value == "制度")
    assert (zhidu["自评"].value, zhidu["上级评分"].value, zhidu["采用"].value) == (18, 16, "上级评分")
    diffs = table(wb["评分差异"])
    assert len(diffs) == 1
    d = diffs[0]
    assert (d["姓名"].value, d["考核指标"].value, d["计算得分"].value, d["评分"].value, d["评分人"].value,
            d["差额"].value, d["是否采用"].value) == ("王五", "回访率", 60, 50, "上级评分", -10, "是")
    assert re.fullmatch(r"王五!H\d+", d["单元格"].value)
    problems = table(wb["问题清单"])
    assert any(p["级别"].value == "警告" and f'{p["工作表"].value}!{p["单元格"].value}' == d["单元格"].value for p in problems)
    audit = {r[0]: r[1] for r in wb["评分规则"].iter_rows(min_row=4, values_only=True)}
    assert audit["输入文件 SHA-256"] == hashlib.sha256(source.read_bytes()).hexdigest()
    assert audit["输入文件"] == "考核.xlsx" and audit["考核期间"] == "2026年第1季度"
    assert "A ≥ 90" in audit["等级分档"] and "≥95 → 1.2" in audit["绩效系数"]
    keys = {r[2] for r in wb["评分规则"].iter_rows(min_row=4, values_only=True)}
    assert {"scorecard.grades", "scorecard.coefficients"} <= keys  # the kpicli.toml key in the side column
    assert not any("." in str(r[0]) and str(r[0]).isascii() for r in wb["评分规则"].iter_rows(min_row=4, values_only=True))


@pytest.mark.slow  # over 0.2 s of CPU (0.23 s measured)
def test_several_sources_give_result_sheets_only(scored, tmp_path):
    source, result, _ = scored
    other = build_scorecard(tmp_path / "另一个.xlsx", {"赵六": weighted_card("赵六")})
    out = write_scorecard_result(result, [source, other], tmp_path / "合并.xlsx")
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == list(RESULT_SHEETS)
    files = [v for k, v in wb["评分规则"].iter_rows(min_row=4, max_col=2, values_only=True) if k == "输入文件"]
    assert files == ["考核.xlsx", "另一个.xlsx"]


@pytest.mark.slow  # over 0.2 s of CPU (0.26 s measured)
def test_round_trip_when_the_graft_fails(scored, tmp_path, monkeypatch):
    source, result, _ = scored

    def broken(*args, **kwargs):
        raise GraftUnsupported("cannot graft")  # only this takes the slow path (issue 12)

    monkeypatch.setattr(result_book_writer, "graft", broken)
    wb = openpyxl.load_workbook(write_scorecard_result(result, source, tmp_path / "慢.xlsx"))
    assert wb.sheetnames == [*RESULT_SHEETS, "张三", "李四", "王五"]
    assert table(wb["考核汇总"])[0]["总分"].value == 92.8


def test_terminal_ranking_fits_80_columns(scored):
    _, result, _ = scored
    console = Console(record=True, width=80)
    print_scorecard(result, console)
    text = console.export_text()
    lines = text.splitlines()
    header = next(x for x in lines if "姓名" in x)
    assert "绩效系数" in header and "K" not in header  # headed in words, written one way (0.0#)
    assert re.search(r"1\s+客服部\s+张三\s+92\.80\s+A\s+1\.0\s+5,000\.00", text)
    assert re.search(r"2\s+工程部\s+王五（红线）\s+84\.80\s+C\s+0\.0\s+0\.00", text)
    assert re.search(r"3\s+客服部\s+李四\s+84\.00\s+B\+\s+0\.8\s+6,400\.00", text)
    assert "触及红线：王五（工程部）：收受回扣" in text
    assert "评分差异：1 处" in text and "王五 · 回访率：上级评分 50，计分方式 60" in text
    assert "[警告]" in text
    table_lines = lines[: lines.index(next(x for x in lines if x.startswith("触及红线")))]
    assert all(cell_len(x) <= 80 for x in table_lines)


@pytest.mark.parametrize("name, score", [("张三", "92.80"), ("李四", "84.00"), ("王五", "84.80")])
def test_explain_total_equals_the_score(scored, name, score):
    _, result, _ = scored
    ex = explain_person(result, name)
    assert ex.score == Decimal(score)
    assert ex.formula.endswith(f"→ {score}")
    console = Console(record=True, width=80)
    print_person_explain(ex, console)
    text = console.export_text()
    assert ex.formula in text
    assert all(cell_len(x) <= 80 for x in text.splitlines() if x.startswith(" ") and "  " in x.strip())


def test_explain_words(scored):
    _, result, _ = scored
    zhang = {i.indicator: i for i in explain_person(result, "张三").items}
    assert zhang["回访率"].computation == "分档：实际 96% 满足 ≥95%，得 60 分"
    assert zhang["满意度"].computation == "比例：40 × 90% ÷ 100% = 36，得 36 分"
    assert zhang["服务意识"].computation == "等级：实际 4级 → 80 分"
    ex = explain_person(result, "张三")
    assert ex.formula == "总分 = 80% × 96 + 20% × 80 = 92.8，四舍五入保留两位小数 → 92.80"
    li = {i.indicator: i for i in explain_person(result, "李四").items}
    assert li["回款"].computation == "步进：(80万−100万)÷10万 = −2 步，30 + (−2)×1 = 28，得 28 分"
    assert li["办证"].computation == "扣分：30 − 2 × 5 次 = 20，得 20 分"
    assert li["制度"].counted == "上级评分" and li["制度"].self_points == 18 and li["制度"].reviewer1 == 16
    wang = {i.indicator: i for i in explain_person(result, "王五").items}
    assert "与计分方式算出的 60 不同" in wang["回访率"].reason and wang["回访率"].points == 50
    assert any("收受回扣" in n for n in explain_person(result, "王五").notes)


def test_explain_unknown_and_ambiguous_names(tmp_path):
    source = build_scorecard(tmp_path / "重名.xlsx", {"张三甲": weighted_card("张三", "客服部"),
                                                      "张三乙": weighted_card("张三", "工程部"),
                                                      "张珊": points_card("张珊")})
    result = score_workbook(read_workbook(source))
    with pytest.raises(KpiError, match="--department"):
        explain_person(result, "张三")
    assert explain_person(result, "张三", department="工程部").sheet == "张三乙"
    with pytest.raises(KpiError, match=r"相近的姓名：.*张珊"):
        explain_person(result, "张山")
    with pytest.raises(KpiError, match="不在部门「财务部」"):
        explain_person(result, "张三", department="财务部")


@pytest.mark.skipif(not EXAMPLE.exists(), reason="scorecard-example.xlsx not present")
def test_contract_example(tmp_path):
    result = score_workbook(read_workbook(EXAMPLE))
    out = write_scorecard_result(result, EXAMPLE, tmp_path / "示例结果.xlsx")
    rows = {r["姓名"].value: r for r in table(openpyxl.load_workbook(out)["考核汇总"])}
    assert rows["示例甲"]["总分"].value == 69.6 and rows["示例乙"]["总分"].value == 92.2
    assert explain_person(result, "示例甲").score == Decimal("69.60")
    assert explain_person(result, "示例乙").score == Decimal("92.20")
