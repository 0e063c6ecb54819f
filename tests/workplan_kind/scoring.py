"""按时完成 (on time): a node done no later than its 计划完成日期 (plus --grace-days). The score is the share of the
nodes' weight done on time, A 类 weighing 2 and B 类 1, on 100 points, exact and half-up to 2 decimals; each
责任人 gets the same score over their own nodes and a competition rank (1, 1, 3 …)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

from kpicli.core.errors import Problem
from kpicli.core.exact import half_up, json_number
from kpicli.core.period import Period
from workplan_kind.layout import Node, Sheet

WEIGHTS = {"A": 2, "B": 1}
NAME = "workplan"  # the kind's name: "kind" in its JSON


@dataclass(frozen=True)
class Tally:
    """Nodes of one category: how many, how many on time."""

    total: int = 0
    on_time: int = 0

    def to_json(self) -> dict:
        return {"total": self.total, "on_time": self.on_time}


@dataclass(frozen=True)
class Person:
    owner: str
    a: Tally
    b: Tally
    score: Decimal | None
    rank: int | None = None

    def to_json(self) -> dict:
        return {"owner": self.owner, "a": self.a.to_json(), "b": self.b.to_json(),
                "score": json_number(self.score), "rank": self.rank}


@dataclass
class WorkplanResult:
    """What check, rank and score return for a node sheet (kpicli.core.kind.KindResult)."""

    file: str
    period: Period | None
    company: str | None
    grace_days: int
    nodes: list[Node]
    on_time: dict[tuple[str, int], bool]  # (sheet, row) → done by the planned date (plus grace)
    a: Tally
    b: Tally
    score: Decimal | None
    people: list[Person]
    problems: list[Problem] = field(default_factory=list)
    kind: str = NAME

    @property
    def has_errors(self) -> bool:
        return any(p.level == "error" for p in self.problems)

    @property
    def period_label(self) -> str:
        return self.period.label if self.period is not None else "计划月份未知"

    def to_json(self) -> dict:
        return {"kind": self.kind, "company": self.company,
                "period": self.period.to_json() if self.period is not None else None,
                "grace_days": self.grace_days, "score": json_number(self.score), "a": self.a.to_json(),
                "b": self.b.to_json(), "people": [p.to_json() for p in self.people],
                "nodes": [{"sheet": n.sheet, "row": n.row, "node": n.name, "category": n.category,
                           "planned": n.planned.isoformat(), "done": n.done.isoformat() if n.done else None,
                           "owner": n.owner or None, "on_time": self.on_time[n.sheet, n.row]} for n in self.nodes],
                "problems": [p.to_dict() for p in self.problems]}


def tally(nodes: list[Node], on_time: dict[tuple[str, int], bool], category: str) -> Tally:
    chosen = [n for n in nodes if n.category == category]
    return Tally(len(chosen), sum(on_time[n.sheet, n.row] for n in chosen))


def weighted_score(a: Tally, b: Tally) -> Decimal | None:
    """100 × on-time weight / all weight, exact, half-up to 2 decimals; None without any node."""
    whole = WEIGHTS["A"] * a.total + WEIGHTS["B"] * b.total
    if not whole:
        return None
    return half_up(Fraction(100 * (WEIGHTS["A"] * a.on_time + WEIGHTS["B"] * b.on_time), whole), 2)


def score_sheets(path: Path, sheets: list[Sheet], *, company: str | None, grace_days: int) -> WorkplanResult:
    """The nodes of every node sheet scored; problems (the sheets', and months that disagree) in the result."""
    import pandas as pd

    from kpicli.grading.ranking import competition_rank

    problems = [p for s in sheets for p in s.problems]
    months = {s.month for s in sheets if s.month is not None}
    if len(months) > 1:
        listed = "、".join(f"{s.name}（{s.month.label}）" for s in sheets if s.month is not None)
        problems.append(Problem("error", None, None, f"各工作表的计划月份不同：{listed}；一个工作簿只放一个月的节点"))
    nodes = [n for s in sheets for n in s.nodes]
    grace = timedelta(days=grace_days)
    on_time = {(n.sheet, n.row): n.done is not None and n.done <= n.planned + grace for n in nodes}
    a, b = tally(nodes, on_time, "A"), tally(nodes, on_time, "B")
    owners = list(dict.fromkeys(n.owner for n in nodes if n.owner))
    people = []
    for owner in owners:
        own = [n for n in nodes if n.owner == owner]
        pa, pb = tally(own, on_time, "A"), tally(own, on_time, "B")
        people.append(Person(owner, pa, pb, weighted_score(pa, pb)))
    ranks = competition_rank(pd.Series([int(p.score * 100) for p in people], dtype="Int64")) if people else []
    people = sorted((Person(p.owner, p.a, p.b, p.score, int(r)) for p, r in zip(people, ranks)),
                    key=lambda p: (p.rank, owners.index(p.owner)))
    period = next(iter(months)) if len(months) == 1 else None
    return WorkplanResult(path.name, period, company, grace_days, nodes, on_time, a, b, weighted_score(a, b), people,
                          problems)
