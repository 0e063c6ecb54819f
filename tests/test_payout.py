"""kpicli payout (issue 22): teams handed out with score --per-team, filled the way directors do, read back,
checked to the fen, and listed for HR; the lists of the bundled samples agree with their results."""

from __future__ import annotations

import csv
import json
import shutil
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from builders import assert_handled, flat, run, sha256
from samples import CHECKLISTS, SCORECARD_NAME, SCORECARDS

from kpicli import api

pytestmark = pytest.mark.slow  # every test reads a scored quarter (about 1 s to build once per module)

Q2 = "2026Q2_客户触点检查表.xlsx"
REWARDED, PENALISED = "2026Q2_云栖府项目_奖惩分配表.xlsx", "2026Q2_澜湾壹号项目_奖惩分配表.xlsx"


@pytest.fixture(scope="module")
def handed_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The Q2 sample scored once with --per-team: the result and a folder 分配/ with one file per team."""
    folder = tmp_path_factory.mktemp("q2")
    shutil.copy(CHECKLISTS / Q2, folder / Q2)
    result = run("score", folder / Q2, "--per-team", folder / "分配")
    assert result.exit_code == 0, result.output
    return folder


@pytest.fixture
def quarter(handed_out: Path, tmp_path: Path) -> Path:
    """A fresh copy of the scored quarter for one test."""
    target = tmp_path / "q2"
    shutil.copytree(handed_out, target)
    return target


def result_of(folder: Path) -> Path:
    return folder / "2026Q2_客户触点检查表_评分结果.xlsx"


def members(path: Path) -> list[str]:
    ws = openpyxl.load_workbook(path)["奖惩分配表"]
    return [ws.cell(r, 1).value for r in range(6, ws.max_row + 1)
            if ws.cell(r, 1).value not in (None, "合计") and ws.cell(r, 2).value]


def fill(path: Path, amounts: list[object], *, names: dict[int, str] | None = None,
         sheet: str = "奖惩分配表", first: int = 6) -> Path:
    """Type the amounts into the yellow cells (C6 on) as a director does, optionally retyping names (row → name)."""
    wb = openpyxl.load_workbook(path)
    ws = wb[sheet]
    for i, value in enumerate(amounts):
        ws.cell(first + i, 3).value = value
    for row, name in (names or {}).items():
        ws.cell(row, 1).value = name
    wb.save(path)
    return path


def fill_right(folder: Path) -> None:
    # five members each: the project director and the 营销/研发/工程/客服 managers (the 物业经理 shares no project money)
    fill(folder / "分配" / REWARDED, [1000, 500, 500, 749.5, 250.5])
    fill(folder / "分配" / PENALISED, [-1000, -500, -500, -500, -500])


def errors(result: object) -> str:
    return flat(result.output)


def test_handout_files_carry_team_amount_reason_and_roster(quarter: Path):
    rewarded = quarter / "分配" / REWARDED
    assert sorted(p.name for p in (quarter / "分配").iterdir()) == sorted([REWARDED, PENALISED])
    a = api.rank(quarter / Q2)
    roster = a.checklist.roster
    team = roster[(roster["unit"] == "云栖府") & roster["function"].ne("物业")]
    assert members(rewarded) == list(dict.fromkeys(team["name"]))
    assert not set(roster.loc[(roster["unit"] == "云栖府") & roster["function"].eq("物业"), "name"]) & set(members(rewarded))
    ws = openpyxl.load_workbook(rewarded)["奖惩分配表"]
    reward = a.projects.set_index("project").loc["云栖府", "reward"]
    assert Decimal(ws["C4"].value) == reward
    assert ws["C6"].fill.fgColor.rgb.endswith("FFF2CC")  # the yellow input cells
    total = next(r for r in range(6, ws.max_row + 1) if ws.cell(r, 1).value == "合计")
    assert ws.cell(total, 4).value.startswith("=IF(COUNT(")  # the same check formula as the result's sheet
    assert "物业" not in " ".join(p.name for p in (quarter / "分配").iterdir())


@pytest.mark.slow
def test_right_allocations_become_the_hr_list(quarter: Path):
    fill_right(quarter)
    before = {p: sha256(p) for p in (quarter / "分配").iterdir()}
    out = quarter / "发放清单.xlsx"
    result = run("payout", result_of(quarter), quarter / "分配", "-o", out, columns=120)
    assert_handled(result, 0)
    assert {p: sha256(p) for p in (quarter / "分配").iterdir()} == before  # returned files never modified
    ws = openpyxl.load_workbook(out)["发放清单"]
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=5)]
    people = [r for r in rows if r[3] and r[4] and r[4] != "小计" and r[0] != "合计"]
    assert len(people) == 10
    a = api.rank(quarter / Q2)
    for project in ("云栖府", "澜湾壹号"):
        listed = sum(Decimal(str(r[5])) for r in people if r[2] == f"{project}项目")
        assert listed == a.projects.set_index("project").loc[project, "reward"]
    zhao = next(r for r in people if r[3] == "赵明丽")
    assert zhao[5] == 1000 and zhao[8] == "奖惩分配表!C6" and zhao[7] == REWARDED
    assert "第1名" in zhao[6] and "100.00" in zhao[6]
    assert ws.freeze_panes == "A5" and int(ws.page_setup.paperSize) == 9  # A4
    assert any("制表" in str(c.value) and "备案" in str(c.value) for row in ws.iter_rows() for c in row)
    assert ws["F5"].number_format.startswith("#,##0.00")
    assert "250.50" in result.output and "3,000.00" in result.output


def test_wrong_sum_names_the_total_cell_and_writes_nothing(quarter: Path):
    fill_right(quarter)
    fill(quarter / "分配" / REWARDED, [1000, 500, 500, 749.5, 200.5])
    out = quarter / "清单.xlsx"
    result = run("payout", quarter / "分配", "-o", out)
    assert_handled(result, 1)
    assert f"{REWARDED}" in errors(result) and "奖惩分配表!C11" in errors(result)
    assert "2,950.00" in errors(result) and "50.00" in errors(result)
    assert not out.exists()
    run_ = api.payout([quarter / "分配"])
    assert run_.payout.has_errors and run_.path is None
    assert [(p.file, p.cell) for p in run_.payout.problems] == [(REWARDED, "C11")]


def test_a_fen_off_is_an_error(quarter: Path):
    fill_right(quarter)
    fill(quarter / "分配" / REWARDED, [1000, 500, 500, 749.5, 250.49])
    problems = api.payout([quarter / "分配"]).payout.problems
    assert [(p.cell, "0.01" in p.message) for p in problems] == [("C11", True)]


def test_unknown_and_misspelt_names(quarter: Path):
    fill_right(quarter)
    fill(quarter / "分配" / REWARDED, [], names={7: "张三", 8: "魏 伟"})
    result = run("payout", quarter / "分配")
    assert_handled(result, 1)
    text = errors(result)
    assert "奖惩分配表!A7" in text and "「张三」不在云栖府项目的人员名单中" in text
    assert "奖惩分配表!A8" in text and "应按人员名单写作「魏伟」" in text


def test_someone_paid_twice_in_one_team(quarter: Path):
    fill_right(quarter)
    fill(quarter / "分配" / REWARDED, [], names={7: "赵明丽"})
    problems = api.payout([quarter / "分配"]).payout.problems
    assert any(p.cell == "A7" and "出现了两次" in p.message for p in problems)


@pytest.mark.parametrize(("value", "said"), [("500", "是文本「500」"), ("五百", "是文本「五百」"),
                                             ("=SUM(1,2)", "没有保存计算结果的公式"), (True, "逻辑值")])
def test_an_amount_that_is_not_a_number(quarter: Path, value: object, said: str):
    fill_right(quarter)
    fill(quarter / "分配" / REWARDED, [1000, value])
    result = run("payout", quarter / "分配")
    assert_handled(result, 1)
    assert "奖惩分配表!C7" in errors(result) and said in errors(result)


def test_a_penalty_entered_as_positive(quarter: Path):
    fill_right(quarter)
    fill(quarter / "分配" / PENALISED, [600, -600, -600, -600, -1800])  # the sum is right
    problems = api.payout([quarter / "分配"]).payout.problems
    assert [(p.file, p.cell) for p in problems] == [(PENALISED, "C6")]
    assert "正负号不对" in problems[0].message


def test_missing_team_without_the_result(quarter: Path):
    fill_right(quarter)
    result = run("payout", quarter / "分配" / REWARDED, "-o", quarter / "清单.xlsx")
    assert_handled(result, 1)
    assert "缺少2026年第2季度澜湾壹号项目的分配表" in errors(result)
    assert not (quarter / "清单.xlsx").exists()


def test_team_returned_twice(quarter: Path):
    fill_right(quarter)
    again = quarter / "又一份"
    again.mkdir()
    shutil.copy(quarter / "分配" / REWARDED, again / "云栖府_修改版.xlsx")
    result = run("payout", quarter / "分配", again)
    assert_handled(result, 1)
    assert "云栖府项目的分配交回了2份" in errors(result) and "云栖府_修改版.xlsx" in errors(result)


def test_edited_team_amount_and_membership(quarter: Path):
    fill_right(quarter)
    wb = openpyxl.load_workbook(quarter / "分配" / REWARDED)
    wb["奖惩分配表"]["C4"].value = 2500
    wb["奖惩分配表"].delete_rows(10)  # the last member's row
    wb.save(quarter / "分配" / REWARDED)
    problems = api.payout([quarter / "分配"]).payout.problems
    assert any(p.cell == "C4" and "改成了 2,500.00" in p.message and "3,000.00" in p.message for p in problems)
    assert any("成员被改动" in p.message and "唐兰英" in p.message for p in problems)


def test_a_copy_without_kpicli_record_is_refused(quarter: Path, tmp_path: Path):
    fill_right(quarter)
    source = openpyxl.load_workbook(quarter / "分配" / REWARDED)["奖惩分配表"]
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "奖惩分配表"
    for row in source.iter_rows():
        for cell in row:
            ws.cell(cell.row, cell.column).value = cell.value
    copy = tmp_path / "自己做的.xlsx"
    wb.save(copy)
    result = run("payout", copy, quarter / "分配" / PENALISED)
    assert_handled(result, 1)
    assert "自己做的.xlsx不是kpicli写出的" in errors(result)


@pytest.mark.slow
def test_pending_teams_are_listed_and_the_others_paid(quarter: Path):
    fill(quarter / "分配" / REWARDED, [1000, 500, 500, 500, 500])
    out = quarter / "清单.xlsx"
    result = run("payout", result_of(quarter), quarter / "分配", "-o", out)
    assert_handled(result, 0)
    assert "待分配：2026年第2季度澜湾壹号项目-3,000.00" in errors(result)
    payout = api.payout([result_of(quarter), quarter / "分配"]).payout
    assert [t.label for t in payout.pending] == ["澜湾壹号项目"]
    assert {x.team for x in payout.lines} == {"云栖府项目"}


@pytest.mark.slow
def test_filled_in_the_result_and_returned_too_is_twice(quarter: Path):
    fill_right(quarter)
    fill(result_of(quarter), [1000, 500, 500, 500, 500])  # 云栖府's block of the result's own sheet
    result = run("payout", result_of(quarter), quarter / "分配")
    assert_handled(result, 1)
    assert "分配交回了2份" in errors(result)
    alone = api.payout([result_of(quarter)]).payout  # the result's own sheet is a way to return it
    assert not alone.has_errors and {x.team for x in alone.lines} == {"云栖府项目"}
    assert alone.lines[0].cell == "奖惩分配表!C6"


def test_list_as_csv_and_json_and_the_overwrite_guard(quarter: Path):
    fill_right(quarter)
    csv_out = quarter / "清单.csv"
    assert_handled(run("payout", quarter / "分配", "-o", csv_out), 0)
    assert csv_out.read_bytes().startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(csv_out.open(encoding="utf-8-sig")))
    assert rows[0][5] == "金额（元）" and {r[5] for r in rows[1:] if r[3] == "唐兰英"} == {"250.50"}
    data = json.loads(run("payout", quarter / "分配", "--format", "json").stdout)
    assert sum(Decimal(x["amount"]) for x in data["lines"]) == Decimal(0)
    assert {x["team"]: x["total"] for x in data["teams"]} == {"云栖府项目": "3000.00", "澜湾壹号项目": "-3000.00"}
    out = quarter / "清单.xlsx"
    assert_handled(run("payout", quarter / "分配", "-o", out), 0)
    assert_handled(run("payout", quarter / "分配", "-o", out), 0)  # untouched: replaced
    wb = openpyxl.load_workbook(out)
    wb["发放清单"]["G5"].value = "已发"
    wb.save(out)
    refused = run("payout", quarter / "分配", "-o", out)
    assert refused.exit_code != 0 and "改动过" in errors(refused) and "发放清单" in errors(refused)
    assert openpyxl.load_workbook(out)["发放清单"]["G5"].value == "已发"
    forced = run("payout", quarter / "分配", "-o", out, "--force")
    assert_handled(forced, 0)
    assert len(list(quarter.glob("清单_备份_*.xlsx"))) == 1


def test_per_team_is_for_checklists(tmp_path: Path):
    book = tmp_path / SCORECARD_NAME
    shutil.copy(SCORECARDS / SCORECARD_NAME, book)
    result = run("score", book, "--per-team", tmp_path / "分配")
    assert_handled(result, 2)
    assert "--per-team只用于触点检查表" in errors(result)


def test_score_will_not_replace_a_filled_handout(quarter: Path):
    fill_right(quarter)
    result = run("score", quarter / Q2, "--per-team", quarter / "分配")
    assert_handled(result, 2)
    assert "在发出后已被填写或改动" in errors(result)
    assert any(c.value == 1000 for c in openpyxl.load_workbook(quarter / "分配" / REWARDED)["奖惩分配表"]["C"])
    assert_handled(run("score", quarter / Q2, "--force", "--per-team", quarter / "分配"), 0)
    assert len(list((quarter / "分配").glob("*_备份_*.xlsx"))) == 2
    assert not any(c.value == 1000 for c in openpyxl.load_workbook(quarter / "分配" / REWARDED)["奖惩分配表"]["C"])


@pytest.mark.slow
def test_scorecard_sample_list_agrees_with_its_result(tmp_path: Path):
    book = tmp_path / SCORECARD_NAME
    shutil.copy(SCORECARDS / SCORECARD_NAME, book)
    assert_handled(run("score", book), 0)
    scored = tmp_path / "2026Q1_客服部绩效考核表_评分结果.xlsx"
    out = tmp_path / "绩效奖金.xlsx"
    assert_handled(run("payout", scored, "-o", out), 0)
    summary = openpyxl.load_workbook(scored)["考核汇总"]
    header = next(r for r in range(1, 10) if summary.cell(r, 3).value == "姓名")
    bonus_col = next(c for c in range(1, summary.max_column + 1) if summary.cell(header, c).value == "绩效奖金")
    from_result = {summary.cell(r, 3).value: Decimal(str(summary.cell(r, bonus_col).value or 0))
                   for r in range(header + 1, summary.max_row + 1) if summary.cell(r, 3).value}
    ws = openpyxl.load_workbook(out)["个人合计"]
    listed = {ws.cell(r, 1).value: Decimal(str(ws.cell(r, 2).value)) for r in range(5, ws.max_row + 1)
              if ws.cell(r, 1).value not in (None, "合计") and ws.cell(r, 2).value is not None}
    assert listed == from_result and len(listed) == 10
    lines = api.payout([scored]).payout.lines
    red = next(x for x in lines if x.name == "黄志强")
    assert red.amount == 0 and "红线" in red.reason
    assert sum(x.amount for x in lines) == sum(from_result.values())


@pytest.mark.slow
def test_scorecard_bonus_edited_in_the_result_is_an_error(tmp_path: Path):
    book = tmp_path / SCORECARD_NAME
    shutil.copy(SCORECARDS / SCORECARD_NAME, book)
    assert_handled(run("score", book), 0)
    scored = tmp_path / "2026Q1_客服部绩效考核表_评分结果.xlsx"
    wb = openpyxl.load_workbook(scored)
    wb["考核汇总"]["M5"].value = 9999
    wb.save(scored)
    problems = api.payout([scored]).payout.problems
    assert [(p.sheet, p.cell) for p in problems] == [("考核汇总", "M5")]


def test_the_year_of_scorecards_from_annual(tmp_path: Path):
    from samples import MONTH_NAMES, YEAR_END_NAME

    books = []
    for name in (*MONTH_NAMES, YEAR_END_NAME):
        shutil.copy(SCORECARDS / name, tmp_path / name)
        books.append(tmp_path / name)
    year = tmp_path / "年度.xlsx"
    assert_handled(run("annual", *books, "-o", year), 0)
    computed = {p.name: p for p in api.annual(books).result.people}
    payout = api.payout([year]).payout
    assert not payout.has_errors
    listed = {x.name: x for x in payout.lines}
    assert set(listed) == set(computed)
    for name, person in computed.items():
        assert listed[name].amount == (person.bonus if person.computed else 0), name
        assert listed[name].period == "2026年度"
    assert any("未计算年度总得分" in x.reason and x.amount == 0 for x in payout.lines)
    assert any("触及红线" in x.reason for x in payout.lines)
    wb = openpyxl.load_workbook(year)
    wb["年度汇总"]["L5"].value = 99999
    wb.save(year)
    result = run("payout", year, "-o", tmp_path / "年度清单.xlsx")
    assert_handled(result, 1)
    assert "年度汇总" in errors(result) and "改动过" in errors(result)
    assert not (tmp_path / "年度清单.xlsx").exists()


def test_two_quarters_roll_up_into_a_year_list(quarter: Path):
    fill_right(quarter)
    q1 = quarter / "2026Q1_客户触点检查表.xlsx"
    shutil.copy(CHECKLISTS / q1.name, q1)
    assert_handled(run("score", q1, "--per-team", quarter / "分配"), 0)
    both = run("score", q1, quarter / Q2, "--per-team", quarter / "再发", "--force")  # several files: one folder
    assert_handled(both, 0)
    assert {p.name[:6] for p in (quarter / "再发").iterdir()} == {"2026Q1", "2026Q2"}
    q1_files = sorted((quarter / "分配").glob("2026Q1_*.xlsx"))
    assert q1_files
    for path in q1_files:  # each director gives the whole amount to the first person on the list
        ws = openpyxl.load_workbook(path)["奖惩分配表"]
        fill(path, [ws["C4"].value])
    out = quarter / "年度清单.xlsx"
    assert_handled(run("payout", quarter / "分配", "-o", out), 0)
    payout = api.payout([quarter / "分配"]).payout
    assert set(payout.periods) == {"2026年第1季度", "2026年第2季度"}
    ws = openpyxl.load_workbook(out)["个人合计"]
    assert "年度个人合计" in ws["A1"].value
    header = [c.value for c in ws[4]]
    assert "2026年第1季度" in header and "2026年第2季度" in header and "合计（元）" in header
    total_col = header.index("合计（元）")
    for name, total, lines in payout.person_totals():
        row = next(r for r in ws.iter_rows(min_row=5, values_only=True) if r[0] == name)
        assert Decimal(str(row[total_col])) == total == sum(x.amount for x in lines)
    results = [api.rank(q1), api.rank(quarter / Q2)]
    money = sum(t.reward for a in results for t in a.projects.itertuples())
    money += sum(t.reward for a in results for t in a.functions.itertuples() if t.function != "物业")  # 服务费
    assert payout.total == money  # every team's amount paid out to the fen, both quarters


def test_libreoffice_keeps_the_hand_out_record_and_prints_the_list_on_a4(quarter: Path, tmp_path: Path):
    from lo import convert, pdf_page_sizes, pdf_text, require_soffice

    require_soffice()
    fill_right(quarter)
    saved = convert(quarter / "分配" / REWARDED, "xlsx", tmp_path / "lo")[0]  # filled, then saved by LibreOffice
    run_ = api.payout([saved, quarter / "分配" / PENALISED], quarter / "清单.xlsx")
    assert not run_.payout.has_errors, run_.payout.problems
    assert sum(x.amount for x in run_.payout.lines if x.team == "云栖府项目") == Decimal(3000)
    pdf = convert(run_.path, "pdf", tmp_path / "pdf")[0]
    width, height = pdf_page_sizes(pdf)[0]
    assert sorted((round(width), round(height))) == [595, 842]  # A4 in points
    text = flat(pdf_text(pdf))
    assert "制表" in text and "备案" in text and "250.50" in text


def test_the_terminal_list_fits_80_columns(quarter: Path):
    from rich.cells import cell_len

    fill_right(quarter)
    result = run("payout", quarter / "分配", columns=80)
    assert_handled(result, 0)
    assert max(cell_len(line) for line in result.output.splitlines()) <= 80
    assert "赵明丽" in result.output and "-3,000.00" in result.output and "合计" in result.output
