"""One period parser (kpicli.core.period) for every place a period is written, both kinds (issue #18, one home).

FORMS lists every form any reader accepted before the parsers were merged (checklist 季度/年度 cells and file
names, scorecard 考核期间 cells and --period), with the period it means. Each place is tested over the whole table
on real workbooks: the checklist 季度 and 年度 cells, the checklist file name, the checklist --quarter and --year options, the
scorecard 考核期间 cell, the scorecard file name and the scorecard --period option.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
from builders import assert_handled, rank_json, run
from scorecard_builders import build_scorecard, weighted_card
from test_accidents_names import period_book

from kpicli import api
from kpicli.core.errors import KpiError
from kpicli.core.period import (
    Period,
    find_period,
    parse_period,
    period_option,
    quarter_option,
    read_period,
    year_option,
)

Q1, Q3 = Period(2026, quarter=1), Period(2026, quarter=3)
MARCH, SEPTEMBER = Period(2026, month=3), Period(2026, month=9)
YEAR = Period(2026)

# (as written, the period it means): every form with its year
FORMS: list[tuple[object, Period]] = [
    ("2026Q1", Q1), ("2026q1", Q1), ("2026-Q1", Q1), ("2026_Q1", Q1), ("2026.Q1", Q1), ("2026 Q1", Q1),
    ("2026年Q1", Q1), ("2026年第1季度", Q1), ("2026年第一季度", Q1), ("2026年第1季", Q1), ("2026年1季度", Q1),
    ("2026年一季度", Q1), ("2026年度第1季度", Q1), ("2026.1季度", Q1), ("2026-1季度", Q1), ("2026第三季度", Q3),
    ("2026年第3", Q3), ("2026年3q", Q3), ("２０２６年第３季度", Q3), ("2026 年 第 三 季 度", Q3),
    ("2026年3月", MARCH), ("2026年03月", MARCH), ("2026年3月份", MARCH), ("2026-3月", MARCH), ("2026.03月", MARCH),
    ("2026-09-30", SEPTEMBER), ("2026/9/30", SEPTEMBER), ("2026.9.30", SEPTEMBER), ("2026年9月30日", SEPTEMBER),
    (datetime(2026, 9, 30), SEPTEMBER), (date(2026, 3, 1), MARCH),
    (2026, YEAR), ("2026", YEAR), ("2026年", YEAR), ("2026年度", YEAR), ("2026全年", YEAR), ("2026年全年", YEAR),
]
# A bare number after the year: the quarter in a 季度 cell, the month in a 考核期间 cell or option, nothing in a name
BARE: list[tuple[str, int]] = [("2026-1", 1), ("2026.1", 1), ("2026/1", 1), ("2026年1", 1), ("2026_3", 3)]
# Only where the year is written beside it (the 季度 cell): the quarter
NO_YEAR: list[tuple[object, int]] = [
    (3, 3), (3.0, 3), ("3", 3), ("Q3", 3), ("q3", 3), ("3Q", 3), ("第3季度", 3), ("三季度", 3), ("第三季度", 3),
    ("第三季", 3), ("第三", 3), ("３", 3), ("Ｑ３", 3),
]
NOT_PERIODS: list[object] = ["第五季度", "2026年13月", "2026Q5", "3月", "1999年度", "季度", "", None, True, 2026.5,
                             datetime(1900, 1, 3), "2026-02-30", "第三季渡"]
# a file name cannot hold "/"; in a name or title 2026 and 2026年 do not say the whole year (年度/全年 do)
IN_NAMES = [(written, period) for written, period in FORMS
            if isinstance(written, str) and "/" not in written and written not in ("2026", "2026年")]


@pytest.mark.parametrize(("written", "period"), FORMS)
def test_every_form_is_one_period(written, period):
    assert parse_period(written) == period
    assert parse_period(written, bare="quarter") == period


@pytest.mark.parametrize(("written", "number"), BARE)
def test_a_bare_number_after_the_year_is_what_the_place_says(written, number):
    assert parse_period(written) == Period(2026, month=number)
    assert parse_period(written, bare="quarter") == Period(2026, quarter=number)
    assert find_period(f"考核表_{written.replace('/', '-')}.xlsx") is None
    assert find_period("考核表_2026.xlsx") is None and find_period("20260315_考核表") is None


@pytest.mark.parametrize(("written", "quarter"), NO_YEAR)
def test_a_quarter_without_its_year_is_a_quarter_but_no_period(written, quarter):
    found = read_period(written, bare="quarter")
    assert found is not None and (found.year, found.in_quarter) == (None, quarter)
    assert parse_period(written) is None and parse_period(written, bare="quarter") is None


@pytest.mark.parametrize("written", NOT_PERIODS)
def test_what_is_no_period_is_refused(written):
    assert parse_period(written) is None and parse_period(written, bare="quarter") is None
    if isinstance(written, str):
        with pytest.raises(ValueError, match="无法识别"):
            period_option(written)


@pytest.mark.parametrize(("written", "period"), IN_NAMES)
def test_every_written_form_is_found_in_a_file_name(written, period):
    assert find_period(f"江城置业_{written}_考核表.xlsx") == period
    assert find_period(f"{written}考核表") == period


def test_a_period_is_a_value_with_a_label_an_order_and_a_json_form():
    assert [p.label for p in (Q1, MARCH, YEAR)] == ["2026年第1季度", "2026年3月", "2026年度"]
    assert [p.file_label for p in (Q1, MARCH, YEAR)] == ["2026Q1", "2026年03月", "2026年度"]
    assert str(Q3) == "2026年第3季度" and MARCH.in_quarter == 1 and SEPTEMBER.in_quarter == 3 and YEAR.in_quarter is None
    assert sorted([Period(2027), SEPTEMBER, Q3, YEAR, MARCH, Q1]) == [YEAR, Q1, MARCH, Q3, SEPTEMBER, Period(2027)]
    assert Q1.to_json() == {"year": 2026, "quarter": 1, "month": None, "label": "2026年第1季度"}
    assert {Q1, Period(2026, 1)} == {Q1} and parse_period(Q1.label) == Q1 and parse_period(MARCH.label) == MARCH
    for bad in ({"year": 1999}, {"year": 2026, "quarter": 5}, {"year": 2026, "month": 13},
                {"year": 2026, "quarter": 1, "month": 1}, {"year": "2026"}):
        with pytest.raises(ValueError):
            Period(**bad)  # type: ignore[arg-type]


# ---- each place, on real workbooks ----

@pytest.mark.slow
@pytest.mark.parametrize(("written", "period"), [*FORMS, *((w, Period(2026, quarter=q)) for w, q in BARE)])
def test_the_checklist_quarter_cell_takes_every_form(tmp_path, written, period):
    a = api.check(period_book(tmp_path, {"公司名称": "测试公司", "年度": 2026, "季度": written}))
    errors = [p for p in a.problems if p.level == "error"]
    if period.in_quarter is None:  # a whole year is no quarter
        assert [(p.sheet, p.cell) for p in errors] == [("基本信息", "B4")]
    else:
        assert not errors and (a.year, a.quarter) == (2026, period.in_quarter), written
        if period.month is not None and not isinstance(written, (date, datetime)):
            (info,) = [p for p in a.problems if p.level == "info" and p.cell == "B4"]
            assert f"第{period.in_quarter}季度" in info.message


@pytest.mark.slow
@pytest.mark.parametrize(("written", "quarter"), NO_YEAR)
def test_the_checklist_quarter_cell_takes_a_quarter_without_its_year(tmp_path, written, quarter):
    a = api.check(period_book(tmp_path, {"公司名称": "测试公司", "年度": 2026, "季度": written}))
    assert (a.year, a.quarter) == (2026, quarter) and not [p for p in a.problems if p.level == "error"]


@pytest.mark.slow  # over 0.2 s of CPU (0.25 s measured)
def test_the_checklist_quarter_cell_and_file_name_take_the_forms_only_the_scorecard_took(tmp_path):
    """2026年3月 (a month) and 2026_Q1 / 2026年第1季 (once checklist-only) in both kinds' cells."""
    a = api.check(period_book(tmp_path, {"公司名称": "测试公司", "季度": "2026年3月"}))
    assert (a.year, a.quarter) == (2026, 1)
    named = period_book(tmp_path, {"公司名称": "测试公司"}, name="2026.1季度_客户触点检查表.xlsx")
    assert (api.check(named).year, api.check(named).quarter) == (2026, 1)


