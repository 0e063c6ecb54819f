"""Rules as text: the commented kpicli.toml that `rules init` writes, and key/value rows for reports."""

from __future__ import annotations

import json
from decimal import Decimal

from kpicli.rules.model import Rules


def _num(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text


def _str(text: str) -> str:
    """A TOML basic string (JSON escaping is valid TOML for these)."""
    return json.dumps(text, ensure_ascii=False)


def _table(mapping: dict[str, Decimal]) -> str:
    return "{ " + ", ".join(f"{_str(k)} = {_num(v)}" for k, v in mapping.items()) + " }"


def _derived_note(rules: Rules, show: bool) -> str:
    """A comment line saying the cap grade was not written but derived from the bands (for `rules show`)."""
    if not (show and rules.annual.cap_derived):
        return ""
    return f"\n# 未设置 cap_grade\uff1a按等级分档自动取最低的及格等级「{rules.annual.cap_grade}」"


def to_toml(rules: Rules, *, show_derived: bool = False) -> str:
    """A complete rules file with a Chinese comment on every key; parse_rules(to_toml(r)) == r.

    show_derived adds a comment where a value was not set but derived (the annual cap grade)."""
    s, g, r, a = rules.scoring, rules.grades, rules.rewards, rules.annual
    bands = ",\n".join(f"  {{ grade = {_str(b.grade)}, min = {_num(b.min)} }}" for b in g.bands)
    return f"""# kpicli 评分规则。放在检查表所在文件夹并命名为 kpicli.toml 即自动生效,
# 或用 --rules 文件 指定。省略的设置项采用默认值。

[scoring]
# 各触点等级的权重(填写了正数「分值」的触点以分值为准)
level_weights = {_table(s.level_weights)}
# 「部分完成」的得分比例,0 到 1 之间
partial_credit = {_num(s.partial_credit)}
# 城市公司检查为空时,是否采用项目自查结果
self_check_fallback = {"true" if s.self_check_fallback else "false"}
# 结果为空时:"未完成" 按未完成计分;"error" 视为错误,必须补填后才能评分
blank = "{s.blank}"
# 项目得分的汇总方式:"pooled" 五个职能的触点合并计算;"function_weights" 按职能权重加权
project_aggregation = "{s.project_aggregation}"
# 职能权重(仅 project_aggregation = "function_weights" 时使用,在参与考核的职能间重新归一)
function_weights = {_table(s.function_weights)}

[grades]
# 等级分档:得分(四舍五入到两位小数后)不低于 min 即为该等级,须从高到低排列
bands = [
{bands},
]
# 低于最低一档时的等级
lowest = {_str(g.lowest)}

[rewards]
# 排名第一且得分高于此值的单位获得奖励
reward_threshold = {_num(r.reward_threshold)}
# 奖励金额(元)
reward_amount = {_num(r.reward_amount)}
# 得分低于此值的单位受到处罚
penalty_threshold = {_num(r.penalty_threshold)}
# 处罚金额(元,写正数)
penalty_amount = {_num(r.penalty_amount)}
# 排名方式:"separate" 职能与项目分别排名;"combined" 职能与项目一起排名
ranking = "{r.ranking}"

[annual]
# 年度绩效封顶等级(省略时自动取最低的及格等级,即 bands 的最后一档){_derived_note(rules, show_derived)}
cap_grade = {_str(a.cap_grade)}
# 连续几个季度处于封顶等级及以下即封顶
consecutive = {a.consecutive}
# 全年累计几个季度处于封顶等级及以下即封顶
cumulative = {a.cumulative}
"""


def rules_rows(rules: Rules) -> list[tuple[str, str]]:
    """(key, value) pairs of the effective rules, for the 评分规则 sheet and `rules show`."""
    s, g, r, a = rules.scoring, rules.grades, rules.rewards, rules.annual
    return [
        ("scoring.level_weights 等级权重", "、".join(f"{k}={_num(v)}" for k, v in s.level_weights.items())),
        ("scoring.partial_credit 部分完成得分比例", _num(s.partial_credit)),
        ("scoring.self_check_fallback 检查为空时采用自查", "是" if s.self_check_fallback else "否"),
        ("scoring.blank 空白结果", "按未完成计" if s.blank == "未完成" else "视为错误"),
        ("scoring.project_aggregation 项目汇总方式",
         "合并计算(pooled)" if s.project_aggregation == "pooled" else "按职能权重(function_weights)"),
        ("scoring.function_weights 职能权重", "、".join(f"{k}={_num(v)}" for k, v in s.function_weights.items())),
        ("grades.bands 等级分档", ",".join(f"{b.grade} ≥ {_num(b.min)}" for b in g.bands) + f",其余 {g.lowest}"),
        ("rewards.reward 奖励", f"排名第一且得分 > {_num(r.reward_threshold)}:+{_num(r.reward_amount)} 元"),
        ("rewards.penalty 处罚", f"得分 < {_num(r.penalty_threshold)}:-{_num(r.penalty_amount)} 元"),
        ("rewards.ranking 排名方式", "职能与项目分别排名" if r.ranking == "separate" else "职能与项目一起排名"),
        ("annual 年度封顶", f"连续 {a.consecutive} 个季度或累计 {a.cumulative} 个季度 ≤ {a.cap_grade},年度绩效不高于 {a.cap_grade}"
                           + ("\uff08封顶等级未设置\uff0c自动取最低的及格等级\uff09" if a.cap_derived else "")),
    ]
