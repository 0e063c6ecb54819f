"""Using a parsed 计分方式 (contract §3): checking it against an item's maximum, applying it to the actual value."""

from __future__ import annotations

import math
from dataclasses import replace
from decimal import Decimal
from fractions import Fraction
from functools import lru_cache

from kpicli.io.numfmt import NumberShape

from .deadline import add_months, completion, date_text, days_late, months_late
from .rule import Deadline, Deduction, Levels, Proportional, Rule, Step, Threshold, Tiered, level_name
from .values import Actual, Amount, ScorecardValueError, cell_number, fmt

__all__ = ["actual_text", "apply_rule", "check_rule", "display_trap", "lateness"]

# a number in a General cell is shown with at most this many significant digits (Excel, standard column width)
GENERAL_DIGITS = 10


def check_rule(rule: Rule, max_points: Fraction) -> list[str]:
    """What is wrong with a parsed rule on an item worth max_points (empty when it can be used)."""
    messages = []
    if rule.limit is not None and rule.limit < max_points:
        messages.append(f"上限 {fmt(rule.limit)} 低于本项满分 {fmt(max_points)}；上限是含加分的最高分，不能小于满分")
    top = rule.top_points()
    cap = rule.cap(max_points)
    if top is not None and cap is not None and top > cap:
        if rule.limit is None:
            messages.append(f"{rule.kind}中最高 {fmt(top)} 分超过本项满分 {fmt(max_points)} 分；如果超出部分是加分，"
                            f"请在计分方式后写「上限 {fmt(top)}」（或「上不封顶」），否则请改正分数")
        else:
            messages.append(f"{rule.kind}中最高 {fmt(top)} 分超过本项上限 {fmt(cap)} 分")
    return messages


def actual_number(rule: Rule, actual: Actual) -> Fraction:
    """The actual as a number in the rule's unit (percent points for a rule written in %)."""
    shown = actual.shown()
    if actual.amount is None:
        raise ScorecardValueError(f"实际完成「{shown}」不是数字，{rule.kind}计分需要数字")
    value = actual.amount
    if actual.percent_cell:
        if rule.percent:
            return value.value * 100
        bounds = list(dict.fromkeys(str(a) for a in rule.amounts() if a.value))
        if not bounds:
            raise ScorecardValueError(f"实际完成单元格是百分比格式（显示为 {shown}），而{rule.kind}计分需要普通数字；"
                                      "请把这一格改成常规格式后填写")
        raise ScorecardValueError(f"实际完成单元格是百分比格式（显示为 {shown}），而计分方式的数字（{'、'.join(bounds)}）"
                                  f"没有写 %；单位不一致：请在计分方式的数字后加 %（如 {bounds[0]}%），"
                                  "或把这一格改成常规格式并填写计分方式所用的数字")
    if not value.percent and rule.wan != value.wan and (value.value != 0 or not rule.wan):
        written = "、".join(dict.fromkeys(fmt(a.value / 10000) + "万" if a.wan else fmt(a.value)
                                          for a in rule.amounts() if a.value))
        if rule.wan:
            n = fmt(value.value)
            raise ScorecardValueError(f"实际完成「{shown}」没有写「万」，而计分方式的金额写了「万」（{written}）；单位不一致："
                                      f"是 {n} 万元请写成 {n}万，是 {n} 元请写成 {fmt(value.value / 10000)}万")
        raise ScorecardValueError(f"实际完成「{shown}」写了「万」，而计分方式的金额（{written}）没有写「万」；单位不一致："
                                  f"请在计分方式的金额后加「万」（如 {written.split('、')[0]}万），或把实际完成写成 {fmt(value.value)}")
    if rule.percent:
        if value.percent:
            return value.value
        if abs(value.value) > 2:
            raise ScorecardValueError(f"实际完成「{shown}」：计分方式按百分数计分，请写成 {shown}%（{shown} → {shown}%）")
        return value.value * 100
    if value.percent:
        raise ScorecardValueError(f"实际完成「{shown}」是百分数，但计分方式不是按百分数写的；请去掉 % 或把计分方式写成百分数")
    return value.value


