"""计分方式 and cell values of personal scorecards (contract scorecard.md §2–§3): parsing, validation, application."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from fractions import Fraction as F

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kpicli.core.period import parse_period
from kpicli.scorecard.apply import apply_rule, check_rule
from kpicli.scorecard.layout import parse_title
from kpicli.scorecard.rule import (
    Deduction,
    Direct,
    Levels,
    Proportional,
    Step,
    Threshold,
    Tiered,
    parse_rule,
)
from kpicli.scorecard.values import (
    Amount,
    ScorecardValueError,
    fmt,
    parse_actual,
    parse_amount,
    parse_level_text,
    parse_points,
)


def score(rule_text: str, actual: object, m: object = 10) -> F | None:
    return apply_rule(parse_rule(rule_text), parse_actual(actual), F(m))


def rule_error(text: str) -> str:
    with pytest.raises(ScorecardValueError) as info:
        parse_rule(text)
    return info.value.message


def value_error(rule_text: str, actual: object, m: object = 10) -> str:
    with pytest.raises(ScorecardValueError) as info:
        score(rule_text, actual, m)
    return info.value.message


# ---------------------------------------------------------------- values

@pytest.mark.parametrize(("raw", "value", "percent"), [
    (30.0, F(30), False), (29.995, F("29.995"), False), (0.3, F("0.3"), False), (7, F(7), False),
    ("90%", F(90), True), ("87.5%", F("87.5"), True), ("９０％", F(90), True), (" 90 % ", F(90), True),
    ("120万", F(1200000), False), ("-120万", F(-1200000), False), ("−3天", F(-3), False), ("－3天", F(-3), False),
    ("3天", F(3), False), ("2次", F(2), False), ("1.5小时", F("1.5"), False), ("30分钟", F(30), False),
    ("500元", F(500), False), ("3件", F(3), False), ("4个", F(4), False), ("2人", F(2), False), ("6户", F(6), False),
    ("1日", F(1), False), ("12万元", F(120000), False), ("+5", F(5), False), (".5", F("0.5"), False),
])
def test_amounts(raw: object, value: F, percent: bool) -> None:
    assert parse_amount(raw) == Amount(value, percent)


@pytest.mark.parametrize("raw", ["abc", "3斤", "1,2", "", None, True, "90%%", "三"])
def test_not_amounts(raw: object) -> None:
    assert parse_amount(raw) is None


@pytest.mark.parametrize(("raw", "level"), [
    (3, 3), (3.0, 3), ("3", 3), ("3级", 3), ("三级", 3), ("一级", 1), ("十级", 10), ("第二档", 2), ("５级", 5),
    ("0", None), (2.5, None), ("优秀", None), ("十一级", 11),
])
def test_levels(raw: object, level: int | None) -> None:
    assert parse_level_text(raw) == level


@pytest.mark.parametrize(("raw", "flag"), [("是", True), ("完成", True), ("已完成", True), ("否", False),
                                           ("未完成", False), (" 完 成 ", True), (True, True), ("好", None)])
def test_flags(raw: object, flag: bool | None) -> None:
    assert parse_actual(raw).flag is flag


def test_blank_actual() -> None:
    assert parse_actual(None).blank and parse_actual("  \u3000").blank and not parse_actual(0).blank


@pytest.mark.parametrize(("raw", "points"), [(18.0, F(18)), (21.5, F("21.5")), ("4", F(4)), ("４分", F(4)),
                                             ("-1", F(-1)), ("abc", None), ("1e5", None), (True, None)])
def test_points(raw: object, points: F | None) -> None:
    assert parse_points(raw) == points


def test_fmt_is_exact() -> None:
    assert fmt(F("17.5")) == "17.5" and fmt(F(30)) == "30" and fmt(F(-1, 2)) == "-0.5" and fmt(F(1, 3)) == "≈0.3333"


@pytest.mark.parametrize(("raw", "period"), [
    ("2026年第1季度", "2026年第1季度"), ("2026Q1", "2026年第1季度"), ("2026-Q2", "2026年第2季度"),
    ("2026年一季度", "2026年第1季度"), ("2026年3月", "2026年3月"), ("2026年03月", "2026年3月"), ("2026-3", "2026年3月"),
    ("2026年度", "2026年度"), ("2026年", "2026年度"), (2026, "2026年度"), ("２０２６年度", "2026年度"),
    ("3月", None), ("2026年13月", None), ("第五季度", None),
])
def test_periods(raw: object, period: str | None) -> None:
    found = parse_period(raw)
    assert (found.label if found else None) == period


@pytest.mark.parametrize(("text", "name", "weight", "subtotal", "red"), [
    ("一、业绩考核(80%)", "业绩考核", F(80), None, False), ("二、行为考核 20%", "行为考核", F(20), None, False),
    ("经营指标 60", "经营指标", None, F(60), False), ("(一)业绩考核（80%）", "业绩考核", F(80), None, False),
    ("1. 业务管理指标 30", "业务管理指标", None, F(30), False), ("第一部分 综合管理", "综合管理", None, None, False),
    ("三、电网指标", "电网指标", None, None, True), ("一票否决项", "一票否决项", None, None, True),
])
def test_section_titles(text: str, name: str, weight: F | None, subtotal: F | None, red: bool) -> None:
    title = parse_title(text)
    assert (title.name, title.weight, title.subtotal, title.redline) == (name, weight, subtotal, red)


# ---------------------------------------------------------------- parsing every kind

def test_blank_and_direct() -> None:
    assert isinstance(parse_rule(None), Direct) and isinstance(parse_rule("  "), Direct)
    assert isinstance(parse_rule("直接"), Direct) and parse_rule("直接 上限 12").limit == 12
    assert score("直接", "95%") is None


@pytest.mark.parametrize("text", [
    "分档 ≥95%:40; ≥85%:20; <85%:0", "分档≥95%：40；≥85%：20；<85%：0", "分档 >=95% : 40 , >=85%:20 ,<85%:0",
    "分档　≥９５％：４０，≥85%:20，<85%:0", "分档 ≧95%:40; ≧85%:20; <85%:0",
])
def test_tiers_spellings(text: str) -> None:
    rule = parse_rule(text)
    assert isinstance(rule, Tiered) and rule.percent
    assert [(c.op, c.bound.value, p) for c, p in rule.tiers] == [("≥", 95, 40), ("≥", 85, 20), ("<", 85, 0)]


def test_each_kind_parses() -> None:
    assert parse_rule("达标 ≥100万") == Threshold(text="达标 ≥100万", condition=parse_rule("达标 ≥100万").condition)
    assert parse_rule("达标 ≥100万").condition.bound == Amount(F(1000000))
    assert parse_rule("达标").condition is None
    assert parse_rule("比例 目标100%") == Proportional(text="比例 目标100%", target=Amount(F(100), True))
    assert parse_rule("扣分 每次0.5") == Deduction(text="扣分 每次0.5", per=F("0.5"))
    step = parse_rule("步进 目标60% 每5% 0.5 上限4")
    assert isinstance(step, Step) and step.limit == 4 and step.amount == F("0.5") and step.percent
    assert parse_rule("步进 目标0天 每7天 -0.5 上限20").amount == F("-0.5")
    assert parse_rule("步进 目标0天 每7天 减0.5分").amount == F("-0.5")
    levels = parse_rule("等级 1:5; 2:10; 3:15; 4:20; 5:25")
    assert isinstance(levels, Levels) and not levels.named and dict(levels.levels)[3] == 15
    named = parse_rule("等级 优秀:60; 良好:50; 一般:30; 差:0")
    assert named.named and dict(named.levels)["良好"] == 50


# ---------------------------------------------------------------- validation

@pytest.mark.parametrize(("text", "needle"), [
    ("加权 30", "「加权」无法识别"), ("分档 ≥9x5%:40", "无法识别"), ("分档 ≥95%:abc", "无法识别"),
    ("分档 ≥95%:40; ≥85%:20; <80%:0", "80%–85% 没有对应分档"), ("分档 ≥95:40; <90:0", "90–95 没有对应分档"),
    ("分档 ≥95%:40", "0%–95% 没有对应分档"), ("分档 <85%:0", "85% 以上没有对应分档"),
    ("分档 >85%:10; <85%:0", "85% 没有对应分档"), ("分档 ≥95%:40; ≥85:20; <85%:0", "混用"),
    ("分档 ≥95%:-4; <95%:0", "不能为负数"), ("分档", "没有写任何档次"),
    ("等级 1:5; 一级:10", "重复"), ("等级 优秀:5; 优 秀:10", "重复"), ("等级 1:5; 2:", "无法识别"),
    ("比例 目标0%", "应大于 0"), ("比例 100%%", "无法识别"), ("扣分 每次0", "应大于 0"), ("扣分 每次5%", "不能写成百分数"),
    ("步进 目标60% 每0% 1", "应大于 0"), ("步进 目标60% 每5 1", "混用"), ("步进 目标60% 每5% 0", "不能为 0"),
    ("步进 60%", "无法识别"), ("直接 5", "不应有其他内容"), ("比例 目标100% 上限abc", "不是数字"),
])
def test_rule_errors(text: str, needle: str) -> None:
    assert needle in rule_error(text)


def test_gap_covered_at_the_boundary() -> None:
    for text in ("分档 ≥95%:40; ≥85%:20; <85%:0", "分档 >85%:10; ≤85%:0", "分档 ≥0:1", "分档 <50:0; ≥40:3"):
        parse_rule(text)


def test_check_rule_against_the_item() -> None:
    tiers = parse_rule("分档 ≥95%:40; <95%:0")
    assert "最高 40 分超过本项满分 30 分；如果超出部分是加分，请在计分方式后写「上限 40」" in check_rule(tiers, F(30))[0]
    assert check_rule(tiers, F(40)) == []
    assert "低于本项满分" in check_rule(parse_rule("步进 目标60% 每5% 0.5 上限4"), F(10))[0]
    assert check_rule(parse_rule("步进 目标60% 每5% 0.5 上限4"), F(2)) == []
    assert "超过本项满分 10 分" in check_rule(parse_rule("等级 1:5; 2:12"), F(10))[0]
    assert check_rule(parse_rule("等级 1:5; 2:12 上限12"), F(10)) == []


# ---------------------------------------------------------------- applying

def test_tiers_apply() -> None:
    rule = "分档 ≥95%:30; ≥85%:15; <85%:0"
    assert [score(rule, a, 30) for a in ("95%", "90%", 0.9, "84.99%", 0, 1.2)] == [30, 15, 15, 0, 0, 30]
    assert score("分档 ≥100万:10; ≥50万:5; <50万:0", "60万") == 5
    assert score("分档 ≤2:10; ≤5:5; >5:0", 3) == 5  # first tier in written order


def test_threshold_apply() -> None:
    assert score("达标 ≥100万", "100万", 2) == 2 and score("达标 ≥100万", "99.9999万", 2) == 0
    assert score("达标 ≥100万", "是", 2) == 2 and score("达标 ≥100万", "未完成", 2) == 0
    assert score("达标", "完成", 2) == 2
    assert "是/否" in value_error("达标", "3")


def test_proportional_apply_and_clamp() -> None:
    assert score("比例 目标100%", "87.5%", 20) == F("17.5")
    assert score("比例 目标100%", "120%", 20) == 20
    assert score("比例 目标100% 上限24", "130%", 20) == 24
    assert score("比例 目标100%", "-10%", 20) == 0
    assert score("比例 目标200万", "150万", 10) == F("7.5")


def test_deduction_apply() -> None:
    assert score("扣分 每次5", "1", 15) == 10 and score("扣分 每次5", 9, 15) == 0 and score("扣分 每次0.5", "2次", 25) == 24
    assert "次数" in value_error("扣分 每次5", "1.5", 15)
    assert "次数" in value_error("扣分 每次5", -1, 15)


def test_step_truncation_direction_and_clamp() -> None:
    rule = "步进 目标60% 每5% 0.5"
    assert score(rule, "67%", 10) == 10  # clamped to m without 上限
    assert score("步进 目标60% 每5% 0.5 上限12", "67%", 10) == F("10.5")  # one step, part of a step does not count
    assert score("步进 目标60% 每5% 0.5 上限12", "56%", 10) == 10  # −0.8 steps truncate toward zero
    assert score("步进 目标60% 每5% 0.5 上限12", "50%", 10) == 9
    assert score("步进 目标0天 每7天 -0.5 上限20", "-3天", 10) == 10
    assert score("步进 目标0天 每7天 -0.5 上限20", "-14天", 10) == 11  # early: negative amount turns the direction
    assert score("步进 目标0天 每7天 -0.5 上限20", "70天", 10) == 5
    assert score("步进 目标0万 每50万 0.5 上限26", "120万", 13) == 14
    assert score("步进 目标0 每1 -5", 100, 10) == 0  # floored at 0


def test_levels_apply() -> None:
    rule = "等级 1:5; 2:10; 3:15; 4:20; 5:25"
    assert [score(rule, a, 25) for a in ("2级", "一级", 3, "5", "四级")] == [10, 5, 15, 25, 20]
    assert "不是计分方式中的等级" in value_error(rule, "6级", 25)
    named = "等级 优秀:60; 良好:50; 一般:30; 差:0"
    assert score(named, "良 好", 60) == 50 and score(named, "一般", 60) == 30
    assert "不是计分方式中的等级" in value_error(named, "很好", 60)


def test_percent_actual_handling() -> None:
    rule = "分档 ≥95%:10; <95%:0"
    assert score(rule, 0.96) == 10 and score(rule, 1.1) == 10 and score(rule, 2) == 10
    message = value_error(rule, 90)
    assert "请写成 90%" in message and "90 → 90%" in message
    assert "是百分数" in value_error("分档 ≥100:10; <100:0", "90%")
    assert "不是数字" in value_error(rule, "良好")
    assert "不能为负数" in value_error(rule, "-5%")


def test_blank_actual_not_applied() -> None:
    assert score("比例 目标100%", None) is None and score("扣分 每次1", "") is None


def test_decimal_cells_are_exact() -> None:
    assert score("比例 目标100%", 0.29995, 100) == F("29.995")
    assert isinstance(Decimal(repr(0.1)), Decimal)


# ---------------------------------------------------------------- rules the real forms use (issue 20)

@pytest.mark.parametrize(("raw", "value"), [
    ("1,500", F(1500)), ("36,000元", F(36000)), ("23.5万", F(235000)), ("1,234,567.5", F("1234567.5")),
    ("１，５００", F(1500)), ("-2,000元", F(-2000)),
])
def test_amounts_with_thousands_separators(raw: str, value: F) -> None:
    assert parse_amount(raw) == Amount(value)


@pytest.mark.parametrize("raw", ["1,2", "12,3456", "1,50", ",500", "1,500,00"])
def test_commas_that_are_not_thousands_separators(raw: str) -> None:
    assert parse_amount(raw) is None


def test_thousands_in_rules_are_not_tier_separators() -> None:
    rule = parse_rule("分档 ≥1,500:10，≥1,000:5，<1,000:0")
    assert [(c.bound.value, p) for c, p in rule.tiers] == [(1500, 10), (1000, 5), (1000, 0)]
    assert score("分档 ≥1,500:10，≥1,000:5，<1,000:0", "1,499", 10) == 5
    assert score("达标 ≥36,000元", "36,000元", 4) == 4 and score("比例 目标23.5万", "47万", 10) == 10


def test_the_default_cap_and_lifting_it() -> None:
    # 步进 stops at 满分 unless 上不封顶 (or 上限 无) is written
    assert score("步进 目标92% 每1% 2", "96%", 20) == 20
    for text in ("步进 目标92% 每1% 2 上不封顶", "步进 目标92% 每1% 2，上限 无", "步进 目标92% 每1% 2 不封顶"):
        rule = parse_rule(text)
        assert rule.uncapped and rule.cap(F(20)) is None
        assert score(text, "96%", 20) == 28 and score(text, "80%", 20) == 0
    assert score("比例 目标100% 上不封顶", "150%", 10) == 15
    assert "只写其中一个" in rule_error("步进 目标92% 每1% 2 上不封顶 上限30")


def test_a_tier_above_the_items_points_needs_an_explicit_limit() -> None:
    # 004: "≥95%: 40分" on a 30-point item
    tiers = "分档 ≥95%:40; ≥85%:20; <85%:0"
    message = check_rule(parse_rule(tiers), F(30))[0]
    assert message == ("分档中最高 40 分超过本项满分 30 分；如果超出部分是加分，请在计分方式后写「上限 40」（或「上不封顶」），"
                       "否则请改正分数")
    assert check_rule(parse_rule(tiers + " 上限40"), F(30)) == [] and score(tiers + " 上限40", "96%", 30) == 40
    assert check_rule(parse_rule(tiers + " 上不封顶"), F(30)) == []
    assert "超过本项上限 35 分" in check_rule(parse_rule(tiers + " 上限35"), F(30))[0]


def test_a_step_with_a_cut_off() -> None:
    late = "步进 目标0天 每1天 -0.5 超过10天不得分"  # each day late −0.5, more than 10 days late: 0
    assert [score(late, a, 10) for a in ("0天", "4天", "10天", "11天")] == [10, 8, 5, 0]
    short = "步进 目标92% 每1% 2，低于目标超过5%不得分"  # each point short −2, more than 5 points short: 0
    assert [score(short, a, 20) for a in ("92%", "87%", "86.9%", "99%")] == [20, 10, 0, 20]
    assert parse_rule(short).cutoff == Amount(F(5), True)
    assert "单位不同" in rule_error("步进 目标92% 每1% 2 超过5不得分")


MONTHS = "期限 2026-06-30 每延迟1个月扣5分，延迟超过3个月不得分"  # 000: 每延迟1个月扣…，延迟超过…不得分


@pytest.mark.parametrize(("actual", "points"), [
    (date(2026, 6, 1), 20), (datetime(2026, 6, 30), 20),  # on time or early: full points
    (datetime(2026, 7, 29), 20),  # part of a month does not count (like 步进)
    (datetime(2026, 7, 30), 15), ("2026-08-31", 10), ("2026/9/30", 5), ("2026年9月30日", 5),
    ("2026.10.1", 0),  # 3 months and a day: past the cut-off
    ("延迟2个月", 10), ("按时完成", 20), ("提前完成", 20), ("2026-07-30 14:05", 15),
])
def test_completion_dates_against_a_deadline(actual: object, points: int) -> None:
    assert score(MONTHS, actual, 20) == points


def test_deadline_in_days_month_ends_and_rounding_up() -> None:
    days = "期限 2026年6月30日前完成，每延迟7天扣1分，不足7天按7天计，超过30天不得分"
    assert [score(days, a, 10) for a in ("2026-06-30", "2026-07-01", "2026-07-07", "2026-07-08", "2026-07-30",
                                         "2026-07-31")] == [10, 9, 9, 8, 5, 0]
    assert score("期限 2026-01-31 每延迟1个月扣5分", "2026-02-28", 20) == 15  # the 31st + 1 month = the month's end
    assert score("期限 2026-01-31 每延迟1个月扣5分", "2026-02-27", 20) == 20
    assert score("期限 2026-06-30 每延迟1个月扣5分", "2027-06-30", 20) == 0  # 扣完为止


@pytest.mark.parametrize(("text", "needle"), [
    ("期限 6月30日 每月5分", "无法识别"), ("期限 2026-02-30 每延迟1个月扣5分", "不是有效的日期"),
    ("期限 2026-06-30 每延迟0个月扣5分", "应大于 0"), ("期限 2026-06-30 每延迟1个月扣5%", "应为分数"),
])
def test_deadline_rule_errors(text: str, needle: str) -> None:
    assert needle in rule_error(text)


@pytest.mark.parametrize(("actual", "needle"), [
    ("是", "不是完成日期"), (45, "不是完成日期"), ("延迟3天", "按天写，而计分方式按月计"),
])
def test_deadline_actual_errors(actual: object, needle: str) -> None:
    assert needle in value_error(MONTHS, actual, 20)


def test_a_rules_unit_and_the_values_unit_must_agree() -> None:
    # accident 1: "达标 ≥100" (万 missing) against 99.9万 passed; "≥100万" against 99.9 (万 missing) failed
    assert value_error("达标 ≥100", "99.9万", 5) == (
        "实际完成「99.9万」写了「万」，而计分方式的金额（100）没有写「万」；单位不一致：请在计分方式的金额后加「万」"
        "（如 100万），或把实际完成写成 999000")
    assert value_error("达标 ≥100万", 99.9, 5) == (
        "实际完成「99.9」没有写「万」，而计分方式的金额写了「万」（100万）；单位不一致：是 99.9 万元请写成 99.9万，"
        "是 99.9 元请写成 0.00999万")
    assert "单位不一致" in value_error("分档 ≥100万:10; <100万:0", "1,200,000元", 10)
    assert score("达标 ≥100万", 0, 5) == 0  # nothing at all needs no unit
    assert "混用" in rule_error("分档 ≥100万:10; ≥50:5; <50:0")
    assert "是百分数" in value_error("分档 ≥95:30; ≥85:20; <85:0", "98%", 30)


# ---------------------------------------------------------------- property: only our own errors

KIND = st.sampled_from(["直接", "分档", "达标", "比例", "扣分", "步进", "等级", "加权", ""])
TOKEN = st.one_of(
    st.sampled_from(["≥", ">=", "<", "≤", ">", ":", "：", ";", "；", ",", "，", " ", "%", "万", "天", "目标", "每", "上限",
                     "次", "级", "-", "−", "优秀", "减", "加", "分", ".", "　"]),
    st.integers(-200, 200).map(str),
    st.decimals(-1000, 1000, places=2).map(str),
    st.text(max_size=3),
)
RULE_TEXT = st.builds(lambda k, parts: k + " " + "".join(parts), KIND, st.lists(TOKEN, max_size=12))
ACTUAL = st.one_of(st.none(), st.integers(-10**6, 10**6), st.floats(allow_nan=True, allow_infinity=True),
                   st.booleans(), st.text(max_size=6), TOKEN, st.builds(lambda a, b: a + b, TOKEN, TOKEN))


@pytest.mark.slow
@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(RULE_TEXT, ACTUAL, st.integers(1, 100))
def test_random_rules_raise_only_our_errors(text: str, actual: object, m: int) -> None:
    try:
        rule = parse_rule(text)
        check_rule(rule, F(m))
        result = apply_rule(rule, parse_actual(actual), F(m))
    except ScorecardValueError as exc:
        assert exc.message
        return
    if result is not None:
        assert F(0) <= result <= rule.cap(F(m)) or rule.kind in ("分档", "等级")


def test_cached_readings_keep_every_cell_apart() -> None:
    """Cell readings are cached per distinct value (issue 13): a cached reading is shared only by equal values of
    one type, a rule that fails fails every time, and 1, 1.0 and True stay three different cells."""
    assert parse_rule("分档 ≥95%:40; ≥85%:20; <85%:0") is parse_rule("分档 ≥95%:40; ≥85%:20; <85%:0")
    assert parse_rule(" 比例 目标100%").text == " 比例 目标100%"  # the text as written, not the cached neighbour's
    for _ in range(2):
        with pytest.raises(ScorecardValueError, match="无法识别"):
            parse_rule("打分")
    one, one_float, true = parse_actual(1), parse_actual(1.0), parse_actual(True)
    assert (type(one.raw), type(one_float.raw), type(true.raw)) == (int, float, bool)
    assert true.flag is True and one.flag is None and one.level == 1
    assert parse_points(True) is None and parse_points(1) == 1


def test_display_trap_near_a_boundary() -> None:
    from dataclasses import replace

    from kpicli.io.numfmt import NumberShape, shape_of_code
    from kpicli.scorecard.apply import display_trap

    tiers = parse_rule("分档 ≥95%:20; ≥90%:14; <90%:0")

    def trap(raw: object, shape: NumberShape | None = None) -> str | None:
        actual = replace(parse_actual(raw), shape=shape)
        return display_trap(tiers, actual, F(20), apply_rule(tiers, actual, F(20)))

    one_place = shape_of_code("0.0%")
    assert one_place == NumberShape(True, 1) and shape_of_code('#,##0.00"分"') == NumberShape(False, 2)
    assert shape_of_code("yyyy-mm-dd") is None and shape_of_code("General") is None
    assert "显示为 95.0%" in trap(0.9499999999, one_place)
    assert trap(0.9499999999) is None  # General shows 10 significant digits: 0.9499999999 as it is
    assert "显示为 0.95，单元格里存的是 0.94999999999" in trap(0.94999999999)
    assert trap(0.9649999999, one_place) is None and trap(0.876, one_place) is None and trap("94.99999%") is None
    assert "显示为 90%" in trap(0.8999, NumberShape(True, 0))  # 89.99% shown as 90%: 0 held, 14 shown
