"""Rules as text: the commented kpicli.toml that `rules init` writes and `rules show` prints, and key/value rows
for the checklist's 评分规则 sheet (the scorecard's rows are kpicli.scorecard.settings_text)."""

from __future__ import annotations

import json
from decimal import Decimal

from kpicli.rules.bands import Grades
from kpicli.rules.model import Rules
from kpicli.rules.scorecard import ANNUAL_PARTS, REVIEWER_NAMES, ScorecardSettings


def _num(value: Decimal) -> str:
    return format(value.normalize(), "f")


def _str(text: str) -> str:
    """A TOML basic string (JSON escaping is valid TOML for these)."""
    return json.dumps(text, ensure_ascii=False)


def _table(mapping: dict[str, Decimal]) -> str:
    return "{ " + ", ".join(f"{_str(k)} = {_num(v)}" for k, v in mapping.items()) + " }"


def _aliases(mapping: dict[str, str]) -> str:
    return "{ " + ", ".join(f"{_str(k)} = {_str(v)}" for k, v in mapping.items()) + " }" if mapping else "{}"


def _bool(value: bool) -> str:
    return "true" if value else "false"


def _bands(grades: Grades) -> str:
    return ",\n".join(f"  {{ grade = {_str(b.grade)}, min = {_num(b.min)} }}" for b in grades.bands)


def _derived_note(rules: Rules, show: bool) -> str:
    """A comment line saying the cap grade was not written but derived from the bands (for `rules show`)."""
    if not (show and rules.annual.cap_derived):
        return ""
    return f"\n# 未设置 cap_grade：按等级分档自动取最低的及格等级「{rules.annual.cap_grade}」"


def to_toml(rules: Rules, *, show_derived: bool = False) -> str:
    """A complete rules file with a Chinese comment on every key; parse_rules(to_toml(r)) == r.

    show_derived adds a comment where a value was not set but derived (the annual cap grade, the scorecard's
    grade bands)."""
    s, g, r, a = rules.scoring, rules.grades, rules.rewards, rules.annual
    return f"""# kpicli 评分规则。放在检查表所在文件夹并命名为 kpicli.toml 即自动生效，
# 或用 --rules 文件 指定。省略的设置项采用默认值。中文的键要加英文双引号，例如 {{ "一级" = 3 }}。

[scoring]
# 各触点等级的权重（填写了正数「分值」的触点以分值为准）
level_weights = {_table(s.level_weights)}
# 「部分完成」的得分比例，0 到 1 之间
partial_credit = {_num(s.partial_credit)}
# 城市公司检查为空时，是否采用项目自查结果
self_check_fallback = {_bool(s.self_check_fallback)}
# 结果为空时："未完成" 按未完成计分；"error" 视为错误，必须补填后才能评分
blank = "{s.blank}"
# 项目得分的汇总方式："pooled" 五个职能的触点合并计算；"function_weights" 按职能权重加权
project_aggregation = "{s.project_aggregation}"
# 职能权重（仅 project_aggregation = "function_weights" 时使用，在参与考核的职能间重新归一）
function_weights = {_table(s.function_weights)}

[grades]
# 等级分档：得分（四舍五入到两位小数后）不低于 min 即为该等级，须从高到低排列
bands = [
{_bands(g)},
]
# 低于最低一档时的等级
lowest = {_str(g.lowest)}

[rewards]
# 排名第一且得分高于此值的单位获得奖励
reward_threshold = {_num(r.reward_threshold)}
# 奖励金额（元）
reward_amount = {_num(r.reward_amount)}
# 得分低于此值的单位受到处罚
penalty_threshold = {_num(r.penalty_threshold)}
# 处罚金额（元，写正数）
penalty_amount = {_num(r.penalty_amount)}
# 排名方式："separate" 职能与项目分别排名；"combined" 职能与项目一起排名
ranking = "{r.ranking}"
# 项目的物业经理是否参与项目奖惩的分配：默认 false（奖惩由项目总监和项目的营销、研发、工程、客服职能经理分配；物业以服务费结算）
property_in_project_team = {_bool(r.property_in_project_team)}

[annual]
# 年度绩效封顶等级（省略时自动取最低的及格等级，即 bands 的最后一档）{_derived_note(rules, show_derived)}
cap_grade = {_str(a.cap_grade)}
# 连续几个季度处于封顶等级及以下即封顶
consecutive = {a.consecutive}
# 全年累计几个季度处于封顶等级及以下即封顶
cumulative = {a.cumulative}

[projects]
# 季度之间改过名称的项目：「旧名称」 = 「现名称」，年度汇总（kpicli annual）把两者算作同一个项目，
# 例如 aliases = {{ "云栖府一期" = "云栖府" }}
aliases = {_aliases(rules.projects.aliases)}

[output]
# 评分后自动打开结果：一个结果工作簿时用 Excel/WPS 打开它，多个时打开所在的文件夹（等同每次加 --open）
open_result = {_bool(rules.output.open_result)}
{_scorecard_toml(rules.scorecard, show_derived)}"""


