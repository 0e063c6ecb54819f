"""Scorecard settings as text: key/value rows for the 评分规则 sheet of the result workbook, and the commented
`[scorecard]` table `rules init` writes and `rules show` prints (through kpicli.scorecard.rules_section)."""

from __future__ import annotations

from decimal import Decimal

from kpicli.rules.text import toml_bands, toml_bool, toml_number, toml_string, toml_table
from kpicli.scorecard.settings import ANNUAL_PARTS, REVIEWER_NAMES, ScorecardSettings

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


def settings_toml(sc: ScorecardSettings, show_derived: bool) -> str:
    """[scorecard] and [scorecard.annual]: the personal KPI scorecards' settings (contract scorecard.md), as they
    follow the shared tables of a rules file (kpicli.rules.text.to_toml)."""
    order = "[" + ", ".join(toml_string(REVIEWER_NAMES[k]) for k in sc.reviewer_order) + "]"
    weights = sc.reviewer_weights or {"self": Decimal(10), "reviewer1": Decimal(90)}
    weights_line = "reviewer_weights = " + toml_table({REVIEWER_NAMES[k]: w for k, w in weights.items()})
    # only one of the two ways may be written: the other stays as a commented example
    order_on, weights_on = ("", "# ") if sc.reviewer_weights is None else ("# ", "")
    coefficients = ",\n".join(f"  {{ min = {toml_number(low)}, k = {format(k, 'f')} }}" for low, k in sc.coefficients)
    if sc.grades_derived:
        now = "，".join(f"{b.grade} ≥ {toml_number(b.min)}" for b in sc.grades.bands) + f"，其余 {sc.grades.lowest}"
        note = f"\n# 未设置 [scorecard.grades]：沿用 [grades] 的等级分档（{now}）" if show_derived else ""
        grades = ("# 等级分档：不写 [scorecard.grades] 一节时沿用上面 [grades] 的分档；"
                  f"要单独设置，加一节 [scorecard.grades]，写法与 [grades] 相同{note}\n")
    else:
        grades = (f"[scorecard.grades]\n# 个人考核的等级分档（写法与上面的 [grades] 相同），须从高到低排列\n"
                  f"bands = [\n{toml_bands(sc.grades)},\n]\n# 低于最低一档时的等级\nlowest = {toml_string(sc.grades.lowest)}\n")
    annual = toml_table({ANNUAL_PARTS[key]: getattr(sc.annual, key) for key in ANNUAL_PARTS})
    return f"""
[scorecard]
# 个人绩效考核表（目标责任书、KPI 考核表）的设置；其他种类的工作簿不使用本节。
# 采用哪位评分人的分数：按顺序取第一位填写了分数的评分人（可写 "二级评分"、"上级评分"）
{order_on}reviewer_order = {order}
# 或者按权重合并多位评分人（在填写了分数的评分人之间重新归一；可写 "自评"、"上级评分"、"二级评分"），
# 与 reviewer_order 只能写一个：启用时去掉本行开头的 #，并在 reviewer_order 一行开头加 #
{weights_on}{weights_line}
# 没有评分人评分时，是否按「计分方式」和「实际完成」计算得分
use_computed = {toml_bool(sc.use_computed)}
# 既无评分也无法计算时，是否采用自评（并提示「未经上级评分，采用自评」）
self_fallback = {toml_bool(sc.self_fallback)}
# 触及红线："lowest" 保留总分，等级取最低，绩效系数和绩效奖金为 0；"zero" 总分也按 0 计；"flag" 只列出，不影响得分
red_line = "{sc.red_line}"
# 绩效系数：总分（四舍五入到两位小数后）不低于 min 即取该档的 k，须从高到低排列
coefficients = [
{coefficients},
]
# 低于最低一档时的绩效系数
below_coefficient = {format(sc.below_coefficient, 'f')}
# 绩效奖金 = 绩效奖金基数 × 绩效系数，四舍五入保留的小数位数（0 到 4）
pay_places = {sc.pay_places}

{grades}
[scorecard.annual]
# 年度综合得分各部分的权重（%）：三部分都要写（不计入的写 0），加起来必须等于 100；
# 按季度考核时可把 "月度平均" 写成 "季度平均"
weights = {annual}
"""
