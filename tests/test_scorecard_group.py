"""Several scorecard files as one group (contract scorecard.md §4) and telling the two kinds of workbook apart by
their headers (§2): kpicli.scorecard.score_books and the kind registry (kpicli.kinds.detect), on workbooks built in
the test."""

from __future__ import annotations

import json
import time
from pathlib import Path

import openpyxl
import pytest
from builders import build_checklist, example_sheet, standard_workbook
from scorecard_builders import Ind, Part, build_scorecard, points_card, weighted_card

from kpicli import api, kinds
from kpicli.core.errors import DataError
from kpicli.io.workbook import read_workbook
from kpicli.scorecard import group_key, score_books, score_workbook
from kpicli.scorecard.explain import explain_person


def raw(path: Path):
    return read_workbook(path)


def one(tmp_path: Path, file: str, sheets: dict, **extra: object):
    return raw(build_scorecard(tmp_path / file, sheets, **extra))


def people(result) -> dict[str, dict]:
    return {p["name"]: p for p in result.to_json()["people"]}


# ---------------------------------------------------------------- the kind of a workbook


def test_kind_scorecard_checklist_and_neither(tmp_path):
    assert kinds.detect(one(tmp_path, "s.xlsx", {"张三": weighted_card()})).name == "scorecard"
    assert kinds.detect(raw(standard_workbook(tmp_path / "c.xlsx"))).name == "checklist"
    other = build_scorecard(tmp_path / "o.xlsx", {"名单": [["姓名", "部门"], ["张三", "客服部"]]})
    assert kinds.detect(raw(other)) is None
    # 考核指标 alone (no 权重/标准分 in that header row) is not a scorecard
    half = build_scorecard(tmp_path / "h.xlsx", {"表": [["序号", "考核指标", "说明"], [1, "满意度", "x"]]})
    assert kinds.detect(raw(half)) is None


def test_kind_reads_synonyms_and_a_deep_second_table(tmp_path):
    rows = [["说明"]] * 30 + [["序号", "工作目标", "分值", "实际完成"], [1, "回访", 100, None]]
    path = build_scorecard(tmp_path / "deep.xlsx", {"表": rows})
    assert kinds.detect(raw(path)).name == "scorecard"


def test_kind_both_kinds_is_an_error_naming_the_sheets(tmp_path):
    path = build_checklist(tmp_path / "both.xlsx", {"营销篇": example_sheet()})
    wb = openpyxl.load_workbook(path)
    ws = wb.create_sheet("张三")
    for row in [["姓名", "张三"], ["序号", "考核指标", "权重"], [1, "满意度", "100%"]]:
        ws.append(row)
    wb.save(path)
    with pytest.raises(DataError) as caught:
        kinds.detect(raw(path))
    message = caught.value.message
    assert "both.xlsx" in message and "营销篇" in message and "张三" in message and "分成两个工作簿" in message
    assert caught.value.problems and caught.value.problems[0].file == "both.xlsx"


@pytest.mark.slow
def test_kind_is_cheap_on_a_large_sheet(tmp_path):
    rows = [["说明", f"第{i}行的说明文字", i, i * 2] for i in range(5000)]
    path = build_scorecard(tmp_path / "big.xlsx", {"数据": rows, "张三": weighted_card()})
    book = raw(path)
    start = time.perf_counter()
    assert kinds.detect(book).name == "scorecard"
    assert time.perf_counter() - start < 0.5  # header cells only: about 20k short strings looked up


# ---------------------------------------------------------------- score_books


def test_a_folder_of_one_file_per_person_is_one_group(tmp_path):
    # every file calls its sheet 考核表: the group keys sheets by file
    a = one(tmp_path, "张三.xlsx", {"考核表": weighted_card("张三")})
    b = one(tmp_path, "李四.xlsx", {"考核表": points_card("李四")})
    c = one(tmp_path, "王五.xlsx", {"考核表": weighted_card("王五", department="物业服务中心")})
    result = score_books([a, b, c])
    assert not result.has_errors, result.problems
    found = people(result)
    # 张三 and 王五 92.8 (weighted_card), 李四 84 (points_card): one ranking over all three files
    assert {n: (p["score"], p["rank"]) for n, p in found.items()} == {"张三": (92.8, 1), "李四": (84.0, 3),
                                                                       "王五": (92.8, 1)}
    assert (found["张三"]["department_rank"], found["李四"]["department_rank"]) == (1, 2)
    assert found["王五"]["department_rank"] == 1
    assert found["李四"]["sheet"] == group_key("李四.xlsx", "考核表") == "[李四.xlsx]考核表"
    assert result.period == "2026年第1季度"
    # each person's sections stay with that person
    assert [s["section"] for s in found["李四"]["sections"]] == ["经营指标", "管理指标"]
    assert [s["section"] for s in found["张三"]["sections"]] == ["业绩考核", "行为考核"]
    # and explain finds a person of the group
    ex = explain_person(result, "李四")
    assert str(ex.score) == "84.00"


