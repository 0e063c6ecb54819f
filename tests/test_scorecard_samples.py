"""The scorecard sample, sample_workbooks/绩效考核表/2026Q1_客服部绩效考核表.xlsx (made by make_scorecards.py): it scores
cleanly, three people score exactly what a hand computation gives, explain agrees, and the result workbook holds
what the summary says. Regeneration is checked in test_samples.py with the other samples."""

from __future__ import annotations

import importlib.util
from decimal import Decimal

import openpyxl
import pytest
from samples import SAMPLE_ROOT, SCORECARD_NAME, SCORECARDS

from kpicli import kinds
from kpicli.io.workbook import read_workbook
from kpicli.scorecard import score_workbook
from kpicli.scorecard.explain import explain_person
from kpicli.scorecard.render.book import write_scorecard_result
from kpicli.scorecard.values import fmt

SAMPLE = SCORECARDS / SCORECARD_NAME


@pytest.fixture(scope="module")
def result():
    return score_workbook(read_workbook(SAMPLE))


@pytest.fixture(scope="module")
def people(result) -> dict[str, dict]:
    return {p["name"]: p for p in result.to_json()["people"]}


def test_the_sample_is_a_clean_scorecard_workbook(result, people):
    assert kinds.detect(read_workbook(SAMPLE)).name == "scorecard"
    data = result.to_json()
    assert (data["kind"], data["company"], data["period"]) == ("scorecard", "江城置业有限公司武汉城市公司", "2026年第1季度")
    assert not result.has_errors, result.problems
    assert len(people) == 10
    departments = {p["department"] for p in people.values()}
    assert departments == {"客服部", "物业服务中心"}
    assert all(p["base"] and p["bonus"] is not None for p in people.values())
    # both layouts: weighted sections (客服部) and points sections without weights (物业服务中心)
    assert {s["weight"] for s in people["周晓琳"]["sections"]} == {70, 30}
    assert {s["weight"] for s in people["郑国华"]["sections"]} == {None}
    # every 计分方式 kind is used, and 上限
    rules = set(result.indicators["rule_text"])
    for kind in ("直接", "分档", "达标", "比例", "扣分", "步进", "等级"):
        assert any(r.startswith(kind) for r in rules), kind
    assert any("上限" in r for r in rules)
    # ranks over both departments, competition style
    assert sorted(p["rank"] for p in people.values()) == list(range(1, 11))


def test_zhou_xiaolin_weighted_layout_by_hand(people):
    # 业绩考核 (70%), weights 30/20/20/15/15 %:
    #   客户满意度 91.5% → 分档 ≥90% → 30;  投诉处理及时率 96% → 比例 20 × 96 ÷ 100 = 19.2
    #   报事报修回访率 97.5% → 步进 (97.5 − 95) ÷ 1 = 2.5 → 2 steps → 20 + 2 = 22 (≤ 上限 24)
    #   有效投诉 2 → 扣分 15 − 3 × 2 = 9;  客户档案完整率 99.2% → 达标 ≥98% → 15
    #   Σ = 95.2 of 100 → section score 100 × 95.2 ÷ 100 = 95.2
    # 行为考核 (30%): 良好 20; 4级 20; 执行力 上级 22; 学习与成长 二级 21 (上级 20; the latest reviewer counts)
    #   Σ = 83 of 100 → 83
    # total 0.7 × 95.2 + 0.3 × 83 = 66.64 + 24.9 = 91.54 → A (≥ 90), K 1.0 (90–95), pay 6000 × 1.0 = 6000.00
    p = people["周晓琳"]
    assert [(s["section"], s["weight"], s["score"]) for s in p["sections"]] == [("业绩考核", 70, 95.2),
                                                                                ("行为考核", 30, 83.0)]
    assert (p["score"], p["grade"], p["coefficient"], p["base"], p["bonus"]) == (91.54, "A", 1.0, 6000, 6000.0)
    assert (p["department"], p["position"], p["red_lines"]) == ("客服部", "客服经理", [])


def test_huang_zhiqiang_red_line_by_hand(people):
    # 业绩考核: 86% → ≥85% → 24; 95% → 20 × 95 ÷ 100 = 19; 94.2% → (94.2 − 95) ÷ 1 = −0.8 → 0 steps → 20;
    #   3 incidents → 15 − 9 = 6; 97.5% < 98% → 0.  Σ = 69 → 69
    # 行为考核: 合格 12; 3级 15; 执行力 上级 18; 学习与成长 上级 17.  Σ = 62 → 62
    # total 0.7 × 69 + 0.3 × 62 = 48.3 + 18.6 = 66.90, kept and ranked; red line touched (瞒报…) → grade C
    # (the lowest), K 0, pay 3000 × 0 = 0.00
    p = people["黄志强"]
    assert (p["score"], p["grade"], p["coefficient"], p["bonus"]) == (66.9, "C", 0.0, 0.0)
    assert p["red_lines"] == ["瞒报、漏报重大投诉或群诉事件"]
    assert [s["score"] for s in p["sections"]] == [69.0, 62.0]
    # ranked on the kept total: below every score above 66.90
    assert p["rank"] == 1 + sum(1 for q in people.values() if q["score"] > 66.9)