def actual_text(rule: object, actual: Actual) -> str:
    """The actual as the rule reads it, for people: a %-formatted cell holds 0.915 for the 91.5% its user sees,
    so under a rule written in percentages a plain number up to 2 is shown as 91.5%; anything else as typed."""
    amount = actual.amount
    if isinstance(rule, Rule) and rule.percent and amount is not None and not amount.percent and abs(amount.value) <= 2:
        return fmt(amount.value * 100) + "%"
    return actual.shown()


def _clamp(value: Fraction, cap: Fraction | None) -> Fraction:
    value = max(value, Fraction(0))
    return value if cap is None else min(value, cap)


def lateness(rule: Deadline, actual: Actual) -> tuple[int, bool, bool, str]:
    """How late the actual is under a 期限 rule: (whole units late in the rule's unit, part of a further unit,
    past the cut-off, the delay in words)."""
    shown = actual.shown()
    found = completion(actual.raw, actual.text)
    if found is None:
        raise ScorecardValueError(f"实际完成「{shown}」不是完成日期；期限计分请填写完成日期（如 2026-07-15），"
                                  "或延迟的时间（如 延迟2个月）、按时完成")
    if isinstance(found, tuple):
        count, unit = found
        if count and (unit != rule.unit or (rule.cutoff is not None and rule.cutoff[1] != unit)):
            raise ScorecardValueError(f"实际完成「{shown}」按{unit}写，而计分方式按{rule.unit}计；请填写完成日期")
        words = "按时完成" if count == 0 else f"延迟 {count} 个月" if unit == "月" else f"延迟 {count} 天"
        return count, False, rule.cutoff is not None and count > rule.cutoff[0], words
    months, part_month = months_late(rule.due, found)
    days = days_late(rule.due, found)
    whole, part = (months, part_month) if rule.unit == "月" else (days, False)
    beyond = False
    if rule.cutoff is not None:
        limit, unit = rule.cutoff
        beyond = (months > limit or (months == limit and part_month)) if unit == "月" else days > limit
    if days == 0:
        words = f"{date_text(found)}完成，未超过期限 {date_text(rule.due)}"
    elif rule.unit == "月":
        extra = f"零 {(found - add_months(rule.due, months)).days} 天" if part_month and months else ""
        late = f"{months} 个月{extra}" if months else f"{days} 天（不足 1 个月）"
        words = f"{date_text(found)}完成，比期限 {date_text(rule.due)} 晚 {late}"
    else:
        words = f"{date_text(found)}完成，比期限 {date_text(rule.due)} 晚 {days} 天"
    return whole, part, beyond, words


def deadline_steps(rule: Deadline, whole: int, part: bool) -> int:
    """Steps of delay: whole units ÷ units per step, truncated; part of a step counts only under 不足…按…计."""
    steps, rest = divmod(whole, rule.per)
    return steps + 1 if rule.round_up and (rest or part) else steps


def step_beyond(rule: Step, a: Fraction) -> bool:
    """Whether the actual is past the 步进's cut-off (further than it from the target, the losing way)."""
    if rule.cutoff is None:
        return False
    short = a - rule.target.value if rule.amount < 0 else rule.target.value - a
    return short > rule.cutoff.value


def apply_rule(rule: Rule, actual: Actual, max_points: Fraction) -> Fraction | None:
    """The points the rule gives for the actual value; None for 直接 or a blank actual (rule not applied)."""
    if not rule.computing or actual.blank:
        return None
    cap = rule.cap(max_points)
    if isinstance(rule, Threshold):
        if actual.flag is not None and actual.amount is None:
            return max_points if actual.flag else Fraction(0)
        if rule.condition is None:
            raise ScorecardValueError(f"实际完成「{actual.shown()}」应为 是/否 或 完成/未完成")
        return max_points if rule.condition.holds(actual_number(rule, actual)) else Fraction(0)
    if isinstance(rule, Levels):
        return _level_points(rule, actual)
    if isinstance(rule, Deadline):
        whole, part, beyond, _ = lateness(rule, actual)
        if beyond:
            return Fraction(0)
        return max(max_points - deadline_steps(rule, whole, part) * rule.points, Fraction(0))
    a = actual_number(rule, actual)
    if isinstance(rule, Tiered):
        if a < 0:
            raise ScorecardValueError(f"实际完成「{actual.shown()}」为负数，分档计分的实际完成不能为负数")
        for condition, points in rule.tiers:
            if condition.holds(a):
                return points
        raise ScorecardValueError(f"实际完成「{actual.shown()}」没有对应的分档")
    if isinstance(rule, Proportional):
        return _clamp(max_points * a / rule.target.value, cap)
    if isinstance(rule, Deduction):
        if a < 0 or a.denominator != 1:
            raise ScorecardValueError(f"实际完成「{actual.shown()}」应为次数（0 或正整数）")
        return max(max_points - rule.per * a, Fraction(0))
    if isinstance(rule, Step):
        if step_beyond(rule, a):
            return Fraction(0)
        n = math.trunc((a - rule.target.value) / rule.step.value)
        return _clamp(max_points + n * rule.amount, cap)
    raise ScorecardValueError(f"计分方式「{rule.kind}」无法计算")  # pragma: no cover - every kind is handled


