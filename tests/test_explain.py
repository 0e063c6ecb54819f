"""kpicli explain (issue #4): every item's weight, value, counted check, credit and contribution; the total is
the score shown everywhere else, for every unit of the sample workbooks, pooled and with function weights."""

from __future__ import annotations

import json
import math
import shutil
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest
from builders import FUNCTION_SHEET_NAMES, Item, SheetSpec, assert_handled, build_checklist, cell_of, run
from samples import CHECKLISTS
from typer.testing import Result

from kpicli.checklist.assessment import assess
from kpicli.checklist.explain import explain
from kpicli.core.errors import KpiError
from kpicli.core.vocab import FUNCTIONS
from kpicli.rules.model import Rules, Scoring

SAMPLES = CHECKLISTS
QUARTERS = {"Q1": "2026Q1_客户触点检查表.xlsx", "Q3": "2026Q3_客户触点检查表.xlsx"}


def cli(*args: object) -> Result:
    """kpicli on a console wide enough that rich never wraps a table row."""
    return run(*args, columns=250)


def half_up(value: Fraction, places: int) -> Decimal:
    """Round a non-negative exact value half-up (四舍五入), independently of kpicli."""
    scale = 10**places
    return Decimal(math.floor(value * scale + Fraction(1, 2))).scaleb(-places)


# --- the sample workbooks ----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def samples(tmp_path_factory):
    folder = tmp_path_factory.mktemp("samples")
    copies = {q: Path(shutil.copy(SAMPLES / name, folder / name)) for q, name in QUARTERS.items()}
    return {q: (path, assess(path)) for q, path in copies.items()}


@pytest.fixture(scope="module")
def q1(samples):
    return samples["Q1"][0]


def units_of(a) -> list[tuple[str | None, str | None, object]]:
    """(project, function, the score the assessment shows) for every project, project × function, function."""
    out = [(p.project, None, p.score if p.assessed else None) for p in a.projects.itertuples()]
    for u in a.units[~a.units["is_company"]].itertuples():
        out.append((u.group, u.function, u.score if u.assessed else None))
    out += [(None, f.function, f.score if f.assessed else None) for f in a.functions.itertuples()]
    return out


def check_explanation(ex, expected: Decimal | None) -> None:
    """The total rounds half-up to the shown score; rounded-to-4 contributions add up to it."""
    if expected is None:
        assert ex.assessed is False
        assert ex.total is None and ex.score is None and ex.grade is None
        return
    assert ex.assessed is True
    assert ex.score == expected
    assert half_up(ex.total, 2) == expected
    shown = [half_up(c, 4) for c in ex.items["contribution"] if c is not None]
    n = max(len(shown), 1)
    assert sum(c for c in ex.items["contribution"] if c is not None) == ex.total
    assert abs(sum(shown) - Decimal(ex.total.numerator) / Decimal(ex.total.denominator)) <= Decimal("0.0001") * n
    assert abs(sum(shown) - expected) <= Decimal("0.005") + Decimal("0.0001") * n
    for r in ex.items.itertuples():
        if r.applicable:
            assert r.weight is not None and r.credit is not None
        else:
            assert r.value == "不适用" and r.contribution is None


@pytest.mark.slow
@pytest.mark.parametrize("quarter", list(QUARTERS))
def test_every_unit_of_the_samples_explains_to_its_score(samples, quarter):
    _, a = samples[quarter]
    checked = units_of(a)
    assert len(checked) == len(a.projects) * (len(FUNCTIONS) + 1) + len(FUNCTIONS)
    for project, function, expected in checked:
        ex = explain(a, project=project, function=function)
        check_explanation(ex, expected)


@pytest.mark.slow  # over 0.2 s of CPU (0.41 s measured)
def test_the_samples_have_not_assessed_units_and_they_explain_as_such(samples):
    found = 0
    for _, a in samples.values():
        for u in a.units[~a.units["is_company"] & ~a.units["assessed"]].itertuples():
            ex = explain(a, project=u.group, function=u.function)
            assert ex.assessed is False and ex.total is None and ex.score is None
            assert all(c is None for c in ex.items["contribution"])
            data = ex.to_json()
            assert data["assessed"] is False and data["score"] is None and data["total_exact"] is None
            found += 1
    assert found >= 2  # Q1 and Q3 each have units whose items are all 不适用


@pytest.mark.slow  # over 0.2 s of CPU (0.41 s measured)
def test_not_applicable_items_are_listed_with_no_contribution(samples):
    _, a = samples["Q1"]
    project = a.projects["project"].iloc[0]
    data = explain(a, project=project).to_json()
    excluded = [i for i in data["items"] if i["value"] == "不适用"]
    assert excluded, "the sample project should have some 不适用 items"
    assert all(i["applicable"] is False and i["contribution"] is None and i["credit"] is None for i in excluded)
    included = [i for i in data["items"] if i["applicable"]]
    assert all(i["contribution"] is not None and i["weight"] is not None for i in included)