def _scorecard_toml(sc: ScorecardSettings, show_derived: bool) -> str:
    """[scorecard] and [scorecard.annual]: the personal KPI scorecards' settings (contract scorecard.md)."""
    order = "[" + ", ".join(_str(REVIEWER_NAMES[k]) for k in sc.reviewer_order) + "]"
    weights = sc.reviewer_weights or {"self": Decimal(10), "reviewer1": Decimal(90)}
    weights_line = "reviewer_weights = " + _table({REVIEWER_NAMES[k]: w for k, w in weights.items()})
    # only one of the two ways may be written: the other stays as a commented example
    order_on, weights_on = ("", "# ") if sc.reviewer_weights is None else ("# ", "")
    coefficients = ",\n".join(f"  {{ min = {_num(low)}, k = {format(k, 'f')} }}" for low, k in sc.coefficients)
    if sc.grades_derived:
        now = "，".join(f"{b.grade} ≥ {_num(b.min)}" for b in sc.grades.bands) + f"，其余 {sc.grades.lowest}"
        note = f"\n# 未设置 [scorecard.grades]：沿用 [grades] 的等级分档（{now}）" if show_derived else ""
        grades = ("# 等级分档：不写 [scorecard.grades] 一节时沿用上面 [grades] 的分档；"
                  f"要单独设置，加一节 [scorecard.grades]，写法与 [grades] 相同{note}\n")
    else:
        grades = (f"[scorecard.grades]\n# 个人考核的等级分档（写法与检查表的 [grades] 相同），须从高到低排列\n"
                  f"bands = [\n{_bands(sc.grades)},\n]\n# 低于最低一档时的等级\nlowest = {_str(sc.grades.lowest)}\n")
    annual = _table({ANNUAL_PARTS[key]: getattr(sc.annual, key) for key in ANNUAL_PARTS})
    return f"""
[scorecard]
# 个人绩效考核表（目标责任书、KPI 考核表）的设置；检查表不使用本节。
# 采用哪位评分人的分数：按顺序取第一位填写了分数的评分人（可写 "二级评分"、"上级评分"）
{order_on}reviewer_order = {order}
# 或者按权重合并多位评分人（在填写了分数的评分人之间重新归一；可写 "自评"、"上级评分"、"二级评分"），
# 与 reviewer_order 只能写一个：启用时去掉本行开头的 #，并在 reviewer_order 一行开头加 #
{weights_on}{weights_line}
# 没有评分人评分时，是否按「计分方式」和「实际完成」计算得分
use_computed = {_bool(sc.use_computed)}
# 既无评分也无法计算时，是否采用自评（并提示「未经上级评分，采用自评」）
self_fallback = {_bool(sc.self_fallback)}
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


def audit_rows(rows: list[tuple[str, str]]) -> list[list[str]]:
    """Rows of a 评分规则 sheet: ("scoring.blank 空白结果", value) becomes [空白结果, value, scoring.blank] — the
    label and value in Chinese, the kpicli.toml key in the side column 规则文件中的写法 (blank for other rows)."""
    out = []
    for name, value in rows:
        key, _, label = name.partition(" ")
        out.append([label, value, key] if label and ("." in key or key == "annual") else [name, value, ""])
    return out


AUDIT_HEADERS = ["项目", "值", "规则文件中的写法"]


def rules_rows(rules: Rules) -> list[tuple[str, str]]:
    """(key, value) pairs of the effective checklist rules, for the 评分规则 sheet."""
    s, g, r, a = rules.scoring, rules.grades, rules.rewards, rules.annual
    return [
        ("scoring.level_weights 等级权重", "、".join(f"{k}={_num(v)}" for k, v in s.level_weights.items())),
        ("scoring.partial_credit 部分完成得分比例", _num(s.partial_credit)),
        ("scoring.self_check_fallback 检查为空时采用自查", "是" if s.self_check_fallback else "否"),
        ("scoring.blank 空白结果", "按未完成计" if s.blank == "未完成" else "视为错误"),
        ("scoring.project_aggregation 项目汇总方式",
         "五个职能的触点合并计算" if s.project_aggregation == "pooled" else "按职能权重加权"),
        ("scoring.function_weights 职能权重", "、".join(f"{k}={_num(v)}" for k, v in s.function_weights.items())),
        ("grades.bands 等级分档", "，".join(f"{b.grade} ≥ {_num(b.min)}" for b in g.bands) + f"，其余 {g.lowest}"),
        ("rewards.reward 奖励", f"排名第一且得分 > {_num(r.reward_threshold)}：+{_num(r.reward_amount)} 元"),
        ("rewards.penalty 处罚", f"得分 < {_num(r.penalty_threshold)}：-{_num(r.penalty_amount)} 元"),
        ("rewards.ranking 排名方式", "职能与项目分别排名" if r.ranking == "separate" else "职能与项目一起排名"),
        ("rewards.property_in_project_team 项目奖惩的分配人员",
         "项目总监和项目的全部职能经理（含物业经理）" if r.property_in_project_team
         else "项目总监和项目的营销、研发、工程、客服职能经理（物业经理不参与，物业以服务费结算）"),
        ("annual 年度封顶", f"连续 {a.consecutive} 个季度或累计 {a.cumulative} 个季度 ≤ {a.cap_grade}，"
                           f"年度绩效不高于 {a.cap_grade}" + ("（封顶等级未设置，自动取最低的及格等级）"
                                                           if a.cap_derived else "")),
    ]
