"""The checklist's side of the payout (issue 22): the teams a result hands out (every unit with a reward or
penalty, its members from the 人员名单), and the 奖惩分配表 blocks read back as allocations."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pandas as pd

from kpicli.checklist.assessment import Assessment
from kpicli.checklist.rewards import FUNCTION_HEAD, SERVICE_FEE, TEAM_BONUS, reward_reason, team_members, team_rows
from kpicli.checklist.words import DIRECTOR_ROLE
from kpicli.core.vocab import column_letter, normalize
from kpicli.payout.model import Allocation, Entry, Member, Team
from kpicli.rules.model import Rules

AMOUNT_LABEL, NAME_LABEL, TOTAL_LABEL = "团队金额（元）", "姓名", "合计"


def team_label(kind: str, unit: str) -> str:
    """云栖府项目 / 营销职能: how a team is named on the 奖惩分配表, in files and in the HR list."""
    return f"{unit}职能" if kind == "function" else f"{unit}项目"


def _post(row: object) -> str:
    if row.role == DIRECTOR_ROLE:
        return DIRECTOR_ROLE
    if row.role == FUNCTION_HEAD:
        return f"{row.function}{FUNCTION_HEAD}"
    return f"{row.function}{row.role}"


def members(roster: pd.DataFrame | None, kind: str, unit: str, rules: Rules) -> list[Member]:
    """The people who share a unit's amount (rewards.team_members), each with their posts in that team."""
    names = team_members(roster, kind, unit, rules)
    if not names:
        return []
    posts: dict[str, dict[str, None]] = {name: {} for name in names}  # one pass over the team's rows, in order
    for p in team_rows(roster, kind, unit, rules).itertuples(index=False):
        if kind == "project" or p.function == unit:
            posts[p.name][_post(p)] = None
    return [Member(name, "、".join(posts[name])) for name in names]


def units_with_money(a: Assessment) -> list[tuple[str, str, Decimal, str, str]]:
    """(kind, unit, signed amount, method, why) of every unit with a reward or penalty, functions first."""
    teams = []
    for kind, table, key in (("function", a.functions, "function"), ("project", a.projects, "project")):
        for t in table.itertuples(index=False):
            if t.reward != 0:
                teams.append((kind, getattr(t, key), Decimal(t.reward), t.method,
                              reward_reason(t.score, t.rank, t.reward, a.rules)))
    return teams


def teams_of(a: Assessment) -> list[Team]:
    """Every team of the result with money to share, as handed out: amount, reason for HR, members."""
    roster = a.checklist.roster
    teams = []
    scores = {("function", t.function): t for t in a.functions.itertuples(index=False)}
    scores.update({("project", t.project): t for t in a.projects.itertuples(index=False)})
    for kind, unit, amount, method, why in units_with_money(a):
        row = scores[(kind, unit)]
        what = "奖励" if amount > 0 else "处罚"
        reason = f"{what}：第{int(row.rank)}名，得分 {row.score:.2f}，{why}"
        teams.append(Team(period=a.period_label, company=a.company or "", label=team_label(kind, unit),
                          amount=amount, reason=reason, members=tuple(members(roster, kind, unit, a.rules)),
                          payable=method != SERVICE_FEE, method=method if method != TEAM_BONUS or amount > 0
                          else "团队处罚"))
    return teams


def read_allocations(rows: list[list[object]], path: Path, sheet: str, period: str, *,
                     handed_out: Team | None = None, in_result: bool = False) -> list[Allocation]:
    """Every team block of a 奖惩分配表 (values as dense rows): title row (label, 团队金额, amount), the 姓名
    header, member rows up to 合计. A block without members (a 服务费 note) has no entries."""

    def at(r: int, c: int) -> object:
        return rows[r][c] if r < len(rows) and c < len(rows[r]) else ""

    def ref(r: int, c: int) -> str:
        return f"{column_letter(c)}{r + 1}"

    found = []
    titles = [r for r in range(len(rows)) if normalize(at(r, 1)) == normalize(AMOUNT_LABEL)]
    for i, r in enumerate(titles):
        end = titles[i + 1] if i + 1 < len(titles) else len(rows)
        entries, total = [], None
        if normalize(at(r + 1, 0)) == normalize(NAME_LABEL):
            for m in range(r + 2, end):
                if normalize(at(m, 0)) == normalize(TOTAL_LABEL):
                    total = m
                    break
                if all(at(m, c) in (None, "") for c in range(3)):
                    continue
                entries.append(Entry(name=at(m, 0), name_cell=ref(m, 0), value=at(m, 2), value_cell=ref(m, 2),
                                     role=str(at(m, 1) or "")))
        last = total if total is not None else (r + 1 + len(entries))
        found.append(Allocation(file=path, sheet=sheet, period=period, label=str(at(r, 0)).strip(),
                                amount=at(r, 2), amount_cell=ref(r, 2), total_cell=ref(last, 2), entries=entries,
                                handed_out=handed_out, in_result=in_result))
    return found


__all__ = ["members", "read_allocations", "team_label", "teams_of", "units_with_money"]