def test_a_function_includes_the_city_company_group_and_a_project_does_not(samples):
    _, a = samples["Q1"]
    function = explain(a, function="营销")
    assert "城市公司" in set(function.items["group"])
    assert set(function.items["function"]) == {"营销"}
    project = a.projects["project"].iloc[0]
    ex = explain(a, project=project)
    assert set(ex.items["group"]) == {project}
    assert set(ex.items["function"]) <= set(FUNCTIONS)


@pytest.mark.parametrize("quarter", list(QUARTERS))
@pytest.mark.slow  # over 0.2 s of CPU (0.32 s measured)
def test_function_weights_explanations_add_up_too(samples, quarter):
    path, _ = samples[quarter]
    weights = {"营销": Decimal(3), "研发": Decimal("1.5"), "工程": Decimal(2), "客服": Decimal(1), "物业": Decimal("0.5")}
    rules = Rules(scoring=Scoring(project_aggregation="function_weights", function_weights=weights))
    a = assess(path, rules=rules)
    ratios = {(u.function, u.group): u.ratio for u in a.units.itertuples() if u.assessed}
    for p in a.projects.itertuples():
        ex = explain(a, project=p.project)
        check_explanation(ex, p.score if p.assessed else None)
        assert "职能权重" in ex.method
        assessed = [f for f in FUNCTIONS if (f, p.project) in ratios]
        mean = sum(Fraction(weights[f]) * ratios[(f, p.project)] for f in assessed) / sum(
            Fraction(weights[f]) for f in assessed)
        assert ex.total == 100 * mean
        assert half_up(100 * mean, 2) == p.score


# --- the command line on the sample ------------------------------------------------------------------------------


def rank_data(path: Path, *extra: object) -> dict:
    out = cli("rank", path, "--format", "json", *extra)
    assert out.exit_code == 0, out.output
    return json.loads(out.stdout)


@pytest.mark.slow  # over 0.2 s of CPU (0.41 s measured)
def test_cli_explain_json_for_a_unit(q1):
    ranked = rank_data(q1)
    u = next(u for u in ranked["units"] if u["assessed"])
    out = cli("explain", q1, "--project", u["project"], "--function", u["function"], "--format", "json")
    assert out.exit_code == 0, out.output
    data = json.loads(out.stdout)
    assert data["assessed"] is True and data["score"] == u["score"] and data["grade"] == u["grade"]
    assert half_up(Fraction(data["total_exact"]), 2) == Decimal(str(u["score"]))
    contributions = [i["contribution"] for i in data["items"] if i["contribution"] is not None]
    assert abs(sum(contributions) - u["score"]) <= 0.005 + 0.0001 * len(contributions)
    assert {i["function"] for i in data["items"]} == {u["function"]}
    assert {i["group"] for i in data["items"]} == {u["project"]}
    assert any(item["applicable"] for item in data["items"])
    for item in data["items"]:
        assert set(item) >= {"weight", "value", "counted", "credit", "contribution", "applicable", "cell"}
        if item["applicable"]:
            assert item["contribution"] == pytest.approx(item["weight"] * item["credit"] * 100 / sum(
                i["weight"] for i in data["items"] if i["applicable"]), abs=0.00006)


@pytest.mark.slow
def test_cli_explain_a_function_alone_and_a_project_alone(q1):
    ranked = rank_data(q1)
    function = next(f for f in ranked["functions"] if f["assessed"])
    out = cli("explain", q1, "--function", function["function"], "--format", "json")
    assert out.exit_code == 0, out.output
    data = json.loads(out.stdout)
    assert data["score"] == function["score"]
    assert "城市公司" in {i["group"] for i in data["items"]}
    project = next(p for p in ranked["projects"] if p["assessed"])
    out = cli("explain", q1, "--project", project["project"], "--format", "json")
    assert out.exit_code == 0, out.output
    data = json.loads(out.stdout)
    assert data["score"] == project["score"] and data["grade"] == project["grade"]
    assert half_up(Fraction(data["total_exact"]), 2) == Decimal(str(project["score"]))


def test_cli_explain_table_shows_the_total_and_the_score(q1):
    ranked = rank_data(q1)
    u = next(u for u in ranked["units"] if u["assessed"])
    out = cli("explain", q1, "--project", u["project"], "--function", u["function"])
    assert out.exit_code == 0, out.output
    score = f"{Decimal(str(u['score'])):.2f}"
    assert "合计" in out.output and score in out.output and f"→ {score}" in out.output
    assert "不计分" in out.output or "不适用" not in out.output


