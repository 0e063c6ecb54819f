"""Scorecard settings as key/value rows, for the 评分规则 sheet of the result workbook (and later `rules show`)."""

from __future__ import annotations

from decimal import Decimal

from kpicli.scorecard.settings import REVIEWER_NAMES, ScorecardSettings

RED_LINE_TEXT = {
    "lowest": "保留总分，等级取最低、绩效系数为 0、绩效奖金为 0",
    "zero": "总分按 0 计，等级取最低、绩效系数为 0、绩效奖金为 0",
    "flag": "只列出，不影响总分、等级和绩效系数",
}


def number_text(value: Decimal | int) -> str:
    """A setting's number as written: 1.0 stays 1.0, 90 stays 90 (no exponent)."""
    return format(Decimal(value), "f")


def k_text(value: Decimal | int | None) -> str:
    """A 绩效系数 written one way everywhere, as the sheets' number format 0.0# shows it: 1.2, 1.0, 0.0, 0.85."""
    if value is None:
        return "—"
    shown = Decimal(value).quantize(Decimal("0.01"))
    return format(shown if shown != shown.quantize(Decimal("0.1")) else shown.quantize(Decimal("0.1")), "f")


def grade_bands_text(settings: ScorecardSettings) -> str:
    grades = settings.grades
    return "，".join(f"{b.grade} ≥ {number_text(b.min.normalize())}" for b in grades.bands) + f"，其余 {grades.lowest}"


def coefficient_text(settings: ScorecardSettings) -> str:
    bands = "，".join(f"≥{number_text(low.normalize())} → {k_text(k)}" for low, k in settings.coefficients)
    lowest = min((low for low, _ in settings.coefficients), default=None)
    below = f"，低于 {number_text(lowest.normalize())} → {k_text(settings.below_coefficient)}" if lowest is not None else ""
    return bands + below


def settings_rows(settings: ScorecardSettings) -> list[tuple[str, str]]:
    """(key, value) pairs of the effective scorecard settings, keys named after ScorecardSettings' fields."""
    if settings.reviewer_weights is None:
        counted = "最后一位评分人：" + " → ".join(REVIEWER_NAMES[k] for k in settings.reviewer_order)
    else:
        counted = "按评分人权重加权：" + "、".join(f"{REVIEWER_NAMES[k]} {number_text(w)}"
                                                for k, w in settings.reviewer_weights.items())
        counted += "（在填写了分数的评分人之间重新归一）"
    return [
        ("scorecard.reviewer_order 采用的评分", counted),
        ("scorecard.use_computed 无人评分时按计分方式计算", "是" if settings.use_computed else "否"),
        ("scorecard.self_fallback 无人评分且无法计算时采用自评", "是" if settings.self_fallback else "否"),
        ("scorecard.red_line 触及红线", RED_LINE_TEXT[settings.red_line]),
        ("scorecard.grades 等级分档", grade_bands_text(settings)),
        ("scorecard.coefficients 绩效系数", coefficient_text(settings)),
        ("scorecard.pay_places 绩效奖金", f"绩效奖金基数 × 绩效系数，四舍五入保留 {settings.pay_places} 位小数"),
        ("总分", "有部分权重：Σ 部分权重 × 部分得分（部分得分 = 100 × Σ 得分 ÷ Σ 满分）；"
                 "无部分权重：Σ 各项得分；四舍五入保留两位小数"),
    ]
