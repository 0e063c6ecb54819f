"""The year of scorecards (contract scorecard.md §6): `kpicli annual` over monthly (or quarterly) forms, the
year-end form and a 民主评议 sheet, on workbooks built in each test and on the samples made by
sample_workbooks/make_scorecard_year.py (绩效考核表/)."""

from __future__ import annotations

import json
import re
import shutil
import zipfile
from fractions import Fraction
from pathlib import Path
from xml.etree import ElementTree

import openpyxl
import pytest
from builders import assert_handled, flat, run, standard_workbook
from lo import convert, pdf_text, render_page, require_soffice
from samples import SCORECARDS
from scorecard_builders import Card, Ind, Part, RedLine, build_scorecard, points_card, weighted_card

from kpicli.io.workbook import read_workbook
from kpicli.scorecard.annual import YearRefused, score_year

SAMPLES = SCORECARDS
MONTHS = [f"2026年{m:02d}月_客服部绩效考核表.xlsx" for m in (1, 2, 3)]
YEAR_END = "2026年度_客服部年终考核表.xlsx"
PERSON_KEYS = ["name", "department", "periods", "missing", "periodic_average", "year_end", "review", "computed",
               "reason", "score", "grade", "coefficient", "bonus", "rank", "red_lines"]


def card(kind: str, name: str, period: str, department: str | None = "客服部", **changes: object) -> Card:
    """weighted_card (92.8, or 88.8 with behaviour "3级") or points_card (84) of `period`."""
    made = weighted_card(name, department) if kind == "weighted" else points_card(name, department)
    made.person = {**made.person, "考核期间": period}
    if kind == "weighted" and changes.get("behaviour"):
        sections = list(made.sections)
        sections[1] = Part("二、行为考核(20%)", [Ind("服务意识", "100%", "等级 1:20; 2:40; 3:60; 4:80; 5:100",
                                                 changes["behaviour"])])
        made.sections = sections
    if changes.get("red_line"):  # weighted only: the builder's points layout has no red-line table
        red = Part("三、电网指标", [RedLine("泄露客户信息", "是"), RedLine("收受回扣", "否")])
        made.sections = [*made.sections[:2], red]
    return made


def review_rows(*rows: tuple[object, ...], headers: tuple[str, ...] = ("姓名", "部门", "得分")) -> list[list[object]]:
    return [["客服部2026年度民主评议"], [], list(headers), *[list(r) for r in rows]]


def the_year(tmp_path: Path, *, review: list[list[object]] | None = None) -> list[Path]:
    """张三 in 1–3月 (92.8, 84, 88.8) and the year-end form (84, base 8000); 李四 in 1月 and 3月 only;
    王五 in the forms but not in the review. Review: 张三 91, 李四 80."""
    one = build_scorecard(tmp_path / "1月.xlsx", {"张三": card("weighted", "张三", "2026年1月"),
                                                  "李四": card("weighted", "李四", "2026年1月"),
                                                  "王五": card("weighted", "王五", "2026年1月")})
    two = build_scorecard(tmp_path / "2月.xlsx", {"张三": card("points", "张三", "2026年2月"),
                                                  "王五": card("points", "王五", "2026年2月")})
    three = build_scorecard(tmp_path / "3月.xlsx", {"张三": card("weighted", "张三", "2026年3月", behaviour="3级"),
                                                    "李四": card("points", "李四", "2026年3月"),
                                                    "王五": card("weighted", "王五", "2026年3月")})
    rows = review or review_rows(("张三", "客服部", 91), ("李四", None, 80))
    year_end = build_scorecard(tmp_path / "年终.xlsx", {"张三": card("points", "张三", "2026年度"),
                                                        "李四": card("weighted", "李四", "2026年度"),
                                                        "王五": card("weighted", "王五", "2026年度")},
                               extra={"民主评议": rows})
    return [one, two, three, year_end]