def test_zheng_guohua_points_layout_and_the_waived_deduction_by_hand(result, people):
    # 经营指标 (subtotal 50): 94.6% → 步进 (94.6 − 92) ÷ 1 = 2.6 → 2 steps → 15 + 2 = 17 (≤ 上限 20);
    #   45万 → 比例 10 × 45 ÷ 50 = 9; 23.5万 → 达标 ≥20万 → 10; 98.7% → 分档 ≤100% → 15.  Σ = 51 (bonus above 50)
    # 服务品质指标: 98.2% → ≥98% → 10; 1 → 10 − 2 = 8; 99.5% → ≥99% → 8; 98 → 7 × 98 ÷ 100 = 6.86.  Σ = 32.86
    # 综合管理指标: 安全管理 1 incident → computes 8 − 4 = 4, but 上级评分 8 (waived) counts; 4级 → 6.  Σ = 14
    # total 51 + 32.86 + 14 = 97.86 → A, K 1.2 (≥ 95), pay 6500 × 1.2 = 7800.00
    p = people["郑国华"]
    assert [(s["section"], s["score"]) for s in p["sections"]] == [("经营指标", 51.0), ("服务品质指标", 32.86),
                                                                    ("综合管理指标", 14.0)]
    assert (p["score"], p["grade"], p["coefficient"], p["base"], p["bonus"]) == (97.86, "A", 1.2, 6500, 7800.0)
    assert (p["rank"], p["department_rank"]) == (1, 1)
    waived = [x for x in result.problems if x.level == "warning"]
    assert [(x.sheet, x.cell) for x in waived] == [("郑国华", "I17")]
    assert "上级评分 8" in waived[0].message and "算出的 4" in waived[0].message


def test_explain_reproduces_the_worked_example(result):
    ex = explain_person(result, "周晓琳", department="客服部")
    assert ex.score == Decimal("91.54") and ex.bonus == Decimal("6000.00")
    assert ex.formula == "总分 = 70% × 95.2 + 30% × 83 = 91.54，四舍五入保留两位小数 → 91.54"
    words = {i.indicator: i.computation for i in ex.items}
    assert words["报事报修回访率"].startswith("步进：(97.5%−95%)÷1% = 2.5，不足一步不计，按 2 步")
    assert [i.counted for i in ex.items if i.indicator == "学习与成长"] == ["二级评分"]


def test_the_result_workbook_of_the_sample(result, tmp_path):
    out = write_scorecard_result(result, SAMPLE, tmp_path / "结果.xlsx")
    wb = openpyxl.load_workbook(out, read_only=True)
    try:
        assert wb.sheetnames[:5] == ["考核汇总", "指标明细", "评分差异", "问题清单", "评分规则"]
        assert "周晓琳" in wb.sheetnames and "基本信息" in wb.sheetnames  # the input follows
        summary = [r for r in wb["考核汇总"].iter_rows(values_only=True)]
        header = next(r for r in summary if r and r[0] == "部门")
        first = summary[summary.index(header) + 1]
        assert first[2] == "郑国华" and first[header.index("总分")] == 97.86
        differences = [r for r in wb["评分差异"].iter_rows(values_only=True) if r and r[1] == "郑国华"]
        assert len(differences) == 1 and differences[0][2] == "安全管理"
    finally:
        wb.close()


@pytest.mark.slow  # over 0.2 s of CPU (0.27 s measured)
def test_make_scorecards_is_the_generator(tmp_path):
    spec = importlib.util.spec_from_file_location("make_scorecards_under_test", SAMPLE_ROOT / "make_scorecards.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    again = module.write_scorecards(tmp_path)
    assert again.name == SAMPLE.name
    assert score_workbook(read_workbook(again)).to_json() == score_workbook(read_workbook(SAMPLE)).to_json()


def test_the_worked_example_in_the_docs_is_what_explain_says(result):
    doc = (SAMPLE_ROOT.parent / "docs" / "scorecard.md").read_text(encoding="utf-8")
    ex = explain_person(result, "周晓琳")
    assert ex.formula in doc and ex.notes[-1] in doc  # 总分 = … and 绩效奖金 = 6000 × 1.0 = 6000.00
    for section in ex.sections:
        assert f"= **{fmt(section.score)}**" in doc, section.formula