@pytest.mark.slow
def test_cli_explain_a_not_assessed_unit(samples):
    path, a = samples["Q1"]
    u = a.units[~a.units["is_company"] & ~a.units["assessed"]].iloc[0]
    out = cli("explain", path, "--project", u["group"], "--function", u["function"], "--format", "json")
    assert out.exit_code == 0, out.output
    data = json.loads(out.stdout)
    assert data["assessed"] is False and data["score"] is None and data["grade"] is None
    assert all(i["contribution"] is None for i in data["items"])
    table = cli("explain", path, "--project", u["group"], "--function", u["function"])
    assert table.exit_code == 0 and "不列入考核" in table.output


@pytest.mark.slow  # over 0.2 s of CPU (0.22 s measured)
def test_cli_explain_unknown_project_lists_the_known_ones(samples):
    path, a = samples["Q1"]
    out = cli("explain", path, "--project", "不存在的项目")
    assert out.exit_code == 2
    assert "找不到项目" in out.stderr and "不存在的项目" in out.stderr
    for project in a.projects["project"]:
        assert project in out.stderr
    assert_handled(out)


@pytest.mark.slow  # over 0.2 s of CPU (0.38 s measured)
def test_cli_explain_unknown_function_or_no_unit(q1):
    out = cli("explain", q1, "--function", "财务")
    assert out.exit_code == 2 and "财务" in out.stderr and "营销" in out.stderr
    out = cli("explain", q1)
    assert out.exit_code == 2 and "--project" in out.stderr


def test_explain_library_errors_are_kpi_errors(samples):
    _, a = samples["Q1"]
    with pytest.raises(KpiError, match="找不到项目"):
        explain(a, project="不存在的项目")


# --- built workbooks: hand-computed explanations -----------------------------------------------------------------


@pytest.fixture
def functions_book(tmp_path):
    """项目甲: 营销 100 (w 3), 研发 50 (w 4), 工程 0 (w 1), 客服 50 (w 3), 物业 not assessed."""
    def sheet(*rows: tuple[str, str]) -> SheetSpec:
        return SheetSpec(items=[Item(f"触点{i}", level, {"项目甲": (None, value)}, item_id=f"X-{i}")
                                for i, (level, value) in enumerate(rows, start=1)])

    return build_checklist(tmp_path / "fw.xlsx", {
        FUNCTION_SHEET_NAMES["营销"]: sheet(("一级", "完成")),
        FUNCTION_SHEET_NAMES["研发"]: sheet(("二级", "完成"), ("二级", "未完成")),
        FUNCTION_SHEET_NAMES["工程"]: sheet(("三级", "未完成")),
        FUNCTION_SHEET_NAMES["客服"]: sheet(("一级", "部分完成")),
        FUNCTION_SHEET_NAMES["物业"]: sheet(("一级", "不适用")),
    })


def contributions(data: dict) -> list[tuple[str, str, object]]:
    return [(i["function"], i["item_id"], i["contribution"]) for i in data["items"]]


@pytest.mark.slow  # over 0.2 s of CPU (0.21 s measured)
def test_cli_explain_pooled_project_by_hand(functions_book):
    out = cli("explain", functions_book, "--project", "项目甲", "--format", "json")
    assert out.exit_code == 0, out.output
    data = json.loads(out.stdout)
    # 100 × w·c / 11 for each item: 营销 300/11, 研发 200/11 and 0, 工程 0, 客服 150/11; 物业 excluded
    assert data["score"] == 59.09
    assert Fraction(data["total_exact"]) == Fraction(650, 11)
    assert sorted(contributions(data)) == sorted([
        ("营销", "X-1", 27.2727), ("研发", "X-1", 18.1818), ("研发", "X-2", 0.0), ("工程", "X-1", 0.0),
        ("客服", "X-1", 13.6364), ("物业", "X-1", None)])