def test_two_department_workbooks_rank_over_everyone(tmp_path):
    a = one(tmp_path, "客服部.xlsx", {"张三": weighted_card("张三"), "李四": points_card("李四")})
    b = one(tmp_path, "物业.xlsx", {"赵六": points_card("赵六", department="物业服务中心")})
    result = score_books([a, b])
    assert not result.has_errors
    ranks = {n: (p["rank"], p["department_rank"]) for n, p in people(result).items()}
    assert ranks == {"张三": (1, 1), "李四": (2, 2), "赵六": (2, 1)}


def test_one_file_scores_as_score_workbook(tmp_path):
    book = one(tmp_path, "a.xlsx", {"张三": weighted_card(), "李四": points_card()})
    alone, grouped = score_workbook(book).to_json(), score_books([book]).to_json()
    assert alone == grouped
    assert grouped["people"][0]["sheet"] == "张三"  # no [file] prefix for a single file


def test_problems_carry_the_file_and_the_plain_sheet(tmp_path):
    good = one(tmp_path, "a.xlsx", {"考核表": weighted_card("张三")})
    bad_card = points_card("李四", sections=[Part("一、经营指标 60", [Ind("回款", 30, "扣分 每次2", "2.5"),
                                                                       Ind("办证", 30, "直接", reviewer1=40)]),
                                            Part("二、管理指标 40", [Ind("制度", 40, None, reviewer1=30)])])
    bad = one(tmp_path, "b.xlsx", {"考核表": bad_card})
    result = score_books([good, bad])
    errors = [p for p in result.problems if p.level == "error"]
    assert errors and all(p.file == "b.xlsx" and p.sheet == "考核表" for p in errors)
    assert {p.cell for p in errors} >= {"G6", "I7"}  # 2.5 incidents in 实际完成; 40 points above 30 in 上级评分
    # every problem, read or scored, names its file
    assert result.problems and all(p.file in ("a.xlsx", "b.xlsx") for p in result.problems)


def test_the_same_person_in_two_files_names_both(tmp_path):
    a = one(tmp_path, "一月交.xlsx", {"考核表": weighted_card("张三")})
    b = one(tmp_path, "补交.xlsx", {"张三": points_card("张三")})
    result = score_books([a, b])
    dup = [p for p in result.problems if p.level == "error" and "同时出现" in p.message]
    assert len(dup) == 1
    assert "一月交.xlsx" in dup[0].message and "补交.xlsx" in dup[0].message and "考核表" in dup[0].message
    assert (dup[0].file, dup[0].sheet, dup[0].cell) == ("补交.xlsx", "张三", "B2")
    # the same name in another department is another person
    c = one(tmp_path, "物业.xlsx", {"考核表": weighted_card("张三", department="物业服务中心")})
    assert not score_books([a, c]).has_errors


def test_files_of_different_periods_are_refused_naming_them(tmp_path):
    a = one(tmp_path, "一季度.xlsx", {"张三": weighted_card("张三")})
    later = points_card("李四")
    later.person = {**later.person, "考核期间": "2026年第2季度"}
    b = one(tmp_path, "二季度.xlsx", {"李四": later})
    c = one(tmp_path, "也是一季度.xlsx", {"王五": weighted_card("王五")})
    with pytest.raises(DataError) as caught:
        score_books([a, b, c])
    message = caught.value.message
    assert "2026年第1季度：一季度.xlsx、也是一季度.xlsx" in message and "2026年第2季度：二季度.xlsx" in message
    assert {p.file for p in caught.value.problems} == {"一季度.xlsx", "二季度.xlsx", "也是一季度.xlsx"}


def test_a_file_without_period_joins_the_group(tmp_path):
    card = weighted_card("王五")
    card.person = {k: v for k, v in card.person.items() if k != "考核期间"}
    a = one(tmp_path, "a.xlsx", {"张三": weighted_card("张三")})
    b = one(tmp_path, "b.xlsx", {"王五": card})
    result = score_books([a, b])
    assert not result.has_errors and result.period == "2026年第1季度"