@pytest.mark.slow
@pytest.mark.parametrize(("written", "period"), IN_NAMES)
def test_the_checklist_file_name_takes_every_form(tmp_path, written, period):
    path = period_book(tmp_path, {"公司名称": "测试公司"}, name=f"{written}_客户触点检查表.xlsx")
    a = api.check(path)
    assert a.year == 2026 and a.quarter == period.in_quarter, written


def scorecard(tmp_path: Path, written: object, name: str = "考核表.xlsx") -> Path:
    person = {"姓名": "张三", "部门": "客服部", "岗位": "客服主管", "绩效奖金基数": 5000}
    if written is not None:
        person["考核期间"] = written
    return build_scorecard(tmp_path / name, {"张三": weighted_card(person=person, title="员工绩效考核表")})


@pytest.mark.slow
@pytest.mark.parametrize(("written", "period"), [*FORMS, *((w, Period(2026, month=m)) for w, m in BARE)])
def test_the_scorecard_period_cell_takes_every_form(tmp_path, written, period):
    result = api.check(scorecard(tmp_path, written))
    assert result.period == period.label and not [p for p in result.problems if p.level == "error"], written


def test_the_scorecard_period_cell_takes_the_forms_only_the_checklist_took(tmp_path):
    for written, period in (("2026_Q1", Q1), ("2026年第1季", Q1), ("2026.1季度", Q1)):
        assert api.check(scorecard(tmp_path, written)).period == period.label