@pytest.mark.slow  # over 0.2 s of CPU (0.32 s measured)
def test_cli_explain_with_function_weights_by_hand(functions_book, tmp_path):
    rules = tmp_path / "fw.toml"
    rules.write_text('[scoring]\nproject_aggregation = "function_weights"\n'
                     'function_weights = { "营销" = 4, "研发" = 2, "工程" = 1, "客服" = 1, "物业" = 10 }\n',
                     encoding="utf-8")
    out = cli("explain", functions_book, "--project", "项目甲", "--format", "json", "--rules", rules)
    assert out.exit_code == 0, out.output
    data = json.loads(out.stdout)
    # weights renormalised over the four assessed functions (Σ 8): 营销 4/8 × 100, 研发 2/8 × (2/4 × 100) and 0,
    # 工程 1/8 × 0, 客服 1/8 × 50; 物业 not assessed → total 68.75
    assert data["score"] == 68.75
    assert Fraction(data["total_exact"]) == Fraction("68.75")
    assert sorted(contributions(data)) == sorted([
        ("营销", "X-1", 50.0), ("研发", "X-1", 12.5), ("研发", "X-2", 0.0), ("工程", "X-1", 0.0),
        ("客服", "X-1", 6.25), ("物业", "X-1", None)])
    table = cli("explain", functions_book, "--project", "项目甲", "--rules", rules)
    assert table.exit_code == 0 and "合计" in table.output and "68.7500 → 68.75" in table.output


@pytest.mark.slow  # over 0.2 s of CPU (0.25 s measured)
def test_explain_shows_which_check_counted_and_its_cell(tmp_path):
    spec = SheetSpec(items=[
        Item("案场接待", "一级", {"项目甲": ("未完成", "完成")}, item_id="A"),
        Item("签约提醒", "二级", {"项目甲": ("部分完成", None)}, item_id="B"),
        Item("样板房开放", "三级", {"项目甲": (None, None)}, item_id="C"),
    ])
    book = build_checklist(tmp_path / "counted.xlsx", {"营销篇": spec})
    out = cli("explain", book, "--project", "项目甲", "--function", "营销", "--format", "json")
    assert out.exit_code == 0, out.output
    items = {i["item_id"]: i for i in json.loads(out.stdout)["items"]}
    assert (items["A"]["counted"], items["A"]["value"], items["A"]["credit"]) == ("检查", "完成", 1.0)
    assert items["A"]["cell"] == f"营销篇!{cell_of(spec, 0, '项目甲', 1)}"
    assert (items["B"]["counted"], items["B"]["value"], items["B"]["credit"]) == ("自查", "部分完成", 0.5)
    assert items["B"]["cell"] == f"营销篇!{cell_of(spec, 1, '项目甲', 0)}"
    assert (items["C"]["counted"], items["C"]["value"], items["C"]["credit"]) == ("空", "未完成", 0.0)
    # (3 + 1) / 6 = 66.67; contributions 50, 16.6667, 0
    assert [items[k]["contribution"] for k in "ABC"] == [50.0, 16.6667, 0.0]

    rules = tmp_path / "r.toml"
    rules.write_text("[scoring]\nself_check_fallback = false\npartial_credit = 0.6\n", encoding="utf-8")
    out = cli("explain", book, "--project", "项目甲", "--function", "营销", "--format", "json", "--rules", rules)
    data = json.loads(out.stdout)
    items = {i["item_id"]: i for i in data["items"]}
    assert (items["B"]["counted"], items["B"]["value"], items["B"]["credit"]) == ("空", "未完成", 0.0)
    assert data["score"] == 50.0  # 3 / 6


@pytest.mark.slow  # over 0.2 s of CPU (0.28 s measured)
def test_explain_uses_custom_level_weights(tmp_path):
    book = build_checklist(tmp_path / "w.xlsx", {"营销篇": SheetSpec(items=[
        Item("案场接待", "A", {"项目甲": (None, "完成")}, item_id="A"),
        Item("样板房开放", "三级", {"项目甲": (None, "未完成")}, item_id="C"),
    ])})
    rules = tmp_path / "r.toml"
    rules.write_text('[scoring]\nlevel_weights = { "一级" = 7 }\n', encoding="utf-8")
    out = cli("explain", book, "--project", "项目甲", "--function", "营销", "--format", "json", "--rules", rules)
    assert out.exit_code == 0, out.output
    data = json.loads(out.stdout)
    items = {i["item_id"]: i for i in data["items"]}
    assert (items["A"]["weight"], items["C"]["weight"]) == (7.0, 1.0)
    assert data["score"] == 87.5 and items["A"]["contribution"] == 87.5


def test_contributions_are_rounded_half_up(tmp_path):
    book = build_checklist(tmp_path / "he.xlsx", {"营销篇": SheetSpec(columns=("触点编号", "触点名称", "触点等级", "分值"), items=[
        Item("案场接待", None, {"项目甲": (None, "完成")}, points=1, item_id="A"),
        Item("样板房开放", None, {"项目甲": (None, "未完成")}, points=127, item_id="B"),
    ])})
    ex = explain(assess(book), project="项目甲", function="营销")
    assert ex.total == Fraction(25, 32)  # 1/128 × 100 = 0.78125 exactly
    assert ex.to_json()["items"][0]["contribution"] == 0.7813
