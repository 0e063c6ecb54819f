"""The data of a payout: teams handed out, allocations returned, and the lines of the HR list."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from kpicli.core.errors import Problem

PENDING = "待分配"


@dataclass(frozen=True)
class Member:
    """A person a team's amount may go to, spelled as the roster spells them, with their post in the team."""

    name: str
    role: str


@dataclass(frozen=True)
class Team:
    """A team whose amount is shared out by its leader: one period's, as kpicli handed it out.

    payable False: the amount is settled another way (物业's 服务费) and never goes to people."""

    period: str
    company: str
    label: str  # 云栖府项目, 营销职能: unique within the period
    amount: Decimal
    reason: str
    members: tuple[Member, ...] = ()
    payable: bool = True
    method: str = ""

    @property
    def key(self) -> tuple[str, str]:
        return (self.period, self.label)


@dataclass(frozen=True)
class Entry:
    """One member row of a returned allocation: the name as typed and the amount cell's raw value."""

    name: object
    name_cell: str
    value: object
    value_cell: str
    role: str = ""


@dataclass
class Allocation:
    """One copy of a team's allocation as it came back: in a handed-out file or in the result's 奖惩分配表.

    handed_out: the team kpicli recorded in the file when it wrote it (None: no record, or the result's own
    sheet, checked against the result). amount/amount_cell: the team amount as it stands in the file now."""

    file: Path
    sheet: str
    period: str
    label: str
    amount: object
    amount_cell: str
    total_cell: str
    entries: list[Entry]
    handed_out: Team | None = None
    in_result: bool = False

    @property
    def filled(self) -> bool:
        return any(e.value not in (None, "") for e in self.entries)

    def where(self, cell: str | None = None) -> str:
        return f"{self.file.name} {self.sheet}!{cell}" if cell else f"{self.file.name} {self.sheet}"


@dataclass(frozen=True)
class Line:
    """One row of the HR list: a person's amount in one team of one period, and where it was read."""

    period: str
    company: str
    team: str
    name: str
    role: str
    amount: Decimal
    reason: str
    file: str
    cell: str  # 奖惩分配表!C6


@dataclass
class Payout:
    """What `payout` found: the lines to pay, the teams still 待分配, the service-fee teams, the problems."""

    lines: list[Line] = field(default_factory=list)
    pending: list[Team] = field(default_factory=list)
    settled: list[Team] = field(default_factory=list)  # paid through another channel (物业 服务费)
    teams: list[Team] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)

    @property
    def has_errors(self) -> bool:
        return any(p.level == "error" for p in self.problems)

    @property
    def periods(self) -> list[str]:
        return list(dict.fromkeys([*(line.period for line in self.lines), *(t.period for t in self.teams)]))

    def person_totals(self) -> list[tuple[str, Decimal, list[Line]]]:
        """Each person once (by name), their total over every team and period, and their lines."""
        people: dict[str, list[Line]] = {}
        for line in self.lines:
            people.setdefault(line.name, []).append(line)
        return [(name, sum((x.amount for x in lines), Decimal(0)), lines) for name, lines in people.items()]

    def team_totals(self) -> list[tuple[str, str, Decimal, int]]:
        """(period, team, total, people) of each team with lines, in list order."""
        totals: dict[tuple[str, str], list[Line]] = {}
        for line in self.lines:
            totals.setdefault((line.period, line.team), []).append(line)
        return [(p, t, sum((x.amount for x in lines), Decimal(0)), len(lines)) for (p, t), lines in totals.items()]

    @property
    def total(self) -> Decimal:
        return sum((line.amount for line in self.lines), Decimal(0))

    def to_dict(self) -> dict[str, object]:
        """The machine-readable list (amounts as strings with 2 decimals: exact for a payroll import)."""
        return {
            "kind": "payout",
            "lines": [{"period": x.period, "company": x.company, "team": x.team, "name": x.name, "role": x.role,
                       "amount": f"{x.amount:.2f}", "reason": x.reason, "file": x.file, "cell": x.cell}
                      for x in self.lines],
            "people": [{"name": n, "total": f"{t:.2f}", "lines": len(ls)} for n, t, ls in self.person_totals()],
            "teams": [{"period": p, "team": t, "total": f"{s:.2f}", "people": k} for p, t, s, k in self.team_totals()],
            "pending": [{"period": t.period, "team": t.label, "amount": f"{t.amount:.2f}"} for t in self.pending],
            "settled": [{"period": t.period, "team": t.label, "amount": f"{t.amount:.2f}", "method": t.method}
                        for t in self.settled],
            "total": f"{self.total:.2f}",
            "problems": [{**p.to_dict(), "file": p.file} for p in self.problems],
        }


def team_to_dict(team: Team) -> dict[str, object]:
    """A team as JSON (the record of a handed-out allocation): the amount as an exact string."""
    return {"period": team.period, "company": team.company, "label": team.label, "amount": str(team.amount),
            "reason": team.reason, "members": [[m.name, m.role] for m in team.members], "payable": team.payable,
            "method": team.method}


def team_from_dict(data: object) -> Team | None:
    """The team of team_to_dict, or None for anything else (a record from another version, a damaged one)."""
    if not isinstance(data, dict):
        return None
    try:
        return Team(period=str(data["period"]), company=str(data["company"]), label=str(data["label"]),
                    amount=Decimal(str(data["amount"])), reason=str(data["reason"]),
                    members=tuple(Member(str(n), str(r)) for n, r in data["members"]),
                    payable=bool(data["payable"]), method=str(data.get("method", "")))
    except (KeyError, TypeError, ValueError, ArithmeticError):
        return None


__all__ = ["PENDING", "Allocation", "Entry", "Line", "Member", "Payout", "Team", "team_from_dict", "team_to_dict"]
