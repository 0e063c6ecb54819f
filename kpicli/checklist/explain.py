"""Explain a score item by item: weight, value, which check counted, credit and exact contribution.

The contributions of a unit add up exactly to its unrounded score; rounded half-up, that total is
the score shown everywhere else.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

import pandas as pd

from kpicli.checklist.assessment import Assessment
from kpicli.checklist.function_sheet import display_value
from kpicli.checklist.words import COMPANY_GROUP, function_of_label
from kpicli.core.errors import KpiError
from kpicli.core.exact import cents_to_decimal, fraction_cents, half_up, json_number
from kpicli.core.vocab import FUNCTIONS, name_key

CONTRIBUTION_PLACES = 4  # decimals of a contribution shown by explain


@dataclass
class Explanation:
    title: str
    assessed: bool
    score: Decimal | None
    grade: str | None
    method: str
    items: pd.DataFrame  # one row per item × group, contribution an exact Fraction (None if excluded)
    total: Fraction | None

    def to_json(self) -> dict:
        return {
            "unit": self.title,
            "assessed": self.assessed,
            "score": json_number(self.score, whole_as_int=False),
            "grade": self.grade,
            "method": self.method,
            "total_exact": str(self.total) if self.total is not None else None,
            "items": [
                {
                    "function": r.function, "group": r.group, "item_id": r.item_id, "name": r.name,
                    "level": r.level, "weight": json_number(r.weight, whole_as_int=False),
                    "value": r.value, "counted": r.counted, "raw": display_value(r.raw),
                    "credit": json_number(r.credit, whole_as_int=False) if r.applicable else None, "applicable": bool(r.applicable),
                    "contribution": json_number(places(r.contribution), whole_as_int=False) if r.contribution is not None else None,
                    "cell": r.cell,
                }
                for r in self.items.itertuples(index=False)
            ],
        }


def places(value: Fraction) -> Decimal:
    """A contribution rounded half-up to CONTRIBUTION_PLACES decimals."""
    return half_up(value, CONTRIBUTION_PLACES)


def _find_project(a: Assessment, name: str) -> str:
    wanted = name_key(name)  # the name rule: white space and full-width/half-width ignored
    for project in a.projects["project"]:
        if name_key(project) == wanted:
            return project
    known = "、".join(a.projects["project"]) or "（无）"
    raise KpiError(f"找不到项目「{name}」；本工作簿的项目有：{known}")


def _find_function(name: str) -> str:
    function = function_of_label(name)
    if function is None:
        raise KpiError(f"无法识别职能「{name}」；请写 {'、'.join(FUNCTIONS)} 之一")
    return function


def explain(a: Assessment, *, project: str | None = None, function: str | None = None) -> Explanation:
    """Explain the score of a unit (project + function), a project, or a function."""
    if project is None and function is None:
        raise KpiError("请用 --project 和/或 --function 指定要解释的单位")
    items = a.items.copy()
    items["cell"] = [
        f"{s}!{c}" if isinstance(c, str) else s
        for s, c in zip(items["sheet"], items["check_cell"].where(items["counted"].ne("自查"), items["self_cell"]))
    ]
    items["raw"] = items["check_raw"].where(items["counted"].eq("检查"), items["self_raw"])
    f = _find_function(function) if function else None
    if project and name_key(project) == name_key(COMPANY_GROUP):
        return _company_group(a, items, f)
    p = _find_project(a, project) if project else None
    if p and f:
        unit = a.units[(a.units["function"] == f) & (a.units["group"] == p)].iloc[0]
        mine = items[(items["function"] == f) & (items["group"] == p)]
        return _pooled(f"{p} · {f}", mine, unit["assessed"], unit["score"], unit["grade"], a)
    if f:
        row = a.functions.set_index("function").loc[f]
        mine = items[items["function"] == f]
        return _pooled(f"{f}职能（含{COMPANY_GROUP}）", mine, row["assessed"], row["score"], row["grade"], a)
    row = a.projects.set_index("project").loc[p]
    mine = items[(items["group"] == p) & ~items["is_company"].astype(bool)]
    if a.rules.scoring.project_aggregation == "function_weights":
        return _weighted(f"项目 {p}", mine, row, a)
    return _pooled(f"项目 {p}", mine, row["assessed"], row["score"], row["grade"], a)


def _company_group(a: Assessment, items: pd.DataFrame, f: str | None) -> Explanation:
    """--project 城市公司: not a project. With --function, that function's 城市公司 items; alone, a pointer."""
    if f is None:
        raise KpiError(f"「{COMPANY_GROUP}」不是项目\uff1a它的触点计入各职能的得分\uff0c不参加项目排名\uff1b"
                       f"请改用 --function 职能\uff08{'、'.join(FUNCTIONS)}\uff09\uff0c例如 --function 营销\uff1b"
                       f"只看某职能的{COMPANY_GROUP}触点\uff0c可同时写 --function 营销 --project {COMPANY_GROUP}")
    units = a.units[(a.units["function"] == f) & a.units["is_company"].astype(bool)]
    if units.empty:
        raise KpiError(f"{f}的工作表没有「{COMPANY_GROUP}」列组\uff1b请去掉 --project 查看{f}职能的得分")
    unit = units.iloc[0]
    mine = items[(items["function"] == f) & (items["group"] == unit["group"])]
    return _pooled(f"{unit['group']} · {f}", mine, unit["assessed"], unit["score"], unit["grade"], a)


