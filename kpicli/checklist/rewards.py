"""The checklist's rewards and penalties, and the score each post receives (contract §4): the checklist's own
policy on top of the shared grades and competition ranks (kpicli.grading).

Everything here uses the rounded score (whole cents), so what people see is what counts.
"""

from __future__ import annotations

from decimal import Decimal

import pandas as pd

from kpicli.checklist.words import COMPANY_GROUP, DIRECTOR_ROLE
from kpicli.grading.ranking import competition_rank, grade_of
from kpicli.rules.model import Rules

TEAM_BONUS, SERVICE_FEE = "团队奖金", "服务费调整"
TEAM_PENALTY = "团队处罚"  # how a negative 团队奖金 reads on every sheet (the JSON keeps the method)


def method_label(amount: object, method: str) -> str:
    """The method as a sheet shows it: a penalty paid by the team is 团队处罚, not 团队奖金."""
    return TEAM_PENALTY if method == TEAM_BONUS and amount is not None and amount < 0 else method


FUNCTION_HEAD, FUNCTION_MANAGER = "职能负责人", "职能经理"
PROPERTY = "物业"  # the function whose money is a 服务费 adjustment, never paid to people


def add_grades(table: pd.DataFrame, rules: Rules) -> pd.DataFrame:
    table = table.copy()
    table["grade"] = table["score"].map(lambda s: grade_of(s, rules.grades))
    return table


def add_rewards(functions: pd.DataFrame, projects: pd.DataFrame, rules: Rules) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Ranks within each table (or one combined ranking), then the signed reward of each unit."""
    functions, projects = add_grades(functions, rules), add_grades(projects, rules)
    if rules.rewards.ranking == "combined":
        joined = pd.concat([functions["cents"], projects["cents"]], ignore_index=True)
        ranks = competition_rank(joined)
        functions["rank"] = ranks.iloc[: len(functions)].to_numpy()
        projects["rank"] = ranks.iloc[len(functions):].to_numpy()
    else:
        functions["rank"] = competition_rank(functions["cents"])
        projects["rank"] = competition_rank(projects["cents"])
    for table in (functions, projects):
        table["rank"] = table["rank"].astype("Int64")
        table["reward"] = [_amount(s, r, rules) for s, r in zip(table["score"], table["rank"])]
    functions["method"] = [SERVICE_FEE if f == PROPERTY else TEAM_BONUS for f in functions["function"]]
    projects["method"] = TEAM_BONUS
    return functions, projects


def _amount(score: Decimal | None, rank: object, rules: Rules) -> Decimal:
    """+reward for rank 1 with a score above the threshold; −penalty below the penalty threshold."""
    r = rules.rewards
    if score is None:
        return Decimal(0)
    amount = Decimal(0)
    if rank == 1 and score > r.reward_threshold:
        amount += r.reward_amount
    if score < r.penalty_threshold:
        amount -= r.penalty_amount
    return amount


def reward_reason(score: Decimal | None, rank: object, amount: Decimal, rules: Rules) -> str:
    """Why a unit gets (or does not get) money, in one short Chinese phrase."""
    r = rules.rewards
    if score is None:
        return "不列入考核"
    if amount > 0:
        return f"排名第一且得分高于 {r.reward_threshold}"
    if amount < 0:
        return f"得分低于 {r.penalty_threshold}"
    if rank == 1:
        return f"排名第一，但得分未高于 {r.reward_threshold}"
    return ""


ROLE_COLUMNS = ["role", "unit", "function", "project", "assessed", "score", "grade", "basis"]


def role_scores(functions: pd.DataFrame, projects: pd.DataFrame, units: pd.DataFrame,
                roster: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every assessed post and the score that applies to it (contract §4), with names when a roster exists:
    the function heads, then each project's director followed by its function managers."""
    heads = functions.assign(role=FUNCTION_HEAD, unit=COMPANY_GROUP, project=None,
                             basis=functions["function"] + "职能得分", _p=-1, _k=0)
    order = {p: i for i, p in enumerate(projects["project"])}
    directors = projects.assign(role=DIRECTOR_ROLE, unit=projects["project"], function=None, basis="项目得分",
                                _p=projects["project"].map(order), _k=0)
    mine = units[units["group"].isin(order)]
    managers = mine.assign(role=FUNCTION_MANAGER, unit=mine["group"], project=mine["group"],
                           basis=mine["group"] + "·" + mine["function"] + "得分", _p=mine["group"].map(order), _k=1)
    parts = [t[[*ROLE_COLUMNS, "_p", "_k"]].astype(object) for t in (heads, directors, managers)]
    roles = pd.concat(parts, ignore_index=True).sort_values(["_p", "_k"], kind="stable")
    roles = roles.drop(columns=["_p", "_k"]).reset_index(drop=True)
    roles["names"] = _names(roster, roles)
    return roles


def _names(roster: pd.DataFrame | None, roles: pd.DataFrame) -> list[str]:
    """The roster's names for each post, joined with 、 ('' without a roster)."""
    if roster is None or roster.empty:
        return [""] * len(roles)
    key = roster["role"] + "|" + roster["unit"].where(roster["role"] != FUNCTION_HEAD, COMPANY_GROUP) + "|" + \
        roster["function"].fillna("")
    joined = roster.groupby(key, sort=False)["name"].agg("、".join)
    wanted = roles["role"] + "|" + roles["unit"] + "|" + roles["function"].fillna("")
    return wanted.map(joined).fillna("").tolist()


def team_rows(roster: pd.DataFrame, unit_kind: str, unit: str, rules: Rules) -> pd.DataFrame:
    """The roster rows (posts) that share a unit's reward or penalty: a function's head and its managers; a
    project's director and function managers — its 物业经理 only with rewards.property_in_project_team (物业 settles
    through its 服务费)."""
    if unit_kind == "function":
        return roster[(roster["unit"] == COMPANY_GROUP) & (roster["function"] == unit)]
    hit = roster[roster["unit"] == unit]
    return hit if rules.rewards.property_in_project_team else hit[hit["function"].ne(PROPERTY)]


def team_members(roster: pd.DataFrame | None, unit_kind: str, unit: str, rules: Rules) -> list[str]:
    """Everyone who shares a unit's reward or penalty (team_rows), each once, in roster order."""
    if roster is None or roster.empty:
        return []
    return list(dict.fromkeys(team_rows(roster, unit_kind, unit, rules)["name"]))