def _round_half_away(value: Fraction, places: int) -> Fraction:
    """value rounded to `places` decimals, halves away from zero (as Excel shows a number)."""
    scale = Fraction(10) ** places
    rounded = math.floor(abs(value) * scale + Fraction(1, 2)) / scale
    return rounded if value >= 0 else -rounded


def _shown_value(actual: Actual) -> tuple[Fraction, str] | None:
    """The value a number cell shows (in its own unit: 0.95 for 95.0%), and the text shown; None for text cells."""
    held = cell_number(actual.raw)
    if held is None or held == 0:
        return None
    shape = actual.shape
    if shape is not None:
        scale = 100 if shape.percent else 1
        shown = _round_half_away(held * scale, shape.decimals)
        text = format(Decimal(shown.numerator) / Decimal(shown.denominator), f".{shape.decimals}f")
        return shown / scale, text + ("%" if shape.percent else "")
    digits = len(str(math.floor(abs(held)))) if abs(held) >= 1 else -_leading_zeros(abs(held))
    shown = _round_half_away(held, max(GENERAL_DIGITS - digits, 0))
    return shown, fmt(shown)


@lru_cache(maxsize=4096, typed=True)  # typed: TRUE and 1 are different cells
def _may_round(raw: object, shape: NumberShape | None) -> bool:
    """A cheap look at the number as stored: whether its display can differ from it (more decimals than shown)."""
    if not isinstance(raw, float):
        return False
    text = repr(abs(raw))
    if "e" in text:
        return True
    whole, _, decimals = text.partition(".")
    decimals = decimals.rstrip("0")
    if shape is not None:
        return len(decimals) > shape.decimals + (2 if shape.percent else 0)
    return len((whole.lstrip("0") + decimals).lstrip("0")) > GENERAL_DIGITS


def _leading_zeros(value: Fraction) -> int:
    """0.0123 → 1: the zeros after the point before the first significant digit."""
    zeros = 0
    while value < Fraction(1, 10):
        value *= 10
        zeros += 1
    return zeros


def display_trap(rule: Rule, actual: Actual, max_points: Fraction, points: Fraction) -> str | None:
    """A warning when a number cell shows a value that would score differently from the value it holds (a cell
    showing 95.0% that holds 0.9499999999 under ≥95%): the held value counts, but the user reads the other."""
    if not isinstance(rule, (Tiered, Threshold, Step)) or actual.amount is None or actual.amount.percent:
        return None
    if not _may_round(actual.raw, actual.shape):
        return None
    found = _shown_value(actual)
    if found is None or found[0] == cell_number(actual.raw):
        return None
    shown, text = found
    try:
        other = apply_rule(rule, replace(actual, raw=float(shown), amount=Amount(shown)), max_points)
    except ScorecardValueError:
        return None
    if other is None or other == points:
        return None
    return (f"实际完成显示为 {text}，单元格里存的是 {actual.shown()}，正好在计分方式的分界处：按存的值计 {fmt(points)} 分，"
            f"按显示的值会是 {fmt(other)} 分。kpicli 按存的值计分；如果应为 {text}，请在这一格直接输入 {text}")


def _level_points(rule: Levels, actual: Actual) -> Fraction:
    table = dict(rule.levels)
    key: int | str | None = level_name(actual.text) if rule.named else actual.level
    if key is None or key not in table:
        written = "、".join(str(k) for k, _ in rule.levels)
        raise ScorecardValueError(f"实际完成「{actual.shown()}」不是计分方式中的等级（{written}）")
    return table[key]