def year_json(*args: object) -> dict:
    result = run("annual", *args, "--format", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def by_name(data: dict) -> dict[str, dict]:
    return {p["name"]: p for p in data["people"]}


# ---------------------------------------------------------------- the composite


def test_hand_computed_composite_and_json_shape(tmp_path):
    data = year_json(*the_year(tmp_path))
    assert list(data) == ["kind", "year", "people", "problems"]
    assert (data["kind"], data["year"]) == ("scorecard_annual", 2026)
    zhang = by_name(data)["张三"]
    assert list(zhang) == PERSON_KEYS
    assert zhang["periods"] == {"1月": 92.8, "2月": 84.0, "3月": 88.8}
    # mean (92.8 + 84 + 88.8) / 3 = 88.5333…; × 30% = 26.56; 84 × 65% = 54.6; 91 × 5% = 4.55 → 85.71
    assert zhang["periodic_average"] == 88.533333
    assert (zhang["year_end"], zhang["review"]) == (84.0, 91.0)
    assert (zhang["score"], zhang["grade"], zhang["coefficient"], zhang["bonus"]) == (85.71, "B+", 0.9, 7200.0)
    assert (zhang["computed"], zhang["reason"], zhang["missing"], zhang["red_lines"]) == (True, None, [], [])
    exact = (Fraction("92.8") + 84 + Fraction("88.8")) / 3 * Fraction(30, 100) + 84 * Fraction(65, 100) + 91 * Fraction(5, 100)
    assert exact == Fraction("85.71")


@pytest.mark.slow  # over 0.2 s of CPU (0.21 s measured)
def test_missing_period_is_listed_and_not_counted(tmp_path):
    li = by_name(year_json(*the_year(tmp_path)))["李四"]
    assert li["periods"] == {"1月": 92.8, "3月": 84.0} and li["missing"] == ["2月"]
    assert li["periodic_average"] == 88.4  # (92.8 + 84) / 2, never (92.8 + 0 + 84) / 3
    # 88.4 × 30% + 92.8 × 65% + 80 × 5% = 26.52 + 60.32 + 4 = 90.84; the review without 部门 matched by name
    assert (li["review"], li["score"], li["grade"], li["coefficient"], li["bonus"]) == (80.0, 90.84, "A", 1.0, 5000.0)


@pytest.mark.slow  # several runs of kpicli (> 0.15 s)
def test_not_computed_people_have_reasons_no_score_and_no_rank(tmp_path):
    rows = review_rows(("张三", "客服部", 91), ("李四", None, 80), ("赵六", "客服部", 88))
    data = year_json(*the_year(tmp_path, review=rows))
    people = by_name(data)
    wang, zhao = people["王五"], people["赵六"]
    assert wang["computed"] is False and "民主评议表中没有此人的得分" in wang["reason"]
    assert zhao["computed"] is False and "年终考核表中没有此人" in zhao["reason"] and "月度考核表中都没有此人" in zhao["reason"]
    for p in (wang, zhao):
        assert (p["score"], p["grade"], p["coefficient"], p["bonus"], p["rank"]) == (None, None, None, None, None)
    assert wang["periodic_average"] is not None  # what exists is still shown
    assert [(p["name"], p["rank"]) for p in data["people"]] == [("李四", 1), ("张三", 2), ("王五", None),
                                                                ("赵六", None)]
    table = run("annual", *the_year(tmp_path, review=rows), columns=160)
    assert table.exit_code == 0, table.output
    assert "未计算（2 人，不参与排名）" in table.output and "赵六（客服部）：年终考核表中没有此人" in flat(table.output)


@pytest.mark.slow  # over 0.2 s of CPU (0.26 s measured)
def test_without_a_year_end_form_or_a_review_nobody_is_computed(tmp_path):
    files = the_year(tmp_path)
    data = year_json(*files[:3])
    assert all(not p["computed"] and p["score"] is None for p in data["people"])
    assert "没有年终考核表" in by_name(data)["张三"]["reason"] and "没有「民主评议」表" in by_name(data)["张三"]["reason"]
    only_year_end = year_json(files[3])
    assert by_name(only_year_end)["张三"]["reason"] == "没有月度考核表"


@pytest.mark.slow  # over 0.2 s of CPU (0.21 s measured)
def test_a_red_line_of_any_period_applies_to_the_year(tmp_path):
    files = the_year(tmp_path)
    build_scorecard(files[0], {"张三": card("weighted", "张三", "2026年1月", red_line=True),
                               "李四": card("weighted", "李四", "2026年1月"), "王五": card("weighted", "王五", "2026年1月")})
    zhang = by_name(year_json(*files))["张三"]
    assert zhang["red_lines"] == ["泄露客户信息（1月）"]
    assert zhang["score"] == 85.71  # kept (red_line = lowest)
    assert (zhang["grade"], zhang["coefficient"], zhang["bonus"]) == ("C", 0.0, 0.0)


def test_weights_come_from_the_rules_file(tmp_path):
    files = the_year(tmp_path)
    rules = tmp_path / "kpicli.toml"
    rules.write_text('[scorecard.annual]\nweights = { "月度平均" = 40, "年终考核" = 50, "民主评议" = 10 }\n',
                     encoding="utf-8")
    zhang = by_name(year_json(*files, "--rules", rules))["张三"]
    # 88.5333… × 40% + 84 × 50% + 91 × 10% = 35.41333… + 42 + 9.1 = 86.51333… → 86.51
    assert zhang["score"] == 86.51


def test_quarters_are_averaged_as_quarters(tmp_path):
    q1 = build_scorecard(tmp_path / "q1.xlsx", {"张三": card("weighted", "张三", "2026年第1季度")})
    q3 = build_scorecard(tmp_path / "q3.xlsx", {"张三": card("points", "张三", "2026Q3")})
    end = build_scorecard(tmp_path / "y.xlsx", {"张三": card("points", "张三", "2026年度")},
                          extra={"民主评议": review_rows(("张三", "客服部", 90))})
    zhang = by_name(year_json(q1, q3, end))["张三"]
    assert zhang["periods"] == {"第1季度": 92.8, "第3季度": 84.0} and zhang["missing"] == []
    assert zhang["score"] == round(88.4 * 0.3 + 84 * 0.65 + 90 * 0.05, 2) == 85.62


# ---------------------------------------------------------------- refusals


@pytest.mark.slow  # over 0.2 s of CPU (0.23 s measured)
def test_two_workbooks_of_one_period_are_refused_naming_both(tmp_path):
    files = the_year(tmp_path)
    again = shutil.copy(files[0], tmp_path / "1月_重复.xlsx")
    result = run("annual", *files, again)
    assert_handled(result, 1)
    assert "1月.xlsx" in result.output and "1月_重复.xlsx" in result.output and "同一考核期间" in result.output
    twice = run("annual", files[0], files[0], files[3])
    assert_handled(twice, 1)
    assert "给了不止一次" in twice.output


@pytest.mark.slow  # over 0.2 s of CPU (0.24 s measured)
def test_different_years_are_refused_naming_the_files(tmp_path):
    files = the_year(tmp_path)
    build_scorecard(files[2], {"张三": card("weighted", "张三", "2025年3月")})
    result = run("annual", *files)
    assert_handled(result, 1)
    assert "不属于同一年度" in result.output and "2025年：3月.xlsx" in flat(result.output)


@pytest.mark.slow  # over 0.2 s of CPU (0.25 s measured)
def test_months_mixed_with_quarters_and_checklists_are_refused(tmp_path):
    files = the_year(tmp_path)
    quarter = build_scorecard(tmp_path / "q2.xlsx", {"张三": card("weighted", "张三", "2026年第2季度")})
    mixed = run("annual", *files, quarter)
    assert_handled(mixed, 1)
    assert "有的按月、有的按季度" in mixed.output and "q2.xlsx" in mixed.output
    checklist = standard_workbook(tmp_path / "2026Q1_客户触点检查表.xlsx")
    result = run("annual", *files, checklist, "--format", "json")
    assert_handled(result, 1)
    assert "2026Q1_客户触点检查表.xlsx" in result.stderr
    refused = json.loads(result.stdout)
    assert (refused["kind"], refused["year"], refused["people"]) == ("scorecard_annual", None, [])
    assert refused["problems"][0]["file"] == "2026Q1_客户触点检查表.xlsx"


@pytest.mark.slow  # over 0.2 s of CPU (0.28 s measured)
def test_errors_in_a_workbook_or_the_review_refuse_the_year(tmp_path):
    bad_review = review_rows(("张三", "客服部", 120), ("李四", None, "良好"))
    result = run("annual", *the_year(tmp_path, review=bad_review))
    assert_handled(result, 1)
    text = flat(result.output)
    assert "年终.xlsx" in text and "民主评议!C4" in text and "超出0–100" in text and "民主评议!C5" in text
    empty = Card(person={"姓名": "张三", "考核期间": "2026年度"}, sections=[Part("一、业绩(100%)", [Ind("a", "100%")])])
    files = [*the_year(tmp_path)[:3], build_scorecard(tmp_path / "空.xlsx", {"张三": empty})]
    with pytest.raises(YearRefused) as refused:  # an empty form is an error (§4), never a year-end score of 0
        score_year([read_workbook(p) for p in files])
    assert "空.xlsx：1 个错误" in refused.value.message and "没有任何评分" in refused.value.message


def test_a_review_without_department_for_two_people_of_that_name_is_an_error(tmp_path):
    files = the_year(tmp_path, review=review_rows(("张三", "客服部", 91), ("李四", None, 80), ("王五", None, 85)))
    build_scorecard(files[3], {"张三": card("points", "张三", "2026年度"), "李四": card("weighted", "李四", "2026年度"),
                               "王五": card("weighted", "王五", "2026年度"),
                               "王五 (物业)": card("weighted", "王五", "2026年度", department="物业服务中心")},
                    extra={"民主评议": review_rows(("张三", "客服部", 91), ("李四", None, 80), ("王五", None, 85))})
    result = run("annual", *files)
    assert_handled(result, 1)
    assert "有 2 位「王五」" in result.output and "请在民主评议表中填写部门" in flat(result.output)


# ---------------------------------------------------------------- the two kinds, the workbook


@pytest.mark.slow  # over 0.2 s of CPU (0.31 s measured)
def test_score_ignores_the_review_sheet_and_checklist_years_are_unchanged(tmp_path):
    files = the_year(tmp_path)
    scored = run("rank", files[3], "--format", "json")
    assert scored.exit_code == 0, scored.output
    assert any(p["level"] == "info" and p["sheet"] == "民主评议" for p in json.loads(scored.stdout)["problems"])
    checklist = standard_workbook(tmp_path / "2026Q1_客户触点检查表.xlsx")
    year = run("annual", checklist, "--format", "json")
    assert year.exit_code == 0, year.output
    assert "functions" in json.loads(year.stdout) and "kind" not in json.loads(year.stdout)


@pytest.mark.slow  # over 0.2 s of CPU (0.30 s measured)
def test_the_annual_workbook_has_its_sheets_and_a_coloured_line_chart(tmp_path):
    out = tmp_path / "年度汇总.xlsx"
    result = run("annual", *the_year(tmp_path), "-o", out)
    assert result.exit_code == 0, result.output
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["年度汇总", "未计算名单", "问题清单"]
    summary = book["年度汇总"]
    header = [c.value for c in summary[4]]
    assert header[:8] == ["姓名", "部门", "1月", "2月", "3月", "月度平均", "年终考核", "民主评议"]
    rows = {r[0]: r for r in summary.iter_rows(min_row=5, max_row=7, values_only=True)}
    assert rows["张三"][8] == 85.71 and rows["李四"][3] is None  # a missing period is blank: a gap in the chart
    assert rows["王五"][8] == "未计算"
    assert [r[0] for r in book["未计算名单"].iter_rows(min_row=5, values_only=True)] == ["王五"]
    with zipfile.ZipFile(out) as package:
        charts = [n for n in package.namelist() if n.startswith("xl/charts/chart")]
        assert len(charts) == 1
        xml = package.read(charts[0]).decode("utf-8")
    tags = [element.tag.rsplit("}", 1)[-1] for element in ElementTree.fromstring(xml).iter()]
    assert "lineChart" in tags and tags.count("ser") == 3  # one line per person
    assert re.findall(r'srgbClr val="(\w+)"', xml)[:2] == ["4F81BD", "4F81BD"]  # explicit colours (render/chart.py)
    assert "'年度汇总'!$C$4:$E$4" in xml and "'年度汇总'!$A$5" in xml  # periods as categories, names as titles


# ---------------------------------------------------------------- the sample year


@pytest.fixture(scope="module")
def sample_year(tmp_path_factory) -> list[Path]:
    folder = tmp_path_factory.mktemp("year")
    return [Path(shutil.copy(SAMPLES / name, folder / name)) for name in [*MONTHS, YEAR_END]]


@pytest.mark.slow  # over 0.2 s of CPU (0.36 s measured)
def test_the_sample_year(sample_year):
    people = by_name(year_json(*sample_year))
    zhou = people["周晓琳"]
    periods = [Fraction(str(v)) for v in zhou["periods"].values()]
    exact = (sum(periods) / 3 * Fraction(30, 100) + Fraction(str(zhou["year_end"])) * Fraction(65, 100)
             + Fraction(str(zhou["review"])) * Fraction(5, 100))
    assert zhou["periods"] == {"1月": 98.08, "2月": 88.6, "3月": 101.6} and exact == Fraction("96.5355")
    # half-up at the end of the exact sum: 96.54 (the mean rounded first, 96.09, would give 96.53)
    assert (zhou["score"], zhou["grade"], zhou["coefficient"], zhou["bonus"], zhou["rank"]) == (96.54, "A", 1.2, 36000.0, 1)
    assert people["吴雨桐"]["missing"] == ["2月"] and len(people["吴雨桐"]["periods"]) == 2
    assert people["黄志强"]["red_lines"] == ["瞒报、漏报重大投诉或群诉事件（2月）"] and people["黄志强"]["grade"] == "C"
    assert people["赵敏"]["computed"] is False and people["赵敏"]["reason"] == "民主评议表中没有此人的得分"
    assert sorted(p["rank"] for p in people.values() if p["computed"]) == [1, 2, 3, 4, 5]


@pytest.mark.slow  # LibreOffice renders the annual workbook
def test_the_sample_annual_workbook_prints_with_its_chart(sample_year, tmp_path):
    require_soffice()
    out = tmp_path / "year.xlsx"
    assert run("annual", *sample_year, "-o", out).exit_code == 0
    pdf = convert(out, "pdf", tmp_path)[0]
    first = pdf_text(pdf, 1, 1)
    assert "绩效考核年度汇总" in first and "周晓琳" in first and "96.54" in first and "个人月度得分趋势" in first
    assert "未计算名单" in pdf_text(pdf) and "民主评议表中没有此人的得分" in pdf_text(pdf)
    from lo import count_colour

    page = render_page(pdf, 1, tmp_path / "page1", dpi=60, fmt="ppm")
    assert count_colour(page, (0x4F, 0x81, 0xBD)) > 150  # the first person's line is drawn, in its colour