@pytest.mark.slow
@pytest.mark.parametrize(("written", "period"), IN_NAMES)
def test_the_scorecard_file_name_gives_the_period_a_form_lacks(tmp_path, written, period):
    result = api.check(scorecard(tmp_path, None, name=f"{written}_客服部绩效考核表.xlsx"))
    assert result.period == period.label, written
    (info,) = [p for p in result.problems if "文件名" in p.message]
    assert info.level == "info" and period.label in info.message


@pytest.mark.parametrize(("written", "period"), IN_NAMES[::4])
def test_a_scorecard_title_gives_the_period_a_form_lacks(tmp_path, written, period):
    person = {"姓名": "张三", "部门": "客服部", "绩效奖金基数": 5000}
    path = build_scorecard(tmp_path / "2025Q4_表.xlsx",
                           {"张三": weighted_card(person=person, title=f"{written}客服主管绩效考核表")})
    assert api.check(path).period == period.label, written


def test_a_scorecard_period_cell_wins_over_its_file_name(tmp_path):
    result = api.check(scorecard(tmp_path, "2026年3月", name="2026Q2_客服部绩效考核表.xlsx"))
    assert result.period == "2026年3月" and not [p for p in result.problems if "文件名" in p.message]
    assert api.check(scorecard(tmp_path, None, name="客服部绩效考核表.xlsx")).period is None


@pytest.mark.slow
@pytest.mark.parametrize(("written", "period"), [
    *((w, p) for w, p in FORMS if isinstance(w, str)), *((w, Period(2026, month=m)) for w, m in BARE)])
def test_the_scorecard_period_option_takes_every_form(tmp_path, written, period):
    out = tmp_path / "表.xlsx"
    assert_handled(run("template", "考核表", "--period", written, "--indicators", "客服专员", "-o", out), 0)
    assert api.check(out).period == period.label


def test_an_unreadable_period_option_is_refused_in_chinese(tmp_path):
    result = run("template", "考核表", "--period", "2026年第五季度", "-o", tmp_path / "表.xlsx")
    assert result.exit_code == 2 and "考核期间「2026年第五季度」无法识别" in result.output


def test_a_checklist_named_by_a_month_gets_its_quarter(tmp_path):
    a = api.check(period_book(tmp_path, {"公司名称": "测试公司"}, name="2026年08月_客户触点检查表.xlsx"))
    assert (a.year, a.quarter) == (2026, 3)


# ---- the checklist's --quarter and --year options: the forms a 季度 / 年度 cell takes ----

QUARTER_FORMS = [(w, p) for w, p in FORMS if p.in_quarter is not None]
YEAR_FORMS = [(w, p) for w, p in FORMS if p == YEAR]


@pytest.mark.parametrize(("written", "period"), [*QUARTER_FORMS, *((w, Period(2026, quarter=q)) for w, q in BARE)])
def test_the_quarter_option_reads_every_form_with_its_year(written, period):
    found = quarter_option(written)
    assert (found.year, found.in_quarter) == (2026, period.in_quarter), written


@pytest.mark.parametrize(("written", "quarter"), NO_YEAR)
def test_the_quarter_option_reads_a_quarter_without_its_year(written, quarter):
    found = quarter_option(written)
    assert (found.year, found.in_quarter) == (None, quarter)


@pytest.mark.parametrize(("written", "period"), YEAR_FORMS)
def test_the_year_option_reads_every_form_of_a_whole_year(written, period):
    assert year_option(written) == period.year


@pytest.mark.parametrize("written", [*NOT_PERIODS, "2026Q1", "2026年3月", "2026-09-30", "3"])
def test_what_is_no_year_is_refused_as_a_year(written):
    with pytest.raises(ValueError, match="不是年度"):
        year_option(written)


@pytest.mark.parametrize("written", [*(w for w in NOT_PERIODS if w not in (None, True)), "2026", "2026年度"])
def test_what_is_no_quarter_is_refused_as_a_quarter(written):
    with pytest.raises(ValueError, match="不是季度"):
        quarter_option(written)