def test_checklists_mixed_with_scorecards_are_refused_naming_the_files(tmp_path):
    """The registry keeps the kinds apart: a group of scorecards never meets a checklist (kpicli.api.several)."""
    card = build_scorecard(tmp_path / "张三.xlsx", {"张三": weighted_card()})
    checklist = standard_workbook(tmp_path / "检查表.xlsx")
    outcomes = list(api.check_each([card, checklist]))
    refused = [o for o in outcomes if o.error is not None]
    assert [o.path.name for o in refused] == ["张三.xlsx"] and [o.path.name for o in outcomes] == ["检查表.xlsx", "张三.xlsx"]
    assert "检查表.xlsx" in refused[0].error.message and "张三.xlsx" in refused[0].error.message
    assert [p.file for p in refused[0].error.problems] == ["张三.xlsx"]


def test_a_file_holding_both_kinds_is_refused_naming_file_and_sheets(tmp_path):
    path = build_scorecard(tmp_path / "混合.xlsx", {"张三": weighted_card()},
                           extra={"营销篇": [["序号", "触点名称", "城市公司"], [1, "案场接待", "完成"]]})
    a = build_scorecard(tmp_path / "a.xlsx", {"李四": points_card()})
    outcomes = {o.path.name: o for o in api.check_each([a, path])}
    assert outcomes["a.xlsx"].error is None and outcomes["a.xlsx"].value.kind == "scorecard"
    error = outcomes["混合.xlsx"].error
    assert isinstance(error, DataError) and "混合.xlsx" in error.message and "营销篇" in error.message
    assert "张三" in error.message and error.problems[0].file == "混合.xlsx"


def test_a_file_of_neither_kind_is_an_error_with_its_name(tmp_path):
    a = one(tmp_path, "a.xlsx", {"张三": weighted_card()})
    other = raw(build_scorecard(tmp_path / "名单.xlsx", {"名单": [["姓名", "部门"], ["张三", "客服部"]]}))
    result = score_books([a, other])
    errors = [p for p in result.problems if p.level == "error"]
    assert len(errors) == 1 and errors[0].file == "名单.xlsx" and "没有找到绩效考核表" in errors[0].message


def test_different_company_names_warn_and_keep_the_first(tmp_path):
    a = one(tmp_path, "a.xlsx", {"张三": weighted_card()}, extra={"基本信息": [["公司名称", "甲公司"]]})
    b = one(tmp_path, "b.xlsx", {"李四": points_card()}, extra={"基本信息": [["公司名称", "乙公司"]]})
    result = score_books([a, b])
    assert result.company == "甲公司"
    warned = [p for p in result.problems if p.level == "warning" and "公司名称不同" in p.message]
    assert warned and "甲公司：a.xlsx" in warned[0].message and "乙公司：b.xlsx" in warned[0].message


def test_empty_group_is_refused():
    with pytest.raises(DataError):
        score_books([])


def test_same_file_name_in_two_folders_is_told_apart(tmp_path):
    (tmp_path / "一组").mkdir()
    (tmp_path / "二组").mkdir()
    a = raw(build_scorecard(tmp_path / "一组" / "考核.xlsx", {"考核表": weighted_card("张三")}))
    b = raw(build_scorecard(tmp_path / "二组" / "考核.xlsx", {"考核表": points_card("李四")}))
    result = score_books([a, b])
    assert not result.has_errors
    sheets = {p["name"]: p["sheet"] for p in result.to_json()["people"]}
    assert sheets["张三"] != sheets["李四"] and "一组" in sheets["张三"]


def test_json_is_strict_with_a_missing_department_and_an_unscored_person(tmp_path):
    # pandas stores a column of texts and None as strings with NaN: the JSON must still say null
    a = one(tmp_path, "a.xlsx", {"张三": weighted_card("张三"), "无部门": weighted_card("王五", department=None),
                                 "空表": [["姓名", "赵六"], ["序号", "考核指标", "权重"]]})
    b = one(tmp_path, "b.xlsx", {"李四": points_card("李四")})
    for result in (score_workbook(a), score_books([a, b])):
        data = json.loads(json.dumps(result.to_json(), ensure_ascii=False, allow_nan=False))
        found = {p["name"]: p for p in data["people"]}
        assert found["王五"]["department"] is None and found["王五"]["department_rank"] is None
        assert (found["赵六"]["score"], found["赵六"]["grade"]) == (None, None)
        assert found["张三"]["grade"] == "A"