def _pooled(title: str, mine: pd.DataFrame, assessed: bool, score: object, grade: object,
            a: Assessment) -> Explanation:
    mine = mine.copy()
    total_w = int(mine["w_int"].sum())
    scale = a.scale.credit_scale
    mine["contribution"] = [
        Fraction(100 * int(wc), total_w * scale) if ok and total_w else None
        for wc, ok in zip(mine["wc_int"], mine["applicable"])
    ]
    total = sum((c for c in mine["contribution"] if c is not None), Fraction(0)) if total_w else None
    _agree(total, score, title)
    return Explanation(title, bool(assessed), score if assessed else None, grade if assessed else None,
                       "合并计算：100 × Σ（权重×完成度） ÷ Σ权重", mine, total)


def _weighted(title: str, mine: pd.DataFrame, row: pd.Series, a: Assessment) -> Explanation:
    """function_weights: each function's share W_f/ΣW of its own pooled score."""
    mine = mine.copy()
    weights = {f: Fraction(w) for f, w in a.rules.scoring.function_weights.items()}
    per_function = mine.groupby("function")["w_int"].sum()
    assessed = [f for f, w in per_function.items() if w > 0]
    total_weight = sum((weights[f] for f in assessed), Fraction(0))
    scale = a.scale.credit_scale
    mine["contribution"] = [
        weights[f] / total_weight * Fraction(100 * int(wc), int(per_function[f]) * scale)
        if ok and total_weight and per_function[f] else None
        for f, wc, ok in zip(mine["function"], mine["wc_int"], mine["applicable"])
    ]
    total = sum((c for c in mine["contribution"] if c is not None), Fraction(0)) if total_weight else None
    _agree(total, row["score"], title)
    return Explanation(title, bool(row["assessed"]), row["score"] if row["assessed"] else None,
                       row["grade"] if row["assessed"] else None,
                       "按职能权重：Σ 职能权重 × 职能得分 ÷ Σ 职能权重", mine, total)


def _agree(total: Fraction | None, score: object, title: str) -> None:
    # The explanation must reproduce the score; a mismatch would be a bug, never shown silently.
    if total is not None and score is not None and cents_to_decimal(fraction_cents(total / 100)) != score:
        raise AssertionError(f"explain total {total} does not match score {score} for {title}")