@pytest.mark.slow  # one check per form
@pytest.mark.parametrize(("written", "period"), YEAR_FORMS)
def test_the_checklist_year_cell_takes_every_form_of_a_whole_year(tmp_path, written, period):
    a = api.check(period_book(tmp_path, {"公司名称": "测试公司", "年度": written, "季度": 3}))
    assert (a.year, a.quarter) == (period.year, 3) and not [p for p in a.problems if p.level == "error"], written


@pytest.mark.slow  # one rank per form
@pytest.mark.parametrize(("written", "period"), [
    *((w, p) for w, p in QUARTER_FORMS if isinstance(w, str)), *((w, Period(2026, quarter=q)) for w, q in BARE)])
def test_the_checklist_quarter_option_takes_every_form(tmp_path, written, period):
    path = period_book(tmp_path, {"公司名称": "测试公司", "年度": 2025, "季度": 4})
    data = rank_json(path, "--quarter", written)
    assert (data["year"], data["quarter"]) == (2026, period.in_quarter), written  # the option's year counts too


@pytest.mark.slow  # one rank per form
@pytest.mark.parametrize(("written", "quarter"), [(w, q) for w, q in NO_YEAR if isinstance(w, str)])
def test_the_checklist_quarter_option_takes_a_quarter_without_its_year(tmp_path, written, quarter):
    path = period_book(tmp_path, {"公司名称": "测试公司", "年度": 2025, "季度": 4})
    data = rank_json(path, "--quarter", written)
    assert (data["year"], data["quarter"]) == (2025, quarter), written


@pytest.mark.slow  # one rank per form
@pytest.mark.parametrize(("written", "period"), [(w, p) for w, p in YEAR_FORMS if isinstance(w, str)])
def test_the_checklist_year_option_takes_every_form(tmp_path, written, period):
    path = period_book(tmp_path, {"公司名称": "测试公司", "年度": 2025, "季度": 4})
    assert rank_json(path, "--year", written)["year"] == period.year, written


def test_the_quarter_and_year_options_on_a_checklist(tmp_path):
    """Quick-loop proof through the CLI: a named quarter with its year, a year form, and a disagreement refused."""
    path = period_book(tmp_path, {"公司名称": "测试公司", "年度": 2025, "季度": 4})
    data = rank_json(path, "--year", "2026年度", "--quarter", "二季度")
    assert (data["year"], data["quarter"]) == (2026, 2)
    result = run("rank", path, "--year", "2025", "--quarter", "2026Q1")
    assert result.exit_code == 2 and "--year 写的是 2025 年，--quarter 写的是 2026 年" in result.output, result.output
    result = run("rank", path, "--quarter", "2026年度")
    assert result.exit_code == 2 and "--quarter 的取值无效：「2026年度」不是季度" in result.output, result.output


@pytest.mark.slow  # over 0.2 s of CPU (0.8 s measured): a template and its check
def test_the_template_quarter_option_takes_a_quarter_with_its_year(tmp_path):
    out = tmp_path / "表.xlsx"
    assert_handled(run("template", "检查表", "--quarter", "2027年第3季", "-p", "云栖府", "-o", out), 0)
    checked = api.check(out, allow_blank=True)
    assert (checked.year, checked.quarter) == (2027, 3)


# ---- kpicli.api's year= and quarter=: the values a Period takes, or a Chinese refusal ----

BAD_VALUES = [({"year": "2026年"}, "考核年度「2026年」"), ({"year": 2026.0}, "考核年度「2026.0」"),
              ({"quarter": 5}, "季度「5」应为 1–4"), ({"quarter": "Q1"}, "季度「Q1」应为 1–4")]


@pytest.mark.slow  # one read per value
def test_the_library_refuses_a_year_or_quarter_no_period_has(tmp_path):
    """Once, rank(…, quarter=5) labelled the result 2026年第5季度 and year="2026年" gave 2026年年第1季度."""
    path = period_book(tmp_path, {"公司名称": "测试公司", "年度": 2026, "季度": 1})
    for given, message in BAD_VALUES:
        with pytest.raises(KpiError, match=message):
            api.rank(path, **given)
    assert api.rank(path, year=2027, quarter=2).period_label == "2027年第2季度"


def test_template_and_collect_refuse_a_year_or_quarter_no_period_has_before_writing(tmp_path):
    for given, message in BAD_VALUES:
        values = {"year": 2026, "quarter": 1, **given}
        with pytest.raises(KpiError, match=message):
            api.template("检查表", tmp_path / "模板.xlsx", projects=["甲"], **values)
        with pytest.raises(KpiError, match=message):
            api.collect([tmp_path], tmp_path / "汇总.xlsx", **values)
    assert list(tmp_path.iterdir()) == []
