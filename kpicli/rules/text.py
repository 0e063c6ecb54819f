"""Rules as text: the commented kpicli.toml that `rules init` writes and `rules show` prints, and key/value rows
of the shared tables for a 评分规则 sheet. A kind's own section (rules.sections) writes its table itself, with the
TOML helpers here (toml_number, toml_string, toml_table, toml_bands), and its 评分规则 rows in its own package."""

from __future__ import annotations

import json
from collections.abc import Iterable
from decimal import Decimal

from kpicli.rules.bands import Grades
from kpicli.rules.model import Rules
from kpicli.rules.sections import RulesSection, with_sections


def toml_number(value: Decimal) -> str:
    """A number as the decimal it is (no exponent, no trailing zeros)."""
    return format(value.normalize(), "f")


def toml_string(text: str) -> str:
    """A TOML basic string (JSON escaping is valid TOML for these)."""
    return json.dumps(text, ensure_ascii=False)


def toml_table(mapping: dict[str, Decimal]) -> str:
    """An inline table of numbers: { "一级" = 3, … }."""
    return "{ " + ", ".join(f"{toml_string(k)} = {toml_number(v)}" for k, v in mapping.items()) + " }"


def _aliases(mapping: dict[str, str]) -> str:
    return "{ " + ", ".join(f"{toml_string(k)} = {toml_string(v)}" for k, v in mapping.items()) + " }" if mapping else "{}"


def toml_bool(value: bool) -> str:
    """true or false."""
    return "true" if value else "false"


def toml_bands(grades: Grades) -> str:
    """The lines of a bands array (without the brackets)."""
    return ",\n".join(f"  {{ grade = {toml_string(b.grade)}, min = {toml_number(b.min)} }}" for b in grades.bands)


def _derived_note(rules: Rules, show: bool) -> str:
    """A comment line saying the cap grade was not written but derived from the bands (for `rules show`)."""
    if not (show and rules.annual.cap_derived):
        return ""
    return f"\n# 未设置 cap_grade：按等级分档自动取最低的及格等级「{rules.annual.cap_grade}」"


def to_toml(rules: Rules, *, show_derived: bool = False, sections: Iterable[RulesSection] = ()) -> str:
    """A complete rules file with a Chinese comment on every key, each of `sections` (the kinds' own tables) after
    the shared ones; parse_rules(to_toml(r, sections=x), sections=x) == r.

    show_derived adds a comment where a value was not set but derived (the annual cap grade; a section's own, such
    as grade bands that follow [grades])."""
    declared = tuple(sections)
    rules = with_sections(rules, declared)
    s, g, r, a = rules.scoring, rules.grades, rules.rewards, rules.annual
    own = "".join(section.toml(rules.sections[section.name], show_derived=show_derived) for section in declared)
    return f"""# kpicli 评分规则。放在工作簿所在文件夹并命名为 kpicli.toml 即自动生效，
# 或用 --rules 文件 指定。省略的设置项采用默认值。中文的键要加英文双引号，例如 {{ "一级" = 3 }}。

[scoring]
# 各触点等级的权重（填写了正数「分值」的触点以分值为准）
level_weights = {toml_table(s.level_weights)}
# 「部分完成」的得分比例，0 到 1 之间
partial_credit = {toml_number(s.partial_credit)}
# 城市公司检查为空时，是否采用项目自查结果
self_check_fallback = {toml_bool(s.self_check_fallback)}
# 结果为空时："未完成" 按未完成计分；"error" 视为错误，必须补填后才能评分
blank = "{s.blank}"
# 项目得分的汇总方式："pooled" 五个职能的触点合并计算；"function_weights" 按职能权重加权
project_aggregation = "{s.project_aggregation}"
# 职能权重（仅 project_aggregation = "function_weights" 时使用，在参与考核的职能间重新归一）
function_weights = {toml_table(s.function_weights)}

[grades]
# 等级分档：得分（四舍五入到两位小数后）不低于 min 即为该等级，须从高到低排列
bands = [
{toml_bands(g)},
]
# 低于最低一档时的等级
lowest = {toml_string(g.lowest)}

[rewards]
# 排名第一且得分高于此值的单位获得奖励
reward_threshold = {toml_number(r.reward_threshold)}
# 奖励金额（元）
reward_amount = {toml_number(r.reward_amount)}
# 得分低于此值的单位受到处罚
penalty_threshold = {toml_number(r.penalty_threshold)}
# 处罚金额（元，写正数）
penalty_amount = {toml_number(r.penalty_amount)}
# 排名方式："separate" 职能与项目分别排名；"combined" 职能与项目一起排名
ranking = "{r.ranking}"
# 项目的物业经理是否参与项目奖惩的分配：默认 false（奖惩由项目总监和项目的营销、研发、工程、客服职能经理分配；物业以服务费结算）
property_in_project_team = {toml_bool(r.property_in_project_team)}

[annual]
# 年度绩效封顶等级（省略时自动取最低的及格等级，即 bands 的最后一档）{_derived_note(rules, show_derived)}
cap_grade = {toml_string(a.cap_grade)}
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
open_result = {toml_bool(rules.output.open_result)}
{own}"""


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
    """(key, value) pairs of the shared tables of the rules in force, for a 评分规则 sheet."""
    s, g, r, a = rules.scoring, rules.grades, rules.rewards, rules.annual
    return [
        ("scoring.level_weights 等级权重", "、".join(f"{k}={toml_number(v)}" for k, v in s.level_weights.items())),
        ("scoring.partial_credit 部分完成得分比例", toml_number(s.partial_credit)),
        ("scoring.self_check_fallback 检查为空时采用自查", "是" if s.self_check_fallback else "否"),
        ("scoring.blank 空白结果", "按未完成计" if s.blank == "未完成" else "视为错误"),
        ("scoring.project_aggregation 项目汇总方式",
         "五个职能的触点合并计算" if s.project_aggregation == "pooled" else "按职能权重加权"),
        ("scoring.function_weights 职能权重", "、".join(f"{k}={toml_number(v)}" for k, v in s.function_weights.items())),
        ("grades.bands 等级分档", "，".join(f"{b.grade} ≥ {toml_number(b.min)}" for b in g.bands) + f"，其余 {g.lowest}"),
        ("rewards.reward 奖励", f"排名第一且得分 > {toml_number(r.reward_threshold)}：+{toml_number(r.reward_amount)} 元"),
        ("rewards.penalty 处罚", f"得分 < {toml_number(r.penalty_threshold)}：-{toml_number(r.penalty_amount)} 元"),
        ("rewards.ranking 排名方式", "职能与项目分别排名" if r.ranking == "separate" else "职能与项目一起排名"),
        ("rewards.property_in_project_team 项目奖惩的分配人员",
         "项目总监和项目的全部职能经理（含物业经理）" if r.property_in_project_team
         else "项目总监和项目的营销、研发、工程、客服职能经理（物业经理不参与，物业以服务费结算）"),
        ("annual 年度封顶", f"连续 {a.consecutive} 个季度或累计 {a.cumulative} 个季度 ≤ {a.cap_grade}，"
                           f"年度绩效不高于 {a.cap_grade}" + ("（封顶等级未设置，自动取最低的及格等级）"
                                                           if a.cap_derived else "")),
    ]
